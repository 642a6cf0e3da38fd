"""Rendering an issue through Jinja: the HTML email (CSS inlined), its plain-text
twin, and the archive's markdown body.

Templates come from the workspace's templates/ first, then the built-in ones,
by file name. StrictUndefined makes a typo in a template fail loudly; HTML
templates autoescape, and only markdown the editor wrote is marked safe.
"""

from __future__ import annotations

import functools
import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import jinja2.sandbox

from newsletter.approvals.register import APPROVED
from newsletter.calendar import (
    event_blocks,
    google_link,
    google_series_link,
    outlook_link,
    series_when,
)
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.model import Event, Issue, web_page
from newsletter.text import dates
from newsletter.text.markdown import (  # noqa: F401 - used by the templates, and re-exported
    TEXT_WIDTH,
    linkify,
    markdown_escaped,
    markdown_to_html,
    markdown_to_text,
    markdown_url,
    wrap,
)
from newsletter.workspace.validate import grade_ranges

# Shipped inside the package; found through its resources wherever it is installed.
BUILTIN_TEMPLATES = Path(str(resources.files("newsletter") / "templates"))
HTML_TEMPLATE = "email.html.j2"
TEXT_TEMPLATE = "email.txt.j2"
ARCHIVE_TEMPLATE = "archive.md.j2"
SECTION_TEMPLATES = tuple(
    sorted(f"sections/{p.name}" for p in (BUILTIN_TEMPLATES / "sections").glob("*.j2"))
)  # one per section of the email, so that an editor can override just one
TEMPLATE_NAMES = (HTML_TEMPLATE, TEXT_TEMPLATE, ARCHIVE_TEMPLATE, *SECTION_TEMPLATES)

COST_LABELS = {"free": "Free", "freemium": "Free with paid upgrades", "paid": "Paid"}
SECTION_TITLES = {
    "intro": "From the editor",
    "tools": "Tools of the week",
    "events": "Upcoming Tech Talks and PD",
    "tip": "Tip of the week",
    "citizenship": "Digital citizenship",
    "links": "Worth a click",
    "feeds": "From the blogs",
}


@dataclass
class RenderedEmail:
    subject: str
    html: str
    text: str


def event_when(event: Event, zone_name: str, language: str = dates.ENGLISH) -> str:
    """'Thursday, Dec 3, 12:00 PM - 12:45 PM' in the workspace time zone."""
    zone = ZoneInfo(zone_name)
    start = event.start.astimezone(zone)
    text = f"{dates.day_and_date(start, language)}, {dates.clock(start, language)}"
    if event.end:
        end = event.end.astimezone(zone)
        text += (
            f" - {dates.clock(end, language)}"
            if end.date() == start.date()
            else f" - {dates.month_day(end, language)}, {dates.clock(end, language)}"
        )
    return text


def _language(context: Any) -> str:
    """The language the template is rendered in: the issue's, or the site's."""
    language = context.get("language")
    if not language and context.get("issue") is not None:
        language = getattr(context["issue"].masthead, "language", "")
    return str(language or dates.ENGLISH)


def _in_language(write: Callable[[Any, str], str]) -> Callable[..., str]:
    """A date filter that writes in the language of the template's context."""

    @jinja2.pass_context
    def in_language(context: Any, moment: Any) -> str:
        return write(moment, _language(context))

    return in_language


_long_date = _in_language(dates.long_date)
_short_day = _in_language(dates.short_day)  # 'Thu, Dec 3'
_month_day = _in_language(dates.month_day)  # 'Dec 3'
_weekday = _in_language(dates.weekday)  # 'Thursday'


@jinja2.pass_context
def _event_when(context: Any, event: Event, zone_name: str) -> str:
    return event_when(event, zone_name, _language(context))


@jinja2.pass_context
def _series_when(context: Any, block: Any, zone_name: str) -> str:
    return series_when(block, zone_name, _language(context))


