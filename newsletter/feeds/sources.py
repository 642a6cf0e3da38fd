"""The blogs to read: feeds.yaml, each feed checked entry by entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsletter.errors import InputError
from newsletter.model import FeedItem
from newsletter.workspace import validate
from newsletter.workspace.entries import regular_file
from newsletter.workspace.yamlfile import Fields, collecting, load_yaml

FEED_FIELDS = ("name", "url", "section", "limit", "include", "exclude", "grades", "paused")
FEED_SECTIONS = ("feeds", "citizenship")


@dataclass
class FeedSource:
    name: str
    url: str
    section: str = "feeds"
    limit: int = 3
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)  # its posts' grades, for editions
    paused: bool = False  # kept in the list, not fetched (`newsletter feeds pause`)

    def wants(self, item: FeedItem) -> bool:
        text = f"{item.title} {item.summary}".lower()
        if self.include and not any(word.lower() in text for word in self.include):
            return False
        return not any(word.lower() in text for word in self.exclude)


def active(sources: list[FeedSource]) -> list[FeedSource]:
    """The feeds to fetch: all but the paused ones."""
    return [source for source in sources if not source.paused]


def address_key(url: str) -> tuple[str, str, str]:
    """One feed's address however it is written: the host's case, 'www.', a trailing
    slash. Two entries with one key are one feed listed twice."""
    parts = urlsplit(url.strip())
    return (parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/"), parts.query)


def load_feed_sources(path: Path, problems: list[InputError] | None = None) -> list[FeedSource]:
    """The feeds in feeds.yaml, paused ones too. With a `problems` list, each bad entry
    is recorded there and skipped (newsletter check); without one, the first one is
    raised."""
    if not regular_file(path):  # a folder or a broken link in its place is said
        return []
    return feed_sources(load_yaml(path), path, problems)


def feed_sources(
    data: Any, path: Path, problems: list[InputError] | None = None
) -> list[FeedSource]:
    """The feeds of feeds.yaml's parsed text (as load_feed_sources reads them)."""
    if data is None:
        return []
    top = Fields(data, path, "feeds.yaml", line=1)
    top.only(("feeds",))
    entries = data.get("feeds") or []
    if not isinstance(entries, list):
        raise top.fail("feeds", "expected a list of feeds, each starting with '- name:'.")
    sources: list[FeedSource] = []
    seen: dict[tuple[str, str, str], int] = {}
    for entry in entries:
        source = collecting(problems, read_feed_source, entry, path, seen)
        if source is not None:
            sources.append(source)
    return sources


def read_feed_source(
    entry: Any, path: Path, seen: dict[tuple[str, str, str], int] | None = None
) -> FeedSource:
    """One entry of feeds.yaml; `seen`, the addresses of the entries above it."""
    seen = {} if seen is None else seen
    f = Fields(entry, path, "feed")
    f.only(FEED_FIELDS)
    source = FeedSource(
        name=f.checked("name", validate.one_line, required=True) or "",  # a heading's line
        url=f.checked("url", validate.url, required=True) or "",
        section=f.text("section", default="feeds"),
        limit=f.number("limit", 3, minimum=0),
        include=f.text_list("include"),
        exclude=f.text_list("exclude"),
        grades=f.checked("grades", validate.grades) or [],
        paused=f.flag("paused", False),
    )
    if source.section not in FEED_SECTIONS:
        raise f.fail(
            "section",
            f"'{source.section}' is not a section for feed posts.",
            hint=f"Use one of: {', '.join(FEED_SECTIONS)}.",
        )
    key = address_key(source.url)
    if key in seen:
        raise InputError(
            f"{f.where('url')}: the feed {source.url} is listed twice (also on line {seen[key]}).",
            hint="Remove one of the two entries.",
        )
    seen[key] = f.line_of("url")
    return source
