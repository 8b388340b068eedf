// The system status page: fetches /readyz and renders each dependency check.
// Server data only ever reaches the page through textContent and attribute values.
(function () {
  "use strict";

  var root = document.querySelector("[data-readiness]");
  if (!root) return;

  var REFRESH_MS = (Number(root.getAttribute("data-refresh-seconds")) || 10) * 1000;
  var TIMEOUT_MS = 8000;
  var NAMES = { database: "Database", redis: "Redis" };

  var summary = root.querySelector("[data-summary]");
  var headline = root.querySelector("[data-summary-headline]");
  var detail = root.querySelector("[data-summary-detail]");
  var lastChecked = root.querySelector("[data-last-checked]");
  var refreshButton = root.querySelector("[data-refresh]");
  var list = document.querySelector("[data-checks]");
  var template = document.querySelector("[data-check-template]");

  var timer = null;
  var loading = false;
  var staleWhileHidden = false;

  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;
  }

  function displayName(name) {
    if (Object.prototype.hasOwnProperty.call(NAMES, name)) return NAMES[name];
    var spaced = String(name).replace(/[_-]+/g, " ");
    return spaced.charAt(0).toUpperCase() + spaced.slice(1);
  }

  function formatLatency(ms) {
    if (typeof ms !== "number" || !isFinite(ms)) return "–";
    if (ms < 1) return "< 1 ms";
    if (ms >= 1000) return (ms / 1000).toFixed(1) + " s";
    return (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString()) + " ms";
  }

  function setSummary(state, title, text) {
    summary.setAttribute("data-state", state);
    setText(headline, title);
    setText(detail, text);
  }

  function setBusy(busy) {
    loading = busy;
    list.setAttribute("aria-busy", busy ? "true" : "false");
    refreshButton.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function stamp() {
    var now = new Date();
    lastChecked.setAttribute("datetime", now.toISOString());
    setText(lastChecked, now.toLocaleTimeString());
  }

  function placeholder(text) {
    var item = document.createElement("li");
    item.className = "checks__placeholder";
    item.textContent = text;
    list.replaceChildren(item);
  }

  function renderChecks(checks) {
    var names = Object.keys(checks).sort();
    if (!names.length) {
      placeholder("This server reports no dependency checks.");
      return;
    }
    var items = names.map(function (name) {
      var check = checks[name] || {};
      var ok = check.ok === true;
      var item = template.content.firstElementChild.cloneNode(true);
      item.setAttribute("data-check", name);
      item.setAttribute("data-ok", ok ? "true" : "false");
      item.querySelector('[data-field="name"]').textContent = displayName(name);
      var state = item.querySelector('[data-field="state"]');
      state.textContent = ok ? "OK" : "Failing";
      state.classList.add(ok ? "pill--ok" : "pill--fail");
      item.querySelector('[data-field="latency"]').textContent = formatLatency(check.latency_ms);
      item.querySelector('[data-field="error"]').textContent =
        !ok && check.error ? String(check.error) : "";
      return item;
    });
    list.replaceChildren.apply(list, items);
  }

  function render(status, body) {
    var checks = body && typeof body.checks === "object" && body.checks ? body.checks : null;
    if (status === 200 && checks) {
      var count = Object.keys(checks).length;
      setSummary(
        "ready",
        "All systems operational",
        count + " of " + count + (count === 1 ? " check" : " checks") + " passing."
      );
      renderChecks(checks);
    } else if (status === 503 && checks) {
      var failing = Array.isArray(body.failing) ? body.failing.map(displayName) : [];
      setSummary(
        "unready",
        "Not ready",
        failing.length
          ? "Unavailable: " + failing.join(", ") + "."
          : String(body.detail || "A dependency is unavailable.")
      );
      renderChecks(checks);
    } else {
      var reason = body && (body.detail || body.title);
      setSummary(
        "error",
        "Unexpected answer",
        "The server answered HTTP " + status + (reason ? ": " + String(reason) : ".")
      );
      placeholder("No check results in the server's answer.");
    }
  }

  function unreachable(error) {
    var aborted = error && error.name === "AbortError";
    setSummary(
      "error",
      "Server unreachable",
      aborted
        ? "The server did not answer within " + TIMEOUT_MS / 1000 + " seconds."
        : "Could not reach the server. Retrying automatically."
    );
    placeholder("No results: the server could not be reached.");
    if (window.DevMentor && window.DevMentor.connection) window.DevMentor.connection.check();
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, REFRESH_MS);
  }

  function load() {
    window.clearTimeout(timer);
    if (loading) return;
    if (document.hidden) {
      staleWhileHidden = true;
      return;
    }
    setBusy(true);
    var controller = new AbortController();
    var timeout = window.setTimeout(function () {
      controller.abort();
    }, TIMEOUT_MS);

    fetch("/readyz", {
      cache: "no-store",
      credentials: "same-origin",
      headers: { Accept: "application/json, application/problem+json" },
      signal: controller.signal,
    })
      .then(function (response) {
        var type = response.headers.get("content-type") || "";
        var body = /json/.test(type)
          ? response.json().catch(function () {
              return null;
            })
          : Promise.resolve(null);
        return body.then(function (data) {
          render(response.status, data);
        });
      })
      .catch(unreachable)
      .then(function () {
        window.clearTimeout(timeout);
        stamp();
        setBusy(false);
        schedule();
      });
  }

  refreshButton.addEventListener("click", load);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && staleWhileHidden) {
      staleWhileHidden = false;
      load();
    }
  });

  load();
})();
