"""The notes as the editor sees and changes them from the terminal: what is waiting
for the next issue (numbered by each entry's place in its file), removing one entry
without touching the rest of the file, and checking a file edited in $EDITOR."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

from newsletter.errors import InputError, shown
from newsletter.notes.kinds import KINDS, NoteKind
from newsletter.notes.read import read_kind, read_note
from newsletter.workspace.entries import entries_lock, replace_entry
from newsletter.workspace.folder import Workspace
from newsletter.workspace.yamlfile import Sequence, load_yaml

# The kinds as `notes`, `edit` and `remove` name them: their notes file's name.
KIND_NAMES = tuple(KINDS)


def kind_named(name: str) -> NoteKind:
    """A kind by its name (tools, events, ...), also in the singular (tool)."""
    text = name.strip().lower()
    for kind in KINDS.values():
        if text in (kind.name, kind.name.rstrip("s"), kind.file.removesuffix(".yaml")):
            return kind
    raise InputError(
        f"'{name}' is not a kind of note.", hint=f"Use one of: {', '.join(KIND_NAMES)}."
    )


class Numbered(NamedTuple):
    number: int  # its place in the file, from 1
    note: Any  # None: it cannot be read
    entry: Any  # as the file has it: how it is found again after the file changed


def numbered_entries(workspace: Workspace, kind: NoteKind, zone: dt.tzinfo) -> list[Numbered]:
    """Each note of a kind with its number and its entry as written."""
    path = workspace.notes_dir / kind.file
    entries = load_yaml(path) if path.is_file() else None
    if not isinstance(entries, list):
        return []
    found: list[Numbered] = []
    for number, entry in enumerate(entries, 1):
        try:
            found.append(Numbered(number, read_note(kind, entry, path, zone), entry))
        except InputError:
            found.append(Numbered(number, None, entry))  # listed as one that cannot be read
    return found


def numbered(workspace: Workspace, kind: NoteKind, zone: dt.tzinfo) -> list[tuple[int, Any]]:
    """Each note of a kind with its number: its place in the file, from 1."""
    return [(n.number, n.note) for n in numbered_entries(workspace, kind, zone)]


def waiting(
    workspace: Workspace,
    kind: NoteKind,
    zone: dt.tzinfo,
    featured: dict[str, int],
    now: dt.datetime,
) -> list[tuple[int, Any]]:
    """The notes of a kind that the next issue would take: not featured in an issue
    someone got (or forced again since), an event not yet over, a request not answered."""
    from newsletter.calendar import end_of, occurrences

    def fresh(note: Any) -> bool:
        if note is None:  # cannot be read: shown, so that it can be fixed or removed
            return True
        if kind.name == "events":
            return any(end_of(o) >= now for o in occurrences(note, zone))
        again = getattr(note, "again_after", None) or 0
        return all(featured.get(key, 0) <= again for key in note.keys)

    return [(number, note) for number, note in numbered(workspace, kind, zone) if fresh(note)]


def describe(note: Any) -> str:
    """One line for a note: its name or title, and what tells it apart."""
    if note is None:
        return "(a note that cannot be read)"
    name = getattr(note, "name", "") or getattr(note, "title", "") or getattr(note, "text", "")
    name = " ".join(str(name).split())
    parts = [name[:70] + ("..." if len(name) > 70 else "")]
    if getattr(note, "id", ""):
        parts.insert(0, note.id)
    start = getattr(note, "start", None)
    if start is not None:
        parts.append(f"{start:%a %b %d %H:%M %Z}" + (f", every {note.every}" if note.every else ""))
    if getattr(note, "url", ""):
        parts.append(note.url)
    if getattr(note, "grades", None):
        parts.append(", ".join(note.grades))
    return "  ".join(parts)


def remove_note(
    workspace: Workspace,
    kind: NoteKind,
    number: int,
    zone: dt.tzinfo,
    confirmed: Numbered | None = None,
) -> Numbered:
    """Remove the note at `number` (its place in the file) and return it. Only its
    lines go; every other line of the file stays as the editor wrote it.

    `confirmed` is the note the editor said yes to: if the file changed since (a note
    added above it), that note is removed wherever it is now, and if it is not there
    any more, nothing is."""
    path = workspace.notes_dir / kind.file
    with entries_lock(workspace.state_dir, path.name):
        entries = load_yaml(path) if path.is_file() else None
        count = len(entries) if isinstance(entries, list) else 0
        if confirmed is not None and isinstance(entries, Sequence):
            number = _place_now(entries, confirmed, path, kind)
        if not 1 <= number <= count or not isinstance(entries, Sequence):
            raise InputError(
                f"{shown(path)} has no note {number}"
                + (f" (it has {count})." if count else " (it has none)."),
                hint=f"'newsletter notes {kind.name}' lists them with their numbers.",
            )
        try:
            note = read_note(kind, entries[number - 1], path, zone)
        except InputError:
            note = None  # a note with a mistake can be removed too
        replace_entry(path, entries, number - 1, None, "it cannot be removed")
    return Numbered(number, note, entries[number - 1])


def _place_now(entries: Sequence, confirmed: Numbered, path: Path, kind: NoteKind) -> int:
    """Where the confirmed note is in the file as it is now."""
    places = [n for n, entry in enumerate(entries, 1) if entry == confirmed.entry]
    if confirmed.number in places:
        return confirmed.number
    if len(places) == 1:
        return places[0]
    what = f"{kind.what} {confirmed.number} ({describe(confirmed.note)})"
    where = "is no longer in it" if not places else "is in it more than once now"
    raise InputError(
        f"{shown(path)} changed while you were asked: {what} {where}; nothing was removed.",
        hint=f"'newsletter notes {kind.name}' lists the notes as they are now.",
    )


def edited_problems(workspace: Workspace, kind: NoteKind, path: Path, zone: dt.tzinfo) -> list[str]:
    """What is wrong with an edited copy of a notes file, one line each (none: fine)."""
    problems: list[InputError] = []
    try:
        load_yaml(path)
    except InputError as err:
        return [str(err)]
    read_kind(workspace, kind, zone, problems, path=path)
    return [str(problem) for problem in problems]


def lost_or_doubled(kind: NoteKind, path: Path, before: str, after: str) -> list[str]:
    """What an edit did that is more often an accident than meant: fewer notes than
    before (an emptied copy), or one note there twice (a pasted block). One question
    each, for the editor to confirm."""
    old, new = _entries_in(before, path), _entries_in(after, path)
    questions = []
    if len(new) < len(old):
        questions.append(
            f"{shown(path)} would have {len(new)} of its {len(old)} {kind.name} "
            f"({len(old) - len(new)} fewer)."
        )
    for entry in twice(new):
        if isinstance(entry, dict) and entry not in twice(old):
            name = entry.get("name") or entry.get("title") or entry.get("text") or "a note"
            questions.append(f"'{' '.join(str(name).split())[:60]}' is in it twice.")
    return questions


def _entries_in(text: str, path: Path) -> list[Any]:
    from newsletter.workspace.yamlfile import parse_yaml

    try:
        entries = parse_yaml(text, path) if text.strip() else []
    except InputError:
        return []
    return list(entries) if isinstance(entries, list) else []


def twice(entries: list[Any]) -> list[Any]:
    """The entries (or notes) that are there more than once, to the letter, each once."""
    doubled: list[Any] = []
    for number, entry in enumerate(entries):
        if entry in entries[:number] and entry not in doubled:
            doubled.append(entry)
    return doubled
