"""What `check` says of the register of vetted tools: its mistakes (each with its
line), agreements that expired or soon expire, privacy policies not read for a year,
tools the newsletter featured that the district no longer approves, and entries
whose name looks like a typo of a tool the catalog knows."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Any

from newsletter.approvals.register import (
    APPROVED,
    REFUSED,
    Register,
    load_register,
    read_register,
)
from newsletter.approvals.verdict import where
from newsletter.errors import InputError
from newsletter.text.names import squash
from newsletter.workspace.folder import Workspace

POLICY_CHECKED_WITHIN = 365  # days: a privacy policy is read again each year


def register_findings(
    workspace: Workspace,
    today: dt.date,
    remind_days: int,
    featured: Iterable[Any],
    noted: Iterable[Any],
) -> tuple[list[str], list[str]]:
    """(problems, warnings) of approvals.yaml. `featured`: the catalog's tools (name,
    url, last_number, last_date); `noted`: the tool finds in the notes."""
    errors: list[InputError] = []
    try:  # read once per change of the file: a register kept is one that read whole
        register = load_register(workspace)
    except InputError:
        register = read_register(workspace.approvals_file, errors)  # every mistake
    problems = [str(err) for err in errors]
    warnings = _renewals(register, today, remind_days)
    warnings += _policies_not_checked(register, today)
    featured = list(featured)
    warnings += _featured_then_refused(register, featured)
    warnings += _typos(register, [*featured, *noted])
    return problems, warnings


def _renewals(register: Register, today: dt.date, remind_days: int) -> list[str]:
    found = []
    soon = (today + dt.timedelta(days=remind_days)).isoformat()  # ISO dates sort as dates
    for index, (_, status, expires, review_by, _) in enumerate(register.facts):
        days = [d for d in (expires, review_by) if d and d <= soon]
        if not days or status not in APPROVED:
            continue
        approval = register.entry(index)
        for day, what in ((approval.expires, "agreement"), (approval.review_by, "review")):
            if day is None or day.isoformat() > soon:
                continue
            if what == "review":
                said = "was due for review on" if day < today else "is due for review on"
                subject = f"'{approval.name}'"
            else:
                said = "expired on" if day < today else "expires on"
                subject = f"the agreement for '{approval.name}'"
            found.append(
                f"{where(approval)}: {subject} {said} {day}. Hint: record the renewal with "
                f"'newsletter vet \"{approval.name}\" --expires YYYY-MM-DD', or its new status."
            )
    return found


def _policies_not_checked(register: Register, today: dt.date) -> list[str]:
    year_ago = (today - dt.timedelta(days=POLICY_CHECKED_WITHIN)).isoformat()
    old = [
        register.entry(index)
        for index, (_, status, _, _, checked) in enumerate(register.facts)
        if checked and checked < year_ago and status not in REFUSED
    ]  # fmt: skip
    return [
        f"{where(a)}: the privacy policy of '{a.name}' was last read on {a.policy_checked}, "
        f'over a year ago. Hint: read it again, then \'newsletter vet "{a.name}" '
        "--policy-checked YYYY-MM-DD'."
        for a in old
    ]


def _featured_then_refused(register: Register, featured: list[Any]) -> list[str]:
    found = []
    for tool in featured:
        approval = register.find(tool.name, tool.url)
        if approval is not None and approval.refused:
            found.append(
                f"{where(approval)}: '{tool.name}', featured in #{tool.last_number} "
                f"({tool.last_date}), is now {approval.status}. Hint: tell staff in the next "
                "issue's intro; its page on the public site says so."
            )
    return found


def _typos(register: Register, tools: list[Any]) -> list[str]:
    """Entries that match no tool the catalog or the notes know, whose name is a
    letter or two from one that has no entry: a typo, most likely. (Entries for
    tools never featured are many in an imported list, and no mistake.)"""
    unmatched_tools = {squash(t.name): t.name for t in tools if register.of(t) is None}
    known = {squash(t.name) for t in tools} | set(unmatched_tools)
    if not unmatched_tools:
        return []
    lonely: dict[str, int] = {}
    for index, (name, *_) in enumerate(register.facts):
        squashed = squash(name)
        if squashed not in known:
            lonely[squashed] = index
    found = []
    names = list(lonely)
    for squashed, tool_name in unmatched_tools.items():
        for near in difflib.get_close_matches(squashed, names, n=1, cutoff=0.8):
            approval = register.entry(lonely[near])
            found.append(
                f"{where(approval)}: '{approval.name}' matches no tool the newsletter knows; "
                f"is it '{tool_name}'? Hint: write the name (or the url) as the tool has it."
            )
    return found
