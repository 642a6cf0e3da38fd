"""Checks for the values an editor types, shared by the command-line options and
the YAML notes. Each raises ValueError with a message that says how to fix it;
the caller adds where the value came from (an option, or file:line and field).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

COSTS = ("free", "freemium", "paid")  # what a tool may cost, beside the other vocabularies
# Pre-K and transitional kindergarten come before K, as a district's grades do.
GRADE_ORDER = ["PK", "TK", "K"] + [str(n) for n in range(1, 13)]
ALL_GRADES = "PK-12"
GRADE_BANDS = ("K-2", "3-5", "6-8", "9-12")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def url(value: Any) -> str:
    text = one_line(value)
    try:
        parts = urlsplit(text)
    except ValueError:  # 'http://[::1': a bracket left open
        raise ValueError(f"'{text}' is not a web address; write it in full, like "
                         "https://padlet.com") from None  # fmt: skip
    labels = (parts.hostname or "").rstrip(".").split(".")
    if parts.scheme not in ("http", "https") or not all(labels) or " " in text:
        raise ValueError(
            f"'{text}' is not a web address; write it in full, like https://padlet.com"
        )
    try:
        parts.port  # noqa: B018 - raises for a port out of range or not a number
    except ValueError:
        raise ValueError(f"'{text}' has a port that is not a number from 1 to 65535") from None
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"'{parts.scheme}://{parts.hostname}...' carries a user name or password, which "
            "would be mailed to all staff; give the address without it"
        )
    return text


def _grade(token: str) -> str:
    """One grade as teachers write it: 'K', 'kindergarten', '3', '3rd', '10th', 'PK'."""
    typed = token.strip()
    token = re.sub(r"(?i)^(\d{1,2})(st|nd|rd|th)$", r"\1", typed).upper()
    token = {"KG": "K", "KINDER": "K", "KINDERGARTEN": "K", "PREK": "PK", "P": "PK"}.get(
        token, token
    )
    if token not in GRADE_ORDER:
        raise ValueError(
            f"'{typed}' is not a grade; use PK, TK, K, 1 to 12, or a band like 3-5 (e.g. K-2, "
            "6-8, 9-12)"
        )
    return token


# The words for Pre-K and TK that hold a dash or a space, made one token first.
_LONG_GRADES = [
    (re.compile(r"(?i)\bpre[- ]?(k|kindergarten|school)\b"), "PK"),
    (re.compile(r"(?i)\btransitional[- ]kindergarten\b"), "TK"),
]


def grades(value: Any) -> list[str]:
    """Grades as K, 1-12 or bands like 3-5, from a list or comma/space separated text."""
    raw = [
        part
        for item in (value if isinstance(value, list) else [value])
        for part in re.split(r"[,\s]+", _long_grades(_scalar(item)))
    ]
    result: list[str] = []
    for item in raw:
        text = str(item).strip()
        if not text or text.casefold() in ("grade", "grades"):
            continue
        if text.casefold() == "all":  # every grade
            text = ALL_GRADES
        if "-" in text:
            low, _, high = text.partition("-")
            low, high = _grade(low), _grade(high)
            if GRADE_ORDER.index(low) > GRADE_ORDER.index(high):
                raise ValueError(f"the band '{text}' runs backwards; write the lower grade first")
            normalized = f"{low}-{high}"
        else:
            normalized = _grade(text)
        if normalized not in result:
            result.append(normalized)
    if not result:
        raise ValueError("no grades given; use PK, TK, K, 1 to 12, or a band like 3-5")
    return sorted(result, key=lambda g: GRADE_ORDER.index(g.split("-")[0]))


def _long_grades(text: str) -> str:
    for pattern, grade in _LONG_GRADES:
        text = pattern.sub(grade, text)
    return text


def grade_mask(grades: Sequence[str]) -> int:
    """One bit per grade (PK is bit 0): ['3-5'] and ['3', '4', '5'] are the same."""
    mask = 0
    for grade in grades:
        low, _, high = grade.partition("-")
        first = GRADE_ORDER.index(low)
        last = GRADE_ORDER.index(high) if high else first
        for index in range(first, last + 1):
            mask |= 1 << index
    return mask


def grades_in(mask: int) -> list[str]:
    """The single grades a mask holds, youngest first."""
    return [grade for index, grade in enumerate(GRADE_ORDER) if mask >> index & 1]


def image_url(value: Any) -> str:
    """A hosted picture: an https address (an email cannot carry a data: image, and
    mail clients block or warn about http: ones)."""
    text = one_line(value)
    scheme, colon, rest = text.partition(":")
    if colon and scheme.lower() in ("https", "http", "data"):
        text = scheme.lower() + ":" + rest  # HTTPS://... is https://...
    if text.startswith("data:"):
        raise ValueError(
            "a data: image is refused by many mail clients and makes the email heavy; "
            "host the picture (the district's web server, say) and give its https address"
        )
    if text.startswith("http://"):
        raise ValueError(
            f"'{text[:80]}' is http:, which mail clients block or warn about; give its "
            "https:// address"
        )
    if not text.startswith("https://"):
        raise ValueError(f"'{text[:80]}' is not an https:// address of a picture")
    return url(text)


COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def color(value: Any) -> str:
    """A colour as #RRGGBB (#abc is taken as #aabbcc)."""
    text = one_line(value).strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", text):
        text = "#" + "".join(ch * 2 for ch in text[1:])
    if not COLOR.fullmatch(text):
        raise ValueError(f"'{text[:20]}' is not a colour; write it as #RRGGBB, like #16365c")
    return text.lower()


