"""The `newsletter` command, a table of contents: the group, init, and every other
command by name, with the module of cli/ that holds its body and the summary
`--help` shows, in the weekly loop's order (`--help` lists them as COMMANDS has
them). What the commands share (turning the core's errors into one line and an exit
status, the context, checked options) is in group.py; output and questions at the
terminal in terminal.py."""

from __future__ import annotations

import click

from newsletter import __version__
from newsletter.cli.group import ENV_VAR, Group
from newsletter.cli.terminal import show_core_notes

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
    show_core_notes()


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

    from newsletter.workspace.starter import create_workspace

    root = Path(path or ctx.find_root().obj or ".")
    created = create_workspace(root, title=title)
    for file in created:
        click.echo(f"created {file}")
    click.echo(f"Next: edit {root / 'newsletter.yaml'}, then 'newsletter add-tool'.", err=True)


# Every other command: its name, the module of cli/ that holds it, and its summary
# for `newsletter --help` (a test keeps each the same as the command's own). A
# command's module is imported only when the command runs.
COMMANDS = [
    # The notes, any day of the week, and the teachers' requests
    ("add-tool", "add", "add_tool", "Record a tool find (an app or website) for the next issue."),
    ("add-event", "add", "add_event",
     "Record an upcoming Tech Talk, PD session or other event."),
    ("add-link", "add", "add_link", "Record a link worth a click."),
    ("add-tip", "add", "add_tip",
     "Record a tip of the week (markdown), or a digital citizenship item."),
    ("request", "add", "request", "Record a teacher's request: 'is there an app that does ...?'"),
    ("requests", "lookup", "requests_list",
     "List teachers' requests still waiting for a tool, oldest first, with how long each has "
     "waited."),
    ("answer", "notes", "answer",
     "Answer a teacher's request without a new tool: with one the district already approves, "
     "or by declining it with a reason."),
    ("notes", "notes", "notes_list",
     "List what is waiting for the next issue, numbered by its place in its file."),
    ("edit", "notes", "edit",
     "Open a notes file in your editor ($VISUAL or $EDITOR), and check it on save."),
    ("remove", "notes", "remove", "Remove note NUMBER of KIND (its number in 'newsletter notes')."),
    # The issue, on Friday, and the archive
    ("build", "issues", "build",
     "Build the issue: archive it in issues/ and render its HTML and text email."),
    ("fetch", "issues", "fetch",
     "Fetch every feed now, refresh the cache, and show how each one went."),
    ("feeds", "feeds", "feeds",
     "List the blogs in feeds.yaml, each with how its last fetch went; add, remove, pause or "
     "resume one; import or export them as OPML."),
    ("preview", "issues", "preview",
     "Open an issue's email in the browser (default: the newest issue, each edition)."),
    ("list", "issues", "list_issues",
     "List the archive: number, date, sent or draft, subject, and what is inside."),
    ("show", "issues", "show", "Print one issue: ISSUE is a number (12) or a date (2026-11-27)."),
    ("discard", "issues", "discard",
     "Throw away a draft: its archive file and rendered email (ISSUE: a number or a date; "
     "every edition of it, or name one: 12:elementary)."),
    # Looking things up, and the calendar
    ("search", "lookup", "search",
     "Search every tool, link, post, tip, event and request ever featured (and, marked, the "
     "draft and the notes not yet sent), best match first."),
    ("tools", "lookup", "tools",
     "List every tool ever featured, once each: name, grades, subjects, cost, the district's "
     "decision on it, how many issues featured it and the last one."),
    ("calendar", "publish", "calendar_file_command",
     "Write every upcoming event as one .ics file, for staff to subscribe to once it is "
     "published (on the district's web server, say)."),
    # The year: Tech Talks, digital citizenship, the district's decisions, the school year
    ("talks", "notes", "talks",
     "List the dates of every repeating event (the Tech Talks) with their topics."),
    ("talk-topic", "notes", "talk_topic",
     "Set the topic of a repeating event on DATE (shown as 'Tech Talk: TOPIC')."),
    ("talk-materials", "notes", "talk_materials",
     "Record what the talk on DATE left behind: its slides and its recording."),
    ("talk-skip", "notes", "talk_skip",
     "Skip a repeating event on DATE (a holiday, a talk called off), or hold it again with "
     "--undo."),
    ("attendance", "pd", "attendance",
     "Record who came to the talk on DATE from its sign-in sheet (a form's responses as CSV)."),
    ("attended", "pd", "attended", "Record by hand that EMAIL... came to the talk on DATE."),
    ("pd", "pd", "pd",
     "List the PD hours each person earned at the talks, this school year (or --from/--to), "
     "with each talk."),
    ("citizenship", "notes", "citizenship",
     "Show the year's digital citizenship plan: each topic, what has gone out already and "
     "what comes next."),
    ("vet", "approvals", "vet",
     "Record or update the district's decision on a tool in approvals.yaml."),
    ("approvals", "approvals", "approvals",
     "List the register of vetted tools: each tool's decision, the grades it covers, its "
     "agreement and when it expires, and when the newsletter last featured it."),
    ("school-year", "schoolyear", "school_year",
     "List the issue days of the school year, and the weeks without an issue (a break, a day "
     "off), from newsletter.yaml's school_year."),
    # Publishing the site, and sending
    ("site", "publish", "site_command",
     "Write the public web archive: the sent issues, a page per tool, the tools catalog, an "
     "Atom feed, the events calendar and a search (Pagefind)."),
    ("send", "send", "send",
     "Email an issue to staff (default: the newest issue not sent to everyone)."),
    ("cron", "send", "cron",
     "Print the crontab line that builds and sends each issue on the issue day."),
    ("job", "send", "job", "The unattended Friday job that 'newsletter cron' schedules hourly."),
    # What is wrong, and the templates
    ("check", "check", "check",
     "Check the whole workspace and report every problem at once, with file:line."),
    ("templates", "issues", "templates",
     "List the email and archive templates, and which ones the workspace overrides."),
]  # fmt: skip
for _name, _module, _attribute, _summary in COMMANDS:
    cli.add_command_later(_name, f"newsletter.cli.{_module}", _attribute, _summary)
