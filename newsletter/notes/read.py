"""The editor's notes: tool finds, events, links, tips and digital citizenship
items as YAML lists in notes/, and the intro as notes/intro.md.

Reading checks every entry (file, line and field in each message). Adding a
note is write.py; editing a whole file, edit.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, shown
from newsletter.model import Event, Link, Request, ShortNote, Tool, cleaned
from newsletter.notes.kinds import (
    COST,
    DATED_URLS,
    DAY,
    DAYS,
    EVERY,
    FLAG,
    GRADES,
    IMAGE,
    KINDS,
    MOMENT,
    NUMBER,
    SUBJECTS,
    TEXT,
    TOOLS,
    TOPICS,
    URL,
    WORDS,
    NoteField,
    NoteKind,
)
from newsletter.text.cleaned import clean_markdown
from newsletter.workspace import validate
from newsletter.workspace.entries import file_entries, regular_file
from newsletter.workspace.files import read_text
from newsletter.workspace.folder import Workspace
from newsletter.workspace.yamlfile import (
    Fields,
    Sequence,
    collecting,
)

INTRO_FILE = "intro.md"


@dataclass
class Notes:
    tools: list[Tool] = default(default_factory=list)
    events: list[Event] = default(default_factory=list)
    links: list[Link] = default(default_factory=list)
    tips: list[ShortNote] = default(default_factory=list)
    citizenship: list[ShortNote] = default(default_factory=list)
    requests: list[Request] = default(default_factory=list)
    intro: str = ""
    # With editions: an edition's own intro (notes/intro-elementary.md), by edition name.
    edition_intros: dict[str, str] = default(default_factory=dict)


def read_value(f: Fields, field: NoteField, zone: dt.tzinfo) -> Any:
    """One field of an entry, read and checked the way its description says; None
    when it is not given (the dataclass's default then applies)."""
    if field.read == TEXT and field.one_line:
        return f.checked(field.name, validate.one_line, required=field.required) or None
    if field.read == TEXT:
        return f.text(field.name, required=field.required) or None
    if field.read == WORDS:
        return f.text_list(field.name) or None
    if field.read == FLAG:
        return f.flag(field.name, False) or None
    if field.read == NUMBER:
        return f.number(field.name, 0, maximum=field.most) or None
    if field.read == TOPICS:
        return f.checked(field.name, validate.topics) or None
    parse = {
        URL: validate.url,
        IMAGE: validate.image_url,
        GRADES: validate.grades,
        SUBJECTS: validate.subjects,
        DATED_URLS: validate.dated_urls,
        COST: validate.cost,
        DAY: validate.day,
        EVERY: validate.every,
        DAYS: validate.days,
        MOMENT: lambda value: validate.moment(value, zone),
    }[field.read]
    return f.checked(field.name, parse, required=field.required)


def read_note(kind: NoteKind, entry: Any, path: Path, zone: dt.tzinfo) -> Any:
    """One entry of a notes file as its dataclass; a mistake names file, line, field."""
    f = Fields(entry, path, kind.what)
    fields = kind.all_fields()
    f.only(field.name for field in fields)
    values = {field.name: read_value(f, field, zone) for field in fields}
    note = kind.cls(**{name: value for name, value in values.items() if value is not None})
    problem = note_problem(note)
    if problem:
        name, what = problem
        raise f.fail(name, what, hint="Check both times." if name == "end" else None)
    return cleaned(note)  # the file keeps what was typed; the issue, nothing that runs


def note_problem(note: Any) -> tuple[str, str] | None:
    """What is wrong with a note as a whole, as (field, problem), or None."""
    if getattr(note, "image", "") and not note.image_alt.strip():
        return (
            "image_alt",
            "a picture needs its alt text: what it shows, for those who cannot see it.",
        )  # noqa: E501
    column = TOOLS.field("image_width").most
    if (getattr(note, "image_width", None) or 0) > column:
        return "image_width", f"{note.image_width} px is wider than the email's column ({column})."
    if isinstance(note, Event) and note.end is not None and note.end <= note.start:
        return "end", "the event ends before it starts."
    if isinstance(note, Event):
        return event_problem(note)
    return None


def event_problem(event: Event) -> tuple[str, str] | None:
    """What would make an event's dates wrong, as (field, problem), or None."""
    from newsletter.calendar import occurrences

    if not event.every:
        if event.until or event.skip or event.topics:
            name = "until" if event.until else "skip" if event.skip else "topics"
            return name, "only a repeating event has it; give --every too, or leave it out."
        return _missing_time("start", event.start)
    if event.until is None:
        return "until", "a repeating event needs a last day (--until), or it never ends."
    if event.until < event.start.date():
        return "until", "the last day comes before the first."
    dates = occurrences(event, event.start.tzinfo or dt.UTC)
    days = {o.start.date() for o in dates}
    rule = sorted(_rule_days(event))
    off = [d for d in event.skip if d not in rule]
    if off:
        near = ", ".join(str(d) for d in rule if abs((d - off[0]).days) <= 21)
        return "skip", f"{off[0]} is not one of its dates (near it: {near or 'none'})."
    wrong = [d for d in event.topics if dt.date.fromisoformat(d) not in days]
    if wrong:
        return "topics", f"{wrong[0]} is not one of its dates (or it is skipped)."
    if not dates:
        return "skip", "every one of its dates is skipped."
    return next((p for o in dates if (p := _missing_time("start", o.start))), None)


def _rule_days(event: Event) -> set[dt.date]:
    """Its dates by its rule alone, skipped ones included."""
    import dataclasses

    from newsletter.calendar import occurrences

    unskipped = dataclasses.replace(event, skip=[], topics={})
    return {o.start.date() for o in occurrences(unskipped, event.start.tzinfo or dt.UTC)}


def _missing_time(name: str, moment: dt.datetime) -> tuple[str, str] | None:
    """A time the clocks skip (2:30 on the night they go forward) does not exist."""
    round_trip = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return name, (
            f"{moment:%Y-%m-%d %H:%M} does not exist there: the clocks go forward that night."
        )
    return None


def option_value(field: NoteField, value: Any, zone: dt.tzinfo | None) -> Any:
    """A value typed for a field's option, as the field wants it (a time in the
    workspace's zone, say); ValueError says what is wrong with it."""
    if isinstance(value, str):
        value = value.strip()
        bad = validate.control_characters(value)
        if bad:
            raise ValueError(f"contains control characters ({bad})")
    if field.read == MOMENT and isinstance(value, str) and value:
        return validate.moment(value, zone or dt.UTC)
    if field.read == URL and isinstance(value, str) and value:
        return validate.url(value)
    if field.one_line and isinstance(value, str):
        return validate.one_line(value)
    return value


def note_from_values(
    kind: NoteKind, values: dict[str, Any], today: dt.date, zone: dt.tzinfo | None = None
) -> Any:
    """A note from the values of an add-* command's options, text trimmed; a value
    that is wrong names its option."""
    given = {}
    for field in kind.fields:
        try:
            value = option_value(field, values.get(field.name), zone)
        except ValueError as err:
            raise InputError(f"{field.option}: {err}.") from None
        if field.argument and not value:
            raise InputError(f"{field.option} is empty.", hint=f"Give the {field.name} in quotes.")
        if value not in (None, "", [], ()):
            given[field.name] = list(value) if isinstance(value, tuple) else value
    for day in {"added", "asked"} & {f.name for f in kind.fields}:  # today, unless given
        given.setdefault(day, today)
    note = kind.cls(**given)
    problem = note_problem(note)
    if problem:
        name, what = problem
        raise InputError(
            f"{kind.field(name).option}: {what}",
            hint="Check both times." if name == "end" else None,
        )
    for field in kind.fields:  # what the notes file would refuse, refused now
        number = given.get(field.name) if field.read == NUMBER else None
        if isinstance(number, int) and number > field.most:
            raise InputError(f"{field.option}: {number} is more than {field.most}.")
    return note


def load_notes(
    workspace: Workspace, zone: dt.tzinfo, problems: list[InputError] | None = None
) -> Notes:
    """Every note. With a `problems` list, each bad entry (or unreadable file) is
    recorded there and skipped (newsletter check); without one, the first is raised."""
    notes = Notes()
    for name, kind in KINDS.items():
        setattr(notes, name, read_kind(workspace, kind, zone, problems))
    notes.intro = collecting(problems, read_intro, workspace.notes_dir / INTRO_FILE) or ""
    for path in sorted(workspace.notes_dir.glob("intro-*.md")):
        edition = path.stem.removeprefix("intro-")
        notes.edition_intros[edition] = collecting(problems, read_intro, path) or ""
    return notes


def read_kind(
    workspace: Workspace,
    kind: NoteKind,
    zone: dt.tzinfo,
    problems: list[InputError] | None,
    path: Path | None = None,
) -> list[Any]:
    """The notes of one kind (its file in notes/, or `path`), read as load_notes reads them."""
    path = path or workspace.notes_dir / kind.file
    entries = collecting(problems, file_entries, path) or []

    def read(entry: Any, path: Path) -> Any:
        return read_note(kind, entry, path, zone)

    found = [
        collecting(problems, _at_line(read, entries, index), entry, path)
        for index, entry in enumerate(entries)
    ]
    return [note for note in found if note is not None]


def _at_line(read: Callable[[Any, Path], Any], entries: list[Any], index: int) -> Any:
    """`read`, with an entry that is not 'field: value' lines pointed at by its line."""

    def reading(entry: Any, path: Path) -> Any:
        if not isinstance(entry, dict):
            line = entries.line_of_item(index) if isinstance(entries, Sequence) else 0
            Fields(entry, path, "an entry", line=line)  # raises, naming the line
        return read(entry, path)

    return reading


def read_intro(path: Path) -> str:
    """The intro's markdown without HTML comments (init's instructions live in one)."""
    if not regular_file(path):
        return ""
    text = read_text(path)
    for number, row in enumerate(text.splitlines(), 1):
        bad = validate.control_characters(row)
        if bad:
            raise InputError(
                f"{shown(path)}:{number}: contains control characters ({bad}).",
                hint="Delete them; they can retitle or clear the screen of whoever reads it.",
            )
    while "<!--" in text:
        start = text.index("<!--")
        end = text.find("-->", start)
        if end < 0:  # dropping the rest would lose what the editor wrote
            line = text[:start].count("\n") + 1
            raise InputError(
                f"{shown(path)}:{line}: a comment '<!--' is never closed, so everything "
                "after it would be left out.",
                hint="Close it with '-->', or delete the '<!--'.",
            )
        text = text[:start] + text[end + 3 :]
    return clean_markdown(text.strip())
