"""The plain data that flows through a build: notes, feed items, and the issue.

Every class turns into a plain dict (`to_dict`) for the archive's front matter
and back (`from_dict`), so an archived issue can be rendered again on its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import types
import typing
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

from newsletter.text.cleaned import clean_markdown, safe_address
from newsletter.text.names import squash
from newsletter.text.urls import normalize_url
from newsletter.workspace.validate import control_characters

T = TypeVar("T")

REQUEST_PREFIX = "R"  # a teacher's request is R1, R2, ... (kinds.REQUESTS numbers them)


def normal_request_id(text: str) -> str:
    """A request's id in its one form, however it was written by hand: 'r3', 'R03'
    and '3' are R3. Text that is no such id stays as written, in capitals (check
    names it where it matters)."""
    text = str(text).strip()
    match = re.fullmatch(rf"(?i:{REQUEST_PREFIX})?\s*([0-9]{{1,6}})", text)
    return f"{REQUEST_PREFIX}{int(match[1])}" if match else text.upper()


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
    again_after: int | None = None  # featured again after that issue (add-tool --force)
    answers: list[str] = field(default_factory=list)  # the teachers' requests it answers: R3
    editions: list[str] = field(default_factory=list)  # only these editions (default: by grades)
    image: str = ""  # a hosted https picture of it, shown above its name
    image_alt: str = ""  # what the picture shows (required with an image)
    image_width: int | None = None  # pixels; at most the column's 536
    image_height: int | None = None  # pixels, at that width: Outlook keeps the space
    # In an issue: the district's decision on it when the issue was built (made by the
    # build from approvals.yaml, never read from the notes): its status, and the line
    # that says it to this issue's readers.
    status: str = field(default="", metadata={"archive_only": True})
    district: str = field(default="", metadata={"archive_only": True})

    def __post_init__(self) -> None:
        self.answers = [normal_request_id(answer) for answer in self.answers]

    @property
    def keys(self) -> list[str]:
        """What makes two finds the same tool: the normalized URL, or the name."""
        return tool_keys(self.name, self.url)


def tool_keys(name: str, url: str = "") -> list[str]:
    """The keys a tool is matched by, the address's first: a find, a featured tool, a
    decision of the register. No address (one cleaned away from an archive edited by
    hand): the name alone, never one key that every such tool would share."""
    by_name = f"tool-name:{squash(name)}"
    return [f"tool:{normalize_url(url)}", by_name] if url else [by_name]


@dataclass
class Request:
    """A teacher's request ("is there an app that does ...?"), waiting for a tool."""

    text: str
    id: str = ""  # R3: what add-tool --answers names
    asked_by: str = ""  # shown in the email only when given
    grades: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    asked: dt.date | None = None
    talk: bool = False  # asks for a Tech Talk on it, rather than a tool
    # The district's answer without a new tool (`newsletter answer`): a tool it already
    # approves that does it ("We already have X"), or why it is declined.
    already: str = ""
    declined: str = ""
    # In an issue: the tools that answer it (made by the build, never read from the notes).
    answered_by: list[str] = field(default_factory=list, metadata={"archive_only": True})

    def __post_init__(self) -> None:
        self.id = normal_request_id(self.id) if self.id else ""

    @property
    def keys(self) -> list[str]:
        """A request is answered once: by the first issue someone got that answers it."""
        return [request_key(self.id)]


def request_key(request_id: str) -> str:
    return f"request:{normal_request_id(request_id)}"


@dataclass
class Event:
    """A Tech Talk, PD session or other event, shown while it is upcoming."""

    title: str
    start: dt.datetime
    end: dt.datetime | None = None
    place: str = ""
    signup: str = ""
    description: str = ""
    every: str = ""  # comes back every '2 weeks' (a Tech Talk), up to `until`
    until: dt.date | None = None
    skip: list[dt.date] = field(default_factory=list)  # days it does not happen
    topics: dict[str, str] = field(default_factory=dict)  # '2026-12-17': that talk's topic
    exit_slip: str = ""  # a form for those who came, linked after each date
    slides: dict[str, str] = field(default_factory=dict)  # '2026-12-17': its slides' address
    recordings: dict[str, str] = field(default_factory=dict)  # and its recording's
    editions: list[str] = field(default_factory=list)  # only these editions (default: all)
    # The dates of its rule inside a break of the school year ('2026-12-24': 'Winter
    # break'): skipped, as `skip` is (made from newsletter.yaml, never read from notes).
    breaks: dict[str, str] = field(default_factory=dict, metadata={"archive_only": True})

    @property
    def key(self) -> str:
        """The same event (its title, at its start) in the notes and in any issue."""
        return f"event:{self.title.strip().casefold()}@{self.start.isoformat()}"

    @property
    def place_is_link(self) -> bool:
        """A place that is a web address and nothing else (not 'https://... or Room 114')."""
        place = self.place.strip()
        return place.startswith(("http://", "https://")) and not any(c.isspace() for c in place)


