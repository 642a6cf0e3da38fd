"""The crontab line for unattended Fridays: build, then send, with absolute paths
so that cron's bare environment (PATH=/usr/bin:/bin, no HOME, another current
folder) finds everything, and output appended to a log IT can read."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys

from newsletter.errors import InputError
from newsletter.settings import Settings
from newsletter.workspace import Workspace

CRON_WEEKDAYS = ("1", "2", "3", "4", "5", "6", "0")  # Monday = 0 in Python, 1 in cron


def newsletter_executable(argv0: str) -> str:
    """The absolute path of the `newsletter` command that is running now."""
    candidates = [
        argv0,
        shutil.which("newsletter") or "",
        os.path.join(os.path.dirname(sys.executable), "newsletter"),
    ]
    for candidate in candidates:
        if (
            candidate
            and os.path.basename(candidate) == "newsletter"
            and os.access(candidate, os.X_OK)
        ):
            return os.path.abspath(candidate)
    return f"{sys.executable} -m newsletter"


def crontab_line(workspace: Workspace, settings: Settings, at: str, argv0: str) -> str:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", at.strip())
    if not match:
        raise InputError(
            f"--at: '{at}' is not a time of day.", hint="Write it as HH:MM, like 07:00."
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    command = newsletter_executable(argv0)
    program = command if " " in command else shlex.quote(command)
    root = shlex.quote(str(workspace.root))
    log = shlex.quote(str(workspace.state_dir / "logs" / "cron.log"))
    logs_dir = shlex.quote(str(workspace.state_dir / "logs"))
    run = f"{program} --workspace {root}"
    return (
        f"# {settings.title}: build and send every {weekday_name(settings)} at {at} "
        f"(the machine's time zone; the newsletter's is {settings.time_zone}).\n"
        f"{minute} {hour} * * {CRON_WEEKDAYS[settings.issue_weekday]} "
        f"mkdir -p {logs_dir} && {{ date; {run} build && {run} send --yes; }} "
        f">> {log} 2>&1"
    )


def weekday_name(settings: Settings) -> str:
    from newsletter.validate import WEEKDAYS

    return WEEKDAYS[settings.issue_weekday].capitalize()
