"""What a send's outcome means: the counts of a run, and the closing lines an IT person
reads in the cron log (and whether the run failed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsletter.errors import shown
from newsletter.send.jobs import SendJob
from newsletter.text.plain import counted


@dataclass
class SendReport:
    """What a run did, and where everyone it was for stands now."""

    total: int = 0  # recipients this run was for
    sent: list[str] = field(default_factory=list)  # this run
    already_sent: int = 0  # by earlier runs
    refused: dict[str, str] = field(default_factory=dict)  # address -> the server's reply
    deferred: dict[str, str] = field(default_factory=dict)
    in_doubt: dict[str, str] = field(default_factory=dict)
    stopped: str = ""  # why this run stopped before the end, if it did (no full stop)
    stopped_hint: str = ""  # and how to fix it, when that is known
    connections: int = 0
    reached: int = 0  # how many of the whole staff list have it, after this run
    staff: int = 0  # of how many
    status: str = ""  # the archive's status after this run

    @property
    def complete(self) -> bool:
        return not self.stopped and not self.deferred


@dataclass
class Closing:
    """The closing lines an IT person reads in the cron log, and whether the run
    failed (exit status 1; the failure is the last line)."""

    lines: list[str] = field(default_factory=list)  # results, to stdout
    warnings: list[str] = field(default_factory=list)  # to stderr
    failure: str = ""


def closing(job: SendJob, report: SendReport, outbox_folder: str = "") -> Closing:
    """Exit status 0 only when everyone this run was for has the issue, or there was
    nothing to do; non-zero while anyone is refused, deferred or in doubt."""
    number = job.entry.label
    result = Closing()
    if job.outbox:
        count = len(report.sent)
        result.lines.append(
            f"Wrote {count} message{'s' if count != 1 else ''} to {outbox_folder} "
            "(no SMTP host configured); nothing was sent and the issue is not marked sent."
        )
        return result
    if job.test:
        if report.sent:
            result.lines.append(f"Sent a [TEST] copy of issue #{number} to {report.sent[0]}.")
            return result
        reasons = {**report.refused, **report.deferred, **report.in_doubt}
        why = report.stopped or next(iter(reasons.values()), "no attempt was made")
        hint = f" Hint: {report.stopped_hint}" if report.stopped_hint else ""
        result.failure = f"The test copy to {job.recipients[0].email} was not sent: {why}.{hint}"
        return result
    done = len(report.sent) + report.already_sent
    among = f"in group {', '.join(job.groups)}" if job.groups else "in all"
    result.lines.append(
        f"Issue #{number}: sent to {len(report.sent)} now, {done} of {report.total} "
        f"{among}, over {counted(report.connections, 'connection')}."
    )
    for address, reason in sorted(report.in_doubt.items()):
        result.warnings.append(
            f"{address}: in doubt ({reason}); the server may have delivered it, so it is "
            "not sent again. If they did not get it: 'newsletter send --resend-in-doubt'."
        )
    rows = {r.email: r.where for r in job.recipients}
    for address, reason in sorted(report.refused.items()):
        where = f"{rows[address]}: " if rows.get(address) else ""
        result.warnings.append(f"{where}{address}: refused for good: {reason}")
    if report.status == "sent":
        result.lines.append(f"Issue #{number} is recorded as sent in {shown(job.entry.path)}.")
    elif report.reached:
        result.lines.append(
            f"Issue #{number} is recorded as sent to {report.reached} of {report.staff} in "
            f"{shown(job.entry.path)}."
        )
    if report.stopped:
        doubt = (
            f" {len(report.in_doubt)} in doubt, not sent again: "
            + ", ".join(sorted(report.in_doubt))
            + "."
            if report.in_doubt
            else ""
        )
        hint = f" Hint: {report.stopped_hint}" if report.stopped_hint else ""
        result.failure = (
            f"sending stopped: {report.stopped}. When the cause is fixed, run "
            f"'newsletter send' again: it sends to everyone not yet reached, once.{doubt}{hint}"
        )
        return result
    problems = []
    if report.deferred:
        problems.append(
            f"{len(report.deferred)} deferred (run 'newsletter send' again later): "
            + ", ".join(sorted(report.deferred))
        )
    if report.refused:
        problems.append(
            f"{len(report.refused)} refused for good (fix or remove them in the staff list, "
            "or 'newsletter send --retry-refused'): " + ", ".join(sorted(report.refused))
        )
    if report.in_doubt:
        problems.append(
            f"{len(report.in_doubt)} in doubt (ask them; 'newsletter send --resend-in-doubt' "
            "sends them a copy): " + ", ".join(sorted(report.in_doubt))
        )
    if problems:
        result.failure = f"Issue #{number} did not reach everyone: " + "; ".join(problems) + "."
    return result
