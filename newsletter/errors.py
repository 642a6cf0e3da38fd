"""The project's one family of exceptions.

Core code raises these with a message that says what is wrong, where, and how
to fix it; only the CLI turns them into exit codes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def shown(path: Path) -> str:
    """A path as the editor should see it: relative to the current folder when inside it."""
    # os.path rather than pathlib: this module is on `newsletter --help`'s fast path.
    try:
        # The folder resolved, the name as it is: a link is named, not where it points.
        full = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        relative = os.path.relpath(full, os.path.realpath(os.getcwd()))
    except (ValueError, OSError):
        return str(path)
    # Relative only below the current folder, and never from / (cron's current folder).
    if relative.startswith("..") or os.path.realpath(os.getcwd()) == os.sep:
        return full
    return relative


class NewsletterError(Exception):
    """Something failed (exit 1): a feed, a template, the mail server."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} Hint: {self.hint}"
        return self.message


class InputError(NewsletterError):
    """The editor's input is wrong (exit 2): a YAML file, an option, a date."""


class WorkspaceNotFound(InputError):
    """No newsletter.yaml in this folder or any folder above it."""