@dataclass
class Link:
    """A link worth a click, with a line of the editor's about it."""

    title: str
    url: str
    note: str = ""
    grades: list[str] = field(default_factory=list)
    added: dt.date | None = None
    again_after: int | None = None  # featured again after that issue (add-link --force)
    editions: list[str] = field(default_factory=list)  # only these editions (default: by grades)

    @property
    def keys(self) -> list[str]:
        return [f"link:{normalize_url(self.url)}"] if self.url else [_text_key("link", self.title)]


@dataclass
class ShortNote:
    """A tip or a digital citizenship item: a short piece of the editor's markdown."""

    text: str
    title: str = ""
    url: str = ""
    added: dt.date | None = None
    editions: list[str] = field(default_factory=list)  # only these editions (default: all)

    @property
    def keys(self) -> list[str]:
        return [_text_key("note", self.title + "\n" + self.text)]


@dataclass
class Lesson:
    """A digital citizenship lesson of the plan, for one grade band."""

    grades: str  # the band as the plan names it: 'K-2'
    title: str = ""
    url: str = ""
    minutes: int | None = None


@dataclass
class CitizenshipTopic:
    """The plan's digital citizenship topic for an issue's day, with the lessons for its
    readers' grades (notes/citizenship-plan.yaml)."""

    topic: str
    school_year: str = ""  # the year's first day: the same topic next year is new again
    introduces: str = ""  # 'yes' in the first issue of the topic (it introduces it)
    lessons: list[Lesson] = field(default_factory=list)
    family_tip: str = ""
    observances: list[str] = field(default_factory=list)  # 'Digital Citizenship Week, Oct 19'

    @property
    def keys(self) -> list[str]:
        """The topic as sent, and to which bands: `citizenship --coverage` reads them."""
        return [lesson_key(self.school_year, self.topic)] + [
            lesson_key(self.school_year, self.topic, lesson.grades) for lesson in self.lessons
        ]


def lesson_key(school_year: str, topic: str, band: str = "") -> str:
    """A citizenship topic sent in a school year (its first day), to a band or at all."""
    key = f"lesson:{school_year}:{squash(topic)}"
    return f"{key}:{band}" if band else key


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
    grades: list[str] = field(default_factory=list)  # its feed's, in feeds.yaml

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
    logo_url: str = ""  # a hosted https image above the title
    logo_alt: str = ""
    logo_width: int = 0
    logo_height: int = 0  # 0: not given (the picture keeps its own proportions)
    colors: dict[str, str] = field(default_factory=dict)  # newsletter.yaml's, checked
    logo_dark_url: str = ""  # the logo for dark mode, where clients ask for one
    site_url: str = ""  # site.base_url: each email links to its page there
    unsubscribe: str = ""  # send.unsubscribe, shown in the footer
    language: str = "en"  # newsletter.yaml's language: lang, and how dates are written
    section_titles: dict[str, str] = field(default_factory=dict)  # the headings' own words


@dataclass(frozen=True, order=True)
class IssueKey:
    """What names an issue everywhere (its archive file, rendered email, send log,
    outbox and Message-ID): its date, and the edition when there are several on one
    date. Without an edition the names are the date alone, as they always were."""

    date: dt.date
    edition: str = ""

    @property
    def stem(self) -> str:
        """'2026-12-04', or '2026-12-04-elementary' for an edition."""
        return self.date.isoformat() + (f"-{self.edition}" if self.edition else "")

    @classmethod
    def from_stem(cls, stem: str) -> IssueKey | None:
        """The key a file name stands for, or None for a file that is no issue."""
        match = _KEY.fullmatch(stem)
        if not match:
            return None
        try:
            return cls(dt.date.fromisoformat(match[1]), match[2] or "")
        except ValueError:
            return None

    def __str__(self) -> str:
        return self.stem


