"""The register of vetted tools, approvals.yaml: one entry per tool, the district's
decision on it (its status, the grades it covers, the privacy agreement, what
student data it takes), matched to a tool the way the catalog matches tools: the
same address, or the same name however it is written.

Each field is described once in FIELDS: how the file reads it, how `vet` takes it
as an option, and how a spreadsheet's column is read by `approvals import`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from newsletter.errors import InputError, shown
from newsletter.model import tool_keys
from newsletter.workspace import validate
from newsletter.workspace.entries import file_entries
from newsletter.workspace.files import write_atomically
from newsletter.workspace.folder import Workspace
from newsletter.workspace.yamlfile import Fields, Sequence, collecting, suggest

REGISTER_FILE = "approvals.yaml"  # Workspace.approvals_file

STATUSES = (
    "approved",
    "approved-with-conditions",
    "no-student-data",  # approved; collects nothing from students
    "pending",
    "under-review",
    "not-approved",
    "retired",  # was approved, no longer
)
APPROVED = ("approved", "approved-with-conditions", "no-student-data")
REFUSED = ("not-approved", "retired")
AGREEMENTS = ("ndpa", "ndpa-exhibit-e", "district-contract", "vendor-terms", "none")
STUDENT_ACCOUNTS = ("none", "class-code", "google", "microsoft", "clever", "classlink", "email")
UNDER_13 = ("not-applicable", "school-consent", "parental-consent", "13-and-over-only")

# How a field's value is read.
TEXT, CHOICE, GRADES, DAY, URL, WORDS = "text", "choice", "grades", "day", "url", "words"


class ApprovalField(NamedTuple):
    name: str  # the key in approvals.yaml and the attribute of Approval
    help: str  # vet's option help
    read: str = TEXT
    choices: tuple[str, ...] = ()
    option_name: str = ""  # when vet's option is not --<name>

    @property
    def option(self) -> str:
        return self.option_name or "--" + self.name.replace("_", "-")


FIELDS = (
    ApprovalField("url", "The tool's web address (it is matched by it, or by its name).", URL),
    ApprovalField("status", f"The decision: {', '.join(STATUSES)}.", CHOICE, STATUSES),
    ApprovalField("conditions", "Conditions of use: 'teacher-led only; students use nicknames'."),
    ApprovalField("grades", "The grades the approval covers: K, 1-12 or bands like K-5.", GRADES),
    ApprovalField(
        "agreement", f"The privacy agreement: {', '.join(AGREEMENTS)}.", CHOICE, AGREEMENTS
    ),  # fmt: skip
    ApprovalField("dpa_url", "The signed agreement (PDF) or its registry entry.", URL, (), "--dpa"),
    ApprovalField("signed", "The day the agreement was signed.", DAY),
    ApprovalField("expires", "The day the agreement expires.", DAY),
    ApprovalField("review_by", "The day the decision is to be reviewed again.", DAY),
    ApprovalField("data_collected", "Student data it collects: 'first name, student work'.", WORDS),
    ApprovalField("purpose", "What the district uses it for, in one line."),
    ApprovalField(
        "student_accounts",
        f"How students sign in: {', '.join(STUDENT_ACCOUNTS)}.",
        CHOICE,
        STUDENT_ACCOUNTS,
    ),  # fmt: skip
    ApprovalField(
        "under_13", f"The under-13 rule (COPPA): {', '.join(UNDER_13)}.", CHOICE, UNDER_13
    ),  # fmt: skip
    ApprovalField("privacy_rating", "A privacy rating: 'Common Sense: pass, 86%'."),
    ApprovalField(
        "privacy_policy_url", "The vendor's privacy policy.", URL, (), "--privacy-policy"
    ),
    ApprovalField("policy_checked", "The day the privacy policy was last read.", DAY),
    ApprovalField(
        "decided_by",
        "Who decided: a role or committee (never shown on the site "
        "when it looks like a person's name).",
    ),  # fmt: skip
    ApprovalField(
        "decided_on", "The day it was decided (vet: today, when --status is given).", DAY
    ),  # fmt: skip
)
FIELD_NAMES = ("name", *(f.name for f in FIELDS))
FACTS = ("name", "status", "expires", "review_by", "policy_checked")  # Register.facts


@dataclass
class Approval:
    """The district's decision on one tool."""

    name: str
    status: str
    url: str = ""
    conditions: str = ""
    grades: list[str] = field(default_factory=list)  # none: every grade
    agreement: str = ""
    dpa_url: str = ""
    signed: dt.date | None = None
    expires: dt.date | None = None
    review_by: dt.date | None = None
    data_collected: list[str] = field(default_factory=list)
    purpose: str = ""
    student_accounts: str = ""
    under_13: str = ""
    privacy_rating: str = ""
    privacy_policy_url: str = ""
    policy_checked: dt.date | None = None
    decided_by: str = ""
    decided_on: dt.date | None = None
    line: int = field(default=0, compare=False)  # where it stands in approvals.yaml

    @property
    def keys(self) -> list[str]:
        """The keys a tool is matched by, the same as a tool find's."""
        return tool_keys(self.name, self.url)

    @property
    def approved(self) -> bool:
        return self.status in APPROVED

    @property
    def refused(self) -> bool:
        return self.status in REFUSED

    def lapsed(self, day: dt.date) -> bool:
        """Approved, but its agreement ended before `day`: no longer to be used."""
        return self.approved and self.expires is not None and self.expires < day

    @property
    def renew_by(self) -> dt.date | None:
        """The day it needs the district again: the agreement's end, or the review."""
        days = [day for day in (self.expires, self.review_by) if day]
        return min(days) if days else None

    def as_entry(self) -> dict[str, Any]:
        """The entry as approvals.yaml holds it: the fields that have a value."""
        entry: dict[str, Any] = {"name": self.name}
        for item in FIELDS:
            value = getattr(self, item.name)
            if value not in (None, "", []):
                entry[item.name] = value
        return entry

    def as_dict(self) -> dict[str, Any]:
        """For --format json, and the register's cache: dates as text."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


class Register:
    """Every decision of approvals.yaml, found by a tool's keys. A register read from
    its kept copy makes each Approval only when it is asked for: a build looks up a
    dozen tools of thousands."""

    def __init__(
        self,
        entries: Iterable[Approval] = (),
        path: Path | None = None,
        *,
        kept: list[str] | None = None,
        keys: dict[str, int] | None = None,
        facts: list[list[str]] | None = None,
    ) -> None:
        made = list(entries)
        self.path = path
        # Kept: each entry as JSON text, read when it is asked for.
        self._kept = kept if kept is not None else []
        self._rows: list[dict[str, Any]] | None = (
            None if kept is not None else [entry.as_dict() for entry in made]
        )
        self._made = dict(enumerate(made))
        self._keys = keys if keys is not None else _keys(made)
        self._facts = facts

    @property
    def facts(self) -> list[list[str]]:
        """Each entry's FACTS (name, status and its dates as ISO text, '' for none), a
        look over thousands of entries without reading each one whole."""
        if self._facts is None:
            self._facts = [[str(row.get(f) or "") for f in FACTS] for row in self.rows]
        return self._facts

    def __len__(self) -> int:
        return len(self._kept) if self._rows is None else len(self._rows)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Each entry as plain values (dates as ISO text, which sort as the dates do)."""
        if self._rows is None:
            self._rows = [json.loads(text) for text in self._kept]
        return self._rows

    def entry(self, index: int) -> Approval:
        if index not in self._made:
            row = self._rows[index] if self._rows is not None else json.loads(self._kept[index])
            self._made[index] = _from_dict(row)
        return self._made[index]

    @property
    def entries(self) -> list[Approval]:
        return [self.entry(index) for index in range(len(self))]

    def find(self, name: str, url: str = "") -> Approval | None:
        """The decision on the tool of this name and address: the address first (a
        tool renamed keeps its decision), then the name."""
        keys = tool_keys(name, url)
        index = next((self._keys[key] for key in keys if key in self._keys), None)
        return None if index is None else self.entry(index)

    def of(self, tool: Any) -> Approval | None:
        return self.find(tool.name, getattr(tool, "url", ""))

    def two_entries(self, name: str, url: str) -> tuple[Approval, Approval] | None:
        """The entry of this name and the other entry of this address, when they are
        two: which tool is meant? (Never the other one, silently.)"""
        by_name, by_url = self.find(name), self.find("", url) if url else None
        return (by_name, by_url) if by_name and by_url and by_name is not by_url else None


