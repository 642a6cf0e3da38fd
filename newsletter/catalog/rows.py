"""What the catalog keeps of each file it reads (an archived issue, a notes file):
its rows, one per tool, event, link, tip, post or request, read many files at once
in worker processes."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any, NamedTuple

from newsletter.archive.record import read_archived
from newsletter.errors import InputError
from newsletter.model import AfterTalk, Event, FeedItem, Issue, Link, Request, ShortNote, Tool
from newsletter.workspace.folder import Workspace
from newsletter.workspace.subjects import subjects as named_subjects


class Row(NamedTuple):
    """What the catalog keeps of one thing featured."""

    kind: str
    key: str
    name: str
    url: str = ""
    body: str = ""  # the words searched besides the name
    tags: str = ""  # subjects, grades, cost, tags, the blog's name
    grades: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    cost: str = ""
    day: str | None = None


def rows_of(note: Any) -> Row:
    """The catalog's row for a tool, link, post, tip or event."""
    if isinstance(note, Tool):
        tags = [*note.subjects, *note.grades, note.cost, *note.tags, *note.platforms]
        return Row(
            "tool",
            note.keys[0],
            note.name,
            note.url,
            "\n".join([note.summary, note.idea, note.privacy]),
            " ".join([*tags, note.requested_by]),
            tuple(note.grades),
            tuple(named_subjects(note.subjects)),  # an issue sent before: its words too
            note.cost,
        )
    if isinstance(note, Link):
        return Row("link", note.keys[0], note.title, note.url, note.note)
    if isinstance(note, FeedItem):
        return Row("post", note.keys[0], note.title, note.link, note.summary, note.source)
    if isinstance(note, Event):
        body = "\n".join([note.description, note.place])
        return Row(
            "event", note.key, note.title, note.signup, body, day=note.start.date().isoformat()
        )
    if isinstance(note, Request):
        words = " ".join([note.id, *note.subjects, *note.grades, *note.answered_by])
        return Row(
            "request",
            note.keys[0],
            note.text,
            "",
            note.asked_by,
            words,
            tuple(note.grades),
            tuple(named_subjects(note.subjects)),
        )
    assert isinstance(note, ShortNote)
    name = note.title or " ".join(note.text.split()[:8])
    return Row("tip", note.keys[0], name, note.url, note.text)


def issue_rows(issue: Issue) -> list[Row]:
    notes: list[Any] = [
        *issue.tools,
        *issue.links,
        *issue.feed_items,
        *issue.events,
        *issue.tips,
        *issue.citizenship,
        *issue.requests,
    ]
    return [rows_of(note) for note in notes] + [
        row for talk in issue.after_talks for row in talk_rows(talk)
    ]


def talk_rows(talk: AfterTalk) -> list[Row]:
    """A talk that is over, found by its topic with what it left behind: a row for its
    slides and one for its recording (what the address is, in the key), or one for its
    exit slip alone."""
    left = [(what, address) for what, address in
            (("slides", talk.slides), ("recording", talk.recording)) if address]  # fmt: skip
    day = talk.date.isoformat()
    return [
        Row(
            "event",
            f"talk:{what}:{talk.title.casefold()}@{day}",
            talk.title,
            address,
            f"Tech Talk materials: {what}",
            what,
            day=day,
        )  # fmt: skip
        for what, address in left or [("exit", talk.exit_slip)]
    ]


class Examined(NamedTuple):
    """What the catalog keeps of one file, worked out without the catalog (so that
    many files can be read at once, in other processes)."""

    digest: str  # of its bytes (for notes, with the zone they were read in)
    readable: bool
    issue: tuple[Any, ...] | None  # the issues row, after its source
    rows: list[Row]
    featured: list[str]


def examine(workspace: Workspace, file: SourceFile) -> Examined:
    if not file.path.is_file():  # a folder, a pipe or a broken link where a file should be
        return Examined("", False, None, [], [])
    try:
        data = file.path.read_bytes()
    except OSError:
        return Examined("", False, None, [], [])
    digest = hashlib.sha256(data).hexdigest() + (f"@{file.zone}" if file.zone else "")
    if file.zone is not None and file.path.parent == workspace.notes_dir:
        return _examine_notes(workspace, file, digest)
    try:
        entry = read_archived(file.path, data)  # its bytes, read once for the digest too
    except InputError:
        return Examined(digest, False, None, [], [])
    issue = entry.issue
    row = (
        entry.number,
        entry.date.isoformat(),
        entry.subject,
        entry.status,
        entry.built_at.isoformat() if entry.built_at else None,
        entry.sent_at.isoformat() if entry.sent_at else None,
        entry.hand_edited,
        entry.reached,
        entry.recipients,
        entry.rendered,
        entry.tools,
        entry.posts,
        issue.edition,
        issue.group,
    )
    return Examined(digest, True, row, issue_rows(issue), sorted(issue.featured_keys()))


def _examine_notes(workspace: Workspace, file: SourceFile, digest: str) -> Examined:
    from newsletter.notes.kinds import KINDS
    from newsletter.notes.read import read_kind

    kind = next(k for k in KINDS.values() if k.file == file.path.name)
    problems: list[InputError] = []
    assert file.zone is not None
    notes = read_kind(workspace, kind, file.zone, problems)
    return Examined(digest, not problems, None, [rows_of(note) for note in notes], [])


# Reading 500 issues from nothing takes seconds: past this many, other processes
# read them too, one per core, while this one fills the catalog.
_MANY = 40


def examine_all(workspace: Workspace, files: list[SourceFile]) -> Iterator[Examined]:
    """Each file examined, in order."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if len(files) < _MANY or cores < 2:
        yield from (examine(workspace, file) for file in files)
        return
    import concurrent.futures
    import functools
    import multiprocessing

    # fork: the workers start at once, with everything already imported; they only
    # read files and never touch the catalog's connection, nor hold its locks (lock.py
    # lets go of them in a forked child).
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        min(cores, 4), mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield from pool.map(functools.partial(examine, workspace), files, chunksize=8)


def _die_with_parent(parent: int) -> None:
    """A worker of a command that is killed (kill -9) goes too, instead of waiting
    for work forever (Linux's PR_SET_PDEATHSIG; elsewhere it ends with its queue)."""
    import ctypes
    import signal

    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the command died before the line above
        os._exit(1)


class SourceFile(NamedTuple):
    """A file the catalog reads, as it found it on disk."""

    path: Path
    size: int
    mtime_ns: int
    zone: dt.tzinfo | None  # notes are read in the workspace's zone
