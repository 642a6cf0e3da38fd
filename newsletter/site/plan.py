"""What the public site is made from, and which of its pages a rebuild must make again.

The site keeps a manifest beside its pages (`.site-manifest.json`): for each issue,
the facts other pages use of it (its tools, its subject and preheader), under the
digest of its archive file; the page each tool has; and for each page, a digest of
everything it is made from. A rebuild reads only the archive files whose digest
changed and renders only the pages whose inputs changed: after one new issue, that
issue's page, its tools' pages and the lists, not every page of ten years.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsletter import __version__
from newsletter.approvals.public import public_decision
from newsletter.approvals.register import Register
from newsletter.archive.record import ArchivedIssue
from newsletter.model import Issue, Tool, to_plain
from newsletter.text.names import squash
from newsletter.text.urls import normalize_url
from newsletter.workspace.files import write_bytes_atomically
from newsletter.workspace.settings import Settings

MANIFEST = ".site-manifest.json"
PENDING = ".site-pending.json"  # what a run that has not finished was making
_VERSION = 2  # raise it when the manifest's layout changes: an older one is ignored


def digest(*parts: Any) -> str:
    """A short fingerprint of plain values (text, numbers, dates, and lists of them)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def public(issue: Issue, settings: Settings) -> Issue:
    """The issue as the public may see it: no section the site leaves out, nor what
    was in it (the preheader, which the feed shows, is made again without it)."""
    import dataclasses

    from newsletter.issue.assemble import preheader

    shown = [s for s in issue.sections if s not in set(settings.site.exclude_sections)]
    kept: dict[str, Any] = {
        "intro": issue.intro if "intro" in shown else "",
        "tools": issue.tools if "tools" in shown else [],
        "events": issue.events if "events" in shown else [],
        "tips": issue.tips if "tip" in shown else [],
        "citizenship": issue.citizenship if "citizenship" in shown else [],
        "links": issue.links if "links" in shown else [],
        "feed_items": [item for item in issue.feed_items if item.section in shown],
    }
    seen = dataclasses.replace(issue, sections=shown, **kept)
    seen.preheader = preheader(seen)
    return seen


def signature(settings: Settings, templates: list[Path]) -> str:
    """What every page depends on: this version, the settings the site shows, and
    the templates (the built-in ones and the workspace's)."""
    site = settings.site
    shown = (settings.title, settings.tagline, settings.organization, site.base_url,
             sorted(settings.colors.items()), settings.logo_url, settings.logo_alt,
             settings.logo_width)  # fmt: skip
    sources = [(str(path), path.read_bytes().decode("utf-8", "replace")) for path in templates]
    return digest(_VERSION, __version__, shown, site.exclude_sections, sources)


def issue_facts(issue: Issue, file_digest: str) -> dict[str, Any]:
    """What pages other than its own use of an issue (kept in the manifest)."""
    tools = issue.tools if "tools" in issue.sections else []
    return {
        "digest": file_digest,
        "subject": issue.subject,
        "preheader": issue.preheader,
        "tools": [
            {
                "key": normalize_url(tool.url),
                "url": tool.url,
                "name": tool.name,
                "line": tool_line(tool),
                "content": digest(sorted(to_plain(asdict(tool)).items())),
            }
            for tool in tools
        ],
    }


def tool_line(tool: Tool) -> dict[str, Any]:
    """A tool's row on the tools page, with what its filters need."""
    from newsletter.workspace.subjects import subjects
    from newsletter.workspace.validate import grade_mask, grades_in

    named = subjects(tool.subjects)  # one vocabulary: 'All' and 'All subjects' are one
    return {
        "name": tool.name,
        "grades": ", ".join(tool.grades),
        "subjects": ", ".join(named),
        "cost": tool.cost,
        "grade_list": grades_in(grade_mask(tool.grades)),
        "subject_list": named,
    }


@dataclass
class ToolPage:
    key: str  # the tool's address, normalized
    page: str  # its file name in tools/, without .html
    featured: list[ArchivedIssue] = field(default_factory=list)  # oldest first
    facts: dict[str, Any] = field(default_factory=dict)  # as last featured

    @property
    def last(self) -> ArchivedIssue:
        return self.featured[-1]

    @property
    def line(self) -> dict[str, Any]:
        return {**self.facts["line"], "page": self.page}


