"""What a mail server's refusal means, and for whom.

Only a refusal of one address at RCPT TO (no such mailbox, a bad address) belongs
to that address: it is refused for good and the rest go on. A refusal at MAIL
FROM or DATA is a refusal of the sender or the message (a content filter, a
sending quota), so it would meet every recipient the same way: the run stops and
nobody is marked as refused. Temporary replies (4xx) are retried.
"""

from __future__ import annotations

import re

MAIL_FROM = "MAIL FROM"
RCPT_TO = "RCPT TO"
DATA = "DATA"
END_OF_DATA = "the end of DATA"

# RFC 3463 enhanced status codes: class.subject.detail, e.g. 5.1.1.
_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})\b")


def reply_text(code: int, message: bytes | str) -> str:
    """'550 5.1.1 No such user', on one line, whatever the server sent."""
    text = message.decode("utf-8", errors="replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}".strip()


def enhanced_code(reply: str) -> tuple[int, int, int] | None:
    """The enhanced status code of a reply ('550 5.1.1 ...' -> (5, 1, 1)), if it has one."""
    _, _, rest = reply.partition(" ")
    match = _ENHANCED.match(rest)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def refuses_the_address(stage: str, code: int, reply: str) -> bool:
    """A permanent refusal that is about this one recipient's address."""
    if stage != RCPT_TO or not 500 <= code < 600:
        return False
    enhanced = enhanced_code(reply)
    if enhanced is None:
        # No enhanced code: 550 mailbox unavailable, 551 not local, 552 mailbox full,
        # 553 mailbox name not allowed.
        return code in (550, 551, 552, 553)
    _, subject, detail = enhanced
    # X.1.x is the address; 5.2.1 and 5.2.2 are this mailbox disabled or full.
    return subject == 1 or (subject == 2 and detail in (1, 2))


_QUOTA = re.compile(
    r"\bquota|submissionquota|\brate[ -]?limit|\bsending limit|\btoo many (messages|mails)"
    r"|\blimit (exceeded|reached)|\bexceeded (the |your )?(daily |sending |message )*limit",
    re.IGNORECASE,
)
_SENDER = re.compile(r"\bsend(ing)? ?as\b|\bsender\b|\bnot (allowed|permitted) to send", re.I)
_AUTH = re.compile(
    r"\bauthentication (is )?required|\bmust (authenticate|log ?in)|\bnot authenticated"
    r"|\blog ?in first",
    re.IGNORECASE,
)
_RELAY = re.compile(r"\brelay", re.IGNORECASE)
_SIZE = re.compile(r"\b(message (is )?)?too (large|big)|\bmessage size|\bsize limit", re.I)
_FILTER = re.compile(
    r"\bspam\b|\bcontent\b|\bpolicy\b|\bvirus|\bmalware|\bphish|\brejected\b|\bblocked\b",
    re.IGNORECASE,
)


def likely_cause(stage: str, reply: str, sender: str) -> str:
    """What a refusal of every message most likely means, and what to do about it."""
    enhanced = enhanced_code(reply)
    subject_detail = enhanced[1:] if enhanced else None
    if _QUOTA.search(reply):
        return (
            "the server's sending limit (quota) is used up. Wait before sending again "
            "(Office 365's limit resets within 24 hours) and set send.rate_per_minute in "
            "newsletter.yaml (Office 365 allows 30)"
        )
    if stage == MAIL_FROM or _SENDER.search(reply) or subject_detail == (7, 60):
        return (
            f"the server does not let this account send as {sender}. Ask IT to allow it, "
            "or change 'from' in newsletter.yaml to an address the server accepts"
        )
    if _AUTH.search(reply) or subject_detail in ((7, 0), (7, 57)) or reply.startswith("530"):
        return "the server wants a login: set smtp.user and a password (see the README)"
    if _RELAY.search(reply):
        return (
            "the server will not relay mail for this machine or login. Ask IT to allow "
            "relaying from it, or check smtp.host and smtp.user"
        )
    if _SIZE.search(reply) or subject_detail == (3, 4):
        return (
            "the message is too large for the server: feature fewer posts "
            "(feeds.max_items) or tools"
        )
    if stage in (DATA, END_OF_DATA) and (
        _FILTER.search(reply) or (subject_detail is not None and subject_detail[0] == 7)
    ):
        return (
            "a content filter refused the message. Ask IT why (a link or a word in this "
            "issue may be flagged), change the issue if needed, and send again"
        )
    return "the server refuses it this way; ask IT what its reply means"
