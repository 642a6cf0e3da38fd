"""Teachers' requests ("is there an app that does ...?"): their ids, which tools
answer them, and which are still waiting.

A request is answered by the first issue someone got with a tool that answers it
(`add-tool --answers R3`); the archive is the record of that, so nothing is written
when an issue is sent: `requests` asks the catalog.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsletter.model import REQUEST_PREFIX, Request, Tool, normal_request_id, request_key
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


def fits(request: Request, tool: Tool) -> bool:
    """Might this tool answer the request? Their grades meet and their subjects share
    one (a request that names neither fits any tool)."""
    if request.grades and tool.grades and not grade_mask(request.grades) & grade_mask(tool.grades):
        return False
    wanted = {s.casefold() for s in request.subjects}
    return not wanted or not tool.subjects or bool(wanted & {s.casefold() for s in tool.subjects})


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


def waiting_line(state: RequestState, today: dt.date) -> str:
    """'R3  waiting 12 days  an app for fraction practice (Ms. Alvarez, 4th grade)'"""
    request = state.request
    who = f" ({request.asked_by})" if request.asked_by else ""
    if state.answered_in:
        number, date = state.answered_in
        tools = ", ".join(state.answered_by) or "a tool"
        status = f"answered by {tools} in #{number} ({date})"
    else:
        days = state.waited(today)
        status = "asked today" if days == 0 else f"waiting {days} day{'s' if days != 1 else ''}"
    return f"{request.id:<4} {status}: {' '.join(request.text.split())}{who}"


def answered_ids(tool: Tool) -> set[str]:
    """The requests a tool answers, as ids (R2 however it was written)."""
    return set(tool.answers)  # the model keeps them in their one form
