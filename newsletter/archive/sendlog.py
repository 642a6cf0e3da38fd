"""The send log: what makes sending exactly-once.

The log (.newsletter/sends/YYYY-MM-DD.jsonl) gets a line before each message is
handed to the server and another once the server accepted (or refused) it, each
forced to disk. A rerun after a crash, a dropped connection or a kill skips
everyone already sent. A message whose 'attempt' line has no answer after it, or
whose connection was lost after the whole message was handed over, is in doubt:
the server may have it. It is named and not sent again unless the editor asks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsletter import clock
from newsletter.model import IssueKey

if TYPE_CHECKING:
    from newsletter.archive.record import ArchivedIssue

ATTEMPT = "attempt"
SENT = "sent"
REFUSED = "refused"  # a permanent failure: not tried again
DEFERRED = "deferred"  # not sent this run, for any reason but the address: tried next run
IN_DOUBT = "in doubt"  # the connection was lost after the whole message was handed over


@dataclass
class SendState:
    sent: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)
    deferred: dict[str, str] = field(default_factory=dict)
    in_doubt: dict[str, str] = field(default_factory=dict)

    @property
    def reached_anyone(self) -> bool:
        """Someone has (or may have) the issue: it must not change any more."""
        return bool(self.sent or self.in_doubt)

    def done(self, email: str) -> bool:
        """Nobody is sent twice: sent, refused and in-doubt addresses are not tried again."""
        key = email.lower()
        return key in self.sent or key in self.refused or key in self.in_doubt


def state_of(events: Iterable[dict[str, str]]) -> SendState:
    """Where each address stands: the last event about it decides."""
    last: dict[str, dict[str, str]] = {}
    for event in events:
        last[str(event["to"]).lower()] = event
    state = SendState()
    for email, event in last.items():
        kind = event.get("event")
        if kind == SENT:
            state.sent.add(email)
        elif kind == REFUSED:
            state.refused[email] = event.get("reason", "")
        elif kind == DEFERRED:
            state.deferred[email] = event.get("reason", "")
        elif kind == IN_DOUBT:
            state.in_doubt[email] = event.get("reason", "")
        elif kind == ATTEMPT:
            state.in_doubt[email] = "a run stopped while sending it"
    return state


class SendLog:
    """The log of one issue's sends, in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def state(self) -> SendState:
        """What earlier runs did."""
        events = []
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    event = json.loads(line)
                    str(event["to"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash mid-write
                events.append(event)
        return state_of(events)

    def write(self, event: str, to: str, reason: str = "") -> None:
        record = {"event": event, "to": to, "at": clock.now().isoformat()}
        if reason:
            record["reason"] = reason
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as err:  # a full disk: name the log, which the editor can find
            raise OSError(err.errno, err.strerror, str(self.path)) from None


class MemoryLog(SendLog):
    """A send log kept in memory only: for test copies and the outbox, which change
    nothing on record."""

    def __init__(self) -> None:
        self.events: list[dict[str, str]] = []

    def state(self) -> SendState:
        return state_of(self.events)

    def write(self, event: str, to: str, reason: str = "") -> None:
        self.events.append({"event": event, "to": to, "reason": reason})


def log_for(state_dir: Path, key: IssueKey) -> SendLog:
    """The send log of an issue."""
    return SendLog(state_dir / "sends" / f"{key.stem}.jsonl")


def someone_has(state_dir: Path, entry: ArchivedIssue) -> bool:
    """Sent (to some or all), or being sent: its send log names someone who has it.
    Such an issue is never built again, nor discarded."""
    return entry.published or log_for(state_dir, entry.key).state().reached_anyone
