"""Finding things in the catalog: `newsletter search` (everything ever featured,
by relevance) and `newsletter tools` (the tools, one line each)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from newsletter.catalog import PUBLISHED, Catalog, grade_mask
from newsletter.errors import InputError
from newsletter.similar import squash

KINDS = ("tool", "link", "post", "tip", "event")
SORTS = ("name", "date")
# How much a word counts in each column: a tool's name, then its tags, then the rest.
_WEIGHTS = "10.0, 1.0, 4.0"


@dataclass(frozen=True)
class Filters:
    grades: tuple[str, ...] = ()  # a tool for any of these grades (bands overlap)
    subject: str = ""  # a subject that starts with this ('math' finds 'Math')
    cost: str = ""
    kind: str = ""
    since: dt.date | None = None  # featured on or after; notes not yet sent always count

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition on entries `e` and issues `i`, and its parameters."""
        clauses: list[str] = ["1"]
        params: list[Any] = []
        if self.grades:
            clauses.append("(e.grade_mask & ?) != 0")
            params.append(grade_mask(self.grades))
        if self.subject:
            clauses.append("(', ' || lower(e.subjects)) LIKE ? ESCAPE '\\'")
            params.append("%, " + _like(self.subject.strip().lower()) + "%")
        if self.cost:
            clauses.append("e.cost = ?")
            params.append(self.cost)
        if self.kind:
            clauses.append("e.kind = ?")
            params.append(self.kind)
        if self.since:
            clauses.append("(i.date IS NULL OR i.date >= ?)")
            params.append(self.since.isoformat())
        return " AND ".join(clauses), params


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Featured:
    number: int
    date: str
    status: str  # sent, partly sent or draft

    @property
    def published(self) -> bool:
        return self.status in PUBLISHED

    def label(self) -> str:
        return f"#{self.number} ({self.date})"


@dataclass
class Hit:
    kind: str
    name: str
    url: str
    grades: str
    subjects: str
    cost: str
    context: str  # the matching words, marked **so**
    rank: float
    featured: list[Featured] = field(default_factory=list)
    in_notes: bool = False  # in the notes, not yet in an issue anyone got

    def where(self) -> str:
        """'featured in #12 (2026-02-06); in the draft #13 (2026-12-04); in your notes'"""
        sent = [f.label() for f in self.featured if f.published]
        drafts = [f.label() for f in self.featured if not f.published]
        parts = ["featured in " + ", ".join(sent)] if sent else []
        parts += ["in the draft " + ", ".join(drafts)] if drafts else []
        parts += ["in your notes, not sent yet"] if self.in_notes else []
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "url": self.url,
            "grades": self.grades,
            "subjects": self.subjects,
            "cost": self.cost,
            "featured": [vars(f) for f in self.featured],
            "in_notes": self.in_notes,
            "context": self.context,
        }


_HIT_COLUMNS = (
    "e.kind, e.key, e.name, e.url, e.grades, e.subjects, e.cost, i.number, i.date, i.status"
)
# An entry of the notes that an issue someone got features already is no news.
_SHOWN = (
    "(i.source IS NOT NULL OR NOT EXISTS (SELECT 1 FROM featured f JOIN issues p "
    f"ON p.source = f.source WHERE f.key = e.key AND p.status IN {PUBLISHED}))"
)


def search(catalog: Catalog, query: str, filters: Filters, limit: int = 20) -> list[Hit]:
    """What matches `query`, best first: words (stemmed: 'fraction' finds
    'fractions'), "phrases", prefix*, AND / OR / NOT, and a tool's name typed
    loosely ('kahoot' finds 'Kahoot!')."""
    match = fts_query(query)
    where, params = filters.where()
    try:
        rows = catalog.db.execute(
            f"SELECT {_HIT_COLUMNS}, bm25(entry_text, {_WEIGHTS}) AS rank, "
            f"{_snippet(1)}, {_snippet(2)} "
            "FROM entry_text JOIN entries e ON e.id = entry_text.rowid "
            "LEFT JOIN issues i ON i.source = e.source "
            f"WHERE entry_text MATCH ? AND {where} AND {_SHOWN} ORDER BY rank LIMIT 2000",
            [match, *params],
        ).fetchall()
    except sqlite3.OperationalError as err:
        if not str(err).startswith("fts5:"):
            raise
        raise InputError(
            f"the search {query!r} cannot be read ({err}).",
            hint='Search for words, "a phrase", a prefix* , with AND, OR or NOT between words.',
        ) from None
    return _grouped(_by_name(catalog, query, filters) + rows, limit)


