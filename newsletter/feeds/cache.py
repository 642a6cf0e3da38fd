"""The feed cache in .newsletter/cache/feeds: the last good copy of each feed and
the items parsed from it, its ETag and Last-Modified for conditional GET, where it
has moved to, and when each item was first seen (for items with no date)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.model import FeedItem, from_plain, to_plain
from newsletter.workspace.files import write_bytes_atomically


@dataclass
class LastOutcome:
    """How a feed's last collection went, for `newsletter feeds`."""

    status: str
    reason: str
    at: str  # ISO time of that collection
    items: int


@dataclass
class CachedFeed:
    url: str
    etag: str = ""
    last_modified: str = ""
    fetched_at: str = ""  # ISO time of the last good copy
    moved_to: str = ""  # set by a permanent redirect
    final_url: str = ""  # where the bytes came from, for resolving relative links
    first_seen: dict[str, str] = field(default_factory=dict)
    # The items parsed from `body`, and the summary length they were cut to: a feed
    # that has not changed is not parsed again.
    items: list[FeedItem] | None = None
    summary_length: int = 0
    body: bytes = b""

    @property
    def fetched(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.fetched_at) if self.fetched_at else None


class FeedCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        name = hashlib.sha256(url.encode()).hexdigest()[:24]
        return self.folder / f"{name}.json", self.folder / f"{name}.xml"

    def load(self, url: str) -> CachedFeed | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes() if body_path.exists() else b""
            items = meta.get("items")
            return CachedFeed(
                url=url,
                etag=str(meta.get("etag", "")),
                last_modified=str(meta.get("last_modified", "")),
                fetched_at=str(meta.get("fetched_at", "")),
                moved_to=str(meta.get("moved_to", "")),
                final_url=str(meta.get("final_url", "")),
                first_seen=dict(meta.get("first_seen", {})),
                items=[from_plain(FeedItem, i) for i in items] if items is not None else None,
                summary_length=int(meta.get("summary_length", 0)),
                body=body,
            )
        except (OSError, ValueError, TypeError, AttributeError):
            return None  # a missing or damaged cache entry is just no cache

    def save(self, entry: CachedFeed, write_body: bool = True) -> None:
        meta_path, body_path = self._paths(entry.url)
        if write_body:
            write_bytes_atomically(body_path, entry.body)
        meta = {
            "url": entry.url,
            "etag": entry.etag,
            "last_modified": entry.last_modified,
            "fetched_at": entry.fetched_at,
            "moved_to": entry.moved_to,
            "final_url": entry.final_url,
            "first_seen": entry.first_seen,
            "summary_length": entry.summary_length,
            "items": [to_plain(i) for i in entry.items] if entry.items is not None else None,
        }
        write_bytes_atomically(meta_path, json.dumps(meta, indent=1).encode())

    @property
    def _outcomes_path(self) -> Path:
        return self.folder / "outcomes.json"

    def last_outcomes(self) -> dict[str, LastOutcome]:
        """Each feed's last outcome, by its address (none for a feed never collected)."""
        try:
            data = json.loads(self._outcomes_path.read_text(encoding="utf-8"))
            return {
                str(url): LastOutcome(
                    str(o["status"]), str(o["reason"]), str(o["at"]), int(o["items"])
                )  # fmt: skip
                for url, o in data.items()
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}  # a missing or damaged record is just no record

    def record_outcomes(self, outcomes: dict[str, LastOutcome]) -> None:
        """Record these feeds' outcomes, keeping the others'. Two collections at once
        (a build and a fetch) may each write it; either's word is a true last outcome."""
        self.folder.mkdir(parents=True, exist_ok=True)
        record = self.last_outcomes()
        record.update(outcomes)
        data = {url: vars(outcome) for url, outcome in record.items()}
        write_bytes_atomically(self._outcomes_path, json.dumps(data, indent=1).encode())
