"""What every command starts from: the workspace, its settings, and the moment the
command runs, with today's date in the workspace's time zone. Made once per
command, each part only when it is first needed (so `add-tip` reads no feeds and
`init` needs no workspace)."""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass, field

from newsletter import clock
from newsletter.workspace.folder import Workspace, find_workspace
from newsletter.workspace.settings import Settings, require_settings


@dataclass
class Context:
    workspace_path: str | None = None  # --workspace or NEWSLETTER_WORKSPACE
    now: dt.datetime = field(default_factory=clock.now)  # the moment the command runs at
    started: float = field(default_factory=time.monotonic)

    def clock(self) -> dt.datetime:
        """The moment now, for a command that runs a while (a send): `now`, moved on
        by the time the command has been running."""
        return self.now + dt.timedelta(seconds=time.monotonic() - self.started)

    @functools.cached_property
    def workspace(self) -> Workspace:
        return find_workspace(self.workspace_path)

    @functools.cached_property
    def settings(self) -> Settings:
        return require_settings(self.workspace.settings_file)

    @property
    def today(self) -> dt.date:
        """Today where the newsletter is: not the machine's zone, not UTC."""
        return self.now.astimezone(self.settings.zone).date()
