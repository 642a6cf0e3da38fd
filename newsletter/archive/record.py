"""The archive: one markdown file per issue, `issues/YYYY-MM-DD.md`.

Its YAML front matter is the record of what was published (number, date,
subject, draft or sent, and the issue's structured content, from which the
email can be rendered again); its body is the issue as markdown, to read on
its own. A fingerprint of the file as the tool wrote it tells when the editor
has changed a draft by hand.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, shown
from newsletter.model import Issue, IssueKey, cleaned_issue, issue_date, moment_with_offset
from newsletter.workspace.files import read_text, write_atomically
from newsletter.workspace.folder import Workspace
from newsletter.workspace.yamlfile import Fields, dump_yaml, parse_yaml

DRAFT = "draft"
PARTLY_SENT = "partly sent"  # some of staff have it (a group, or a run that stopped)
SENT = "sent"  # everyone on the staff list has it
STATUSES = (DRAFT, PARTLY_SENT, SENT)
_FENCE = "---\n"
_FINGERPRINT = "fingerprint: "


@dataclass
class ArchivedIssue:
    """An issue of the archive as commands see it: what `list` shows and what
    decides whether it is built or sent. Its content (`issue`) is read from its
    file only when a command needs it, so that a command over the whole archive
    reads the catalog, not every file."""

    path: Path
    number: int
    date: dt.date
    subject: str
    status: str
    built_at: dt.datetime | None
    sent_at: dt.datetime | None
    hand_edited: bool
    reached: int = 0  # how many of staff have it, once it is partly sent or sent
    recipients: int = 0  # of how many
    rendered: str = ""  # the fingerprint of the email as built, to tell a stale one
    tools: int = 0  # how many tools it features
    posts: int = 0  # and how many blog posts
    edition: str = ""  # the edition it was built as (its file's name says the same)
    content: Issue | None = field(default=None, repr=False)

    @property
    def issue(self) -> Issue:
        """The issue's content, read from its file the first time it is asked for."""
        if self.content is None:
            self.content = read_archived(self.path).issue
        return self.content

    @functools.cached_property
    def key(self) -> IssueKey:
        return IssueKey.from_stem(self.path.stem) or IssueKey(self.date)

    @property
    def an_edition(self) -> bool:
        """Built as an edition, and named as one: not a copy of an issue under another name."""
        return bool(self.edition) and self.edition == self.key.edition

    @property
    def label(self) -> str:
        """'12', or '12 (elementary)' for an edition: how messages name it after '#'."""
        edition = self.key.edition
        return f"{self.number} ({edition})" if edition else str(self.number)

    @property
    def sent(self) -> bool:
        """Everyone has it: never sent or rebuilt again."""
        return self.status == SENT

    @property
    def published(self) -> bool:
        """Someone has it: what it features counts as featured, and it is never rebuilt."""
        return self.status in (SENT, PARTLY_SENT)

    @property
    def state(self) -> str:
        """'draft', 'sent', or 'sent to 3 of 11', as `list` shows it."""
        if self.status == PARTLY_SENT:
            return f"sent to {self.reached} of {self.recipients}"
        return self.status


def archive_path(workspace: Workspace, key: IssueKey) -> Path:
    return workspace.issues_dir / f"{key.stem}.md"


def archive_files(workspace: Workspace) -> list[Path]:
    """Every file of the archive, by name; the one place that lists issues/ (its
    README.md and other files that are no issue are left out)."""
    if not workspace.issues_dir.is_dir():
        return []
    return sorted(
        path
        for path in workspace.issues_dir.glob("*.md")
        if IssueKey.from_stem(path.stem) is not None
    )