def _keys(entries: list[Approval]) -> dict[str, int]:
    return {key: index for index, entry in enumerate(entries) for key in entry.keys}


def value_of(item: ApprovalField, raw: Any) -> Any:
    """One field's value, checked: a ValueError says what is wrong (and 'did you mean')."""
    if item.read == CHOICE:
        return choice(raw, item.choices)
    if item.read == GRADES:
        return validate.grades(raw)
    if item.read == DAY:
        return validate.day(raw)
    if item.read == URL:
        return validate.url(raw)
    if item.read == WORDS:
        words = raw if isinstance(raw, list) else str(raw).split(",")
        return [validate.one_line(word) for word in words if str(word).strip()]
    return validate.one_line(raw)


def choice(raw: Any, choices: Iterable[str]) -> str:
    """A value of a vocabulary, however it was written ('Under Review' is under-review)."""
    choices = tuple(choices)
    text = "-".join(str(raw).strip().casefold().replace("_", " ").split())
    if text in choices:
        return text
    near = suggest(text, choices)
    said = f" (did you mean '{near}'?)" if near else ""
    raise ValueError(f"'{raw}' is not one of {', '.join(choices)}{said}")


def statuses_given(given: Iterable[str], also: tuple[str, ...] = ()) -> list[str]:
    """--status as given: repeated or with commas, each a status (or a word of
    `also`); a ValueError says which is none."""
    found = []
    for text in given:
        for part in (part.strip() for part in text.split(",")):
            if part:
                found.append(part if part in also else choice(part, STATUSES))
    return found


