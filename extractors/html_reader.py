"""Reader for web pages (``.html``/``.htm``): a plan published on a portal, or a Word file saved as a web page.

lxml's HTML parser (libxml2: forgiving of the tag soup pages are made of) reads the page; this module finds the
plan in it and turns it into the document model:

- the encoding: a byte-order mark, else the page's own declaration (``<meta charset>``), else UTF-8, else
  windows-1258 (the Vietnamese Windows code page older pages are saved in);
- the site around the plan is left out: scripts, styles, forms, ``nav``/``header``/``footer``/``aside`` and
  elements whose role, id or class names a menu, banner, sidebar, breadcrumb or footer; then, from the body,
  the reader descends into the one child that holds nearly all the text, while there is one (the content
  column of the page) — or takes ``main``/``article`` when the page marks its content;
- paragraphs, headings (``h1``-``h6``), list items (``ul`` items get "-", deeper ones "+", ``ol`` items their
  number: the marks typed plans use) and tables (``extractors.html_tables``: merged cells as the DOCX
  reader's) in document order; a ``div`` that holds text lines separated by ``<br>`` gives one block per line;
- bold when all of a block's text is in ``b``/``strong`` or a ``font-weight`` of bold; superscript footnote
  markers (``<sup>3</sup>``, Word's ``[1]`` links) are dropped.

A page saved "with its files" has a folder beside it (``<name>_files``): ``pipeline.sources`` leaves that
folder alone, the page itself reads the same.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

import lxml.html

from extractors.base import DocumentReader
from extractors.html_tables import table_rows
from extractors.layout import classify_line
from extractors.model import Block, BlockKind, Document, Provenance
from extractors.sniff import Sniffed, sniff
from normalizers.text import clean_text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROPPED_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
                 "button", "select", "template", "head", "title", "link", "meta", "object", "embed")  # fmt: skip
_SITE_PARTS = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|header|footer|sidebar|breadcrumbs?|banner|social|share|comments?|related|"
    r"advert|ads|cookie|topbar|toolbar|pagination|search)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
_SITE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "article", "main", "blockquote",
               "pre", "center", "dd", "dt", "address", "table", "ul", "ol", "dl", "body", "td", "th"}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"^\W*\d{0,3}\W*$")
DOMINANT_SHARE = 0.9
"""A child holding at least this share of its parent's text is where the content is (a page's content column)."""


def decode_html(data: bytes) -> str:
    """The page's text: a BOM, else its declared charset, else UTF-8, else windows-1258."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    for codec in [*candidates, "utf-8", "windows-1258"]:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


class HtmlReader(DocumentReader):
    format_name = "html"

    @classmethod
    def supported_formats(cls) -> frozenset[str]:
        return frozenset({".html", ".htm", ".xhtml"})

    def is_valid(self) -> bool:
        return sniff(self.data) is Sniffed.HTML

    def convert(self) -> Document:
        if not self.is_valid():
            raise self.not_this_format("a web page (.html)")
        text = _XML_DECLARATION.sub("", decode_html(self.data), count=1)
        root = lxml.html.document_fromstring(text)
        _drop_site_parts(root)
        _drop_footnote_markers(root)
        content = main_content(root)
        return self._document(list(_blocks(content)))


def _drop_site_parts(root: lxml.html.HtmlElement) -> None:
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments and processing instructions: kept out of the text
            if element.getparent() is not None:
                element.drop_tree()
            continue
        names = " ".join(filter(None, (element.get("id"), element.get("class"))))
        site_part = element.tag in _DROPPED_TAGS or (element.get("role") or "").lower() in _SITE_ROLES
        is_site = site_part or bool(names and _SITE_PARTS.search(names))
        if element.tag not in ("html", "body") and is_site and element.getparent() is not None:
            element.drop_tree()


def _drop_footnote_markers(root: lxml.html.HtmlElement) -> None:
    """Superscript footnote numbers ("3", "[1]", "(*)"), with the link around them when there is one."""
    for sup in list(root.iter("sup")):
        if _FOOTNOTE_MARK.match(sup.text_content()):
            parent = sup.getparent()
            target = parent if parent is not None and parent.tag == "a" and len(parent) == 1 else sup
            target.drop_tree()


