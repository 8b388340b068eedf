"""A small, safe Markdown subset rendered to HTML on the server.

Model output is text to escape, never HTML to trust: a model can be talked into writing
``<script>``. Every character of the input is escaped; only the structures below become
markup.

The subset: paragraphs (a line break stays a line break), # to ###### headings (as h3,
or h4 from ####), fenced code blocks, bullet and numbered lists (nested, by indenting),
**bold**, *italics* / _italics_ and `code`. Nothing else becomes markup, links included.
static/js/mentor.js implements the same rules with DOM APIs; the browser tests render
the same texts with both and compare, so keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup, escape

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLANK = re.compile(r"[ \t]*")
_FENCE_OPEN = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*")
_HEADING_CLOSE = re.compile(r"(?:^|[ \t]+)#+$")
_BULLET = re.compile(r"( {0,3})([-*+])([ \t]+)(.*)")
_ORDERED = re.compile(r"( {0,3})([0-9]{1,9})([.)])([ \t]+)(.*)")
_ESCAPABLE = frozenset("\\*_#+-.!()[]{}<>|~")
_WHITESPACE = frozenset(" \t\n\r\f\v")
#: Lists nest at most this deep; deeper markers stay text (and the recursion stays bounded).
_MAX_DEPTH = 4
#: Half a surrogate pair (a model's JSON may carry one) cannot be encoded into the page.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: Where an item's continuation lines must be indented to (at least) to stay in it.
_CONTINUATION_INDENT = 2


@dataclass(frozen=True, slots=True)
class _Item:
    ordered: bool
    start: int
    width: int
    text: str


@dataclass(slots=True)
class _Block:
    kind: Literal["para", "heading", "code", "list"]
    text: str = ""
    level: int = 3
    ordered: bool = False
    start: int = 1
    items: list[list[_Block]] = field(default_factory=list)
    #: A fenced block's language, from its info string ("" when none).
    language: str = ""


def _blank(line: str) -> bool:
    return _BLANK.fullmatch(line) is not None


def _indent(line: str) -> int:
    columns = 0
    for char in line:
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        else:
            break
    return columns


def _dedent(line: str, columns: int) -> str:
    removed = index = 0
    while index < len(line) and removed < columns and line[index] in " \t":
        removed += 1 if line[index] == " " else 4 - removed % 4
        index += 1
    return line[index:]


def _fence(line: str) -> tuple[int, str] | None:
    match = _FENCE_OPEN.fullmatch(line)
    if match is None or (match.group(2)[0] == "`" and "`" in match.group(3)):
        return None
    return len(match.group(1)), match.group(2)


def _closes(line: str, fence: str) -> bool:
    match = _FENCE_CLOSE.fullmatch(line)
    return match is not None and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence)


def _list_item(line: str, depth: int) -> _Item | None:
    if depth >= _MAX_DEPTH:
        return None
    bullet = _BULLET.fullmatch(line)
    if bullet is not None:
        width = len(bullet.group(1)) + 1 + len(bullet.group(3))
        return _Item(False, 1, width, bullet.group(4))
    ordered = _ORDERED.fullmatch(line)
    if ordered is not None:
        width = len(ordered.group(1)) + len(ordered.group(2)) + 1 + len(ordered.group(4))
        return _Item(True, int(ordered.group(2)), width, ordered.group(5))
    return None


def _starts_block(line: str, depth: int) -> bool:
    return (
        _fence(line) is not None
        or _HEADING.fullmatch(line) is not None
        or _list_item(line, depth) is not None
    )


def _trim(line: str) -> str:
    return line.strip(" \t")


def _parse_blocks(lines: list[str], depth: int) -> list[_Block]:
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _blank(line):
            i += 1
            continue
        fence = _fence(line)
        if fence is not None:
            indent, marker = fence
            body: list[str] = []
            i += 1
            while i < len(lines):
                if _closes(lines[i], marker):
                    i += 1
                    break
                body.append(_dedent(lines[i], indent))
                i += 1
            info = line.strip().lstrip("`~").strip().split(" ", 1)[0]
            blocks.append(_Block("code", "\n".join(body), language=info[:20]))
            continue
        heading = _HEADING.fullmatch(line)
        if heading is not None:
            text = _trim(_HEADING_CLOSE.sub("", heading.group(2) or ""))
            level = 3 if len(heading.group(1)) <= 3 else 4
            blocks.append(_Block("heading", text, level=level))
            i += 1
            continue
        item = _list_item(line, depth)
        if item is not None:
            i = _parse_list(lines, i, item, depth, blocks)
            continue
        paragraph = [_trim(line)]
        i += 1
        while i < len(lines) and not _blank(lines[i]) and not _starts_block(lines[i], depth):
            paragraph.append(_trim(lines[i]))
            i += 1
        blocks.append(_Block("para", "\n".join(paragraph)))
    return blocks


def _parse_list(lines: list[str], i: int, item: _Item, depth: int, blocks: list[_Block]) -> int:
    """Parse the list starting with ``item`` at ``lines[i]``; returns the line after it."""
    block = _Block("list", ordered=item.ordered, start=item.start)
    current: _Item | None = item
    while current is not None:
        content = [current.text]
        i += 1
        while i < len(lines):
            line = lines[i]
            if _blank(line):
                after = i
                while after < len(lines) and _blank(lines[after]):
                    after += 1
                if after < len(lines) and _indent(lines[after]) >= _CONTINUATION_INDENT:
                    content.extend("" for _ in range(i, after))
                    i = after
                    continue
                break
            indent = _indent(line)
            if indent >= _CONTINUATION_INDENT:
                content.append(_dedent(line, min(indent, current.width)))
            elif _starts_block(line, depth):
                break
            else:
                content.append(line)  # a lazy continuation of the item's text
            i += 1
        block.items.append(_parse_blocks(content, depth + 1))
        after = i
        while after < len(lines) and _blank(lines[after]):
            after += 1
        following = _list_item(lines[after], depth) if after < len(lines) else None
        if following is not None and following.ordered == block.ordered:
            i, current = after, following
        else:
            current = None
    blocks.append(block)
    return i


# Inline: code spans first (their text is literal), then emphasis matched over runs of
# * and _ with a stack of openers, as CommonMark does, minus its finer rules.


@dataclass(slots=True)
class _Delim:
    char: str
    count: int
    can_open: bool
    can_close: bool
    opens: list[str] = field(default_factory=list)
    closes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Code:
    text: str


_Token = str | _Code | _Delim


@dataclass(slots=True)
class _Element:
    tag: str
    children: list[_Node] = field(default_factory=list)


_Node = str | _Code | _Element


def _alnum(char: str) -> bool:
    return char.isalnum()


def _tokenize(text: str) -> list[_Token]:
    runs: dict[int, list[int]] = {}
    j = 0
    while j < len(text):
        if text[j] == "`":
            end = j
            while end < len(text) and text[end] == "`":
                end += 1
            runs.setdefault(end - j, []).append(j)
            j = end
        else:
            j += 1
    next_run: dict[int, int] = {}
    tokens: list[_Token] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            tokens.append("".join(buffer))
            buffer.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            buffer.append(text[i + 1])
            i += 2
            continue
        if char == "`":
            end = i
            while end < len(text) and text[end] == "`":
                end += 1
            size = end - i
            starts = runs[size]
            index = next_run.get(size, 0)
            while index < len(starts) and starts[index] <= i:
                index += 1
            next_run[size] = index
            if index < len(starts):
                close = starts[index]
                next_run[size] = index + 1
                code = text[end:close].replace("\n", " ")
                if len(code) >= 2 and code[0] == " " and code[-1] == " " and code.strip(" "):
                    code = code[1:-1]
                flush()
                tokens.append(_Code(code))
                i = close + size
            else:
                buffer.append(text[i:end])
                i = end
            continue
        if char in "*_":
            end = i
            while end < len(text) and text[end] == char:
                end += 1
            before = text[i - 1] if i > 0 else " "
            after = text[end] if end < len(text) else " "
            left = after not in _WHITESPACE
            right = before not in _WHITESPACE
            if char == "_":
                # Never inside a word: snake_case_names stay as they are.
                can_open, can_close = left and not _alnum(before), right and not _alnum(after)
            else:
                can_open, can_close = left, right
            flush()
            tokens.append(_Delim(char, end - i, can_open, can_close))
            i = end
            continue
        buffer.append(char)
        i += 1
    flush()
    return tokens


def _match_emphasis(tokens: list[_Token]) -> None:
    openers: list[_Delim] = []
    # No opener for this character below this stack height: keeps the search linear.
    bottom = {"*": 0, "_": 0}
    for token in tokens:
        if not isinstance(token, _Delim):
            continue
        if token.can_close:
            while token.count > 0:
                found = -1
                for index in range(len(openers) - 1, bottom[token.char] - 1, -1):
                    if openers[index].char == token.char:
                        found = index
                        break
                if found < 0:
                    bottom[token.char] = len(openers)
                    break
                opener = openers[found]
                use = 2 if opener.count >= 2 and token.count >= 2 else 1
                tag = "strong" if use == 2 else "em"
                opener.count -= use
                token.count -= use
                opener.opens.append(tag)
                token.closes.append(tag)
                # Openers between the pair are inside it now: they can match nothing more.
                del openers[found + 1 :]
                if opener.count == 0:
                    del openers[found]
                for char in bottom:
                    bottom[char] = min(bottom[char], len(openers))
        if token.can_open and token.count > 0:
            openers.append(token)


def _parse_inline(text: str) -> list[_Node]:
    tokens = _tokenize(text)
    _match_emphasis(tokens)
    root = _Element("")
    stack = [root]
    for token in tokens:
        if not isinstance(token, _Delim):
            stack[-1].children.append(token)
            continue
        for _ in token.closes:
            stack.pop()
        if token.count:
            stack[-1].children.append(token.char * token.count)
        for tag in reversed(token.opens):
            element = _Element(tag)
            stack[-1].children.append(element)
            stack.append(element)
    return root.children


def _inline_html(nodes: list[_Node]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append("<br>".join(str(escape(part)) for part in node.split("\n")))
        elif isinstance(node, _Code):
            out.append(f"<code>{escape(node.text)}</code>")
        else:
            out.append(f"<{node.tag}>{_inline_html(node.children)}</{node.tag}>")
    return "".join(out)


#: Turns a fenced block's text and info string into the HTML inside ``<pre>``.
CodeRenderer = Callable[[str, str], str]


def _plain_code(text: str, language: str) -> str:
    return f"<code>{escape(text)}</code>"


def _blocks_html(blocks: list[_Block], code: CodeRenderer = _plain_code) -> str:
    out: list[str] = []
    for block in blocks:
        if block.kind == "para":
            out.append(f"<p>{_inline_html(_parse_inline(block.text))}</p>")
        elif block.kind == "heading":
            tag = f"h{block.level}"
            out.append(f"<{tag}>{_inline_html(_parse_inline(block.text))}</{tag}>")
        elif block.kind == "code":
            out.append(f"<pre>{code(block.text, block.language)}</pre>")
        else:
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            items = []
            for item in block.items:
                # A first paragraph goes straight into the <li>, as in a "tight" list.
                head = ""
                rest = item
                if item and item[0].kind == "para":
                    head, rest = _inline_html(_parse_inline(item[0].text)), item[1:]
                items.append(f"<li>{head}{_blocks_html(rest, code)}</li>")
            out.append(f"<{tag}{start}>{''.join(items)}</{tag}>")
    return "".join(out)


def render_markdown(text: str, *, code: CodeRenderer | None = None) -> Markup:
    """``text`` as HTML of the safe subset above: every character of it escaped.

    ``code`` renders fenced blocks (given their text and the fence's language); it must
    escape what it is given, as :func:`devmentor.web.highlight.highlight_block` does.
    """
    lines = _LINE_BREAK.split(_LONE_SURROGATE.sub("\ufffd", text))
    return Markup(_blocks_html(_parse_blocks(lines, 0), code or _plain_code))  # noqa: S704 - built from escaped parts
