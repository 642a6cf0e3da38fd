"""The rendered email on disk (.newsletter/out/DATE.html and .txt): what build writes,
preview shows, and send sends; always the email the archive file records."""

from __future__ import annotations

import logging
from pathlib import Path

from newsletter.archive.record import ArchivedIssue, email_fingerprint
from newsletter.email.render import RenderedEmail, render_email
from newsletter.errors import NewsletterError, shown
from newsletter.model import IssueKey
from newsletter.workspace.files import write_atomically
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import Settings

# Gmail shows only the first 102 KB of a message's HTML, then "[Message clipped]".
GMAIL_CLIP_BYTES = 102 * 1024


def size_warning(html: str, settings: Settings) -> str | None:
    size = len(html.encode("utf-8"))
    if size <= GMAIL_CLIP_BYTES:
        return None
    over = (size - GMAIL_CLIP_BYTES + 1023) // 1024
    return (
        f"the email's HTML is {size // 1024} KB; Gmail clips anything over 102 KB, so cut "
        f"about {over} KB: lower feeds.max_items in newsletter.yaml (now "
        f"{settings.feeds.max_items}), or feature fewer tools."
    )


def rendered_paths(workspace: Workspace, key: IssueKey) -> tuple[Path, Path]:
    stem = workspace.output_dir / key.stem
    return stem.with_suffix(".html"), stem.with_suffix(".txt")


def rendered_email(workspace: Workspace, entry: ArchivedIssue) -> RenderedEmail:
    """The email of an archived issue, rendered again from its archive file alone."""
    return render_email(entry.issue, workspace.templates_dir)


class StaleEmail(NewsletterError):
    """The rendered email is not the one the archive records, and cannot be made so."""


def rendered_files(workspace: Workspace, entry: ArchivedIssue) -> RenderedEmail:
    """The email as built (what the editor previewed).

    It must be the email the archive file records: rendered files that are missing,
    or were changed or left behind by something else, are rendered again from the
    archive; if that does not give the recorded email either (the templates changed
    since the build), nothing is sent, and nothing is overwritten, until the issue is
    built again. A draft edited by hand is rendered again from its file: the edit is
    what staff get, as `show` and the site show it."""
    if entry.hand_edited and not entry.published:
        return _from_edited_draft(workspace, entry)
    html_file, text_file = rendered_paths(workspace, entry.key)
    if html_file.is_file() and text_file.is_file():
        email = RenderedEmail(
            subject=entry.subject,
            html=html_file.read_text(encoding="utf-8"),
            text=text_file.read_text(encoding="utf-8"),
        )
        if not entry.rendered or email_fingerprint(email.html, email.text) == entry.rendered:
            return email
    email = rendered_email(workspace, entry)
    if entry.rendered and email_fingerprint(email.html, email.text) != entry.rendered:
        raise StaleEmail(
            f"the rendered email of issue #{entry.number} is missing or not the one "
            f"{shown(entry.path)} records, and rendering it again from the archive gives "
            "another (the templates changed since the build); nothing was sent.",
            hint="Build the issue again with 'newsletter build', look at it with "
            "'newsletter preview', then send."
            if not entry.published
            else "Put the templates back as they were when the issue was first sent.",
        )
    write_atomically(html_file, email.html)
    write_atomically(text_file, email.text)
    return email


def _from_edited_draft(workspace: Workspace, entry: ArchivedIssue) -> RenderedEmail:
    """A draft edited by hand, rendered again from its file and written to .newsletter/
    out/. An edit of the markdown body alone (the email is made from the front matter)
    does not reach the email: that is said, with what to edit instead."""
    email = rendered_email(workspace, entry)
    if entry.rendered and email_fingerprint(email.html, email.text) == entry.rendered:
        logging.getLogger("newsletter").warning(
            "%s was edited by hand, but the email is the same as built: the email is made "
            "from the front matter (the fields at the top), not the markdown below it. "
            "Edit the front matter, or the notes and build again with --force.",
            shown(entry.path),
        )
    html_file, text_file = rendered_paths(workspace, entry.key)
    write_atomically(html_file, email.html)
    write_atomically(text_file, email.text)
    return email


def ensure_rendered(workspace: Workspace, entry: ArchivedIssue) -> tuple[Path, Path]:
    """The rendered files of an archived issue, rendering them if they are missing
    (and again for a draft edited by hand, as send would send it)."""
    html_file, text_file = rendered_paths(workspace, entry.key)
    if entry.hand_edited and not entry.published:
        _from_edited_draft(workspace, entry)
    elif not (html_file.is_file() and text_file.is_file()):
        email = rendered_email(workspace, entry)
        write_atomically(html_file, email.html)
        write_atomically(text_file, email.text)
    return html_file, text_file
