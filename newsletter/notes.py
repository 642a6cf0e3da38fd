"""The editor's notes: tool finds, events, links, tips and digital citizenship
items as YAML lists in notes/, and the intro as notes/intro.md.

Reading checks every entry (file, line and field in each message). Adding
appends the new entry's text to the end of the file, so what the editor wrote
by hand (comments, order, layout) stays exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter import validate
from newsletter.archive import ArchivedIssue, featured_in_sent
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.files import read_text, write_atomically
from newsletter.model import Event, Link, ShortNote, Tool
from newsletter.starter import starter_text
from newsletter.workspace import Workspace
from newsletter.yamlfile import Fields, Sequence, collecting, dump_yaml, load_yaml, parse_yaml

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
        raise _not_a_list(path)
    return data


def _not_a_list(path: Path) -> InputError:
    return InputError(
        f"{shown(path)}:1: expected a list of entries, each starting with '- '.",
        hint="See the example at the top of the file made by 'newsletter init'.",
    )


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
        found = [
            collecting(problems, _at_line(read, entries, index), entry, path)
            for index, entry in enumerate(entries)
        ]
        return [note for note in found if note is not None]

    return Notes(
        tools=read_all("tools", read_tool),
        events=read_all("events", lambda e, p: read_event(e, p, zone)),
        links=read_all("links", read_link),
        tips=read_all("tips", lambda e, p: read_short_note(e, p, "tip")),
        citizenship=read_all("citizenship", lambda e, p: read_short_note(e, p, "citizenship item")),
        intro=collecting(problems, _read_intro, workspace.notes_dir / INTRO_FILE) or "",
    )


def _at_line(read: Callable[[Any, Path], Any], entries: list[Any], index: int) -> Any:
    """`read`, with an entry that is not 'field: value' lines pointed at by its line."""

    def reading(entry: Any, path: Path) -> Any:
        if not isinstance(entry, dict):
            line = entries.line_of_item(index) if isinstance(entries, Sequence) else 0
            Fields(entry, path, "an entry", line=line)  # raises, naming the line
        return read(entry, path)

    return reading


def _read_intro(path: Path) -> str:
    """The intro's markdown without HTML comments (init's instructions live in one)."""
    if not path.is_file():
        return ""
    text = read_text(path)
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
    return text.strip()


def append_entry(
    path: Path,
    kind: str,
    entry: dict[str, Any],
    lock_dir: Path,
    check: Callable[[list[Any]], None] | None = None,
) -> int:
    """Add one entry to the end of a notes file without touching what is there.

    Returns the line the new entry starts on. `check` sees the entries already
    there first, and may refuse the addition. The whole new text is parsed (once:
    appending costs one reading of the file) before it replaces the file, so a
    mistake can never leave a broken file; the file's own line endings are kept; and
    a lock makes two adds at once take turns, so neither is lost.
    """
    with notes_lock(lock_dir, path.name):
        if path.is_file():
            raw = path.read_bytes()
            old = read_text(path) if b"\r" not in raw else raw.decode("utf-8", "strict")
        else:
            old = starter_text(f"notes/{NOTE_FILES[kind]}")
        newline = "\r\n" if "\r\n" in old else "\n"
        clean = {key: value for key, value in entry.items() if value not in (None, "", [])}
        addition = dump_yaml([clean]).replace("\n", newline)
        prefix = old if old.endswith("\n") or not old else old + newline
        if prefix.strip() and not prefix.strip().endswith("#"):
            prefix += newline  # a blank line between entries
        line = prefix.count("\n") + 1
        new = prefix + addition
        after = _parsed_for_append(new, old, path)
        added = after[-1] if isinstance(after, list) and after else None
        # The addition must be a list item of its own, where we put it: not merged into
        # the entry before it, nor swallowed by a block the file left open.
        if (
            not isinstance(after, Sequence)
            or after.line_of_item(len(after) - 1) != line
            or not isinstance(added, dict)
            or set(added) != set(clean)
        ):
            raise InputError(
                f"{shown(path)}: cannot add to this file safely; its last entry is not a "
                "plain list item.",
                hint="Make sure every entry starts with '- ' at the left margin, then try again.",
            )
        if check:
            existing = Sequence(after[:-1])
            existing.item_lines = after.item_lines[:-1]
            check(existing)
        write_atomically(path, new)
        return line


def _parsed_for_append(new: str, old: str, path: Path) -> Any:
    try:
        return parse_yaml(new, path)
    except InputError:
        before = parse_yaml(old, path)  # broken before? that is the problem to report
        if before is not None and not isinstance(before, list):
            raise _not_a_list(path) from None
        raise InputError(
            f"{shown(path)}: cannot add to this file safely; it is not written as a list of "
            "'- ' entries (flow style like [ ... ] is valid YAML, but cannot be added to).",
            hint="Write each entry on lines starting with '- ', or add this one by hand.",
        ) from None


@contextmanager
def notes_lock(lock_dir: Path, name: str) -> Iterator[None]:
    """One add at a time per notes file: wait (briefly) for the other to finish."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / f"{name}.lock").open("a") as handle:
        deadline = time.monotonic() + 30
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise NewsletterError(
                        f"another command has been adding to {name} for 30 s; nothing was added.",
                        hint="Try again in a moment.",
                    ) from None
                time.sleep(0.02)
        yield  # closing the file releases the lock


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


