"""The public web archive: `newsletter site` writes a static site from the archive.

An index of the issues someone got (never a draft), a page per issue, a page per
tool with the issues that featured it, a catalog page with filters, an Atom feed
and the calendar of upcoming events, searchable with Pagefind when it is installed.
Nothing from staff.csv, no staff address and no teacher's name goes on it: a
request shows as "a teacher asked". Only files whose content changed are written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from newsletter.archive import ArchivedIssue
from newsletter.calendar import upcoming_calendar
from newsletter.catalog import open_catalog
from newsletter.files import write_atomically
from newsletter.model import Issue, Tool
from newsletter.render import long_date, render_template, template_environment
from newsletter.settings import Settings
from newsletter.similar import squash
from newsletter.urls import normalize_url
from newsletter.validate import GRADE_ORDER, grade_mask, grades_in
from newsletter.workspace import Workspace


@dataclass
class SiteResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    issues: int = 0
    tools: int = 0
    searchable: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class ToolPage:
    tool: Tool  # as last featured
    page: str  # its file name in tools/, without .html
    featured: list[ArchivedIssue] = field(default_factory=list)

    @property
    def line(self) -> dict[str, Any]:
        tool = self.tool
        return {
            "name": tool.name,
            "page": self.page,
            "grades": ", ".join(tool.grades),
            "subjects": ", ".join(tool.subjects),
            "cost": tool.cost,
            "grade_list": grades_in(grade_mask(tool.grades)),
            "subject_list": tool.subjects,
        }


def build_site(workspace: Workspace, settings: Settings, out: Path, now: dt.datetime) -> SiteResult:
    """Write the site into `out`, only the files that changed; then index it."""
    result = SiteResult()
    with open_catalog(workspace) as catalog:
        archive = catalog.archive()
    result.warnings += [archive.unreadable_line()] if archive.unreadable else []
    published = sorted((e for e in archive.entries if e.published), key=lambda e: e.key)
    issues = [(entry, _public(entry.issue, settings)) for entry in published]
    tools = _tool_pages(issues)
    env = template_environment(workspace.templates_dir)
    pages = _pages(env, settings, issues, tools)
    pages["feed.xml"] = atom_feed(settings, issues[::-1], now)
    pages["events.ics"] = upcoming_calendar(workspace, settings, now, [])[0].decode("utf-8")
    for name, text in pages.items():
        if _write_if_changed(out / name, text):
            result.written.append(out / name)
        else:
            result.unchanged += 1
    _remove_stale(out, set(pages))
    result.issues, result.tools = len(issues), len(tools)
    changed = bool(result.written) or not (out / "pagefind").is_dir()
    result.searchable = _index(out, result) if changed else True
    return result


def _public(issue: Issue, settings: Settings) -> Issue:
    """The issue as the public may see it: no section the site leaves out."""
    import dataclasses

    left_out = set(settings.site.exclude_sections)
    return dataclasses.replace(issue, sections=[s for s in issue.sections if s not in left_out])


def _tool_pages(issues: list[tuple[ArchivedIssue, Issue]]) -> dict[str, ToolPage]:
    """A page per tool (by its address), as last featured, with every issue."""
    pages: dict[str, ToolPage] = {}
    for entry, issue in issues:
        if "tools" not in issue.sections:
            continue
        for tool in issue.tools:
            key = normalize_url(tool.url)
            digest = hashlib.sha256(key.encode()).hexdigest()[:6]
            page = pages.setdefault(key, ToolPage(tool, f"{squash(tool.name)[:40]}-{digest}"))
            page.tool = tool
            page.featured.append(entry)
    return pages


def _pages(
    env: Any,
    settings: Settings,
    issues: list[tuple[ArchivedIssue, Issue]],
    tools: dict[str, ToolPage],
) -> dict[str, str]:
    common = {
        "site_title": settings.title,
        "tagline": settings.tagline,
        "long_date": long_date,
        "search": True,
    }
    tool_pages = {t.tool.url: t.page for t in tools.values()}
    for _, issue in issues:  # an earlier address of a tool finds its page too
        for tool in issue.tools:
            tool_pages.setdefault(tool.url, tools[normalize_url(tool.url)].page)
    pages = {
        "index.html": render_template(
            env, "site/index.html.j2", **common, root="", indexed=False, page_title="Issues",
            issues=[entry for entry, _ in issues[::-1]],
        ),
    }  # fmt: skip
    for entry, issue in issues:
        pages[f"issues/{entry.key.stem}.html"] = render_template(
            env, "site/issue.html.j2", **common, root="../", indexed=True,
            page_title=issue.subject, issue=issue, sections=issue.sections,
            tool_pages=tool_pages,
        )  # fmt: skip
    for page in tools.values():
        pages[f"tools/{page.page}.html"] = render_template(
            env, "site/tool.html.j2", **common, root="../", indexed=True,
            page_title=page.tool.name, tool=page.tool, featured=page.featured[::-1],
        )  # fmt: skip
    lines = sorted((t.line for t in tools.values()), key=lambda line: line["name"].casefold())
    pages["tools.html"] = render_template(
        env, "site/tools.html.j2", **common, root="", indexed=False, page_title="Tools",
        tools=lines,
        grade_choices=[g for g in GRADE_ORDER if any(g in line["grade_list"] for line in lines)],
        subject_choices=sorted({s for line in lines for s in line["subject_list"]}),
        cost_choices=sorted({line["cost"] for line in lines if line["cost"]}),
    )  # fmt: skip
    return pages


def atom_feed(
    settings: Settings, newest_first: list[tuple[ArchivedIssue, Issue]], now: dt.datetime
) -> str:
    """An Atom feed of the issues: absolute links when site.base_url is set."""
    base = settings.site.base_url.rstrip("/") + "/" if settings.site.base_url else ""
    updated = max((e.sent_at or now for e, _ in newest_first), default=now)
    feed_id = base + "feed.xml" if base else f"tag:newsletter,2026:{squash(settings.title)}"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(settings.title)}</title>",
        f"<id>{escape(feed_id)}</id>",
        f"<updated>{updated.astimezone(dt.UTC).isoformat()}</updated>",
        f'<link rel="alternate" href={quoteattr(base + "index.html")}/>',
        f"<author><name>{escape(settings.organization or settings.title)}</name></author>",
    ]
    for entry, issue in newest_first[:50]:
        page = f"{base}issues/{entry.key.stem}.html"
        when = (entry.sent_at or dt.datetime.combine(entry.date, dt.time(), dt.UTC)).astimezone(
            dt.UTC
        )
        entry_id = page if base else f"tag:newsletter,{entry.date}:{entry.key.stem}"
        lines += [
            "<entry>",
            f"<title>{escape(issue.subject)}</title>",
            f"<id>{escape(entry_id)}</id>",
            f'<link rel="alternate" href={quoteattr(page)}/>',
            f"<updated>{when.isoformat()}</updated>",
            f"<summary>{escape(issue.preheader or issue.subject)}</summary>",
            "</entry>",
        ]
    return "\n".join([*lines, "</feed>", ""])


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        if _unstamped(path.read_bytes().decode("utf-8")) == _unstamped(text):
            return False
    except (OSError, UnicodeDecodeError):
        pass
    write_atomically(path, text)
    return True


def _unstamped(text: str) -> str:
    """A calendar's DTSTAMP (when the file was made) is no change of its events."""
    return re.sub(r"^DTSTAMP:.*$", "", text, flags=re.MULTILINE)


def _remove_stale(out: Path, pages: set[str]) -> None:
    """An issue or tool page this build does not make (a draft since, say) goes."""
    for folder in ("issues", "tools"):
        for path in (out / folder).glob("*.html"):
            if f"{folder}/{path.name}" not in pages:
                path.unlink()


def _index(out: Path, result: SiteResult) -> bool:
    """Pagefind's search index for the pages, when Pagefind is installed."""
    try:
        import pagefind  # noqa: F401 - only to know it is there
    except ImportError:
        result.warnings.append(
            "Pagefind is not installed, so the site has no search. Install it with: "
            "pip install 'pagefind[bin]'"
        )
        return False
    shutil.rmtree(out / "pagefind", ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        result.warnings.append(f"Pagefind could not index the site: {done.stderr.strip()[-300:]}")
        return False
    return True
