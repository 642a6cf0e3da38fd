"""Throwing a draft away: its archive file and its rendered email go; an issue anyone
has (sent, partly sent, or being sent) never does. Only the newest issue can go, so
the numbering keeps no gap (the next build takes the number again)."""

from __future__ import annotations

from newsletter.archive.record import ArchivedIssue, already_sent_line, find_issues
from newsletter.archive.sendlog import someone_has
from newsletter.catalog.db import open_catalog
from newsletter.email.rendered import rendered_paths
from newsletter.errors import InputError, shown
from newsletter.workspace.folder import Workspace
from newsletter.workspace.lock import workspace_lock


def discard_drafts(
    workspace: Workspace, ref: str, zone_name: str, remove: bool = True
) -> list[ArchivedIssue]:
    """Remove the draft `ref` names (each of its editions, or the one named); returns
    what was removed. Under the workspace lock: no build or send runs meanwhile.
    Without `remove`, only whether it may go is found (before the editor is asked)."""
    with workspace_lock(workspace.state_dir, "discard"), open_catalog(workspace) as catalog:
        archive = catalog.archive().all_or_raise()
        drafts = find_issues(archive, ref)
        for entry in drafts:
            if someone_has(workspace.state_dir, entry):
                raise InputError(
                    f"{already_sent_line(entry, zone_name)}: only a draft can be discarded.",
                    hint="An issue anyone has stays the record of what staff were sent.",
                )
        newest = max(entry.number for entry in archive)
        if drafts and drafts[0].number != newest:
            later = next(e for e in archive if e.number == newest)
            raise InputError(
                f"issue #{later.number} ({later.date}) comes after #{drafts[0].number}; "
                "discarding it would leave a gap in the numbers.",
                hint=f"Discard #{later.number} first, or build #{drafts[0].number} again "
                "with --force.",
            )
        for entry in drafts if remove else []:
            for path in (entry.path, *rendered_paths(workspace, entry.key)):
                path.unlink(missing_ok=True)
    return drafts


def discarded_line(drafts: list[ArchivedIssue]) -> str:
    names = ", ".join(shown(entry.path) for entry in drafts)
    return f"Discarded the draft #{drafts[0].number} ({names}) and its rendered email."
