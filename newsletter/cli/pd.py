"""The Tech Talks as PD: `attendance` (a sign-in sheet), `attended` (by hand) and
`pd` (the hours)."""

from __future__ import annotations

from typing import Any

import click

from newsletter.cli.group import BadInput, checked, context, paint, table_format
from newsletter.cli.terminal import warn
from newsletter.errors import shown


def _talk_of(here: Any, date: Any, title: str | None) -> Any:
    from newsletter.pd.talks import talk_on

    return talk_on(here.workspace, here.settings, date, title, here.today)


def _say(recorded: Any, talk: Any, dry_run: bool = False) -> None:
    from newsletter.text.plain import printable

    for person in recorded.added:
        who = f"{person.name} <{person.email}>" if person.name else person.email
        click.echo(printable(f"{'would record' if dry_run else 'recorded'}: {who}"))
    hours = f"{talk.minutes // 60}:{talk.minutes % 60:02d} h"
    done = "would be recorded" if dry_run else "recorded in attendance.yaml"
    again = f"; {len(recorded.already)} recorded already" if recorded.already else ""
    click.echo(paint(printable(f"{talk.date} '{talk.title}' ({hours}): "
                               f"{_people(len(recorded.added))} {done}{again}."),
                     "green"))  # fmt: skip


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


@click.command("attendance")
@click.argument("date", callback=checked("day", "DATE"))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--title", help="Which event, when more than one is on DATE.")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="HEADER=FIELD",
    help="A column the form names otherwise: its header, and email or name.",
)
@click.option("--dry-run", is_flag=True, help="Say who would be recorded, and write nothing.")
@click.pass_context
def attendance(ctx: click.Context, date: Any, file: str, title: str | None,
               columns: tuple[str, ...], dry_run: bool) -> None:  # fmt: skip
    """Record who came to the talk on DATE from its sign-in sheet (a form's
    responses as CSV).

    Columns are found by their headers (an address, a name); each row is matched to
    staff.csv by its address, then by its name, and a row that matches nobody is
    named. Importing the same sheet twice changes nothing."""
    from pathlib import Path

    from newsletter.pd.attendance import record
    from newsletter.pd.signin import read_sign_in
    from newsletter.workspace.staff import read_staff_list

    mapping = {}
    for given in columns:
        header, _, field_name = given.rpartition("=")
        if not header or field_name.strip().lower() not in ("email", "name"):
            raise BadInput(f"--column {given!r}: write it as HEADER=email or HEADER=name.")
        mapping[header.strip()] = field_name.strip().lower()
    here = context(ctx)
    talk = _talk_of(here, date, title)
    staff = here.workspace.root / here.settings.send.staff_list
    known = read_staff_list(staff).recipients if staff.is_file() else []
    signed = read_sign_in(Path(file), known, mapping)
    warn(signed.unknown)
    if signed.repeated:
        click.echo(f"{signed.repeated} row(s) of someone signed in above: counted once.", err=True)
    _say(record(here.workspace, talk, signed.people, write=not dry_run), talk, dry_run)


@click.command("attended")
@click.argument("date", callback=checked("day", "DATE"))
@click.argument("emails", nargs=-1, required=True, metavar="EMAIL...")
@click.option("--title", help="Which event, when more than one is on DATE.")
@click.pass_context
def attended(ctx: click.Context, date: Any, emails: tuple[str, ...], title: str | None) -> None:
    """Record by hand that EMAIL... came to the talk on DATE."""
    from newsletter.pd.attendance import record
    from newsletter.workspace import validate
    from newsletter.workspace.staff import read_staff_list

    here = context(ctx)
    talk = _talk_of(here, date, title)
    staff = here.workspace.root / here.settings.send.staff_list
    names = (
        {r.email.lower(): r for r in read_staff_list(staff).recipients} if staff.is_file() else {}
    )
    people = []
    for email in emails:
        try:
            address = validate.address(email)
        except ValueError as err:
            raise BadInput(f"EMAIL {email!r}: {err}. Nothing was recorded.") from None
        person = names.get(address.lower())
        if person is None:
            warn([f"{address} is not in {shown(staff)}; recorded as given."])
        people.append((person.email if person else address, person.name if person else ""))
    _say(record(here.workspace, talk, people), talk)


def _span_options(command: Any) -> Any:
    """--from and --to, the same for the hours and the certificates."""
    command = click.option("--to", "end", metavar="YYYY-MM-DD", callback=checked("day", "--to"),
                           help="Up to this day.")(command)  # fmt: skip
    starting = click.option(
        "--from",
        "start",
        metavar="YYYY-MM-DD",
        callback=checked("day", "--from"),
        help="From this day on.",
    )
    return starting(command)


