"""A small HTML tree for tests: parse a rendered page and query it (stdlib only).

Not a browser: enough structure to find elements by tag, id, attribute and ancestry, and to
check the rules our Content-Security-Policy imposes on templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    # Text and child elements in document order.
    nodes: list[Element | str] = field(default_factory=list)
    line: int = 0

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def has(self, name: str) -> bool:
        return name in self.attrs

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    @property
    def text(self) -> str:
        """All text inside, whitespace collapsed (like ``textContent``, roughly)."""
        parts: list[str] = []
        self._collect_text(parts)
        return " ".join("".join(parts).split())

    def _collect_text(self, parts: list[str]) -> None:
        for node in self.nodes:
            if isinstance(node, str):
                parts.append(node)
            else:
                node._collect_text(parts)

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Element]:
        """Descendants matching ``tag`` (or any) whose attributes equal ``attrs``.

        Attribute names use ``_`` for ``-`` (``aria_current="page"``); ``class_`` matches
        one class among several; ``True`` matches an attribute that is present at all.
        """
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        found = []
        for element in self.iter():
            if element is self or (tag is not None and element.tag != tag):
                continue
            if all(_matches(element, name, value) for name, value in wanted.items()):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs: str | bool) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs} in <{self.tag}>"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        found = [element for element in self.iter() if element.get("id") == element_id]
        assert len(found) == 1, f"expected one element with id={element_id!r}, found {len(found)}"
        return found[0]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def _matches(element: Element, name: str, value: str | bool) -> bool:
    if value is True:
        return element.has(name)
    if name == "class":
        return value in element.classes
    return element.get(name) == value


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._append(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._append(tag, attrs)

    def _append(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        element = Element(tag, dict(attrs), parent=self.current, line=self.getpos()[0])
        self.current.children.append(element)
        self.current.nodes.append(element)
        return element

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        # Close up to the matching open element (tolerates optional end tags).
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.nodes.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def csp_violations(document: Element) -> list[str]:
    """What in this page a strict CSP (no 'unsafe-inline', only 'self') would block.

    Inline scripts, ``<style>`` elements, ``style=""`` attributes, ``on*=`` event handler
    attributes, ``javascript:`` URLs and resources loaded from another origin.
    """
    problems: list[str] = []
    for element in document.iter():
        where = f"<{element.tag}> on line {element.line}"
        if element.tag == "script":
            if not element.get("src"):
                problems.append(f"inline script {where}")
            elif element.text:
                problems.append(f"script with a src and a body {where}")
        if element.tag == "style":
            problems.append(f"<style> element {where}")
        for name, value in element.attrs.items():
            if name == "style":
                problems.append(f"style attribute {where}")
            if name.startswith("on"):
                problems.append(f"event handler attribute {name} {where}")
            if value and value.strip().lower().startswith("javascript:"):
                problems.append(f"javascript: URL in {name} {where}")
        for name in ("src", "href"):
            value = element.get(name) or ""
            if element.tag in ("script", "link", "img", "iframe", "source") and (
                value.startswith(("http://", "https://", "//"))
            ):
                problems.append(f"resource from another origin ({value}) {where}")
    return problems
