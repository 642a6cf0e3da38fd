"""The commands that look things up in the catalog: `search`, `tools` and
`requests`. They read options and call the core (catalog/)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from newsletter.cli.group import checked, context, table_format
from newsletter.cli.terminal import warn
from newsletter.notes.kinds import COSTS

KIND_CHOICES = ("tool", "link", "post", "tip", "event", "request")
NOT_IN_REGISTER = "none"  # --status none: tools the register of vetted tools does not have
UNREAD = "unread"  # in place of a decision: the register could not be read


def status_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--status for search and tools: the district's decision in approvals.yaml."""
    return click.option(
        "--status",
        "statuses",
        multiple=True,
        help="Only tools with this decision in approvals.yaml (approved, pending, ..., or "
        f"'{NOT_IN_REGISTER}' for those not in it); repeat or use commas.",
    )(command)


def _decisions(here: Any, found: list[Any], statuses: tuple[str, ...]) -> list[tuple[Any, Any]]:
    """Each tool (or hit) with the register's decision on it, kept when its status is
    one of `statuses` (all, when none). Other kinds of hit have no decision."""
    from newsletter.approvals.register import load_register, statuses_given
    from newsletter.errors import InputError

    try:
        wanted = set(statuses_given(statuses, also=(NOT_IN_REGISTER,)))
    except ValueError as err:
        raise InputError(f"--status: {err}, or {NOT_IN_REGISTER} (not in the register).") from None
    try:
        register = load_register(here.workspace)
    except InputError as err:
        if wanted:
            raise
        warn([f"{err.message} The district's decisions are left out."])
        return [(item, UNREAD) for item in found]
    pairs = []
    for item in found:
        is_tool = getattr(item, "kind", "tool") == "tool"
        approval = register.find(item.name, item.url) if is_tool else None
        status = approval.status if approval else NOT_IN_REGISTER
        if not wanted or (is_tool and status in wanted):
            pairs.append((item, approval))
    return pairs


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--grades, --subject, --cost and --since, the same for search and tools."""
    options = [
        click.option(
            "--grades",
            callback=checked("grades", "--grades"),
            help="Only tools for these grades: K, 1-12 or a band like 3-5 (bands overlap).",
        ),
        click.option("--subject", help="Only tools for a subject starting so, e.g. 'math'."),
        click.option("--cost", type=click.Choice(COSTS), help="Only tools that cost this."),
        click.option(
            "--since",
            metavar="YYYY-MM-DD",
            callback=checked("day", "--since"),
            help="Only what was featured on or after this day.",
        ),
    ]
    return functools.reduce(lambda made, option: option(made), reversed(options), command)


def _filters(kind: str | None = None, **options: Any) -> Any:
    from newsletter.catalog.search import Filters

    return Filters(
        grades=tuple(options["grades"] or ()),
        subject=options["subject"] or "",
        cost=options["cost"] or "",
        kind=kind or "",
        since=options["since"],
    )


@click.command()
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option("--kind", type=click.Choice(KIND_CHOICES), help="Only this kind of thing.")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    help="How many results to show, at most.",
    default=20,
    show_default=True,
)
@status_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON, for scripts.")
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    kind: str | None,
    limit: int,
    statuses: tuple[str, ...],
    as_json: bool,
    **options: Any,
) -> None:
    """Search every tool, link, post, tip, event and request ever featured (and,
    marked, the draft and the notes not yet sent), best match first.

    QUERY is words ('fraction' finds 'fractions'), "a phrase", a prefix like
    kahoo*, or words joined by AND, OR, NOT."""
    import json

    from newsletter.catalog.db import open_catalog
    from newsletter.catalog.search import search as find
    from newsletter.catalog.search import shortened, teachers_query

    here = context(ctx)
    text = " ".join(query)
    if not options["grades"]:  # 'fractions for 3rd grade': the grade words as --grades
        words, grades, said = teachers_query(text)
        if grades and words.strip():
            text, options["grades"] = words, grades
            click.echo(f"Grades {', '.join(grades)} (from {', '.join(repr(w) for w in said)}).",
                       err=True)  # fmt: skip
        elif words.strip():
            text = words
    with open_catalog(here.workspace, here.settings.zone) as catalog:
        found = catalog.guarded(find, catalog, text, _filters(kind, **options), limit)
        _unreadable(catalog.unreadable())
    decided = _decisions(here, found.hits, statuses)
    hits = [hit for hit, _ in decided]
    if found.any_word:
        warn(["nothing has every word of the search; these have some of them."])
    if as_json:
        data = [{**hit.as_dict(), **_status_of(hit, a)} for hit, a in decided]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for hit, approval in decided:
        _show_hit(hit, approval, here.today)
    nothing = f"Nothing found for {shortened(' '.join(query))!r}."
    click.echo(f"{len(hits)} found" if hits else nothing, err=True)


def _status_of(hit: Any, approval: Any) -> dict[str, Any]:
    if hit.kind != "tool" or approval == UNREAD:
        return {}
    return {"status": approval.status if approval else None}


def _label(approval: Any, day: Any) -> str:
    """The decision in a few words ('' when the register could not be read)."""
    from newsletter.approvals.wording import status_label

    return "" if approval == UNREAD else status_label(approval, day)


def _show_hit(hit: Any, approval: Any, day: Any) -> None:
    from newsletter.text.plain import printable

    district = _label(approval, day) if hit.kind == "tool" else ""
    district = f"district: {district}" if district else ""
    parts = (hit.grades, hit.subjects, hit.cost, district)
    details = " · ".join(part for part in parts if part)
    lines = [
        f"{hit.kind:<5} {' '.join(hit.name.split())}" + (f" <{hit.url}>" if hit.url else ""),
        f"      {details}" if details else "",
        f"      {hit.where()}",
        "      " + " ".join(hit.context.split()),
    ]
    text = printable("\n".join(line for line in lines if line))
    click.echo(_bold(text) + "\n")


def _bold(text: str) -> str:
    """The matching words, marked «so», in bold (plain on a pipe or a file)."""
    import re

    return re.sub("«([^»]*)»", lambda m: click.style(m[1], bold=True), text)


def _unreadable(paths: list[Any]) -> None:
    from newsletter.errors import shown

    if paths:
        names = ", ".join(shown(path) for path in paths)
        why = "'newsletter check' says why"
        warn([f"{names}: could not be read, so what is in it is left out ({why})."])


@click.command()
@filter_options
@click.option(
    "--sort",
    type=click.Choice(["name", "date"]),
    default="name",
    show_default=True,
    help="By name, or by when last featured (newest first).",
)
@table_format(
    "csv: for a 'recommended tools' spreadsheet (with the district's decision on each, its "
    "agreement and the student data it collects)."
)
@status_option
@click.pass_context
def tools(ctx: click.Context, sort: str, form: str, statuses: tuple[str, ...],
          **options: Any) -> None:  # fmt: skip
    """List every tool ever featured, once each: name, grades, subjects, cost, the
    district's decision on it, how many issues featured it and the last one."""
    from newsletter.catalog.db import open_catalog
    from newsletter.catalog.search import featured_tools

    here = context(ctx)
    with open_catalog(here.workspace) as catalog:
        found = catalog.guarded(featured_tools, catalog, _filters(**options), sort)
        _unreadable(catalog.unreadable())
    decided = _decisions(here, found, statuses)
    if form == "text":
        _tool_lines(decided, here.today)
    else:
        _tool_data(decided, form)


