"""Sending an issue: to whom, through which transport, each person exactly once,
and recording in the archive that it went out."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from newsletter.archive import ArchivedIssue, mark_sent, read_archived
from newsletter.errors import InputError
from newsletter.mail import PermanentFailure, SendError, TemporaryFailure
from newsletter.message import Edition, message_for
from newsletter.recipients import Recipient, StaffList, in_group, is_address, read_staff_list
from newsletter.sendlog import ATTEMPT, DEFERRED, REFUSED, SENT, SendLog, send_lock
from newsletter.settings import SendSettings, Settings, SmtpSettings
from newsletter.workspace import Workspace


class Transport(Protocol):
    connections: int

    def describe(self) -> str: ...

    def connect(self) -> None: ...

    def deliver(self, sender: str, recipient: str, message: bytes) -> None: ...

    def close(self) -> None: ...


@dataclass
class SendReport:
    total: int = 0
    sent: list[str] = field(default_factory=list)  # this run
    already_sent: int = 0  # by earlier runs
    refused: dict[str, str] = field(default_factory=dict)
    deferred: dict[str, str] = field(default_factory=dict)
    in_doubt: set[str] = field(default_factory=set)
    stopped: str = ""  # why this run stopped before the end, if it did
    marked_sent: bool = False
    connections: int = 0

    @property
    def complete(self) -> bool:
        return not self.stopped and not self.deferred


def latest_unsent(archive: list[ArchivedIssue]) -> ArchivedIssue | None:
    drafts = [entry for entry in archive if not entry.sent]
    return drafts[-1] if drafts else None


def staff_recipients(
    workspace: Workspace, settings: Settings, group: str | None = None
) -> StaffList:
    """The distribution list address when one is set, otherwise the staff list."""
    if settings.send.list_address:
        return StaffList([Recipient(settings.send.list_address)])
    staff = read_staff_list(workspace.root / settings.send.staff_list)
    return StaffList(in_group(staff, group), staff.problems)


def send_log(workspace: Workspace, entry: ArchivedIssue) -> SendLog:
    return SendLog(workspace.state_dir / "sends" / f"{entry.issue.date.isoformat()}.jsonl")


@dataclass
class Sender:
    """Delivers one edition to many recipients: retries temporary failures with
    backoff, keeps the rate limit, and writes the send log as it goes."""

    transport: Transport
    options: SendSettings
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    sleep: Callable[[float], None] = time.sleep
    say: Callable[[str], None] = lambda line: None
    _next_at: float = 0.0

    def deliver_all(
        self, edition: Edition, recipients: list[Recipient], log: SendLog | None
    ) -> SendReport:
        state = log.state() if log else None
        report = SendReport(total=len(recipients))
        if state:
            report.in_doubt = set(state.in_doubt)
            report.refused = dict(state.refused)
        try:
            for recipient in recipients:
                if state and state.done(recipient.email):
                    report.already_sent += recipient.email.lower() in state.sent
                    continue
                if not self._deliver_one(edition, recipient, log, report):
                    break
        finally:
            self.transport.close()
        report.connections = self.transport.connections
        return report

    def _deliver_one(
        self, edition: Edition, recipient: Recipient, log: SendLog | None, report: SendReport
    ) -> bool:
        """Deliver to one person; False when the run cannot go on."""
        message = message_for(edition, recipient, self.clock())
        for attempt in range(1, self.options.retries + 1):
            self._keep_rate()
            try:
                # Connecting first: a server that cannot be reached leaves nothing in doubt.
                self.transport.connect()
                if log:
                    log.write(ATTEMPT, recipient.email)
                try:
                    self.transport.deliver(edition.envelope_sender, recipient.email, message)
                except SendError as err:  # refused outright: this message did not go
                    if log:
                        log.write(DEFERRED, recipient.email, str(err))
                    raise
            except PermanentFailure as err:
                if log:
                    log.write(REFUSED, recipient.email, str(err))
                report.refused[recipient.email.lower()] = str(err)
                self.say(f"refused: {recipient.email}: {err}")
                return True
            except TemporaryFailure as err:
                if log:
                    log.write(DEFERRED, recipient.email, str(err))
                if attempt == self.options.retries:
                    report.deferred[recipient.email.lower()] = str(err)
                    if err.connection:  # the server is gone: the rest would fail the same
                        report.stopped = str(err)
                        return False
                    self.say(f"deferred: {recipient.email}: {err}")
                    return True
                delay = self.options.retry_delay * 2 ** (attempt - 1)
                self.say(
                    f"temporary failure for {recipient.email} ({err}); trying again in {delay:g} s"
                )
                self.sleep(delay)
                continue
            if log:
                log.write(SENT, recipient.email)
            report.sent.append(recipient.email)
            return True
        return True

    def _keep_rate(self) -> None:
        if not self.options.rate_per_minute:
            return
        now = time.monotonic()
        if now < self._next_at:
            self.sleep(self._next_at - now)
        self._next_at = max(now, self._next_at) + 60.0 / self.options.rate_per_minute


def finish(entry: ArchivedIssue, report: SendReport, now: dt.datetime) -> None:
    """Record the issue as sent once nobody is left to try."""
    if report.complete:
        mark_sent(entry, now)
        report.marked_sent = True


@dataclass
class SendJob:
    """Everything decided before the first message goes out."""

    entry: ArchivedIssue
    recipients: list[Recipient]
    problems: list[str]  # lines about the staff list: bad or repeated addresses
    edition: Edition
    smtp: SmtpSettings  # NEWSLETTER_SMTP_* applied; no host: the outbox
    test: bool

    @property
    def smtp_host(self) -> str:
        return self.smtp.host

    @property
    def outbox(self) -> bool:
        return not self.smtp.host


def prepare_send(
    workspace: Workspace,
    settings: Settings,
    entry: ArchivedIssue,
    environ: Mapping[str, str],
    to: str | None = None,
    group: str | None = None,
) -> SendJob:
    """Pick the recipients and render the edition once, for everyone."""
    from newsletter.build import rendered_files
    from newsletter.mail import smtp_settings
    from newsletter.message import make_edition

    if to:
        if not is_address(to):
            raise InputError(
                f"--to: '{to}' is not an email address.",
                hint="Give one address, like you@your-district.org.",
            )
        recipients, problems = [Recipient(to)], []
    else:
        staff = staff_recipients(workspace, settings, group)
        recipients, problems = staff.recipients, staff.problems
        if not recipients:
            where = f"in the group '{group}'" if group else "on the staff list"
            raise InputError(
                f"Nobody {where} to send to.",
                hint="Check staff.csv (email,name,groups) or send.list_address.",
            )
    edition = make_edition(entry.issue, rendered_files(workspace, entry), settings, test=bool(to))
    smtp = smtp_settings(settings.smtp, environ)
    return SendJob(entry, recipients, problems, edition, smtp, test=bool(to))


def make_transport(
    workspace: Workspace,
    job: SendJob,
    environ: Mapping[str, str],
    say: Callable[[str], None] | None = None,
) -> Transport:
    from newsletter.mail import OutboxTransport, SmtpTransport, smtp_password

    if job.outbox:
        folder = workspace.state_dir / "outbox" / job.entry.issue.date.isoformat()
        for old in folder.glob("*.eml"):  # the folder shows this run's messages only
            old.unlink()
        return OutboxTransport(folder)
    return SmtpTransport(job.smtp, smtp_password(job.smtp, environ), say)


def run_send(
    workspace: Workspace, settings: Settings, job: SendJob, transport: Transport, sender: Sender
) -> SendReport:
    """Send under the workspace's lock; a real send (not a test, not the outbox) is
    logged for exactly-once and marks the archive when everyone has it."""
    if job.test or job.outbox:
        return sender.deliver_all(job.edition, job.recipients, None)
    with send_lock(workspace.state_dir / "send.lock"):
        entry = read_archived(job.entry.path)  # again, under the lock
        if entry.sent:
            return SendReport(
                total=len(job.recipients), already_sent=len(job.recipients), marked_sent=True
            )
        report = sender.deliver_all(job.edition, job.recipients, send_log(workspace, entry))
        finish(entry, report, sender.clock())
    return report
