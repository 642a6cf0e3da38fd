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

# The words a role or a committee is named with ('Technology committee', 'Office of
# Curriculum and Instruction', 'IT'). `decided_by` is shown only when it is made of
# these alone: any other word may be a person's name, and stays off the site.
ROLE_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "on",
        "to",
        "in",
        "at",
        "with",
        "academic",
        "academics",
        "administration",
        "administrative",
        "advisory",
        "assistant",
        "associate",
        "board",
        "business",
        "cabinet",
        "chief",
        "committee",
        "compliance",
        "coordinator",
        "council",
        "counsel",
        "curriculum",
        "data",
        "department",
        "dept",
        "deputy",
        "digital",
        "director",
        "district",
        "division",
        "education",
        "educational",
        "elementary",
        "executive",
        "finance",
        "governance",
        "group",
        "high",
        "information",
        "instruction",
        "instructional",
        "integration",
        "it",
        "learning",
        "legal",
        "library",
        "media",
        "middle",
        "office",
        "officer",
        "operations",
        "panel",
        "principal",
        "principals",
        "privacy",
        "procurement",
        "purchasing",
        "resources",
        "review",
        "school",
        "schools",
        "secondary",
        "security",
        "services",
        "specialist",
        "specialists",
        "staff",
        "student",
        "students",
        "superintendent",
        "systems",
        "task",
        "force",
        "teaching",
        "team",
        "technology",
        "tech",
        "working",
        "k-12",
        "hr",
        "cto",
        "cio",
        "ciso",
    ]
)


def shows_no_person(text: str) -> bool:
    """Whether `decided_by` reads as a role or a committee alone, never a person's name."""
    words = re.findall(r"[\w'-]+", text.casefold())
    return bool(words) and all(word.strip("'-") in ROLE_WORDS for word in words)


def public_decision(approval: Approval | None, today: dt.date) -> dict[str, Any]:
    """The decision's facts for the site's pages (plain values: kept in its manifest),
    as of `today`: an approval whose agreement has ended is no approval."""
    if approval is None:
        return {}
    lapsed = approval.lapsed(today)
    return {
        "name": approval.name,
        "url": approval.url,
        "status": approval.status,
        "label": "agreement ended" if lapsed else STATUS_LABELS[approval.status],
        "lapsed": lapsed,
        "approved": approval.approved and not lapsed,
        "refused": approval.refused,
        "conditions": approval.conditions,
        "grades": grade_ranges(approval.grades) if approval.grades else "All grades",
        "purpose": approval.purpose,
        "data_collected": ", ".join(approval.data_collected)
        or ("None" if approval.status == "no-student-data" else ""),
        "sign_in": SIGN_IN.get(approval.student_accounts, "").capitalize(),
        "agreement": AGREEMENT.get(approval.agreement, "")
        or ("None" if approval.agreement == "none" else ""),
        "agreement_url": approval.dpa_url,
        "expires": _long(approval.expires),
        "decided_on": _long(approval.decided_on),
        "decided_by": approval.decided_by if shows_no_person(approval.decided_by) else "",
    }


def _long(day: dt.date | None) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else ""
