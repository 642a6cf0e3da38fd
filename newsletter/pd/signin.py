"""A talk's sign-in sheet (a Google Form's or Microsoft Form's responses, exported as
CSV): its columns found by their headers (an address, a name, a time), each row
matched to staff.csv by its address, then by its name. A row that matches nobody is
named: by its address it is still recorded (someone new to the staff list), by a
name alone it cannot be."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.errors import InputError, shown
from newsletter.text.names import squash
from newsletter.workspace import validate
from newsletter.workspace.staff import Recipient

# What forms and spreadsheets call each column (compared without case or spaces).
HEADERS = {
    "email": ("email", "emailaddress", "e-mail", "e-mailaddress", "username", "youremail",
              "schoolemail", "workemail", "mail"),
    "name": ("name", "fullname", "yourname", "teacher", "teachername", "staffname",
             "participant", "attendee"),
    "first": ("firstname", "first", "givenname"),
    "last": ("lastname", "last", "surname", "familyname"),
    "time": ("timestamp", "time", "date", "submitted", "completiontime", "starttime"),
}  # fmt: skip
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class SignIns:
    people: list[tuple[str, str]] = field(default_factory=list)  # (email, name) matched
    unknown: list[str] = field(default_factory=list)  # rows matching nobody: one line each
    repeated: int = 0  # rows of someone already signed in above


def _key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum() or ch == "-")


def read_sign_in(path: Path, staff: list[Recipient], columns: dict[str, str]) -> SignIns:
    """The people of a sign-in CSV. `columns`: header -> field (email, name), for the
    headers a form calls otherwise."""
    text = _text(path)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    # strict: a quote never closed is an error, not the rest of the file in one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as err:  # a quote never closed, say
        raise InputError(
            f"{shown(path)}:{reader.line_num}: cannot be read as CSV ({err}); nothing was "
            "recorded.",
            hint='Look for a quote (") that is never closed, or export the responses again.',
        ) from None
    if not rows or len(rows[0]) < 1:
        raise InputError(f"{shown(path)}: empty; there is no sign-in in it.")
    where = _columns(rows[0], columns, path)
    by_email = {r.email.lower(): r for r in staff}
    by_name: dict[str, list[Recipient]] = {}
    for r in staff:
        if r.name:
            by_name.setdefault(squash(r.name), []).append(r)
    result = SignIns()
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):

        def cell(name: str, row: list[str] = row) -> str:
            at = where.get(name)
            return row[at].strip() if at is not None and at < len(row) else ""

        email = cell("email")
        name = cell("name") or " ".join(p for p in (cell("first"), cell("last")) if p)
        if not email and not name:
            continue  # a blank line
        person = by_email.get(email.lower())
        alike = by_name.get(squash(name), []) if name and person is None else []
        if len(alike) > 1:  # two of the staff have that name: which one came is not known
            result.unknown.append(
                f"{shown(path)}:{number}: '{name}' is the name of {len(alike)} people in "
                f"staff.csv ({', '.join(r.email for r in alike)}); not recorded. Add the "
                "right one with 'newsletter attended DATE EMAIL'."
            )
            continue
        person = person or (alike[0] if alike else None)
        if person is None and email:
            try:
                email = validate.address(email)
            except ValueError as err:
                result.unknown.append(f"{shown(path)}:{number}: {err}; not recorded.")
                continue
            result.unknown.append(
                f"{shown(path)}:{number}: {email} is not in staff.csv; recorded as given."
            )
            person = Recipient(email, validate.one_line(name) if name else "")
        if person is None:
            result.unknown.append(
                f"{shown(path)}:{number}: '{name}' matches nobody in staff.csv and gives no "
                "address; not recorded."
            )
            continue
        if person.email.lower() in seen:
            result.repeated += 1
            continue
        seen.add(person.email.lower())
        result.people.append((person.email, person.name or name))
    return result


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as err:
        raise InputError(f"{shown(path)}: cannot be read ({err.strerror or err}).") from None
    if len(raw) > MAX_BYTES:
        raise InputError(
            f"{shown(path)}: over {MAX_BYTES // 2**20} MB; no sign-in sheet is that long.",
            hint="Export one talk's responses, as CSV (.csv).",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text": UTF-16
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\0" in raw[:4096]:
        raise InputError(
            f"{shown(path)}: not a CSV file (it is binary: a spreadsheet or a picture?).",
            hint="Export the form's responses as CSV (.csv), not as a spreadsheet (.xlsx).",
        )
    try:
        return raw.decode("utf-8-sig")  # the byte-order mark Excel and Google write
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _columns(header: list[str], given: dict[str, str], path: Path) -> dict[str, int]:
    """Each field's column number, by the headers' names (and `given` first)."""
    named = {_key(given_header): field for given_header, field in given.items()}
    missing = [h for h in given if _key(h) not in {_key(title) for title in header}]
    if missing:
        shown_headers = ", ".join(repr(h) for h in header[:12])
        raise InputError(
            f"{shown(path)}:1: --column '{missing[0]}': the sheet has no such header (its "
            f"headers: {shown_headers}).",
            hint="Give a header as the sheet's first line writes it.",
        )
    where: dict[str, int] = {}
    for number, title in enumerate(header):
        key = _key(title)
        field_name = named.get(key) or next((f for f, keys in HEADERS.items() if key in keys), "")
        if field_name and field_name not in where:
            where[field_name] = number
    if not {"email", "name", "first"} & where.keys():
        shown_headers = ", ".join(repr(h) for h in header[:8]) or "none"
        raise InputError(
            f"{shown(path)}:1: no column of an address or a name (the headers: {shown_headers}).",
            hint="Name yours with --column 'HEADER=email' (or =name).",
        )
    return where