def archive_text(
    issue: Issue,
    body: str,
    status: str = DRAFT,
    built_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
    rendered: str = "",
    reached: tuple[int, int] | None = None,
) -> str:
    front: dict[str, Any] = {
        "number": issue.number,
        "date": issue.date.isoformat(),
        "subject": issue.subject,
        "status": status,
        "built_at": built_at.isoformat() if built_at else None,
        "sent_at": sent_at.isoformat() if sent_at else None,
    }
    if reached is not None:
        front["reached"], front["recipients"] = reached
    if rendered:
        front["rendered"] = rendered
    front["content"] = issue.to_dict()
    rest = dump_yaml(front) + _FENCE + "\n" + body.rstrip("\n") + "\n"
    return _FENCE + _FINGERPRINT + _digest(rest) + "\n" + rest


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def email_fingerprint(html: str, text: str) -> str:
    """The fingerprint of a rendered email, kept in the archive so that `send` can
    tell rendered files that do not belong to the archived issue."""
    return _digest(html + "\0" + text)


def archive_body(path: Path) -> str:
    """The issue as markdown, as a person reads it: the archive file without its front
    matter (the data the email is rendered from)."""
    return _split(path, read_text(path))[2].lstrip("\n")


def _split(path: Path, text: str) -> tuple[str, str, str]:
    """(fingerprint, front matter YAML, body) of an archive file."""
    if not text.startswith(_FENCE):
        raise InputError(
            f"{shown(path)}:1: an archived issue must start with '---' and its front matter.",
            hint="Restore the file from git, or build the issue again with --force.",
        )
    end = text.find("\n" + _FENCE, len(_FENCE) - 1)
    if end < 0:
        raise InputError(
            f"{shown(path)}: the front matter has no closing '---' line.",
            hint="Restore the file from git, or build the issue again with --force.",
        )
    front = text[len(_FENCE) : end + 1]
    body = text[end + 1 + len(_FENCE) :]
    fingerprint = ""
    if front.startswith(_FINGERPRINT):
        first, _, front = front.partition("\n")
        fingerprint = first[len(_FINGERPRINT) :].strip()
    return fingerprint, front, body


FRONT_FIELDS = (
    "number",
    "date",
    "subject",
    "status",
    "built_at",
    "sent_at",
    "reached",
    "recipients",
    "rendered",
    "content",
)
_DAMAGED = "Restore the file from git, or build the issue again with --force."


def read_archived(path: Path, data: bytes | None = None) -> ArchivedIssue:
    """An archive file, read (or its bytes, when they have been read already)."""
    text = read_text(path, data)
    fingerprint, front_text, body = _split(path, text)
    # Padded so that YAML's line numbers are the file's: the front matter starts on
    # line 2, or 3 after the fingerprint.
    offset = 2 if fingerprint else 1
    front = parse_yaml("\n" * offset + front_text, path)
    if not isinstance(front, dict) or "content" not in front:
        raise InputError(
            f"{shown(path)}: the front matter has no 'content'; the issue cannot be read.",
            hint=_DAMAGED,
        )
    fields = Fields(front, path, "front matter")
    fields.only(FRONT_FIELDS)
    try:
        issue = Issue.from_dict(front["content"])
    except ValueError as err:
        raise InputError(
            f"{fields.where('content')}: the issue's content is damaged ({err}).", hint=_DAMAGED
        ) from None
    _check_content(issue, fields)
    told = fields.checked("date", issue_date)  # what the top says must be what is inside
    if told is not None and told != issue.date:
        raise fields.fail(
            "date",
            f"{told} is not the date of the issue's content ({issue.date}).",
            hint=_DAMAGED,
        )
    status = fields.text("status", default=DRAFT)
    if status not in STATUSES:
        raise fields.fail(
            "status", f"'{status}' is not one of: {', '.join(STATUSES)}.", hint=_DAMAGED
        )
    rest = front_text + _FENCE + body
    return ArchivedIssue(
        path=path,
        number=issue.number,
        date=issue.date,
        subject=issue.subject,
        status=status,
        built_at=fields.checked("built_at", moment_with_offset),
        sent_at=fields.checked("sent_at", moment_with_offset),
        hand_edited=fingerprint != _digest(rest),
        reached=fields.number("reached", 0),
        recipients=fields.number("recipients", 0),
        rendered=fields.text("rendered"),
        tools=len(issue.tools),
        posts=len(issue.feed_items),
        edition=issue.edition,
        content=cleaned_issue(issue),  # as published: nothing that runs, even edited by hand
    )


