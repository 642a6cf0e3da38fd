"""Collecting the blogs: every feed of feeds.yaml fetched at once (politely, one
host at a time), through the cache, each with its outcome. Which posts go into an
issue is the issue's choice (issue/assemble.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from newsletter import __version__
from newsletter.feeds.cache import CachedFeed, FeedCache, LastOutcome
from newsletter.feeds.clean import NotAFeed, parse_feed
from newsletter.feeds.fetch import FetchError, FetchLimits, HostGate, Response, fetch
from newsletter.feeds.sources import FeedSource, active, load_feed_sources
from newsletter.model import FeedItem
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import FeedSettings, Settings, require_settings

# What happened to a feed in a collection.
NEW = "new items"
UNCHANGED = "no new items"  # fetched again, but every item was there last time
NOT_MODIFIED = "not modified"
STALE = "stale copy used"
CACHED = "cached copy used"
FAILED = "failed"


@dataclass
class FeedOutcome:
    source: FeedSource
    status: str
    items: list[FeedItem] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0
    copy_from: dt.datetime | None = None  # when the cached copy used was fetched

    def __post_init__(self) -> None:
        self.reason = _harmless(self.reason)  # shown by fetch, build and the cron log

    @property
    def problem(self) -> str | None:
        """One plain line for the warning list, or None when all went well."""
        line = self._problem()
        return _harmless(line) if line else None

    def _problem(self) -> str | None:
        if self.status == FAILED:
            return f"feed '{self.source.name}' skipped: {self.reason}"
        if self.status == STALE:
            when = f"{self.copy_from:%Y-%m-%d %H:%M %Z}" if self.copy_from else "earlier"
            return f"feed '{self.source.name}': {self.reason}; using the copy from {when}"
        return None


def fetch_limits(feeds: FeedSettings) -> FetchLimits:
    return FetchLimits(
        connect_timeout=feeds.connect_timeout,
        read_timeout=feeds.read_timeout,
        feed_timeout=feeds.feed_timeout,
        deadline=feeds.deadline,
        max_bytes=int(feeds.max_size_mb * 1024 * 1024),
        per_host=feeds.per_host,
        concurrency=feeds.concurrency,
    )


def user_agent(settings: Settings) -> str:
    """Honest: names the tool, the newsletter, and whom to contact."""
    who = "; ".join(p for p in (settings.organization, settings.editor_email) if p)
    return f"newsletter/{__version__} (weekly staff newsletter '{settings.title}'" + (
        f"; {who})" if who else ")"
    )


def collector_for(workspace: Workspace, settings: Settings) -> Collector:
    return Collector(
        FeedCache(workspace.cache_dir / "feeds"),
        fetch_limits(settings.feeds),
        user_agent(settings),
        settings.feeds.summary_length,
        settings.zone,
    )


def refresh_feeds(
    workspace: Workspace,
    now: dt.datetime,
    progress: Callable[[FeedOutcome], None] | None = None,
) -> list[FeedOutcome]:
    """Fetch every feed of the workspace now, updating the cache (`newsletter fetch`)."""
    settings = require_settings(workspace.settings_file)
    sources = active(load_feed_sources(workspace.feeds_file))
    return collector_for(workspace, settings).collect(sources, now, progress=progress)


def _harmless(text: str) -> str:
    """A server's words made safe for a terminal and a cron log: one line, no control
    characters, no user name and password from an address it named."""
    from newsletter.text.plain import printable
    from newsletter.text.urls import without_credentials

    return " ".join(printable(without_credentials(text)).split())


@dataclass
class Collector:
    """Collects many feeds at once: fetches run in threads, parsing happens on the
    calling thread as each fetch finishes, so parsing never holds up a download."""

    cache: FeedCache
    limits: FetchLimits
    user_agent: str
    summary_length: int = 280
    zone: dt.tzinfo = dt.UTC  # the workspace's, for the times its outcomes name

    def collect(
        self,
        sources: list[FeedSource],
        now: dt.datetime,
        offline: bool = False,
        progress: Callable[[FeedOutcome], None] | None = None,
    ) -> list[FeedOutcome]:
        """Every source's outcome, in the order of `sources`."""
        cached = {s.url: self.cache.load(s.url) for s in sources}
        outcomes: dict[str, FeedOutcome] = {}

        def done(outcome: FeedOutcome) -> None:
            outcomes[outcome.source.url] = outcome
            if progress:
                progress(outcome)

        if offline:
            for source in sources:
                done(
                    self._fallback(
                        source, cached[source.url], now, CACHED, "offline, and no cached copy"
                    )
                )
            return [outcomes[s.url] for s in sources]

        stop_at = time.monotonic() + self.limits.deadline
        gate = HostGate(self.limits.per_host)
        pool = ThreadPoolExecutor(max_workers=self.limits.concurrency, thread_name_prefix="feed")
        pending: dict[Future[Response], FeedSource] = {}
        started = time.monotonic()
        for source in sources:
            entry = cached[source.url]
            have_copy = bool(entry and entry.body)
            future = pool.submit(
                fetch,
                entry.moved_to if entry and entry.moved_to else source.url,
                limits=self.limits,
                user_agent=self.user_agent,
                gate=gate,
                etag=entry.etag if entry and have_copy else "",
                last_modified=entry.last_modified if entry and have_copy else "",
                stop_at=stop_at,
            )
            pending[future] = source
        try:
            while pending:
                # The fetches stop themselves at the deadline; the second of slack is
                # for a thread stuck where no timeout reaches (a slow DNS answer).
                remaining = stop_at - time.monotonic() + 1.0
                finished, _ = wait(pending, timeout=max(remaining, 0), return_when=FIRST_COMPLETED)
                if not finished:
                    break
                for future in finished:
                    source = pending.pop(future)
                    outcome = self._settle(source, future, cached[source.url], now)
                    outcome.seconds = time.monotonic() - started
                    done(outcome)
            for source in pending.values():
                reason = f"gave up: the whole collection has {self.limits.deadline:g} s"
                done(self._fallback(source, cached[source.url], now, STALE, reason))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        self._record(outcomes, now)
        return [outcomes[s.url] for s in sources]

    def _record(self, outcomes: dict[str, FeedOutcome], now: dt.datetime) -> None:
        """Keep how each feed went, for `newsletter feeds`; a cache that cannot be
        written loses only that record."""
        with contextlib.suppress(OSError):
            self.cache.record_outcomes({
                url: LastOutcome(o.status, o.reason, now.isoformat(), len(o.items))
                for url, o in outcomes.items()
            })  # fmt: skip

    def _settle(
        self,
        source: FeedSource,
        future: Future[Response],
        entry: CachedFeed | None,
        now: dt.datetime,
    ) -> FeedOutcome:
        """One feed's outcome. Whatever goes wrong while it is fetched or read is that
        feed's failure, named in the warning; it never stops the build."""
        try:
            return self._settle_one(source, future, entry, now)
        except Exception as err:  # noqa: BLE001 - a hostile feed must not stop the build
            reason = f"could not be read ({err.__class__.__name__}: {str(err)[:120]})"
            try:
                return self._fallback(source, entry, now, STALE, reason)
            except Exception:  # noqa: BLE001 - its cached copy is no better
                return FeedOutcome(source, FAILED, [], reason)

    def _settle_one(
        self,
        source: FeedSource,
        future: Future[Response],
        entry: CachedFeed | None,
        now: dt.datetime,
    ) -> FeedOutcome:
        try:
            response = future.result()
        except FetchError as err:
            return self._fallback(source, entry, now, STALE, str(err))
        if response.status == 304 and entry and entry.body:
            entry.moved_to = response.moved_to or entry.moved_to
            outcome = self._fallback(source, entry, now, NOT_MODIFIED, "")
            if outcome.status != FAILED:
                self.cache.save(entry, write_body=False)
            return outcome
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
        try:
            items = self._parse(source, fresh, now, response.headers.get("content-type", ""))
        except NotAFeed as err:
            return self._fallback(source, entry, now, STALE, str(err))
        self.cache.save(fresh)
        return FeedOutcome(source, NEW if _any_new(items, entry) else UNCHANGED, items)

    def _parse(
        self, source: FeedSource, entry: CachedFeed, now: dt.datetime, content_type: str = ""
    ) -> list[FeedItem]:
        """Parse the entry's bytes, and keep the items in the entry for next time."""
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
        entry.items, entry.summary_length = items, self.summary_length
        return items

    def _cached_items(
        self, source: FeedSource, entry: CachedFeed, now: dt.datetime
    ) -> list[FeedItem]:
        if entry.items is None or entry.summary_length != self.summary_length:
            return self._parse(source, entry, now)
        for item in entry.items:  # the feed may have been renamed in feeds.yaml
            item.source, item.section = source.name, source.section
        return entry.items

    def _fallback(
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
                items = self._cached_items(source, entry, now)
            except NotAFeed:
                return FeedOutcome(source, FAILED, reason=reason or "the cached copy is damaged")
            return FeedOutcome(
                source,
                status,
                items,
                reason=reason if status == STALE else "",
                copy_from=entry.fetched.astimezone(self.zone) if entry.fetched else None,
            )
        return FeedOutcome(source, FAILED, reason=reason)


def _any_new(items: list[FeedItem], before: CachedFeed | None) -> bool:
    """Whether a feed fetched again has an item its last copy did not."""
    if before is None or before.items is None:
        return bool(items)
    seen = {key for item in before.items for key in item.keys}
    return any(not seen.intersection(item.keys) for item in items)


def describe_failures(outcomes: list[FeedOutcome]) -> list[str]:
    return [o.problem for o in outcomes if o.problem]
