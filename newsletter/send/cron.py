"""The unattended Friday job, and the crontab line that runs it.

cron knows only the machine's clock and zone, and a server often runs in UTC
while the school is in America/New_York: "0 7 * * 5" would send at 2 AM there,
and shift by an hour at each daylight-saving change. So the line runs the job
every hour, and the job itself decides, in the workspace's time zone, whether it
is the issue day at or after the chosen time and the issue is not out yet. A
late run (the machine was off at 07:00) still sends that day; a repeated one
does nothing. The line carries what the job needs from the shell (never the
password) and uses absolute paths, since cron's environment is bare.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsletter import clock
from newsletter.archive.record import ArchivedIssue
from newsletter.errors import InputError, NewsletterError
from newsletter.text.plain import counted
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import Settings

# What cron gives a job: PATH=/usr/bin:/bin, no HOME, another current folder.
CRON_PATH = "/usr/bin:/bin"
# Settings the job may take from the environment; the password is never put in a line.
CARRIED = (
    "NEWSLETTER_SMTP_HOST",
    "NEWSLETTER_SMTP_PORT",
    "NEWSLETTER_SMTP_SECURITY",
    "NEWSLETTER_SMTP_USER",
)
PASSWORD_VAR = "NEWSLETTER_SMTP_PASSWORD"


def hour_and_minute(text: str, option: str = "--at") -> dt.time:
    """--at's HH:MM (24-hour), the time of the Friday job; validate.time_of_day reads
    what an editor types for an event ('3:15 PM')."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if match:  # 24-hour: 6:30 is the morning
        return dt.time(int(match.group(1)), int(match.group(2)))
    from newsletter.workspace.validate import time_of_day

    try:  # as events read times: 7am, 7:30 AM, noon
        return time_of_day(text)
    except ValueError:
        raise InputError(
            f"{option}: '{text}' is not a time of day.",
            hint="Write it as HH:MM, like 07:00, or as 7am.",
        ) from None


@dataclass
class Due:
    """Whether the job acts now, for which issue date, and when it next will."""

    now: bool
    issue_date: dt.date  # today's when due, else the next issue day's
    local: dt.datetime  # the moment, in the workspace's zone
    starts: dt.datetime  # when the job acts on that date, in the workspace's zone


def job_due(now: dt.datetime, settings: Settings, at: dt.time) -> Due:
    """Due on the issue day, from `at` to midnight, in the workspace's time zone."""
    local = now.astimezone(settings.zone)
    days_ahead = (settings.issue_weekday - local.weekday()) % 7
    if days_ahead == 0 and local.time() < at:
        starts = dt.datetime.combine(local.date(), at, settings.zone)
        return Due(False, local.date(), local, starts)
    if days_ahead == 0:
        starts = dt.datetime.combine(local.date(), at, settings.zone)
        return Due(True, local.date(), local, starts)
    date = local.date() + dt.timedelta(days=days_ahead)
    return Due(False, date, local, dt.datetime.combine(date, at, settings.zone))


def newsletter_executable(argv0: str) -> str:
    """The absolute path of the `newsletter` command that is running now."""
    candidates = [
        argv0,
        shutil.which("newsletter") or "",
        os.path.join(os.path.dirname(sys.executable), "newsletter"),
    ]
    for candidate in candidates:
        if (
            candidate
            and os.path.basename(candidate) == "newsletter"
            and os.access(candidate, os.X_OK)
        ):
            return shlex.quote(os.path.abspath(candidate))
    return f"{shlex.quote(sys.executable)} -m newsletter"


@dataclass
class CronLine:
    comments: list[str]  # '# ...' lines to paste above it
    line: str  # the crontab entry
    command: str  # the job's shell command, without the schedule and the log
    notes: list[str] = field(default_factory=list)  # for the editor, on stderr

    def __str__(self) -> str:
        return "\n".join([*self.comments, self.line])


