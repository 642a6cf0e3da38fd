"""Recording the district's decisions in approvals.yaml: one at a time (`vet`), its
entry written again where it stands (or added at the end), every other line of the
file kept as the editor wrote it; or many at once from a spreadsheet (importing.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from newsletter.approvals.register import (
    FIELDS,
    REGISTER_FILE,
    Approval,
    ApprovalField,
    Register,
    read_approval,
    read_register,
    value_of,
)
from newsletter.errors import InputError, shown
from newsletter.model import tool_keys
from newsletter.workspace.entries import (
    append_entry,
    as_written,
    entries_lock,
    file_entries,
    replace_entries,
)
from newsletter.workspace.folder import Workspace
from newsletter.workspace.starter import starter_text
from newsletter.workspace.yamlfile import Sequence

BY_HAND = f"Write it as '- name: ...' lines in {REGISTER_FILE} (any editor), then again."


class Recorded(NamedTuple):
    approval: Approval
    file: str
    line: int
    new: bool  # a tool the register did not have
    before: Approval | None = None


def option_values(given: Mapping[str, Any]) -> dict[str, Any]:
    """vet's options, checked, by field: a mistake names its option. An empty value
    ('--conditions ""') takes the field away."""
    values: dict[str, Any] = {}
    for item in FIELDS:
        raw = given.get(item.name)
        if raw is None or raw == ():
            continue
        if isinstance(raw, tuple):
            raw = list(raw)
        if raw == "" or raw == [""]:
            values[item.name] = None
            continue
        try:
            values[item.name] = value_of(item, raw)
        except ValueError as err:
            raise InputError(f"{item.option}: {err}.") from None
    return values


def record_decision(
    workspace: Workspace, name: str, values: dict[str, Any], today: dt.date
) -> Recorded:
    """Record or update the decision on the tool `name` (or the tool at values['url']):
    the fields given replace those there, the others stay. With a status and no
    decided_on, the decision is today's."""
    path, state_dir = workspace.approvals_file, workspace.state_dir
    try:
        name = value_of(ApprovalField("name", ""), name)
    except ValueError as err:
        raise InputError(f"NAME: {err}.") from None
    if not name:
        raise InputError("NAME: no name given.", hint="Name the tool: newsletter vet Padlet ...")
    if values.get("status") and "decided_on" not in values:
        values = {**values, "decided_on": today}
    register = read_register(path)  # a mistake in the file is said before anything
    two_tools(register, name, values.get("url") or "", "NAME and --url")
    if register.find(name, values.get("url") or "") is None:
        return _new_decision(path, state_dir, name, values)
    with entries_lock(state_dir, path.name):
        register = read_register(path)  # again, under the lock
        entries = file_entries(path)
        before = register.find(name, values.get("url") or "")
        if before is None:  # taken away meanwhile
            raise InputError(f"'{name}' was taken out of {shown(path)} meanwhile; try again.")
        index = _index_of(entries, before)
        entry = as_written(entries[index])
        for key, value in values.items():
            entry.pop(key, None) if value is None else entry.__setitem__(key, value)
        if "status" not in entry:
            raise InputError(f"--status: the decision cannot be taken away from '{before.name}'.")
        line = entries.line_of_item(index) if isinstance(entries, Sequence) else 0
        approval = read_approval(entry, path, line)
        if approval != before and isinstance(entries, Sequence):
            replace_entries(path, entries, {index: entry}, [], "the decision cannot be changed",
                            hint=BY_HAND)  # fmt: skip
        return Recorded(_at(approval, line), shown(path), line, False, before)


def two_tools(register: Register, name: str, url: str, what: str) -> None:
    """A name that is one entry's and an address that is another's: which tool is
    meant? Never the other one, silently."""
    both = register.two_entries(name, url)
    if both:
        by_name, by_url = both
        raise InputError(
            f"{what}: '{name}' is the tool of {REGISTER_FILE}:{by_name.line}, and {url} "
            f"the address of '{by_url.name}' ({REGISTER_FILE}:{by_url.line}); which is it?",
            hint="Give the name and the address of the same tool.",
        )


def _new_decision(path: Path, state_dir: Path, name: str, values: dict[str, Any]) -> Recorded:
    """A tool the register does not have yet, added at the end of the file (which,
    when there is none yet, starts as the starter's commented register)."""
    if not values.get("status"):
        raise InputError(
            f"'{name}' is not in {shown(path)} yet; a new entry needs its decision.",
            hint="Give it with --status (approved, pending, not-approved, ...).",
        )
    entry = {"name": name, **{k: v for k, v in values.items() if v is not None}}
    approval = read_approval(entry, path, 0)

    def not_there(entries: list[Any]) -> None:  # another vet may have added it meanwhile
        for index, other in enumerate(entries):
            if not isinstance(other, dict):
                continue
            keys = tool_keys(str(other.get("name", "")), str(other.get("url") or ""))
            if set(keys) & set(approval.keys):
                line = entries.line_of_item(index) if isinstance(entries, Sequence) else 0
                raise InputError(
                    f"'{name}' was added to {shown(path)}:{line} meanwhile; try again."
                )

    starter = starter_text(REGISTER_FILE)
    line = append_entry(path, approval.as_entry(), state_dir, not_there, new_file=starter)
    return Recorded(_at(approval, line), shown(path), line, True)


def _index_of(entries: list[Any], approval: Approval) -> int:
    """The place in the file of the entry read as `approval` (by its line)."""
    lines = entries.line_of_item if isinstance(entries, Sequence) else None
    for index in range(len(entries)):
        if lines is not None and lines(index) == approval.line:
            return index
    raise InputError(f"'{approval.name}' was not found again in {REGISTER_FILE}; try again.")


def _at(approval: Approval, line: int) -> Approval:
    approval.line = line
    return approval
