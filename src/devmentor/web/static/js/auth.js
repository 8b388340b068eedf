// Keeps a browser sign-in alive and gives page scripts an authenticated fetch.
//
// The tokens live in httpOnly cookies this script never sees. The page tells it the CSRF
// token (<meta name="csrf-token">) and, when signed in, when the access token expires
// (<meta name="dm-access-expires">, unix seconds, with <meta name="dm-server-time"> to
// correct for a wrong client clock). A minute before that it asks the server for a new
// pair (POST /api/auth/refresh). Tabs take turns through a Web Lock, and tell each other
// about a fresh pair, so that one refresh serves all of them.
//
// Public surface:
//
//   DevMentor.api(path, options)  fetch() for our own API: sends cookies, adds the CSRF
//                                 header to unsafe methods, and on a 401 refreshes once
//                                 and retries; if the sign-in is over, goes to /signin
//   DevMentor.auth.refresh()      refresh now -> Promise of "ok" | "failed" | "error"
//   DevMentor.auth.expiresAt()    when the access token expires (ms), or null
//   DevMentor.auth.csrfToken()    the CSRF token for a request of your own
(function () {
  "use strict";

  var DevMentor = (window.DevMentor = window.DevMentor || {});

  var REFRESH_URL = "/api/auth/refresh";
  var LOCK_NAME = "devmentor-refresh";
  var CHANNEL_NAME = "devmentor-auth";
  var SHARED_KEY = "devmentor-auth-refreshed";
  var RELOAD_KEY = "devmentor-auth-reloaded";
  var MARGIN_MS = 60000;
  var RETRY_MS = [5000, 15000, 30000, 60000];
  var SAFE_METHODS = { GET: true, HEAD: true, OPTIONS: true, TRACE: true };
  // Refreshing cannot fix these, or they come from the sign-in endpoints themselves.
  var NO_RETRY_CODES = { invalid_credentials: true };
  var NO_RETRY_PATHS = /^\/api\/auth\/(refresh|login|logout)\b/;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : null;
  }

  var csrf = meta("csrf-token") || "";
  var expiresAt = null;
  var timer = null;
  var failures = 0;
  var inflight = null;

  (function readExpiry() {
    var expires = Number(meta("dm-access-expires"));
    if (!(expires > 0)) return;
    var serverNow = Number(meta("dm-server-time"));
    var skew = serverNow > 0 ? serverNow * 1000 - Date.now() : 0;
    expiresAt = expires * 1000 - skew;
  })();

  // -- Sharing between tabs ---------------------------------------------------

  var channel = null;
  try {
    channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL_NAME) : null;
  } catch (err) {
    channel = null;
  }

  function readShared() {
    try {
      var value = JSON.parse(window.localStorage.getItem(SHARED_KEY) || "null");
      return value && typeof value.at === "number" && typeof value.expiresAt === "number"
        ? value
        : null;
    } catch (err) {
      return null;
    }
  }

  function share(value) {
    var record = { at: Date.now(), expiresAt: value };
    try {
      window.localStorage.setItem(SHARED_KEY, JSON.stringify(record));
    } catch (err) {
      // Storage can be off (private mode, policies); the channel still tells open tabs.
    }
    if (channel) channel.postMessage({ type: "refreshed", expiresAt: value });
  }

  if (channel) {
    channel.addEventListener("message", function (event) {
      var data = event.data || {};
      // Only a tab that is signed in itself follows another tab's schedule.
      if (data.type === "refreshed" && typeof data.expiresAt === "number" && expiresAt !== null) {
        adopt(data.expiresAt);
      }
    });
  }

  function withLock(task) {
    if (navigator.locks && typeof navigator.locks.request === "function") {
      return navigator.locks.request(LOCK_NAME, task);
    }
    return Promise.resolve().then(task);
  }

  // -- Refreshing ---------------------------------------------------------------

  function adopt(value) {
    expiresAt = value;
    failures = 0;
    schedule();
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = null;
    if (expiresAt === null) return;
    var delay = Math.max(0, expiresAt - MARGIN_MS - Date.now());
    timer = window.setTimeout(refreshOnSchedule, delay);
  }

  function post() {
    return fetch(REFRESH_URL, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf },
    }).then(
      function (response) {
        if (response.ok) {
          return response.json().then(function (body) {
            var seconds = Number(body && body.expires_in);
            var next = Date.now() + (seconds > 0 ? seconds : 60) * 1000;
            share(next);
            adopt(next);
            return "ok";
          });
        }
        // 401: the sign-in is over. 403: the CSRF check failed; only a page load can fix it.
        if (response.status === 401 || response.status === 403) {
          expiresAt = null;
          window.clearTimeout(timer);
          return "failed";
        }
        return "error";
      },
      function () {
        return "error";
      }
    );
  }

  // since: when the caller last knew its cookies to be stale. A pair another tab got
  // after that is as good as a new one of our own.
  function refresh(since) {
    if (inflight) return inflight;
    var start = typeof since === "number" ? since : Date.now();
    inflight = withLock(function () {
      var shared = readShared();
      if (shared && shared.at >= start && shared.expiresAt - Date.now() > MARGIN_MS) {
        if (expiresAt !== null) adopt(shared.expiresAt);
        return "ok";
      }
      return post();
    }).then(
      function (result) {
        inflight = null;
        return result;
      },
      function () {
        inflight = null;
        return "error";
      }
    );
    return inflight;
  }

  function reloadOnce() {
    // The server renders the truth (signed out, or the sign-in page for a private one).
    // Guarded so that a refresh that keeps failing cannot reload in a loop.
    try {
      var last = Number(window.sessionStorage.getItem(RELOAD_KEY));
      if (last && Date.now() - last < 60000) return;
      window.sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
    } catch (err) {
      return;
    }
    window.location.reload();
  }

  function refreshOnSchedule() {
    if (document.hidden) {
      // Timers are throttled in the background; visibilitychange catches up.
      timer = null;
      return;
    }
    refresh().then(function (result) {
      if (result === "failed") {
        reloadOnce();
      } else if (result === "error") {
        var delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
        failures += 1;
        window.clearTimeout(timer);
        timer = window.setTimeout(refreshOnSchedule, delay);
      }
    });
  }

  function dueSoon() {
    return expiresAt !== null && Date.now() >= expiresAt - MARGIN_MS;
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && dueSoon()) refreshOnSchedule();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && dueSoon()) refreshOnSchedule();
  });
  window.addEventListener("online", function () {
    if (dueSoon()) refreshOnSchedule();
  });

  // -- fetch for our API --------------------------------------------------------

  function problemCode(response) {
    var type = response.headers.get("content-type") || "";
    if (!/json/.test(type)) return Promise.resolve(null);
    return response
      .clone()
      .json()
      .then(
        function (body) {
          return body && typeof body.code === "string" ? body.code : null;
        },
        function () {
          return null;
        }
      );
  }

  function toSignin() {
    var here = window.location.pathname + window.location.search;
    window.location.assign("/signin?next=" + encodeURIComponent(here));
  }

  function api(path, options) {
    var init = {};
    var key;
    for (key in options || {}) {
      if (Object.prototype.hasOwnProperty.call(options, key)) init[key] = options[key];
    }
    var method = String(init.method || "GET").toUpperCase();
    var headers = new Headers(init.headers || undefined);
    if (!headers.has("Accept")) headers.set("Accept", "application/json, application/problem+json");
    if (!SAFE_METHODS[method] && csrf && !headers.has("X-CSRF-Token")) {
      headers.set("X-CSRF-Token", csrf);
    }
    init.method = method;
    init.headers = headers;
    if (!init.credentials) init.credentials = "same-origin";
    var sent = Date.now();

    return fetch(path, init).then(function (response) {
      if (response.status !== 401 || NO_RETRY_PATHS.test(String(path))) return response;
      return problemCode(response).then(function (code) {
        if (code && NO_RETRY_CODES[code]) return response;
        return refresh(sent).then(function (result) {
          if (result === "ok") return fetch(path, init);
          if (result === "failed") toSignin();
          return response;
        });
      });
    });
  }

  DevMentor.api = api;
  DevMentor.auth = {
    refresh: function () {
      return refresh();
    },
    expiresAt: function () {
      return expiresAt;
    },
    csrfToken: function () {
      return csrf;
    },
  };

  // -- Sign-in forms ------------------------------------------------------------

  function initRememberLinks() {
    var box = document.querySelector("[data-remember]");
    var links = document.querySelectorAll("[data-remember-link]");
    if (!box || !links.length) return;
    function update() {
      Array.prototype.forEach.call(links, function (link) {
        var url = new URL(link.getAttribute("href"), window.location.origin);
        if (box.checked) url.searchParams.set("remember", "true");
        else url.searchParams.delete("remember");
        link.setAttribute("href", url.pathname + url.search);
      });
    }
    box.addEventListener("change", update);
    update();
  }

  function initForms() {
    // A second click must not start a second sign-in while the first is on its way.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
      if (form.getAttribute("aria-busy") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("aria-busy", "true");
    });
    // Back from the bfcache, a form that was on its way is usable again.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(document.querySelectorAll("form[aria-busy]"), function (form) {
        form.removeAttribute("aria-busy");
      });
    });
    var focus = document.querySelector("[data-focus]");
    if (focus) focus.focus();
  }

  function ready() {
    initRememberLinks();
    initForms();
    schedule();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
