"""The plain data that flows through a build: notes, feed items, and the issue.

Every class turns into a plain dict (`to_dict`) for the archive's front matter
and back (`from_dict`), so an archived issue can be rendered again on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

from newsletter.urls import normalize_url

T = TypeVar("T")


def _text_key(kind: str, text: str) -> str:
    digest = hashlib.sha256(" ".join(text.split()).lower().encode()).hexdigest()[:16]
    return f"{kind}:{digest}"


@dataclass
class Tool:
    """A tool find: an app or website the editor recommends to teachers."""

    name: str
    url: str
    summary: str = ""
    idea: str = ""
    grades: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    cost: str = ""
    platforms: list[str] = field(default_factory=list)
    privacy: str = ""
    requested_by: str = ""
    tags: list[str] = field(default_factory=list)
    added: dt.date | None = None

    @property
    def keys(self) -> list[str]:
        """What makes two finds the same tool: the normalized URL, or the name."""
        return [f"tool:{normalize_url(self.url)}", f"tool-name:{self.name.strip().lower()}"]


@dataclass
class Event:
    """A Tech Talk, PD session or other event, shown while it is upcoming."""

    title: str
    start: dt.datetime
    end: dt.datetime | None = None
    place: str = ""
    signup: str = ""
    description: str = ""

    @property
    def place_is_link(self) -> bool:
        return self.place.startswith(("http://", "https://"))


@dataclass
class Link:
    """A link worth a click, with a line of the editor's about it."""

    title: str
    url: str
    note: str = ""
    added: dt.date | None = None

    @property
    def keys(self) -> list[str]:
        return [f"link:{normalize_url(self.url)}"]


@dataclass
class ShortNote:
    """A tip or a digital citizenship item: a short piece of the editor's markdown."""

    text: str
    title: str = ""
    url: str = ""
    added: dt.date | None = None

    @property
    def keys(self) -> list[str]:
        return [_text_key("note", self.title + "\n" + self.text)]


@dataclass
class FeedItem:
    """A post from an edtech blog, cleaned for the email."""

    title: str
    link: str
    source: str
    published: dt.datetime | None = None
    summary: str = ""
    guid: str = ""
    section: str = "feeds"

    @property
    def keys(self) -> list[str]:
        keys = [f"item:{normalize_url(self.link)}"]
        if self.guid:
            keys.append(f"guid:{self.guid}")
        return keys


@dataclass
class Masthead:
    """What the email says about the newsletter itself, kept with each issue."""

    title: str
    tagline: str = ""
    organization: str = ""
    editor_name: str = ""
    editor_email: str = ""
    time_zone: str = "UTC"
    footer: str = ""


@dataclass
class Issue:
    """One issue: everything needed to render its email, and nothing else."""

    number: int
    date: dt.date
    subject: str
    masthead: Masthead
    sections: list[str]
    preheader: str = ""
    intro: str = ""
    tools: list[Tool] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tips: list[ShortNote] = field(default_factory=list)
    citizenship: list[ShortNote] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    feed_items: list[FeedItem] = field(default_factory=list)

    def items_in(self, section: str) -> list[FeedItem]:
        return [item for item in self.feed_items if item.section == section]

    def featured_keys(self) -> set[str]:
        """Everything this issue features, as keys that later builds skip."""
        keys: set[str] = set()
        notes: list[Tool | Link | ShortNote | FeedItem] = [
            *self.tools,
            *self.links,
            *self.tips,
            *self.citizenship,
            *self.feed_items,
        ]
        for note in notes:
            keys.update(note.keys)
        if self.intro.strip():
            keys.add(intro_key(self.intro))
        return keys

    def to_dict(self) -> dict[str, Any]:
        return to_plain(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return Issue(
            number=int(data["number"]),
            date=_date(data["date"]),
            subject=str(data["subject"]),
            masthead=from_plain(Masthead, data.get("masthead") or {}),
            sections=list(data.get("sections") or []),
            preheader=str(data.get("preheader") or ""),
            intro=str(data.get("intro") or ""),
            tools=[from_plain(Tool, d) for d in data.get("tools") or []],
            events=[from_plain(Event, d) for d in data.get("events") or []],
            tips=[from_plain(ShortNote, d) for d in data.get("tips") or []],
            citizenship=[from_plain(ShortNote, d) for d in data.get("citizenship") or []],
            links=[from_plain(Link, d) for d in data.get("links") or []],
            feed_items=[from_plain(FeedItem, d) for d in data.get("feed_items") or []],
        )


def intro_key(text: str) -> str:
    return _text_key("intro", text)


def to_plain(value: Any) -> Any:
    """Dates and times as ISO text, so the archive's YAML (and the feed cache's JSON)
    stays plain and portable. Takes a dataclass or what asdict made of one."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


_DATETIME_FIELDS = {"start", "end", "published"}
_DATE_FIELDS = {"added"}


def from_plain(cls: type[T], data: dict[str, Any]) -> T:
    """The dataclass `cls` from what to_plain made of it; unknown keys are ignored."""
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue
        if value is not None and key in _DATETIME_FIELDS:
            value = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        elif value is not None and key in _DATE_FIELDS:
            value = _date(value)
        values[key] = value
    return cls(**values)
