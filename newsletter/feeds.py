"""The blogs: which feeds to read (feeds.yaml), collecting them all at once, and
choosing which of their posts go into an issue."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from newsletter import validate
from newsletter.clean import NotAFeed, parse_feed
from newsletter.errors import InputError
from newsletter.feedcache import CachedFeed, FeedCache
from newsletter.fetch import FetchError, FetchLimits, HostGate, Response, fetch
from newsletter.model import FeedItem
from newsletter.yamlfile import Fields, load_yaml

FEED_FIELDS = ("name", "url", "section", "limit", "include", "exclude")
FEED_SECTIONS = ("feeds", "citizenship")

# What happened to a feed in a collection.
NEW = "new items"
NOT_MODIFIED = "not modified"
STALE = "stale copy used"
CACHED = "cached copy used"
FAILED = "failed"


@dataclass
class FeedSource:
    name: str
    url: str
    section: str = "feeds"
    limit: int = 3
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)

    def wants(self, item: FeedItem) -> bool:
        text = f"{item.title} {item.summary}".lower()
        if self.include and not any(word.lower() in text for word in self.include):
            return False
        return not any(word.lower() in text for word in self.exclude)


@dataclass
class FeedOutcome:
    source: FeedSource
    status: str
    items: list[FeedItem] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0
    copy_from: dt.datetime | None = None  # when the cached copy used was fetched

    @property
    def problem(self) -> str | None:
        """One plain line for the warning list, or None when all went well."""
        if self.status == FAILED:
            return f"feed '{self.source.name}' skipped: {self.reason}"
        if self.status == STALE:
            when = self.copy_from.strftime("%Y-%m-%d %H:%M") if self.copy_from else "earlier"
            return f"feed '{self.source.name}': {self.reason}; using the copy from {when}"
        return None


def load_feed_sources(path: Path) -> list[FeedSource]:
    if not path.is_file():
        return []
    data = load_yaml(path)
    if data is None:
        return []
    top = Fields(data, path, "feeds.yaml", line=1)
    top.only(("feeds",))
    entries = data.get("feeds") or []
    if not isinstance(entries, list):
        raise top.fail("feeds", "expected a list of feeds, each starting with '- name:'.")
    sources: list[FeedSource] = []
    seen: dict[str, int] = {}
    for entry in entries:
        f = Fields(entry, path, "feed")
        f.only(FEED_FIELDS)
        source = FeedSource(
            name=f.text("name", required=True),
            url=f.checked("url", validate.url, required=True) or "",
            section=f.text("section", default="feeds"),
            limit=f.number("limit", 3, minimum=0),
            include=f.text_list("include"),
            exclude=f.text_list("exclude"),
        )
        if source.section not in FEED_SECTIONS:
            raise f.fail(
                "section",
                f"'{source.section}' is not a section for feed posts.",
                hint=f"Use one of: {', '.join(FEED_SECTIONS)}.",
            )
        if source.url in seen:
            raise InputError(
                f"{f.where('url')}: the feed {source.url} is listed twice "
                f"(also on line {seen[source.url]}).",
                hint="Remove one of the two entries.",
            )
        seen[source.url] = f.line_of("url")
        sources.append(source)
    return sources


@dataclass
class Collector:
    """Collects many feeds at once: fetches run in threads, parsing happens on the
    calling thread as each fetch finishes, so parsing never holds up a download."""

    cache: FeedCache
    limits: FetchLimits
    user_agent: str
    summary_length: int = 280

    def collect(
        self,
        sources: list[FeedSource],
        now: dt.datetime,
        offline: bool = False,
        progress: Callable[[FeedOutcome], None] | None = None,
    ) -> list[FeedOutcome]:
        cached = {s.url: self.cache.load(s.url) for s in sources}
        outcomes: dict[str, FeedOutcome] = {}

        def done(outcome: FeedOutcome) -> None:
            outcomes[outcome.source.url] = outcome
            if progress:
                progress(outcome)

        if offline:
            for source in sources:
                done(
                    self._from_cache(
                        source, cached[source.url], now, CACHED, "offline, and no cached copy"
                    )
                )
            return [outcomes[s.url] for s in sources]

        started = time.monotonic()
        stop_at = started + self.limits.deadline
        gate = HostGate(self.limits.per_host)
        pool = ThreadPoolExecutor(
            max_workers=max(1, self.limits.concurrency), thread_name_prefix="feed"
        )
        pending: dict[Future[Response], FeedSource] = {}
        begun: dict[str, float] = {}
        for source in sources:
            entry = cached[source.url]
            begun[source.url] = time.monotonic()
            future = pool.submit(
                fetch,
                entry.moved_to if entry and entry.moved_to else source.url,
                limits=self.limits,
                user_agent=self.user_agent,
                gate=gate,
                etag=entry.etag if entry and entry.body else "",
                last_modified=entry.last_modified if entry and entry.body else "",
                stop_at=stop_at,
            )
            pending[future] = source
        try:
            while pending:
                remaining = stop_at - time.monotonic() + 1.0  # fetches stop themselves first
                finished, _ = wait(pending, timeout=max(remaining, 0), return_when=FIRST_COMPLETED)
                if not finished:
                    break
                for future in finished:
                    source = pending.pop(future)
                    outcome = self._settle(source, future, cached[source.url], now)
                    outcome.seconds = time.monotonic() - begun[source.url]
                    done(outcome)
            for source in pending.values():
                done(
                    self._from_cache(
                        source,
                        cached[source.url],
                        now,
                        STALE,
                        f"gave up: the whole collection has {self.limits.deadline:g} s",
                    )
                )
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return [outcomes[s.url] for s in sources]

    def _settle(
        self,
        source: FeedSource,
        future: Future[Response],
        entry: CachedFeed | None,
        now: dt.datetime,
    ) -> FeedOutcome:
        try:
            response = future.result()
        except FetchError as err:
            return self._from_cache(source, entry, now, STALE, str(err))
        if response.status == 304 and entry and entry.body:
            entry.moved_to = response.moved_to or entry.moved_to
            try:
                items = self._parse(source, entry, now)
            except NotAFeed as err:
                return FeedOutcome(source, FAILED, reason=f"cached copy unreadable: {err}")
            self.cache.save(entry, write_body=False)
            return FeedOutcome(source, NOT_MODIFIED, items, copy_from=entry.fetched)
        fresh = CachedFeed(
            url=source.url,
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
            fetched_at=now.isoformat(),
            moved_to=response.moved_to or "",
            final_url=response.url,
            first_seen=dict(entry.first_seen) if entry else {},
            body=response.body,
        )
        fresh_type = response.headers.get("content-type", "")
        try:
            items = self._parse(source, fresh, now, fresh_type)
        except NotAFeed as err:
            return self._from_cache(source, entry, now, STALE, str(err))
        self.cache.save(fresh)
        return FeedOutcome(source, NEW, items)

    def _parse(
        self, source: FeedSource, entry: CachedFeed, now: dt.datetime, content_type: str = ""
    ) -> list[FeedItem]:
        first_seen = entry.first_seen
        items = parse_feed(
            entry.body,
            url=entry.final_url or entry.url,
            content_type=content_type,
            source=source.name,
            section=source.section,
            summary_length=self.summary_length,
            now=now,
            first_seen=first_seen,
        )
        # Forget items that left the feed, so the cache does not grow forever.
        current = {item.keys[0] for item in items}
        entry.first_seen = {k: v for k, v in first_seen.items() if k in current}
        return items

    def _from_cache(
        self,
        source: FeedSource,
        entry: CachedFeed | None,
        now: dt.datetime,
        status: str,
        reason: str,
    ) -> FeedOutcome:
        """The last good copy, when there is one; otherwise the feed fails."""
        if entry and entry.body:
            try:
                items = self._parse(source, entry, now)
            except NotAFeed:
                return FeedOutcome(source, FAILED, reason=reason)
            return FeedOutcome(
                source,
                status,
                items,
                reason=reason if status == STALE else "",
                copy_from=entry.fetched,
            )
        return FeedOutcome(source, FAILED, reason=reason)


def choose_items(
    outcomes: list[FeedOutcome], since: dt.datetime, featured: set[str], max_items: int
) -> list[FeedItem]:
    """The posts for an issue: in the window, never featured before (by link or GUID,
    across all feeds and the archive), filtered and limited per feed, newest first."""
    chosen: list[FeedItem] = []
    taken = set(featured)
    for outcome in outcomes:
        source = outcome.source
        count = 0
        for item in outcome.items:
            if count >= source.limit:
                break
            if item.published is None or item.published < since:
                continue
            if taken & set(item.keys) or not source.wants(item):
                continue
            taken.update(item.keys)
            chosen.append(item)
            count += 1
    chosen.sort(key=lambda i: i.published or since, reverse=True)
    return chosen[:max_items]


def describe_failures(outcomes: list[FeedOutcome]) -> list[str]:
    return [o.problem for o in outcomes if o.problem]
