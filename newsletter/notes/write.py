"""Writing the notes: a new note's text appended to the end of its file, one add at a
time per file, so what the editor wrote by hand (comments, order, layout) stays
exactly as it was; its id; and the rules a new note must meet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from newsletter.archive.record import ArchivedIssue, featured_line
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.model import normal_request_id
from newsletter.notes.kinds import (
    NoteKind,
)
from newsletter.notes.read import read_kind
from newsletter.workspace.entries import append_entry, file_entries
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import Settings
from newsletter.workspace.starter import starter_text
from newsletter.workspace.yamlfile import (
    Sequence,
)


def next_id(prefix: str, taken: Collection[Any]) -> str:
    """'R4' after R1 to R3: the next number after the highest."""
    numbers = [
        int(str(t)[len(prefix) :])
        for t in taken
        if str(t).startswith(prefix) and str(t)[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def entry_of(kind: NoteKind, note: Any) -> dict[str, Any]:
    """The entry a note is written as, its fields in the description's order."""
    entry = {}
    for field in kind.all_fields():
        value = getattr(note, field.name)
        if isinstance(value, dt.datetime):
            value = value.strftime("%Y-%m-%d %H:%M")  # in the workspace's zone, as typed
        if value is False:
            continue  # a flag not given is left out, as the editor would leave it
        entry[field.name] = value
    return entry


def add_note(
    workspace: Workspace,
    kind: NoteKind,
    note: Any,
    featured_in: Callable[[list[str]], list[tuple[ArchivedIssue, str]]] | None = None,
    force: bool = False,
    then: Callable[[], None] | None = None,
    used_ids: Collection[str] = (),
) -> tuple[Path, int]:
    """Add a note to the end of its file. A kind featured once refuses a note that
    was featured in an issue someone got (`featured_in` finds those issues), or is
    in the notes already, unless forced; forced, it is featured again after the last
    of those. `then` runs after that check, before the note is written (to ask about
    a tool that only looks like one featured). A numbered kind's note gets the next
    id after the highest in its file and in `used_ids` (those in the archive)."""
    path = workspace.notes_dir / kind.file
    label = kind.said.format(**{f.name: getattr(note, f.name) for f in kind.all_fields()})
    earlier = featured_in(note.keys) if featured_in and kind.featured_once else []
    if earlier and not force:
        first, name = earlier[0]
        same = getattr(note, kind.fields[0].name)
        known_as = f" as '{name}'" if name and name != same else ""  # the same address
        raise InputError(
            featured_line(label[0].upper() + label[1:], first) + known_as + "; nothing was added.",
            hint="Add it with --force to feature it again.",
        )
    if earlier:  # forced: the next issue features it again
        note.again_after = earlier[-1][0].number
    if then is not None:
        then()

    def not_in_notes(entries: list[Any]) -> None:
        if kind.numbered and any(
            isinstance(e, dict) and normal_request_id(str(e.get("id"))) == note.id for e in entries
        ):
            raise _IdTaken(note.id)
        if force or not kind.featured_once:
            return
        wanted = set(note.keys)
        required = [f.name for f in kind.fields if f.required]
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            existing = kind.cls(**{name: str(entry.get(name) or "") for name in required})
            if wanted & set(existing.keys):
                line = entries.line_of_item(index) if isinstance(entries, Sequence) else index + 1
                raise InputError(
                    f"{label[0].upper() + label[1:]} is already in your notes: "
                    f"{shown(path)}:{line} ('{getattr(existing, required[0])}').",
                    hint="Edit that entry, or add this one anyway with --force.",
                )

    for _ in range(50):
        if kind.numbered:  # R1, R2, ...: after the highest ever used, never one used before
            in_file = {
                normal_request_id(str(e.get("id")))
                for e in file_entries(path)
                if isinstance(e, dict)
            }
            note.id = next_id(kind.numbered, [*in_file, *used_ids])
        try:
            line = append_entry(
                path,
                entry_of(kind, note),
                workspace.state_dir,
                not_in_notes,
                new_file=starter_text(f"notes/{path.name}"),
            )
        except _IdTaken:
            continue  # another command took that number meanwhile: the next one, then
        return path, line
    raise NewsletterError(f"{shown(path)}: too many commands adding at once; nothing was added.")


class _IdTaken(Exception):
    """The id chosen for a note was taken, under the lock, by another command."""


def check_editions_known(settings: Settings, note: Any) -> None:
    """--editions names editions of newsletter.yaml: a typo would leave a note out."""
    from newsletter.workspace.settings import unknown_editions

    named = getattr(note, "editions", None)
    if named and not settings.editions:
        raise InputError(
            "--editions: newsletter.yaml has no editions, so every issue goes to everyone.",
            hint="add 'editions:' to newsletter.yaml first, or leave out --editions.",
        )
    unknown = unknown_editions(note, settings.editions)
    if unknown:
        known = ", ".join(edition.name for edition in settings.editions)
        raise InputError(
            f"--editions: newsletter.yaml has no edition '{unknown[0]}'; nothing was added.",
            hint=f"use one of: {known}.",
        )


def check_new_event(workspace: Workspace, settings: Settings, now: dt.datetime, event: Any) -> None:
    """An event that is over, or in the notes already (same title, same start), is
    most likely a mistake: refused, unless --force."""
    from newsletter.calendar import occurrences
    from newsletter.notes.kinds import EVENTS

    times = occurrences(event, settings.zone)
    if not times or times[-1].start < now:
        when = f"{event.start:%Y-%m-%d %H:%M}" + (f" to {event.until}" if event.every else "")
        raise InputError(
            f"the event '{event.title}' ({when}) is over.",
            hint="check the date, or add it anyway with --force.",
        )
    for other in read_kind(workspace, EVENTS, settings.zone, []):
        if other.title.casefold() == event.title.casefold() and other.start == event.start:
            raise InputError(
                f"the event '{event.title}' at {event.start:%Y-%m-%d %H:%M} is in your notes "
                "already.",
                hint="edit it in notes/events.yaml, or add it anyway with --force.",
            )
