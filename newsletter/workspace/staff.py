"""Who gets the newsletter: staff.csv (as exported from a directory or a
spreadsheet) or one list address. Bad addresses are reported with their line and
skipped; the same person listed twice gets one copy."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.errors import InputError, shown
from newsletter.workspace import validate
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import Settings


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    groups: tuple[str, ...] = ()
    where: str = ""  # file:line in the staff list, to point at a row that cannot be sent


@dataclass
class StaffList:
    recipients: list[Recipient] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, with file:line

    def outside_ascii(self) -> list[str]:
        """Rows whose address only a server offering SMTPUTF8 takes, one line each."""
        return [
            f"{r.where}: {r.email} has letters outside ASCII; only a mail server that "
            "offers SMTPUTF8 takes it (the others refuse it, and the rest still get the issue)."
            for r in self.recipients
            if not r.email.isascii()
        ]


def is_address(text: str) -> bool:
    try:
        validate.address(text)
    except ValueError:
        return False
    return True


def read_staff_list(path: Path) -> StaffList:
    """Read staff.csv: a header with at least `email`; `name` and `groups` optional
    (groups separated by ';' or ','). Column names are matched without case."""
    if not path.is_file():
        raise InputError(
            f"{shown(path)}: no staff list.",
            hint="Export one with the columns email,name,groups, or set send.list_address "
            "in newsletter.yaml to a distribution list.",
        )
    result = StaffList()
    seen: dict[str, tuple[int, int]] = {}  # where each address is: in the list, on a line
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # -sig: the byte-order mark Excel writes
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first_line = text.split("\n", 1)[0]
    # Excel in much of Europe saves "CSV" with semicolons; a directory export may use tabs.
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
        if "email" not in columns:
            raise InputError(
                f"{shown(path)}:1: the header has no 'email' column.",
                hint="Make the first line 'email,name,groups'.",
            )

        def cell(row: dict[str, str | None], column: str) -> str:
            return (row.get(columns[column]) or "").strip() if column in columns else ""

        ended = reader.line_num  # the header's last line
        for row in _rows(reader, path):
            # A quoted cell may span lines: a row is named by the line it starts on.
            line, ended = ended + 1, reader.line_num
            email, name, groups_text = (cell(row, c) for c in ("email", "name", "groups"))
            if not email and not name:
                continue  # a blank line at the end of a spreadsheet export
            try:
                email = validate.address(email)
            except ValueError as err:
                result.problems.append(f"{shown(path)}:{line}: {err}; skipped.")
                continue
            try:
                name = validate.one_line(name)
                if len(name) > 200:  # a header line the server would refuse
                    raise ValueError(f"is {len(name)} characters long")
            except ValueError as err:
                result.problems.append(
                    f"{shown(path)}:{line}: the name of {email} {err}; sent without the name."
                )
                name = ""
            key = email.lower()
            groups = tuple(g.strip() for g in re.split(r"[;,]", groups_text) if g.strip())
            if key in seen:
                at, on_line = seen[key]
                first = result.recipients[at]
                known = {g.lower() for g in first.groups}
                more = tuple(g for g in groups if g.lower() not in known)
                also = f", and is in the groups of both ({', '.join(more)} added)" if more else ""
                result.problems.append(
                    f"{shown(path)}:{line}: {email} is also on line {on_line}; sent once{also}."
                )
                # A person on two rows is in both rows' groups: gets each edition once.
                result.recipients[at] = dataclasses.replace(first, groups=first.groups + more)
                continue
            seen[key] = (len(result.recipients), line)
            person = Recipient(email, name, groups, where=f"{shown(path)}:{line}")
            result.recipients.append(person)
    return result


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[dict[str, str | None]]:
    try:
        yield from reader
    except csv.Error as err:
        raise InputError(
            f"{shown(path)}:{reader.line_num}: the file cannot be read as CSV ({err}).",
            hint='Look for a quote (") that is never closed, then export it again.',
        ) from None


def in_groups(recipients: list[Recipient], groups: tuple[str, ...]) -> list[Recipient]:
    """Those in any of `groups` (matched without case), each once."""
    wanted = {g.strip().lower() for g in groups}
    return [r for r in recipients if wanted & {g.lower() for g in r.groups}]


def staff_of(workspace: Workspace, settings: Settings) -> StaffList:
    """Everyone the issue is for: the distribution list address when one is set,
    otherwise the staff list."""
    if settings.send.list_address:
        return StaffList([Recipient(settings.send.list_address)])
    return read_staff_list(workspace.root / settings.send.staff_list)
