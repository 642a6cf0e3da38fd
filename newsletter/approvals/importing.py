"""`approvals import`: the district's list as it already keeps it (a LearnPlatform
export, a Google Sheet saved as CSV) into approvals.yaml. Columns are found by
their header, values by the words such lists use ('Approved with Conditions',
'Denied', '8/1/2028'); every bad row is named with its line, and nothing is
written unless every row reads (or the bad ones are skipped). Importing the same
file twice changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.approvals.decide import BY_HAND
from newsletter.approvals.register import (
    AGREEMENTS,
    FIELDS,
    REGISTER_FILE,
    STATUSES,
    Approval,
    ApprovalField,
    read_approval,
    read_register,
    value_of,
)
from newsletter.errors import InputError, shown
from newsletter.text.plain import shorten
from newsletter.workspace.entries import as_written, entries_lock, file_entries, replace_entries
from newsletter.workspace.files import write_atomically
from newsletter.workspace.folder import Workspace
from newsletter.workspace.starter import starter_text
from newsletter.workspace.validate import ALL_GRADES
from newsletter.workspace.yamlfile import Sequence, suggest

# A column's header, as lists write it (compared without case, spaces or punctuation).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "product", "product name", "tool", "tool name", "app", "app name",
             "application", "resource", "resource name", "resource title", "product title",
             "title"),
    "url": ("url", "website", "web site", "link", "address", "web address", "product url",
            "site", "homepage"),
    "status": ("status", "approval status", "approval", "decision", "district status",
               "approval decision"),
    "conditions": ("conditions", "restrictions", "conditions of use", "approval conditions",
                   "notes on use"),
    "grades": ("grades", "grade", "grade levels", "grade level", "approved grades",
               "grades approved", "grade band"),
    "agreement": ("agreement", "agreement type", "contract type", "dpa type"),
    "dpa_url": ("dpa", "dpa url", "dpa link", "agreement url", "agreement link", "signed dpa"),
    "signed": ("signed", "signed date", "date signed", "dpa signed", "signed on"),
    "expires": ("expires", "expiration", "expiration date", "expiry", "expiry date",
                "dpa expiration", "dpa expires", "end date", "expires on", "contract end"),
    "review_by": ("review by", "review date", "next review", "renewal date"),
    "data_collected": ("data collected", "data elements", "student data", "data shared",
                       "student data collected"),
    "purpose": ("purpose", "educational purpose", "use", "description"),
    "student_accounts": ("student accounts", "student login", "sign in", "login", "sso"),
    "under_13": ("under 13", "coppa", "under 13 rule"),
    "privacy_rating": ("privacy rating", "privacy status", "common sense rating",
                       "privacy score"),
    "privacy_policy_url": ("privacy policy", "privacy policy url", "privacy policy link"),
    "policy_checked": ("policy checked", "privacy policy checked", "policy reviewed"),
    "decided_by": ("decided by", "approved by", "reviewed by", "reviewer"),
    "decided_on": ("decided on", "decision date", "approved on", "date approved",
                   "approval date"),
}  # fmt: skip

# Values as approved-tools lists write them, by the register's word.
STATUS_WORDS = {
    "approved": ("approved", "approve", "yes", "accepted", "allowed"),
    "approved-with-conditions": ("approved with conditions", "approved with restrictions",
                                 "conditionally approved", "conditional", "limited"),
    "no-student-data": ("no student data", "approved no student data",
                        "approved for teacher use", "teacher use only"),
    "pending": ("pending", "requested", "submitted", "new request"),
    "under-review": ("under review", "in review", "in progress", "reviewing"),
    "not-approved": ("not approved", "denied", "rejected", "unapproved", "declined", "no",
                     "not allowed", "blocked"),
    "retired": ("retired", "no longer approved", "expired", "discontinued", "archived"),
}  # fmt: skip
AGREEMENT_WORDS = {
    "ndpa": ("ndpa", "national dpa", "sdpc", "sdpc ndpa", "national data privacy agreement",
             "dpa"),
    "ndpa-exhibit-e": ("exhibit e", "ndpa exhibit e", "sdpc exhibit e"),
    "district-contract": ("district contract", "contract", "district dpa"),
    "vendor-terms": ("vendor terms", "terms of service", "tos", "terms"),
    "none": ("none", "no agreement", "n a", "na"),
}  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y",
                "%B %d %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%Y/%m/%d")  # fmt: skip
NOTHING = ("n a", "na", "tbd", "none given", "unknown", "")  # a cell that says nothing


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


_BY_HEADER = {_words(h): name for name, headers in HEADERS.items() for h in headers}
_BY_HEADER.update({_words(name): name for name in HEADERS})
_FIELDS = {item.name: item for item in FIELDS}


@dataclass
class Imported:
    added: list[Approval] = field(default_factory=list)
    updated: list[Approval] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # the bad rows, each one line
    ignored: list[str] = field(default_factory=list)  # headers matched to no field
    file: str = ""


def columns_of(header: list[str], mapping: Mapping[str, str], path: Path) -> dict[int, str]:
    """Each column's field, by its header (and --column HEADER=FIELD)."""
    wanted = {_words(h): f for h, f in mapping.items()}
    found: dict[int, str] = {}
    for index, title in enumerate(header):
        name = wanted.get(_words(title)) or _BY_HEADER.get(_words(title))
        if name is None or name == "-":
            continue
        if name in found.values():
            first = header[next(i for i, n in found.items() if n == name)]
            if _words(first) == _words(title):
                continue  # the same header twice: the first column is read (named below)
            raise InputError(
                f"{shown(path)}:1: the columns '{first}' and '{title}' are both read as '{name}'.",
                hint=f"Say which is not with --column '{title}=-'.",
            )
        found[index] = name
    if "name" not in found.values():
        raise InputError(
            f"{shown(path)}:1: no column holds the tools' names (the headers are "
            f"{', '.join(repr(h) for h in header[:8])}).",
            hint="Name it with --column 'YOUR HEADER=name'.",
        )
    if "status" not in found.values():
        raise InputError(
            f"{shown(path)}:1: no column holds the decisions (approved, pending, ...).",
            hint="Name it with --column 'YOUR HEADER=status'.",
        )
    return found


