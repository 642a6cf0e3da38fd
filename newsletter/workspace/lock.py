"""Locks: the workspace lock (one `build` or `send` at a time in a workspace), and
short locks that a command waits its turn for (adding to a notes file, bringing
the catalog up to date).

A build that overlapped a send could write the archive back as a draft after
the send marked it sent, or change the email while it goes out. Both take this
lock; the second to come stops at once and says who holds it. The operating
system releases it when the holder exits, also when it is killed.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsletter import clock
from newsletter.errors import NewsletterError, shown

LOCK_NAME = "lock"

# The descriptors of the locks this process holds. A process forked while one is
# held (the catalog's workers) would share the lock, and keep it after this one is
# killed: the child lets go of its copies as it starts.
_held: set[int] = set()


def _let_go_in_child() -> None:
    if not _held:
        return
    nothing = os.open(os.devnull, os.O_RDONLY)
    for fd in _held:
        os.dup2(nothing, fd)  # the number stays valid; the lock is no longer shared
    os.close(nothing)
    _held.clear()


os.register_at_fork(after_in_child=_let_go_in_child)


@contextmanager
def _holding(fd: int) -> Iterator[None]:
    _held.add(fd)
    try:
        yield
    finally:
        _held.discard(fd)


class Busy(NewsletterError):
    """Another build or send holds the workspace lock."""


@contextmanager
def workspace_lock(state_dir: Path, command: str) -> Iterator[None]:
    """Hold the lock for `command` ('build', 'send'), or fail at once if it is held."""
    path = state_dir / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise Busy(
                f"another 'newsletter' command is working in this workspace ({holder}); "
                f"this '{command}' stops without changing anything.",
                hint=f"Run it again when that one has finished. The lock is {shown(path)}.",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{command}, pid {os.getpid()}, since {clock.now():%Y-%m-%d %H:%M} UTC")
        handle.flush()
        with _holding(handle.fileno()):
            yield
    finally:
        handle.close()  # closing releases the lock


@contextmanager
def waiting_lock(path: Path, busy: str, seconds: float = 30) -> Iterator[None]:
    """Hold a lock that others hold only briefly: wait for it up to `seconds`, then
    fail with the line `busy` (what was not done)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise NewsletterError(busy, hint="Try again in a moment.") from None
                time.sleep(0.02)
        with _holding(handle.fileno()):
            yield  # closing the file releases the lock
