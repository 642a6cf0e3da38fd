"""What a decision means for the grades at hand, and the one plain line that tells
teachers ("District-approved for K-5 · students sign in with Google · DPA through
Aug 2028"), written for teachers, not lawyers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from newsletter.approvals.register import Approval
from newsletter.workspace.validate import grade_mask, grade_ranges, grades_in

SIGN_IN = {
    "none": "no student accounts",
    "class-code": "students join with a class code",
    "google": "students sign in with Google",
    "microsoft": "students sign in with Microsoft",
    "clever": "students sign in through Clever",
    "classlink": "students sign in through ClassLink",
    "email": "students sign in with an email address",
}
UNDER_13 = {
    "parental-consent": "needs a parent's consent under 13",
    "13-and-over-only": "students 13 and over only",
}
AGREEMENT = {
    "ndpa": "DPA",
    "ndpa-exhibit-e": "DPA",
    "district-contract": "district contract",
    "vendor-terms": "vendor's terms",
}
STATUS_LABELS = {
    "approved": "approved",
    "approved-with-conditions": "approved with conditions",
    "no-student-data": "approved, no student data",
    "pending": "pending",
    "under-review": "under review",
    "not-approved": "not approved",
    "retired": "retired",
    "": "not in the register",
}


def status_label(approval: Approval | None, day: dt.date) -> str:
    """A decision in a few words, for a listing: 'approved for K-2', 'agreement ended'."""
    if approval is None:
        return STATUS_LABELS[""]
    if approval.lapsed(day):
        return "agreement ended"
    label = STATUS_LABELS[approval.status]
    if approval.approved and approval.grades:
        label += f" for {grade_ranges(approval.grades)}"
    return label


NOT_REVIEWED = "Not reviewed by the district yet: ask before using it with students"


def month(day: dt.date) -> str:
    return f"{day:%b} {day.year}"


def uncovered(approval: Approval, grades: Sequence[str]) -> list[str]:
    """The grades of `grades` the approval does not cover (none: it covers them all,
    or the approval is for every grade)."""
    if not approval.grades or not grades:
        return []
    return grades_in(grade_mask(grades) & ~grade_mask(approval.grades))


def approved_for(approval: Approval | None, grades: Sequence[str], day: dt.date) -> bool:
    """Whether teachers of `grades` may use it with students on `day` (no grades: the
    status and the agreement's end alone decide)."""
    return (
        approval is not None
        and approval.approved
        and not approval.lapsed(day)
        and not uncovered(approval, grades)
    )


def district_line(approval: Approval | None, grades: Sequence[str], day: dt.date) -> str:
    """The line under a tool for readers of `grades` (an edition's, or the tool's own),
    on the issue's `day`."""
    if approval is None or approval.status == "pending":
        return NOT_REVIEWED
    if approval.status == "under-review":
        return "Under review by the district: ask before using it with students"
    if approval.status == "not-approved":
        return "Not approved by the district: do not use it with students"
    if approval.status == "retired":
        return "No longer approved by the district: do not use it with students"
    if approval.lapsed(day) and approval.expires:
        ended = AGREEMENT.get(approval.agreement, "agreement")
        return (f"The district's {ended} for it ended {month(approval.expires)}: ask "
                "before using it with students")  # fmt: skip
    parts = [_approval_part(approval, grades)]
    if approval.status == "no-student-data":
        parts.append("collects no student data")
    elif approval.student_accounts in SIGN_IN:
        parts.append(SIGN_IN[approval.student_accounts])
    if approval.under_13 in UNDER_13:
        parts.append(UNDER_13[approval.under_13])
    agreement = AGREEMENT.get(approval.agreement)
    if agreement and approval.expires:
        parts.append(f"{agreement} through {month(approval.expires)}")
    elif agreement and agreement != "vendor's terms":
        parts.append(f"{agreement} signed")
    return " · ".join(parts)


def _approval_part(approval: Approval, grades: Sequence[str]) -> str:
    covered = approval.grades
    missing = uncovered(approval, grades)
    if grades and covered:
        covered = grades_in(grade_mask(grades) & grade_mask(covered))
    if approval.status == "approved-with-conditions":
        head = "Approved with conditions"
    else:
        head = "District-approved"
    if not covered and approval.grades:
        return f"Not approved for grades {grade_ranges(list(grades))} (approved for " \
            f"{grade_ranges(approval.grades)} only)"  # fmt: skip
    if covered:
        head += f" for {grade_ranges(covered)}"
        if missing:
            head += f" only (not {grade_ranges(missing)})"
    if approval.status == "approved-with-conditions" and approval.conditions:
        head += f": {approval.conditions}"
    return head
