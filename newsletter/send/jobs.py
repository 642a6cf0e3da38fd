"""Choosing and preparing a send: which issues (by number, date or edition; the groups
asked for), to whom (the staff list, minus those who have it), and each message made
ready once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsletter.archive.record import ArchivedIssue, already_sent_line, latest_unsent
from newsletter.archive.sendlog import SendState, log_for
from newsletter.email.message import PreparedEmail
from newsletter.errors import InputError, NewsletterError
from newsletter.issue.editions import edition_of
from newsletter.text.plain import counted
from newsletter.workspace import validate
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import Settings, SmtpSettings
from newsletter.workspace.staff import Recipient, in_groups, staff_of


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
    archive: list[ArchivedIssue], ref: str | None, test: bool, zone_name: str = "UTC"
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
    said = [already_sent_line(entry, zone_name) + "; nothing to do." for entry in entries
            if entry.sent]  # fmt: skip
    return [entry for entry in entries if not entry.sent], said


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

    def timing(self, today: dt.date, issue_weekday: int) -> str:
        """A remark for the confirmation question when this is not the issue's day:
        sent days before its date, or on a day that is not the issue weekday."""
        from newsletter.workspace.validate import WEEKDAYS

        remarks = []
        date = self.entry.date
        if today < date:
            days = (date - today).days
            remarks.append(
                f"issue #{self.entry.label} is dated {date:%a} {date}, "
                f"{counted(days, 'day')} from now"
            )
        if today.weekday() != issue_weekday:
            remarks.append(
                f"today is {WEEKDAYS[today.weekday()].capitalize()}, not the issue day "
                f"({WEEKDAYS[issue_weekday].capitalize()})"
            )
        return "; ".join(remarks)

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
    from newsletter.email.rendered import rendered_files
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
