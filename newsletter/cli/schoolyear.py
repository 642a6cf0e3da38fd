"""`school-year`: the issue days of the school year, with the breaks that have none;
`school-year import FILE.ics` reads the district's calendar into newsletter.yaml."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from newsletter.cli.group import BadInput, checked, context
from newsletter.cli.terminal import done, interactive, warn


@click.group("school-year", invoke_without_command=True)
@click.pass_context
def school_year(ctx: click.Context) -> None:
    """List the issue days of the school year, and the weeks without an issue (a
    break, a day off), from newsletter.yaml's school_year."""
    if ctx.invoked_subcommand is not None:
        return
    from dateutil import rrule

    here = context(ctx)
    year = here.settings.school_year
    if year is None:
        raise BadInput(
            "newsletter.yaml has no school_year. Hint: add one (README: The school year), or "
            "read the district's calendar with 'newsletter school-year import FILE.ics'."
        )
    click.echo(f"School year {year.first_day} to {year.last_day}")
    days = rrule.rrule(rrule.WEEKLY, byweekday=here.settings.issue_weekday,
                       dtstart=year.first_day, until=year.last_day)  # fmt: skip
    for when in days:
        day = when.date()
        why = year.no_issue(day)
        past = " (past)" if day < here.today else ""
        click.echo(f"{day:%a %Y-%m-%d}  {'no issue: ' + why if why else 'issue'}{past}")


@school_year.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--first-day", metavar="YYYY-MM-DD", callback=checked("day", "--first-day"),
              help="The first day of school, when the calendar does not name it.")  # fmt: skip
@click.option("--last-day", metavar="YYYY-MM-DD", callback=checked("day", "--last-day"),
              help="The last day of school, when the calendar does not name it.")  # fmt: skip
@click.option("--print", "only_print", is_flag=True,
              help="Print the school_year block instead of writing it.")  # fmt: skip
@click.pass_context
def import_calendar(ctx: click.Context, file: str, first_day: dt.date | None,
                    last_day: dt.date | None, only_print: bool) -> None:  # fmt: skip
    """Read the district's calendar (an .ics file) into newsletter.yaml's school_year:
    the first and last day of school, the breaks and the days without school.

    Events that look like neither are asked about at a terminal; without one, none
    of them is written, and they are listed. The rest of newsletter.yaml stays as
    it is; a school_year already there is replaced."""
    from pathlib import Path

    from newsletter.workspace.district_calendar import (
        read_district_calendar,
        school_year_block,
        write_school_year,
    )

    here = context(ctx)
    found = read_district_calendar(Path(file), here.today)
    first = first_day or found.first_day
    last = last_day or found.last_day
    if first is None or last is None:
        missing = "first" if first is None else "last"
        raise BadInput(
            f"{file}: the calendar names no {missing} day of school. Hint: give it with "
            f"--{missing}-day YYYY-MM-DD."
        )
    if last < first:
        raise BadInput(
            f"the last day ({last}) is before the first ({first}). Hint: give the school "
            "year's days with --first-day and --last-day."
        )
    inside = [b for b in found.closed if b.last >= first and b.first <= last]
    unsure = [b for b in found.unsure if b.last >= first and b.first <= last]
    inside += _asked(unsure)
    inside.sort(key=lambda b: (b.first, b.last))
    block = school_year_block(first, last, inside)
    if only_print:
        click.echo(block, nl=False)
        return
    for item in inside:  # what it takes, so a school day taken for a day off is seen
        click.echo(f"  no school: {item.name} ({item.first:%a} {item.span})", err=True)
    write_school_year(here.workspace.settings_file, block)
    breaks = sum(1 for b in inside if b.first != b.last)
    done(f"Wrote the school year {first} to {last} into newsletter.yaml: {breaks} break"
         f"{'s' if breaks != 1 else ''}, {len(inside) - breaks} day"
         f"{'s' if len(inside) - breaks != 1 else ''} without school.")  # fmt: skip


def _asked(unsure: list[Any]) -> list[Any]:
    """The events the calendar does not say are days off: asked about one by one at a
    terminal; without one, none is taken, and each is named."""
    from newsletter.workspace.district_calendar import MOST_ASKED

    if not unsure:
        return []
    if not interactive() or len(unsure) > MOST_ASKED:
        warn([f"left out '{b.name}' ({b.first:%a} {b.span}): not a break or a day off by its "
              "name; run at a terminal to be asked, or add it to days_off by hand."
              for b in unsure[:MOST_ASKED]])  # fmt: skip
        if len(unsure) > MOST_ASKED:
            warn([f"and {len(unsure) - MOST_ASKED} more events like these, left out."])
        return []
    return [
        b
        for b in unsure
        if click.confirm(
            f"Is '{b.name}' ({b.first:%a} {b.span}) a day without school?", default=False
        )  # fmt: skip
    ]