@dataclass
class SitePlan:
    """The site to make from the archive, and what of it the last build already made."""

    settings: Settings
    entries: list[ArchivedIssue]  # the issues someone got, oldest first
    facts: dict[str, dict[str, Any]]  # by the issue's file name (its key's stem)
    tools: dict[str, ToolPage]  # by the tool's normalized address
    signature: str
    made: dict[str, str]  # each page as the last build made it: the digest of its inputs
    search: dict[str, Any]  # the search index's bundles, as the last build left them
    contents: dict[str, Issue] = field(default_factory=dict)  # the issues read, public
    register: Register = field(default_factory=Register)  # the district's decisions, now
    today: dt.date = dt.date.min  # the day the site is made: an agreement may have ended

    def decision(self, page: ToolPage) -> dict[str, Any]:
        """The district's decision on a tool of the site, as the public may see it."""
        found = self.register.find(page.facts["name"], page.facts["url"])
        return public_decision(found, self.today)

    def approved(self) -> list[dict[str, Any]]:
        """The approved tools of the register, by name, for the 'Approved tools' page,
        each with its page on the site when the newsletter featured it."""
        pages = {}
        for page in self.tools.values():
            found = self.register.find(page.facts["name"], page.facts["url"])
            if found is not None:
                pages[id(found)] = page.page
        return [
            {**public_decision(a, self.today), "page": pages.get(id(a), "")}
            for a in sorted(self.register.entries, key=lambda a: a.name.casefold())
            if a.approved and not a.lapsed(self.today)
        ]

    def shows(self, section: str) -> bool:
        """Whether the site shows a section at all (site.exclude_sections)."""
        return section not in self.settings.site.exclude_sections

    def content(self, entry: ArchivedIssue) -> Issue:
        """An issue as the public may see it, read from its file once."""
        stem = entry.key.stem
        if stem not in self.contents:
            self.contents[stem] = public(entry.issue, self.settings)
        return self.contents[stem]

    def tool(self, page: ToolPage) -> Tool:
        """The tool as last featured."""
        issue = self.content(page.last)
        return next(t for t in issue.tools if normalize_url(t.url) == page.key)

    def tool_pages(self, entry: ArchivedIssue) -> dict[str, str]:
        """The page of each tool an issue features, by the address it gives."""
        tools = self.facts[entry.key.stem]["tools"]
        return {tool["url"]: self.tools[tool["key"]].page for tool in tools}

    def inputs(self) -> dict[str, str]:
        """Every page of the site (but the calendar, made each time) with the digest
        of what it is made from."""
        pages = {}
        for entry in self.entries:
            facts = self.facts[entry.key.stem]
            links = sorted(self.tool_pages(entry).items())
            pages[f"issues/{entry.key.stem}.html"] = digest("issue", facts["digest"], links)
        for tool in self.tools.values():
            shown = [(e.key.stem, e.number) for e in tool.featured]  # the stem has the date
            pages[f"tools/{tool.page}.html"] = digest(
                "tool", tool.facts["content"], shown, self.decision(tool)
            )
        listed = [(e.key.stem, e.number, e.date, e.subject) for e in self.entries]
        pages["index.html"] = digest("index", listed)
        if self.shows("tools"):  # left out, the site has no tools page to link
            tools = self.tools.values()
            pages["tools.html"] = digest(
                "tools", sorted(t.page for t in tools), [t.facts["content"] for t in tools]
            )
        if len(self.register):
            pages["approved.html"] = digest("approved", self.approved())
        newest = [
            (e.key.stem, e.sent_at, self.facts[e.key.stem]["preheader"], e.subject)
            for e in self.entries[::-1][:50]
        ]
        pages["feed.xml"] = digest("feed", newest)
        return {name: digest(self.signature, value) for name, value in pages.items()}

    def searched(self) -> dict[str, str]:
        """The pages the search indexes, each with a digest of what it shows there:
        a tool page whose 'Featured in' list grew shows the same (that list is not
        indexed), so its bundle is not indexed again."""
        pages = {
            f"issues/{e.key.stem}.html": self.facts[e.key.stem]["digest"] for e in self.entries
        }
        for tool in self.tools.values():
            pages[f"tools/{tool.page}.html"] = tool.facts["content"]
        return {name: digest(self.signature, value) for name, value in pages.items()}

    def begin(self, out: Path, todo: set[str], dirty: set[str]) -> None:
        """Say, before anything is written, which pages and bundles this run makes:
        if it is stopped halfway, the next run makes them again (a small file, not
        the whole manifest again)."""
        pending = {"pages": sorted(todo), "bundles": sorted(dirty)}
        write_bytes_atomically(out / PENDING, json.dumps(pending).encode())

    def save(self, out: Path, inputs: dict[str, str], search: dict[str, Any]) -> None:
        manifest = {
            "version": _VERSION,
            "signature": self.signature,
            "issues": self.facts,
            "tools": {key: tool.page for key, tool in self.tools.items()},
            "pages": inputs,
            "search": search,
        }
        text = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"), check_circular=False)
        # Not forced to disk: like the pages, it can be made again from the archive.
        write_bytes_atomically(out / MANIFEST, text.encode("utf-8"))
        (out / PENDING).unlink(missing_ok=True)  # all done


