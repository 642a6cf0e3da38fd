"""The editor's notes: tool finds, events, links, tips and digital citizenship
items as YAML lists in notes/, and the intro as notes/intro.md.

Reading checks every entry (file, line and field in each message). Adding
appends the new entry's text to the end of the file, so what the editor wrote
by hand (comments, order, layout) stays exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter import validate
from newsletter.archive import ArchivedIssue, featured_in_sent
from newsletter.errors import InputError, shown
from newsletter.files import read_text, write_atomically
from newsletter.model import Event, Link, ShortNote, Tool
from newsletter.starter import starter_text
from newsletter.workspace import Workspace
from newsletter.yamlfile import Fields, collecting, dump_yaml, load_yaml, parse_yaml

TOOL_FIELDS = (
    "name",
    "url",
    "summary",
    "idea",
    "grades",
    "subjects",
    "cost",
    "platforms",
    "privacy",
    "requested_by",
    "tags",
    "added",
)
EVENT_FIELDS = ("title", "start", "end", "place", "signup", "description")
LINK_FIELDS = ("title", "url", "note", "added")
SHORT_NOTE_FIELDS = ("title", "text", "url", "added")

NOTE_FILES = {
    "tools": "tools.yaml",
    "events": "events.yaml",
    "links": "links.yaml",
    "tips": "tips.yaml",
    "citizenship": "citizenship.yaml",
}
INTRO_FILE = "intro.md"


@dataclass
class Notes:
    tools: list[Tool] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tips: list[ShortNote] = field(default_factory=list)
    citizenship: list[ShortNote] = field(default_factory=list)
    intro: str = ""


def notes_file(workspace: Workspace, kind: str) -> Path:
    return workspace.notes_dir / NOTE_FILES[kind]


def _entries(path: Path) -> list[Any]:
    if not path.is_file():
        return []
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise InputError(
            f"{shown(path)}:1: expected a list of entries, each starting with '- '.",
            hint="See the example at the top of the file made by 'newsletter init'.",
        )
    return data


def read_tool(entry: Any, path: Path) -> Tool:
    f = Fields(entry, path, "tool")
    f.only(TOOL_FIELDS)
    return Tool(
        name=f.text("name", required=True),
        url=f.checked("url", validate.url, required=True) or "",
        summary=f.text("summary"),
        idea=f.text("idea"),
        grades=f.checked("grades", validate.grades) or [],
        subjects=f.text_list("subjects"),
        cost=f.checked("cost", validate.cost) or "",
        platforms=f.text_list("platforms"),
        privacy=f.text("privacy"),
        requested_by=f.text("requested_by"),
        tags=f.text_list("tags"),
        added=f.checked("added", validate.day),
    )


def read_event(entry: Any, path: Path, zone: dt.tzinfo) -> Event:
    f = Fields(entry, path, "event")
    f.only(EVENT_FIELDS)
    start = f.checked("start", lambda v: validate.moment(v, zone), required=True)
    end = f.checked("end", lambda v: validate.moment(v, zone))
    assert start is not None
    if end is not None and end <= start:
        raise f.fail("end", "the event ends before it starts.", hint="Check both times.")
    return Event(
        title=f.text("title", required=True),
        start=start,
        end=end,
        place=f.text("place"),
        signup=f.checked("signup", validate.url) or "",
        description=f.text("description"),
    )


def read_link(entry: Any, path: Path) -> Link:
    f = Fields(entry, path, "link")
    f.only(LINK_FIELDS)
    return Link(
        title=f.text("title", required=True),
        url=f.checked("url", validate.url, required=True) or "",
        note=f.text("note"),
        added=f.checked("added", validate.day),
    )


def read_short_note(entry: Any, path: Path, what: str) -> ShortNote:
    f = Fields(entry, path, what)
    f.only(SHORT_NOTE_FIELDS)
    return ShortNote(
        text=f.text("text", required=True),
        title=f.text("title"),
        url=f.checked("url", validate.url) or "",
        added=f.checked("added", validate.day),
    )


def load_notes(
    workspace: Workspace, zone: dt.tzinfo, problems: list[InputError] | None = None
) -> Notes:
    """Every note. With a `problems` list, each bad entry (or unreadable file) is
    recorded there and skipped (newsletter check); without one, the first is raised."""

    def read_all(kind: str, read: Callable[[Any, Path], Any]) -> list[Any]:
        path = notes_file(workspace, kind)
        entries = collecting(problems, _entries, path) or []
        found = [collecting(problems, read, entry, path) for entry in entries]
        return [note for note in found if note is not None]

    return Notes(
        tools=read_all("tools", read_tool),
        events=read_all("events", lambda e, p: read_event(e, p, zone)),
        links=read_all("links", read_link),
        tips=read_all("tips", lambda e, p: read_short_note(e, p, "tip")),
        citizenship=read_all("citizenship", lambda e, p: read_short_note(e, p, "citizenship item")),
        intro=_read_intro(workspace.notes_dir / INTRO_FILE),
    )


def _read_intro(path: Path) -> str:
    """The intro's markdown without HTML comments (init's instructions live in one)."""
    if not path.is_file():
        return ""
    text = read_text(path)
    while "<!--" in text:
        start = text.index("<!--")
        end = text.find("-->", start)
        text = text[:start] + (text[end + 3 :] if end >= 0 else "")
    return text.strip()


def append_entry(path: Path, kind: str, entry: dict[str, Any]) -> int:
    """Add one entry to the end of a notes file without touching what is there.

    Returns the line the new entry starts on. The whole new text is parsed
    before it replaces the file, so a mistake can never leave a broken file.
    """
    old = read_text(path) if path.is_file() else starter_text(f"notes/{NOTE_FILES[kind]}")
    before = _entries(path) if path.is_file() else []
    clean = {key: value for key, value in entry.items() if value not in (None, "", [])}
    addition = dump_yaml([clean])
    prefix = old if old.endswith("\n") or not old else old + "\n"
    if before:
        prefix += "\n"
    new = prefix + addition
    after = parse_yaml(new, path)
    if not isinstance(after, list) or len(after) != len(before) + 1:
        raise InputError(
            f"{shown(path)}: cannot add to this file safely; its last entry is not a plain "
            "list item.",
            hint="Make sure every entry starts with '- ' at the left margin, then try again.",
        )
    write_atomically(path, new)
    return prefix.count("\n") + 1


def check_not_featured(keys: list[str], what: str, archive: list[ArchivedIssue]) -> None:
    featured = featured_in_sent(archive)
    for key in keys:
        if key in featured:
            entry = featured[key]
            raise InputError(
                f"{what} was already featured in issue #{entry.issue.number} "
                f"({entry.issue.date.isoformat()}, {shown(entry.path)}).",
                hint="Add it again with --force if you mean to feature it twice.",
            )


def add_tool(
    workspace: Workspace, tool: Tool, archive: list[ArchivedIssue], force: bool = False
) -> tuple[Path, int]:
    path = notes_file(workspace, "tools")
    if not force:
        check_not_featured(tool.keys, f"'{tool.name}'", archive)
        for index, entry in enumerate(_entries(path)):
            existing = read_tool(entry, path)
            if set(existing.keys) & set(tool.keys):
                raise InputError(
                    f"'{tool.name}' is already in your notes: {shown(path)}:"
                    f"{getattr(entry, 'line', index + 1)} ('{existing.name}').",
                    hint="Edit that entry, or add this one anyway with --force.",
                )
    entry = {
        "name": tool.name,
        "url": tool.url,
        "summary": tool.summary,
        "idea": tool.idea,
        "grades": tool.grades,
        "subjects": tool.subjects,
        "cost": tool.cost,
        "platforms": tool.platforms,
        "privacy": tool.privacy,
        "requested_by": tool.requested_by,
        "tags": tool.tags,
        "added": tool.added,
    }
    return path, append_entry(path, "tools", entry)


def add_event(workspace: Workspace, event: Event) -> tuple[Path, int]:
    path = notes_file(workspace, "events")
    entry = {
        "title": event.title,
        "start": event.start.strftime("%Y-%m-%d %H:%M"),
        "end": event.end.strftime("%Y-%m-%d %H:%M") if event.end else None,
        "place": event.place,
        "signup": event.signup,
        "description": event.description,
    }
    return path, append_entry(path, "events", entry)


def add_link(
    workspace: Workspace, link: Link, archive: list[ArchivedIssue], force: bool = False
) -> tuple[Path, int]:
    if not force:
        check_not_featured(link.keys, f"The link {link.url}", archive)
    path = notes_file(workspace, "links")
    entry = {"title": link.title, "url": link.url, "note": link.note, "added": link.added}
    return path, append_entry(path, "links", entry)


def add_short_note(workspace: Workspace, kind: str, note: ShortNote) -> tuple[Path, int]:
    path = notes_file(workspace, kind)
    entry = {"title": note.title, "text": note.text, "url": note.url, "added": note.added}
    return path, append_entry(path, kind, entry)
