// The account page: ends sign-in sessions through the API without a page load, and shows
// times in the reader's own time zone. Without JavaScript the same forms post to /account.
(function () {
  "use strict";

  var SIGNED_OUT = "/signin?signed_out=1";

  function localizeTimes() {
    var dateOnly = { year: "numeric", month: "short", day: "numeric" };
    var dateTime = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    Array.prototype.forEach.call(document.querySelectorAll("time[data-local-time]"), function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      var options = el.getAttribute("data-local-time") === "date" ? dateOnly : dateTime;
      el.setAttribute("title", el.textContent);
      el.textContent = when.toLocaleString(undefined, options);
    });
  }

  var root = document.querySelector("[data-sessions]");
  localizeTimes();
  if (!root) return;

  var live = root.querySelector("[data-sessions-status]");
  var count = root.querySelector("[data-session-count]");

  function say(text) {
    // Cleared first, so the same words twice are announced twice.
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  function setBusy(form, busy) {
    var button = form.querySelector("button");
    form.setAttribute("aria-busy", busy ? "true" : "false");
    if (button) button.disabled = busy;
  }

  function updateCount() {
    var left = root.querySelectorAll("[data-session]").length;
    count.textContent = left + " active " + (left === 1 ? "session" : "sessions");
  }

  function problemDetail(response) {
    return response
      .json()
      .then(function (body) {
        return body && body.detail ? String(body.detail) : null;
      })
      .catch(function () {
        return null;
      });
  }

  function failed(form, response) {
    setBusy(form, false);
    if (!response) {
      say("Could not reach the server. Please try again.");
      return;
    }
    problemDetail(response).then(function (detail) {
      say(detail || "That did not work (HTTP " + response.status + "). Please try again.");
    });
  }

  function revokeOne(form) {
    var id = form.getAttribute("data-revoke-session");
    var device = form.getAttribute("data-device") || "that device";
    var current = form.hasAttribute("data-current");
    var row = form.closest("[data-session]");
    setBusy(form, true);
    window.DevMentor.api("/api/auth/sessions/" + encodeURIComponent(id), { method: "DELETE" }).then(
      function (response) {
        // 404: it had ended already; either way it is gone from the list.
        if (response.status !== 204 && response.status !== 404) {
          failed(form, response);
          return;
        }
        if (current) {
          window.location.assign(SIGNED_OUT);
          return;
        }
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        updateCount();
        say("Signed out " + device + ".");
        var target = next ? next.querySelector("button") : root.querySelector("[data-revoke-all] button");
        if (target) target.focus();
      },
      function () {
        failed(form, null);
      }
    );
  }

  function revokeAll(form) {
    setBusy(form, true);
    window.DevMentor.api("/api/auth/logout-all", { method: "POST" }).then(
      function (response) {
        if (response.ok) {
          window.location.assign(SIGNED_OUT);
          return;
        }
        failed(form, response);
      },
      function () {
        failed(form, null);
      }
    );
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !window.DevMentor || !window.DevMentor.api) return;
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-revoke-session")) {
      event.preventDefault();
      revokeOne(form);
    } else if (form.hasAttribute("data-revoke-all")) {
      event.preventDefault();
      revokeAll(form);
    }
  });
})();
