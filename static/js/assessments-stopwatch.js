// Two-Stage Treadmill Test stopwatch: one per stage. Fills the stage's time fields
// (minutes:seconds) so the therapist can type over them. No inline scripts (CSP).
//
//   Start            -> walking clock runs from 0:00
//   First symptoms   -> "Time to first symptoms" = now
//   Stop             -> "Total walking time" = now; the clock turns into the rest clock
//   Symptoms settled -> "Recovery time" = time since Stop
// At 10:00 the walk stops by itself with "Reached the 10-minute limit".
(function () {
  "use strict";

  // The one formatter (stride.js, loaded before this file with defer). A running clock shows
  // the seconds already completed, so it is floored first: 9:59.6 reads 9:59, not 10:00.
  function mmss(totalSeconds) {
    return window.Stride.mmss(Math.floor(totalSeconds));
  }

  function setup(root) {
    const stage = root.dataset.stage;
    const limit = parseInt(root.dataset.limit || "600", 10);
    const display = root.querySelector("[data-display]");
    const phase = root.querySelector("[data-phase]");
    const buttons = {};
    root.querySelectorAll("[data-action]").forEach(function (button) {
      buttons[button.dataset.action] = button;
    });
    const field = function (name) {
      return document.getElementById("id_" + stage + "_" + name);
    };
    const stopReason = function (value) {
      return document.querySelector(
        'input[name="' + stage + '_stop_reason"][value="' + value + '"]'
      );
    };

    let startedAt = null; // ms, walking clock
    let stoppedAt = null; // ms, rest clock
    let onsetSeen = false;
    let tick = null;
    let wakeLock = null;

    function elapsed(since) {
      return (Date.now() - since) / 1000;
    }

    function fill(name, seconds) {
      const input = field(name);
      if (input) {
        input.value = mmss(seconds);
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    function announce(text) {
      phase.textContent = text;
    }

    function enable(active) {
      Object.keys(buttons).forEach(function (name) {
        buttons[name].disabled = active.indexOf(name) === -1;
      });
    }

    function keepAwake(on) {
      // Keep a tablet's screen on while timing; harmless where unsupported.
      if (on && "wakeLock" in navigator && !wakeLock) {
        navigator.wakeLock.request("screen").then(
          function (lock) {
            wakeLock = lock;
          },
          function () {}
        );
      } else if (!on && wakeLock) {
        wakeLock.release();
        wakeLock = null;
      }
    }

    function render() {
      if (startedAt !== null && stoppedAt === null) {
        const seconds = elapsed(startedAt);
        if (seconds >= limit) {
          stop(true);
          return;
        }
        display.textContent = mmss(seconds);
      } else if (stoppedAt !== null) {
        display.textContent = mmss(elapsed(stoppedAt));
      }
    }

    function start() {
      startedAt = Date.now();
      stoppedAt = null;
      onsetSeen = false;
      root.classList.add("is-running");
      root.classList.remove("is-resting");
      announce("Walking");
      enable(["onset", "stop", "reset"]);
      clearInterval(tick);
      tick = setInterval(render, 250);
      keepAwake(true);
      render();
    }

    function onset() {
      onsetSeen = true;
      const seconds = elapsed(startedAt);
      fill("onset_s", seconds);
      const none = field("no_symptoms");
      if (none) none.checked = false;
      announce("First symptoms at " + mmss(seconds) + ". Still walking");
      enable(["stop", "reset"]);
    }

    function stop(atLimit) {
      const seconds = atLimit ? limit : Math.min(limit, elapsed(startedAt));
      stoppedAt = Date.now();
      fill("total_s", seconds);
      root.classList.remove("is-running");
      const none = field("no_symptoms");
      if (!onsetSeen && none) {
        none.checked = true;
        const onsetInput = field("onset_s");
        if (onsetInput) onsetInput.value = "";
      }
      const reason = atLimit ? stopReason("time_limit") : onsetSeen ? stopReason("symptoms") : null;
      if (reason) reason.checked = true;
      if (onsetSeen) {
        root.classList.add("is-resting");
        announce(
          (atLimit ? "10-minute limit reached" : "Stopped at " + mmss(seconds)) +
            ". Resting: press Symptoms settled when symptoms are back to how they were before."
        );
        enable(["settled", "reset"]);
      } else {
        announce(
          (atLimit ? "10-minute limit reached" : "Stopped at " + mmss(seconds)) +
            " with no symptoms."
        );
        clearInterval(tick);
        display.textContent = mmss(seconds);
        enable(["reset"]);
        keepAwake(false);
      }
    }

    function settled() {
      const seconds = elapsed(stoppedAt);
      fill("recovery_s", seconds);
      clearInterval(tick);
      root.classList.remove("is-resting");
      display.textContent = mmss(seconds);
      announce("Symptoms settled after " + mmss(seconds) + ". Stage done.");
      enable(["reset"]);
      keepAwake(false);
    }

    function reset() {
      clearInterval(tick);
      startedAt = null;
      stoppedAt = null;
      onsetSeen = false;
      display.textContent = "0:00";
      root.classList.remove("is-running", "is-resting");
      announce("Ready to start");
      enable(["start", "reset"]);
      keepAwake(false);
    }

    buttons.start.addEventListener("click", start);
    buttons.onset.addEventListener("click", onset);
    buttons.stop.addEventListener("click", function () {
      stop(false);
    });
    buttons.settled.addEventListener("click", settled);
    buttons.reset.addEventListener("click", reset);
    root.hidden = false; // without JavaScript the stopwatch stays hidden: type the times
    reset();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-stopwatch]").forEach(setup);
  });
})();
