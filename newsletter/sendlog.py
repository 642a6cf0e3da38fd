"""The send log and the send lock: what makes sending exactly-once.

The log (.newsletter/sends/YYYY-MM-DD.jsonl) gets a line before each message is
handed to the server and another once the server accepted (or refused) it, each
forced to disk. A rerun after a crash, a dropped connection or a kill skips
everyone already sent; only a message whose 'attempt' line has no answer after
it can be in doubt, and the log names it. The lock stops two runs at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.errors import NewsletterError, shown

ATTEMPT = "attempt"
SENT = "sent"
REFUSED = "refused"  # a permanent failure: not tried again
DEFERRED = "deferred"  # a temporary failure that outlasted the retries: tried on the next run


@dataclass
class SendState:
    sent: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)
    deferred: dict[str, str] = field(default_factory=dict)
    in_doubt: set[str] = field(default_factory=set)

    def done(self, email: str) -> bool:
        """Nobody is sent twice: sent, refused and in-doubt addresses are not tried again."""
        key = email.lower()
        return key in self.sent or key in self.refused or key in self.in_doubt


class SendLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def state(self) -> SendState:
        """What earlier runs did, from the last line about each address."""
        last: dict[str, dict[str, str]] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    event = json.loads(line)
                    last[str(event["to"]).lower()] = event
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash mid-write
        state = SendState()
        for email, event in last.items():
            kind = event.get("event")
            if kind == SENT:
                state.sent.add(email)
            elif kind == REFUSED:
                state.refused[email] = event.get("reason", "")
            elif kind == DEFERRED:
                state.deferred[email] = event.get("reason", "")
            elif kind == ATTEMPT:
                state.in_doubt.add(email)
        return state

    def write(self, event: str, to: str, reason: str = "") -> None:
        record = {"event": event, "to": to, "at": dt.datetime.now(dt.UTC).isoformat()}
        if reason:
            record["reason"] = reason
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


@contextmanager
def send_lock(path: Path) -> Iterator[None]:
    """Hold the workspace's send lock, or fail at once if another run holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise NewsletterError(
                f"another 'newsletter send' is running for this workspace ({holder}); "
                "this one stops without sending.",
                hint=f"Wait for it to finish. The lock is {shown(path)}.",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock, also when the process is killed