def web_page(issue: Issue) -> str:
    """Where the public site has the issue ('Read it on the web'); '' without a site."""
    site = issue.masthead.site_url
    if not site:
        return ""
    return f"{site.rstrip('/')}/issues/{IssueKey(issue.date, issue.edition).stem}.html"


_KEY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:-([a-z0-9][a-z0-9-]*))?")


@dataclass
class AfterTalk:
    """A talk since the last issue, as the next one recalls it: for those who missed
    it, its slides and recording; for those who came, its exit slip."""

    title: str
    date: dt.date
    slides: str = ""
    recording: str = ""
    exit_slip: str = ""


@dataclass
class Issue:
    """One issue: everything needed to render its email, and nothing else."""

    number: int
    date: dt.date
    subject: str
    masthead: Masthead
    sections: list[str]
    edition: str = ""  # its edition's name, when newsletter.yaml has editions
    group: str = ""  # and the group of staff.csv that edition goes to
    preheader: str = ""
    intro: str = ""
    tools: list[Tool] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tips: list[ShortNote] = field(default_factory=list)
    citizenship: list[ShortNote] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    feed_items: list[FeedItem] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)  # answered by this issue's tools
    series: list[Event] = field(default_factory=list)  # the repeating events `events` come from
    # Before a break: when the next issue comes ('No issue next week (Winter break, Dec 21
    # - Jan 1): the next comes Friday, January 8.'), from the school year.
    next_issue: str = ""
    lesson: CitizenshipTopic | None = None  # this month's digital citizenship topic
    after_talks: list[AfterTalk] = field(default_factory=list)  # since the last issue

    @property
    def answered_already(self) -> list[Request]:
        """The requests a tool the district already approves answers: 'We already have X'."""
        return [request for request in self.requests if request.already]

    def items_in(self, section: str) -> list[FeedItem]:
        return [item for item in self.feed_items if item.section == section]

    def featured_keys(self) -> set[str]:
        """Everything this issue features, as keys that later builds skip."""
        keys: set[str] = set()
        notes: list[Tool | Link | ShortNote | FeedItem | Request] = [
            *self.tools,
            *self.links,
            *self.tips,
            *self.citizenship,
            *self.feed_items,
            *self.requests,
        ]
        for note in notes:
            keys.update(note.keys)
        if self.intro.strip():
            keys.add(intro_key(self.intro))
        if self.lesson is not None:
            keys.update(self.lesson.keys)
        return keys

    def to_dict(self) -> dict[str, Any]:
        return to_plain(asdict(self))

    @classmethod
    def from_dict(cls, data: Any) -> Issue:
        return from_plain(Issue, data)


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


def from_plain(cls: type[T], data: Any) -> T:
    """The dataclass `cls` from what to_plain made of it, each field converted by its
    type; a value of the wrong kind raises ValueError naming the field. Unknown keys
    are ignored, so that an older version can read a newer archive."""
    if not isinstance(data, dict):
        raise ValueError(f"expected the fields of a {cls.__name__.lower()}, found {_kind(data)}")
    values = {}
    for name, convert in _field_converters(cls):  # type: ignore[arg-type]
        if name in data:
            try:
                values[name] = convert(data[name])
            except ValueError as err:
                raise ValueError(f"{cls.__name__.lower()} field '{name}': {err}") from None
    try:
        return cls(**values)
    except TypeError:
        missing = [f.name for f in fields(cls) if f.name not in values]  # type: ignore[arg-type]
        raise ValueError(f"a {cls.__name__.lower()} is missing the field '{missing[0]}'") from None


Convert = typing.Callable[[Any], Any]


@functools.cache
def _field_converters(cls: type) -> tuple[tuple[str, Convert], ...]:
    """Each field of a dataclass with the function that converts its value, worked
    out once per class: the archive's every value goes through one."""
    hints = typing.get_type_hints(cls)
    return tuple((item.name, _converter(hints[item.name])) for item in fields(cls))


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, found {_kind(value)}")
    return value


