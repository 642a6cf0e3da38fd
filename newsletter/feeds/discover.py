"""A blog's feed from the blog's address, as feed readers find it: the address
itself when it is a feed; else the feeds the page names with <link rel="alternate">
(a site's comments feed last); else the places blogs usually keep one (/feed/,
/rss.xml, ...). Each candidate is fetched and must read as a feed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newsletter.errors import InputError
from newsletter.feeds.clean import NotAFeed, read_feed
from newsletter.feeds.fetch import FetchError, FetchLimits, HostGate, Response, fetch
from newsletter.workspace.validate import NOT_ONE_LINE

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/xml",
    "text/xml",
)
# Where blogs keep a feed when the page does not say (WordPress, Blogger, Hugo, Jekyll...).
USUAL_PLACES = ("/feed/", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/rss")
MAX_NAMED = 4  # of the page's own links, tried in turn


@dataclass
class FoundFeed:
    url: str  # the feed's address
    title: str  # its own title, for the name in feeds.yaml
    site: str = ""  # the blog's page, when the feed names it
    note: str = ""  # how it was found, when that is worth a word ('a guess: /feed/')


class _FeedLinks(HTMLParser):
    """The <link rel="alternate" type="...feed..."> of a page, and its <base href>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (href, title)
        self.base = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: (value or "") for name, value in attrs}
        if tag == "base" and found.get("href") and not self.base:
            self.base = found["href"]
        rel = found.get("rel", "").lower().split()
        kind = found.get("type", "").lower().split(";")[0].strip()
        if tag == "link" and "alternate" in rel and kind in FEED_TYPES and found.get("href"):
            self.links.append((found["href"], found.get("title", "")))


def named_feeds(page: bytes, page_url: str) -> list[str]:
    """The feed addresses a page names, in its order, comments feeds last."""
    parser = _FeedLinks()
    try:
        parser.feed(page[:1_000_000].decode("utf-8", "replace"))
        parser.close()
    except (ValueError, AssertionError):  # markup beyond repair: what was read so far
        pass
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: list[tuple[bool, str]] = []
    for href, title in parser.links:
        url = urljoin(base, href.strip()).replace(" ", "%20")
        if urlsplit(url).scheme in ("http", "https") and url not in [u for _, u in found]:
            found.append(("comment" in (title + href).lower(), url))
    return [url for _, url in sorted(found, key=lambda pair: pair[0])]


def find_feed(address: str, limits: FetchLimits, user_agent: str) -> FoundFeed:
    """The feed at or named by `address`; InputError when there is none to be found."""
    stop_at = time.monotonic() + 3 * limits.feed_timeout  # a few tries, bounded
    gate = HostGate(limits.per_host)

    def get(url: str) -> Response:
        return fetch(url, limits=limits, user_agent=user_agent, gate=gate, stop_at=stop_at)

    try:
        page = get(address)
    except FetchError as err:
        raise InputError(
            f"{address}: could not be read ({err}).",
            hint="Check the address in a browser; --no-check adds it as given, unread.",
        ) from None
    try:
        return _as_feed(page, address)
    except NotAFeed as err:
        why = str(err).removeprefix("not a feed: ")
    named = named_feeds(page.body, page.url)[:MAX_NAMED]
    for candidate in named + [c for c in usual_places(page.url) if c not in named]:
        if time.monotonic() >= stop_at:
            break
        try:
            found = _as_feed(get(candidate), candidate)
        except (FetchError, NotAFeed):
            continue
        if candidate not in named:
            found.note = "not named by the page: found where blogs usually keep one"
        elif "comment" in candidate.lower() or "comment" in found.title.lower():
            found.note = "the page names only its comments feed"
        return found
    tried = "the feeds it names and " if named else ""
    raise InputError(
        f"{address}: no feed found ({why}; {tried}the usual places, /feed/, /rss.xml ..., "
        "answered with none).",
        hint="Give the feed's own address (the blog's RSS or Atom link), or add it with "
        "--no-check.",
    )


def usual_places(page_url: str) -> list[str]:
    """Where a blog keeps its feed: under the page's own folder first (a blog at
    /blog/), then at the site's root."""
    parts = urlsplit(page_url)
    folder = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    bases = [f"{parts.scheme}://{parts.netloc}{folder}", f"{parts.scheme}://{parts.netloc}/"]
    found: list[str] = []
    for base in bases:
        for place in USUAL_PLACES:
            url = urljoin(base, place.lstrip("/"))
            if url not in found:
                found.append(url)
    return found


def _as_feed(response: Response, asked: str) -> FoundFeed:
    """The feed in a response; its address the one asked for, unless every redirect
    on the way was permanent (then where it lives now)."""
    parsed = read_feed(response.body, response.url, response.headers.get("content-type", ""))
    feed = parsed.get("feed") or {}
    title = " ".join(NOT_ONE_LINE.sub(" ", str(feed.get("title") or "")).split())[:100]
    site = str(feed.get("link") or "")
    if urlsplit(site).scheme not in ("http", "https"):
        site = ""
    url = response.moved_to or asked
    return FoundFeed(url, title or urlsplit(url).hostname or "", site)
