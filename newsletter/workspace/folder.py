"""Finding the workspace: the folder with newsletter.yaml, found the way git finds
its root, and the paths inside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from newsletter.errors import WorkspaceNotFound, shown

SETTINGS_NAME = "newsletter.yaml"
ENV_VAR = "NEWSLETTER_WORKSPACE"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_NAME

    @property
    def feeds_file(self) -> Path:
        return self.root / "feeds.yaml"

    @property
    def notes_dir(self) -> Path:
        return self.root / "notes"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def issues_dir(self) -> Path:
        return self.root / "issues"

    @property
    def staff_file(self) -> Path:
        return self.root / "staff.csv"

    @property
    def approvals_file(self) -> Path:
        """The district's register of vetted tools."""
        return self.root / "approvals.yaml"

    @property
    def state_dir(self) -> Path:
        """The tool's own files (cache, rendered email, logs); git-ignored."""
        return self.root / ".newsletter"

    @property
    def cache_dir(self) -> Path:
        return self.state_dir / "cache"

    @property
    def output_dir(self) -> Path:
        return self.state_dir / "out"


def find_workspace(
    explicit: str | os.PathLike[str] | None = None, start: Path | None = None
) -> Workspace:
    """The workspace named by --workspace or NEWSLETTER_WORKSPACE, or else the
    nearest folder at or above `start` that holds newsletter.yaml."""
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / SETTINGS_NAME).is_file():
            raise WorkspaceNotFound(
                f"{shown(root)}: not a newsletter workspace (no {SETTINGS_NAME} there).",
                hint=f"Check the path, or create a workspace there with 'newsletter init {root}'.",
            )
        return Workspace(root.resolve())
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / SETTINGS_NAME).is_file():
            return Workspace(folder)
    raise WorkspaceNotFound(
        f"{here}: not inside a newsletter workspace (no {SETTINGS_NAME} here or above).",
        hint="Run 'newsletter init' to create one, or point to one with --workspace PATH "
        f"or {ENV_VAR}.",
    )
