"""Editions by grade band: from one set of notes, an issue for each group of staff
(an elementary and a secondary one, say), each with the tools, links and posts
for its grades.

An edition is named in newsletter.yaml's `editions:` map, with its grades, the
group of staff.csv it goes to, and its title. A note goes to the editions named in
its own `editions` field; without one, a tool, link or post goes to the editions
whose grades overlap its own (and to all when it has none), and anything else
(events, tips, citizenship, the intro) goes to all. Without `editions:` there is
one issue, named by its date alone, as there always was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from newsletter.errors import InputError, shown
from newsletter.model import IssueKey
from newsletter.workspace import validate
from newsletter.workspace.settings import Edition, Settings, read_editions, unknown_editions  # noqa: F401 - re-exported

T = TypeVar("T")
N = TypeVar("N")

if TYPE_CHECKING:
    from newsletter.notes.read import Notes
    from newsletter.workspace.folder import Workspace
    from newsletter.workspace.staff import Recipient


def issue_keys(editions: Sequence[Edition], date: dt.date) -> list[IssueKey]:
    """The issues of `date`: one per edition, or the one issue."""
    return [IssueKey(date, edition.name) for edition in editions] or [IssueKey(date)]


def goes_to(note: Any, edition: Edition) -> bool:
    """Whether a note (a tool, link, event, tip, post, ...) is in `edition`."""
    named = getattr(note, "editions", None)
    if named:
        return edition.name in {name.strip().lower() for name in named}
    grades = getattr(note, "grades", None)
    if not grades:  # no grades, or a kind without grades: for everyone
        return True
    return bool(validate.grade_mask(grades) & edition.mask)


def for_edition(notes: Sequence[T], edition: Edition | None) -> list[T]:
    """The notes that go to `edition` (all of them when there are no editions)."""
    if edition is None:
        return list(notes)
    return [note for note in notes if goes_to(note, edition)]


def own_items(issue: Any, edition: Edition) -> int:
    """How many of an edition's tools, links and posts are there for its grades
    (not only because they have no grades and go to every edition)."""
    items = [*issue.tools, *issue.links, *issue.feed_items]
    return sum(
        1
        for item in items
        if (getattr(item, "editions", None) or getattr(item, "grades", None))
        and goes_to(item, edition)
    )


def notes_for(notes: N, edition: Edition | None) -> N:
    """The notes an edition's issue is made from: of each kind, those that go to it."""
    if edition is None:
        return notes
    from newsletter.notes.kinds import KINDS

    kinds = [name for name in KINDS if name != "requests"]  # answered where a tool is
    changes: dict[str, Any] = {name: for_edition(getattr(notes, name), edition) for name in kinds}
    own_intro = getattr(notes, "edition_intros", {}).get(edition.name)
    if own_intro is not None:  # notes/intro-elementary.md: instead of notes/intro.md
        changes["intro"] = own_intro
    return dataclasses.replace(notes, **changes)  # type: ignore[type-var]


def edition_problems(
    settings: Settings, notes: Notes, staff: Sequence[Recipient] | None
) -> list[str]:
    """What stops the editions from being built and sent, one line each: a group
    that nobody in staff.csv is in, and a note naming an edition there is none of.
    `staff`: the staff list's people; None when it cannot be read (said elsewhere)."""
    from newsletter.notes.kinds import KINDS

    editions = settings.editions
    problems: list[str] = []
    for name in getattr(notes, "edition_intros", {}):
        if name not in {edition.name for edition in editions}:
            problems.append(
                f"notes/intro-{name}.md: an intro for the edition '{name}', which "
                "newsletter.yaml does not have. Hint: rename it after an edition, or fold it "
                "into notes/intro.md."
            )
    for kind in KINDS.values():
        for note in getattr(notes, kind.name):
            for name in unknown_editions(note, editions) if editions else []:
                known = ", ".join(e.name for e in editions)
                problems.append(
                    f"notes/{kind.file}: the {kind.what} '{_named(note)}' names the edition "
                    f"'{name}', which newsletter.yaml does not have. Hint: use one of: {known}."
                )
    if not editions:
        return problems
    if settings.send.list_address:
        return problems + [
            f"{editions[0].where}: editions go to groups of the staff list, but "
            "send.list_address sends every issue to one address. Hint: remove "
            "send.list_address, or the editions."
        ]
    groups = {group.lower() for person in staff or [] for group in person.groups}
    for edition in editions if staff is not None else []:
        if edition.group.lower() not in groups:
            known = ", ".join(sorted(groups)) or "none (add a 'groups' column)"
            problems.append(
                f"{edition.where}: nobody in {settings.send.staff_list} is in the group "
                f"'{edition.group}' of the edition '{edition.name}'. Hint: the groups "
                f"there are: {known}."
            )
    return problems


def without_edition(editions: Sequence[Edition], staff: Sequence[Recipient]) -> str:
    """A line naming the people in no edition's group, who get no issue; '' when none."""
    from newsletter.workspace.staff import in_groups

    reached = {p.email.lower() for p in in_groups(list(staff), group_names(editions))}
    left = [p.email for p in staff if p.email.lower() not in reached]
    if not editions or not left:
        return ""
    shown_ = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
    return (
        f"{len(left)} on the staff list {'is' if len(left) == 1 else 'are'} in no edition's "
        f"group and get{'s' if len(left) == 1 else ''} no issue: {shown_}. Add an edition's "
        "group to their 'groups' cell to include them."
    )


def group_names(editions: Sequence[Edition]) -> tuple[str, ...]:
    return tuple(edition.group for edition in editions)


def check_editions(workspace: Workspace, settings: Settings, notes: Notes) -> None:
    """Stop a build on the first of edition_problems (and on a staff list that is
    missing or cannot be read: the editions go to its groups)."""
    from newsletter.workspace.staff import read_staff_list

    staff = None
    if settings.editions and not settings.send.list_address:
        path = workspace.root / settings.send.staff_list
        if not path.exists():
            raise InputError(
                f"{shown(path)}: no staff list, and the editions go to its groups.",
                hint="export one with the columns email,name,groups.",
            )
        staff = read_staff_list(path).recipients
    problems = edition_problems(settings, notes, staff)
    if problems:
        line, _, hint = problems[0].partition(" Hint: ")
        raise InputError(line, hint=hint or None)


def _named(note: Any) -> str:
    text = getattr(note, "name", "") or getattr(note, "title", "") or getattr(note, "text", "")
    return " ".join(str(text).split())[:60]


def with_title(settings: T, edition: Edition | None) -> T:
    """The settings an edition's issue is assembled with: its own title."""
    if edition is None:
        return settings
    return dataclasses.replace(settings, title=edition.title)  # type: ignore[type-var]


def edition_of(editions: Sequence[Edition], key: IssueKey) -> Edition | None:
    """The edition an issue belongs to, None for an issue without one; an edition
    that newsletter.yaml no longer has is an error."""
    if not key.edition:
        return None
    for edition in editions:
        if edition.name == key.edition:
            return edition
    known = ", ".join(e.name for e in editions) or "none"
    raise InputError(
        f"issue {key} is of the edition '{key.edition}', which newsletter.yaml does not "
        f"have (its editions: {known}).",
        hint=f"Add '{key.edition}' back under 'editions' in newsletter.yaml to send it.",
    )
