"""A decision as the public site shows it, to families and staff: what the tool is
for, the grades, its status, the student data it collects and the agreement, and
never a person's name (`decided_by` is shown only when it reads as a role or a
committee)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from newsletter.approvals.register import Approval
from newsletter.approvals.wording import AGREEMENT, SIGN_IN, STATUS_LABELS
from newsletter.workspace.validate import grade_ranges

# Words a role or a committee is named with ('Technology committee', 'Office of
# Curriculum'); with none of them, or with a title or a comma ('Ms. Alvarez',
# 'Jane Smith, Director'), it may be a person, and stays off the site.
_ROLE = re.compile(
    r"(?i)\b(committee|council|board|department|dept|office|team|services|division|"
    r"district|review|technology|curriculum|instruction|it|privacy|cabinet|administration)\b"
)
_PERSON = re.compile(r"(?i)\b(mr|mrs|ms|mx|dr|miss|prof)\b\.?|[,(@]")


def shows_no_person(text: str) -> bool:
    """Whether `decided_by` reads as a role or a committee, never a person's name."""
    return bool(_ROLE.search(text)) and not _PERSON.search(text)


def public_decision(approval: Approval | None) -> dict[str, Any]:
    """The decision's facts for the site's pages (plain values: kept in its manifest)."""
    if approval is None:
        return {}
    return {
        "name": approval.name,
        "url": approval.url,
        "status": approval.status,
        "label": STATUS_LABELS[approval.status],
        "approved": approval.approved,
        "refused": approval.refused,
        "conditions": approval.conditions,
        "grades": grade_ranges(approval.grades) if approval.grades else "All grades",
        "purpose": approval.purpose,
        "data_collected": ", ".join(approval.data_collected)
        or ("None" if approval.status == "no-student-data" else ""),
        "sign_in": SIGN_IN.get(approval.student_accounts, "").capitalize(),
        "agreement": AGREEMENT.get(approval.agreement, ""),
        "agreement_url": approval.dpa_url,
        "expires": _long(approval.expires),
        "decided_on": _long(approval.decided_on),
        "decided_by": approval.decided_by if shows_no_person(approval.decided_by) else "",
    }


def _long(day: dt.date | None) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else ""
