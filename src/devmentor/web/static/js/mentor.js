// The "Ask the mentor" page: streams the answer from /api/mentor/ask/stream into the page
// as it is written. Without JavaScript the same form posts to /mentor and the server
// renders the answer instead.
//
// Model text is never parsed as HTML: the Markdown renderer below builds every element
// with createElement and puts text in with textContent, so "<script>" in an answer stays
// the eight characters it is. It follows the same rules as render_markdown in
// devmentor/web/markdown.py (the browser tests compare the two); keep them in step.
//
// Public surface:
//
//   DevMentorMarkdown.render(text)  -> DocumentFragment of the safe subset: p, h3, h4,
//                                      pre > code, ul, ol (start), li, strong, em, code, br
(function () {
  "use strict";

  // -- Markdown, safely ----------------------------------------------------------

  // Only these end a line; [\s\S] below, not ".", so that U+2028 and U+2029 are text, as
  // they are to Python's ".".
  var LINE_BREAK = /\r\n|\r|\n/;
  var BLANK = /^[ \t]*$/;
  var FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})([\s\S]*)$/;
  var FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
  var HEADING = /^ {0,3}(#{1,6})(?:[ \t]+([\s\S]*?))?[ \t]*$/;
  var HEADING_CLOSE = /(?:^|[ \t]+)#+$/;
  var BULLET = /^( {0,3})([-*+])([ \t]+)([\s\S]*)$/;
  var ORDERED = /^( {0,3})([0-9]{1,9})([.)])([ \t]+)([\s\S]*)$/;
  var ESCAPABLE = "\\*_#+-.!()[]{}<>|~";
  var WHITESPACE = " \t\n\r\f\v";
  var ALNUM = /^[\p{L}\p{N}]$/u;
  // Lists nest at most this deep; deeper markers stay text (and the recursion bounded).
  var MAX_DEPTH = 4;
  // Where an item's continuation lines must be indented to (at least) to stay in it.
  var CONTINUATION_INDENT = 2;

  function isBlank(line) {
    return BLANK.test(line);
  }

  function indentOf(line) {
    var columns = 0;
    for (var i = 0; i < line.length; i++) {
      if (line[i] === " ") columns += 1;
      else if (line[i] === "\t") columns += 4 - (columns % 4);
      else break;
    }
    return columns;
  }

  function dedent(line, columns) {
    var removed = 0;
    var index = 0;
    while (index < line.length && removed < columns && (line[index] === " " || line[index] === "\t")) {
      removed += line[index] === " " ? 1 : 4 - (removed % 4);
      index += 1;
    }
    return line.slice(index);
  }

  function trim(line) {
    return line.replace(/^[ \t]+|[ \t]+$/g, "");
  }

  function fenceOf(line) {
    var match = FENCE_OPEN.exec(line);
    if (!match || (match[2][0] === "`" && match[3].indexOf("`") !== -1)) return null;
    return { indent: match[1].length, marker: match[2] };
  }

  function closes(line, marker) {
    var match = FENCE_CLOSE.exec(line);
    return !!match && match[1][0] === marker[0] && match[1].length >= marker.length;
  }

  function listItem(line, depth) {
    if (depth >= MAX_DEPTH) return null;
    var bullet = BULLET.exec(line);
    if (bullet) {
      return { ordered: false, start: 1, width: bullet[1].length + 1 + bullet[3].length, text: bullet[4] };
    }
    var ordered = ORDERED.exec(line);
    if (ordered) {
      return {
        ordered: true,
        start: parseInt(ordered[2], 10),
        width: ordered[1].length + ordered[2].length + 1 + ordered[4].length,
        text: ordered[5],
      };
    }
    return null;
  }

  function startsBlock(line, depth) {
    return fenceOf(line) !== null || HEADING.test(line) || listItem(line, depth) !== null;
  }

  function parseBlocks(lines, depth) {
    var blocks = [];
    var i = 0;
    while (i < lines.length) {
      var line = lines[i];
      if (isBlank(line)) {
        i += 1;
        continue;
      }
      var fence = fenceOf(line);
      if (fence) {
        var body = [];
        i += 1;
        while (i < lines.length) {
          if (closes(lines[i], fence.marker)) {
            i += 1;
            break;
          }
          body.push(dedent(lines[i], fence.indent));
          i += 1;
        }
        blocks.push({ kind: "code", text: body.join("\n") });
        continue;
      }
      var heading = HEADING.exec(line);
      if (heading) {
        var text = trim((heading[2] || "").replace(HEADING_CLOSE, ""));
        blocks.push({ kind: "heading", level: heading[1].length <= 3 ? 3 : 4, text: text });
        i += 1;
        continue;
      }
      var item = listItem(line, depth);
      if (item) {
        i = parseList(lines, i, item, depth, blocks);
        continue;
      }
      var paragraph = [trim(line)];
      i += 1;
      while (i < lines.length && !isBlank(lines[i]) && !startsBlock(lines[i], depth)) {
        paragraph.push(trim(lines[i]));
        i += 1;
      }
      blocks.push({ kind: "para", text: paragraph.join("\n") });
    }
    return blocks;
  }

  // Parses the list starting with `item` at lines[i]; returns the line after it.
  function parseList(lines, i, item, depth, blocks) {
    var block = { kind: "list", ordered: item.ordered, start: item.start, items: [] };
    var current = item;
    while (current) {
      var content = [current.text];
      i += 1;
      while (i < lines.length) {
        var line = lines[i];
        if (isBlank(line)) {
          var after = i;
          while (after < lines.length && isBlank(lines[after])) after += 1;
          if (after < lines.length && indentOf(lines[after]) >= CONTINUATION_INDENT) {
            for (; i < after; i++) content.push("");
            continue;
          }
          break;
        }
        var indent = indentOf(line);
        if (indent >= CONTINUATION_INDENT) {
          content.push(dedent(line, Math.min(indent, current.width)));
        } else if (startsBlock(line, depth)) {
          break;
        } else {
          content.push(line); // a lazy continuation of the item's text
        }
        i += 1;
      }
      block.items.push(parseBlocks(content, depth + 1));
      var next = i;
      while (next < lines.length && isBlank(lines[next])) next += 1;
      var following = next < lines.length ? listItem(lines[next], depth) : null;
      if (following && following.ordered === block.ordered) {
        i = next;
        current = following;
      } else {
        current = null;
      }
    }
    blocks.push(block);
    return i;
  }

  // Inline: code spans first (their text is literal), then emphasis matched over runs of
  // * and _ with a stack of openers, as CommonMark does, minus its finer rules.

  function tokenize(text) {
    var runs = {};
    var j = 0;
    var end;
    while (j < text.length) {
      if (text[j] === "`") {
        end = j;
        while (end < text.length && text[end] === "`") end += 1;
        (runs[end - j] = runs[end - j] || []).push(j);
        j = end;
      } else {
        j += 1;
      }
    }
    var nextRun = {};
    var tokens = [];
    var buffer = "";

    function flush() {
      if (buffer) {
        tokens.push({ kind: "text", text: buffer });
        buffer = "";
      }
    }

    var i = 0;
    while (i < text.length) {
      var char = text[i];
      if (char === "\\" && i + 1 < text.length && ESCAPABLE.indexOf(text[i + 1]) !== -1) {
        buffer += text[i + 1];
        i += 2;
        continue;
      }
      if (char === "`") {
        end = i;
        while (end < text.length && text[end] === "`") end += 1;
        var size = end - i;
        var starts = runs[size];
        var index = nextRun[size] || 0;
        while (index < starts.length && starts[index] <= i) index += 1;
        nextRun[size] = index;
        if (index < starts.length) {
          var close = starts[index];
          nextRun[size] = index + 1;
          var code = text.slice(end, close).replace(/\n/g, " ");
          if (code.length >= 2 && code[0] === " " && code[code.length - 1] === " " && /[^ ]/.test(code)) {
            code = code.slice(1, -1);
          }
          flush();
          tokens.push({ kind: "code", text: code });
          i = close + size;
        } else {
          buffer += text.slice(i, end);
          i = end;
        }
        continue;
      }
      if (char === "*" || char === "_") {
        end = i;
        while (end < text.length && text[end] === char) end += 1;
        var before = i > 0 ? codePointBefore(text, i) : " ";
        var after = end < text.length ? String.fromCodePoint(text.codePointAt(end)) : " ";
        var left = WHITESPACE.indexOf(after) === -1;
        var right = WHITESPACE.indexOf(before) === -1;
        var canOpen = left;
        var canClose = right;
        if (char === "_") {
          // Never inside a word: snake_case_names stay as they are.
          canOpen = left && !isAlnum(before);
          canClose = right && !isAlnum(after);
        }
        flush();
        tokens.push({
          kind: "delim",
          char: char,
          count: end - i,
          canOpen: canOpen,
          canClose: canClose,
          opens: [],
          closes: [],
        });
        i = end;
        continue;
      }
      buffer += char;
      i += 1;
    }
    flush();
    return tokens;
  }

  // Whole characters, not UTF-16 halves, so that letters outside the BMP count as
  // letters here as they do in Python.
  function codePointBefore(text, index) {
    var low = text.charCodeAt(index - 1);
    if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
      var high = text.charCodeAt(index - 2);
      if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
    }
    return text[index - 1];
  }

  function isAlnum(char) {
    return ALNUM.test(char);
  }

  function matchEmphasis(tokens) {
    var openers = [];
    // No opener for this character below this stack height: keeps the search linear.
    var bottom = { "*": 0, _: 0 };
    tokens.forEach(function (token) {
      if (token.kind !== "delim") return;
      if (token.canClose) {
        while (token.count > 0) {
          var found = -1;
          for (var index = openers.length - 1; index >= bottom[token.char]; index--) {
            if (openers[index].char === token.char) {
              found = index;
              break;
            }
          }
          if (found < 0) {
            bottom[token.char] = openers.length;
            break;
          }
          var opener = openers[found];
          var use = opener.count >= 2 && token.count >= 2 ? 2 : 1;
          var tag = use === 2 ? "strong" : "em";
          opener.count -= use;
          token.count -= use;
          opener.opens.push(tag);
          token.closes.push(tag);
          // Openers between the pair are inside it now: they can match nothing more.
          openers.length = found + 1;
          if (opener.count === 0) openers.length = found;
          bottom["*"] = Math.min(bottom["*"], openers.length);
          bottom._ = Math.min(bottom._, openers.length);
        }
      }
      if (token.canOpen && token.count > 0) openers.push(token);
    });
  }

  function appendText(parent, text) {
    var parts = text.split("\n");
    parts.forEach(function (part, index) {
      if (index > 0) parent.appendChild(document.createElement("br"));
      if (part) parent.appendChild(document.createTextNode(part));
    });
  }

  function appendInline(parent, text) {
    var tokens = tokenize(text);
    matchEmphasis(tokens);
    var stack = [parent];
    tokens.forEach(function (token) {
      var top = stack[stack.length - 1];
      if (token.kind === "text") {
        appendText(top, token.text);
        return;
      }
      if (token.kind === "code") {
        var code = document.createElement("code");
        code.textContent = token.text;
        top.appendChild(code);
        return;
      }
      token.closes.forEach(function () {
        stack.pop();
      });
      if (token.count) appendText(stack[stack.length - 1], token.char.repeat(token.count));
      for (var k = token.opens.length - 1; k >= 0; k--) {
        var element = document.createElement(token.opens[k]);
        stack[stack.length - 1].appendChild(element);
        stack.push(element);
      }
    });
  }

  function appendBlocks(parent, blocks) {
    blocks.forEach(function (block) {
      var element;
      if (block.kind === "para") {
        element = document.createElement("p");
        appendInline(element, block.text);
      } else if (block.kind === "heading") {
        element = document.createElement("h" + block.level);
        appendInline(element, block.text);
      } else if (block.kind === "code") {
        element = document.createElement("pre");
        var code = document.createElement("code");
        code.textContent = block.text;
        element.appendChild(code);
      } else {
        element = document.createElement(block.ordered ? "ol" : "ul");
        if (block.ordered && block.start !== 1) element.setAttribute("start", String(block.start));
        block.items.forEach(function (item) {
          var li = document.createElement("li");
          var rest = item;
          // A first paragraph goes straight into the <li>, as in a "tight" list.
          if (item.length && item[0].kind === "para") {
            appendInline(li, item[0].text);
            rest = item.slice(1);
          }
          appendBlocks(li, rest);
          element.appendChild(li);
        });
      }
      parent.appendChild(element);
    });
  }

  function render(text) {
    var fragment = document.createDocumentFragment();
    appendBlocks(fragment, parseBlocks(String(text == null ? "" : text).split(LINE_BREAK), 0));
    return fragment;
  }

  window.DevMentorMarkdown = { render: render };

  // -- Server-sent events ----------------------------------------------------------

  // Feeds text in as it arrives; calls onEvent(type, data) for each complete event.
  function sseParser(onEvent) {
    var buffer = "";
    var type = "";
    var data = [];

    function line(text) {
      if (text === "") {
        if (data.length) onEvent(type || "message", data.join("\n"));
        type = "";
        data = [];
        return;
      }
      if (text[0] === ":") return;
      var colon = text.indexOf(":");
      var field = colon === -1 ? text : text.slice(0, colon);
      var value = colon === -1 ? "" : text.slice(colon + 1);
      if (value[0] === " ") value = value.slice(1);
      if (field === "event") type = value;
      else if (field === "data") data.push(value);
    }

    return {
      feed: function (chunk, last) {
        buffer += chunk;
        var match;
        while ((match = /\r\n|\r|\n/.exec(buffer))) {
          // A lone \r at the end may be the first half of a \r\n still on its way.
          if (match[0] === "\r" && match.index === buffer.length - 1 && !last) break;
          line(buffer.slice(0, match.index));
          buffer = buffer.slice(match.index + match[0].length);
        }
        if (last && buffer) {
          line(buffer);
          buffer = "";
        }
      },
    };
  }

  // -- The page ----------------------------------------------------------------------

  var form = document.querySelector("[data-mentor-form]");
  if (!form || !window.DevMentor || !window.DevMentor.api) return;

  var STREAM_URL = "/api/mentor/ask/stream";
  var LABELS = { question: "question", code: "code", language: "language" };
  var panel = document.querySelector("[data-answer]");
  var modePill = panel.querySelector("[data-answer-mode]");
  var notice = panel.querySelector("[data-answer-notice]");
  var empty = panel.querySelector("[data-answer-empty]");
  var body = panel.querySelector("[data-answer-body]");
  var progress = panel.querySelector("[data-answer-progress]");
  var errorBox = panel.querySelector("[data-answer-error]");
  var meta = panel.querySelector("[data-answer-meta]");
  var status = document.querySelector("[data-mentor-status]");
  var buttons = form.querySelectorAll("button[type=submit]");
  var busy = false;

  function say(text) {
    // Cleared first, so the same words twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function setBusy(value) {
    busy = value;
    if (value && form.contains(document.activeElement)) {
      // A disabled button drops focus to <body>; the answer is where attention goes next.
      panel.focus();
    }
    Array.prototype.forEach.call(buttons, function (button) {
      button.disabled = value;
    });
    form.setAttribute("aria-busy", value ? "true" : "false");
    panel.setAttribute("aria-busy", value ? "true" : "false");
    progress.hidden = !value;
  }

  function showError(text) {
    var p = document.createElement("p");
    p.className = "alert alert--error";
    p.textContent = text;
    errorBox.replaceChildren(p);
    empty.hidden = true;
  }

  function setFieldError(name, message) {
    var input = form.elements.namedItem(name);
    var wrapper = form.querySelector('[data-field="' + name + '"]');
    if (!input || !wrapper) return;
    var id = name + "-error";
    var existing = document.getElementById(id);
    var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (token) {
      return token && token !== id;
    });
    if (existing) existing.remove();
    if (message) {
      var p = document.createElement("p");
      p.className = "field__error";
      p.id = id;
      p.textContent = message;
      wrapper.appendChild(p);
      described.push(id);
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    wrapper.classList.toggle("field--invalid", !!message);
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function clearFieldErrors() {
    Object.keys(LABELS).forEach(function (name) {
      setFieldError(name, null);
    });
  }

  function reset(mode) {
    modePill.textContent = mode === "solution" ? "Solution" : "Hint";
    modePill.hidden = true;
    notice.hidden = true;
    notice.textContent = "";
    empty.hidden = true;
    body.replaceChildren();
    errorBox.replaceChildren();
    meta.hidden = true;
    meta.textContent = "";
  }

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

  function fieldMessage(name, problem) {
    var limits = { question: form.elements.namedItem("question").maxLength, code: form.elements.namedItem("code").maxLength };
    if (problem.type === "string_too_long" && limits[name] > 0) {
      return "Use at most " + limits[name].toLocaleString("en") + " characters.";
    }
    if (name === "question" && (problem.type === "missing" || problem.type === "string_too_short")) {
      return "Enter your question.";
    }
    var text = String(problem.msg || "This is not valid.").replace(/^Value error, /, "");
    return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
  }

  function showProblem(response) {
    var type = response.headers.get("content-type") || "";
    var parsed = /json/.test(type)
      ? response.json().catch(function () {
          return null;
        })
      : Promise.resolve(null);
    return parsed.then(function (problem) {
      var detail = problem && problem.detail ? String(problem.detail) : null;
      if (response.status === 401) {
        detail = "Your sign-in has ended. Sign in again to ask the mentor.";
      } else if (response.status === 422 && problem && Array.isArray(problem.errors)) {
        var other = [];
        problem.errors.forEach(function (error) {
          var loc = Array.isArray(error.loc) ? error.loc : [];
          var name = loc[0] === "body" ? loc[1] : loc[0];
          if (Object.prototype.hasOwnProperty.call(LABELS, name)) setFieldError(name, fieldMessage(name, error));
          else other.push(fieldMessage("", error));
        });
        detail = other.length ? other.join(" ") : "Check the marked fields and ask again.";
      } else if (response.status === 429) {
        var wait = parseInt(response.headers.get("Retry-After") || "", 10);
        detail = (detail || "Too many questions at once.") + (wait > 0 ? " Try again in " + waitText(wait) + "." : "");
      }
      showError(detail || "The mentor could not answer (HTTP " + response.status + "). Please try again.");
    });
  }

  function stream(response, mode) {
    var text = "";
    var finished = false;
    var frame = null;

    function paint() {
      frame = null;
      body.replaceChildren(render(text));
    }

    function schedulePaint() {
      if (frame === null) frame = window.requestAnimationFrame(paint);
    }

    function flushPaint() {
      if (frame !== null) window.cancelAnimationFrame(frame);
      paint();
    }

    function onEvent(type, raw) {
      var data;
      try {
        data = JSON.parse(raw);
      } catch (err) {
        return;
      }
      if (!data || finished) return;
      if (type === "meta") {
        mode = data.mode === "solution" ? "solution" : "hint";
        modePill.textContent = mode === "solution" ? "Solution" : "Hint";
        modePill.hidden = false;
        if (data.notice) {
          notice.textContent = String(data.notice);
          notice.hidden = false;
        }
      } else if (type === "delta") {
        text += String(data.text || "");
        schedulePaint();
      } else if (type === "done") {
        finished = true;
        flushPaint();
        meta.textContent =
          "Answered by " + String(data.provider) + " · " + String(data.model) + (data.cached ? " (cached)" : "");
        meta.hidden = false;
        say(mode === "solution" ? "The solution is ready." : "The hint is ready.");
      } else if (type === "error") {
        finished = true;
        flushPaint();
        showError(String(data.detail || data.title || "The answer broke off. Please try again."));
      }
    }

    var parser = sseParser(onEvent);
    function ended() {
      if (!finished) {
        finished = true;
        flushPaint();
        showError("The answer broke off before it was finished. Please try again.");
      }
    }

    if (!response.body || !response.body.getReader) {
      return response.text().then(function (all) {
        parser.feed(all, true);
        ended();
      });
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    function pump() {
      return reader.read().then(function (result) {
        if (result.done) {
          parser.feed(decoder.decode(), true);
          ended();
          return undefined;
        }
        parser.feed(decoder.decode(result.value, { stream: true }), false);
        return pump();
      });
    }
    return pump().catch(function () {
      ended();
    });
  }

  function ask(mode) {
    var question = form.elements.namedItem("question").value;
    var code = form.elements.namedItem("code").value;
    var language = form.elements.namedItem("language").value;
    clearFieldErrors();
    if (!question.trim()) {
      setFieldError("question", "Enter your question.");
      form.elements.namedItem("question").focus();
      return;
    }
    reset(mode);
    setBusy(true);
    var payload = {
      question: question,
      code: code.trim() ? code : null,
      // "Other" names no language the mentor knows: asked as "not stated", as the form does.
      language: language && language !== "other" ? language : null,
      mode: mode,
    };
    window.DevMentor.api(STREAM_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream, application/problem+json" },
      body: JSON.stringify(payload),
    })
      .then(
        function (response) {
          var type = response.headers.get("content-type") || "";
          if (response.ok && /^text\/event-stream/.test(type)) return stream(response, mode);
          return showProblem(response);
        },
        function () {
          showError("Could not reach the server. Check your connection and try again.");
        }
      )
      .then(function () {
        setBusy(false);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    var submitter = event.submitter;
    ask(submitter && submitter.value === "solution" ? "solution" : "hint");
  });
})();
