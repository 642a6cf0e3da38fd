"""Teachers' requests ("is there an app that does ...?"): their ids, which tools
answer them, and which are still waiting.

A request is answered by the first issue someone got with a tool that answers it
(`add-tool --answers R3`), or with a tool the district already approves (`newsletter
answer R3 --already Padlet`: "We already have Padlet, which does that"); the archive
is the record of that, so nothing is written when an issue is sent: `requests` asks
the catalog. A request the district declines (`answer R3 --decline REASON`) is closed
at once, and no issue says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from newsletter.approvals.register import Register
from newsletter.model import REQUEST_PREFIX, Request, Tool, normal_request_id, request_key
from newsletter.workspace.folder import Workspace
from newsletter.workspace.subjects import covers
from newsletter.workspace.validate import grade_mask

PREFIX = REQUEST_PREFIX  # R1, R2, ...


def request_id(text: str) -> str:
    """'R3' from 'R3', 'r3' or '3'; ValueError for anything else."""
    found = normal_request_id(text)
    if not re.fullmatch(rf"{PREFIX}(0|[1-9][0-9]{{0,5}})", found):  # not in its one form
        raise ValueError(f"'{text}' is not a request id like R3 (see 'newsletter requests')")
    return found


def answered_here(requests: Sequence[Request], tools: Sequence[Tool]) -> list[Request]:
    """The requests this issue's tools answer, each with the names of those tools,
    in the order the tools come."""
    by_id = {request.id: request for request in requests}  # ids in their one form
    answered: dict[str, Request] = {}
    for tool in tools:
        for wanted in tool.answers:
            request = by_id.get(wanted)
            if request is None:
                continue
            found = answered.setdefault(request.id, dataclasses.replace(request, answered_by=[]))
            found.answered_by.append(tool.name)
    return list(answered.values())


def answered_already(
    requests: Sequence[Request], fresh: Callable[[Request], bool]
) -> list[Request]:
    """The requests answered with a tool the district already approves, that no issue
    someone got has said yet (`fresh`), each with that tool."""
    return [
        dataclasses.replace(request, answered_by=[request.already])
        for request in requests
        if request.already and not request.declined and fresh(request)
    ]


def answer_request(
    workspace: Workspace,
    zone: dt.tzinfo,
    wanted: str,
    register: Register,
    answered: Mapping[str, int],
    already: str | None = None,
    declined: str | None = None,
) -> tuple[str, int, Request]:
    """Record the district's answer to request `wanted` in notes/requests.yaml, its
    entry written again in place: a tool it already approves (by its name in the
    register), or why it is declined. Returns the file, the line and the request."""
    from newsletter.errors import InputError, shown
    from newsletter.notes.kinds import REQUESTS
    from newsletter.notes.read import read_note
    from newsletter.workspace import validate
    from newsletter.workspace.entries import as_written, entries_lock, replace_entry
    from newsletter.workspace.yamlfile import Sequence as Entries
    from newsletter.workspace.yamlfile import load_yaml

    try:
        wanted = request_id(wanted)
        reason = validate.one_line(declined) if declined is not None else ""
    except ValueError as err:
        raise InputError(f"{err}.") from None
    if declined is not None and not reason:
        raise InputError("--decline: give the reason, as the teacher should hear it.")
    if request_key(wanted) in answered:
        raise InputError(
            f"{wanted} was answered in #{answered[request_key(wanted)]} already; its answer "
            "stays as staff read it."
        )
    name = ""
    if already is not None:
        approval = register.find(already)
        if approval is None or not approval.approved:
            said = f"is {approval.status}" if approval else "is not"
            raise InputError(
                f"'{already}' {said} in approvals.yaml; only a tool the district approves "
                "answers a request this way.",
                hint=f"Feature a new tool with 'add-tool ... --answers {wanted}', or record "
                f'the decision first: newsletter vet "{already}" --status approved',
            )
        name = approval.name
    path = workspace.notes_dir / REQUESTS.file
    with entries_lock(workspace.state_dir, path.name):
        entries = load_yaml(path) if path.is_file() else None
        if not isinstance(entries, Entries):
            raise InputError(f"there is no request {wanted} in {shown(path)}.")
        ids = [
            normal_request_id(str(raw.get("id", ""))) if isinstance(raw, dict) else ""
            for raw in entries
        ]
        if wanted not in ids:
            raise InputError(
                f"there is no request {wanted} in {shown(path)}.",
                hint="'newsletter requests --all' lists them.",
            )
        index = ids.index(wanted)
        entry = as_written(entries[index])
        entry.pop("already", None)
        entry.pop("declined", None)
        if name:
            entry["already"] = name
        if reason:
            entry["declined"] = reason
        line = entries.line_of_item(index)
        replace_entry(path, entries, index, entry, "its answer cannot be written")
        return shown(path), line, read_note(REQUESTS, entry, path, zone)


def fits(request: Request, tool: Tool) -> bool:
    """Might this tool answer the request? Their grades meet and their subjects share
    one (a request that names neither fits any tool)."""
    if request.grades and tool.grades and not grade_mask(request.grades) & grade_mask(tool.grades):
        return False
    return (
        not request.subjects
        or not tool.subjects
        or any(covers(tool.subjects, wanted) for wanted in request.subjects)
    )


@dataclass
class RequestState:
    request: Request
    answered_in: tuple[int, dt.date] | None = None  # the issue someone got with its answer
    answered_by: list[str] = dataclasses.field(default_factory=list)

    def waited(self, today: dt.date) -> int:
        return (today - self.request.asked).days if self.request.asked else 0


def request_states(requests: Sequence[Request], catalog: object) -> list[RequestState]:
    """Each request of the notes, oldest first, with the issue that answered it."""
    states = []
    for request in requests:
        state = RequestState(request)
        found = catalog.featured_in([request_key(request.id)])  # type: ignore[attr-defined]
        if found:
            entry, _ = found[0]
            state.answered_in = (entry.number, entry.date)
            answered = next((r for r in entry.issue.requests if r.id == request.id), None)
            state.answered_by = answered.answered_by if answered else []
        states.append(state)
    return sorted(states, key=lambda s: (s.request.asked or dt.date.min, _number(s.request.id)))


def _number(text: str) -> int:
    return int(text[1:]) if re.fullmatch(rf"{PREFIX}\d+", text) else 0


def is_open(state: RequestState) -> bool:
    """Still waiting for the district's answer: not answered in an issue, not declined,
    and not answered with a tool it already approves."""
    request = state.request
    return not (state.answered_in or request.declined or request.already)


def waiting_line(state: RequestState, today: dt.date) -> str:
    """'R3  waiting 12 days  an app for fraction practice (Ms. Alvarez, 4th grade)'"""
    request = state.request
    who = f" ({request.asked_by})" if request.asked_by else ""
    if state.answered_in:
        number, date = state.answered_in
        tools = ", ".join(state.answered_by) or "a tool"
        already = " (we already have it)" if request.already else ""
        status = f"answered by {tools}{already} in #{number} ({date})"
    elif request.declined:
        status = f"declined: {request.declined}"
    elif request.already:
        status = f"we already have {request.already} (the next issue says so)"
    else:
        days = state.waited(today)
        status = "asked today" if days == 0 else f"waiting {days} day{'s' if days != 1 else ''}"
    return f"{request.id:<4} {status}: {' '.join(request.text.split())}{who}"


def answered_ids(tool: Tool) -> set[str]:
    """The requests a tool answers, as ids (R2 however it was written)."""
    return set(tool.answers)  # the model keeps them in their one form