def _span(here: Any, start: Any, end: Any) -> tuple[Any, Any]:
    """--from and --to, or the school year's first and last day."""
    if start and end and start > end:
        raise BadInput(f"--from {start} is after --to {end}; give the earlier day first.")
    year = here.settings.school_year
    return start or (year.first_day if year else None), end or (year.last_day if year else None)


@click.group("pd", invoke_without_command=True)
@click.option("--person", metavar="EMAIL", help="Only this person's talks.")
@_span_options
@table_format("csv: one row per person and talk, for the district's PD office; json: scripts.")
@click.pass_context
def pd(ctx: click.Context, person: str | None, start: Any, end: Any, form: str) -> None:
    """List the PD hours each person earned at the talks, this school year (or
    --from/--to), with each talk.

    'newsletter pd certificate EMAIL' writes a person's summary to print."""
    if ctx.invoked_subcommand:
        return
    from newsletter.pd.attendance import load_attendance
    from newsletter.pd.hours import hours_by_person
    from newsletter.text.plain import printable, spreadsheet_cell

    here = context(ctx)
    start, end = _span(here, start, end)
    rows = hours_by_person(load_attendance(here.workspace), start, end, person or "")
    if form == "json":
        import json

        data = [{"email": p.email, "name": p.name, "hours": p.hours,
                 "talks": [{"date": t.talk.isoformat(), "title": t.title, "minutes": t.minutes}
                           for t in p.talks]} for p in rows]  # fmt: skip
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if form == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["email", "name", "date", "title", "minutes", "hours"])
        for p in rows:
            for t in p.talks:
                writer.writerow([spreadsheet_cell(v) for v in (p.email, p.name, t.talk.isoformat(),
                                 t.title, str(t.minutes), f"{t.minutes / 60:.2f}")])  # fmt: skip
        click.echo(out.getvalue(), nl=False)
        return
    if not rows:
        who = f" for {person}" if person else ""
        click.echo(f"No attendance recorded{who} in that time. Record a talk's with "
                   "'newsletter attendance DATE FILE.csv'.", err=True)  # fmt: skip
        return
    for p in rows:
        click.echo(printable(f"{p.name or p.email} <{p.email}>: {p.hours:g} h"))
        for t in p.talks:
            click.echo(printable(f"  {t.talk}  {t.title}  ({t.minutes} min)"))


@pd.command("certificate")
@click.argument("email", required=False)
@click.option("--all", "everyone", is_flag=True, help="One for everyone who attended.")
@_span_options
@click.option(
    "--out",
    default="certificates",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The folder to write them into (relative to the workspace).",
)
@click.pass_context
def certificate(ctx: click.Context, email: str | None, everyone: bool, start: Any, end: Any,
                out: str) -> None:  # fmt: skip
    """Write a person's PD summary (their talks, dates, topics and hours, signed with
    newsletter.yaml's editor) as a page to print, and as a PDF.

    The school year's, unless --from/--to; --all makes one for everyone who came."""
    from pathlib import Path

    from newsletter.pd.attendance import load_attendance
    from newsletter.pd.certificate import certificate_html, file_stem, write_certificate
    from newsletter.pd.hours import hours_by_person
    from newsletter.text.dates import long_date

    if bool(email) == everyone:
        raise BadInput("give one EMAIL, or --all for everyone who attended.")
    here = context(ctx)
    start, end = _span(here, start, end)
    people = hours_by_person(load_attendance(here.workspace), start, end, email or "")
    when = " to ".join(long_date(d, here.settings.language) for d in (start, end) if d)
    if not people:
        within = f" between {when}" if when else ""
        raise BadInput(f"no attendance is recorded for {email or 'anyone'}{within}; no "
                       "certificate written. Hint: 'newsletter pd' lists who came.")  # fmt: skip
    folder = Path(out) if Path(out).is_absolute() else here.workspace.root / out
    missing_pdf = False
    for person in people:
        html = certificate_html(person, here.settings, when, here.today)
        page, pdf = write_certificate(html, folder, file_stem(person, start, end))
        missing_pdf = missing_pdf or pdf is None
        made = f"{shown(page)}" + (f" and {shown(pdf)}" if pdf else "")
        click.echo(f"{person.name or person.email}: {person.hours:g} h, {made}")
    if missing_pdf:
        warn(["no Chromium to print PDFs with (Debian: apt-get install chromium); the pages "
              "print from any browser: File, Print, Save as PDF."])  # fmt: skip
