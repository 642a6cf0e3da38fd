"""The `newsletter` command, a table of contents: each command reads its options,
calls one function of the core, and prints. What the commands share (turning the
core's errors into one line and an exit status, the context, checked options,
questions at a terminal) is in commands.py."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from newsletter import __version__, calendar_commands, catalog_commands, notes_commands
from newsletter.commands import (
    ENV_VAR,
    KINDS,
    BadInput,
    Failed,
    FeedProgress,
    Group,
    add_command,
    check_links_of,
    checked,
    context,
    done,
    report_archive,
    report_build,
    send_each,
    warn,
)
from newsletter.errors import shown

if TYPE_CHECKING:
    import datetime as dt
    from typing import Any

# Only click is imported for `newsletter --help`; each command imports what it uses.


def main() -> None:
    cli(prog_name="newsletter")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsletter")
@click.option(
    "--workspace",
    "-w",
    "workspace_path",
    envvar=ENV_VAR,
    metavar="PATH",
    type=click.Path(file_okay=False),
    help=f"The workspace folder (default: the nearest folder with newsletter.yaml; "
    f"or set {ENV_VAR}).",
)
@click.pass_context
def cli(ctx: click.Context, workspace_path: str | None) -> None:
    """Build and email a weekly edtech newsletter for school staff.

    \b
    The weekly loop:
      newsletter add-tool "Padlet" --url https://padlet.com ...   (any day)
      newsletter add-event "Tech Talk: Google Forms" --when "2026-12-03 12:00"
      newsletter build      (Friday: archive + HTML and text email)
      newsletter preview    (look at it in a browser)
      newsletter send       (to staff; or let 'newsletter cron' set up the Friday job)
    """
    ctx.obj = workspace_path


# --- the commands, in the order of the weekly loop --------------------------------


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option(
    "--title",
    default="Tech Tidbits",
    show_default=True,
    help="The newsletter's name, as readers see it.",
)
@click.pass_context
def init(ctx: click.Context, path: str | None, title: str) -> None:
    """Create a new workspace in PATH (default: --workspace, or here) with commented
    example files.

    Never overwrites: if any of its files is already there, nothing is written."""
    from pathlib import Path

    from newsletter.starter import create_workspace

    root = Path(path or ctx.find_root().obj or ".")
    created = create_workspace(root, title=title)
    for file in created:
        click.echo(f"created {file}")
    click.echo(f"Next: edit {root / 'newsletter.yaml'}, then 'newsletter add-tool'.", err=True)


for _kind_name in ("tools", "events", "links", "tips", "requests"):  # add-tool, ..., request
    cli.add_command(add_command(KINDS[_kind_name]))
cli.add_command(notes_commands.notes_list)  # the notes as files: notes_commands.py
cli.add_command(notes_commands.edit)
cli.add_command(notes_commands.remove)
cli.add_command(catalog_commands.search)  # looking things up: catalog_commands.py
cli.add_command(catalog_commands.tools)
cli.add_command(catalog_commands.requests_list)
cli.add_command(catalog_commands.site_command)
cli.add_command(calendar_commands.calendar_file_command)  # events: calendar_commands.py
cli.add_command(calendar_commands.talks)
cli.add_command(calendar_commands.talk_topic)


@cli.command()
@click.option(
    "--date",
    "date",
    callback=checked("day", "--date"),
    metavar="YYYY-MM-DD",
    help="The issue's date (default: the next issue day, today included).",
)
@click.option("--offline", is_flag=True, help="Do not fetch feeds; use the cached copies.")
@click.option("--force", is_flag=True, help="Replace a draft even if it was edited by hand.")
@click.option("--strict", is_flag=True, help="Fail, building nothing, if any feed fails.")
@click.pass_context
def build(
    ctx: click.Context, date: dt.date | None, offline: bool, force: bool, strict: bool
) -> None:
    """Build the issue: archive it in issues/ and render its HTML and text email.

    Takes every note not yet featured in a sent issue, events still ahead, and
    new posts from the feeds. A sent issue is never rebuilt. With editions in
    newsletter.yaml, builds one issue per edition."""

    from newsletter.build import FeedsFailed, build_issues

    progress = FeedProgress()
    try:
        results = build_issues(
            context(ctx).workspace,
            now=context(ctx).now,
            date=date,
            offline=offline,
            force=force,
            strict=strict,
            progress=progress,
        )
    except FeedsFailed as err:
        progress.clear()
        warn(err.problems)
        raise
    progress.clear()
    report_build(results)


@cli.command()
@click.option("--strict", is_flag=True, help="Exit with status 1 if any feed fails.")
@click.pass_context
def fetch(ctx: click.Context, strict: bool) -> None:
    """Fetch every feed now, refresh the cache, and show how each one went.

    A feed that fails keeps its last good copy for the next build."""
    from newsletter.feeds import FAILED, STALE, refresh_feeds

    progress = FeedProgress()
    outcomes = refresh_feeds(context(ctx).workspace, context(ctx).now, progress=progress)
    progress.clear()
    if not outcomes:
        click.echo("No feeds in feeds.yaml.", err=True)
        return
    width = min(max(len(o.source.name) for o in outcomes), 40)
    click.echo(f"{'feed':<{width}}  {'items':>5}  {'time':>7}  outcome")
    for o in outcomes:
        outcome = o.status if o.status not in (FAILED, STALE) else f"{o.status}: {o.reason}"
        name = o.source.name[:width]
        click.echo(f"{name:<{width}}  {len(o.items):>5}  {o.seconds:>5.1f} s  {outcome}")
    failed = [o for o in outcomes if o.status in (FAILED, STALE)]
    if failed and strict:
        raise Failed(f"{len(failed)} of {len(outcomes)} feeds failed (--strict).")


@cli.command()
@click.argument("issue", required=False)
@click.option("--print", "print_path", is_flag=True, help="Print the file's path; open no browser.")
@click.option("--text", is_flag=True, help="The plain-text part instead of the HTML.")
@click.pass_context
def preview(ctx: click.Context, issue: str | None, print_path: bool, text: bool) -> None:
    """Open an issue's email in the browser (default: the newest issue, each edition).

    ISSUE is a number (12) or a date (2026-11-27); an edition after a colon
    (12:elementary)."""
    import webbrowser

    from newsletter.archive import find_issue, newest_issues
    from newsletter.build import ensure_rendered
    from newsletter.catalog import load_archive

    workspace = context(ctx).workspace
    archive = load_archive(workspace)
    entries = [find_issue(archive, issue)] if issue else newest_issues(archive)
    for entry in entries:  # the newest issue: each of its editions
        html_file, text_file = ensure_rendered(workspace, entry)
        target = text_file if text else html_file
        if print_path:
            click.echo(shown(target))
        elif not webbrowser.open(target.resolve().as_uri()):
            raise Failed(
                f"could not open a browser. The email is at {shown(target)}. "
                "Hint: open that file yourself, or use --print."
            )
        else:
            click.echo(f"Opened {shown(target)}", err=True)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON, for scripts.")
@click.pass_context
def list_issues(ctx: click.Context, as_json: bool) -> None:
    """List the archive: number, date, sent or draft, subject, and what is inside."""
    from newsletter.catalog import open_catalog

    with open_catalog(context(ctx).workspace) as catalog:
        report_archive(catalog.archive(), as_json)


@cli.command()
@click.argument("issue")
@click.option(
    "--format",
    "form",
    type=click.Choice(["markdown", "text", "html"]),
    default="markdown",
    show_default=True,
    help="What to print.",
)
@click.pass_context
def show(ctx: click.Context, issue: str, form: str) -> None:
    """Print one issue: ISSUE is a number (12) or a date (2026-11-27).

    With editions, name one after a colon: 12:elementary."""
    from newsletter.archive import find_issue
    from newsletter.build import rendered_email
    from newsletter.catalog import load_archive
    from newsletter.clean import printable
    from newsletter.files import read_text

    workspace = context(ctx).workspace
    entry = find_issue(load_archive(workspace), issue)
    if form == "markdown":
        text = read_text(entry.path)
    else:
        email = rendered_email(workspace, entry)
        text = email.text if form == "text" else email.html
    # A control character in a file edited by hand must not retitle or clear the terminal.
    click.echo(printable(text), nl=False)


@cli.command()
@click.option(
    "--links",
    is_flag=True,
    help="Also check every link in the newest unsent issue (HEAD, then GET).",
)
@click.option(
    "--issue",
    "issue_ref",
    metavar="ISSUE",
    callback=checked(str.strip, "--issue"),
    help="With --links: the issue to check (a number or a date).",
)
@click.pass_context
def check(ctx: click.Context, links: bool, issue_ref: str | None) -> None:
    """Check the whole workspace and report every problem at once, with file:line.

    Settings, feeds, notes, templates, the staff list and the archive. Exit
    status 2 when anything is wrong; with --links, 1 when only links are broken."""
    from newsletter.check import check_workspace

    workspace = context(ctx).workspace
    findings = check_workspace(workspace, context(ctx).now)
    for line in findings.problems:
        click.echo(line)
    warn(findings.warnings)
    broken = check_links_of(workspace, issue_ref) if links else 0
    if findings.problems:  # bad input outranks a broken link: exit 2, as the README says
        count = len(findings.problems)
        raise BadInput(f"{count} problem{'s' if count != 1 else ''} found (listed above).")
    if broken:
        raise Failed(f"{broken} broken link{'s' if broken != 1 else ''} (listed above).")
    done("The workspace is in order.", err=True)


@cli.command()
@click.option(
    "--copy",
    "name",
    metavar="NAME",
    callback=checked(str.strip, "--copy"),
    help="Copy the built-in template NAME into templates/ to customise it.",
)
@click.pass_context
def templates(ctx: click.Context, name: str | None) -> None:
    """List the email and archive templates, and which ones the workspace overrides."""
    from newsletter.render import copy_builtin_template, template_sources

    workspace = context(ctx).workspace
    if name:
        target = copy_builtin_template(name, workspace.templates_dir)
        click.echo(f"Copied the built-in {name} to {shown(target)}; edit it there.")
        return
    for template, source in template_sources(workspace.templates_dir):
        click.echo(f"{template:<26} {source}")


@cli.command()
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
    from newsletter.catalog import load_archive
    from newsletter.send import choose_issues

    workspace = context(ctx).workspace
    to = options["to"]
    if to is not None and not to.strip():  # an unset $ME in a script: never everyone
        raise BadInput("--to: is empty. Hint: give the address for the test copy.")
    entries, said = choose_issues(load_archive(workspace), issue, test=bool(to))
    for line in said:
        click.echo(line, err=True)
    send_each(context(ctx), entries, options)


at_option = click.option(
    "--at",
    default="07:00",
    show_default=True,
    metavar="HH:MM",
    help="The time of day to build and send on the issue day, in the workspace's time zone.",
)


@cli.command()
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

    from newsletter.cron import check_in_cron_environment, crontab_line, time_of_day

    here = context(ctx)
    line = crontab_line(
        here.workspace, here.settings, time_of_day(at), sys.argv[0], os.environ, today=here.today
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


@cli.command()
@at_option
@click.option("--dry-run", is_flag=True, help="Say what it would do, and when; change nothing.")
@click.option(
    "--now",
    hidden=True,
    callback=checked("moment_utc", "--now"),
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

    from newsletter.cron import describe_plan, plan_job, remember_held, remember_told, time_of_day

    if now is not None:  # the build and send it starts run at the same moment
        context(ctx).now = now
    workspace, settings, now = context(ctx).workspace, context(ctx).settings, context(ctx).now
    plan = plan_job(workspace, settings, time_of_day(at), now, os.environ)
    if dry_run:
        click.echo("\n".join(describe_plan(plan, workspace, settings, os.environ)))
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
        remember_held(workspace, settings, time_of_day(at), now, os.environ)
