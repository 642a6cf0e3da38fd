"""The public web archive: `newsletter site` writes a static site from the archive.

An index of the issues someone got (never a draft), a page per issue, a page per
tool with the issues that featured it, a catalog page with filters, an Atom feed
and the calendar of upcoming events, searchable with Pagefind when it is installed.
Nothing from staff.csv, no staff address and no teacher's name goes on it: a
request shows as "a teacher asked". A rebuild makes again only the pages whose
inputs changed (plan.py) and indexes only their search bundles (search.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from newsletter.approvals.register import load_register
from newsletter.calendar import calendar_domain, calendar_file
from newsletter.catalog.db import open_catalog
from newsletter.catalog.search import past_talks
from newsletter.errors import shown
from newsletter.feeds.opml import opml_text
from newsletter.feeds.sources import load_feed_sources
from newsletter.notes.events import upcoming_events
from newsletter.site.plan import SitePlan, digest, plan_site
from newsletter.site.search import bundle_paths, bundles_for, unindexed
from newsletter.site.search import index as index_bundles
from newsletter.text.names import squash
from newsletter.workspace.files import write_bytes_atomically
from newsletter.workspace.folder import Workspace
from newsletter.workspace.lock import waiting_lock
from newsletter.workspace.settings import Settings
from newsletter.workspace.subjects import ALL_SUBJECTS
from newsletter.workspace.validate import GRADE_ORDER


@dataclass
class SiteResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    issues: int = 0
    tools: int = 0
    searchable: bool = False
    warnings: list[str] = field(default_factory=list)


SITE_WAIT = 600  # seconds a second run for one folder waits for the first


def build_site(workspace: Workspace, settings: Settings, out: Path, now: dt.datetime) -> SiteResult:
    """Write the site into `out`: only the pages whose inputs changed since the last
    build are made again, and only the search bundles they are in are indexed. Two
    runs for one folder take turns."""
    lock = workspace.state_dir / f"site-{digest(str(out.resolve()))[:12]}.lock"
    busy = f"another 'newsletter site' is writing {shown(out)}; nothing was done."
    with waiting_lock(lock, busy, seconds=SITE_WAIT):
        return _build_site(workspace, settings, out, now)


def _build_site(
    workspace: Workspace, settings: Settings, out: Path, now: dt.datetime
) -> SiteResult:
    result = SiteResult()
    today = now.astimezone(settings.zone).date()
    with open_catalog(workspace) as catalog:
        archive = catalog.archive()
        digests = catalog.digests()
        talks = past_talks(catalog, today)
    result.warnings += [archive.unreadable_line()] if archive.unreadable else []
    if not settings.site.base_url:
        result.warnings.append(
            "newsletter.yaml has no site.base_url, so the feed's links are relative and most "
            "feed readers cannot follow them. Hint: set site.base_url to where the site is "
            "published (https://www.your-district.org/newsletter/)."
        )
    # Sent issues, and no copy under another name (2026-12-04-backup.md) of one.
    sent = [entry for entry in archive.entries if entry.published]
    published = [entry for entry in sent if entry.an_edition or not entry.key.edition]
    result.warnings += [
        f"{shown(entry.path)} is named like an edition it was not built as (a copy?); it is "
        "left off the site."
        for entry in sent
        if entry.key.edition and not entry.an_edition
    ]
    plan = plan_site(settings, sorted(published, key=lambda e: e.key), digests, out,
                     _template_files(workspace), load_register(workspace), today)  # fmt: skip
    search, dirty = bundles_for(plan.searched(), plan.search)
    dirty |= unindexed(out, search)
    inputs = plan.inputs()
    inputs["index.html"] = digest(inputs["index.html"], bundle_paths(search))
    events = upcoming_events(workspace, settings, now, []) if plan.shows("events") else None
    if events is not None:
        inputs["events.ics"] = digest(settings.time_zone, calendar_domain(settings), events)
    blogs = [s for s in load_feed_sources(workspace.feeds_file) if not s.paused]
    if blogs:  # the district's list of blogs, for a reader's feed reader
        listed = [(b.name, b.url, b.section) for b in blogs]
        inputs["blogs.opml"] = digest(plan.signature, listed)
        inputs["index.html"] = digest(inputs["index.html"], "blogs.opml")
    if talks and plan.shows("events"):  # past Tech Talks: topics and materials, never who came
        inputs["talks.html"] = digest(plan.signature, [vars(t) for t in talks])
        inputs["index.html"] = digest(inputs["index.html"], "talks.html")
    else:
        talks = []
    todo = {name for name, made in inputs.items() if plan.made.get(name) != made}
    todo |= set(inputs) - _files_in(out)
    # Recorded before anything is written: a run stopped halfway leaves a record that
    # says these pages and bundles are still to be made, not that they are done.
    if todo or dirty:
        plan.begin(out, todo, dirty)
    pages = _pages(workspace, plan, todo, bundle_paths(search), bool(blogs), talks)
    if "blogs.opml" in todo:
        pages["blogs.opml"] = opml_text(blogs, f"{settings.title}: the blogs we read", now)
    if "feed.xml" in todo:
        pages["feed.xml"] = atom_feed(settings, plan, now)
    if "events.ics" in todo and events is not None:
        ics = calendar_file(events, settings.time_zone, calendar_domain(settings), now)
        pages["events.ics"] = ics.decode("utf-8")
    for name, text in pages.items():
        if _write_if_changed(out / name, text):
            result.written.append(out / name)
    result.unchanged = len(inputs) - len(result.written)
    _remove_stale(out, set(inputs))
    result.issues, result.tools = len(published), len(plan.tools)
    result.warnings += index_bundles(out, search, dirty)
    result.searchable = not search.get("dirty")
    if todo or dirty or plan.contents:
        plan.save(out, inputs, search)  # last: only now is it all done
    return result


def _files_in(out: Path) -> set[str]:
    """The site's pages that exist, as 'issues/x.html': one listing, not a look per page."""
    found: set[str] = set()
    for folder in ("", "issues/", "tools/"):
        try:
            with os.scandir(out / folder) as entries:
                found.update(folder + e.name for e in entries if e.is_file(follow_symlinks=False))
        except OSError:
            pass
    return found