@functools.cache
def _converter(kind: Any) -> Convert:
    """The function that turns a plain value into the type `kind` (str, int, a date
    or time with its offset, a list, Optional, or another dataclass)."""
    options = typing.get_args(kind) if isinstance(kind, types.UnionType) else ()
    if options:  # X | None
        inner = _converter(next(option for option in options if option is not type(None)))
        return lambda value: None if value is None else inner(value)
    if typing.get_origin(kind) is list:
        (element,) = typing.get_args(kind)
        return functools.partial(_list, _converter(element))
    if is_dataclass(kind):
        return functools.partial(from_plain, kind)  # type: ignore[arg-type]
    if typing.get_origin(kind) is dict:
        return _mapping
    simple: dict[Any, Convert] = {
        str: _text,
        bool: _flag,
        int: _whole_number,
        dt.datetime: moment_with_offset,
        dt.date: _date,
    }
    if kind not in simple:
        raise TypeError(f"no conversion for {kind}")  # a bug: a field of a new type
    return simple[kind]


def _list(convert: Convert, value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"expected a list, found {_kind(value)}")
    return [convert(element) for element in value]


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"expected text, found {_kind(value)}")
    text = str(value)
    if control_characters(text):
        raise ValueError(f"{_kind(text)} contains control characters")
    return text


def _mapping(value: Any) -> dict[str, str]:
    """Text by text: each date's topic of a repeating event."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"expected 'key: value' lines, found {_kind(value)}")
    return {_text(key): _text(text) for key, text in value.items()}


def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, found {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"[:40]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{_kind(value)} is not a date like 2026-11-27") from None


def issue_date(value: Any) -> dt.date:
    """A day, as an archive's front matter gives it."""
    return _date(value)


def moment_with_offset(value: Any) -> dt.datetime:
    """A date and time with its UTC offset: without one, it cannot be compared."""
    when = value
    if not isinstance(when, dt.datetime):
        try:
            when = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(
                f"{_kind(value)} is not a date and time like 2026-11-27T13:30:00+00:00"
            ) from None
    if when.tzinfo is None:
        raise ValueError(f"{_kind(value)} has no UTC offset (like +00:00)")
    return when


# What an issue may carry of text a person wrote (text/cleaned.py says why): cleaned
# where it comes in, stored and shown cleaned everywhere downstream.


def cleaned(note: T) -> T:
    """A note (tool, event, link, tip, request, post) with its markdown cleaned and
    its addresses safe to follow."""
    fields: list[tuple[str, Callable[[str], str]]]
    fields = [(name, clean_markdown) for name in _MARKDOWN.get(type(note), ())]
    fields += [(name, safe_address) for name in _ADDRESSES.get(type(note), ())]
    changes: dict[str, Any] = {}
    for name, clean in fields:
        value = getattr(note, name)
        if value and (kept := clean(value)) != value:
            changes[name] = kept
    return dataclasses.replace(note, **changes) if changes else note  # type: ignore[type-var]


def cleaned_issue(issue: Issue) -> Issue:
    """An issue as it may be stored and shown: every note of it cleaned."""
    return dataclasses.replace(
        issue,
        intro=clean_markdown(issue.intro),
        masthead=cleaned(issue.masthead),
        tools=[cleaned(t) for t in issue.tools],
        events=[cleaned(e) for e in issue.events],
        tips=[cleaned(t) for t in issue.tips],
        citizenship=[cleaned(c) for c in issue.citizenship],
        links=[cleaned(link) for link in issue.links],
        feed_items=[cleaned(item) for item in issue.feed_items],
        requests=[cleaned(r) for r in issue.requests],
        series=[cleaned(s) for s in issue.series],
    )


# The fields the templates render as markdown, and those they make links of.
_MARKDOWN: dict[type, tuple[str, ...]] = {
    Tool: ("summary", "idea"),
    Event: ("description",),
    Link: ("note",),
    ShortNote: ("text",),
    Masthead: ("footer",),
}


_ADDRESSES: dict[type, tuple[str, ...]] = {
    Tool: ("url",),
    Event: ("signup",),
    Link: ("url",),
    ShortNote: ("url",),
    FeedItem: ("link",),
}
