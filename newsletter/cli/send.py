"""The commands that send: send (to staff, or a test copy), cron (the line that schedules
the Friday job) and job (the Friday job itself); and how a send is told."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from newsletter import clock
from newsletter.cli.group import BadInput, Failed, checked, context, paint
from newsletter.cli.issues import build
from newsletter.cli.terminal import SendProgress, confirm, stamped, warn
from newsletter.errors import shown

if TYPE_CHECKING:
    import datetime as dt
    from typing import Any

    from newsletter.cli.context import Context


@click.command()
@click.argument("issue", required=False)
@click.option("--yes", is_flag=True, help="Send without asking (needed without a terminal).")
@click.option("--dry-run", is_flag=True, help="Show what would go to whom; send nothing.")
@click.option(
    "--to",
    metavar="ADDRESS",
    help="Send a test copy, marked [TEST], to ADDRESS; the issue stays unsent.",
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="NAME",
    help="Send only to the staff in this group (staff.csv's groups); repeat for more.",
)
@click.option(
    "--resend-in-doubt",
    is_flag=True,
    help="Also send to those in doubt (a run stopped while sending them), after asking.",
)
@click.option("--retry-refused", is_flag=True, help="Try the addresses refused for good once more.")
@click.option("--force", is_flag=True, help="Send an issue with no tools, events, tips or intro.")
@click.option("--verbose", is_flag=True, help="Say what happens on the connection.")
@click.pass_context
def send(ctx: click.Context, issue: str | None, **options: Any) -> None:
    """Email an issue to staff (default: the newest issue not sent to everyone).

    Each person gets it once: a rerun after a crash or a dropped connection sends
    only to those not yet reached, and a sent issue is never sent again. With no
    SMTP host configured, messages go to .newsletter/outbox/ instead. With
    editions, each edition goes to its group; ISSUE may name one (12:elementary)."""
    from newsletter.catalog.db import load_archive
    from newsletter.send.jobs import choose_issues

    workspace = context(ctx).workspace
    to = options["to"]
    if to is not None and not to.strip():  # an unset $ME in a script: never everyone
        raise BadInput("--to: is empty. Hint: give the address for the test copy.")
    zone_name = context(ctx).settings.time_zone
    entries, said = choose_issues(load_archive(workspace), issue, bool(to), zone_name)
    for line in said:
        click.echo(line, err=True)
    send_each(context(ctx), entries, options)


at_option = click.option(
    "--at",
    default="07:00",
    show_default=True,
    metavar="TIME",
    help="The time of day to build and send on the issue day, in the workspace's time zone "
    "(07:00, or 7am).",
)


@click.command()
@at_option
@click.option(
    "--check",
    "check_it",
    is_flag=True,
    help="Run the job as cron would (bare environment, another folder) as a dry run.",
)
@click.pass_context
def cron(ctx: click.Context, at: str, check_it: bool) -> None:
    """Print the crontab line that builds and sends each issue on the issue day.

    Paste it into 'crontab -e'. It runs 'newsletter job' hourly, which acts once,
    on the issue day at or after --at in the workspace's time zone. It uses
    absolute paths and carries the NEWSLETTER_SMTP_* settings of your shell (never
    the password); output goes to .newsletter/logs/cron.log."""
    import os

    from newsletter.send.cron import check_in_cron_environment, crontab_line, hour_and_minute

    here = context(ctx)
    line = crontab_line(
        here.workspace,
        here.settings,
        hour_and_minute(at),
        sys.argv[0],
        os.environ,
        today=here.today,
    )
    for note in line.notes:
        click.echo(f"note: {note}", err=True)
    if not check_it:
        click.echo(str(line))
        return
    status, output = check_in_cron_environment(line)
    click.echo("The job, run as cron runs it (env -i, PATH=/usr/bin:/bin, in /), as a dry run:")
    for text in output.splitlines():
        click.echo(f"  {text}")
    if status != 0:
        raise Failed(f"under cron the job would fail (exit status {status}); see above.")
    click.echo("The job is ready for cron.", err=True)


@click.command()
@at_option
@click.option("--dry-run", is_flag=True, help="Say what it would do, and when; change nothing.")
@click.option(
    "--now",
    hidden=True,
    callback=checked(clock.moment_utc, "--now"),
    help="The current moment (ISO 8601), for tests.",
)
@click.pass_context
def job(ctx: click.Context, at: str, dry_run: bool, now: dt.datetime | None) -> None:
    """The unattended Friday job that 'newsletter cron' schedules hourly.

    On the issue day at or after --at (in the workspace's time zone) it builds the
    issue, unless it is built already, and sends it; at any other time, or once the
    issue is sent, it does nothing and prints nothing. Without an SMTP host it fails
    instead of writing to the outbox."""
    import os

    from newsletter.send.cron import (
        describe_plan,
        hour_and_minute,
        plan_job,
        remember_held,
        remember_told,
    )

    if now is not None:  # the build and send it starts run at the same moment
        context(ctx).now = now
    workspace, settings, now = context(ctx).workspace, context(ctx).settings, context(ctx).now
    plan = plan_job(workspace, settings, hour_and_minute(at), now, os.environ)
    if dry_run:
        click.echo("\n".join(describe_plan(plan, workspace, settings, os.environ)))
        return
    if plan.no_issue and plan.due.now and not plan.done:  # a break: said once, in the log
        click.echo(remember_told(workspace, plan) or plan.no_issue)
        return
    if not plan.acts:
        return  # quiet: the log gets a line only when something happens
    if plan.held:  # said once: the hourly runs after it stay quiet until that changes
        raise Failed(remember_told(workspace, plan))
    local = now.astimezone(settings.zone)
    click.echo(f"{local:%Y-%m-%d %H:%M %Z}: the issue of {plan.due.issue_date} is due.")
    if plan.build:
        ctx.invoke(build, date=plan.due.issue_date)
    try:
        ctx.invoke(send, issue=plan.due.issue_date.isoformat(), yes=True)
    finally:  # a send that leaves only people in doubt said so: the next runs stay quiet
        remember_held(workspace, settings, hour_and_minute(at), now, os.environ)


def send_each(ctx: Context, entries: list[Any], options: dict[str, Any]) -> None:
    """Send each issue in turn (each edition, to its group), after one question for
    all: one that fails does not stop the next, and the run fails at the end if any did."""
    import os

    from newsletter.send.jobs import NotForGroups, for_groups, prepare_send
    from newsletter.send.sender import send_job

    to, groups, jobs = options["to"], options["groups"], []
    again = (options["resend_in_doubt"], options["retry_refused"])
    if not (to or options["dry_run"] or options["force"]):
        _refuse_empty(entries)
    for entry in for_groups(ctx.settings, entries, groups):
        try:
            jobs.append(prepare_send(ctx.workspace, ctx.settings, entry, os.environ, to,
                                     groups, *again))  # fmt: skip
        except NotForGroups as err:
            click.echo(err.message, err=True)
    if not jobs:
        return
    warn(jobs[0].problems)  # the staff list's problems, once
    if ctx.settings.editions and not to:
        from newsletter.issue.editions import without_edition

        left_out = without_edition(ctx.settings.editions, jobs[0].everyone)
        warn([left_out] if left_out else [])
    if options["dry_run"]:
        click.echo("\n".join(line for job in jobs for line in job.dry_run_lines()))
        return
    if not options["yes"] and not to:  # a test copy to yourself needs no confirmation
        whole = "; and ".join(job.summary() for job in jobs)
        remark = jobs[0].timing(ctx.today, ctx.settings.issue_weekday)  # editions share a date
        note = f" Note: {remark}." if remark else ""
        confirm(f"Send {whole}?{note}", f"Sending {whole} needs confirmation")
    failures = []
    for job in jobs:
        progress = SendProgress(job.entry.label, ctx.settings.send.rate_per_minute)

        def say(line: str, progress: SendProgress = progress) -> None:
            progress.clear()  # a log line never runs into the progress line
            stamped(line, ctx.settings.zone)

        outcome = send_job(ctx.workspace, ctx.settings, job, os.environ, say,
                          options["verbose"], progress, ctx.clock)  # fmt: skip
        progress.clear()
        try:
            report_outcome(outcome)
        except Failed as err:
            failures.append(err.message)
    if failures:
        raise Failed(" ".join(failures))


def _refuse_empty(entries: list[Any]) -> None:
    """An issue with no tools, events, tips or intro is a mistake to send to staff."""
    from newsletter.issue.assemble import is_empty

    for entry in entries:
        if is_empty(entry.issue):
            raise BadInput(
                f"Issue #{entry.label} ({shown(entry.path)}) has no tools, events, tips or "
                "intro; nothing was sent. Hint: add notes and build it again, or send it "
                "anyway with --force."
            )


def report_outcome(outcome: Any) -> None:
    for line in outcome.lines:
        click.echo(line if outcome.failure else paint(line, "green"))
    warn(outcome.warnings)
    if outcome.failure:
        raise Failed(outcome.failure)
