"""The add-* commands (add-tool, add-event, add-link, add-tip, request), one made for each
kind of note from its fields."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from newsletter.cli.group import BadInput, checked, context
from newsletter.cli.terminal import done, interactive, required, warn
from newsletter.errors import InputError, shown
from newsletter.notes.kinds import (
    COST,
    DAY,
    DAYS,
    EVERY,
    FLAG,
    GRADES,
    IMAGE,
    KINDS,
    MOMENT,
    NUMBER,
    SUBJECTS,
    URL,
    WORDS,
    NoteField,
    NoteKind,
)

if TYPE_CHECKING:
    pass


_CHECKS = {
    URL: "url",
    IMAGE: "image_url",
    GRADES: "grades",
    COST: "cost",
    WORDS: "words",
    SUBJECTS: "subjects",
    DAY: "day",
    EVERY: "every",
    DAYS: "days",
}


_METAVARS = {DAY: "YYYY-MM-DD", MOMENT: "'YYYY-MM-DD HH:MM'"}


def add_note_command(kind_name: str) -> click.Command:
    """The add-* command of a kind of note ('tools': add-tool), its options made from
    the kind's fields."""
    kind = KINDS[kind_name]
    params = [_parameter(field) for field in kind.fields if not field.no_option]
    if kind.name == "events":
        params += _event_options()
    if kind.featured_once:
        what = "Add it even if it was featured before or is already in your notes."
        params.append(click.Option(["--force"], is_flag=True, help=what))
    if kind.name == "tips":
        what = "File it under digital citizenship instead of tips."
        params.append(click.Option(["--citizenship"], is_flag=True, help=what))

    @click.pass_context
    def add(ctx: click.Context, **values: Any) -> None:
        add_note(ctx, kind, values)

    return click.Command(kind.command, params=params, callback=add, help=kind.summary)


def _event_options() -> list[click.Parameter]:
    return [
        click.Option(
            ["--from", "first_day"],
            metavar="YYYY-MM-DD",
            callback=checked("day", "--from"),
            help="The day (the first, for a repeating event); with --at, instead of --when.",
        ),
        click.Option(
            ["--at"],
            metavar="TIME[-TIME]",
            callback=checked("time_span", "--at"),
            help="The time, or start and end: 12:00-12:40, 3:15 PM, 15:15.",
        ),
        click.Option(
            ["--force"],
            is_flag=True,
            help="Add it even if it is over or already in your notes.",
        ),
    ]


def _event_times(values: dict[str, Any]) -> None:
    """--from and --at as the start (and end) --when and --end would give; an --end
    that is a time alone is on the start's day."""
    from newsletter.workspace import validate

    first_day, at = values.pop("first_day", None), values.pop("at", None)
    if (first_day or at) and values.get("start"):
        raise BadInput("give --when, or --from with --at, not both.")
    if at is not None and at[1] is not None and values.get("end"):
        raise BadInput("--at gives the end already (12:00-12:40); leave --end out.")
    if at is not None:
        if first_day is None:
            raise BadInput("--at needs --from, the day. Hint: --from 2026-12-03 --at 12:00-12:40")
        values["start"] = f"{first_day} {at[0]:%H:%M}"
        if at[1] is not None:
            values["end"] = f"{first_day} {at[1]:%H:%M}"
    elif first_day is not None:
        raise BadInput("--from needs --at, the time. Hint: --from 2026-12-03 --at 12:00-12:40")
    end, start = values.get("end"), values.get("start")
    if isinstance(end, str) and isinstance(start, str) and not re.match(r"\d{4}-", end.strip()):
        try:
            values["end"] = f"{start.split()[0]} {validate.time_of_day(end):%H:%M}"
        except ValueError as err:
            raise BadInput(f"--end: {err}.") from None


def _parameter(field: NoteField) -> click.Parameter:
    if field.argument:
        return click.Argument([field.name])
    if field.read == FLAG:  # given or not: never written as 'false'
        return click.Option([field.option, field.name], is_flag=True, default=None,
                            help=field.help)  # fmt: skip
    check = _CHECKS.get(field.read)
    return click.Option(
        [field.option, field.name],
        multiple=field.many,
        metavar=_METAVARS.get(field.read),
        type=click.IntRange(min=1) if field.read == NUMBER else None,  # at most: notes/read.py
        callback=checked(check, field.option) if check else None,
        help=field.help,
    )