def _template_files(workspace: Workspace) -> list[Path]:
    """The site's templates, built in and the workspace's: a change to one makes
    every page again."""
    from newsletter.email.render import BUILTIN_TEMPLATES

    files = sorted(BUILTIN_TEMPLATES.rglob("*.j2"))
    if workspace.templates_dir.is_dir():
        files += sorted(workspace.templates_dir.rglob("*.j2"))
    return files


def _pages(
    workspace: Workspace,
    plan: SitePlan,
    todo: set[str],
    bundles: list[str],
    blogs: bool,
    talks: list[Any],
) -> dict[str, str]:
    """The pages of `todo`, rendered."""
    if not todo - {"feed.xml", "events.ics"}:
        return {}
    from newsletter.email.render import SECTION_TITLES, render_template, template_environment
    from newsletter.workspace.colors import BOXES, palette

    env = template_environment(workspace.templates_dir)
    settings = plan.settings
    common = {
        "site_title": settings.title,
        "tagline": settings.tagline,
        "index_date": index_date,
        "language": settings.language,  # lang, and the dates' language (long_date)
        "section_titles": {**SECTION_TITLES, **settings.section_titles},
        "bundles": bundles,
        # A section left off the site has no page, nor a link to one on every page.
        "links_tools": plan.shows("tools"),
        "links_calendar": plan.shows("events"),
        "links_approved": len(plan.register) > 0,
        # The email's look: its colours, checked for contrast, and its logo.
        "palette": palette(settings.colors),
        "boxes": BOXES,
        "logo": {"url": settings.logo_url, "alt": settings.logo_alt, "width": settings.logo_width},
    }
    pages = {}
    if "index.html" in todo:
        pages["index.html"] = render_template(
            env, "site/index.html.j2", **common, root="", indexed=False, page_title="Issues",
            issues=plan.entries[::-1], search_box=True, blogs=blogs, talks=bool(talks),
        )  # fmt: skip
    for entry in plan.entries:
        name = f"issues/{entry.key.stem}.html"
        if name in todo:
            issue = plan.content(entry)
            pages[name] = render_template(
                env, "site/issue.html.j2", **common, root="../", indexed=True,
                page_title=issue.subject, issue=issue, sections=issue.sections,
                tool_pages=plan.tool_pages(entry),
            )  # fmt: skip
    for page in plan.tools.values():
        name = f"tools/{page.page}.html"
        if name in todo:
            tool = plan.tool(page)
            pages[name] = render_template(
                env, "site/tool.html.j2", **common, root="../", indexed=True,
                page_title=tool.name, tool=tool, featured=page.featured[::-1],
                decision=plan.decision(page),
            )  # fmt: skip
    if "talks.html" in todo:
        pages["talks.html"] = render_template(
            env, "site/talks.html.j2", **common, root="", indexed=True,
            page_title="Past Tech Talks", talks=talks,
        )  # fmt: skip
    if "tools.html" in todo:
        lines = sorted(
            (t.line for t in plan.tools.values()), key=lambda line: line["name"].casefold()
        )
        grades = [g for g in GRADE_ORDER if any(g in line["grade_list"] for line in lines)]
        pages["tools.html"] = render_template(
            env, "site/tools.html.j2", **common, root="", indexed=False, page_title="Tools",
            tools=lines,
            grade_choices=grades, all_subjects=ALL_SUBJECTS,
            # A tool for every subject shows under each one; it is no choice of its own.
            subject_choices=sorted({s for line in lines for s in line["subject_list"]}
                                   - {ALL_SUBJECTS}),
            cost_choices=sorted({line["cost"] for line in lines if line["cost"]}),
        )  # fmt: skip
    if "approved.html" in todo:
        pages["approved.html"] = render_template(
            env, "site/approved.html.j2", **common, root="", indexed=False,
            page_title="Approved tools", approved=plan.approved(),
        )  # fmt: skip
    return pages