def checked_words(pairs: tuple[str, ...]) -> dict[str, str]:
    """--value 'Approved - Student Data=approved': a list's own word for a status or
    an agreement."""
    known = (*STATUSES, *AGREEMENTS)
    words = {}
    for pair in pairs:
        said, equals, meant = pair.rpartition("=")
        meant = "-".join(meant.strip().casefold().split())
        if not equals or not said.strip():
            raise InputError(f"--value: '{pair}' is not WORD=VALUE, like 'Denied=not-approved'.")
        if meant not in known:
            near = suggest(meant, known)
            raise InputError(
                f"--value: '{meant}' is no status or agreement"
                + (f"; did you mean '{near}'?" if near else "."),
                hint=f"Statuses: {', '.join(STATUSES)}; agreements: {', '.join(AGREEMENTS)}.",
            )
        words[_words(said)] = meant
    return words


def checked_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """--column 'Product Title=name', each checked: the field must be one the register
    has ('-' leaves the column out)."""
    known = ("name", *(f.name for f in FIELDS))
    mapping = {}
    for pair in pairs:
        header, equals, name = pair.rpartition("=")
        name = name.strip().replace("-", "_") if name.strip() != "-" else "-"
        if not equals or not header.strip():
            raise InputError(f"--column: '{pair}' is not HEADER=FIELD, like 'Product Title=name'.")
        if name not in known and name != "-":
            near = suggest(name, known)
            raise InputError(
                f"--column: '{name}' is not a field of the register"
                + (f"; did you mean '{near}'?" if near else "."),
                hint=f"Fields: {', '.join(known)}.",
            )
        mapping[header.strip()] = name
    return mapping


