"""What the register says of a tool about to reach teachers: at add-tool (refused,
warned, or fine) and at build (each tool's line, and what approvals.policy stops)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from newsletter.approvals.register import REGISTER_FILE, Approval, Register
from newsletter.approvals.wording import approved_for, district_line, uncovered
from newsletter.workspace.validate import grade_mask, grade_ranges, grades_in


class Verdict(NamedTuple):
    approval: Approval | None
    refusal: str  # why it may not be added ('' when it may)
    warnings: list[str]
    line: str  # what the issue will say of it


def readers_grades(tool_grades: Sequence[str], edition_grades: Sequence[str]) -> list[str]:
    """The grades of the teachers an issue shows a tool to: those of its edition that
    the tool is for (either alone when the other has none)."""
    if tool_grades and edition_grades:
        return grades_in(grade_mask(tool_grades) & grade_mask(edition_grades))
    return list(tool_grades or edition_grades)


def where(approval: Approval) -> str:
    return f"{REGISTER_FILE}:{approval.line}"


def decision(approval: Approval) -> str:
    """'not-approved (Technology committee, 2026-03-12: the vendor would not sign)'."""
    said = ", ".join(str(part) for part in (approval.decided_by, approval.decided_on) if part)
    if approval.conditions:
        said = f"{said}: {approval.conditions}" if said else approval.conditions
    return f"{approval.status} ({said})" if said else approval.status


def at_add(
    register: Register, tool: Any, editions: Sequence[tuple[str, Sequence[str]]], day: dt.date
) -> Verdict:
    """The register's word on a tool being added: `editions` are the (name, grades)
    of the editions it goes to (none without editions)."""
    if not len(register):  # the workspace keeps no register (yet): nothing to say
        return Verdict(None, "", [], "")
    approval = register.of(tool)
    line = district_line(approval, tool.grades, day)
    name = tool.name
    if approval is None:
        return Verdict(None, "", [
            f"'{name}' is not in {REGISTER_FILE}, so the issue will say it is not reviewed by "
            f"the district yet (record the decision: newsletter vet \"{name}\" --status ...)."
        ], line)  # fmt: skip
    if approval.refused:
        return Verdict(approval, f"'{name}' is {decision(approval)} in {where(approval)}", [], line)
    warnings = []
    if approval.lapsed(day):
        warnings.append(
            f"the agreement for '{name}' ended on {approval.expires} ({where(approval)}): the "
            f"issue will say \"{line}\" (record the renewal with 'newsletter vet')."
        )
    elif not approval.approved:
        warnings.append(
            f"'{name}' is {approval.status} in {where(approval)}: the issue will say \"{line}\"."
        )
    else:
        missing = uncovered(approval, tool.grades)
        if missing:
            warnings.append(
                f"'{name}' is approved for {grade_ranges(approval.grades)} only "
                f"({where(approval)}), not for {grade_ranges(missing)} of its grades."
            )
        for edition, grades in editions:
            short = uncovered(approval, readers_grades(tool.grades, grades))
            if short and not set(short) <= set(missing):
                warnings.append(
                    f"'{name}' goes to the edition '{edition}', whose grades "
                    f"{grade_ranges(short)} its approval ({grade_ranges(approval.grades)}, "
                    f"{where(approval)}) does not cover."
                )
    return Verdict(approval, "", warnings, line)


def not_approved_for(approval: Approval | None, name: str, grades: Sequence[str],
                     day: dt.date, edition: str = "") -> str:  # fmt: skip
    """Why a tool is not approved for readers of `grades` on `day` ('' when it is)."""
    if approved_for(approval, grades, day):
        return ""
    readers = f"the edition '{edition}'" if edition else "this issue"
    if approval is None:
        return f"'{name}' is not in {REGISTER_FILE}, so not approved for {readers}"
    if not approval.approved:
        return f"'{name}' is {approval.status} in {where(approval)}, not approved for {readers}"
    if approval.lapsed(day):
        return (f"the agreement for '{name}' ended on {approval.expires} ({where(approval)}), "
                f"so it is not approved for {readers}")  # fmt: skip
    short = grade_ranges(uncovered(approval, grades))
    return (f"'{name}' is approved for {grade_ranges(approval.grades)} only "
            f"({where(approval)}), not for grades {short} of {readers}")  # fmt: skip
