"""The register of vetted tools at the command line: `vet` records one decision,
`approvals` lists the register, `approvals import` brings in a spreadsheet. They
read options and call the core (approvals/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from newsletter.approvals.register import FIELDS, STATUSES, ApprovalField
from newsletter.cli.group import context, paint, table_format
from newsletter.cli.terminal import done, warn


def _vet_option(item: ApprovalField) -> click.Option:
    many = item.read == "words"
    metavar = {"day": "YYYY-MM-DD", "url": "URL", "grades": "GRADES"}.get(item.read)
    return click.Option(
        [item.option, item.name],
        multiple=many,
        metavar=metavar,
        help=item.help + (" Repeat or use commas." if many else "") + " '' takes it away."
        if item.name not in ("status", "url")
        else item.help,
    )


def _record(ctx: click.Context, name: str, **given: Any) -> None:
    from newsletter.approvals.decide import option_values, record_decision
    from newsletter.approvals.wording import STATUS_LABELS, district_line

    here = context(ctx)
    if "data_collected" in given and given["data_collected"]:
        given["data_collected"] = [w for v in given["data_collected"] for w in v.split(",")]
    values = option_values(given)
    recorded = record_decision(here.workspace, name, values, here.today)
    approval = recorded.approval
    if recorded.new:
        done(f"Added '{approval.name}' ({approval.status}) to {recorded.file}:{recorded.line}")
    elif recorded.before == approval:
        click.echo(f"'{approval.name}' in {recorded.file}:{recorded.line} already says so.")
    else:
        was = recorded.before.status if recorded.before else ""
        change = f"{STATUS_LABELS[was]} -> {approval.status}" if was != approval.status else ""
        done(f"Updated '{approval.name}' in {recorded.file}:{recorded.line}"
             + (f" ({change})" if change else ""))  # fmt: skip
    click.echo(f"The newsletter will say: {district_line(approval, [], here.today)}")


vet = click.Command(
    "vet",
    params=[click.Argument(["name"]), *(_vet_option(item) for item in FIELDS)],
    callback=click.pass_context(_record),
    help="Record or update the district's decision on a tool in approvals.yaml.\n\n"
    "NAME is the tool as teachers know it (matched the way the catalog matches tools: "
    "the same address, or the same name however it is written). A new entry needs "
    "--status; an entry already there keeps every field you do not give, and every "
    "other line of the file stays as you wrote it.",
)


@click.group("approvals", invoke_without_command=True)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help=f"Only these ({', '.join(STATUSES)}); repeat or use commas.",
)
@click.option(
    "--expiring",
    metavar="DAYS",
    type=click.IntRange(0, 3660),
    help="Only agreements that expire (or are due for review) within DAYS, or already have.",
)
@table_format("csv: for the committee's spreadsheet; json: for scripts.")
@click.pass_context
def approvals(ctx: click.Context, statuses: tuple[str, ...], expiring: int | None,
              form: str) -> None:  # fmt: skip
    """List the register of vetted tools: each tool's decision, the grades it covers,
    its agreement and when it expires, and when the newsletter last featured it."""
    if ctx.invoked_subcommand is not None:
        return
    from newsletter.approvals.listing import listed, register_rows
    from newsletter.approvals.register import load_register, statuses_given
    from newsletter.catalog.db import open_catalog
    from newsletter.catalog.search import Filters, featured_tools
    from newsletter.errors import InputError

    here = context(ctx)
    try:
        wanted = statuses_given(statuses)
    except ValueError as err:
        raise InputError(f"--status: {err}.") from None
    register = load_register(here.workspace)
    with open_catalog(here.workspace) as catalog:
        featured = catalog.guarded(featured_tools, catalog, Filters())
    rows = listed(register_rows(register, featured), wanted, expiring, here.today)
    if form == "text":
        _lines(rows, here.today)
        if not len(register):
            click.echo(
                "The register is empty: record a decision with 'newsletter vet NAME --status "
                "approved', or import your list with 'newsletter approvals import FILE.csv'.",
                err=True,
            )
        return
    _data(rows, form)


def _lines(rows: list[Any], today: dt.date) -> None:
    from newsletter.approvals.wording import STATUS_LABELS
    from newsletter.text.plain import printable
    from newsletter.workspace.validate import grade_ranges

    if not rows:
        click.echo("No entry of the register fits.", err=True)
        return
    width = min(32, max(len(row.approval.name) for row in rows))
    for row in rows:
        a = row.approval
        renew = a.renew_by
        until = f"until {renew}" if renew and renew >= today else (
            f"EXPIRED {renew}" if renew else "")  # fmt: skip
        last = f"last #{row.last_number} ({row.last_date})" if row.last_number else "not featured"
        grades = grade_ranges(a.grades) if a.grades else "all grades"
        click.echo(printable(f"{a.name:<{width}}  {STATUS_LABELS[a.status]:<25} {grades:<10} "
                             f"{until:<19} {last}"))  # fmt: skip


def _data(rows: list[Any], form: str) -> None:
    import json

    from newsletter.approvals.listing import csv_text

    if form == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], indent=2, ensure_ascii=False))
        return
    click.echo(csv_text(rows), nl=False)


@approvals.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Read the column HEADER as FIELD (name, url, status, grades, expires, ...), "
    "or leave it out with HEADER=-; repeat for several.",
)
@click.option(
    "--value",
    "values",
    multiple=True,
    metavar="WORD=VALUE",
    help="Read the list's own word as a status or agreement ('Approved - Student "
    "Data=approved'); repeat for several.",
)
@click.option("--skip-bad", is_flag=True, help="Import the rows that read; name the others.")
@click.option("--dry-run", is_flag=True, help="Say what would change, and write nothing.")
@click.pass_context
def import_command(ctx: click.Context, file: str, columns: tuple[str, ...],
                   values: tuple[str, ...], skip_bad: bool, dry_run: bool) -> None:  # fmt: skip
    """Import the district's list (a CSV file: a LearnPlatform export, a spreadsheet)
    into approvals.yaml.

    Columns are found by their header (name, url, status, grades, expires, dpa, ...).
    A tool already in the register gets the file's values; a new one is added at the
    end. Nothing is written unless every row reads; importing twice changes nothing."""
    from pathlib import Path

    from newsletter.approvals.importing import (
        BadRows,
        checked_mapping,
        checked_words,
        import_register,
    )

    here = context(ctx)
    mapping, words = checked_mapping(columns), checked_words(values)
    try:
        result = import_register(here.workspace, Path(file), mapping, skip_bad, dry_run, words)
    except BadRows as err:
        for line in err.rows:
            click.echo(f"{paint('error:', 'red')} {line}.", err=True)
        raise
    warn([f"{line}; skipped." for line in result.skipped])
    if dry_run:
        for approval in result.added:
            click.echo(f"would add     {approval.name} ({approval.status})")
        for approval in result.updated:
            click.echo(f"would update  {approval.name} ({approval.status})")
    if result.ignored:
        names = ", ".join(repr(h) for h in result.ignored)
        warn([f"columns not read: {names} (--column HEADER=FIELD reads one)."])
    what = "Would import" if dry_run else "Imported"
    added, updated = len(result.added), len(result.updated)
    count = f"{added + updated} tool{'s' if added + updated != 1 else ''}"
    done(f"{what} {count} into {result.file}: {added} new, {updated} updated, "
         f"{result.unchanged} unchanged.")  # fmt: skip
