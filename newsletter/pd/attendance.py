"""The record of who came to each talk: attendance.yaml in the workspace, one entry
per person and talk date (talk, title, email, name, minutes). It is the editor's
record: never on the public site, never in an email to anyone else. Recording the
same person for the same date again changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.errors import InputError
from newsletter.pd.talks import Talk
from newsletter.workspace import validate
from newsletter.workspace.entries import entries_lock, file_entries, replace_entries
from newsletter.workspace.folder import Workspace
from newsletter.workspace.yamlfile import Fields, Sequence, collecting

FILE = "attendance.yaml"
NEW_FILE = (
    "# Who came to each Tech Talk or PD session, for PD hours and certificates.\n"
    "# Written by 'newsletter attendance' and 'newsletter attended'; never published.\n"
)


@dataclass(frozen=True)
class Attended:
    talk: dt.date
    title: str
    email: str
    name: str
    minutes: int


@dataclass
class Recorded:
    added: list[Attended] = field(default_factory=list)
    already: list[Attended] = field(default_factory=list)  # recorded before: unchanged


def attendance_file(workspace: Workspace) -> Path:
    return workspace.root / FILE


def load_attendance(
    workspace: Workspace, problems: list[InputError] | None = None
) -> list[Attended]:
    path = attendance_file(workspace)
    found = [collecting(problems, _read, entry, path) for entry in file_entries(path)]
    return [entry for entry in found if entry is not None]


def _read(entry: Any, path: Path) -> Attended:
    f = Fields(entry, path, "attendance")
    f.only(("talk", "title", "email", "name", "minutes"))
    return Attended(
        talk=f.checked("talk", validate.day, required=True) or dt.date.min,
        title=f.text("title"),
        email=f.checked("email", validate.address, required=True) or "",
        name=f.text("name"),
        minutes=f.number("minutes", 0, minimum=0, maximum=24 * 60),
    )


def record_key(entry: Attended) -> tuple[dt.date, str, str]:
    """One person at one event: two events on one day are two records."""
    return entry.talk, entry.title.casefold(), entry.email.lower()


def duplicates(entries: list[Attended]) -> list[Attended]:
    """The entries written a second time (by hand): counted once by nobody."""
    seen: set[tuple[dt.date, str, str]] = set()
    again = []
    for entry in entries:
        key = record_key(entry)
        if key in seen:
            again.append(entry)
        seen.add(key)
    return again


def record(
    workspace: Workspace, talk: Talk, people: list[tuple[str, str]], write: bool = True
) -> Recorded:
    """Record each (email, name) as at `talk`, under the file's lock; those recorded
    for that event already stay as they are."""
    path = attendance_file(workspace)
    with entries_lock(workspace.state_dir, path.name):
        raw = file_entries(path)  # read once: to match, and to write after
        seen = {record_key(_read(entry, path)) for entry in raw}
        result = Recorded()
        for email, name in people:
            person = Attended(talk.date, talk.title, email, name, talk.minutes)
            key = record_key(person)
            (result.already if key in seen else result.added).append(person)
            seen.add(key)
        if result.added and write:
            entries = raw if isinstance(raw, Sequence) else Sequence()
            text = None if path.is_file() else NEW_FILE
            new = [_entry(a) for a in result.added]
            replace_entries(path, entries, {}, new, "the attendance cannot be added",
                            "Add it to attendance.yaml in any editor.", text=text)  # fmt: skip
        return result


def _entry(person: Attended) -> dict[str, Any]:
    entry: dict[str, Any] = {"talk": person.talk, "title": person.title, "email": person.email}
    if person.name:
        entry["name"] = person.name
    entry["minutes"] = person.minutes
    return entry