def _not_blank(text: str, what: str) -> None:
    if not text.strip():
        raise InputError(f"{what} is empty.", hint=f"Give the {what.lower()} in quotes.")


def add_tool(
    workspace: Workspace, tool: Tool, archive: list[ArchivedIssue], force: bool = False
) -> tuple[Path, int]:
    _not_blank(tool.name, "NAME")
    path = notes_file(workspace, "tools")
    if not force:
        check_not_featured(tool.keys, f"'{tool.name}'", archive)

    def not_in_notes(entries: list[Any]) -> None:
        if force:
            return
        wanted = set(tool.keys)
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            existing = Tool(name=str(entry.get("name") or ""), url=str(entry.get("url") or ""))
            if wanted & set(existing.keys):
                line = entries.line_of_item(index) if isinstance(entries, Sequence) else index + 1
                raise InputError(
                    f"'{tool.name}' is already in your notes: {shown(path)}:{line} "
                    f"('{existing.name}').",
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
    return path, append_entry(path, "tools", entry, workspace.state_dir, not_in_notes)


def add_event(workspace: Workspace, event: Event) -> tuple[Path, int]:
    _not_blank(event.title, "TITLE")
    path = notes_file(workspace, "events")
    entry = {
        "title": event.title,
        "start": event.start.strftime("%Y-%m-%d %H:%M"),
        "end": event.end.strftime("%Y-%m-%d %H:%M") if event.end else None,
        "place": event.place,
        "signup": event.signup,
        "description": event.description,
    }
    return path, append_entry(path, "events", entry, workspace.state_dir)


def add_link(
    workspace: Workspace, link: Link, archive: list[ArchivedIssue], force: bool = False
) -> tuple[Path, int]:
    _not_blank(link.title, "TITLE")
    if not force:
        check_not_featured(link.keys, f"The link {link.url}", archive)
    path = notes_file(workspace, "links")
    entry = {"title": link.title, "url": link.url, "note": link.note, "added": link.added}
    return path, append_entry(path, "links", entry, workspace.state_dir)


def add_short_note(workspace: Workspace, kind: str, note: ShortNote) -> tuple[Path, int]:
    _not_blank(note.text, "TEXT")
    path = notes_file(workspace, kind)
    entry = {"title": note.title, "text": note.text, "url": note.url, "added": note.added}
    return path, append_entry(path, kind, entry, workspace.state_dir)