def grade_ranges(grades: Sequence[str]) -> str:
    """Grades as people write them: consecutive grades as a range ('K, 1, 2, 5' and
    'K-2, 5' both read 'K-2, 5'; '3-5, 6-8' reads '3-8')."""
    try:
        held = grades_in(grade_mask(grades))
    except ValueError:  # written by hand, not a grade: shown as it is
        return ", ".join(grades)
    runs: list[list[str]] = []
    for grade in held:
        if runs and GRADE_ORDER.index(grade) == GRADE_ORDER.index(runs[-1][-1]) + 1:
            runs[-1].append(grade)
        else:
            runs.append([grade])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def cost(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in COSTS:
        raise ValueError(f"'{value}' is not a cost; use one of: {', '.join(COSTS)}")
    return text


# Dates outside these years are typing mistakes, and near year 1 or 9999 the date
# arithmetic of a build (a week back, the next Friday) would overflow.
YEARS = (1900, 2200)


def day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(_scalar(value).strip())
        except ValueError:
            raise ValueError(
                f"'{value}' is not a date; write it as YYYY-MM-DD, like 2026-11-27"
            ) from None
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(f"{value} is not a year from {YEARS[0]} to {YEARS[1]}")
    return value


def moment(value: Any, zone: dt.tzinfo) -> dt.datetime:
    """A date and time in the workspace time zone: 'YYYY-MM-DD HH:MM'."""
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value).strip().replace("T", " ")
        spoken = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\s+(\S.*)", text)
        if spoken and re.fullmatch(r"[0-9](:[0-9]{2})?", spoken[2]):  # '3:15': am or pm?
            return _existing(dt.datetime.combine(day(spoken[1]), time_of_day(spoken[2]), zone))
        try:
            parsed = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
        except ValueError:
            if spoken and not re.search(r"[+]|:[0-9]{2}:", spoken[2]):  # '2026-12-03 3:15 PM'
                return _existing(dt.datetime.combine(day(spoken[1]), time_of_day(spoken[2]), zone))
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    f"'{value}' is not a date and time; write it as YYYY-MM-DD HH:MM, "
                    "like 2026-12-03 12:00"
                ) from None
            if parsed.hour == parsed.minute == 0 and len(text) <= 10:
                raise ValueError(
                    f"'{value}' has no time of day; write it as YYYY-MM-DD HH:MM, "
                    "like 2026-12-03 12:00"
                ) from None
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise ValueError(f"'{value}' is not a year from {YEARS[0]} to {YEARS[1]}")
    if parsed.tzinfo is None:
        parsed = _existing(parsed.replace(tzinfo=zone))
    return parsed.astimezone(zone)


