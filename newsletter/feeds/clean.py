"""Turning a feed's untrusted bytes into clean FeedItems.

Nothing a feed sends reaches the email as markup: titles and summaries become
plain text (Jinja escapes them), links must be absolute http(s) addresses
without tracking parameters. So script, iframes, forms, event handlers and
tracking pixels cannot get through, whatever the feed contains.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import warnings
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from newsletter.model import FeedItem
from newsletter.text.plain import printable, shorten
from newsletter.text.urls import strip_tracking, without_credentials

MAX_ENTRIES = 200  # per feed: more than any issue needs, and bounds the work
FUTURE_SLACK = dt.timedelta(days=1)
UNTITLED_LENGTH = 80  # characters of an untitled post's text that stand in for its title

_SKIP_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "noscript",
    "template",
    "svg",
    "math",
    "head",
    "title",
    "select",
    "textarea",
}
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "figure",
    "figcaption",
    "hr",
}


# A feed needs no document type, and its internal subset is where entity tricks live
# (billion laughs, external entities): it is removed before any parser sees it.
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)


def without_doctype(body: bytes) -> bytes:
    head, tail = body[:65536], body[65536:]
    return _DOCTYPE.sub(b"", head, count=1) + tail


_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _no_impossible_character(match: re.Match[bytes]) -> bytes:
    number = match.group(1)
    code = int(number[1:], 16) if number[:1] in (b"x", b"X") else int(number)
    if code == 0 or 0xD800 <= code < 0xE000 or code > 0x10FFFF:
        return b"&#xFFFD;"  # the replacement character
    return match.group(0)


def without_impossible_characters(body: bytes) -> bytes:
    """Character references to no character (a lone surrogate like &#xD800;, NUL,
    beyond Unicode) made into the replacement character: feedparser's loose parser
    cannot encode them and stops, losing the whole feed."""
    return _CHAR_REF.sub(_no_impossible_character, body)


class NotAFeed(Exception):
    """The bytes are not a feed we can read; the message says what they are."""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, entities decoded once, spaces collapsed."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _detail_text(entry: Any, key: str) -> str:
    """A title or summary as plain text. feedparser hands over text/plain values
    already unescaped and HTML values as markup: unescape each exactly once."""
    value = str(entry.get(key) or "")
    detail = entry.get(f"{key}_detail") or {}
    if "html" in str(detail.get("type", "text/html")):
        value = html_to_text(value)
    return " ".join(printable(value).split())


def safe_link(link: str, base: str) -> str:
    """An absolute http(s) link without tracking parameters or a user name and
    password, or '' if there is none (or it is not a valid address)."""
    if not link:
        return ""
    try:
        absolute = urljoin(base, printable(str(link)).strip())
        parts = urlsplit(absolute)
        port = parts.port  # raises for a port out of range or not a number
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in absolute:
        return ""
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{port}" if port is not None else host
    return strip_tracking(urlunsplit(parts._replace(netloc=netloc)))


def _item_link(entry: Any, base: str) -> str:
    """The item's web address: its link; else an id that is a web address (Atom
    entries without a link); else the first enclosure (a podcast episode's file)."""
    link = safe_link(entry.get("link") or "", base)
    if link:
        return link
    # Only absolute addresses here: an id like "ep-12" is no path on the site.
    candidates = [str(entry.get("id") or "")]
    candidates += [str(e.get("href") or "") for e in entry.get("enclosures") or []]
    for candidate in candidates:
        if urlsplit(candidate.strip()).scheme in ("http", "https"):
            link = safe_link(candidate, base)
            if link:
                return link
    return ""


def _published(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        with warnings.catch_warnings():  # feedparser warns when it maps one to another
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = entry.get(key)
        if parsed:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
            except (OverflowError, ValueError, OSError):
                return None
    return None


def read_feed(body: bytes, url: str, content_type: str = "") -> Any:
    """What feedparser makes of a feed's bytes; NotAFeed says what they are instead
    (an HTML page, broken XML)."""
    import feedparser  # imported here: it is slow to import and only builds need it

    # Bytes in a BytesIO: feedparser never mistakes them for a path or URL to open.
    parsed = feedparser.parse(
        io.BytesIO(without_impossible_characters(without_doctype(body))),
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    if not parsed.get("entries") and not parsed.get("version"):
        head = body[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            raise NotAFeed("not a feed: the server sent an HTML page")
        if parsed.get("bozo"):
            problem = str(parsed.get("bozo_exception", "")).split("\n")[0][:80]
            raise NotAFeed(f"not a feed: the XML is broken ({problem})")
        raise NotAFeed("not a feed: nothing readable in what the server sent")
    return parsed


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str,
    source: str,
    section: str,
    summary_length: int,
    now: dt.datetime,
    first_seen: dict[str, str],
) -> list[FeedItem]:
    """The items of a feed, newest first. `first_seen` (item key -> ISO time) dates
    the items that have no date, or an impossible one, and is updated in place."""
    parsed = read_feed(body, url, content_type)
    entries = parsed.get("entries") or []
    items: list[FeedItem] = []
    for entry in entries[:MAX_ENTRIES]:
        link = _item_link(entry, url)
        summary = _detail_text(entry, "summary")
        if not summary and entry.get("content"):
            content = html_to_text(str(entry["content"][0].get("value", "")))
            summary = " ".join(printable(content).split())
        # Microblog posts (Mastodon and the like) have no title: their first words are.
        title = _detail_text(entry, "title") or shorten(summary, UNTITLED_LENGTH)
        if not link or not title:
            continue
        item = FeedItem(
            title=shorten(title, 200),
            link=link,
            source=source,
            summary=shorten(summary, summary_length),
            # An id can be an address with a password in it: never archive that.
            guid=without_credentials(printable(str(entry.get("id", ""))))[:500],
            section=section,
        )
        key = item.keys[0]
        seen = first_seen.setdefault(key, now.isoformat())
        published = _published(entry)
        if published is None or published > now + FUTURE_SLACK:
            published = dt.datetime.fromisoformat(seen)
        item.published = published
        items.append(item)
    items.sort(key=lambda i: i.published or now, reverse=True)
    return items