def _check_content(issue: Issue, fields: Fields) -> None:
    """What the archive's content must be for an email to be made of it: a subject on
    one line (it becomes a header) and a time zone that exists."""
    from zoneinfo import ZoneInfo

    from newsletter.workspace import validate

    try:
        validate.one_line(issue.subject)
        ZoneInfo(issue.masthead.time_zone)
        # The values the templates look up: a cost they have no words for, grades that
        # are none, would stop the email and the site (an archive edited by hand).
        for tool in issue.tools:
            if tool.cost and tool.cost not in validate.COSTS:
                raise ValueError(
                    f"the tool '{tool.name}' costs '{tool.cost}', which is not one of: "
                    + ", ".join(validate.COSTS)
                )
        graded = [t.grades for t in issue.tools] + [link.grades for link in issue.links]
        graded += [n.grades for n in issue.feed_items] + [n.grades for n in issue.requests]
        for grades in graded:
            if grades:
                validate.grades(grades)
    except (ValueError, KeyError) as err:
        raise InputError(
            f"{fields.where('content')}: the issue's content is damaged ({err}).",
            hint=_DAMAGED,
        ) from None


def check_numbers(archived: list[ArchivedIssue]) -> None:
    """Two archived issues with one number would make 'show 12' and 'send 12' guess;
    the editions of one date share theirs."""
    seen: dict[int, ArchivedIssue] = {}
    for entry in archived:
        first = seen.setdefault(entry.number, entry)
        editions = first.an_edition and entry.an_edition and first.date == entry.date
        if first is not entry and not editions:
            raise InputError(
                f"{shown(entry.path)}: issue #{entry.number} is also "
                f"{shown(first.path)}; two issues cannot share a number.",
                hint="Renumber the draft (its 'number' and content's 'number'), or build "
                "it again with --force.",
            )


def record_reach(entry: ArchivedIssue, reached: int, recipients: int, now: dt.datetime) -> str:
    """Record in the archive how many of staff have the issue: sent when everyone
    does, partly sent when some do. Keeps the body as it is; returns the new status."""
    if reached <= 0:
        return entry.status
    status = SENT if reached >= recipients else PARTLY_SENT
    text = read_text(entry.path)
    _, _, body = _split(entry.path, text)
    text = archive_text(
        entry.issue,
        body.lstrip("\n"),
        status=status,
        built_at=entry.built_at,
        sent_at=now if status == SENT else entry.sent_at,
        rendered=entry.rendered,
        reached=(reached, recipients),
    )
    write_atomically(entry.path, text)
    return status


def already_sent_line(entry: ArchivedIssue, zone_name: str = "UTC") -> str:
    """'Issue #3 (2026-12-04) was already sent on 2026-12-04 07:05 America/Chicago':
    why it is not built or sent again (the time in the workspace's zone, said so)."""
    from zoneinfo import ZoneInfo

    which = f", {entry.key.edition}" if entry.key.edition else ""
    head = f"Issue #{entry.number} ({entry.date}{which})"
    if entry.sent:
        local = entry.sent_at.astimezone(ZoneInfo(zone_name)) if entry.sent_at else None
        when = f" on {local:%Y-%m-%d %H:%M} {zone_name}" if local else ""
        return f"{head} was already sent{when}"
    if entry.status == PARTLY_SENT:
        return f"{head} was already sent to {entry.reached} of {entry.recipients}"
    return f"{head} is being sent (its send log names who has it)"


