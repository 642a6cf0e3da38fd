"""Composing the email: prepared once for everyone (text and HTML, encoded once) and, for each
recipient, the headers that make it theirs."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from newsletter import clock
from newsletter.calendar import calendar_file, issue_calendar
from newsletter.email.render import RenderedEmail
from newsletter.errors import InputError
from newsletter.model import Issue, IssueKey
from newsletter.workspace.settings import Settings
from newsletter.workspace.staff import Recipient, is_address


@dataclass(frozen=True)
class PreparedEmail:
    """One issue's email, MIME-encoded once; only the headers differ per recipient."""

    key: IssueKey  # names the issue in each Message-ID
    subject: str
    sender: str  # the From header
    envelope_sender: str  # the bare address, for MAIL FROM
    reply_to: str
    list_id: str
    unsubscribe: str
    body: bytes  # MIME-Version, Content-Type and the multipart/alternative body
    common_headers: bytes = b""  # From, Reply-To, Subject, List-*: encoded once


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def prepare_email(
    issue: Issue,
    email: RenderedEmail,
    settings: Settings,
    test: bool = False,
    key: IssueKey | None = None,
) -> PreparedEmail:
    name, address = parseaddr(settings.sender)
    if not is_address(address):
        raise InputError(
            "newsletter.yaml: 'from' is missing or not an email address, so nothing can be sent.",
            hint='Add a line like: from: "Tech Tidbits <techtidbits@your-district.org>"',
        )
    body = EmailMessage(policy=policy.SMTP)
    # Text first, then HTML: clients show the last part they can display.
    body.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    body.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if issue.events:  # one file for all of them: one click adds them to a calendar
        zone = issue.masthead.time_zone
        events = issue_calendar(issue.events, issue.series, zone)
        calendar = calendar_file(events, zone, _domain(address), clock.now(), (name, address))
        body.add_attachment(calendar, maintype="text", subtype="calendar", filename="events.ics")
        for part in body.iter_attachments():
            part.set_param("charset", "utf-8")
            part.set_param("method", "PUBLISH")  # to add to a calendar, not to reply to
            part.set_param("name", "events.ics")  # the name older clients look for
    slug = re.sub(r"[^a-z0-9]+", "-", settings.title.lower()).strip("-") or "newsletter"
    prepared = PreparedEmail(
        key=key or IssueKey(issue.date),
        subject=("[TEST] " if test else "") + email.subject,
        sender=formataddr((name, address)),
        envelope_sender=address,
        reply_to=settings.reply_to,
        list_id=f'"{settings.title}" <{slug}.{_domain(address)}>',
        unsubscribe=settings.send.unsubscribe,
        body=body.as_bytes(),
    )
    return replace(prepared, common_headers=_common_headers(prepared))


def _common_headers(prepared: PreparedEmail) -> bytes:
    """The headers every recipient's copy shares, folded and encoded by the email
    package once; only To, Date and Message-ID are written per recipient."""
    headers = EmailMessage(policy=policy.SMTP)
    # Address objects, not text: a value with a line break raises instead of becoming
    # a header of its own (the settings refuse such values before they get here).
    headers["From"] = _address(prepared.sender)
    if prepared.reply_to:
        headers["Reply-To"] = _address(prepared.reply_to)
    headers["Subject"] = prepared.subject
    headers["List-Id"] = prepared.list_id
    if prepared.unsubscribe:
        headers["List-Unsubscribe"] = f"<{prepared.unsubscribe}>"
        if prepared.unsubscribe.startswith("https://"):  # RFC 8058: one click, no page
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # A newsletter to many: out-of-office and other automatic replies stay away
    # (Precedence for most mail servers, X-Auto-Response-Suppress for Exchange).
    headers["Precedence"] = "bulk"
    headers["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    return headers.as_bytes()[: -len(b"\r\n")]  # as_bytes ends the headers with a blank line


def _address(mailbox: str) -> Address:
    name, address = parseaddr(mailbox)
    return Address(display_name=name, addr_spec=address)


def message_for(prepared: PreparedEmail, recipient: Recipient, now: dt.datetime) -> bytes:
    """The whole message for one recipient: their headers, then the shared body."""
    # One Message-ID per issue and person: a server that sees a copy twice can tell.
    digest = hashlib.sha256(recipient.email.lower().encode()).hexdigest()[:16]
    test = ".test" if prepared.subject.startswith("[TEST] ") else ""
    message_id = (
        f"<{prepared.key.stem}.{digest}{test}.newsletter@{_domain(prepared.envelope_sender)}>"
    )
    own = f"Date: {format_datetime(now)}\r\nMessage-ID: {message_id}\r\n"
    return prepared.common_headers + _to_header(recipient) + own.encode("ascii") + prepared.body


def _to_header(recipient: Recipient) -> bytes:
    """The To header: a name outside ASCII is encoded (RFC 2047); an address outside
    ASCII is written as UTF-8, which only a server offering SMTPUTF8 is given."""
    utf8 = not recipient.email.isascii()
    header = EmailMessage(policy=policy.SMTPUTF8 if utf8 else policy.SMTP)
    username, _, domain = recipient.email.rpartition("@")
    header["To"] = Address(display_name=recipient.name, username=username, domain=domain)
    return header.as_bytes()[: -len(b"\r\n")]
