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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-red-flag-check]").forEach(setupRedFlagCheck);
  });
})();
