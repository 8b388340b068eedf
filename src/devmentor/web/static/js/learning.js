// The learning pages: the skill map (/learn), a session (/learn/sessions/{id}) and the
// progress dashboard (/progress). The server renders every page whole; this script
// takes the forms over and talks to the JSON API (/api/learning/...):
//
//   - Start / Resume / Review buttons ([data-learn-start] forms) start a session through
//     the API and go to its page (without JavaScript the forms post to /learn/start);
//   - on a session page: submits answers, opens hints, shows feedback, moves the mastery
//     meter and the Bloom level, toasts new achievements, renders the next question,
//     and finishes the session.
//
// HTML from the API is only ever the server's own rendering (the *_html fields: lessons,
// prompts, feedback, hints, highlighted code lines), inserted through a <template>.
// Everything else (choices, items, titles, problem details) goes in as text.
// The question markup mirrors templates/learning/_question.html; keep the two in step.
(function () {
  "use strict";

  var DevMentor = window.DevMentor || {};
  var SESSIONS_URL = "/api/learning/sessions";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var MASTERED = 0.95;
  var TOAST_MS = 9000;

  var BLOOM = ["remember", "understand", "apply", "analyze", "evaluate", "create"];
  var BLOOM_LABELS = {
    remember: "Remember",
    understand: "Understand",
    apply: "Apply",
    analyze: "Analyze",
    evaluate: "Evaluate",
    create: "Create",
  };
  var TYPE_LABELS = {
    multiple_choice: "Multiple choice",
    ordering: "Put in order",
    spot_the_bug: "Spot the bug",
    fill_in: "Fill in the blanks",
    exercise: "Coding exercise",
    short_answer: "Short answer",
  };
  // The same words as learning/pages.py's END_REASONS.
  var END_REASONS = {
    mastered: "You have mastered this skill at every level. Well done!",
    length: "That was a full session. A short break helps it stick.",
    exhausted: "You have answered every question there is for now.",
    no_reviews: "No reviews are due right now.",
    completed: "This session is finished.",
  };
  var BLANK = "____";

  // -- Small DOM helpers -----------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var name;
    for (name in attrs || {}) {
      if (!Object.prototype.hasOwnProperty.call(attrs, name)) continue;
      var value = attrs[name];
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // The server's HTML (already escaped and sanitised there) as nodes.
  function serverHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = String(html == null ? "" : html);
    return template.content;
  }

  // Text with `backticked` spans as <code>, as pages.inline_code renders it.
  function inlineCode(text) {
    var fragment = document.createDocumentFragment();
    var pattern = /`([^`\n]+)`/g;
    var position = 0;
    var match;
    text = String(text);
    while ((match = pattern.exec(text))) {
      if (match.index > position) fragment.appendChild(document.createTextNode(text.slice(position, match.index)));
      fragment.appendChild(el("code", { text: match[1] }));
      position = match.index + match[0].length;
    }
    if (position < text.length) fragment.appendChild(document.createTextNode(text.slice(position)));
    return fragment;
  }

  var ICONS = {
    check: ["m5 12.5 4.5 4.5L19 7.5"],
    cross: ["M6.5 6.5l11 11M17.5 6.5l-11 11"],
    up: ["M12 19V5", "m6 11 6-6 6 6"],
    down: ["M12 5v14", "m6 13 6 6 6-6"],
    hint: ["M9 18h6", "M10 21h4", "M12 3a6 6 0 0 0-3.6 10.8c.7.5 1.1 1.3 1.1 2.2h5c0-.9.4-1.7 1.1-2.2A6 6 0 0 0 12 3z"],
    arrow: ["M4.5 12h15", "m13.5 6 6 6-6 6"],
    mastered: [
      "M8 3.5h8v5a4 4 0 0 1-8 0z",
      "M8 5H4.5v1.5A3.5 3.5 0 0 0 8 10",
      "M16 5h3.5v1.5A3.5 3.5 0 0 1 16 10",
      "M12 12.5V17",
      "M8.5 20.5h7l-1-3.5h-5z",
    ],
  };

  function icon(name, className) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", className || "icon icon--sm");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", "1.9");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("stroke-linejoin", "round");
    (ICONS[name] || []).forEach(function (d) {
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }

  function pct(value) {
    return Math.round(Math.max(0, Math.min(1, Number(value) || 0)) * 100);
  }

  function bloomLabel(level) {
    return BLOOM_LABELS[level] || String(level || "");
  }

  function sayer(region) {
    return function (text) {
      if (!region) return;
      // Cleared first, so the same words twice are announced twice.
      region.textContent = "";
      window.setTimeout(function () {
        region.textContent = text;
      }, 50);
    };
  }

  // -- Problems (application/problem+json) --------------------------------------------

  function waitText(seconds) {
    // The same words as ai/pages.py's wait_text.
    seconds = Math.max(1, seconds);
    var units = [
      [86400, "day"],
      [3600, "hour"],
      [60, "minute"],
    ];
    for (var k = 0; k < units.length; k++) {
      if (seconds >= 2 * units[k][0]) return Math.ceil(seconds / units[k][0]) + " " + units[k][1] + "s";
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  // -> Promise of {status, code, detail, message, stale}: what to tell the learner.
  function readProblem(response) {
    var type = response.headers.get("content-type") || "";
    var parsed = /json/.test(type)
      ? response.json().catch(function () {
          return null;
        })
      : Promise.resolve(null);
    return parsed.then(function (body) {
      body = body || {};
      var status = response.status;
      var code = typeof body.code === "string" ? body.code : "";
      var detail = body.detail ? String(body.detail) : "";
      var message = detail;
      var stale = false;
      if (status === 401) {
        message = "Your sign-in has ended. Sign in again to continue.";
      } else if (status === 409) {
        stale = code === "already_answered" || code === "not_current_question" || code === "session_completed";
        message = (detail || "This changed meanwhile.") + (stale ? " Reload the page to see where you are." : "");
      } else if (status === 422) {
        var errors = Array.isArray(body.errors) ? body.errors : [];
        var extra = errors
          .map(function (error) {
            return String(error.msg || "").replace(/^Value error, /, "");
          })
          .filter(Boolean);
        message = (detail || "That answer could not be read.") + (extra.length ? " " + extra.join(" ") : "");
      } else if (status === 429) {
        var wait = parseInt(response.headers.get("Retry-After") || "", 10);
        message = (detail || "Too many requests at once.") + (wait > 0 ? " Try again in " + waitText(wait) + "." : "");
      } else if (status === 503) {
        message = detail || "Learning is unavailable right now. Please try again shortly.";
      } else if (!message) {
        message = "Something went wrong (HTTP " + status + "). Please try again.";
      }
      return { status: status, code: code, detail: detail, message: message, stale: stale };
    });
  }

  var OFFLINE = { status: 0, code: "", detail: "", message: "Could not reach the server. Check your connection and try again.", stale: false };

  function showError(box, problem) {
    if (!box) return;
    if (!problem) {
      box.replaceChildren();
      return;
    }
    var children = [el("span", { text: problem.message })];
    if (problem.stale) {
      var reload = el("button", { className: "button button--secondary button--small", type: "button", text: "Reload" });
      reload.addEventListener("click", function () {
        window.location.reload();
      });
      children.push(" ", reload);
    }
    box.replaceChildren(el("p", { className: "alert alert--error" }, children));
  }

  function postJson(url, body) {
    return DevMentor.api(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
  }

  // -> Promise of the parsed body of a 2xx; rejects with a problem for anything else.
  function call(url, body) {
    return postJson(url, body).then(
      function (response) {
        if (response.ok) return response.json();
        return readProblem(response).then(function (problem) {
          throw problem;
        });
      },
      function () {
        throw OFFLINE;
      }
    );
  }

  // -- Start / Resume / Review ----------------------------------------------------------

  function initStartForms() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-learn-start")) return;
      if (!DevMentor.api) return; // auth.js missing: let the form post
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      var errorBox = form.querySelector("[data-start-error]");
      var button = form.querySelector("button[type=submit]");
      var kind = form.elements.namedItem("kind").value;
      var skill = form.elements.namedItem("skill_id");
      var body = { kind: kind };
      if (skill && skill.value) body.skill_id = skill.value;
      form.setAttribute("aria-busy", "true");
      button.setAttribute("aria-disabled", "true");
      showError(errorBox, null);
      call(SESSIONS_URL, body).then(
        function (session) {
          window.location.assign("/learn/sessions/" + encodeURIComponent(session.id));
        },
        function (problem) {
          form.removeAttribute("aria-busy");
          button.removeAttribute("aria-disabled");
          showError(errorBox, problem);
        }
      );
    });
    // Back from the bfcache, a form that was on its way is usable again.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-learn-start][aria-busy]"), function (form) {
        form.removeAttribute("aria-busy");
        var button = form.querySelector("button[type=submit]");
        if (button) button.removeAttribute("aria-disabled");
      });
    });
  }

  // -- Building questions (mirrors templates/learning/_question.html) ------------------

  function codeLines(question) {
    if (Array.isArray(question.code_lines_html)) return question.code_lines_html.map(serverHtml);
    return String(question.code || "")
      .split("\n")
      .map(function (line) {
        return document.createTextNode(line);
      });
  }

  function fieldset(legend, describedBy, children) {
    return el("fieldset", { className: "lq-fieldset", "aria-describedby": describedBy }, [
      el("legend", { className: "lq-legend", text: legend }),
    ].concat(children));
  }

  function buildChoices(question) {
    var many = question.select === "many";
    var items = (question.choices || []).map(function (choice, index) {
      var input = el("input", { className: "choice__input", type: many ? "checkbox" : "radio", name: "choice", value: index });
      var text = el("span", { className: "choice__text" }, [inlineCode(choice)]);
      return el("li", null, [el("label", { className: "choice" }, [input, text])]);
    });
    return [fieldset(many ? "Select all that apply" : "Choose one answer", "lq-prompt", [el("ul", { className: "choices" }, items)])];
  }

  function moveButton(direction, itemId, disabled) {
    return el(
      "button",
      {
        className: "icon-button",
        type: "button",
        "data-move": direction,
        "aria-describedby": itemId,
        "aria-disabled": disabled ? "true" : null,
      },
      [icon(direction), el("span", { className: "visually-hidden", text: direction === "up" ? "Move up" : "Move down" })]
    );
  }

  function buildOrdering(question) {
    var items = question.items || [];
    var code = items.some(function (item) {
      return /^\s/.test(item);
    });
    var list = el(
      "ol",
      { className: "order-list" + (code ? " order-list--code" : ""), "data-order-list": true },
      items.map(function (item, index) {
        var id = "lq-item-" + index;
        return el("li", { className: "order-item", "data-order-item": true, "data-value": item }, [
          el("span", { className: "order-item__text", id: id }, [inlineCode(item)]),
          el("span", { className: "order-item__buttons" }, [
            moveButton("up", id, index === 0),
            moveButton("down", id, index === items.length - 1),
          ]),
        ]);
      })
    );
    return [
      fieldset("Put these in order, first at the top", "lq-prompt lq-order-hint", [
        el("p", { className: "field__hint", id: "lq-order-hint", text: "Use the Move up and Move down buttons next to each item." }),
        list,
        el("p", { className: "visually-hidden", "aria-live": "polite", "aria-atomic": "true", "data-order-status": true }),
      ]),
    ];
  }

  function buildSpotTheBug(question) {
    var lines = codeLines(question).map(function (content, index) {
      var number = String(index + 1);
      return el("li", { className: "code-line" }, [
        el("label", { className: "code-line__label" }, [
          el("input", { className: "code-line__input", type: "radio", name: "line", value: number }),
          el("span", { className: "code-line__no", "aria-hidden": "true", text: number }),
          el("span", { className: "visually-hidden", text: "Line " + number + ": " }),
          el("code", { className: "code-line__code" }, [content]),
        ]),
      ]);
    });
    return [
      fieldset("Choose the line with the bug", "lq-prompt", [
        el("div", { className: "code-scroll" }, [el("ol", { className: "code-lines highlight" }, lines)]),
      ]),
    ];
  }

  // Replaces each "____" in the text nodes of `root` with an input; returns the count.
  function insertBlanks(root, state) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(function (node) {
      var parts = node.nodeValue.split(BLANK);
      if (parts.length < 2) return;
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part, index) {
        if (index > 0) {
          state.number += 1;
          fragment.appendChild(
            el("input", {
              className: "lq-blank",
              type: "text",
              name: "blank",
              id: "lq-blank-" + state.number,
              "aria-label": "Blank " + state.number + " of " + state.total,
              autocomplete: "off",
              autocapitalize: "off",
              spellcheck: "false",
            })
          );
        }
        if (part) fragment.appendChild(document.createTextNode(part));
      });
      node.parentNode.replaceChild(fragment, node);
    });
  }

  function buildFillIn(question) {
    var lines = codeLines(question);
    var total = 0;
    lines.forEach(function (line) {
      total += (line.textContent.split(BLANK).length - 1);
    });
    var code = el("code", { className: "highlight" });
    var state = { number: 0, total: total };
    lines.forEach(function (line, index) {
      if (index > 0) code.appendChild(document.createTextNode("\n"));
      var holder = document.createElement("span");
      holder.appendChild(line);
      insertBlanks(holder, state);
      while (holder.firstChild) code.appendChild(holder.firstChild);
    });
    var blanks = question.blanks || total || 1;
    return [fieldset(blanks === 1 ? "Fill in the blank" : "Fill in the blanks", "lq-prompt", [el("pre", { className: "code-block lq-fill" }, [code])])];
  }

  function buildExercise(question) {
    var starter = String(question.starter || "");
    var rows = Math.min(Math.max(starter.split("\n").length + 2, 8), 24);
    var area = el("textarea", {
      className: "field__input field__input--area field__input--code lq-code",
      id: "lq-code",
      name: "code",
      rows: rows,
      spellcheck: "false",
      autocapitalize: "off",
      autocomplete: "off",
      "aria-describedby": "lq-prompt lq-code-hint",
      "data-code-editor": true,
    });
    area.value = starter;
    return [
      el("div", { className: "field" }, [
        el("label", { className: "field__label", for: "lq-code", text: "Your code" }),
        el("p", {
          className: "field__hint",
          id: "lq-code-hint",
          text: "Tab indents by four spaces. To leave the editor with the keyboard, press Esc and then Tab.",
        }),
        area,
      ]),
    ];
  }

  function buildShortAnswer(question) {
    var hint = "A sentence or two in your own words" + (question.min_words ? " (at least " + question.min_words + " words)" : "") + ".";
    return [
      el("div", { className: "field" }, [
        el("label", { className: "field__label", for: "lq-answer", text: "Your answer" }),
        el("p", { className: "field__hint", id: "lq-answer-hint", text: hint }),
        el("textarea", {
          className: "field__input field__input--area",
          id: "lq-answer",
          name: "answer",
          rows: "5",
          "aria-describedby": "lq-prompt lq-answer-hint",
        }),
      ]),
    ];
  }

  var BUILDERS = {
    multiple_choice: buildChoices,
    ordering: buildOrdering,
    spot_the_bug: buildSpotTheBug,
    fill_in: buildFillIn,
    exercise: buildExercise,
    short_answer: buildShortAnswer,
  };

  function buildQuestion(step, review, lessonSeen) {
    var q = step.question;
    var tags = [el("span", { className: "pill pill--soon", text: bloomLabel(step.bloom) }), " ", el("span", { className: "pill", text: TYPE_LABELS[q.type] || q.type })];
    if (review) tags.push(" ", el("span", { className: "pill", text: step.skill.title }));
    var children = [
      el("header", { className: "lq__head" }, [
        el("h2", { className: "lq__title", id: "lq-title", tabindex: "-1", text: "Question " + step.position }),
        el("p", { className: "lq__tags" }, tags),
      ]),
    ];
    if (step.lesson && step.lesson.reason === "re_explain") {
      children.push(
        el("details", { className: "lesson lesson--reexplain", open: !lessonSeen }, [
          el("summary", { className: "lesson__summary", text: "A fresh explanation, at the " + bloomLabel(step.bloom) + " level" }),
          el("div", { className: "prose lesson__body" }, [serverHtml(step.lesson.html)]),
        ])
      );
    }
    children.push(el("div", { className: "prose lq__prompt", id: "lq-prompt" }, [serverHtml(q.prompt_html)]));
    var fields = (BUILDERS[q.type] || buildShortAnswer)(q);
    var actions = [el("button", { className: "button button--primary", type: "submit", "data-submit": true, text: "Submit answer" })];
    if (q.hints_available) {
      actions.push(
        el("button", { className: "button button--secondary", type: "button", "data-hint-button": true, "data-hints-left": q.hints_available }, [
          icon("hint"),
          el("span", { "data-hint-label": true, text: "Show a hint (" + q.hints_available + " available)" }),
        ])
      );
    }
    var form = el(
      "form",
      { className: "lq__form", "data-question-form": true, novalidate: true },
      fields.concat([
        el("div", { className: "lq__hints", "data-hints": true, hidden: true }, [
          el("h3", { className: "lq__hints-title", text: "Hints" }),
          el("ol", { className: "lq__hint-list", "aria-live": "polite", "data-hint-list": true }),
        ]),
        el("div", { className: "lq__error", role: "alert", "data-question-error": true }),
        el("div", { className: "lq__actions", "data-question-actions": true }, actions),
      ])
    );
    children.push(form, el("div", { className: "lq__feedback", "data-feedback-slot": true }));
    return el(
      "section",
      {
        className: "panel lq",
        "aria-labelledby": "lq-title",
        "data-question": true,
        "data-step-id": step.id,
        "data-question-id": q.id,
        "data-question-type": q.type,
        "data-question-skill": step.skill.id,
        "data-question-skill-title": step.skill.title,
      },
      children
    );
  }

  // An answered step for "Your answers so far" (mirrors the `answered` macro).
  function buildAnswered(position, bloom, promptNodes, result) {
    var correct = !!result.correct;
    var kind = correct ? "correct" : "wrong";
    return el("li", { className: "history__item" }, [
      el("details", { className: "answered answered--" + kind }, [
        el("summary", { className: "answered__summary" }, [
          el("span", { className: "answered__title", text: "Question " + position }),
          " ",
          el("span", { className: "answered__level", text: bloomLabel(bloom) }),
          " ",
          el("span", { className: "verdict verdict--" + kind }, [icon(correct ? "check" : "cross"), el("span", { text: correct ? "Correct" : "Not quite" })]),
          " ",
          el("span", { className: "answered__score", text: "Score " + pct(result.score) + "%" }),
        ]),
        el("div", { className: "answered__body" }, [
          el("div", { className: "prose" }, [promptNodes]),
          el("h4", { className: "answered__feedback-title", text: "Feedback" }),
          el("div", { className: "prose" }, [serverHtml(result.feedback_html)]),
        ]),
      ]),
    ]);
  }

  // -- Answers, read from the form ---------------------------------------------------------

  // -> {answer} or {error, focus}
  function readAnswer(type, form) {
    var checked;
    if (type === "multiple_choice") {
      checked = form.querySelectorAll("input[name=choice]:checked");
      if (!checked.length) return { error: "Choose an answer first.", focus: form.querySelector("input[name=choice]") };
      return {
        answer: Array.prototype.map.call(checked, function (input) {
          return parseInt(input.value, 10);
        }),
      };
    }
    if (type === "ordering") {
      return {
        answer: Array.prototype.map.call(form.querySelectorAll("[data-order-item]"), function (item) {
          return item.getAttribute("data-value");
        }),
      };
    }
    if (type === "spot_the_bug") {
      checked = form.querySelector("input[name=line]:checked");
      if (!checked) return { error: "Choose the line with the bug first.", focus: form.querySelector("input[name=line]") };
      return { answer: parseInt(checked.value, 10) };
    }
    if (type === "fill_in") {
      var blanks = form.querySelectorAll("input[name=blank]");
      var empty = Array.prototype.filter.call(blanks, function (input) {
        return !input.value.trim();
      });
      if (empty.length) return { error: blanks.length === 1 ? "Fill in the blank first." : "Fill in every blank first.", focus: empty[0] };
      return {
        answer: Array.prototype.map.call(blanks, function (input) {
          return input.value;
        }),
      };
    }
    var area = form.querySelector("textarea");
    if (!area || !area.value.trim()) {
      return { error: type === "exercise" ? "Write your code first." : "Write your answer first.", focus: area };
    }
    return { answer: area.value };
  }

  // -- Interactions inside a question ----------------------------------------------------

  function wireOrdering(section) {
    var list = section.querySelector("[data-order-list]");
    if (!list) return;
    var status = section.querySelector("[data-order-status]");
    var announce = sayer(status);

    function refresh() {
      var items = list.querySelectorAll("[data-order-item]");
      Array.prototype.forEach.call(items, function (item, index) {
        var up = item.querySelector("[data-move=up]");
        var down = item.querySelector("[data-move=down]");
        if (index === 0) up.setAttribute("aria-disabled", "true");
        else up.removeAttribute("aria-disabled");
        if (index === items.length - 1) down.setAttribute("aria-disabled", "true");
        else down.removeAttribute("aria-disabled");
      });
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-move]") : null;
      if (!button || !list.contains(button) || button.getAttribute("aria-disabled") === "true") return;
      if (list.getAttribute("aria-disabled") === "true") return;
      var item = button.closest("[data-order-item]");
      var up = button.getAttribute("data-move") === "up";
      var sibling = up ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) return;
      if (up) list.insertBefore(item, sibling);
      else list.insertBefore(sibling, item);
      refresh();
      var items = Array.prototype.slice.call(list.querySelectorAll("[data-order-item]"));
      var position = items.indexOf(item) + 1;
      // Moving the item took the focus with it; keep it on the same control, or on the
      // other one when this one reached the end of the list.
      var target = button.getAttribute("aria-disabled") === "true" ? item.querySelector(up ? "[data-move=down]" : "[data-move=up]") : button;
      target.focus();
      item.classList.remove("order-item--moved");
      void item.offsetWidth; // restart the highlight animation
      item.classList.add("order-item--moved");
      announce("“" + item.querySelector(".order-item__text").textContent + "” moved to position " + position + " of " + items.length + ".");
    });
    refresh();
  }

  function wireEditor(section) {
    var area = section.querySelector("[data-code-editor]");
    if (!area) return;
    var escaped = false;
    area.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        escaped = true;
        return;
      }
      if (event.key !== "Tab" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey || escaped) {
        escaped = false;
        return;
      }
      event.preventDefault();
      // execCommand keeps the browser's undo history; setRangeText where it is gone.
      var done = false;
      try {
        done = document.execCommand("insertText", false, "    ");
      } catch (err) {
        done = false;
      }
      if (!done) {
        area.setRangeText("    ", area.selectionStart, area.selectionEnd, "end");
        area.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    area.addEventListener("blur", function () {
      escaped = false;
    });
  }

  // -- The session page --------------------------------------------------------------------

  function initSession(root) {
    var sessionId = root.getAttribute("data-session");
    var review = root.getAttribute("data-session-kind") === "review";
    var base = SESSIONS_URL + "/" + encodeURIComponent(sessionId);
    var current = root.querySelector("[data-current]");
    var history = root.querySelector("[data-history]");
    var historyList = root.querySelector("[data-history-list]");
    var summary = root.querySelector("[data-summary]");
    var toasts = root.querySelector("[data-toasts]");
    var say = sayer(root.querySelector("[data-learn-status]"));
    var meter = root.querySelector("[data-meter]");
    var counters = {
      answered: root.querySelector("[data-count-answered]"),
      correct: root.querySelector("[data-count-correct]"),
    };
    var state = { mastery: meterValue(), answered: Number(counters.answered.textContent) || 0, correct: Number(counters.correct.textContent) || 0 };

    function meterValue() {
      var bar = meter && meter.querySelector("[data-meter-bar]");
      return bar ? Number(bar.getAttribute("aria-valuenow")) / 100 : 0;
    }

    function setMeter(value) {
      if (!meter) return;
      var before = pct(state.mastery);
      var after = pct(value);
      var bar = meter.querySelector("[data-meter-bar]");
      var fill = meter.querySelector("[data-meter-fill]");
      var text = meter.querySelector("[data-meter-value]");
      var delta = meter.querySelector("[data-meter-delta]");
      // The attribute draws it without a style="" (CSP); the CSS property lets it animate.
      fill.setAttribute("width", after + "%");
      fill.style.width = after + "%";
      text.textContent = after + "%";
      bar.setAttribute("aria-valuenow", String(after));
      bar.setAttribute("aria-valuetext", after + "%" + (value >= MASTERED ? ", mastered" : ", mastered at 95%"));
      bar.classList.toggle("lmeter__bar--mastered", value >= MASTERED);
      if (delta) {
        var change = after - before;
        delta.hidden = change === 0;
        delta.className = "lmeter__delta " + (change > 0 ? "lmeter__delta--up" : "lmeter__delta--down");
        delta.textContent = change > 0 ? "+" + change : "−" + Math.abs(change);
        delta.setAttribute("aria-label", change > 0 ? "up " + change + " points" : "down " + Math.abs(change) + " points");
      }
      state.mastery = value;
    }

    function setLevel(level) {
      var rank = BLOOM.indexOf(level);
      Array.prototype.forEach.call(root.querySelectorAll("[data-ladder] [data-level]"), function (step) {
        var mine = BLOOM.indexOf(step.getAttribute("data-level"));
        var kind = mine < rank ? "passed" : mine === rank ? "current" : "ahead";
        step.className = "ladder__step ladder__step--" + kind;
        if (kind === "current") step.setAttribute("aria-current", "step");
        else step.removeAttribute("aria-current");
        var note = step.querySelector("[data-ladder-note]");
        if (note) note.textContent = kind === "current" ? " (current level)" : kind === "passed" ? " (below your level)" : "";
      });
    }

    function setCounters(answered, correct) {
      state.answered = answered;
      state.correct = correct;
      counters.answered.textContent = String(answered);
      counters.correct.textContent = String(correct);
    }

    function toast(achievement) {
      var close = el("button", { className: "toast__close", type: "button" }, [icon("cross"), el("span", { className: "visually-hidden", text: "Dismiss" })]);
      // No role of its own: the toast region around it is the live region.
      var node = el("div", { className: "toast" }, [
        el("span", { className: "toast__icon" }, [icon("mastered", "icon")]),
        el("div", { className: "toast__text" }, [
          el("p", { className: "toast__title", text: "Achievement unlocked: " + achievement.title }),
          el("p", { className: "toast__description", text: achievement.description || "" }),
        ]),
        close,
      ]);
      var timer = null;
      function dismiss() {
        window.clearTimeout(timer);
        if (node.contains(document.activeElement)) {
          var heading = root.querySelector("#lq-title, #summary-title");
          if (heading) heading.focus();
        }
        node.remove();
      }
      function schedule() {
        window.clearTimeout(timer);
        timer = window.setTimeout(dismiss, TOAST_MS);
      }
      close.addEventListener("click", dismiss);
      // Stays while the pointer or the focus is on it.
      node.addEventListener("mouseenter", function () {
        window.clearTimeout(timer);
      });
      node.addEventListener("focusin", function () {
        window.clearTimeout(timer);
      });
      node.addEventListener("mouseleave", schedule);
      node.addEventListener("focusout", schedule);
      toasts.appendChild(node);
      schedule();
    }

    function showSummary(endReason) {
      summary.hidden = false;
      var reason = summary.querySelector("[data-end-reason]");
      reason.textContent = END_REASONS[endReason] || END_REASONS.completed;
      summary.querySelector("[data-summary-answered]").textContent = String(state.answered);
      summary.querySelector("[data-summary-correct]").textContent = String(state.correct);
      summary.querySelector("[data-summary-mastery]").textContent = pct(state.mastery) + "%";
      summary.focus();
    }

    function wireSummary() {
      var finishForm = summary.querySelector("[data-finish-form]");
      var finish = summary.querySelector("[data-finish]");
      var errorBox = summary.querySelector("[data-summary-error]");
      var result = summary.querySelector("[data-summary-result]");
      if (!finishForm || !finish) return;
      function finished() {
        finishForm.hidden = true;
        Array.prototype.forEach.call(summary.querySelectorAll("[data-after-finish]"), function (link) {
          link.hidden = false;
        });
        root.setAttribute("data-session-status", "completed");
        summary.querySelector("#summary-title").textContent = "Session complete";
      }
      finishForm.addEventListener("submit", function (event) {
        event.preventDefault();
        if (finish.getAttribute("aria-disabled") === "true") return;
        finish.setAttribute("aria-disabled", "true");
        showError(errorBox, null);
        call(base + "/complete").then(
          function (done) {
            var before = pct(done.mastery_before);
            var after = pct(done.mastery_after);
            var words = "Mastery went from " + before + "% to " + after + "% in this session.";
            if (before === after) words = "Mastery stayed at " + after + "% in this session.";
            var children = [el("p", { className: "summary__mastery", text: words })];
            var earned = done.achievements || [];
            if (earned.length) {
              children.push(
                el("h3", { className: "summary__subtitle", text: "Unlocked in this session" }),
                el(
                  "ul",
                  { className: "summary__achievements" },
                  earned.map(function (item) {
                    return el("li", null, [icon("mastered"), el("strong", { text: item.title }), el("span", { text: " " + (item.description || "") })]);
                  })
                )
              );
            }
            result.replaceChildren.apply(result, children);
            finished();
            say("Session complete. " + words);
            var next = summary.querySelector("[data-after-finish]");
            if (next) next.focus();
          },
          function (problem) {
            finish.removeAttribute("aria-disabled");
            if (problem.code === "session_completed") {
              finished();
              return;
            }
            showError(errorBox, problem);
          }
        );
      });
    }

    function wireQuestion(section) {
      var form = section.querySelector("[data-question-form]");
      var questionId = section.getAttribute("data-question-id");
      var type = section.getAttribute("data-question-type");
      var submit = form.querySelector("[data-submit]");
      var hintButton = form.querySelector("[data-hint-button]");
      var hintsBox = form.querySelector("[data-hints]");
      var hintList = form.querySelector("[data-hint-list]");
      var errorBox = form.querySelector("[data-question-error]");
      var slot = section.querySelector("[data-feedback-slot]");
      var hintsUsed = 0;
      var busy = false;
      var done = false;

      wireOrdering(section);
      wireEditor(section);

      function setBusy(value) {
        busy = value;
        form.setAttribute("aria-busy", value ? "true" : "false");
        submit.setAttribute("aria-disabled", value ? "true" : "false");
        if (hintButton && value) hintButton.setAttribute("aria-disabled", "true");
        else if (hintButton && Number(hintButton.getAttribute("data-hints-left")) > 0) hintButton.removeAttribute("aria-disabled");
      }

      function lock() {
        // Answered: the choices stay readable, but can no longer change.
        Array.prototype.forEach.call(form.querySelectorAll("input, textarea"), function (control) {
          if (control.tagName === "TEXTAREA" || control.type === "text") control.readOnly = true;
          else control.disabled = true;
        });
        var list = form.querySelector("[data-order-list]");
        if (list) {
          list.setAttribute("aria-disabled", "true");
          Array.prototype.forEach.call(list.querySelectorAll("[data-move]"), function (button) {
            button.hidden = true;
          });
        }
        form.querySelector("[data-question-actions]").hidden = true;
        section.classList.add("lq--answered");
      }

      if (hintButton) {
        hintButton.addEventListener("click", function () {
          if (busy || done || hintButton.getAttribute("aria-disabled") === "true") return;
          hintButton.setAttribute("aria-disabled", "true");
          showError(errorBox, null);
          call(base + "/hints", { question_id: questionId }).then(
            function (hint) {
              var remaining = Math.max(0, Number(hint.remaining) || 0);
              hintButton.setAttribute("data-hints-left", String(remaining));
              if (hint.hint_html || hint.hint) {
                hintsUsed = Math.max(hintsUsed, Number(hint.number) || hintsUsed + 1);
                var body = hint.hint_html ? serverHtml(hint.hint_html) : document.createTextNode(hint.hint);
                hintList.appendChild(el("li", { className: "lq__hint prose" }, [body]));
                hintsBox.hidden = false;
              }
              var label = hintButton.querySelector("[data-hint-label]");
              if (remaining > 0) {
                label.textContent = "Show another hint (" + remaining + " left)";
                hintButton.removeAttribute("aria-disabled");
              } else {
                label.textContent = "No more hints";
              }
            },
            function (problem) {
              hintButton.removeAttribute("aria-disabled");
              showError(errorBox, problem);
            }
          );
        });
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (busy || done) return;
        var read = readAnswer(type, form);
        if (read.error) {
          showError(errorBox, { message: read.error, stale: false });
          if (read.focus) read.focus.focus();
          return;
        }
        showError(errorBox, null);
        setBusy(true);
        call(base + "/responses", { question_id: questionId, answer: read.answer, hints_used: Math.min(hintsUsed, 5) }).then(
          function (result) {
            done = true;
            setBusy(false);
            lock();
            showResult(section, slot, result);
          },
          function (problem) {
            setBusy(false);
            showError(errorBox, problem);
            if (problem.stale) lock();
          }
        );
      });
    }

    function showResult(section, slot, result) {
      var correct = !!result.correct;
      var children = [
        el("p", { className: "feedback__verdict" }, [
          el("span", { className: "feedback__icon" }, [icon(correct ? "check" : "cross", "icon")]),
          el("strong", { className: "feedback__word", id: "feedback-title", text: correct ? "Correct" : "Not quite" }),
          el("span", { className: "feedback__score", text: "Score " + pct(result.score) + "%" }),
        ]),
        el("div", { className: "prose feedback__body" }, [serverHtml(result.feedback_html)]),
      ];
      var levelWords = "";
      if (result.level_change === "up") {
        levelWords = "Level up: " + bloomLabel(result.level);
        children.push(el("p", { className: "feedback__level feedback__level--up" }, [icon("up"), el("span", { text: levelWords })]));
      } else if (result.level_change === "down") {
        levelWords = "Let's step back to " + bloomLabel(result.level);
        children.push(el("p", { className: "feedback__level feedback__level--down" }, [icon("down"), el("span", { text: levelWords })]));
        var lesson = result.next_step && result.next_step.lesson;
        if (lesson && lesson.html) {
          children.push(
            el("details", { className: "lesson lesson--reexplain feedback__lesson", open: true }, [
              el("summary", { className: "lesson__summary", text: "A fresh explanation, at the " + bloomLabel(result.level) + " level" }),
              el("div", { className: "prose lesson__body" }, [serverHtml(lesson.html)]),
            ])
          );
        }
      }
      if (result.mastered && state.mastery < MASTERED) {
        children.push(el("p", { className: "feedback__level feedback__level--up" }, [icon("mastered"), el("span", { text: "Skill mastered!" })]));
      }
      var next = el("button", { className: "button button--primary", type: "button", "data-next": true }, [
        el("span", { text: result.next_step ? "Next question" : "See the summary" }),
        icon("arrow"),
      ]);
      children.push(el("div", { className: "feedback__actions" }, [next]));
      var box = el(
        "div",
        { className: "feedback feedback--" + (correct ? "correct" : "wrong"), tabindex: "-1", "aria-labelledby": "feedback-title", "data-feedback": true },
        children
      );
      slot.replaceChildren(box);

      var lessonHint = root.querySelector(".lesson--intro .lesson__hint");
      if (lessonHint) lessonHint.textContent = "Open to read it again";
      if (review) {
        // A review mixes skills: the meter follows the one just answered.
        var title = section.getAttribute("data-question-skill-title") || "";
        var label = meter && meter.querySelector(".lmeter__label");
        if (label && title && label.textContent !== "Mastery of " + title) {
          // Another skill than the meter showed: no "before" to compare with.
          label.textContent = "Mastery of " + title;
          meter.querySelector("[data-meter-bar]").setAttribute("aria-label", "Mastery of " + title);
          state.mastery = result.mastery;
        }
      }
      setMeter(result.mastery);
      setLevel(result.level);
      setCounters(result.answered, result.correct_count);
      (result.achievements || []).forEach(toast);
      say(
        (correct ? "Correct." : "Not quite.") +
          " Mastery " + pct(result.mastery) + "%." +
          (levelWords ? " " + levelWords + "." : "")
      );
      box.focus();

      next.addEventListener("click", function () {
        archive(section, result);
        if (result.next_step) {
          var fresh = buildQuestion(result.next_step, review, result.level_change === "down");
          current.replaceChildren(fresh);
          wireQuestion(fresh);
          var heading = fresh.querySelector("#lq-title");
          heading.focus();
          fresh.scrollIntoView({ block: "start" });
        } else {
          current.replaceChildren();
          showSummary(result.end_reason);
        }
      });
    }

    // The answered question moves to "Your answers so far", collapsed.
    function archive(section, result) {
      var title = section.querySelector("#lq-title").textContent;
      var position = title.replace(/^\D+/, "");
      var bloom = "";
      var tag = section.querySelector(".lq__tags .pill");
      if (tag) {
        var label = tag.textContent.trim();
        Object.keys(BLOOM_LABELS).forEach(function (key) {
          if (BLOOM_LABELS[key] === label) bloom = key;
        });
      }
      var prompt = section.querySelector("#lq-prompt");
      var copy = document.createDocumentFragment();
      Array.prototype.forEach.call(prompt.childNodes, function (node) {
        copy.appendChild(node.cloneNode(true));
      });
      historyList.appendChild(buildAnswered(position, bloom, copy, result));
      history.hidden = false;
    }

    var first = current.querySelector("[data-question]");
    if (first) wireQuestion(first);
    wireSummary();
  }

  function ready() {
    initStartForms();
    var session = document.querySelector("[data-session]");
    if (session && DevMentor.api) initSession(session);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