def add_note(ctx: click.Context, kind: NoteKind, values: dict[str, Any]) -> None:
    from newsletter.archive.record import unreadable_line
    from newsletter.catalog.db import open_catalog
    from newsletter.notes import read, write

    here = context(ctx)
    if values.pop("citizenship", False):
        kind = KINDS["citizenship"]
    force = values.pop("force", False)
    if kind.name == "events":
        _event_times(values)
    zone = here.settings.zone if any(f.read == MOMENT for f in kind.fields) else None
    for field in kind.fields:
        if field.ask:  # asked for at a terminal; without one, a clear error
            label, example = field.ask
            parse = functools.partial(read.option_value, field, zone=zone)
            values[field.name] = required(values[field.name], field.option, label, parse, example)
    note = read.note_from_values(kind, values, here.today, zone)
    write.check_editions_known(here.settings, note)
    if getattr(note, "asked", None) and note.asked > here.today:
        raise BadInput(f"--date: {note.asked} is in the future; give the day it was asked.")
    if kind.name == "events" and not force:
        write.check_new_event(here.workspace, here.settings, here.now, note)
    verdict = _district_verdict(here, note, force) if kind.name == "tools" else None
    with open_catalog(here.workspace) as catalog:
        if kind.name == "tools":
            _requests_answered(here, catalog, note)
        if kind.featured_once and not force:
            unreadable = unreadable_line(catalog.unreadable_issues())  # not every issue
            warn([unreadable] if unreadable else [])

        def ask() -> None:
            if kind.name == "tools" and not force:
                waiting = _waiting_tools(here, catalog.featured_keys())
                _same_tool_question(note, catalog.featured_tools(), waiting)

        used = _ids_in_use(here, catalog) if kind.numbered else set()
        path, line = write.add_note(
            here.workspace, kind, note, catalog.featured_in, force=force, then=ask, used_ids=used
        )
    label = kind.said.format(**{f.name: getattr(note, f.name) for f in kind.all_fields()})
    done(f"Added {label} to {shown(path)}:{line}")
    if verdict is not None and verdict.line:
        click.echo(f"District: {verdict.line}")
        warn(verdict.warnings)


def _district_verdict(here: Any, tool: Any, force: bool) -> Any:
    """The register's word on the tool: a tool the district refused is not added
    (unless --force); one it has not decided on, or approved for fewer grades, is
    added with a warning. A register that cannot be read is a warning too: the tool
    is still added, so nothing typed is lost."""
    from newsletter.approvals.register import load_register
    from newsletter.approvals.verdict import at_add
    from newsletter.issue.editions import goes_to

    try:
        register = load_register(here.workspace)
    except InputError as err:
        warn([f"{err.message} The tool's decision was not looked up."])
        return None
    editions = [(e.name, e.grades) for e in here.settings.editions if goes_to(tool, e)]
    verdict = at_add(register, tool, editions, here.today)
    if verdict.refusal and not force:
        raise InputError(
            f"{verdict.refusal}; nothing was added.",
            hint="Add it with --force to feature it anyway, or record a new decision "
            "with 'newsletter vet'.",
        )
    return verdict


def _ids_in_use(here: Any, catalog: Any) -> set[str]:
    """Request ids never to give again: those the archive has had, and those the
    tools in the notes answer (their request may have been deleted since)."""
    from newsletter.notes.kinds import TOOLS
    from newsletter.notes.read import read_kind

    tools = read_kind(here.workspace, TOOLS, here.settings.zone, [])  # a bad entry: skipped
    return catalog.request_ids() | {answer for tool in tools for answer in tool.answers}