def _snippet(column: int) -> str:
    return f"snippet(entry_text, {column}, '**', '**', '…', 12)"


def _context(*snippets: str) -> str:
    """The words around the match in what the thing says of itself (or in its tags);
    '' when only its name matched."""
    return next((text for text in snippets if "**" in text), "")


def _by_name(catalog: Catalog, query: str, filters: Filters) -> list[Any]:
    """Entries whose name has the query's letters in it, ranked first: 'bookcreator'
    finds 'Book Creator'. Only for plain words (no operators, quotes or stars)."""
    letters = squash(query)
    if len(letters) < 3 or re.search(r'["*()]|\b(AND|OR|NOT|NEAR)\b', query):
        return []
    where, params = filters.where()
    return catalog.db.execute(
        f"SELECT {_HIT_COLUMNS}, -1000.0 + length(e.squashed) AS rank, '', '' "
        "FROM entries e LEFT JOIN issues i ON i.source = e.source "
        f"WHERE e.squashed LIKE ? AND {where} AND {_SHOWN} ORDER BY rank LIMIT 200",
        [f"%{letters}%", *params],
    ).fetchall()


def _grouped(rows: list[Any], limit: int) -> list[Hit]:
    """One hit per thing (a tool featured three times is one hit), best first."""
    hits: dict[tuple[str, str], Hit] = {}
    for kind, key, name, url, grades, subjects, cost, number, date, status, rank, *words in rows:
        hit = hits.get((kind, key))
        if hit is None:
            hit = hits[kind, key] = Hit(kind, name, url, grades, subjects, cost, "", rank)
        hit.context = hit.context or _context(*words)  # a match by name has no words around
        if number is None:
            hit.in_notes = True
        elif all(f.number != number for f in hit.featured):
            hit.featured.append(Featured(number, date, status))
    ranked = sorted(hits.values(), key=lambda hit: hit.rank)[:limit]
    for hit in ranked:
        hit.featured.sort(key=lambda f: f.date)
        hit.context = hit.context or f"**{hit.name}**"
    return ranked


_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+|"')
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def fts_query(text: str) -> str:
    """The query as FTS5 reads it. Words with other characters in them ('Kahoot!',
    '3-5', 'name:x') become phrases, so they are looked up rather than taken for
    syntax; quotes, parentheses, AND / OR / NOT and a closing * are kept."""
    if not re.search(r"\w", text):
        raise InputError(
            f"the search {text!r} has no word to look for.",
            hint="Give a word, a name or a phrase, e.g. newsletter search fractions",
        )
    parts = []
    for token in _TOKEN.findall(text):
        if token == '"':
            raise InputError(
                f'the search {text!r} has a quote (") that is never closed.',
                hint='Close the phrase with a second ", or leave the quote out.',
            )
        kept = token.startswith('"') or token in ("(", ")") or token in _OPERATORS
        if kept or re.fullmatch(r"\w+\*?", token):  # syntax, or a plain word
            parts.append(token)
        else:
            star = "*" if token.endswith("*") else ""
            parts.append('"' + token.rstrip("*") + '"' + star)
    return " ".join(parts)


@dataclass
class ToolLine:
    """A tool of the catalog, as `newsletter tools` lists it: as last featured."""

    name: str
    url: str
    grades: str
    subjects: str
    cost: str
    times: int  # how many issues featured it
    last_number: int
    last_date: str

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def featured_tools(catalog: Catalog, filters: Filters, sort: str = "name") -> list[ToolLine]:
    """Every tool featured in an issue someone got, once each."""
    where, params = Filters(
        filters.grades, filters.subject, filters.cost, "tool", filters.since
    ).where()
    rows = catalog.db.execute(
        "SELECT e.key, e.name, e.url, e.grades, e.subjects, e.cost, i.number, i.date "
        "FROM entries e JOIN issues i ON i.source = e.source "
        f"WHERE i.status IN {PUBLISHED} AND {where} ORDER BY i.date, i.number",
        params,
    ).fetchall()
    tools: dict[str, ToolLine] = {}
    for key, name, url, grades, subjects, cost, number, date in rows:
        times = tools[key].times + 1 if key in tools else 1
        tools[key] = ToolLine(name, url, grades, subjects, cost, times, number, date)
    lines = list(tools.values())
    if sort == "date":
        return sorted(lines, key=lambda t: (t.last_date, t.name.casefold()), reverse=True)
    return sorted(lines, key=lambda t: (t.name.casefold(), t.last_date))


def unsafe_cell(text: str) -> str:
    """A CSV cell a spreadsheet will show as text, not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