def read_rows(path: Path, mapping: Mapping[str, str], words: Mapping[str, str]
              ) -> tuple[list[tuple[int, dict[str, Any]]],
                                                                list[str], list[str]]:  # fmt: skip
    """The rows of the file as register entries, each with its line, the bad rows
    (one line each), and the headers read as nothing."""
    text = _text_of(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{shown(path)}: the file is empty.") from None
    except csv.Error as err:
        raise InputError(f"{shown(path)}:1: not a CSV file ({err}).") from None
    columns = columns_of(header, mapping, path)
    ignored = [h for i, h in enumerate(header) if i not in columns and h.strip()]
    rows: list[tuple[int, dict[str, Any]]] = []
    bad: list[str] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise InputError(f"{shown(path)}:{reader.line_num}: {err}.") from None
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        try:
            rows.append((start, _entry_of(cells, columns, header, words)))
        except ValueError as err:
            bad.append(f"{shown(path)}:{start}: {err}")
    return rows, bad, ignored


def _text_of(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{shown(path)}: cannot be read ({err.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's 'CSV' on Windows


def _entry_of(cells: list[str], columns: dict[int, str], header: list[str],
              words: Mapping[str, str]) -> dict[str, Any]:  # fmt: skip
    entry: dict[str, Any] = {}
    for index, name in columns.items():
        raw = cells[index].strip() if index < len(cells) else ""
        if not raw or _words(raw) in NOTHING:
            continue
        try:
            entry[name] = _cell_value(name, raw, words)
        except ValueError as err:
            raise ValueError(f"column '{header[index]}': {err}") from None
    if not entry.get("name"):
        raise ValueError(f"no name (column '{header[_column(columns, 'name')]}')")
    if not entry.get("status"):
        raise ValueError(f"no decision (column '{header[_column(columns, 'status')]}')")
    return entry


def _column(columns: dict[int, str], name: str) -> int:
    return next(index for index, field_name in columns.items() if field_name == name)


def _cell_value(name: str, raw: str, words: Mapping[str, str]) -> Any:
    if name == "name":
        return value_of(ApprovalField("name", ""), raw)
    if name in ("status", "agreement") and words.get(_words(raw)) in (*STATUSES, *AGREEMENTS):
        chosen = words[_words(raw)]
        if chosen in (STATUSES if name == "status" else AGREEMENTS):
            return chosen
    if name == "status":
        return _word(raw, STATUS_WORDS, STATUSES)
    if name == "agreement":
        return _word(raw, AGREEMENT_WORDS, AGREEMENTS)
    item = _FIELDS[name]
    if item.read == "day":
        return _date(raw)
    if item.read == "grades":
        return _grades(raw)
    if item.read == "words":
        return value_of(item, [w for w in re.split(r"[;,\n]", raw) if w.strip()])
    return value_of(item, raw)


def _word(raw: str, words: dict[str, tuple[str, ...]], choices: tuple[str, ...]) -> str:
    said = _words(raw)
    for choice, forms in words.items():
        if said in forms or said == _words(choice):
            return choice
    # A near word only of the vocabulary itself: 'Approved - Student Data' is not
    # 'approved no student data' (a list's near words can mean the opposite).
    near = suggest("-".join(said.split()), choices)
    hint = f" (did you mean '{near}'?)" if near else ""
    raise ValueError(
        f"'{shorten(raw, 40)}' is not one of {', '.join(choices)}{hint}; say what it means "
        f"with --value '{shorten(raw, 40)}=WORD'"
    )


def _date(raw: str) -> dt.date:
    text = " ".join(raw.split())
    try:  # 2028-08-01, 2028-08-01T00:00:00, 2028-08-01 00:00:00
        return value_of(_FIELDS["signed"], dt.datetime.fromisoformat(text).date().isoformat())
    except ValueError:
        pass
    text = re.sub(r"(?i)\s+\d{1,2}:\d{2}(:\d{2})?(\s*[ap]\.?m\.?)?$", "", text)  # a time of day
    for form in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
        return value_of(_FIELDS["signed"], day.isoformat())  # checks the year
    raise ValueError(f"'{shorten(raw, 40)}' is not a date; write it like 2028-08-01 or 8/1/2028")


def _grades(raw: str) -> list[str]:
    text = re.sub(r"(?i)\b(grades?|gr)\b\.?", " ", raw)  # 'gr. 3' too
    text = re.sub(r"(?i)\bpre-?k\b", "PK", text)  # before '-' is read as a band's
    text = re.sub(r"\s*(?:-|–|to|through)\s*", "-", text)
    if _words(text) in ("all", "all grades"):
        return [ALL_GRADES]
    if _words(text) == "k 12":
        return ["K-12"]
    return value_of(_FIELDS["grades"], text)


class BadRows(InputError):
    """Rows of the file that do not read: each one line, with its line."""

    def __init__(self, rows: list[str]) -> None:
        count = len(rows)
        super().__init__(
            f"{count} row{'s' if count != 1 else ''} of the file cannot be imported (listed "
            "above); nothing was imported.",
            hint="Fix the rows in the file, or import the others with --skip-bad.",
        )
        self.rows = rows


def import_register(
    workspace: Workspace,
    source: Path,
    mapping: Mapping[str, str],
    skip_bad: bool,
    dry_run: bool = False,
    words: Mapping[str, str] | None = None,
) -> Imported:
    """Read every row of `source`; then add the tools the register does not have and
    update those it has (the columns given replace its fields, the rest stay), in one
    write. Rows that do not read stop it, writing nothing, unless `skip_bad`; with
    `dry_run` nothing is written either way. `words`: a list's own words for a
    status or an agreement ('Approved - Student Data=approved')."""
    path, state_dir = workspace.approvals_file, workspace.state_dir
    rows, bad, ignored = read_rows(source, mapping, words or {})
    result = Imported(ignored=ignored, file=shown(path))
    with entries_lock(state_dir, path.name):
        register = read_register(path)
        entries = file_entries(path)
        lines = entries.line_of_item if isinstance(entries, Sequence) else None
        index_of = {lines(i): i for i in range(len(entries))} if lines else {}
        changes: dict[int, dict[str, Any]] = {}
        added: list[dict[str, Any]] = []
        seen: dict[str, int] = {}  # each tool's key: the row that named it
        updated_by: dict[int, int] = {}  # each entry of the register: the row that updates it
        for line, row in rows:
            approval = read_approval(row, source, line)
            twice = next((seen[key] for key in approval.keys if key in seen), None)
            both = register.two_entries(approval.name, approval.url)
            before = register.find(approval.name, approval.url)
            where = f"{shown(source)}:{line}: '{approval.name}'"
            if twice is not None:
                bad.append(f"{where} is the tool of line {twice} again; keep one of the two rows")
                continue
            if both:
                by_name, by_url = both
                bad.append(f"{where} is the tool of {REGISTER_FILE}:{by_name.line} by its name, "
                           f"and its address is that of '{by_url.name}' "
                           f"({REGISTER_FILE}:{by_url.line}); give the name and the address "
                           "of the same tool")  # fmt: skip
                continue
            if before is not None and before.line in updated_by:
                bad.append(f"{where} is '{before.name}' ({REGISTER_FILE}:{before.line}), which "
                           f"line {updated_by[before.line]} updates already; keep one of the "
                           "two rows")  # fmt: skip
                continue
            seen.update(dict.fromkeys(approval.keys, line))
            if before is None:
                added.append(approval.as_entry())
                result.added.append(approval)
                continue
            updated_by[before.line] = line
            index = index_of[before.line]
            entry = as_written(entries[index])
            entry.update({k: v for k, v in row.items() if k != "name"})
            after = read_approval(entry, path, before.line)
            if after == before:
                result.unchanged += 1
                continue
            changes[index] = entry
            result.updated.append(after)
        if bad and not skip_bad:
            raise BadRows(bad)
        result.skipped = bad
        if changes or added:
            if not path.exists() and not dry_run:
                write_atomically(path, starter_text(REGISTER_FILE))
                entries = file_entries(path)
            replace_entries(path, _listed(entries), changes, added, "the import cannot update it",
                            hint=BY_HAND, write=not dry_run)  # fmt: skip
    return result


def _listed(entries: list[Any]) -> Sequence:
    """The file's entries with their lines (none when the file is new or empty)."""
    if isinstance(entries, Sequence):
        return entries
    empty = Sequence()
    empty.item_lines = []
    return empty
