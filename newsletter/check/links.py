"""newsletter check --links: every link in an issue, checked at once (HEAD, then
GET for servers that do not answer HEAD), each broken one named with where in the
issue it came from."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from newsletter.errors import NewsletterError
from newsletter.feeds.fetch import FetchError, FetchLimits, HostGate, fetch
from newsletter.model import Issue
from newsletter.workspace.folder import Workspace

_MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)")
_BARE_URL = re.compile(r"(?<![(<\"'])\bhttps?://[^\s)>\]\"']+")


@dataclass
class LinkRef:
    url: str
    where: str  # e.g. "tool 'Padlet'", "post 'Five ways...' (Edutopia)"


@dataclass
class LinkResult:
    ref: LinkRef
    problem: str = ""  # '' when the link works

    @property
    def ok(self) -> bool:
        return not self.problem


def links_in_text(text: str) -> list[str]:
    return _MARKDOWN_LINK.findall(text) + _BARE_URL.findall(text)


def issue_links(issue: Issue) -> list[LinkRef]:
    """Every link readers can click, once each, with where it first appears."""
    refs: list[LinkRef] = []

    def add(url: str, where: str) -> None:
        if url:
            refs.append(LinkRef(url.rstrip(".,;:"), where))

    def add_text(text: str, where: str) -> None:
        for url in links_in_text(text):
            add(url, where)

    add_text(issue.intro, "the intro")
    for tool in issue.tools:
        add(tool.url, f"tool '{tool.name}'")
        for text in (tool.summary, tool.idea, tool.privacy):
            add_text(text, f"tool '{tool.name}'")
    for event in issue.events:
        if event.place_is_link:
            add(event.place, f"event '{event.title}' (video link)")
        add(event.signup, f"event '{event.title}' (sign-up)")
        add_text(event.description, f"event '{event.title}'")
    for kind, notes in (("tip", issue.tips), ("citizenship item", issue.citizenship)):
        for note in notes:
            label = f"{kind} '{note.title or note.text[:30]}'"
            add(note.url, label)
            add_text(note.text, label)
    for link in issue.links:
        add(link.url, f"link '{link.title}'")
        add_text(link.note, f"link '{link.title}'")
    for item in issue.feed_items:
        add(item.link, f"post '{item.title[:50]}' ({item.source})")
    seen: set[str] = set()
    unique = []
    for ref in refs:
        if ref.url not in seen:
            seen.add(ref.url)
            unique.append(ref)
    return unique


def check_links(refs: list[LinkRef], limits: FetchLimits, user_agent: str) -> list[LinkResult]:
    """Check every link at once, within the limits; results in the order given."""
    gate = HostGate(limits.per_host)
    stop_at = time.monotonic() + limits.deadline

    def check(ref: LinkRef) -> LinkResult:
        problem = ""
        for method in ("HEAD", "GET"):  # some servers refuse HEAD but serve the page
            try:
                fetch(
                    ref.url,
                    limits=limits,
                    user_agent=user_agent,
                    gate=gate,
                    stop_at=stop_at,
                    method=method,
                    read_body=False,
                )
                return LinkResult(ref)
            except FetchError as err:
                problem = str(err)
                if err.status is None:  # no answer at all: GET will not do better
                    break
        return LinkResult(ref, problem)

    if not refs:
        return []
    with ThreadPoolExecutor(max_workers=min(limits.concurrency, len(refs))) as pool:
        return list(pool.map(check, refs))


@dataclass
class IssueLinks:
    """What check --links found in one issue."""

    number: int
    results: list[LinkResult]

    @property
    def broken(self) -> list[LinkResult]:
        return [r for r in self.results if not r.ok]


def check_issue_links(workspace: Workspace, issue_ref: str | None) -> IssueLinks:
    """Check every link of the issue named, or of the newest one not sent to everyone:
    of each of its editions, a link the editions share once."""
    from newsletter.archive.record import find_issues, latest_unsent
    from newsletter.catalog.db import load_archive
    from newsletter.feeds.collect import fetch_limits, user_agent
    from newsletter.workspace.settings import require_settings

    archive = load_archive(workspace)
    if issue_ref:
        entries = find_issues(archive, issue_ref)
    else:
        newest = latest_unsent(archive)
        entries = [e for e in archive if newest and e.date == newest.date and not e.sent]
    if not entries:
        raise NewsletterError(
            "No unsent issue to check.",
            hint="Build one with 'newsletter build', or name one with --issue.",
        )
    settings = require_settings(workspace.settings_file)
    refs = list({ref.url: ref for e in entries[::-1] for ref in issue_links(e.issue)}.values())
    results = check_links(refs, fetch_limits(settings.feeds), user_agent(settings))
    return IssueLinks(entries[0].number, results)