def _existing(moment: dt.datetime) -> dt.datetime:
    """A time the clocks skip (2:30 on the night they go forward) does not exist."""
    if moment.astimezone(dt.UTC).astimezone(moment.tzinfo).replace(tzinfo=None) != (
        moment.replace(tzinfo=None)
    ):
        raise ValueError(
            f"{moment:%Y-%m-%d %H:%M} does not exist in this time zone: the clocks go "
            "forward that night; give a time before or after the change"
        )
    return moment


def weekday(value: Any) -> int:
    text = str(value).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if text in (name, name[:3]):
            return index
    raise ValueError(f"'{value}' is not a weekday; use one of: {', '.join(WEEKDAYS)}")


def words(value: Any) -> list[str]:
    """A comma-separated list, or a YAML list, of short words (subjects, platforms, tags)."""
    raw = [
        part
        for item in (value if isinstance(value, list) else [value])
        for part in one_line(item).split(",")
    ]
    return [part.strip() for part in raw if part.strip()]


def subjects(value: Any) -> list[str]:
    """Subjects, each as the one vocabulary names it ('maths' is Math, 'all' is All
    subjects; workspace/subjects.py)."""
    from newsletter.workspace.subjects import subjects as named

    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)
    ):
        raise ValueError("expected a list of words, found a mapping or a nested list")
    found = named(words(value))
    if not found:
        raise ValueError("no subject given; write one like Math, ELA or Science")
    return found


def _scalar(value: Any) -> str:
    """A single value as text: a list or a mapping where one value belongs is a mistake."""
    if isinstance(value, (dict, list, tuple, set, bytes)):
        kind = "a mapping" if isinstance(value, dict) else "a list"
        raise ValueError(f"expected a single value, found {kind}")
    return str(value)


# Control characters other than newline and tab, and lone surrogates (bytes that
# were not UTF-8, which cannot be written back to a UTF-8 file). A pattern, not a
# test per character: the archive's every string goes through it.
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# For a single line: every control character, line and paragraph separators
# (U+2028, U+2029) and the controls that reverse text (U+202A to U+202E, U+2066 to
# U+2069).
NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")


def control_characters(text: str, pattern: re.Pattern[str] = UNPRINTABLE) -> str:
    """'U+0007, U+001B' for the characters of `text` that `pattern` finds; '' for none."""
    if not pattern.search(text):
        return ""
    return ", ".join(sorted({f"U+{ord(c):04X}" for c in pattern.findall(text)}))


def one_line(value: Any) -> str:
    """Text that goes into a mail header or a single line: no line breaks or other
    control characters, which could start a header of their own."""
    raw = _scalar(value)
    bad = control_characters(raw, NOT_ONE_LINE)
    text = raw.strip()
    if bad:
        raise ValueError(
            f"contains control characters ({bad}), such as a line break; write it on one line"
        )
    return text


def address(value: Any, utf8: bool = True) -> str:
    """An email address as a mail server takes it: checked by email-validator, the
    domain in ASCII (internationalized domains as punycode). `utf8` allows letters
    outside ASCII before the @, which only servers offering SMTPUTF8 take."""
    text = one_line(value)
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=utf8)
    except EmailNotValidError as err:
        raise ValueError(f"'{text}' is not an email address ({err})") from None
    return f"{checked.local_part}@{checked.ascii_domain}"


def host_name(value: Any) -> str:
    """A mail server's name or address, without a port (that is smtp.port)."""
    text = one_line(value)
    if ":" in text and not text.startswith("["):
        raise ValueError(f"'{text}' has a port or is not a host name; put the port in smtp.port")
    try:
        text.encode("idna")
    except UnicodeError:
        raise ValueError(
            f"'{text}' is not a host name (a part of it is empty or too long)"
        ) from None
    return text


def mailbox(value: Any) -> str:
    """A sender or reply address, 'Name <address>' or bare, with an ASCII address
    (what every mail server takes in MAIL FROM)."""
    from email.utils import formataddr, getaddresses, parseaddr

    text = one_line(value)
    found = getaddresses([text])
    name, bare = parseaddr(text)
    # The display name, when not in quotes, before '<address>' (a bare address has none).
    name_part = text.split("<", 1)[0] if "<" in text else ""
    unquoted = "" if name_part.lstrip().startswith('"') else name_part
    if len(found) != 1 or not bare or "@" not in bare or any(c in unquoted for c in ":,;@"):
        raise ValueError(
            f"'{text}' is not one clear address; write it like "
            '"Tech Tidbits <techtidbits@your-district.org>", with the name in quotes '
            "if it has a comma, colon or @"
        )
    return formataddr((name, address(bare, utf8=False)))