def read_approval(entry: Any, path: Path, line: int) -> Approval:
    f = Fields(entry, path, "register entry", line)
    f.only(FIELD_NAMES)
    name = f.text("name", required=True)  # says what is wrong with 'name: yes' or a list
    name = f.checked("name", validate.one_line, required=True) or name
    if "status" not in f.data or f.data["status"] is None:
        raise f.missing("status")
    values: dict[str, Any] = {}
    for item in FIELDS:
        raw = f.data.get(item.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if item.read in (TEXT, URL, CHOICE, DAY) and isinstance(raw, (dict, list, bool)):
            values[item.name] = f.text(item.name)  # says what is wrong with it
            continue
        if item.read in (WORDS, GRADES) and isinstance(raw, dict):
            raise f.fail(item.name, "expected a list, found a mapping.", hint="Write [a, b].")
        try:
            values[item.name] = value_of(item, raw)
        except ValueError as err:
            raise f.fail(item.name, f"{err}.") from None
    return Approval(name=name, line=f.line, **values)


def read_register(path: Path, problems: list[InputError] | None = None) -> Register:
    """approvals.yaml, every entry checked (file, line and field in each message);
    none there is an empty register. With `problems`, every mistake is recorded
    there and the entries that read are kept (for `check`); without, the first one
    is raised."""
    entries = collecting(problems, file_entries, path) or []
    lines = entries.line_of_item if isinstance(entries, Sequence) else (lambda index: 0)
    found: list[Approval] = []
    seen: dict[str, Approval] = {}
    for index, entry in enumerate(entries):
        approval = collecting(problems, read_approval, entry, path, lines(index))
        if approval is None:
            continue
        twice = next((seen[key] for key in approval.keys if key in seen), None)
        if twice is not None:
            err = InputError(
                f"{shown(path)}:{approval.line}: '{approval.name}' is the tool of line "
                f"{twice.line} ('{twice.name}') again; the register has one entry per tool.",
                hint="Keep one of the two entries (the same address, or the same name "
                "however it is written, is the same tool).",
            )
            if problems is None:
                raise err
            problems.append(err)
            continue
        seen.update(dict.fromkeys(approval.keys, approval))
        found.append(approval)
    return Register(found, path)


def load_register(workspace: Workspace) -> Register:
    """The workspace's register, read once per change of the file: a register of
    thousands of tools is kept, checked, in .newsletter/ as JSON and read from there
    while approvals.yaml stays as it is (by its content's digest)."""
    path, state_dir = workspace.approvals_file, workspace.state_dir
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Register([], path)
    except IsADirectoryError:
        data = b""
    if not data:
        return read_register(path)  # says what stands in its place, if anything
    digest = hashlib.sha256(data).hexdigest()
    cache = state_dir / "approvals.json"
    try:
        held = json.loads(cache.read_text(encoding="utf-8"))
        if held.get("digest") == digest and held.get("version") == _CACHE_VERSION:
            return Register(path=path, kept=held["entries"], keys=held["keys"],
                            facts=held["facts"])  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # none yet, or damaged: read the file
    register = read_register(path)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        rows = [
            {k: v for k, v in row.items() if v not in ("", [], None, 0)} for row in register.rows
        ]
        texts = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
        kept = {"version": _CACHE_VERSION, "digest": digest, "entries": texts,
                "keys": _keys(register.entries), "facts": register.facts}  # fmt: skip
        write_atomically(cache, json.dumps(kept, ensure_ascii=False))
    except OSError:
        pass  # a read-only workspace reads the file each time
    return register


_DAYS = {f.name for f in FIELDS if f.read == DAY}
_CACHE_VERSION = 3  # raise it when what is kept changes


def _from_dict(data: dict[str, Any]) -> Approval:
    values: dict[str, Any] = {
        k: dt.date.fromisoformat(v) if k in _DAYS and v else v for k, v in data.items()
    }
    return Approval(**values)
