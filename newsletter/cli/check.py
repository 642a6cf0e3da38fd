"""The check command: what is wrong in the workspace before Friday, and the links that no
longer answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from newsletter.cli.group import BadInput, Failed, checked, context
from newsletter.cli.terminal import done, warn
from newsletter.text.plain import counted

if TYPE_CHECKING:
    from newsletter.workspace.folder import Workspace

    pass


@click.command()
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
    from newsletter.check.workspace import check_workspace

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


def check_links_of(workspace: Workspace, issue_ref: str | None) -> int:
    """Print the broken links of an issue; how many there are."""
    from newsletter.check.links import check_issue_links

    found = check_issue_links(workspace, issue_ref)
    for result in found.broken:
        click.echo(f"broken: {result.ref.url} in {result.ref.where}: {result.problem}")
    click.echo(
        f"Checked {counted(len(found.results), 'link')} in issue #{found.number}: "
        f"{len(found.broken)} broken.",
        err=True,
    )
    return len(found.broken)
