// Stride page behaviour. No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";

  // One duration formatter for the browser, the same as clinic/durations.py (a test holds
  // both to one table): durationText(1420) -> "23 min 40 s", mmss(245) -> "4:05".
  function wholeSeconds(seconds) {
    return Math.max(0, Math.round(Number(seconds) || 0));
  }

  function durationText(seconds) {
    const total = wholeSeconds(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = total % 60;
    if (hours) return minutes ? hours + " h " + minutes + " min" : hours + " h";
    if (minutes) return secs ? minutes + " min " + secs + " s" : minutes + " min";
    return secs + " s";
  }

  function mmss(seconds) {
    const total = wholeSeconds(seconds);
    return Math.floor(total / 60) + ":" + String(total % 60).padStart(2, "0");
  }

  window.Stride = Object.assign(window.Stride || {}, { durationText: durationText, mmss: mmss });

  // Idle-session warning: shown before the server ends an idle session, with one click to extend.
  function setupSessionWarning() {
    const body = document.body;
    const idle = parseInt(body.dataset.idleSeconds || "0", 10);
    const warn = parseInt(body.dataset.warningSeconds || "120", 10);
    const dialog = document.getElementById("session-warning");
    if (!idle || !dialog) return;
    const countdown = dialog.querySelector("[data-session-countdown]");
    let deadline = Date.now() + idle * 1000;
    let warningTimer = null;
    let tick = null;

    function schedule() {
      clearTimeout(warningTimer);
      clearInterval(tick);
      deadline = Date.now() + idle * 1000;
      warningTimer = setTimeout(showWarning, Math.max(0, (idle - warn) * 1000));
    }

    function showWarning() {
      if (!dialog.open) dialog.showModal();
      dialog.querySelector("[data-session-extend]").focus();
      tick = setInterval(function () {
        const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        countdown.textContent = durationText(left);
        if (left <= 0) {
          clearInterval(tick);
          signOut();
        }
      }, 1000);
    }

    // Sign out with a POST (allauth's logout), then land on the login page with a notice.
    function signOut() {
      const form = document.createElement("form");
      form.method = "post";
      form.action = body.dataset.logoutUrl;
      [["csrfmiddlewaretoken", csrfToken()], ["next", body.dataset.timeoutUrl]].forEach(
        function (pair) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = pair[0];
          input.value = pair[1];
          form.appendChild(input);
        },
      );
      document.body.appendChild(form);
      form.submit();
    }

    function csrfToken() {
      try {
        return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"];
      } catch (e) {
        return "";
      }
    }

    dialog.querySelector("[data-session-extend]").addEventListener("click", function () {
      fetch(body.dataset.extendUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual", // a signed-out session answers with a redirect to the login page
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (response.ok) {
          dialog.close();
          schedule();
        } else {
          signOut();
        }
      });
    });

    // Any htmx request made by the user also counts as activity on the server.
    document.body.addEventListener("htmx:afterRequest", function (event) {
      const headers = event.detail.requestConfig && event.detail.requestConfig.headers;
      if (!headers || !headers["X-Stride-Passive"]) schedule();
    });
    schedule();
  }

  // Buttons that ask before they act: <button data-confirm="Deactivate this account?">.
  function setupConfirm() {
    document.addEventListener("submit", function (event) {
      const button = event.submitter;
      const message = (button && button.dataset.confirm) || event.target.dataset.confirm;
      if (message && !window.confirm(message)) event.preventDefault();
    });
  }

  // Copy buttons: <button data-copy-target="id" data-copy-done="status-id">. The clipboard
  // needs a secure page and permission; without it the text is selected for a long press.
  function setupCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      const source = document.getElementById(button.dataset.copyTarget);
      const status = document.getElementById(button.dataset.copyDone);
      if (!source) return;
      function say(text) {
        if (status) status.textContent = text;
      }
      function selectText() {
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        say("Selected: copy it from your phone's menu.");
      }
      button.addEventListener("click", function () {
        const text = source.textContent.trim();
        if (!navigator.clipboard || !window.isSecureContext) return selectText();
        navigator.clipboard.writeText(text).then(function () {
          say("Copied.");
        }, selectText);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupSessionWarning();
    setupConfirm();
    setupCopyButtons();
    // After a failed submit, take keyboard and screen-reader users to the list of problems
    // (templates/partials/error_summary.html, on every form page).
    const summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