def crontab_line(
    workspace: Workspace,
    settings: Settings,
    at: dt.time,
    argv0: str,
    environ: Mapping[str, str],
    machine_zone: dt.tzinfo | None = None,
    today: dt.date | None = None,
) -> CronLine:
    """The line that runs the job hourly, at the minute that is `at`'s minute in the
    workspace's zone (zones a half or quarter hour apart differ in minutes)."""
    machine_zone = machine_zone or clock.machine_zone()
    today = today or clock.now().astimezone(settings.zone).date()
    minute = dt.datetime.combine(today, at, settings.zone).astimezone(machine_zone).minute
    carried = {name: environ[name].strip() for name in CARRIED if environ.get(name, "").strip()}
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in carried.items())
    run = f"{newsletter_executable(argv0)} --workspace {shlex.quote(str(workspace.root))}"
    command = f"{assignments + ' ' if assignments else ''}{run} job --at {at:%H:%M}"
    logs = workspace.state_dir / "logs"
    log = shlex.quote(str(logs / "cron.log"))
    line = f"{minute} * * * * mkdir -p {shlex.quote(str(logs))} && {command} >> {log} 2>&1"
    line = line.replace("%", "\\%")  # to cron, a bare % ends the command
    weekday = weekday_name(settings)
    comments = [
        f"# {settings.title}: build and send every {weekday} at {at:%H:%M} "
        f"{settings.time_zone}, whatever the machine's time zone.",
        "# It runs hourly; the job acts once, on the issue day at or after that time, and "
        "is quiet otherwise.",
    ]
    notes = []
    if carried:
        notes.append(
            f"Taken from your shell into the line: {', '.join(carried)} (cron does not "
            "have your shell's settings)."
        )
    if environ.get(PASSWORD_VAR) and not settings.smtp.password_command:
        notes.append(
            f"{PASSWORD_VAR} is set in your shell but is not put into the line (a crontab "
            "is no place for a password): set smtp.password_command in newsletter.yaml to "
            "a command that prints it."
        )
    if not (settings.smtp.host or carried.get("NEWSLETTER_SMTP_HOST")):
        notes.append(
            "No SMTP host is set (smtp.host in newsletter.yaml, or NEWSLETTER_SMTP_HOST): "
            "the job will fail every issue day until one is, rather than only write to "
            "the outbox."
        )
    return CronLine(comments, line, command, notes)


