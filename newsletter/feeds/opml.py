"""OPML, the list of feeds every feed reader imports and exports: reading one into
feeds, and writing feeds.yaml's list as one (to share, or on the site). A feed of
the citizenship section sits under an outline of that name, and is read back so."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from newsletter.errors import InputError, shown
from newsletter.feeds.clean import without_doctype
from newsletter.feeds.sources import FEED_SECTIONS, FeedSource
from newsletter.text.plain import printable

MAX_BYTES = 10 * 1024 * 1024


@dataclass
class OpmlFeed:
    name: str
    url: str
    section: str = "feeds"
    line: int = 0  # in the file, for a mistake to point at


def read_opml(path: Path) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, at any depth, in the file's order."""
    try:
        data = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as err:
        raise InputError(f"{shown(path)}: cannot be read ({err.strerror or err}).") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{shown(path)}: larger than {MAX_BYTES // 2**20} MB; not an OPML list.")
    if b"<!ENTITY" in data[:65536]:
        raise InputError(
            f"{shown(path)}: declares XML entities, which an OPML list never needs.",
            hint="Export the list from your feed reader again.",
        )
    try:
        root = ET.fromstring(without_doctype(data))  # noqa: S314 - no DTD, no entities
    except ET.ParseError as err:
        line = err.position[0] if err.position else 0
        raise InputError(
            f"{shown(path)}:{line}: not an OPML file (the XML cannot be read: {err}).",
            hint="Export the list from your feed reader as OPML (.opml), and import that.",
        ) from None
    if root.tag.lower() != "opml":
        raise InputError(
            f"{shown(path)}: not an OPML file (it is <{root.tag[:40]}>, not <opml>).",
            hint="Export the list from your feed reader as OPML (.opml), and import that.",
        )
    found: list[OpmlFeed] = []
    body = next((child for child in root if child.tag.lower() == "body"), root)
    _walk(body, "feeds", found)
    if not found:
        raise InputError(
            f"{shown(path)}: has no feeds (no <outline> with an xmlUrl).",
            hint="Export the list of subscriptions from your feed reader.",
        )
    return found


def _walk(node: ET.Element, section: str, found: list[OpmlFeed]) -> None:
    for outline in node:
        if outline.tag.lower() != "outline":
            continue
        attrs = {key.lower(): value for key, value in outline.attrib.items()}
        name = " ".join(printable(attrs.get("title") or attrs.get("text") or "").split())
        url = attrs.get("xmlurl", "").strip()
        if url:
            found.append(OpmlFeed(name[:100] or urlsplit(url).hostname or url, url, section))
        inner = name.lower() if name.lower() in FEED_SECTIONS else section
        _walk(outline, inner, found)


def opml_text(sources: list[FeedSource], title: str, now: dt.datetime) -> str:
    """feeds.yaml's list as OPML 2.0."""

    def outline(source: FeedSource, indent: str) -> str:
        name = quoteattr(source.name)
        return (
            f'{indent}<outline type="rss" text={name} title={name} xmlUrl={quoteattr(source.url)}/>'
        )

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escaped(title)}</title>",
        f"    <dateCreated>{format_datetime(now.astimezone(dt.UTC), usegmt=True)}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    lines += [outline(s, "    ") for s in sources if s.section == "feeds"]
    for section in FEED_SECTIONS[1:]:
        inside = [s for s in sources if s.section == section]
        if inside:
            lines.append(f'    <outline text="{section}" title="{section}">')
            lines += [outline(s, "      ") for s in inside]
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
