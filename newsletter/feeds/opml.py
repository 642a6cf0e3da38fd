"""OPML, the list of feeds every feed reader imports and exports: reading one into
feeds, and writing feeds.yaml's list as one (to share, or on the site). A feed of
the citizenship section sits under an outline of that name, and is read back so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from newsletter.errors import InputError, shown
from newsletter.feeds.sources import FEED_SECTIONS, FeedSource
from newsletter.workspace.validate import NOT_ONE_LINE

MAX_BYTES = 10 * 1024 * 1024


@dataclass
class OpmlFeed:
    name: str
    url: str
    section: str = "feeds"
    line: int = 0  # in the file, for a mistake to point at


class _Refused(Exception):
    """A declaration an OPML list never needs (a DOCTYPE, an entity)."""


def read_opml(path: Path) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, at any depth, in the file's order, each with its
    line. Read by expat, without any DOCTYPE or entity (where XML's expansion tricks
    live) and without recursion, however deep the outlines nest."""
    from xml.parsers import expat

    try:
        data = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as err:
        raise InputError(f"{shown(path)}: cannot be read ({err.strerror or err}).") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{shown(path)}: larger than {MAX_BYTES // 2**20} MB; not an OPML list.")
    parser = expat.ParserCreate()
    found: list[OpmlFeed] = []
    sections: list[str] = []  # of each open element, for the outlines inside it
    root: list[str] = []

    def refuse(*_: object) -> None:
        raise _Refused

    def start(name: str, attrs: dict[str, str]) -> None:
        if not root:
            root.append(name)
        section = sections[-1] if sections else "feeds"
        if name.lower() == "outline":
            given = {key.lower(): value for key, value in attrs.items()}
            title = " ".join(NOT_ONE_LINE.sub(" ", given.get("title") or given.get("text") or "")
                             .split())[:100]  # fmt: skip
            url = given.get("xmlurl", "").strip()
            if url:
                name_of = title or urlsplit(url).hostname or url
                found.append(OpmlFeed(name_of, url, section, parser.CurrentLineNumber))
            elif "citizenship" in title.lower():  # a folder of citizenship feeds
                section = "citizenship"
        sections.append(section)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: sections.pop()
    try:
        parser.Parse(data, True)
    except _Refused:
        raise InputError(
            f"{shown(path)}:{parser.CurrentLineNumber}: declares a DOCTYPE or entities, which "
            "an OPML list never needs; not read.",
            hint="Export the list from your feed reader again.",
        ) from None
    except (expat.ExpatError, LookupError, ValueError) as err:
        line = getattr(err, "lineno", 0)
        raise InputError(
            f"{shown(path)}:{line}: not an OPML file (the XML cannot be read: {err}).",
            hint="Export the list from your feed reader as OPML (.opml), and import that.",
        ) from None
    if root and root[0].lower() != "opml":
        raise InputError(
            f"{shown(path)}: not an OPML file (it is <{root[0][:40]}>, not <opml>).",
            hint="Export the list from your feed reader as OPML (.opml), and import that.",
        )
    if not found:
        raise InputError(
            f"{shown(path)}: has no feeds (no <outline> with an xmlUrl).",
            hint="Export the list of subscriptions from your feed reader.",
        )
    return found


def replaceable_opml(path: Path) -> None:
    """An --out file that may be written: a new file in a folder that exists, or an
    OPML file. Anything else (feeds.yaml, an issue) is refused, not written over."""
    if not path.parent.is_dir():
        raise InputError(
            f"{shown(path)}: the folder {shown(path.parent)} does not exist.",
            hint="Make the folder first, or write the file elsewhere.",
        )
    if path.is_file():
        head = path.read_bytes()[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head and not head.startswith((b"<?xml", b"<opml")):
            raise InputError(
                f"{shown(path)}: is not an OPML file; it is not written over.",
                hint="Give a new file name, like blogs.opml.",
            )


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
        f"    <title>{escape(title)}</title>",
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
