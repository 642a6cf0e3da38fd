"""Dates and times as the email and the site write them, in the newsletter's
language (newsletter.yaml's `language`). English keeps the newsletter's own forms
('December 4, 2026', 'Thursday, Dec 3, 12:00 PM'); every other language gets its
own from the Unicode CLDR, through Babel, never from tables written here."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

ENGLISH = "en"


def is_english(language: str) -> bool:
    return language.replace("_", "-").split("-")[0].lower() == ENGLISH


@functools.cache
def _locale(language: str) -> Any:
    from babel import Locale

    return Locale.parse(language.replace("-", "_"))


def language_tag(value: Any) -> str:
    """A language as newsletter.yaml gives it ('es', 'fr-CA'), checked with Babel;
    ValueError says how to write one."""
    text = str(value).strip().replace("_", "-")  # 'es_ES' is Babel's; HTML's lang is es-ES
    try:
        _locale(text)
    except Exception:  # noqa: BLE001 - Babel's UnknownLocaleError is none of the usual ones
        raise ValueError(
            f"'{text}' is not a language tag Babel knows; write one like en, es, fr-CA"
        ) from None
    return text


def text_direction(language: str) -> str:
    """'ltr', or 'rtl' for a language written from right to left (Arabic, Hebrew)."""
    return "ltr" if is_english(language) else str(_locale(language).text_direction)


def long_date(date: dt.date, language: str = ENGLISH) -> str:
    """'December 4, 2026'; '4 de diciembre de 2026'."""
    if is_english(language):
        return f"{date:%B} {date.day}, {date.year}"
    from babel.dates import format_date

    return str(format_date(date, "long", locale=_locale(language)))


def date_label(date: dt.date, language: str = ENGLISH) -> str:
    """The date in a subject line: 'Dec 4, 2026'; '4 dic 2026'."""
    if is_english(language):
        return f"{date:%b} {date.day}, {date.year}"
    return _skeleton("yMMMd", date, language)


def clock(moment: dt.datetime, language: str = ENGLISH) -> str:
    """'12:00 PM'; '12:00'."""
    if is_english(language):
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    from babel.dates import format_time

    return str(format_time(moment, "short", locale=_locale(language)))


def day_and_date(moment: dt.datetime | dt.date, language: str = ENGLISH) -> str:
    """'Thursday, Dec 3'; 'jueves, 3 de diciembre'."""
    if is_english(language):
        return f"{moment:%A}, {moment:%b} {moment.day}"
    return f"{weekday(moment, language)}, {_skeleton('MMMMd', moment, language)}"


def short_day(moment: dt.datetime | dt.date, language: str = ENGLISH) -> str:
    """'Thu, Dec 3'; 'jue, 3 dic'."""
    if is_english(language):
        return f"{moment:%a}, {moment:%b} {moment.day}"
    return _skeleton("MMMEd", moment, language)


def month_day(moment: dt.datetime | dt.date, language: str = ENGLISH) -> str:
    """'Dec 3'; '3 dic'."""
    if is_english(language):
        return f"{moment:%b} {moment.day}"
    return _skeleton("MMMd", moment, language)


def weekday(moment: dt.datetime | dt.date, language: str = ENGLISH) -> str:
    """'Thursday'; 'jueves'."""
    if is_english(language):
        return f"{moment:%A}"
    from babel.dates import format_date

    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return str(format_date(day, "EEEE", locale=_locale(language)))  # the CLDR's full name


def _skeleton(skeleton: str, moment: dt.datetime | dt.date, language: str) -> str:
    from babel.dates import format_skeleton

    when = moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time())
    return str(format_skeleton(skeleton, when, locale=_locale(language)))
