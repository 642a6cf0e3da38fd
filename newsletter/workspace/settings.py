"""The workspace's settings, read from newsletter.yaml and checked field by field."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsletter.errors import InputError, shown
from newsletter.workspace import validate
from newsletter.workspace.yamlfile import Fields, load_yaml, suggest

if TYPE_CHECKING:
    from newsletter.workspace.schoolyear import SchoolYear

SECTIONS = ("intro", "tools", "events", "tip", "citizenship", "links", "feeds")
SUBJECT_FIELDS = ("title", "number", "date")


# An edition (newsletter.yaml's `editions:`): its name becomes part of file names.
# The rules about what goes into which edition are in issue/editions.py.
NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
EDITION_FIELDS = ("grades", "group", "title")


@dataclass(frozen=True)
class Edition:
    name: str  # in file names and ISSUE references: issues/2026-12-04-elementary.md, 12:elementary
    grades: tuple[str, ...]  # as written, checked: ('K-2', '3-5')
    group: str  # the group of staff.csv that gets it
    title: str  # the newsletter's title in this edition's masthead and subject
    where: str = field(default="", compare=False)  # newsletter.yaml:LINE, for messages

    @property
    def mask(self) -> int:
        return validate.grade_mask(self.grades)


def read_editions(data: Any, path: Path, line: int, newsletter_title: str) -> list[Edition]:
    """newsletter.yaml's `editions:` map, each checked: a name fit for a file name,
    known grades, a group, and no two editions sending to one group."""
    top = Fields(data, path, "editions", line)
    editions: list[Edition] = []
    for name in top.data:
        text = str(name)
        if not NAME.fullmatch(text) or text.endswith("-") or len(text) > 40:
            raise InputError(
                f"{top.where(name)}: the edition name '{text[:60]}' can only have up to 40 "
                "lower-case letters, digits and dashes (it becomes part of file names).",
                hint="Write it like 'elementary' or 'middle-school'.",
            )
        what = f"edition '{text}'"
        fields = Fields(top.data[name], path, what, top.line_of(name))
        fields.only(EDITION_FIELDS)
        grades = fields.checked("grades", validate.grades, required=True) or []
        group = fields.text("group", required=True)
        title = fields.checked("title", validate.one_line) or (
            f"{newsletter_title}: {text.replace('-', ' ').title()}"
        )
        for other in editions:
            if other.group.lower() == group.lower():
                raise fields.fail(
                    "group",
                    f"the group '{group}' already gets the edition '{other.name}'; each "
                    "edition goes to its own group.",
                    hint="Give each edition a different group of staff.csv.",
                )
        editions.append(Edition(text, tuple(grades), group, title, fields.where("group")))
    if not editions:
        raise InputError(
            f"{top.where()}: 'editions' names no edition.",
            hint="Remove the field for one issue for everyone, or add an edition under it.",
        )
    return editions


@dataclass
class FeedSettings:
    window_days: int = 7
    max_items: int = 12
    summary_length: int = 280
    # How long to wait, in seconds: to connect; for each answer; for one feed in all;
    # for the whole collection.
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    feed_timeout: float = 20.0
    deadline: float = 30.0
    max_size_mb: float = 5.0  # per feed, after decompression
    per_host: int = 2  # requests at once to one host
    concurrency: int = 64  # requests at once in all


FEED_FIELDS = tuple(FeedSettings.__dataclass_fields__)

SECURITY_MODES = ("starttls", "ssl", "none")


@dataclass
class SmtpSettings:
    """The mail server. Never a password: that comes from NEWSLETTER_SMTP_PASSWORD
    or from password_command (a password manager), at send time."""

    host: str = ""
    port: int = 0  # 0: the usual port for the security mode
    security: str = "starttls"
    user: str = ""
    password_command: str = ""
    timeout: float = 30.0


@dataclass
class SendSettings:
    staff_list: str = "staff.csv"  # relative to the workspace
    list_address: str = ""  # one distribution list instead of the staff list
    unsubscribe: str = ""  # mailto: address or https: page, for List-Unsubscribe
    rate_per_minute: int = 0  # 0: no limit (Office 365 allows 30)
    retries: int = 5  # attempts for a message that meets a temporary failure
    retry_delay: float = 2.0  # seconds before the first retry; doubles each time


@dataclass
class RequestSettings:
    remind_after_days: int = 21  # `check` names a teacher's request open longer than this


POLICIES = ("warn", "refuse")


@dataclass
class ApprovalSettings:
    """approvals: how the register of vetted tools (approvals.yaml) is held to."""

    policy: str = "warn"  # refuse: build stops on a tool not approved for its readers' grades
    remind_days: int = 60  # check names agreements that expire within this many days


@dataclass
class SiteSettings:
    base_url: str = ""  # where the public site is published: the feed's links are absolute then
    exclude_sections: list[str] = field(default_factory=list)  # left off the public site


@dataclass
class Settings:
    title: str
    tagline: str = ""
    organization: str = ""
    editor_name: str = ""
    editor_email: str = ""
    editor_title: str = ""  # editor: {title}: on PD certificates
    sender: str = ""
    reply_to: str = ""
    issue_weekday: int = 4  # Friday
    time_zone: str = "UTC"
    subject: str = "{title} #{number} - {date}"
    sections: list[str] = field(default_factory=lambda: list(SECTIONS))
    events_days_ahead: int = 60
    footer: str = ""
    feeds: FeedSettings = field(default_factory=FeedSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    send: SendSettings = field(default_factory=SendSettings)
    requests: RequestSettings = field(default_factory=RequestSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    approvals: ApprovalSettings = field(default_factory=ApprovalSettings)
    school_year: SchoolYear | None = None  # none: every issue day has an issue
    editions: list[Edition] = field(default_factory=list)  # none: one issue for everyone
    logo_url: str = ""  # logo: {url, alt, width}: a hosted https image above the title
    logo_alt: str = ""
    logo_width: int = 0
    logo_height: int = 0
    logo_dark_url: str = ""  # logo: {dark_url}: the picture for dark mode
    colors: dict[str, str] = field(default_factory=dict)  # over colors.DEFAULT_COLORS
    language: str = "en"  # lang of the email and site, and how their dates are written
    section_titles: dict[str, str] = field(default_factory=dict)  # headings, in its words

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


TOP_FIELDS = (
    "title",
    "tagline",
    "organization",
    "editor",
    "from",
    "reply_to",
    "issue_day",
    "time_zone",
    "subject",
    "sections",
    "events_days_ahead",
    "footer",
    "feeds",
    "smtp",
    "send",
    "requests",
    "site",
    "approvals",
    "school_year",
    "editions",
    "logo",
    "colors",
    "language",
    "section_titles",
)


def load_settings(path: Path) -> Settings:
    data = load_yaml(path)
    top = Fields(data, path, "newsletter.yaml", line=1)
    top.only(TOP_FIELDS)
    settings = Settings(title=top.checked("title", validate.one_line, required=True) or "")
    settings.tagline = top.text("tagline")
    settings.organization = top.text("organization")
    # Addresses are checked here, when any command reads the settings, not on Friday.
    settings.sender = top.checked("from", validate.mailbox) or ""
    settings.reply_to = top.checked("reply_to", validate.mailbox) or ""
    settings.footer = top.text("footer")
    if data.get("editor") is not None:
        editor = Fields(data["editor"], path, "editor", line=data.line_of("editor"))
        editor.only(("name", "email", "title"))
        settings.editor_name = editor.text("name")
        settings.editor_email = editor.checked("email", validate.address) or ""
        settings.editor_title = editor.checked("title", validate.one_line) or ""
    weekday = top.checked("issue_day", validate.weekday)
    if weekday is not None:
        settings.issue_weekday = weekday
    settings.time_zone = top.text("time_zone", default="UTC")
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise top.fail(
            "time_zone",
            f"'{settings.time_zone}' is not a known time zone.",
            hint="Use a name like America/Chicago or Europe/London.",
        ) from None
    settings.subject = top.checked("subject", validate.one_line) or settings.subject
    _check_subject(settings.subject, top)
    sections = top.text_list("sections")
    if "sections" in data and not sections:
        raise top.fail(
            "sections",
            "no sections given, so the email would be empty.",
            hint=f"List some of: {', '.join(SECTIONS)}; or leave the field out for all.",
        )
    for index, name in enumerate(sections):
        if name not in SECTIONS:
            raise top.fail(
                "sections",
                f"'{name}' is not a section.",
                hint=f"Sections are: {', '.join(SECTIONS)}.",
            )
        if name in sections[:index]:
            raise top.fail("sections", f"'{name}' is listed twice.", hint="List each section once.")
    if sections:
        settings.sections = sections
    settings.events_days_ahead = top.number("events_days_ahead", 60, minimum=1, maximum=3660)
    if data.get("feeds") is not None:
        feeds = Fields(data["feeds"], path, "feeds", line=data.line_of("feeds"))
        feeds.only(FEED_FIELDS)
        default = FeedSettings()
        settings.feeds = FeedSettings(
            window_days=feeds.number("window_days", default.window_days, minimum=1),
            max_items=feeds.number("max_items", default.max_items, minimum=0),
            summary_length=feeds.number("summary_length", default.summary_length, minimum=40),
            connect_timeout=feeds.seconds("connect_timeout", default.connect_timeout),
            read_timeout=feeds.seconds("read_timeout", default.read_timeout),
            feed_timeout=feeds.seconds("feed_timeout", default.feed_timeout),
            deadline=feeds.seconds("deadline", default.deadline),
            max_size_mb=feeds.seconds("max_size_mb", default.max_size_mb),
            per_host=feeds.number("per_host", default.per_host, minimum=1),
            concurrency=feeds.number("concurrency", default.concurrency, minimum=1),
        )
    if data.get("smtp") is not None:
        settings.smtp = _smtp_settings(Fields(data["smtp"], path, "smtp", data.line_of("smtp")))
    if data.get("send") is not None:
        settings.send = _send_settings(Fields(data["send"], path, "send", data.line_of("send")))
    if data.get("requests") is not None:
        asks = Fields(data["requests"], path, "requests", data.line_of("requests"))
        asks.only(tuple(RequestSettings.__dataclass_fields__))
        settings.requests.remind_after_days = asks.number("remind_after_days", 21, minimum=1)
    if data.get("site") is not None:
        settings.site = _site_settings(Fields(data["site"], path, "site", data.line_of("site")))
    if data.get("approvals") is not None:
        rules = Fields(data["approvals"], path, "approvals", data.line_of("approvals"))
        rules.only(tuple(ApprovalSettings.__dataclass_fields__))
        policy = rules.text("policy", default="warn")
        if policy not in POLICIES:
            near = suggest(policy, POLICIES)
            raise rules.fail(
                "policy",
                f"'{policy}' is not warn or refuse.",
                hint=(f"Did you mean '{near}'? " if near else "")
                + "warn: build says which tools are not approved; refuse: it stops.",
            )
        settings.approvals = ApprovalSettings(policy, rules.number("remind_days", 60, 1, 3660))
    if data.get("school_year") is not None:
        from newsletter.workspace.schoolyear import read_school_year

        line = data.line_of("school_year")
        settings.school_year = read_school_year(Fields(data["school_year"], path, "school_year",
                                                       line))  # fmt: skip
    if data.get("logo") is not None:
        _logo(Fields(data["logo"], path, "logo", data.line_of("logo")), settings)
    if data.get("colors") is not None:
        settings.colors = _colors(Fields(data["colors"], path, "colors", data.line_of("colors")))
    from newsletter.text.dates import language_tag

    settings.language = top.checked("language", language_tag) or "en"
    if data.get("section_titles") is not None:
        titles = Fields(data["section_titles"], path, "section_titles",
                        data.line_of("section_titles"))  # fmt: skip
        titles.only(SECTIONS)
        settings.section_titles = {
            name: text for name in SECTIONS if (text := titles.checked(name, validate.one_line))
        }
    if "editions" in data:  # present but empty (every edition commented out) is a mistake
        line = data.line_of("editions")
        settings.editions = read_editions(data["editions"] or {}, path, line, settings.title)
    return settings


def _logo(f: Fields, settings: Settings) -> None:
    """logo: {url, alt, width}: hosted https only, with its alt text and a width that
    fits the column (the email is 600 px wide, 536 inside its margins)."""
    f.only(("url", "alt", "width", "height", "dark_url"))
    settings.logo_url = f.checked("url", validate.image_url, required=True) or ""
    settings.logo_alt = f.text("alt", required=True)
    settings.logo_width = f.number("width", 200, minimum=16, maximum=536)
    settings.logo_height = f.number("height", 0, minimum=0, maximum=2000)
    settings.logo_dark_url = f.checked("dark_url", validate.image_url) or ""


def _colors(f: Fields) -> dict[str, str]:
    from newsletter.workspace.colors import DEFAULT_COLORS, contrast_problems

    f.only(tuple(DEFAULT_COLORS))
    for name in DEFAULT_COLORS:
        if name in f.data and f.data[name] is None:  # accent: #7a1f1f reads as a comment
            raise f.fail(
                name,
                "has no value: in YAML, # starts a comment.",
                hint=f'Put the colour in quotes: {name}: "#16365c"',
            )
    colors = {name: f.checked(name, validate.color) for name in DEFAULT_COLORS if name in f.data}
    chosen = {name: value for name, value in colors.items() if value}
    for name, why in contrast_problems(chosen):
        raise f.fail(name, f"{why}.", hint="Choose a darker or lighter colour for it.")
    return chosen


def _site_settings(f: Fields) -> SiteSettings:
    f.only(tuple(SiteSettings.__dataclass_fields__))
    site = SiteSettings(
        base_url=f.checked("base_url", validate.url) or "",
        exclude_sections=f.text_list("exclude_sections"),
    )
    for name in site.exclude_sections:
        if name not in SECTIONS:
            raise f.fail(
                "exclude_sections",
                f"'{name}' is not a section.",
                hint=f"Sections are: {', '.join(SECTIONS)}.",
            )
    return site


def _smtp_settings(f: Fields) -> SmtpSettings:
    if "password" in f.data:
        raise InputError(
            f"{f.where('password')}: a password does not belong in newsletter.yaml.",
            hint="Remove it; set NEWSLETTER_SMTP_PASSWORD, or password_command to a "
            "command that prints it (a password manager's).",
        )
    f.only(tuple(SmtpSettings.__dataclass_fields__))
    smtp = SmtpSettings(
        host=f.checked("host", validate.host_name) or "",
        port=f.number("port", 0, minimum=0, maximum=65535),
        security=f.text("security", default="starttls").lower(),
        user=f.text("user"),
        password_command=f.text("password_command"),
        timeout=f.seconds("timeout", 30.0),
    )
    if smtp.security not in SECURITY_MODES:
        raise f.fail(
            "security",
            f"'{smtp.security}' is not a security mode.",
            hint=f"Use one of: {', '.join(SECURITY_MODES)}.",
        )
    return smtp


def _send_settings(f: Fields) -> SendSettings:
    f.only(tuple(SendSettings.__dataclass_fields__))
    send = SendSettings(
        staff_list=f.text("staff_list", default="staff.csv"),
        list_address=f.checked("list_address", validate.address) or "",
        unsubscribe=f.text("unsubscribe"),
        rate_per_minute=f.number("rate_per_minute", 0, minimum=0),
        retries=f.number("retries", 5, minimum=1),
        retry_delay=f.seconds("retry_delay", 2.0),
    )
    if send.unsubscribe and not send.unsubscribe.startswith(("mailto:", "https://", "http://")):
        raise f.fail(
            "unsubscribe",
            f"'{send.unsubscribe}' is neither a mailto: address nor a web page.",
            hint="Write it as mailto:list@example.org or https://...",
        )
    return send


def _check_subject(pattern: str, top: Fields) -> None:
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(pattern)
            if name is not None
        ]
    except ValueError as err:
        raise top.fail("subject", f"{err}.", hint="Write placeholders as {number}.") from None
    for name, spec, conversion in fields:
        if spec or conversion:  # {date:%b} would fail at build time; the date is ready-made
            raise top.fail(
                "subject",
                f"the placeholder '{{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}' has a format; placeholders take none.",
                hint="Write it as {" + name + "}; {date} reads like Nov 27, 2026.",
            )
        if name not in SUBJECT_FIELDS:
            raise top.fail(
                "subject",
                f"unknown placeholder '{{{name}}}'.",
                hint=f"Use {', '.join('{' + n + '}' for n in SUBJECT_FIELDS)}.",
            )


def subject_for(settings: Settings, number: int, date_text: str) -> str:
    return settings.subject.format(title=settings.title, number=number, date=date_text)


def require_settings(path: Path) -> Settings:
    if not path.is_file():
        raise InputError(f"{shown(path)}: missing.", hint="Create it with 'newsletter init'.")
    return load_settings(path)


def unknown_editions(note: Any, editions: Sequence[Edition]) -> list[str]:
    """The names in a note's `editions` field that newsletter.yaml has no edition for."""
    known = {edition.name for edition in editions}
    named = getattr(note, "editions", None) or []
    return [name for name in named if name.strip().lower() not in known]
