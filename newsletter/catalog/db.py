"""The catalog: the archive (and the notes not yet sent) in an SQLite file,
`.newsletter/catalog.sqlite`, with an FTS5 full-text index of everything featured.

`issues/*.md` stay the record; the catalog is made from them and can be deleted
at any time. Each command brings it up to date first, reading only the files
whose size, modification time or fingerprint changed, so that a command over ten
years of issues reads one small file and a few changed ones, not 500. A catalog
that is missing, from another version or damaged is made again from the archive.

Two commands at once (a cron build while the editor searches) are safe: readers
never wait (WAL), and updates take turns under a lock file.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from newsletter import clock
from newsletter.archive.record import (
    PARTLY_SENT,
    SENT,
    Archive,
    ArchivedIssue,
    archive_files,
)
from newsletter.catalog.rows import Examined, Row, SourceFile, examine_all
from newsletter.errors import NewsletterError, shown
from newsletter.text.names import squash
from newsletter.workspace.folder import Workspace
from newsletter.workspace.lock import waiting_lock
from newsletter.workspace.validate import grade_mask

CATALOG_NAME = "catalog.sqlite"
SCHEMA_VERSION = 6  # raise it when the tables change: an older catalog is made again
PUBLISHED = (SENT, PARTLY_SENT)

_SCHEMA = """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,   -- in the workspace: issues/2026-11-27.md, notes/tools.yaml
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL,        -- of the bytes (for notes, with the zone they were read in)
    readable INTEGER NOT NULL    -- 0: it has a mistake, which the command that needs it names
);
CREATE TABLE issues (
    source INTEGER PRIMARY KEY,
    number INTEGER NOT NULL,
    date TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    built_at TEXT,
    sent_at TEXT,
    hand_edited INTEGER NOT NULL,
    reached INTEGER NOT NULL,
    recipients INTEGER NOT NULL,
    rendered TEXT NOT NULL,
    tools INTEGER NOT NULL,
    posts INTEGER NOT NULL,
    edition TEXT NOT NULL,       -- '' for an issue without editions (as its content says)
    grp TEXT NOT NULL            -- the group of staff.csv the edition went to
);
CREATE TABLE entries (           -- each tool, link, post, tip or event of an issue or the notes
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,           -- the same thing in two issues has the same key
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    squashed TEXT NOT NULL,      -- the name in lower-case letters and digits only
    grades TEXT NOT NULL,        -- as written: '3-5, 6-8'
    grade_mask INTEGER NOT NULL, -- one bit per grade, PK first
    subjects TEXT NOT NULL,
    cost TEXT NOT NULL,
    day TEXT                     -- an event's day
);
CREATE INDEX entries_source ON entries(source);
CREATE INDEX entries_kind ON entries(kind, key);
CREATE TABLE featured (source INTEGER NOT NULL, key TEXT NOT NULL);
CREATE INDEX featured_key ON featured(key);
CREATE INDEX featured_source ON featured(source);
CREATE VIRTUAL TABLE entry_text USING fts5(
    name, body, tags, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""
_SETTLED_NS = 3_000_000_000
_TABLES = ("sources", "issues", "entries", "featured", "entry_text")


def catalog_path(workspace: Workspace) -> Path:
    return workspace.state_dir / CATALOG_NAME


# Whichever command finds the catalog damaged says so (the catalog is everyone's):
# the core logs it, and the command line shows it as a note (cli/terminal.py).
_log = logging.getLogger("newsletter")


class Catalog:
    """The catalog of one workspace, up to date as of `update()`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.path = catalog_path(workspace)
        self._db: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None  # the file opened: (device, inode)
        self._zone: dt.tzinfo | None = None  # notes are in the catalog, read in this zone

    # --- opening, and making it again ---------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: every change is an explicit BEGIN IMMEDIATE ... COMMIT.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        opened = self.path.stat()
        self._file_id = (opened.st_dev, opened.st_ino)
        try:
            db.execute("PRAGMA synchronous=NORMAL")  # it can be made again; no fsync each time
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                self._create(db)
            elif db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                with self._updating():
                    self._use_wal(db)
        except BaseException:
            db.close()
            raise
        return db

    def _create(self, db: sqlite3.Connection) -> None:
        """The tables, made anew (after a change of version: what was there is dropped)."""
        with self._updating():
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return  # another command made them meanwhile
            self._use_wal(db)
            db.execute("BEGIN IMMEDIATE")
            for name in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {name}")
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("COMMIT")

    @staticmethod
    def _use_wal(db: sqlite3.Connection) -> None:
        """Readers never wait for a writer (WAL). Switched to only under the lock file:
        the switch reads the file's header, then writes it, and SQLite fails that
        upgrade at once (SQLITE_BUSY, whatever the busy timeout) when another command
        is switching the same new file."""
        db.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def _updating(self) -> Iterator[None]:
        """One command at a time changes the catalog; the others wait their turn."""
        lock = self.workspace.state_dir / "catalog.lock"
        with waiting_lock(lock, "another command has been updating the catalog for 60 s.", 60):
            yield

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def remake(self, err: sqlite3.DatabaseError) -> None:
        """Delete a damaged catalog (it is only ever derived), so the next use makes
        it again from the archive."""
        self.close()
        with self._updating():
            try:
                now = self.path.stat()
            except FileNotFoundError:
                return
            if (now.st_dev, now.st_ino) != self._file_id:
                return  # another command has made it again already
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        _log.warning(
            f"the catalog {shown(self.path)} could not be read ({_first_line(err)}); "
            "made it again from the archive."
        )

    def guarded(self, action: Any, *args: Any, snapshot: bool = True) -> Any:
        """Run `action`; if the catalog turns out damaged, make it again and retry once.
        Any other trouble with the file (a read-only folder, a full disk) is one line.

        The action reads one snapshot of the catalog: each statement on its own would
        see another command's update land between two of them (a row found by one
        query gone by the next)."""

        def attempt() -> Any:
            if not snapshot:
                return action(*args)
            with self._transaction("BEGIN"):
                return action(*args)

        try:
            try:
                return attempt()
            except sqlite3.DatabaseError as err:
                if not damaged(err):
                    raise
                self.remake(err)
                self._update(self._zone)  # made again from the archive, then asked again
                return attempt()
        except sqlite3.Error as err:
            raise NewsletterError(
                f"the catalog {shown(self.path)} cannot be used ({_first_line(err)}).",
                hint="Check that the folder can be written to; the file can be deleted, "
                "it is made again from issues/.",
            ) from None

    # --- bringing it up to date ------------------------------------------------------

    @property
    def zone(self) -> dt.tzinfo | None:
        """The workspace's zone, once the catalog was brought up to date in it."""
        return self._zone

    def update(self, zone: dt.tzinfo | None = None, thorough: bool = False) -> None:
        """Read what changed in the archive (and, given the workspace's zone, in the
        notes) since the last command. `thorough` also reads the whole file for damage
        SQLite has not noticed (for the commands that act on what it says)."""
        self._zone = zone
        self.guarded(self._update, zone, snapshot=False)  # it has transactions of its own
        if thorough:
            self.guarded(self._verify)

    def _verify(self) -> None:
        # The tables what a build decides comes from (the whole file takes ten times as
        # long; damage in the full-text index shows when a search reads it).
        for table in ("sources", "issues", "featured", "entries"):
            (result,) = self.db.execute(f"PRAGMA quick_check({table})").fetchone()
            if result != "ok":
                raise sqlite3.DatabaseError(f"its check says: {result}")

    def _update(self, zone: dt.tzinfo | None) -> None:
        files = self._files(zone)
        with_notes = zone is not None
        with self._transaction("BEGIN"):  # one snapshot for the look and the count
            unchanged = not self._changes(files, with_notes)
            if unchanged:
                self._check_counts(files)
        if unchanged:
            return
        with self._updating(), self._transaction("BEGIN IMMEDIATE"):
            # Looked at again: another command may have done some of it meanwhile.
            changes = self._changes(files, with_notes)
            for source in changes:
                if source not in files:
                    self._forget(source)
            found = [files[source] for source in changes if source in files]
            for file, examined in zip(found, examine_all(self.workspace, found), strict=True):
                self._record(file, examined)
            self._check_counts(files)

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        db = self.db
        db.execute(begin)
        try:
            yield
        except BaseException:
            with suppress(sqlite3.Error):  # a damaged file may refuse even this
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _check_counts(self, files: dict[str, SourceFile]) -> None:
        """A cheap look for damage SQLite does not report: the catalog must have as
        many issue files as issues/ has, and an issue for each readable one."""
        issue_files = sum(1 for name in files if name.startswith("issues/"))
        (known, readable), (issues,) = (
            self.db.execute(
                "SELECT count(*), coalesce(sum(readable), 0) FROM sources "
                "WHERE path LIKE 'issues/%'"
            ).fetchone(),
            self.db.execute("SELECT count(*) FROM issues").fetchone(),
        )
        if known != issue_files or readable != issues:
            raise sqlite3.DatabaseError("it does not match the archive")

    def _files(self, zone: dt.tzinfo | None) -> dict[str, SourceFile]:
        """Every file the catalog is made of, by its path in the workspace."""
        paths: list[tuple[Path, dt.tzinfo | None]] = [
            (path, None) for path in archive_files(self.workspace)
        ]
        if zone is not None:
            from newsletter.notes.kinds import KINDS

            notes = [self.workspace.notes_dir / kind.file for kind in KINDS.values()]
            paths += [(path, zone) for path in notes if path.is_file()]
        files = {}
        for path, read_in in paths:
            try:  # a broken link is a file that cannot be read, not no file
                stat = path.stat() if path.exists() else path.lstat()
            except OSError:
                continue  # gone since it was listed
            name = path.relative_to(self.workspace.root).as_posix()
            files[name] = SourceFile(path, stat.st_size, stat.st_mtime_ns, read_in)
        return files

    def _changes(self, files: dict[str, SourceFile], with_notes: bool) -> list[str]:
        """The sources added, changed (by size or time) or gone since the last update.
        Notes are looked at only when they are being read."""
        known = {
            path: (size, mtime)
            for path, size, mtime in self.db.execute("SELECT path, size, mtime_ns FROM sources")
        }
        gone = [p for p in known if p not in files and (with_notes or p.startswith("issues/"))]
        changed = [p for p, f in files.items() if known.get(p) != (f.size, f.mtime_ns)]
        return gone + changed

    def _record(self, file: SourceFile, examined: Examined) -> None:
        """Put what one file holds into the catalog, unless it is there already."""
        db = self.db
        name = file.path.relative_to(self.workspace.root).as_posix()
        # A file changed within the last seconds may change again within the same
        # tick of the file system's clock, size and all: its time is not kept, so
        # the next command looks at its bytes again (as git does).
        settled = clock.nanoseconds_since(file.mtime_ns) > _SETTLED_NS
        mtime = file.mtime_ns if settled else 0
        row = db.execute("SELECT id, digest FROM sources WHERE path = ?", (name,)).fetchone()
        if row and row[1] == examined.digest:  # touched, not changed
            db.execute(
                "UPDATE sources SET size = ?, mtime_ns = ? WHERE id = ?", (file.size, mtime, row[0])
            )
            return
        if row:
            self._forget(name)
        source_id = db.execute(
            "INSERT INTO sources (path, size, mtime_ns, digest, readable) VALUES (?, ?, ?, ?, ?)",
            (name, file.size, mtime, examined.digest, examined.readable),
        ).lastrowid
        if examined.issue is not None:
            db.execute(
                f"INSERT INTO issues VALUES (?, {', '.join('?' * 14)})",
                (source_id, *examined.issue),
            )
        db.executemany(
            "INSERT INTO featured VALUES (?, ?)", [(source_id, key) for key in examined.featured]
        )
        assert source_id is not None
        self._insert(source_id, examined.rows)

    def _forget(self, name: str) -> None:
        db = self.db
        row = db.execute("SELECT id FROM sources WHERE path = ?", (name,)).fetchone()
        if row is None:
            return
        db.execute(
            "DELETE FROM entry_text WHERE rowid IN (SELECT id FROM entries WHERE source = ?)", row
        )
        for table in ("entries", "featured", "issues"):
            db.execute(f"DELETE FROM {table} WHERE source = ?", row)
        db.execute("DELETE FROM sources WHERE id = ?", row)

    def _insert(self, source_id: int, rows: list[Row]) -> None:
        (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()
        ids = range(last + 1, last + 1 + len(rows))
        self.db.executemany(
            "INSERT INTO entries (id, source, kind, key, name, url, squashed, grades, grade_mask,"
            " subjects, cost, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    entry_id,
                    source_id,
                    row.kind,
                    row.key,
                    row.name,
                    row.url,
                    squash(row.name),
                    ", ".join(row.grades),
                    grade_mask(row.grades),
                    ", ".join(row.subjects),
                    row.cost,
                    row.day,
                )
                for entry_id, row in zip(ids, rows, strict=True)
            ],
        )
        self.db.executemany(
            "INSERT INTO entry_text (rowid, name, body, tags) VALUES (?, ?, ?, ?)",
            [
                (entry_id, row.name, row.body, row.tags)
                for entry_id, row in zip(ids, rows, strict=True)
            ],
        )

    # --- what commands ask of it -------------------------------------------------------

    def archive(self) -> Archive:
        """Every issue, oldest first, from the catalog alone (no issue file is read)."""
        return self.guarded(self._archive)  # type: ignore[no-any-return]

    def _archive(self) -> Archive:
        rows = self.db.execute(
            f"SELECT s.path, {_ISSUE_COLUMNS} FROM issues i JOIN sources s ON s.id = i.source "
            "ORDER BY s.path"
        ).fetchall()
        entries = [self._archived(row[0], row[1:]) for row in rows]
        return Archive(sorted(entries, key=lambda entry: entry.key), self._unreadable_issues())

    def _archived(self, path: str, row: Sequence[Any]) -> ArchivedIssue:
        number, date, subject, status, built, sent, edited, reached, of, rendered, tools, posts = (
            row[:12]
        )
        return ArchivedIssue(
            path=self.workspace.root / path,
            number=number,
            date=dt.date.fromisoformat(date),
            subject=subject,
            status=status,
            built_at=dt.datetime.fromisoformat(built) if built else None,
            sent_at=dt.datetime.fromisoformat(sent) if sent else None,
            hand_edited=bool(edited),
            reached=reached,
            recipients=of,
            rendered=rendered,
            tools=tools,
            posts=posts,
            edition=row[12],
        )

    def digests(self) -> dict[Path, str]:
        """Each archive file's digest (of its bytes): what the public site compares to
        tell which issues changed since it was made."""
        return self.guarded(self._digests)  # type: ignore[no-any-return]

    def _digests(self) -> dict[Path, str]:
        rows = self.db.execute(
            "SELECT s.path, s.digest FROM sources s JOIN issues i ON i.source = s.id"
        )
        return {self.workspace.root / path: digest for path, digest in rows}

    def unreadable(self) -> list[Path]:
        """The files of the archive and the notes that have a mistake in them."""
        return self.guarded(self._unreadable)  # type: ignore[no-any-return]

    def _unreadable(self) -> list[Path]:
        rows = self.db.execute("SELECT path FROM sources WHERE readable = 0 ORDER BY path")
        return [self.workspace.root / path for (path,) in rows]

    def unreadable_issues(self) -> list[Path]:
        """The archive's files that have a mistake in them (the notes' left out)."""
        return self.guarded(self._unreadable_issues)  # type: ignore[no-any-return]

    def _unreadable_issues(self) -> list[Path]:
        return [p for p in self._unreadable() if p.parent == self.workspace.issues_dir]

    def published_events(self) -> set[str]:
        """The keys of the events shown in an issue someone got."""
        return self.guarded(self._published_events)  # type: ignore[no-any-return]

    def _published_events(self) -> set[str]:
        rows = self.db.execute(
            "SELECT DISTINCT e.key FROM entries e JOIN issues i ON i.source = e.source "
            f"WHERE e.kind = 'event' AND i.status IN {PUBLISHED}"
        )
        return {key for (key,) in rows}

    def request_ids(self) -> set[str]:
        """The id of every teacher's request the archive (or the notes) has had."""
        return self.guarded(self._request_ids)  # type: ignore[no-any-return]

    def _request_ids(self) -> set[str]:
        rows = self.db.execute("SELECT DISTINCT key FROM entries WHERE kind = 'request'")
        return {key.partition(":")[2] for (key,) in rows}

    def featured_keys(self, edition: str | None = None, group: str = "") -> dict[str, int]:
        """Everything featured in an issue someone got, with the number of the last
        such issue: later builds skip it (unless a note says to feature it again).
        For an edition: in the issues its group got, that is the edition's own (also
        under an earlier name), those sent to that group, and those from before editions."""
        return self.guarded(self._featured_keys, edition, group)  # type: ignore[no-any-return]

    def _featured_keys(self, edition: str | None, group: str) -> dict[str, int]:
        among = "" if edition is None else "AND (i.edition IN ('', ?) OR lower(i.grp) = ?) "
        rows = self.db.execute(
            "SELECT f.key, max(i.number) FROM featured f JOIN issues i ON i.source = f.source "
            f"WHERE i.status IN {PUBLISHED} {among}GROUP BY f.key",
            () if edition is None else (edition, group.lower() or "\0"),
        )
        return dict(rows.fetchall())

    def featured_in(self, keys: Sequence[str]) -> list[tuple[ArchivedIssue, str]]:
        """The issues someone got that feature any of `keys`, oldest first, each with
        the name it was featured under."""
        return self.guarded(self._featured_in, list(keys))  # type: ignore[no-any-return]

    def _featured_in(self, keys: list[str]) -> list[tuple[ArchivedIssue, str]]:
        marks = ", ".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT s.path, {_ISSUE_COLUMNS}, min(e.name) FROM featured f "
            "JOIN issues i ON i.source = f.source JOIN sources s ON s.id = i.source "
            "LEFT JOIN entries e ON e.source = f.source AND (e.key = f.key OR "
            "(e.kind = 'tool' AND 'tool-name:' || e.squashed = f.key)) "
            f"WHERE f.key IN ({marks}) AND i.status IN {PUBLISHED} "
            "GROUP BY s.path ORDER BY i.date",
            keys,
        ).fetchall()
        return [(self._archived(row[0], row[1:-1]), row[-1] or "") for row in rows]

    def featured_tools(self) -> list[tuple[str, ArchivedIssue]]:
        """Each tool name featured in an issue someone got, with the first such issue."""
        return self.guarded(self._featured_tools)  # type: ignore[no-any-return]

    def _featured_tools(self) -> list[tuple[str, ArchivedIssue]]:
        rows = self.db.execute(
            f"SELECT e.name, s.path, {_ISSUE_COLUMNS} FROM entries e "
            "JOIN issues i ON i.source = e.source JOIN sources s ON s.id = i.source "
            f"WHERE e.kind = 'tool' AND i.status IN {PUBLISHED} ORDER BY i.date"
        ).fetchall()
        first: dict[str, tuple[str, ArchivedIssue]] = {}
        for row in rows:
            first.setdefault(squash(row[0]), (row[0], self._archived(row[1], row[2:])))
        return list(first.values())