def atom_feed(settings: Settings, plan: SitePlan, now: dt.datetime) -> str:
    """An Atom feed of the issues: absolute links when site.base_url is set."""
    base = settings.site.base_url.rstrip("/") + "/" if settings.site.base_url else ""
    newest_first = plan.entries[::-1]
    updated = max((e.sent_at or now for e in newest_first), default=now)
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
    for entry in newest_first[:50]:
        facts = plan.facts[entry.key.stem]
        page = f"{base}issues/{entry.key.stem}.html"
        when = (entry.sent_at or dt.datetime.combine(entry.date, dt.time(), dt.UTC)).astimezone(
            dt.UTC
        )
        entry_id = page if base else f"tag:newsletter,{entry.date}:{entry.key.stem}"
        lines += [
            "<entry>",
            f"<title>{escape(facts['subject'])}</title>",
            f"<id>{escape(entry_id)}</id>",
            f'<link rel="alternate" href={quoteattr(page)}/>',
            f"<updated>{when.isoformat()}</updated>",
            f"<summary>{escape(facts['preheader'] or facts['subject'])}</summary>",
            "</entry>",
        ]
    return "\n".join([*lines, "</feed>", ""])


def quoteattr(text: str) -> str:
    return '"' + escape(text) + '"'


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    try:
        if _unstamped(path.read_bytes().decode("utf-8")) == _unstamped(text):
            return False
    except FileNotFoundError:  # a new page: written in place, as nobody can be reading it;
        path.parent.mkdir(parents=True, exist_ok=True)  # one cut short by a crash is made
        path.write_bytes(data)  # again next time, as the manifest is written last
        return True
    except (OSError, UnicodeDecodeError):
        pass
    # A page that may be served meanwhile is replaced whole. Not forced to disk: the
    # site is made from the archive, and can be made again.
    write_bytes_atomically(path, data)
    return True


def _unstamped(text: str) -> str:
    """A calendar's DTSTAMP (when the file was made) is no change of its events."""
    return re.sub(r"^DTSTAMP:.*$", "", text, flags=re.MULTILINE)


def index_date(entry: Any, language: str = "en") -> str:
    """The date a page gives after an issue's subject, unless the subject says it
    already (the default 'Tech Tidbits #12 - Dec 4, 2026' does)."""
    from newsletter.text.dates import date_label, long_date

    said = entry.subject.casefold()
    day = entry.date
    if date_label(day, language).casefold() in said or str(day) in said:
        return ""
    return long_date(day, language)


def _remove_stale(out: Path, pages: set[str]) -> None:
    """An issue or tool page this build does not make (a draft since, say) goes, and
    so do the tools page and the calendar of a section now left off the site."""
    for name in ("tools.html", "events.ics", "approved.html", "blogs.opml", "talks.html"):
        if name not in pages:
            (out / name).unlink(missing_ok=True)
    for folder in ("issues", "tools"):
        for path in (out / folder).glob("*.html"):
            if f"{folder}/{path.name}" not in pages:
                path.unlink()
