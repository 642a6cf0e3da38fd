"""The `newsletter` command, a table of contents: the group, init, and every other
command, each from the module of cli/ that holds its body (`--help` lists them in
the weekly loop's order, COMMAND_ORDER in group.py). What the commands share (turning the core's errors into one line and an exit
status, the context, checked options) is in group.py; output and questions at the
terminal in terminal.py."""

from __future__ import annotations

import click

from newsletter import __version__
from newsletter.cli import add, check, issues, lookup, notes, publish, send
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


# The notes, any day of the week (add.py, notes.py)
for _kind_name in ("tools", "events", "links", "tips", "requests"):  # add-tool, ..., request
    cli.add_command(add.add_note_command(_kind_name))
cli.add_command(notes.notes_list)
cli.add_command(notes.edit)
cli.add_command(notes.remove)
cli.add_command(notes.talks)
cli.add_command(notes.talk_topic)
# The issue, on Friday (issues.py), and what is wrong before it (check.py)
cli.add_command(issues.build)
cli.add_command(issues.fetch)
cli.add_command(issues.preview)
cli.add_command(issues.list_issues)
cli.add_command(issues.show)
cli.add_command(issues.templates)
cli.add_command(check.check)
# Sending it (send.py)
cli.add_command(send.send)
cli.add_command(send.cron)
cli.add_command(send.job)
# Looking things up (lookup.py), and publishing the site and calendar (publish.py)
cli.add_command(lookup.search)
cli.add_command(lookup.tools)
cli.add_command(lookup.requests_list)
cli.add_command(publish.site_command)
cli.add_command(publish.calendar_file_command)
