"""Sending an issue: which issue, to whom, through which transport, each person
exactly once; what a run's outcome means (for the editor and for cron's exit
status); and recording in the archive how many of staff have it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from newsletter.archive.record import (
    ArchivedIssue,
    already_sent_line,
    latest_unsent,
    read_archived,
    record_reach,
)
from newsletter.archive.sendlog import (
    ATTEMPT,
    DEFERRED,
    IN_DOUBT,
    REFUSED,
    SENT,
    MemoryLog,
    SendLog,
    SendState,
    log_for,
)
from newsletter.clock import now as clock_now
from newsletter.email.message import PreparedEmail, message_for
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.issue.editions import edition_of
from newsletter.send.replies import likely_cause
from newsletter.send.transports import (
    AddressRefused,
    InDoubt,
    SendError,
    ServerRefused,
    TemporaryFailure,
)
from newsletter.text.plain import counted
from newsletter.workspace import validate
from newsletter.workspace.folder import Workspace
from newsletter.workspace.lock import workspace_lock
from newsletter.workspace.settings import SendSettings, Settings, SmtpSettings
from newsletter.workspace.staff import Recipient, StaffList, in_groups, read_staff_list

# The same answer for this many recipients in a row is the server's answer to
# every message, not something about those addresses: the run stops.
STREAK = 3
STOP = "stop"  # the run cannot go on
OURS = "ours"  # not offered to the server (an address it cannot take)


class Transport(Protocol):
    connections: int

    def describe(self) -> str: ...

    def connect(self) -> None: ...

    def deliver(self, sender: str, recipient: str, message: bytes) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


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
class Sender:
    """Delivers one prepared email to many recipients: retries temporary failures with
    backoff, keeps the rate limit, writes the send log as it goes, and stops when
    the server refuses the message itself rather than one address."""

    transport: Transport
    options: SendSettings
    clock: Callable[[], dt.datetime] = clock_now
    sleep: Callable[[float], None] = time.sleep
    say: Callable[[str], None] = lambda line: None
    progress: Callable[[int, int], None] = lambda done, total: None  # after each message
    # A staff send waits out a server that is down (2, 4, 8, 16 s); a test copy, which
    # a person waits for at the terminal, stops at the first refused connection.
    patient: bool = True
    _next_at: float = 0.0

    def deliver_all(
        self,
        prepared: PreparedEmail,
        recipients: list[Recipient],
        log: SendLog,
        retry: frozenset[str] = frozenset(),
    ) -> SendReport:
        """Send to everyone in `recipients` who does not have it yet. Refused and
        in-doubt addresses are skipped unless they are in `retry`."""
        state = log.state()
        report = SendReport(total=len(recipients))
        # Those a stopped run left behind go last, so that one address the server
        # keeps refusing in its own way never stands in front of everyone else.
        order = sorted(recipients, key=lambda r: r.email.lower() in state.deferred)
        streak: list[tuple[Recipient, str, str]] = []  # the last ones not reached, same reply
        try:
            for recipient in order:
                key = recipient.email.lower()
                if key in state.sent:
                    report.already_sent += 1
                    continue
                if state.done(key) and key not in retry:
                    continue
                outcome, reason = self._deliver_one(prepared, recipient, log)
                done = report.already_sent + len(report.sent) + (outcome == SENT)
                self.progress(done, len(recipients))
                if outcome == SENT:
                    report.sent.append(recipient.email)
                    streak = []
                    continue
                if outcome == STOP:
                    report.stopped = reason
                    break
                if outcome == OURS:  # not the server's answer: no evidence either way
                    continue
                if streak and streak[-1][2] != reason:
                    streak = []
                streak.append((recipient, outcome, reason))
                if len(streak) == STREAK:
                    report.stopped = self._streak_stop(streak, log, prepared)
                    break
        except SendError as err:  # a login refused, a wrong smtp.security, say
            report.stopped, report.stopped_hint = err.message.rstrip("."), err.hint or ""
        except BaseException:  # interrupted (Ctrl-C): do not wait for the server's goodbye
            self.transport.abort()
            raise
        finally:
            self.transport.close()
            report.connections = self.transport.connections
        final = log.state()
        for recipient in recipients:
            key = recipient.email.lower()
            for kept, into in (
                (final.refused, report.refused),
                (final.deferred, report.deferred),
                (final.in_doubt, report.in_doubt),
            ):
                if key in kept:
                    into[recipient.email] = kept[key]
        return report

    def _deliver_one(
        self, prepared: PreparedEmail, recipient: Recipient, log: SendLog
    ) -> tuple[str, str]:
        """Deliver to one person: (SENT, ''); (REFUSED | DEFERRED | IN_DOUBT, the
        server's reply) about this person; (OURS, why) when we could not offer it; or
        (STOP, why) when the run cannot go on."""
        message = message_for(prepared, recipient, self.clock())
        for attempt in range(1, self.options.retries + 1):
            self._keep_rate()
            try:
                # Connecting first: a server that cannot be reached leaves nothing in doubt.
                self.transport.connect()
                log.write(ATTEMPT, recipient.email)
                self.transport.deliver(prepared.envelope_sender, recipient.email, message)
            except AddressRefused as err:
                log.write(REFUSED, recipient.email, str(err))
                self.say(f"refused: {recipient.email}: {err}")
                return (REFUSED if err.server_said else OURS), str(err)
            except InDoubt as err:
                log.write(IN_DOUBT, recipient.email, str(err))
                return IN_DOUBT, str(err)
            except ServerRefused as err:
                log.write(DEFERRED, recipient.email, err.reply)
                cause = likely_cause(err.stage, err.reply, prepared.envelope_sender)
                return STOP, (
                    f"{self.transport.describe()} refused the message to {recipient.email} "
                    f"at {err.stage}: '{err.reply}'. This likely means {cause}. This stop "
                    "marks nobody as refused for good"
                )
            except TemporaryFailure as err:
                log.write(DEFERRED, recipient.email, str(err))
                last = attempt == self.options.retries
                if err.connection and (last or not self.patient):  # the rest would fail alike
                    return STOP, f"{err}"
                if last:
                    self.say(f"deferred: {recipient.email}: {err}")
                    return DEFERRED, str(err)
                delay = self.options.retry_delay * 2 ** (attempt - 1)
                self.say(
                    f"temporary failure for {recipient.email} ({err}); trying again in {delay:g} s"
                )
                self.sleep(delay)
                continue
            except SendError:
                log.write(DEFERRED, recipient.email, "the run stopped before sending it")
                raise
            log.write(SENT, recipient.email)
            return SENT, ""
        return DEFERRED, "no attempt was made"

    def _streak_stop(
        self, streak: list[tuple[Recipient, str, str]], log: SendLog, prepared: PreparedEmail
    ) -> str:
        """The same reply for STREAK recipients in a row: the server's, not theirs.
        Their refusals are taken back, so that a rerun tries them again (last)."""
        for recipient, outcome, reply in streak:
            if outcome == REFUSED:
                log.write(DEFERRED, recipient.email, f"not counted as refused: {reply}")
        reply = streak[-1][2]
        addresses = ", ".join(r.email for r, _, _ in streak)
        rows = ", ".join(r.where for r, _, _ in streak if r.where)
        remove = f" (their rows: {rows})" if rows else ""
        return (
            f"{self.transport.describe()} gave the same answer for {STREAK} recipients in a "
            f"row ({addresses}): '{reply}'. That is most likely the server, not the "
            f"addresses: {likely_cause('', reply, prepared.envelope_sender)}. This stop marks "
            "nobody as refused for good; the next run tries them last. If the server is "
            f"right about these addresses, remove them from the staff list{remove}"
        )

    def _keep_rate(self) -> None:
        if not self.options.rate_per_minute:
            return
        now = time.monotonic()
        if now < self._next_at:
            self.sleep(self._next_at - now)
        self._next_at = max(now, self._next_at) + 60.0 / self.options.rate_per_minute


# --- choosing the issue and the recipients -------------------------------------------


class NotForGroups(NewsletterError):
    """send --group: nobody in those groups gets this edition, so it is left for now."""


def for_groups(
    settings: Settings, entries: list[ArchivedIssue], groups: tuple[str, ...]
) -> list[ArchivedIssue]:
    """send --group: a group that is an edition's sends that edition alone (to its
    group); any other group sends each edition to those of its readers in the group."""
    named = {group.lower() for group in groups}
    own = [
        entry
        for entry in entries
        if (edition := edition_of(settings.editions, entry.key)) and edition.group.lower() in named
    ]
    return own or entries


def choose_issues(
    archive: list[ArchivedIssue], ref: str | None, test: bool
) -> tuple[list[ArchivedIssue], list[str]]:
    """The issues `send` takes: the one named (each of its editions), else the newest
    not yet sent to everyone (for a test copy, else the newest), with every edition
    of its day not yet sent. Also the lines that say what is not sent, and why."""
    from newsletter.archive.record import find_issues

    if ref:
        entries = find_issues(archive, ref)
    else:
        newest = latest_unsent(archive) or (archive[-1] if test and archive else None)
        entries = [entry for entry in archive if newest and entry.date == newest.date]
    if not entries:
        state = "every issue in the archive has been sent" if archive else "no issue is built"
        return [], [f"Nothing to send: {state}. Build the next one with 'newsletter build'."]
    if test:  # a test copy may be of a sent issue too
        return entries, []
    said = [already_sent_line(entry) + "; nothing to do." for entry in entries if entry.sent]
    return [entry for entry in entries if not entry.sent], said


def staff_of(workspace: Workspace, settings: Settings) -> StaffList:
    """Everyone the issue is for: the distribution list address when one is set,
    otherwise the staff list."""
    if settings.send.list_address:
        return StaffList([Recipient(settings.send.list_address)])
    return read_staff_list(workspace.root / settings.send.staff_list)


@dataclass
class SendJob:
    """Everything decided before the first message goes out."""

    entry: ArchivedIssue
    recipients: list[Recipient]  # this run's: everyone, some groups, or one test address
    staff: list[Recipient]  # everyone the issue is for, to tell when it is sent
    problems: list[str]  # lines about the staff list: bad or repeated addresses
    prepared: PreparedEmail
    smtp: SmtpSettings  # NEWSLETTER_SMTP_* applied; no host: the outbox
    test: bool
    groups: tuple[str, ...] = ()
    retry: frozenset[str] = frozenset()  # in-doubt or refused addresses to try again
    everyone: list[Recipient] = field(default_factory=list)  # all of the staff list
    state: SendState = field(default_factory=SendState)  # earlier runs, when prepared

    @property
    def outbox(self) -> bool:
        return not self.smtp.host

    @property
    def pending(self) -> list[Recipient]:
        """Who this run will send to."""
        if self.test or self.outbox:
            return self.recipients
        return [
            r
            for r in self.recipients
            if r.email.lower() not in self.state.sent
            and (not self.state.done(r.email) or r.email.lower() in self.retry)
        ]

    @property
    def via(self) -> str:
        return "the outbox folder (no SMTP host configured)" if self.outbox else self.smtp.host

    def dry_run_lines(self) -> list[str]:
        """What --dry-run shows: the issue, and each person this run would send to."""
        people = [f"  {r.email}" + (f"  ({r.name})" if r.name else "") for r in self.pending]
        return [f"Would send {self.summary()}:", *people]

    def summary(self) -> str:
        """'issue #3 'Subject' to 6 recipients via smtp.example.org'."""
        count = len(self.pending)
        whom = f"{count} recipient{'s' if count != 1 else ''}"
        if self.groups:
            whom += f" (group {', '.join(self.groups)})"
        resent = sorted(a for a in self.retry if a in self.state.in_doubt)
        again = (
            f"; {len(resent)} of them may have it already (in doubt: {', '.join(resent)})"
            if resent
            else ""
        )
        return (
            f"issue #{self.entry.label} '{self.prepared.subject}' to {whom} via {self.via}{again}"
        )


def prepare_send(
    workspace: Workspace,
    settings: Settings,
    entry: ArchivedIssue,
    environ: Mapping[str, str],
    to: str | None = None,
    groups: tuple[str, ...] = (),
    resend_in_doubt: bool = False,
    retry_refused: bool = False,
) -> SendJob:
    """Pick the recipients and render the email once, for everyone."""
    from newsletter.email.message import prepare_email
    from newsletter.issue.build import rendered_files
    from newsletter.send.transports import smtp_settings

    smtp = smtp_settings(settings.smtp, environ)
    if to:
        try:
            to = validate.address(to)
        except ValueError as err:
            raise InputError(
                f"--to: {err}.", hint="Give one address, like you@your-district.org."
            ) from None
        prepared = prepare_email(
            entry.issue, rendered_files(workspace, entry), settings, test=True, key=entry.key
        )
        return SendJob(entry, [Recipient(to)], [], [], prepared, smtp, test=True)
    staff = staff_of(workspace, settings)
    edition = edition_of(settings.editions, entry.key)
    # Everyone the issue is for: its edition's group, or all of staff.
    everyone = in_groups(staff.recipients, (edition.group,)) if edition else staff.recipients
    recipients = in_groups(everyone, groups) if groups else everyone
    for group in groups:
        if not in_groups(staff.recipients, (group,)):
            known = sorted({g for r in staff.recipients for g in r.groups})
            raise InputError(
                f"--group: nobody on the staff list is in the group '{group}'.",
                hint=f"The groups in {settings.send.staff_list} are: "
                + (", ".join(known) if known else "none (add a 'groups' column)")
                + ".",
            )
    if not recipients and edition and everyone:
        raise NotForGroups(
            f"Issue #{entry.label}: nobody in the group {', '.join(groups)} gets the edition "
            f"'{edition.name}' (it goes to the group '{edition.group}'); not sent."
        )
    if not recipients:
        raise InputError(
            f"Nobody in the group '{edition.group}' of staff.csv to send the edition "
            f"'{edition.name}' to."
            if edition
            else "Nobody on the staff list to send to.",
            hint="Check staff.csv (email,name,groups) or send.list_address.",
        )
    state = log_for(workspace.state_dir, entry.key).state()
    retry: set[str] = set()
    if resend_in_doubt:
        retry |= set(state.in_doubt)
    if retry_refused:
        retry |= set(state.refused)
    prepared = prepare_email(entry.issue, rendered_files(workspace, entry), settings, key=entry.key)
    return SendJob(
        entry,
        recipients,
        everyone,
        staff.problems,
        prepared,
        smtp,
        test=False,
        groups=tuple(groups),
        retry=frozenset(retry),
        state=state,
        everyone=staff.recipients,
    )


def make_transport(
    workspace: Workspace,
    job: SendJob,
    environ: Mapping[str, str],
    say: Callable[[str], None] | None = None,
) -> Transport:
    from newsletter.send.transports import OutboxTransport, SmtpTransport, smtp_password

    if job.outbox:
        folder = workspace.state_dir / "outbox" / job.entry.key.stem
        for old in folder.glob("*.eml"):  # the folder shows this run's messages only
            old.unlink()
        return OutboxTransport(folder)
    return SmtpTransport(job.smtp, smtp_password(job.smtp, environ), say)


def deliver(
    workspace: Workspace,
    settings: Settings,
    job: SendJob,
    environ: Mapping[str, str],
    say: Callable[[str], None],
    verbose: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
    clock: Callable[[], dt.datetime] = clock_now,
) -> Closing:
    """Send the job through its transport (SMTP or the outbox) and say how it went."""
    transport = make_transport(workspace, job, environ, say if verbose else None)
    sender = Sender(
        transport, settings.send, say=say, progress=progress, clock=clock, patient=not job.test
    )
    report = run_send(workspace, job, sender)
    folder = getattr(transport, "folder", None)
    return closing(job, report, shown(folder) if folder else "")


def run_send(workspace: Workspace, job: SendJob, sender: Sender) -> SendReport:
    """Send under the workspace's lock. A real send (not a test, not the outbox) is
    logged for exactly-once, and the archive records how many of staff have it."""
    if job.test or job.outbox:
        return sender.deliver_all(job.prepared, job.recipients, MemoryLog())
    with workspace_lock(workspace.state_dir, "send"):
        entry = read_archived(job.entry.path)  # again, under the lock
        if entry.sent:
            return SendReport(
                total=len(job.recipients),
                already_sent=len(job.recipients),
                reached=entry.reached or len(job.staff),
                staff=entry.recipients or len(job.staff),
                status=entry.status,
            )
        if entry.rendered != job.entry.rendered:
            raise NewsletterError(
                f"{shown(entry.path)} was built again while this send was starting; "
                "nothing was sent.",
                hint="Look at the new build with 'newsletter preview', then send again.",
            )
        log = log_for(workspace.state_dir, entry.key)
        report = SendReport()
        try:
            report = sender.deliver_all(job.prepared, job.recipients, log, job.retry)
        finally:  # also when interrupted: the archive says who has it
            final = log.state()
            report.staff = len(job.staff)
            report.reached = sum(r.email.lower() in final.sent for r in job.staff)
            report.status = record_reach(entry, report.reached, report.staff, sender.clock())
    return report


# --- what a run's outcome means ------------------------------------------------------


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