def find_issues(archive: list[ArchivedIssue], ref: str | None) -> list[ArchivedIssue]:
    """The issues `ref` names: a number ('12') or a date ('2026-11-27'), with an
    edition after a colon ('12:elementary'), or a file's name ('2026-11-27-elementary').
    Without an edition, every edition of that issue. The newest when ref is None."""
    if not archive:
        raise InputError(
            "The archive is empty: no issue has been built yet.",
            hint="Build one with 'newsletter build'.",
        )
    if ref is None:
        return [archive[-1]]
    text = ref.strip().lstrip("#")
    issue, _, edition = text.partition(":")
    issue, edition = issue.strip(), edition.strip().lower()
    by_stem = IssueKey.from_stem(text)
    found = [
        entry
        for entry in archive
        if (
            (issue.isascii() and issue.isdigit() and len(issue) < 10 and entry.number == int(issue))
            or entry.date.isoformat() == issue
        )
        and (not edition or entry.key.edition == edition)
    ] or [entry for entry in archive if by_stem and by_stem.edition and entry.key == by_stem]
    if not found:
        raise InputError(
            f"No issue '{text}' in the archive.",
            hint="Give an issue number or date as listed by 'newsletter list'"
            + (", with its edition after a colon (12:elementary)." if edition else "."),
        )
    return found


def newest_issues(archive: list[ArchivedIssue]) -> list[ArchivedIssue]:
    """The newest issue: each of its editions."""
    find_issues(archive, None)  # an empty archive says so
    return [entry for entry in archive if entry.date == archive[-1].date]


def find_issue(archive: list[ArchivedIssue], ref: str | None) -> ArchivedIssue:
    """The one issue `ref` names (see find_issues); an issue with editions needs one."""
    found = find_issues(archive, ref)
    if len(found) > 1:
        first = found[0]
        names = ", ".join(f"{first.number}:{entry.key.edition}" for entry in found)
        raise InputError(
            f"Issue #{first.number} ({first.date}) has {len(found)} editions; say which: {names}.",
            hint=f"For example: {first.number}:{found[0].key.edition}",
        )
    return found[0]


def latest_unsent(archive: list[ArchivedIssue]) -> ArchivedIssue | None:
    """The newest issue that not everyone has yet."""
    drafts = [entry for entry in archive if not entry.sent]
    return drafts[-1] if drafts else None


@dataclass
class Archive:
    """The archive as the catalog has it: the issues that could be read, oldest
    first, and the files that could not."""

    entries: list[ArchivedIssue]
    unreadable: list[Path] = field(default_factory=list)

    def problems(self) -> list[InputError]:
        """Why each unreadable file cannot be read (read again: the one line names
        file and line)."""
        found = []
        for path in self.unreadable:
            if not path.is_file():  # reading a pipe would wait for ever
                found.append(
                    InputError(
                        f"{shown(path)}: not a file (a folder, a pipe or a broken link).",
                        hint="Put the issue's file back, or move what stands in its place.",
                    )
                )
                continue
            try:
                read_archived(path)
            except InputError as err:
                found.append(err)
            except OSError as err:
                found.append(
                    InputError(
                        f"{shown(path)}: cannot be read ({err.strerror or err}).",
                        hint="Put the issue's file back, or move what stands in its place.",
                    )
                )
        return found

    def all_or_raise(self) -> list[ArchivedIssue]:
        """Every issue, for a command that needs them all: one that cannot be read
        stops it, named with file and line, and so do two with one number."""
        for problem in self.problems():
            raise problem
        check_numbers(self.entries)
        return self.entries

    def unreadable_line(self) -> str:
        return unreadable_line(self.unreadable)


def unreadable_line(paths: Sequence[Path]) -> str:
    """'2 issues could not be read (issues/a.md, issues/b.md)', or ''."""
    if not paths:
        return ""
    count = len(paths)
    names = ", ".join(shown(path) for path in paths)
    what = "1 issue" if count == 1 else f"{count} issues"
    return (
        f"{what} could not be read ({names}) and {'is' if count == 1 else 'are'} left "
        "out; 'newsletter check' says why."
    )


def featured_line(what: str, entry: ArchivedIssue) -> str:
    """ "'Kahoot!' was featured in #12 (2026-02-06, issues/2026-02-06.md)"."""
    return f"{what} was featured in #{entry.number} ({entry.date.isoformat()}, {shown(entry.path)})"