def plan_site(
    settings: Settings,
    entries: list[ArchivedIssue],
    digests: dict[Path, str],
    out: Path,
    templates: list[Path],
    register: Register | None = None,
    today: dt.date = dt.date.min,
) -> SitePlan:
    """The plan for `entries` (the issues someone got): an issue's facts come from
    the manifest when its file is unchanged, else from the file."""
    register = register or Register()
    # Every page links to the approved tools when the register has entries.
    sign = digest(signature(settings, templates), len(register) > 0)
    old = _manifest(out, sign)
    made, search = dict(old.get("pages", {})), dict(old.get("search", {}))
    pending = _pending(out)  # a run stopped halfway: what it was making is made again
    for page in pending.get("pages", []):
        made.pop(page, None)
    search["dirty"] = [*search.get("dirty", []), *pending.get("bundles", [])]
    plan = SitePlan(settings, entries, {}, {}, sign, made, search, register=register, today=today)
    known = old.get("issues", {})
    for entry in entries:
        stem, file_digest = entry.key.stem, digests.get(entry.path, "")
        facts = known.get(stem)
        if not _usable(facts) or facts.get("digest") != file_digest or not file_digest:
            facts = issue_facts(plan.content(entry), file_digest)
        plan.facts[stem] = facts
    pages = old.get("tools", {})
    for entry in entries:
        for tool in plan.facts[entry.key.stem]["tools"]:
            key = tool["key"]
            if key not in plan.tools:  # named by the name it was first featured under
                name = pages.get(key) or _page_name(tool["name"], key)
                plan.tools[key] = ToolPage(key, name)
            plan.tools[key].featured.append(entry)
            plan.tools[key].facts = tool
    return plan


_TOOL_FACTS = {"key", "url", "name", "line", "content"}
_PAGE = re.compile(r"[a-z0-9]*-[0-9a-f]{6}")


def _usable(facts: Any) -> bool:
    """Facts from the manifest in the shape this version writes them."""
    if not isinstance(facts, dict) or not {"subject", "preheader"} <= facts.keys():
        return False
    tools = facts.get("tools")
    return isinstance(tools, list) and all(
        isinstance(tool, dict) and tool.keys() >= _TOOL_FACTS for tool in tools
    )


def _page_name(name: str, key: str) -> str:
    return f"{squash(name)[:40]}-{hashlib.sha256(key.encode()).hexdigest()[:6]}"


def _pending(out: Path) -> dict[str, list[str]]:
    try:
        pending = json.loads((out / PENDING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(pending, dict):
        return {"pages": [], "bundles": []}
    return {
        part: [str(item) for item in pending.get(part) or [] if isinstance(item, str)]
        for part in ("pages", "bundles")
    }


def _manifest(out: Path, sign: str) -> dict[str, Any]:
    """The last build's manifest, or nothing when it is missing, damaged, or made
    with other templates, settings or version (then every page is made again)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("signature") != sign:
        return {}
    parts = ("issues", "tools", "pages", "search")
    if not all(isinstance(manifest.get(part), dict) for part in parts):
        return {}  # damaged: made again, as if it were missing
    pages = manifest["tools"].values()
    if not all(isinstance(page, str) and _PAGE.fullmatch(page) for page in pages):
        return {}  # a page name that is no page name (and never a path)
    return manifest