def check_in_cron_environment(line: CronLine, timeout: float = 300) -> tuple[int, str]:
    """Run the job's command as cron would (env -i, PATH /usr/bin:/bin, in /), as a
    dry run; its exit status and what it printed."""
    try:
        done = subprocess.run(
            ["/bin/sh", "-c", f"{line.command} --dry-run"],
            # Only the moment is passed on from this shell: a dry run at a pinned time
            # must plan for that time (the line itself never carries it).
            env={"PATH": CRON_PATH, **_pinned_clock(os.environ)},
            cwd="/",
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise NewsletterError(
            f"the job's dry run did not finish within {timeout:g} s.",
            hint="Run the command yourself to see where it waits: " + line.command,
        ) from None
    return done.returncode, (done.stdout + done.stderr).strip()


def _pinned_clock(environ: Mapping[str, str]) -> dict[str, str]:
    value = environ.get(clock.ENV_VAR, "")
    return {clock.ENV_VAR: value} if value.strip() else {}


def weekday_name(settings: Settings) -> str:
    from newsletter.workspace.validate import WEEKDAYS

    return WEEKDAYS[settings.issue_weekday].capitalize()


def describe_due(due: Due, settings: Settings) -> str:
    """'Not due: it is Sunday 01:00 in America/New_York; ...' for a dry run."""
    when = f"{due.starts:%A %Y-%m-%d %H:%M} {settings.time_zone}"
    utc = due.starts.astimezone(dt.UTC)
    if due.now:
        return f"Due now: it is {due.local:%A %H:%M} in {settings.time_zone}, on or after {when}."
    return (
        f"Not due now: it is {due.local:%A %Y-%m-%d %H:%M} in {settings.time_zone}. "
        f"It acts next at {when} ({utc:%H:%M} UTC)."
    )


@dataclass
class JobPlan:
    """What the job does now: nothing, or build (when not built yet) and send."""

    due: Due
    build: bool  # no archive file for the issue date yet
    done: str  # why there is nothing left to do, if so
    number: int | None = None  # the issue's number, once built
    held: str = ""  # only people in doubt or refused are left: what to tell IT, once
    held_mark: str = ""  # what `held` (or `no_issue`) is about; a change is said again
    no_issue: str = ""  # the issue day is in a break or outside the school year: why

    @property
    def acts(self) -> bool:
        return self.due.now and not self.done and not self.no_issue


def plan_job(
    workspace: Workspace,
    settings: Settings,
    at: dt.time,
    now: dt.datetime,
    environ: Mapping[str, str],
) -> JobPlan:
    """Decide what the job does at `now`. Run unattended, an issue that would only
    be written to the outbox is a failure, not a success."""
    from newsletter.archive.record import already_sent_line
    from newsletter.catalog.db import load_archive
    from newsletter.issue.editions import issue_keys
    from newsletter.send.transports import smtp_settings

    due = job_due(now, settings, at)
    if not smtp_settings(settings.smtp, environ).host:  # said in a break too: cron --check
        raise NewsletterError(
            "no SMTP host is set, so the job would only write the issue to the outbox "
            "and nobody would get it.",
            hint="Set smtp.host in newsletter.yaml (or NEWSLETTER_SMTP_HOST in the crontab "
            "line that 'newsletter cron' prints).",
        )
    closed = no_issue_line(settings, due.issue_date)
    if closed:  # said once, on the issue day: the hourly runs after it stay quiet
        mark = f"no-issue:{due.issue_date}"
        if due.now and _told(workspace) == mark:
            return JobPlan(due, False, "no issue this week", no_issue=closed)
        return JobPlan(due, False, "", no_issue=closed, held_mark=mark)
    keys = issue_keys(settings.editions, due.issue_date)  # one per edition
    archive = {a.key: a for a in load_archive(workspace)}
    entries = [archive[key] for key in keys if key in archive]
    number = entries[0].number if entries else None
    if len(entries) == len(keys) and all(entry.sent for entry in entries):
        return JobPlan(due, False, already_sent_line(entries[0], settings.time_zone), number)
    if len(entries) == len(keys):
        held, mark = _held_for_a_person(workspace, settings, entries)
        if held and _told(workspace) == mark:  # said once already: quiet until it changes
            return JobPlan(due, False, "it waits for you about those in doubt", number)
        if held:
            return JobPlan(due, False, "", number, held, mark)
    # An issue built by hand (and looked at) is sent as it is, not built again.
    return JobPlan(due, len(entries) < len(keys), "", number)


def no_issue_line(settings: Settings, date: dt.date) -> str:
    """'No issue this week (Winter break, Dec 21 - Jan 1); the next is Friday Jan 8',
    or '' when `date` has an issue (always, without a school year)."""
    year = settings.school_year
    return year.no_issue_line(date, settings.issue_weekday) if year else ""


def _held_for_a_person(
    workspace: Workspace, settings: Settings, entries: list[ArchivedIssue]
) -> tuple[str, str]:
    """When everyone the job could send to has the issue and only people in doubt
    (the server may have delivered it) or refused for good are left, sending again
    hourly would repeat the same failure all day: a person decides. What to say
    about it, and a mark of who it is about ('' and '' when the job can still send)."""
    from newsletter.archive.sendlog import log_for
    from newsletter.issue.editions import edition_of
    from newsletter.workspace.staff import in_groups, staff_of

    staff = staff_of(workspace, settings).recipients
    lines, marks = [], []
    for entry in entries:
        if entry.sent:
            continue
        edition = edition_of(settings.editions, entry.key)
        everyone = in_groups(staff, (edition.group,)) if edition else staff
        state = log_for(workspace.state_dir, entry.key).state()
        if any(not state.done(r.email) for r in everyone) or not (state.in_doubt or state.refused):
            return "", ""  # someone the job can send to, or a run that stopped: it goes on
        left, hints = [], []
        if state.in_doubt:
            left.append(
                "in doubt: "
                + ", ".join(f"{a} ({why})" for a, why in sorted(state.in_doubt.items()))
            )
            hints.append(f"'newsletter send {entry.label} --resend-in-doubt' sends them a copy")
        if state.refused:
            left.append("refused: " + ", ".join(sorted(state.refused)))
            hints.append(f"fix the address, then 'newsletter send {entry.label} --retry-refused'")
        lines.append(
            f"Issue #{entry.label} reached everyone else; {'; '.join(left)}. The job sends no "
            f"more of it, and says so once. Hint: {'; '.join(hints)}."
        )
        marks.append(f"{entry.key.stem}:{sorted(state.in_doubt)}:{sorted(state.refused)}")
    return " ".join(lines), "|".join(marks)


def _told_path(workspace: Workspace) -> Path:
    return workspace.state_dir / "logs" / "job-told"


def _told(workspace: Workspace) -> str:
    try:
        return _told_path(workspace).read_text(encoding="utf-8")
    except OSError:
        return ""


def remember_told(workspace: Workspace, plan: JobPlan) -> str:
    """The job says `plan.held` (returned): the hourly runs after it stay quiet about it."""
    if plan.held_mark:
        from newsletter.workspace.files import write_atomically

        write_atomically(_told_path(workspace), plan.held_mark)
    return plan.held


def remember_held(
    workspace: Workspace,
    settings: Settings,
    at: dt.time,
    now: dt.datetime,
    environ: Mapping[str, str],
) -> None:
    """After the job's send: if it left only people in doubt (or refused), its own
    closing lines named them, so the runs after it say nothing more."""
    with contextlib.suppress(NewsletterError, OSError):  # the send's outcome is what counts
        remember_told(workspace, plan_job(workspace, settings, at, now, environ))


def describe_plan(
    plan: JobPlan, workspace: Workspace, settings: Settings, environ: Mapping[str, str]
) -> list[str]:
    """A dry run's account: when the job acts, and what it would do then. A password
    the job could not get (cron has no shell settings) fails here, as it would then."""
    from newsletter.issue.editions import group_names
    from newsletter.send.transports import smtp_password, smtp_settings
    from newsletter.workspace.staff import in_groups, staff_of

    smtp = smtp_settings(settings.smtp, environ)
    smtp_password(smtp, environ)
    staff = staff_of(workspace, settings).recipients
    recipients = len(staff)
    if settings.editions:  # each edition to its group: count the people who get one
        recipients = len(in_groups(staff, group_names(settings.editions)))
    via = f"{smtp.host}:{smtp.port} ({smtp.security})" + (f" as {smtp.user}" if smtp.user else "")
    lines = [describe_due(plan.due, settings)]
    if plan.no_issue:  # a break: what it does on the next issue day that has an issue
        lines = [plan.no_issue] if plan.due.now else [lines[0].split(" It acts next")[0],
                                                      plan.no_issue]  # fmt: skip
    if plan.done or plan.no_issue:  # this week's issue is out, or none: a later week
        if plan.done and not plan.no_issue:
            lines[0] = f"Nothing to do this week: {plan.done}."
        at = plan.due.starts.time()
        for _ in range(60):  # issues can be sent ahead of their day; breaks have none
            if not (plan.done or plan.no_issue):
                break
            following = plan.due.starts + dt.timedelta(days=7)
            plan = plan_job(workspace, settings, at, following.astimezone(dt.UTC), environ)
        when = f"{plan.due.starts:%A %Y-%m-%d %H:%M} {settings.time_zone}"
        lines.append(f"It acts next at {when}.")
    what = (
        f"build the issue of {plan.due.issue_date} (not built yet) and send it"
        if plan.build
        else f"send issue #{plan.number} of {plan.due.issue_date}, as it was built"
    )
    lines.append(f"Then it would {what}, to {counted(recipients, 'recipient')} via {via}.")
    return lines
