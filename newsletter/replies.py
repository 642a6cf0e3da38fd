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
        # No enhanced code: 550 mailbox unavailable, 551 not local, 553 bad name.
        return code in (550, 551, 553)
    _, subject, detail = enhanced
    # X.1.x is the address; 5.2.1 and 5.2.2 are this mailbox disabled or full.
    return subject == 1 or (subject == 2 and detail in (1, 2))


def likely_cause(stage: str, reply: str, sender: str) -> str:
    """What a refusal of every message most likely means, and what to do about it."""
    text = reply.lower()
    enhanced = enhanced_code(reply)
    subject_detail = enhanced[1:] if enhanced else None
    if any(word in text for word in ("quota", "limit", "rate", "too many", "exceeded")):
        return (
            "the server's sending limit (quota) is used up. Wait before sending again "
            "(Office 365's limit resets within 24 hours) and set send.rate_per_minute in "
            "newsletter.yaml (Office 365 allows 30)"
        )
    if stage == MAIL_FROM or "sender" in text or "send as" in text or "sendas" in text:
        return (
            f"the server does not let this account send as {sender}. Ask IT to allow it, "
            "or change 'from' in newsletter.yaml to an address the server accepts"
        )
    if "auth" in text or subject_detail in ((7, 0), (7, 57)):
        return "the server wants a login: set smtp.user and a password (see the README)"
    if "relay" in text:
        return (
            "the server will not relay mail for this machine or login. Ask IT to allow "
            "relaying from it, or check smtp.host and smtp.user"
        )
    if "size" in text or subject_detail == (3, 4) or reply.startswith("552"):
        return (
            "the message is too large for the server: feature fewer posts "
            "(feeds.max_items) or tools"
        )
    if stage in (DATA, END_OF_DATA):
        return (
            "a content filter refused the message. Ask IT why (a link or a word in this "
            "issue may be flagged), change the issue if needed, and send again"
        )
    return "the server refuses every recipient this way; ask IT what the reply means"
