// Guided walk timer. Plain JavaScript, served from the app (the CSP forbids inline scripts).
//
// With a plan, the page carries today's prescription (data-plan-walks, data-plan-walk-seconds):
// each walk counts down, ends by itself at its prescribed length (or early, when the patient
// says the pain rose to the target) and opens the strategic break; after the last walk come
// the nerve glides and the questions. The prescription is copied into the walk when it starts,
// so a reload, or a plan changed mid-walk, keeps the walk the patient set out on. Without a
// plan the walk is open-ended, as before.
//
// Every time shown is computed from Date.now() timestamps kept in localStorage, so a phone
// that sleeps or a page that reloads loses nothing. The walk stays in localStorage until the
// server confirms it; the upload carries a client id, so a retry after going offline is
// stored once (the server answers a replay with the log it already has).
(function () {
  "use strict";

  var root = document.getElementById("walk-timer");
  if (!root) return;

  var KEY = root.dataset.storageKey;
  // The patient's pain target, rendered from their rules (docs/clinical-rules.md §7): no
  // number of its own here.
  var RISE_TARGET = parseInt(root.dataset.riseTarget, 10);
  // Durations come from the one formatter (static/js/stride.js, same as clinic/durations.py).
  var durationText = window.Stride.durationText;
  var mmss = window.Stride.mmss;
  var PHASES = ["ready", "walking", "resting", "finishing", "pending"];
  var PLAN = readPlan();
  var state = load();
  var sending = false;

  // --- State -------------------------------------------------------------------------

  function readPlan() {
    var walks = parseInt(root.dataset.planWalks, 10);
    var seconds = parseInt(root.dataset.planWalkSeconds, 10);
    if (!(walks > 0) || !(seconds > 0)) return null;
    return { walks: walks, walkMs: seconds * 1000 };
  }

  function fresh() {
    return { v: 1, phase: "ready", bouts: [], pains: [] };
  }

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (saved && saved.v === 1 && PHASES.indexOf(saved.phase) >= 0) return saved;
    } catch (e) {
      /* unreadable storage: start again */
    }
    return fresh();
  }

  function save() {
    window.localStorage.setItem(KEY, JSON.stringify(state));
  }

  function clear() {
    window.localStorage.removeItem(KEY);
    state = fresh();
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return b.toString(16).padStart(2, "0");
      })
      .join("");
  }

  function currentBout() {
    return state.bouts[state.bouts.length - 1];
  }

  function walkedMs(now) {
    return state.bouts.reduce(function (sum, bout) {
      return sum + ((bout.end || now) - bout.start);
    }, 0);
  }

  // --- The plan's walks ---------------------------------------------------------------

  function walkName(number) {
    return "walk " + number + " of " + state.plan.walks;
  }

  function onLastWalk() {
    return state.plan && state.bouts.length >= state.plan.walks;
  }

  function walkEndsAt(bout) {
    return bout.start + state.plan.walkMs;
  }

  function walkLength() {
    return durationText(state.plan.walkMs / 1000);
  }

  function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function peakPain() {
    return state.pains.reduce(function (peak, p) {
      return Math.max(peak, p.pain);
    }, state.painBefore);
  }

  // --- Display -----------------------------------------------------------------------

  function setText(name, value) {
    root.querySelectorAll('[data-text="' + name + '"]').forEach(function (el) {
      el.textContent = value;
    });
  }

  function setClock(name, ms) {
    var el = root.querySelector('[data-clock="' + name + '"]');
    if (el) el.textContent = mmss(Math.floor(ms / 1000));
  }

  function announce(message) {
    var status = document.getElementById("timer-status");
    status.textContent = "";
    // A fresh text node after a pause makes screen readers speak a repeated message too.
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function showError(where, message) {
    var el = root.querySelector('[data-error="' + where + '"]');
    if (!el) return;
    el.textContent = message || "";
    el.hidden = !message;
  }

  function render() {
    var now = Date.now();
    PHASES.forEach(function (phase) {
      root.querySelector('[data-phase="' + phase + '"]').hidden = phase !== state.phase;
    });
    var bout = currentBout();
    if (state.phase === "walking" && bout) {
      setClock("walk", now - bout.start);
      setClock("total", walkedMs(now));
      var label = root.querySelector("[data-bout-label]");
      if (state.plan) {
        setText("walking-heading", capitalised(walkName(state.bouts.length)));
        label.textContent = "";
        var left = Math.max(0, walkEndsAt(bout) - now);
        root.querySelector('[data-clock="left"]').textContent = mmss(Math.ceil(left / 1000));
      } else {
        setText("walking-heading", "Walking");
        label.textContent = state.bouts.length > 1 ? ", stretch " + state.bouts.length : "";
      }
      setText("pain-before", String(state.painBefore));
      setText("peak", String(peakPain()));
      root.querySelector("[data-break-suggestion]").hidden = !bout.breakSuggested;
    }
    if (state.phase === "resting" && bout) {
      setClock("rest", now - bout.end);
      if (state.plan) {
        setText("break-done", capitalised(walkName(state.bouts.length)) + " done.");
        setText(
          "break-next",
          "Next: " +
            walkName(state.bouts.length + 1) +
            ", " +
            walkLength() +
            ", when the pain has settled.",
        );
      }
    }
    if (state.phase === "finishing") {
      setText("total", durationText(Math.round(walkedMs(now) / 1000)));
      var n = state.bouts.length;
      setText("stretches", n === 1 ? "in one stretch" : "in " + n + " stretches");
      if (state.plan) {
        var planned = state.plan.walks;
        setText(
          "plan-done",
          n >= planned
            ? "You did all " + planned + " walks of today's plan."
            : "You did " + n + " of the " + planned + " walks of today's plan.",
        );
      }
    }
    root.querySelectorAll("[data-plan-only]").forEach(function (el) {
      el.hidden = !state.plan;
    });
    root.querySelectorAll("[data-open-only]").forEach(function (el) {
      el.hidden = !!state.plan;
    });
    root.querySelector("[data-urgent]").hidden = !state.urgent;
  }

  // The plan's walk ends by itself at its prescribed length, at that moment exactly, even when
  // the page was closed or asleep then: the break began when the walk was over.
  function tick() {
    var bout = currentBout();
    if (state.phase === "walking" && state.plan && bout && Date.now() >= walkEndsAt(bout)) {
      buzz();
      endWalk(walkEndsAt(bout), "");
      return;
    }
    render();
  }

  function buzz() {
    try {
      if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
    } catch (e) {
      /* no vibration on this phone */
    }
  }

  function go(phase, message) {
    state.phase = phase;
    save();
    render();
    var heading = root.querySelector('[data-phase="' + phase + '"] h2');
    if (heading) heading.focus();
    if (message) announce(message);
  }

  // --- Actions -----------------------------------------------------------------------

  function checkedValue(name) {
    var input = root.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function start() {
    var pain = checkedValue("pain_before");
    if (pain === "") {
      showError("ready", "Choose your pain now, from 0 to 10, first.");
      root.querySelector('input[name="pain_before"]').focus();
      return;
    }
    showError("ready", "");
    var now = Date.now();
    state = fresh();
    state.clientId = newId();
    state.painBefore = parseInt(pain, 10);
    state.startedAt = now;
    state.plan = PLAN;
    state.bouts = [{ start: now, end: null, restEnd: null, breakSuggested: false }];
    if (state.plan) {
      go("walking", capitalised(walkName(1)) + " started: " + walkLength() + ".");
    } else {
      go("walking", "Walk started. The timer is running.");
    }
  }

  function painNow(value) {
    var bout = currentBout();
    if (state.phase !== "walking" || !bout) return;
    state.pains.push({ t: Date.now(), pain: value, bout: state.bouts.length - 1 });
    var message = "Pain " + value + " noted.";
    if (value >= state.painBefore + RISE_TARGET && !bout.breakSuggested) {
      bout.breakSuggested = true;
      message +=
        " Your pain is up " +
        RISE_TARGET +
        (RISE_TARGET === 1 ? " point" : " points") +
        ": time for a strategic break.";
    }
    save();
    render();
    announce(message);
  }

  function takeBreak() {
    if (state.phase !== "walking" || !currentBout()) return;
    endWalk(Date.now(), "");
  }

  // docs/clinical-rules.md §1: the patient says the pain rose to the target, so this walk
  // ends here and the break begins, before the pain gets worse. It is noted as a pain of
  // the start + the target (at most 10).
  function painRose() {
    var bout = currentBout();
    if (state.phase !== "walking" || !bout) return;
    var now = Date.now();
    var pain = Math.min(10, state.painBefore + RISE_TARGET);
    state.pains.push({ t: now, pain: pain, bout: state.bouts.length - 1 });
    endWalk(now, "Pain up " + RISE_TARGET + (RISE_TARGET === 1 ? " point. " : " points. "));
  }

  // One walk (bout) is over: the strategic break, or after the plan's last walk the glides
  // and the questions. `prefix` opens the announcement.
  function endWalk(at, prefix) {
    var bout = currentBout();
    bout.end = at;
    if (onLastWalk()) {
      go(
        "finishing",
        prefix +
          "All " +
          state.plan.walks +
          " walks done. Do your nerve glides, rest, then answer the questions to save the walk.",
      );
      return;
    }
    showGuidance("");
    if (state.plan) {
      go(
        "resting",
        prefix +
          capitalised(walkName(state.bouts.length)) +
          " done. Strategic break: rest bent forward until the pain settles.",
      );
    } else {
      go("resting", prefix + "Break started. Rest and stretch, then resume.");
    }
  }

  // docs/clinical-rules.md §1b on the break screen: both kinds of advice until the patient
  // says where the symptoms are, then only the matching one ("further" adds the leg advice).
  var SHOWN = { "": ["leg", "back"], back: ["back"], leg: ["leg"], further: ["further", "leg"] };

  function showGuidance(answer) {
    var shown = SHOWN[answer] || SHOWN[""];
    root.querySelectorAll("[data-guidance]").forEach(function (section) {
      section.hidden = shown.indexOf(section.dataset.guidance) < 0;
    });
    root.querySelectorAll("[data-guidance-answer]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.guidanceAnswer === answer));
    });
  }

  function resume() {
    var bout = currentBout();
    if (state.phase !== "resting" || !bout) return;
    var now = Date.now();
    bout.restEnd = now;
    state.bouts.push({ start: now, end: null, restEnd: null, breakSuggested: false });
    if (state.plan) {
      go("walking", capitalised(walkName(state.bouts.length)) + " started: " + walkLength() + ".");
    } else {
      go("walking", "Walking again: stretch " + state.bouts.length + ".");
    }
  }

  function finish() {
    var bout = currentBout();
    if (!bout) return;
    var now = Date.now();
    if (state.phase === "walking") bout.end = now;
    if (state.phase === "resting") bout.restEnd = now;
    go("finishing", "Walk finished. Rest, then answer the questions to save it.");
  }

  function boutsForUpload() {
    return state.bouts.map(function (bout, index) {
      var peaks = state.pains
        .filter(function (p) {
          return p.bout === index;
        })
        .map(function (p) {
          return p.pain;
        });
      return {
        walked_s: Math.round((bout.end - bout.start) / 1000),
        rested_s: bout.restEnd ? Math.round((bout.restEnd - bout.end) / 1000) : 0,
        peak_pain: peaks.length ? Math.max.apply(null, peaks) : null,
      };
    });
  }

  function collect() {
    var after = checkedValue("pain_after");
    var signs = Array.prototype.map.call(
      root.querySelectorAll('input[name="red_flags"]:checked'),
      function (input) {
        return input.value;
      },
    );
    var none = root.querySelector('input[name="no_red_flags"]').checked;
    if (after === "") return { error: "Choose your pain after resting, from 0 to 10." };
    if (!signs.length && !none) {
      return {
        error: "Please answer the safety question: tick any you have had, or “None of these”.",
      };
    }
    if (signs.length && none) {
      return { error: "You ticked a sign and also “None of these”. Please check your answer." };
    }
    return {
      payload: {
        client_id: state.clientId,
        started_at: state.startedAt,
        pain_before: state.painBefore,
        pain_after: parseInt(after, 10),
        bouts: boutsForUpload(),
        support: checkedValue("support"),
        terrain: checkedValue("terrain"),
        glides_before: root.querySelector('[data-field="glides_before"]').checked,
        glides_after: root.querySelector('[data-field="glides_after"]').checked,
        symptom_areas: Array.prototype.map.call(
          root.querySelectorAll('input[name="symptom_areas"]:checked'),
          function (input) {
            return input.value;
          },
        ),
        red_flags: signs,
        no_red_flags: none,
      },
    };
  }

  function saveWalk() {
    var result = collect();
    if (result.error) {
      showError("finishing", result.error);
      announce(result.error);
      return;
    }
    showError("finishing", "");
    state.payload = result.payload;
    // docs/clinical-rules.md §6: any red-flag sign shows what to do now, before the walk is sent.
    state.urgent = result.payload.red_flags.length > 0;
    state.phase = "pending";
    save();
    render();
    if (state.urgent) {
      var urgent = root.querySelector("#urgent-heading");
      if (urgent) urgent.focus();
    }
    send();
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }

  function waitForConnection(message) {
    root.querySelector("[data-pending-message]").textContent = message;
    render();
    announce(message);
  }

  function send() {
    if (sending || state.phase !== "pending" || !state.payload) return;
    if (!navigator.onLine) {
      waitForConnection(
        "You are offline. Your walk is kept on this phone and will be sent when you are back online.",
      );
      return;
    }
    sending = true;
    showError("pending", "");
    fetch(root.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual", // a signed-out session answers with a redirect to the login page
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(state.payload),
    })
      .then(function (response) {
        if (response.status === 200 || response.status === 201) {
          return response.json().then(function (body) {
            clear();
            announce("Walk saved.");
            window.location.assign(body.url);
          });
        }
        if (response.status === 400) {
          return response.json().then(function (body) {
            showError("pending", (body.errors || ["The walk could not be saved."]).join(" "));
            root.querySelector('[data-action="discard"]').hidden = false;
            waitForConnection("The walk could not be saved as it is.");
          });
        }
        waitForConnection(
          "Your walk is kept on this phone. Please sign in again, then open the walk timer to send it.",
        );
      })
      .catch(function () {
        waitForConnection(
          "No connection. Your walk is kept on this phone and will be sent when you are back online.",
        );
      })
      .finally(function () {
        sending = false;
      });
  }

  function discard() {
    var button = root.querySelector('[data-action="discard"]');
    if (!window.confirm(button.dataset.confirmText)) return;
    clear();
    showError("pending", "");
    go("ready", "The walk was deleted from this phone.");
  }

  // --- Wiring ------------------------------------------------------------------------

  var actions = {
    start: start,
    break: takeBreak,
    "pain-rose": painRose,
    resume: resume,
    finish: finish,
    save: saveWalk,
    retry: send,
    discard: discard,
  };

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !root.contains(button)) return;
    if (button.dataset.painNow !== undefined) {
      painNow(parseInt(button.dataset.painNow, 10));
    } else if (button.dataset.guidanceAnswer !== undefined) {
      showGuidance(button.dataset.guidanceAnswer);
      var shownHeading = root.querySelector(
        '[data-guidance="' + button.dataset.guidanceAnswer + '"] h3',
      );
      if (shownHeading) announce(shownHeading.textContent);
    } else if (actions[button.dataset.action]) {
      actions[button.dataset.action]();
    }
  });

  window.addEventListener("online", send);
  document.addEventListener("visibilitychange", tick);
  window.addEventListener("storage", function (event) {
    // The same walk open in two tabs: follow the other tab's changes.
    if (event.key === KEY) {
      state = load();
      render();
    }
  });

  tick();
  window.setInterval(tick, 1000);
  if (state.phase === "pending") {
    if (state.urgent) root.querySelector("[data-urgent]").hidden = false;
    send();
  } else if (state.phase !== "ready") {
    announce("Your walk is still being timed.");
  }
})();