_CLOCK = re.compile(
    r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?\s*(?P<half>[ap]\.?\s*m\.?)?", re.IGNORECASE
)


def time_of_day(value: Any) -> dt.time:
    """A time as people type it: 12:00, 12pm, 3:15 PM, 15:15, noon. An hour from 1 to
    6 with no am or pm is refused: on a school day it means the afternoon, and
    taking it as the morning would put the event at 3 in the night."""
    text = _scalar(value).strip()
    if text.lower() == "noon":
        return dt.time(12, 0)
    match = _CLOCK.fullmatch(text)
    if not match or (match["minute"] is None and match["half"] is None):
        raise ValueError(f"'{text}' is not a time; write it like 12:00, 12pm, 3:15 PM or 15:15")
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower().replace(".", "").replace(" ", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(f"'{text}': with am or pm, the hour is from 1 to 12")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif 1 <= hour <= 6 and len(match["hour"]) == 1:  # '06:30' is a 24-hour clock
        raise ValueError(
            f"{text} means {hour}:{minute:02d} AM; write {hour}:{minute:02d} PM or "
            f"{hour + 12}:{minute:02d}"
        )
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}' is not a time of day")
    return dt.time(hour, minute)


def time_span(value: Any) -> tuple[dt.time, dt.time | None]:
    """'12:00-12:40' (or '12:00 to 12:40'): a start and an end on the same day; or
    one time, with no end."""
    text = _scalar(value).strip()
    parts = re.split(r"\s*(?:-|–|\bto\b)\s*", text, maxsplit=1)
    start = time_of_day(parts[0])
    if len(parts) == 1:
        return start, None
    try:
        end = time_of_day(parts[1])
    except ValueError:
        if start.hour < 12 or re.search("[ap]", parts[1], re.IGNORECASE):
            raise
        end = time_of_day(parts[1] + " pm")  # '3:15 PM-4:00': the afternoon too
    if end <= start:
        raise ValueError(f"'{text}' ends before it starts; write the start first, like 12:00-12:40")
    return start, end


_EVERY = re.compile(r"(?:(?P<count>[0-9]{1,2})\s+)?(?P<unit>day|week|month)s?", re.IGNORECASE)
_WORDS_FOR_EVERY = {"daily": "day", "weekly": "week", "biweekly": "2 weeks", "monthly": "month"}


def every(value: Any) -> str:
    """How often an event comes back: 'week', '2 weeks', 'month' (also 'weekly',
    'biweekly'); returned as '2 weeks'."""
    text = _scalar(value).strip().lower().removeprefix("every ").strip()
    text = _WORDS_FOR_EVERY.get(text, text)
    match = _EVERY.fullmatch(text)
    if not match or int(match["count"] or 1) < 1:
        raise ValueError(f"'{value}' is not a repeat; write it like 'week', '2 weeks' or 'month'")
    count = int(match["count"] or 1)
    unit = match["unit"].lower()
    return unit if count == 1 else f"{count} {unit}s"


def days(value: Any) -> list[dt.date]:
    """Dates, from a list or comma-separated text."""
    items = value if isinstance(value, list) else re.split(r"[,\s]+", _scalar(value).strip())
    return sorted({day(item) for item in items if str(item).strip()})


def dated_urls(value: Any) -> dict[str, str]:
    """An address for each date of an event: '2026-12-17: https://...' (slides, a recording)."""
    if not isinstance(value, dict):
        raise ValueError("expected one 'YYYY-MM-DD: https://...' line per date")
    return {day(key).isoformat(): url(address) for key, address in value.items()}


def topics(value: Any) -> dict[str, str]:
    """Each date's topic of a repeating event: '2026-12-17: Google Forms quizzes'."""
    if not isinstance(value, dict):
        raise ValueError("expected one 'YYYY-MM-DD: topic' line per date")
    return {day(key).isoformat(): one_line(text) for key, text in value.items()}
