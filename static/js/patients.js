// Patient forms. No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";

  // The red-flag safety question: a sign and "None of these" exclude each other.
  function setupRedFlagCheck(fieldset) {
    var none = fieldset.querySelector("[data-red-flag-none]");
    var signs = fieldset.querySelectorAll("[data-red-flag-sign]");
    if (!none) return;
    none.addEventListener("change", function () {
      if (none.checked) {
        signs.forEach(function (sign) {
          sign.checked = false;
        });
      }
    });
    signs.forEach(function (sign) {
      sign.addEventListener("change", function () {
        if (sign.checked) none.checked = false;
      });
    });
  }

  // "Change it" on an unusual walk (docs/clinical-rules.md §7.8): back to the minutes, focused.
  function setupChangeField(link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("data-change-field"));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.select();
    });
  }

  // A search box over a time-zone menu (select[data-zone-search]). It keeps only the options
  // whose words match; without JavaScript the menu works as it is. The options are rebuilt
  // rather than hidden: phones ignore a hidden <option>.
  function setupZoneSearch(select) {
    var all = Array.prototype.map.call(select.children, function (node) {
      return node.cloneNode(true);
    });
    var box = document.createElement("div");
    box.className = "mb-2";
    var label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = select.id + "-search";
    label.textContent = "Find a time zone: type a city or country";
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-search";
    input.className = "form-control";
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "form-text";
    status.setAttribute("aria-live", "polite");
    box.append(label, input, status);
    (select.closest(".mb-3") || select).before(box);

    function matches(option, words) {
      var text = (option.textContent + " " + option.value).toLowerCase().replace(/_/g, " ");
      return words.every(function (word) {
        return text.indexOf(word) !== -1;
      });
    }

    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var kept = [];
      var count = 0;
      all.forEach(function (node) {
        var copy = node.cloneNode(true);
        if (copy.tagName === "OPTGROUP") {
          Array.prototype.slice.call(copy.children).forEach(function (option) {
            if (words.length && !matches(option, words)) option.remove();
          });
          count += copy.children.length;
          if (copy.children.length) kept.push(copy);
        } else if (!words.length || matches(copy, words)) {
          count += 1;
          kept.push(copy);
        }
      });
      // Nothing matches: keep the whole menu, never an empty one (that would post no zone).
      if (!count) {
        kept = all.map(function (node) {
          return node.cloneNode(true);
        });
      }
      select.replaceChildren.apply(select, kept);
      var stillThere = Array.prototype.some.call(select.options, function (option) {
        return option.value === chosen;
      });
      if (stillThere) select.value = chosen;
      status.textContent = searchStatus(words.length, count);
    });
  }

  function searchStatus(searching, count) {
    if (!searching) return "";
    if (!count) return "No time zone matches. The whole list is shown.";
    return count + (count === 1 ? " time zone matches" : " time zones match") +
      ": choose one in the list below.";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-red-flag-check]").forEach(setupRedFlagCheck);
    document.querySelectorAll("[data-change-field]").forEach(setupChangeField);
    document.querySelectorAll("select[data-zone-search]").forEach(setupZoneSearch);
  });
})();