def _autoescape(name: str | None) -> bool:
    """Escape in every template for HTML or XML (an Atom feed, a site page), by the
    file's extension before .j2."""
    stem = (name or "").removesuffix(".j2")
    return stem.endswith((".html", ".htm", ".xml"))


def template_environment(workspace_templates: Path | None) -> jinja2.Environment:
    """The templates of a workspace: one environment for a whole run, and a new one
    when the workspace's own templates change (one added, edited or removed)."""
    if not workspace_templates:
        return _environment("", ())
    files = workspace_templates.rglob("*.j2") if workspace_templates.is_dir() else []
    signature = tuple(sorted((str(f), f.stat().st_mtime_ns) for f in files))
    return _environment(str(workspace_templates), signature)


@functools.lru_cache(maxsize=8)
def _environment(workspace_templates: str, signature: tuple[Any, ...]) -> jinja2.Environment:
    """A sandboxed environment: a workspace template can use the issue's data and
    our filters, never Python's internals (cron runs builds unattended)."""
    # The workspace's folder is searched even before it exists: the environment
    # lives for the whole run, and 'templates --copy' may make the folder.
    search = [p for p in (workspace_templates, str(BUILTIN_TEMPLATES)) if p]
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        markdown=markdown_to_html,
        plain=markdown_to_text,
        wrap=wrap,
        long_date=_long_date,
        short_day=_short_day,  # 'Thu, Dec 3'
        month_day=_month_day,  # 'Dec 3'
        weekday=_weekday,
        md=markdown_escaped,
        md_url=markdown_url,
        linkify=linkify,
        grade_ranges=grade_ranges,
    )
    env.globals.update(
        cost_labels=COST_LABELS,
        approved_statuses=APPROVED,  # a tool the district approves (approvals.yaml)
        section_titles=SECTION_TITLES,
        event_when=_event_when,
        long_date=_long_date,
        google_calendar=google_link,
        outlook_calendar=outlook_link,
        event_blocks=event_blocks,  # a Tech Talk series once, with its dates
        series_when=_series_when,
        google_series=google_series_link,
        zone=ZoneInfo,
        web_page=web_page,
        text_direction=dates.text_direction,
    )
    return env


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render one template; any template mistake becomes one line with file:line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as err:
        raise _syntax_error(err, name) from None
    except jinja2.TemplateNotFound as err:
        raise NewsletterError(
            f"template '{err.name}' not found.",
            hint="Reinstall newsletter, or add the file to templates/.",
        ) from None
    except jinja2.UndefinedError as err:
        raise InputError(
            f"{_template_line(err, name)}: template error: {err.message}.",
            hint="Check the spelling of the name; 'newsletter show' prints what an issue holds.",
        ) from None
    except jinja2.sandbox.SecurityError as err:
        raise InputError(
            f"{_template_line(err, name)}: template error: not allowed in a template ({err}).",
            hint="Templates can use the issue's data and the filters the README lists.",
        ) from None
    except RecursionError as err:
        raise InputError(
            f"{_template_line(err, _template_file(env, name))}: template error: it calls "
            "or includes itself without end.",
            hint="Check the template's macros and includes.",
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            f"{_template_file(env, name)}: template error: the file is not UTF-8 text.",
            hint="Save the template as UTF-8 in your editor.",
        ) from None
    except Exception as err:  # noqa: BLE001 - {{ 1/0 }} and the like, in the editor's copy
        raise InputError(
            f"{_template_line(err, _template_file(env, name))}: template error: "
            f"{err.__class__.__name__}: {err}.",
            hint="Fix the template, or delete your copy to use the built-in one.",
        ) from None


def _template_file(env: jinja2.Environment, name: str) -> str:
    loader = env.loader
    for folder in getattr(loader, "searchpath", []):
        if (Path(folder) / name).is_file():
            return shown(Path(folder) / name)
    return name


def _syntax_error(err: jinja2.TemplateSyntaxError, name: str) -> InputError:
    where = f"{shown(Path(err.filename)) if err.filename else name}:{err.lineno}"
    return InputError(
        f"{where}: template error: {err.message}.",
        hint="Fix the template, or delete your copy to use the built-in one.",
    )


