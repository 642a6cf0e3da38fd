"""The sending: a prepared job through its transport (SMTP or the outbox), each
person exactly once (the send log), paced and patient with a server that defers;
and the archive told how many of staff have it. Choosing the job is jobs.py; what
its outcome means, report.py."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from newsletter.archive.record import read_archived, record_reach
from newsletter.archive.sendlog import (
    ATTEMPT,
    DEFERRED,
    IN_DOUBT,
    REFUSED,
    SENT,
    MemoryLog,
    SendLog,
    log_for,
)
from newsletter.clock import now as clock_now
from newsletter.email.message import PreparedEmail, message_for
from newsletter.errors import NewsletterError, shown
from newsletter.send.jobs import SendJob
from newsletter.send.replies import likely_cause
from newsletter.send.report import Closing, SendReport, closing
from newsletter.send.transports import (
    AddressRefused,
    InDoubt,
    SendError,
    ServerRefused,
    TemporaryFailure,
)
from newsletter.workspace.folder import Workspace
from newsletter.workspace.lock import workspace_lock
from newsletter.workspace.settings import SendSettings, Settings
from newsletter.workspace.staff import Recipient

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


def send_job(
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
