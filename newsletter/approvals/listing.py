"""The register as `approvals` lists it: each decision with when the newsletter
last featured the tool, filtered by status and by an agreement's end; and as CSV,
with the columns a public list of products that receive student data asks for."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsletter.approvals.register import Approval, Register
from newsletter.text.plain import spreadsheet_cell
from newsletter.workspace.validate import grade_ranges


@dataclass
class RegisterRow:
    approval: Approval
    last_number: int = 0  # the last issue that featured it (0: none)
    last_date: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {**self.approval.as_dict(), "last_issue": self.last_number or None,
                "last_date": self.last_date or None}  # fmt: skip


def register_rows(register: Register, featured: Iterable[Any]) -> list[RegisterRow]:
    """Every entry, with the last issue that featured its tool (`featured`: the
    catalog's tools, each with its name, url, last_number and last_date)."""
    last: dict[int, Any] = {}
    for tool in featured:
        approval = register.find(tool.name, tool.url)
        if approval is not None:
            held = last.get(id(approval))
            if held is None or (tool.last_date, tool.last_number) > (
                held.last_date,
                held.last_number,
            ):
                last[id(approval)] = tool
    rows = []
    for approval in register.entries:
        tool = last.get(id(approval))
        rows.append(RegisterRow(approval, tool.last_number, tool.last_date) if tool
                    else RegisterRow(approval))  # fmt: skip
    return sorted(rows, key=lambda row: row.approval.name.casefold())


def listed(rows: Sequence[RegisterRow], statuses: Sequence[str], expiring: int | None,
           today: dt.date) -> list[RegisterRow]:  # fmt: skip
    """The rows of these statuses (all, when none), and with `expiring`, only those
    whose agreement ends (or review falls) within that many days of today, or has."""
    chosen = [row for row in rows if not statuses or row.approval.status in statuses]
    if expiring is not None:
        until = today + dt.timedelta(days=expiring)
        chosen = [row for row in chosen if row.approval.renew_by and row.approval.renew_by <= until]
    return chosen


CSV_COLUMNS = (
    "name", "url", "status", "grades", "conditions", "agreement", "dpa_url", "signed",
    "expires", "review_by", "data_collected", "purpose", "student_accounts", "under_13",
    "privacy_rating", "privacy_policy_url", "policy_checked", "decided_by", "decided_on",
    "last_issue", "last_date",
)  # fmt: skip


def csv_text(rows: Iterable[RegisterRow]) -> str:
    """The rows as CSV for a spreadsheet (UTF-8 with the mark Excel looks for)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        data = row.as_dict()
        data["grades"] = grade_ranges(row.approval.grades)
        data["data_collected"] = "; ".join(row.approval.data_collected)
        cells = ["" if data.get(c) is None else data[c] for c in CSV_COLUMNS]
        writer.writerow([spreadsheet_cell(v) if isinstance(v, str) else v for v in cells])
    return out.getvalue()