def _requests_answered(here: Any, catalog: Any, tool: Any) -> None:
    """The requests a tool answers (--answers R3): ids that exist in the notes. At a
    terminal, without --answers, the open requests it may answer are offered."""
    from newsletter.model import request_key
    from newsletter.notes.kinds import REQUESTS
    from newsletter.notes.read import read_kind
    from newsletter.notes.requests import fits, request_id

    if not tool.answers and not interactive():
        return
    try:
        requests = {r.id: r for r in read_kind(here.workspace, REQUESTS, here.settings.zone, None)}
    except InputError:
        if tool.answers:
            raise
        return  # nothing to offer; `check` names the mistake
    answered = catalog.featured_keys()

    def known(ids: list[str]) -> list[str]:
        try:
            wanted = [request_id(text) for text in ids]
        except ValueError as err:
            raise click.BadParameter(str(err)) from None
        for wanted_id in wanted:
            if wanted_id not in requests:
                raise click.BadParameter(
                    f"there is no request {wanted_id} in notes/requests.yaml "
                    "('newsletter requests' lists them)"
                )
        return list(dict.fromkeys(wanted))

    if tool.answers:
        try:
            tool.answers = known(tool.answers)
        except click.BadParameter as err:
            raise BadInput(f"--answers: {err.message}; nothing was added.") from None
        again = [i for i in tool.answers if request_key(i) in answered]
        warn([f"{i} was answered in #{answered[request_key(i)]} already; this issue says "
              "'You asked, we found' for it again." for i in again])  # fmt: skip
        return
    offered = [r for r in requests.values() if request_key(r.id) not in answered and fits(r, tool)]
    if not offered:
        return
    click.echo("Teachers' requests this tool may answer:", err=True)
    for request in offered:
        who = f" ({request.asked_by})" if request.asked_by else ""
        click.echo(f"  {request.id:<4} {' '.join(request.text.split())}{who}", err=True)
    tool.answers = click.prompt(
        "Which does it answer? Ids like R3, or Enter for none",
        default="",
        show_default=False,
        value_proc=lambda typed: known(typed.replace(",", " ").split()),
    )


def _waiting_tools(here: Any, featured: Any) -> list[tuple[str, str]]:
    """The tools in the notes no issue someone got has featured yet, each with where
    it stands ('notes/tools.yaml:12')."""
    from newsletter.notes.kinds import TOOLS
    from newsletter.notes.read import read_note
    from newsletter.workspace.yamlfile import Sequence, load_yaml

    path = here.workspace.notes_dir / TOOLS.file
    entries = load_yaml(path) if path.is_file() else None
    if not isinstance(entries, Sequence):
        return []
    found = []
    for index, entry in enumerate(entries):
        try:
            note = read_note(TOOLS, entry, path, here.settings.zone)
        except InputError:
            continue  # `check` names it
        if not any(key in featured for key in note.keys):
            found.append((note.name, f"{shown(path)}:{entries.line_of_item(index)}"))
    return found


def _same_tool_question(
    tool: Any, featured: list[tuple[str, Any]], waiting: Sequence[tuple[str, str]] = ()
) -> None:
    """A tool whose name is like one featured before, or one waiting in the notes
    ('Canva' and 'Canva for Education'), may be the same: ask. Without a terminal,
    say so and add it."""
    from newsletter.archive.record import featured_line
    from newsletter.text.names import alike_names, squash

    alike = [(name, f"'{name}' is in your notes already ({where})")
             for name, where in waiting]  # fmt: skip
    alike += [(name, featured_line(f"'{name}'", entry)) for name, entry in featured]
    for name, line in alike:
        if not alike_names(tool.name, name) or squash(name) == squash(tool.name):
            continue  # the same name is refused by add_note, naming its issue or line
        if not interactive():
            same = f"is '{tool.name}' the same tool? Adding it anyway (--force skips this)"
            warn([f"{line}; {same}."])
            return
        if click.confirm(f"{line}. Is '{tool.name}' the same tool?", default=False):
            raise BadInput(
                f"{line}; nothing was added. Hint: add it with --force if it is another tool."
            )
        return


# The commands, one per kind of note (cli/app.py lists them).
add_tool = add_note_command("tools")
add_event = add_note_command("events")
add_link = add_note_command("links")
add_tip = add_note_command("tips")
request = add_note_command("requests")
