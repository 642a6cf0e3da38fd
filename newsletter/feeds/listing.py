"""The list `newsletter feeds` shows: each feed of feeds.yaml, paused or not, and how
its last collection went (a build's or a fetch's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from newsletter.feeds.cache import FeedCache, LastOutcome
from newsletter.feeds.sources import FeedSource, load_feed_sources
from newsletter.workspace.folder import Workspace


@dataclass
class FeedRow:
    source: FeedSource
    last: LastOutcome | None  # None: never collected

    def outcome(self, zone: dt.tzinfo) -> str:
        """'new items (12), 2026-12-01 09:00 CST', or why not."""
        if self.source.paused:
            return "paused"
        if self.last is None:
            return "not fetched yet"
        when = dt.datetime.fromisoformat(self.last.at).astimezone(zone)
        what = f"{self.last.status} ({self.last.items})"
        if self.last.reason:
            what += f": {self.last.reason}"
        return f"{what}, {when:%Y-%m-%d %H:%M %Z}"

    def as_dict(self, zone: dt.tzinfo) -> dict[str, Any]:
        s, last = self.source, self.last
        return {
            "name": s.name,
            "url": s.url,
            "section": s.section,
            "limit": s.limit,
            "paused": s.paused,
            "last_outcome": last.status if last else None,
            "last_reason": last.reason if last else None,
            "last_items": last.items if last else None,
            "last_at": dt.datetime.fromisoformat(last.at).astimezone(zone).isoformat()
            if last
            else None,
        }


def feed_rows(workspace: Workspace) -> list[FeedRow]:
    outcomes = FeedCache(workspace.cache_dir / "feeds").last_outcomes()
    return [FeedRow(s, outcomes.get(s.url)) for s in load_feed_sources(workspace.feeds_file)]