def _tool_lines(decided: list[tuple[Any, Any]], day: Any) -> None:
    from newsletter.text.plain import printable

    if not decided:
        click.echo("No tool featured yet (or none that fits).", err=True)
        return
    names = [" ".join(tool.name.split()) for tool, _ in decided]  # one line, whatever was typed
    width = min(32, max(len(name) for name in names))
    for name, (tool, approval) in zip(names, decided, strict=True):
        times = f"{tool.times}x"
        status = _label(approval, day) or "-"
        click.echo(
            printable(
                f"{name:<{width}}  {tool.grades or '-':<9} {tool.subjects or '-':<24} "
                f"{tool.cost or '-':<8} {status:<25} {times:>3}  #{tool.last_number} "
                f"({tool.last_date})"
            )
        )


def _tool_data(decided: list[tuple[Any, Any]], form: str) -> None:
    import csv
    import io
    import json

    from newsletter.text.plain import spreadsheet_cell
    from newsletter.workspace.validate import grade_ranges

    if form == "json":
        data = [
            {**tool.as_dict(), **({} if a == UNREAD else {"approval": a.as_dict() if a else None})}
            for tool, a in decided
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    columns = [
        "name",
        "url",
        "grades",
        "subjects",
        "cost",
        "status",
        "approved_grades",
        "agreement",
        "dpa_url",
        "expires",
        "data_collected",
        "purpose",
        "times_featured",
        "last_issue",
        "last_date",
    ]
    out = io.StringIO()
    # A byte-order mark first, so that Excel reads the file as UTF-8 ('Café', not 'CafÃ©').
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for tool, decision in decided:
        a = None if decision == UNREAD else decision
        row = [
            tool.name,
            tool.url,
            tool.grades,
            tool.subjects,
            tool.cost,
            a.status if a else "",
            grade_ranges(a.grades) if a else "",
            a.agreement if a else "",
            a.dpa_url if a else "",
            str(a.expires or "") if a else "",
            "; ".join(a.data_collected) if a else "",
            a.purpose if a else "",
            tool.times,
            tool.last_number,
            tool.last_date,
        ]
        writer.writerow([spreadsheet_cell(v) if isinstance(v, str) else v for v in row])
    click.echo(out.getvalue(), nl=False)


@click.command("requests")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also the answered ones, with the tools and the issue that answered them.",
)
@click.pass_context
def requests_list(ctx: click.Context, everything: bool) -> None:
    """List teachers' requests still waiting for a tool, oldest first, with how long
    each has waited. Answer one with: newsletter add-tool ... --answers R3"""
    from newsletter.catalog.db import open_catalog
    from newsletter.notes.kinds import REQUESTS
    from newsletter.notes.read import read_kind
    from newsletter.notes.requests import is_open, request_states, waiting_line
    from newsletter.text.plain import printable

    here = context(ctx)
    requests = read_kind(here.workspace, REQUESTS, here.settings.zone, None)
    with open_catalog(here.workspace) as catalog:
        states = [s for s in request_states(requests, catalog) if everything or is_open(s)]
    for state in states:
        click.echo(printable(waiting_line(state, here.today)))
    if not states:
        click.echo("No request is waiting." if requests else "No requests yet.", err=True)