_ISSUE_COLUMNS = (
    "i.number, i.date, i.subject, i.status, i.built_at, i.sent_at, i.hand_edited, "
    "i.reached, i.recipients, i.rendered, i.tools, i.posts, i.edition"
)


def _first_line(err: Exception) -> str:
    """What SQLite says, cut short: its check's report can run to pages, and a
    decoding error quotes the stored text."""
    return next(iter(str(err).splitlines()), "")[:80]


def damaged(err: sqlite3.DatabaseError) -> bool:
    """Is this the catalog file being damaged (not a lock, a full disk, a bug)?"""
    if "decode" in str(err):  # text that is not UTF-8: bytes changed under SQLite
        return True
    if str(err).startswith("no such table:"):  # one of its tables dropped: made again
        return True
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)  # type: ignore[attr-defined]
    return type(err) is sqlite3.DatabaseError


@contextmanager
def open_catalog(
    workspace: Workspace, zone: dt.tzinfo | None = None, thorough: bool = False
) -> Iterator[Catalog]:
    """The workspace's catalog, brought up to date (with the notes, given the zone)."""
    catalog = Catalog(workspace)
    try:
        catalog.update(zone, thorough)
        yield catalog
    finally:
        catalog.close()


def load_archive(workspace: Workspace) -> list[ArchivedIssue]:
    """Every archived issue, oldest first, for a command that needs them all: an
    issue that cannot be read stops it, named with file and line."""
    with open_catalog(workspace) as catalog:
        return catalog.archive().all_or_raise()