def template_syntax_problems(workspace_templates: Path | None) -> list[InputError]:
    """Compile every template (the workspace's or the built-in one); one error each."""
    env = template_environment(workspace_templates)
    problems = []
    for name in TEMPLATE_NAMES:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as err:
            problems.append(_syntax_error(err, name))
        except UnicodeDecodeError:
            problems.append(
                InputError(
                    f"{_template_file(env, name)}: template error: the file is not UTF-8 text.",
                    hint="Save the template as UTF-8 in your editor.",
                )
            )
    return problems


def _template_line(err: Exception, name: str) -> str:
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith((".j2", ".html", ".txt", ".md")):
            return f"{shown(Path(frame.filename))}:{frame.lineno}"
    return name


@functools.lru_cache(maxsize=1)
def _inliner() -> Any:
    """One premailer for every email: no network, cssutils' chatter kept out of the
    output, and rules that cannot be inlined (@media) left in the head."""
    from premailer import Premailer

    return Premailer(
        allow_network=False,
        disable_validation=True,
        cssutils_logging_level=logging.CRITICAL,
        cssutils_logging_handler=logging.NullHandler(),
        keep_style_tags=False,
        remove_classes=False,
        strip_important=False,
        disable_leftover_css=False,
        # premailer would copy background-color into a bgcolor attribute on every
        # element, <a> and <p> too, where it is not valid HTML; the templates give the
        # tables and cells theirs.
        disable_basic_attributes=["bgcolor"],
    )


def inline_css(html: str) -> str:
    return str(_inliner().transform(html, pretty_print=False))


def render_email(issue: Issue, workspace_templates: Path | None) -> RenderedEmail:
    from newsletter.workspace.colors import box_colors, palette

    env = template_environment(workspace_templates)
    colors = issue.masthead.colors
    titles = {**SECTION_TITLES, **issue.masthead.section_titles}  # newsletter.yaml's own
    html = render_template(
        env, HTML_TEMPLATE, issue=issue, palette=palette(colors), box_colours=box_colors(colors),
        section_titles=titles,
    )  # fmt: skip
    text = render_template(env, TEXT_TEMPLATE, issue=issue, section_titles=titles)
    for name, rendered in ((HTML_TEMPLATE, html), (TEXT_TEMPLATE, text)):
        if not rendered.strip():
            raise InputError(
                f"{_template_file(env, name)}: template error: it renders nothing.",
                hint="Fix the template, or delete your copy to use the built-in one.",
            )
    return RenderedEmail(subject=issue.subject, html=inline_css(html), text=_tidy_text(text))


def render_archive_body(issue: Issue, workspace_templates: Path | None) -> str:
    env = template_environment(workspace_templates)
    return _tidy_text(render_template(env, ARCHIVE_TEMPLATE, issue=issue))


def _tidy_text(text: str) -> str:
    """No trailing spaces, never more than one blank line in a row."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def template_sources(workspace_templates: Path) -> list[tuple[str, str]]:
    """Each template's name and where it comes from: the workspace, or built in."""
    return [
        (
            name,
            shown(workspace_templates / name)
            if (workspace_templates / name).is_file()
            else "built in",
        )
        for name in TEMPLATE_NAMES
    ]


def copy_builtin_template(name: str, workspace_templates: Path) -> Path:
    if name not in TEMPLATE_NAMES:
        raise InputError(
            f"'{name}' is not a template.", hint=f"Templates are: {', '.join(TEMPLATE_NAMES)}."
        )
    target = workspace_templates / name
    if target.exists():
        raise NewsletterError(
            f"{shown(target)} already exists; it is not overwritten.",
            hint="Delete it first to start again from the built-in one.",
        )
    from newsletter.workspace.files import write_atomically

    write_atomically(target, (BUILTIN_TEMPLATES / name).read_text(encoding="utf-8"))
    return target
