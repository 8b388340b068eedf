// DevMentor page shell: the mobile navigation toggle and the connection indicator.
//
// Loaded in <head> without `defer` so <html class="js"> is set before first paint; the
// rest waits for the DOM. Public surface (window.DevMentor.connection):
//
//   set(state, label?)  show "connecting" | "online" | "offline" (label overrides the text)
//   get()               -> {state, label}
//   check()             poll /healthz now
//   stopPolling()       hand the indicator over (the WebSocket layer calls this, then set())
//   onChange(fn)        fn(state, label) after every change; returns an unsubscribe function
//
// Sign-in (DevMentor.api, DevMentor.auth) lives in auth.js.
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  var DevMentor = (window.DevMentor = window.DevMentor || {});

  // -- Connection indicator -------------------------------------------------

  var POLL_MS = 15000;
  var MAX_BACKOFF_MS = 120000;
  var TIMEOUT_MS = 5000;
  var LABELS = { connecting: "Connecting…", online: "Online", offline: "Offline" };

  var connection = (function () {
    var state = "connecting";
    var label = LABELS.connecting;
    var listeners = [];
    var polling = true;
    var failures = 0;
    var timer = null;
    var inFlight = null;
    var missedWhileHidden = false;
    var leaving = false;

    function render() {
      var el = document.getElementById("connection-status");
      if (!el) return;
      el.setAttribute("data-state", state);
      var text = el.querySelector(".connection__label");
      // Only touch the live region when the words change, so it is not re-announced.
      if (text && text.textContent !== label) text.textContent = label;
    }

    function set(next, text) {
      if (!Object.prototype.hasOwnProperty.call(LABELS, next)) {
        throw new Error("DevMentor.connection.set: unknown state " + next);
      }
      var nextLabel = text ? String(text) : LABELS[next];
      if (next === state && nextLabel === label) return;
      state = next;
      label = nextLabel;
      render();
      listeners.slice().forEach(function (fn) {
        try {
          fn(state, label);
        } catch (err) {
          window.setTimeout(function () {
            throw err;
          });
        }
      });
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = polling ? window.setTimeout(check, delay) : null;
    }

    function backoff() {
      // 15 s, 30 s, 60 s, then every 2 minutes while the server stays unreachable.
      return Math.min(POLL_MS * Math.pow(2, Math.max(failures - 1, 0)), MAX_BACKOFF_MS);
    }

    function failed() {
      failures += 1;
      if (polling) set("offline");
      schedule(backoff());
    }

    function check() {
      if (!polling) return;
      window.clearTimeout(timer);
      if (document.hidden) {
        // Nobody is looking: check again as soon as the tab is visible.
        missedWhileHidden = true;
        return;
      }
      if (navigator.onLine === false) {
        failed();
        return;
      }
      if (inFlight) inFlight.abort();
      var controller = "AbortController" in window ? new AbortController() : null;
      inFlight = controller;
      var timeout = window.setTimeout(function () {
        if (controller) controller.abort();
      }, TIMEOUT_MS);

      fetch("/healthz", {
        cache: "no-store",
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (body) {
          if (!body || body.status !== "ok") throw new Error("unexpected /healthz body");
          if (inFlight !== controller) return;
          failures = 0;
          if (polling) set("online");
          schedule(POLL_MS);
        })
        .catch(function () {
          if (inFlight !== controller || leaving) return;
          failed();
        })
        .then(function () {
          window.clearTimeout(timeout);
          if (inFlight === controller) inFlight = null;
        });
    }

    function stopPolling() {
      polling = false;
      window.clearTimeout(timer);
      timer = null;
      if (inFlight) inFlight.abort();
      inFlight = null;
    }

    window.addEventListener("pagehide", function () {
      // Navigating away aborts requests; that is not the server going offline.
      leaving = true;
    });
    window.addEventListener("pageshow", function (event) {
      leaving = false;
      if (event.persisted && polling) check();
    });
    window.addEventListener("offline", function () {
      if (polling) {
        set("offline");
        schedule(backoff());
      }
    });
    window.addEventListener("online", function () {
      if (polling) {
        failures = 0;
        set("connecting");
        check();
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && missedWhileHidden && polling) {
        missedWhileHidden = false;
        check();
      }
    });

    return {
      set: set,
      get: function () {
        return { state: state, label: label };
      },
      check: function () {
        if (polling) check();
      },
      stopPolling: stopPolling,
      onChange: function (fn) {
        listeners.push(fn);
        return function () {
          listeners = listeners.filter(function (other) {
            return other !== fn;
          });
        };
      },
      start: function () {
        render();
        check();
      },
    };
  })();

  DevMentor.connection = {
    set: connection.set,
    get: connection.get,
    check: connection.check,
    stopPolling: connection.stopPolling,
    onChange: connection.onChange,
  };

  // -- Navigation toggle (small screens) -------------------------------------

  function initNav() {
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    // Keep in step with the header's breakpoint in app.css.
    var wide = window.matchMedia("(min-width: 64rem)");

    function isOpen() {
      return toggle.getAttribute("aria-expanded") === "true";
    }

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }

    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(!isOpen());
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen() && !wide.matches) {
        setOpen(false);
        toggle.focus();
      }
    });
    // Leaving the small-screen layout with the menu open must not leave it "expanded".
    var onWidthChange = function () {
      if (wide.matches) setOpen(false);
    };
    if (wide.addEventListener) wide.addEventListener("change", onWidthChange);
    else if (wide.addListener) wide.addListener(onWidthChange);
  }

  function ready() {
    initNav();
    connection.start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
