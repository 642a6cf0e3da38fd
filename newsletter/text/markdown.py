"""The editor's markdown as the email shows it: HTML cleaned with the allow-list,
plain text for the text part, markdown that shows outside text as it is, wrapped
lines, and web addresses in plain text made links. No project module but the
allow-list: rendering, calendars and the site all use these."""

from __future__ import annotations

import functools
import re
import textwrap
from typing import Any

from markupsafe import Markup, escape

from newsletter.text.cleaned import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_SCHEMES
from newsletter.text.urls import LONG_ADDRESS, short_address

TEXT_WIDTH = 76


def markdown_to_html(text: str) -> Markup:
    """The editor's markdown as HTML, cleaned with an allow-list (nh3): feeds never
    come here, but text pasted from a vendor's page may carry script or frames."""
    return _markdown_to_html(text)


@functools.lru_cache(maxsize=4096)  # the site renders the same tool's text many times
def _markdown_to_html(text: str) -> Markup:
    import nh3

    converter = _converter()
    html = converter.reset().convert(text)
    return Markup(
        _addresses_linked(
            nh3.clean(
                html,
                tags=ALLOWED_TAGS,
                attributes=ALLOWED_ATTRIBUTES,
                url_schemes=LINK_SCHEMES,
                link_rel=None,
            )
        )
    )


_TAG = re.compile(r"(<[^>]+>)")


def _addresses_linked(html: str) -> str:
    """Every web address pasted into the text a link, and a link whose text is a long
    address shown shortened: a long unbroken address would widen the email where
    no client breaks it (Yahoo). Code stays as written."""
    out: list[str] = []
    inside_link = inside_code = 0
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            tag = name[1].lower() if name else ""
            step = -1 if piece.startswith("</") else 1
            if tag == "a":
                inside_link = max(inside_link + step, 0)
            elif tag in ("code", "pre"):
                inside_code = max(inside_code + step, 0)
            out.append(piece)
        elif inside_code:
            out.append(piece)
        elif inside_link:
            text = piece.strip()
            long = len(text) > LONG_ADDRESS and _URL_IN_TEXT.fullmatch(text.replace("&amp;", "&"))
            out.append(str(escape(short_address(text.replace("&amp;", "&")))) if long else piece)
        else:
            out.append(_URL_IN_TEXT.sub(lambda m: _link(m[0].replace("&amp;", "&")), piece))
    return "".join(out)


def _link(url: str) -> str:
    trail = ""
    while url and url[-1] in ".,;:!?":  # the sentence's, not the address's
        url, trail = url[:-1], url[-1] + trail
    return str(Markup('<a href="{0}">{1}</a>').format(url, short_address(url))) + trail


@functools.cache
def _converter() -> Any:
    """One Markdown converter, made once: making one registers every extension."""
    import markdown

    return markdown.Markdown(extensions=["extra", "sane_lists"])


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def markdown_escaped(text: str) -> str:
    """Text from outside (a feed) as markdown that shows it as it is: no markup,
    link or HTML of its own when GitHub, a site or markdown() renders the archive."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_url(url: str) -> str:
    """An address for a markdown link's (...): brackets and spaces encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(text: str) -> str:
    """The editor's markdown as plain text for the text part: links written out."""
    text = _MD_LINK.sub(
        lambda m: f"{m.group(1)} <{m.group(2)}>" if m.group(1) else f"<{m.group(2)}>", text
    )
    text = _MD_EMPHASIS.sub(r"\2", text)
    return re.sub(r"^#{1,6}\s*", "", text, flags=re.MULTILINE)


def wrap(text: str, width: int = TEXT_WIDTH, indent: str = "") -> str:
    """Wrap each paragraph to `width`, joining its lines first; list items start new
    lines and keep a hanging indent; long URLs stay whole so they still work."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if _BULLET.match(line) or not lines:
                lines.append(line.rstrip())
            else:
                lines[-1] += " " + line.strip()
        filled = []
        for line in lines:
            bullet = _BULLET.match(line)
            hang = " " * len(bullet.group(0)) if bullet else ""
            filled.append(
                textwrap.fill(
                    line if bullet else line.strip(),
                    width=width,
                    initial_indent=indent,
                    subsequent_indent=indent + hang,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
        paragraphs.append("\n".join(filled))
    return "\n\n".join(paragraphs)


_BULLET = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


# A web address in plain text: up to a space, a quote or '<', and never ending in
# punctuation; a comma before another address ends it ('a,https://b' is two).
_URL_IN_TEXT = re.compile(r"https?://(?:[^\s<>\"',]|,(?!https?://))+[^\s<>\"'.,;:!?)]")


def linkify(text: str) -> Markup:
    """Plain text (a place: 'Room 114 or https://meet.example.org/abc') with each web
    address in it as a link, everything else escaped."""
    out: list[Markup] = []
    last = 0
    for match in _URL_IN_TEXT.finditer(text):
        url = match.group(0)
        if url.count("(") > url.count(")") and text[match.end() : match.end() + 1] == ")":
            url += ")"  # wiki/Foo_(bar): the closing bracket is the address's own
        link = Markup('<a href="{0}">{1}</a>').format(url, short_address(url))  # never too wide
        out += [escape(text[last : match.start()]), link]
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)
