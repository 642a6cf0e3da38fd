"""The written site served for a look (`newsletter site --serve`): on loopback only,
so nothing beyond this computer can reach it, until Ctrl-C. A browser runs the
search's script from a server, never from a file opened by double-click."""

from __future__ import annotations

import contextlib
import functools
import http.server
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsletter.errors import InputError

LOOPBACK = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """The folder's files, with no request log on the terminal."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


def serve(folder: Path, port: int, ready: Callable[[str], None]) -> None:
    """Serve `folder` at http://127.0.0.1:PORT/ (0: any free port) until interrupted;
    `ready` is told the address once it answers."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer((LOOPBACK, port), handler)
    except OSError as err:
        raise InputError(
            f"cannot serve the site on port {port}: {err.strerror or err}.",
            hint="Give another with --port (or --port 0 for any free one).",
        ) from None
    with server:
        ready(f"http://{LOOPBACK}:{server.server_address[1]}/")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the way to stop
            server.serve_forever()