def _text_length(element: lxml.html.HtmlElement) -> int:
    return len(" ".join(element.text_content().split()))


def main_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the plan: ``main``/``article`` when the page marks it, else the body, descended into
    the child that holds nearly all its text while there is one."""
    body = root.find("body")
    body = body if body is not None else root
    marked = [element for element in body.iter("main", "article") if _text_length(element) > 0]
    current = max(marked, key=_text_length) if marked else body
    while True:
        total = _text_length(current)
        children = [child for child in current if isinstance(child.tag, str)]
        dominant = next((c for c in children if total and _text_length(c) >= DOMINANT_SHARE * total), None)
        if dominant is None or dominant.tag in ("table", "p") or dominant.tag in _HEADINGS:
            return current
        current = dominant


def _is_bold(element: lxml.html.HtmlElement) -> bool:
    """All of the element's text is bold (``b``/``strong``, ``th``, or a bold ``font-weight``)."""
    text = " ".join(element.text_content().split())
    if not text:
        return False
    if element.tag == "th" or _BOLD_STYLE.search(element.get("style") or ""):
        return True
    bold_parts = [
        " ".join(part.text_content().split())
        for part in element.iter()
        if part is not element
        and (part.tag in ("b", "strong") or _BOLD_STYLE.search(part.get("style") or ""))
        and not any(a.tag in ("b", "strong") for a in part.iterancestors() if a is not element)
    ]
    return "".join(" ".join(bold_parts).split()) == "".join(text.split())


def _inline_html(element: lxml.html.HtmlElement) -> str:
    """The element's own content as HTML, without its tag (its block children serialized too)."""
    inner = (element.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in element)
    return inner


def _has_block_children(element: lxml.html.HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element)


def _blocks(element: lxml.html.HtmlElement, depth: int = 0) -> Iterator[Block]:
    """The blocks of an element's content, in order."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag
        if tag == "table":
            rows = table_rows(child)
            if rows:
                yield Block(BlockKind.TABLE, provenance=Provenance(), rows=rows)
        elif tag in ("ul", "ol"):
            yield from _list_items(child, depth)
        elif tag in _BLOCK_TAGS and _has_block_children(child):
            if (child.text or "").strip():
                yield from _text_blocks(child.text or "", child)
            yield from _blocks(child, depth)
        elif tag in _BLOCK_TAGS or tag == "br":
            yield from _text_blocks(_inline_html(child), child, heading=tag in _HEADINGS)
        else:  # inline content directly in a container (text between blocks)
            yield from _text_blocks(lxml.html.tostring(child, encoding="unicode", with_tail=False), child)
        if child.tail and child.tail.strip():
            yield from _text_blocks(child.tail, element)


def _list_items(listing: lxml.html.HtmlElement, depth: int) -> Iterator[Block]:
    number = int(listing.get("start") or 1) if (listing.get("start") or "1").isdigit() else 1
    for item in listing.iterchildren("li"):
        mark = f"{number}." if listing.tag == "ol" else ("-" if depth == 0 else "+")
        number += 1
        nested = [child for child in item if isinstance(child.tag, str) and child.tag in ("ul", "ol")]
        for child in nested:
            item.remove(child)
        typed = clean_text(_inline_html(item))
        if typed:
            text = typed if typed[:1] in "-+•" else f"{mark} {typed}"
            kind = classify_line(text, bold=_is_bold(item))
            yield Block(kind, text=text, bold=_is_bold(item))
        for child in nested:
            yield from _list_items(child, depth + 1)


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _text_blocks(html: str, element: lxml.html.HtmlElement, heading: bool = False) -> Iterator[Block]:
    """One block per line of inline HTML (lines a ``<br>`` separates in a ``div``; one in a paragraph)."""
    lines = [html] if element.tag in ("p", "li") or heading else _BR.split(html)
    for line in lines:
        text = clean_text(line)
        if not text:
            continue
        bold = _is_bold(element) if len(lines) == 1 else _line_is_bold(line)
        yield Block(classify_line(text, bold=bold, marked_heading=heading), text=text, bold=bold)


def _line_is_bold(html: str) -> bool:
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    return _is_bold(fragment)
