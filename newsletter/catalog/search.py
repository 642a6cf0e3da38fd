"""Finding things in the catalog: `newsletter search` (everything ever featured,
by relevance) and `newsletter tools` (the tools, one line each)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from newsletter.catalog.db import PUBLISHED, Catalog
from newsletter.errors import InputError
from newsletter.text.names import squash
from newsletter.workspace.subjects import ALL_SUBJECTS, subject
from newsletter.workspace.validate import grade_mask
from newsletter.workspace.validate import grades as validate_grades

SORTS = ("name", "date")
# How much a word counts in each column: a tool's name, then its tags, then the rest.
_WEIGHTS = "10.0, 1.0, 4.0"


@dataclass(frozen=True)
class Filters:
    grades: tuple[str, ...] = ()  # a tool for any of these grades (bands overlap)
    subject: str = ""  # a subject that starts with this ('math' finds 'Math'; 'maths' too)
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
        if self.subject:  # as the vocabulary names it; a tool for every subject too
            clauses.append(
                "((', ' || lower(e.subjects)) LIKE ? ESCAPE '\\' "
                "OR (', ' || lower(e.subjects) || ',') LIKE ?)"
            )
            params.append("%, " + _like(subject(self.subject).lower()) + "%")
            params.append(f"%, {ALL_SUBJECTS.lower()},%")
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
    when: str = ""  # an event: when it is ('Thu Dec 10, 12:00')

    def where(self) -> str:
        """'featured in #12 (2026-02-06); in the draft #13 (2026-12-04); in your notes'
        (an event's own time first: 'on Thu Dec 10, 12:00; featured in ...')."""
        sent = [f.label() for f in self.featured if f.published]
        drafts = [f.label() for f in self.featured if not f.published]
        count = f" ({len(sent)} issues)" if len(sent) > 6 else ""
        if count:  # the first, the latest, and how many
            sent = [*sent[:2], "...", *sent[-2:]]
        parts = ["featured in " + ", ".join(sent) + count] if sent else []
        parts += ["in the draft " + ", ".join(drafts)] if drafts else []
        parts += ["in your notes, not sent yet"] if self.in_notes else []
        return "; ".join([f"on {self.when}"] * bool(self.when) + parts)

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
            "when": self.when or None,
            "context": self.context,
        }


# An entry of the notes that an issue someone got features already is no news.
_SHOWN = (
    "(i.source IS NOT NULL OR NOT EXISTS (SELECT 1 FROM featured f JOIN issues p "
    f"ON p.source = f.source WHERE f.key = e.key AND p.status IN {PUBLISHED}))"
)
MARKS = ("«", "»")  # around the matching words (markdown's ** would clash with a tip's own)


@dataclass
class Found:
    """What search found: the hits, and whether only some of the words matched."""

    hits: list[Hit]
    any_word: bool = False  # nothing had every word, so these have some of them


_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
_GRADE_WORDS = [  # (a teacher's words for grades, the grades they mean)
    (r"\b(pre-?k|pre-?kindergarten|pre-?school(ers)?)\b", lambda m: "PK"),
    (r"\b(tk|transitional kindergarten)\b", lambda m: "TK"),
    (r"\b(kindergarten|kinder)( ?graders?)?\b", lambda m: "K"),
    (r"\b(\d{1,2})(st|nd|rd|th)?[ -]?(grade|graders?)\b", lambda m: m[1]),
    (r"\bgrades? (k|\d{1,2})(?:\s*(?:-|to|through)\s*(\d{1,2}))?\b",
     lambda m: f"{m[1].upper()}-{m[2]}" if m[2] else m[1].upper()),
    (rf"\b({'|'.join(_ORDINALS)})[ -](grade|graders?)\b",
     lambda m: str(_ORDINALS.index(m[1].lower()) + 1)),
    (r"\belementary( school)?\b", lambda m: "K-5"),
    (r"\bmiddle school(ers)?\b", lambda m: "6-8"),
    (r"\bhigh school(ers)?\b", lambda m: "9-12"),
]  # fmt: skip
# What a question around the words adds: 'is there something for ... ?'
_ASKING = frozenset(
    [
        "is",
        "are",
        "there",
        "something",
        "anything",
        "an",
        "a",
        "the",
        "for",
        "in",
        "to",
        "that",
        "which",
        "what",
        "any",
        "app",
        "apps",
        "website",
        "websites",
        "tool",
        "tools",
        "i",
        "my",
        "our",
        "can",
        "could",
        "do",
        "does",
        "we",
        "use",
        "with",
        "of",
        "some",
        "on",
        "me",
        "need",
        "want",
        "looking",
        "good",
    ]
)


def teachers_query(query: str) -> tuple[str, tuple[str, ...], list[str]]:
    """A query as a teacher asks it: its grade words ('3rd grade', 'middle school')
    taken out as grades, and, in a question, the words that only ask. Returns the
    words to search, the grades, and the grade words read. A query with search
    syntax (quotes, *, AND, OR, NOT) is left as it is."""
    if re.search(r'["*()]|\b(AND|OR|NOT|NEAR)\b', query):
        return query, (), []
    grades: list[str] = []
    said: list[str] = []
    text = query
    for pattern, grade in _GRADE_WORDS:
        for match in list(re.finditer(pattern, text, flags=re.IGNORECASE)):
            try:
                found = validate_grades(grade(match))
            except ValueError:
                continue
            grades += [g for g in found if g not in grades]
            said.append(match[0])
            text = text.replace(match[0], " ", 1)
    asking = query.rstrip().endswith("?") or query.split()[:1] in (["is"], ["are"], ["any"])
    plain = asking or bool(said)  # a question, or words around grades: only the subject
    words = [w for w in re.findall(r"[\w'-]+", text) if not (plain and w.lower() in _ASKING)]
    return (" ".join(words) if (asking or said) else query), tuple(grades), said


def search(catalog: Catalog, query: str, filters: Filters, limit: int = 20) -> Found:
    """What matches `query`, best first, one hit per thing however many issues
    featured it: words (stemmed: 'fraction' finds 'fractions'), "phrases", prefix*,
    AND / OR / NOT, and a tool's name typed loosely ('kahoot' finds 'Kahoot!'). When
    nothing has every word of a plain query, what has any of them."""
    match, words = fts_query(query)
    best = _best(catalog, match, query, filters, limit)
    if not best and words:  # 'quiz' finds 'quizzes' (the stemmer makes that 'quizz')
        match = " ".join(_prefix(word) for word in words)
        best = _best(catalog, match, query, filters, limit)
    if not best and len(words) > 1:
        match = " OR ".join(_prefix(word) for word in words)
        hits = [
            _hit(catalog, match, filters, *b) for b in _best(catalog, match, query, filters, limit)
        ]
        return Found(_tools_first(hits), any_word=bool(hits))
    return Found(_tools_first([_hit(catalog, match, filters, *b) for b in best]))


def _tools_first(hits: list[Hit]) -> list[Hit]:
    """A tool that answers it before the teacher's request that asked for it."""
    if any(hit.kind == "tool" for hit in hits):
        return sorted(hits, key=lambda hit: hit.kind == "request")  # stable: rank kept
    return hits


def _prefix(word: str) -> str:
    return word if word.endswith("*") else word + "*"


def _best(
    catalog: Catalog, match: str, query: str, filters: Filters, limit: int
) -> list[tuple[str, str, int, float]]:
    """(kind, key, entry id, rank) of the best `limit` things, best first."""
    where, params = filters.where()
    try:
        rows = catalog.db.execute(
            "WITH found AS MATERIALIZED (SELECT e.kind, e.key, e.id, "
            f"bm25(entry_text, {_WEIGHTS}) AS rank FROM entry_text "
            "JOIN entries e ON e.id = entry_text.rowid LEFT JOIN issues i ON i.source = e.source "
            f"WHERE entry_text MATCH ? AND {where} AND {_SHOWN}) "
            "SELECT kind, key, id, min(rank) AS best FROM found GROUP BY kind, key "
            "ORDER BY best LIMIT ?",
            [match, *params, limit],
        ).fetchall()
    except sqlite3.OperationalError as err:
        if not str(err).startswith("fts5:"):
            raise
        raise InputError(
            f"the search {shortened(query)!r} cannot be read ({err}).",
            hint='Search for words, "a phrase", a prefix* , with AND, OR or NOT between words.',
        ) from None
    ranked = {(kind, key): (kind, key, id_, rank) for kind, key, id_, rank in rows}
    for kind, key, id_, rank in _by_name(catalog, query, filters, limit):
        ranked[kind, key] = (kind, key, id_, rank)  # a name match goes first
    return sorted(ranked.values(), key=lambda row: row[3])[:limit]


def _by_name(catalog: Catalog, query: str, filters: Filters, limit: int) -> list[Any]:
    """Things whose name has the query's letters in it, ranked first: 'bookcreator'
    finds 'Book Creator'. Only for plain words (no operators, quotes or stars)."""
    letters = squash(query)
    if not 3 <= len(letters) <= 100 or re.search(r'["*()]|\b(AND|OR|NOT|NEAR)\b', query):
        return []
    where, params = filters.where()
    return catalog.db.execute(
        "SELECT e.kind, e.key, e.id, min(-1000.0 + length(e.squashed)) AS rank "
        "FROM entries e LEFT JOIN issues i ON i.source = e.source "
        f"WHERE instr(e.squashed, ?) > 0 AND {where} AND {_SHOWN} "
        "GROUP BY e.kind, e.key ORDER BY rank LIMIT ?",
        [letters, *params, limit],
    ).fetchall()


def _hit(catalog: Catalog, match: str, filters: Filters, kind: str, key: str, id_: int,
         rank: float) -> Hit:  # fmt: skip
    """One thing found: as its best match has it, and every issue that featured it."""
    db = catalog.db
    name, url, grades, subjects, cost = db.execute(
        "SELECT name, url, grades, subjects, cost FROM entries WHERE id = ?", (id_,)
    ).fetchone()
    snippets = db.execute(
        f"SELECT {_snippet(1)}, {_snippet(2)} FROM entry_text "
        "WHERE entry_text MATCH ? AND rowid = ?",
        (match, id_),
    ).fetchone()
    context = next((text for text in snippets or () if MARKS[0] in text), "")
    hit = Hit(kind, name, url, grades, subjects, cost, context or _marked(name), rank)
    if kind == "event":  # its key holds its start, in the workspace's zone: model.Event.key
        try:
            when = key.rpartition("@")[2]
            if len(when) == 10:  # a talk that is over, by its day: 'Thu Dec 3, 2026'
                day = dt.date.fromisoformat(when)
                hit.when = f"{day:%a %b} {day.day}, {day.year}"
            else:
                start = dt.datetime.fromisoformat(when)
                zone = catalog.zone  # the workspace's: the time says its zone ('CST')
                start = start.astimezone(zone) if zone and start.tzinfo else start
                named = f" {start:%Z}" if zone and start.tzinfo else ""
                hit.when = f"{start:%a %b} {start.day}, {start:%Y %H:%M}{named}"
        except ValueError:
            pass
    where, params = filters.where()
    for number, date, status in db.execute(
        "SELECT DISTINCT i.number, i.date, i.status FROM entries e "
        "LEFT JOIN issues i ON i.source = e.source "
        f"WHERE e.kind = ? AND e.key = ? AND {where} AND {_SHOWN} ORDER BY i.date",
        [kind, key, *params],
    ):
        if number is None:
            hit.in_notes = True
        else:
            hit.featured.append(Featured(number, date, status))
    return hit


def _snippet(column: int) -> str:
    return f"snippet(entry_text, {column}, '{MARKS[0]}', '{MARKS[1]}', '…', 12)"


def _marked(text: str) -> str:
    return MARKS[0] + text + MARKS[1]


def shortened(query: str) -> str:
    return query if len(query) <= 60 else query[:57] + "..."


_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+|"')
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# Small words a question is made of ("is there something for fractions?"): a word the
# search would need every match to have.
_SMALL_WORDS = {
    "a", "an", "and", "any", "are", "for", "in", "is", "it", "of", "on",
    "something", "some", "that", "the", "there", "to", "with",
}  # fmt: skip
# 'or' and 'not' typed in lower case between two words mean what OR and NOT do.
_SPOKEN_OPERATORS = {"or": "OR", "not": "NOT"}
MAX_QUERY = 500


def fts_query(text: str) -> tuple[str, list[str]]:
    """The query as FTS5 reads it, and its plain words (when it has no syntax).
    Words with other characters in them ('Kahoot!', '3-5', 'name:x') become phrases,
    so they are looked up rather than taken for syntax; "quotes", parentheses, AND /
    OR / NOT and a closing * are kept; 's and small words like 'and' are dropped."""
    if len(text) > MAX_QUERY:
        raise InputError(
            f"the search is {len(text)} characters long; at most {MAX_QUERY}.",
            hint="Search for a few words, a name or a phrase.",
        )
    if not re.search(r"\w", text):
        raise InputError(
            f"the search {shortened(text)!r} has no word to look for.",
            hint="Give a word, a name or a phrase, e.g. newsletter search fractions",
        )
    parts: list[str] = []
    words: list[str] = []
    plain = True
    tokens = _TOKEN.findall(text)
    for index, token in enumerate(tokens):
        spoken = _SPOKEN_OPERATORS.get(token)
        if spoken:
            if words and index + 1 < len(tokens):  # between two words: an operator
                parts.append(spoken)
                plain = False
            continue
        if token == '"':
            raise InputError(
                f'the search {shortened(text)!r} has a quote (") that is never closed.',
                hint='Close the phrase with a second ", or leave the quote out.',
            )
        if token.startswith('"') or token in ("(", ")") or token in _OPERATORS:
            parts.append(token)
            plain = False
            continue
        token = re.sub(r"['’]s$", "", token)  # "Kahoot's" is Kahoot
        if token.casefold() in _SMALL_WORDS and len(tokens) > 1:
            continue
        if re.fullmatch(r"\w+\*?", token):
            parts.append(token)
        else:
            parts.append('"' + token.rstrip("*") + '"' + ("*" if token.endswith("*") else ""))
        plain = plain and not token.endswith("*")
        words.append(parts[-1])
    if not parts:
        raise InputError(
            f"the search {shortened(text)!r} has only small words like 'and' or 'the'.",
            hint="Give a word, a name or a phrase, e.g. newsletter search fractions",
        )
    return " ".join(parts), words if plain else []


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
        "SELECT e.key, e.squashed, e.name, e.url, e.grades, e.subjects, e.cost, i.number, "
        "i.date FROM entries e JOIN issues i ON i.source = e.source "
        f"WHERE i.status IN {PUBLISHED} AND {where} ORDER BY i.date, i.number",
        params,
    ).fetchall()
    # One tool, as the catalog matches tools: the same address, or the same name.
    same = _Same()
    for key, squashed, *_ in rows:
        same.join(key, f"tool-name:{squashed}")
    tools: dict[str, ToolLine] = {}
    seen: set[tuple[str, int]] = set()  # the editions of one issue are one issue
    for key, _, name, url, grades, subjects, cost, number, date in rows:
        tool = same.one(key)
        again = (tool, number) in seen
        seen.add((tool, number))
        times = (tools[tool].times + (not again)) if tool in tools else 1
        tools[tool] = ToolLine(name, url, grades, subjects, cost, times, number, date)
    lines = list(tools.values())
    if sort == "date":
        return sorted(lines, key=lambda t: (t.last_date, t.name.casefold()), reverse=True)
    return sorted(lines, key=lambda t: (t.name.casefold(), t.last_date))


@dataclass
class PastTalk:
    day: str
    title: str
    slides: str = ""  # what it left behind, when the editor said
    recording: str = ""

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.day)


def past_talks(catalog: Catalog, before: dt.date) -> list[PastTalk]:
    """The events of the issues someone got that were over before `before`, newest
    first, each once, with the materials a later issue recalled them with."""
    rows = catalog.db.execute(
        "SELECT DISTINCT e.key, e.name, e.url, e.day FROM entries e "
        "JOIN issues i ON i.source = e.source "
        f"WHERE i.status IN {PUBLISHED} AND e.kind = 'event' AND e.day < ? ORDER BY e.day",
        (before.isoformat(),),
    ).fetchall()
    talks: dict[tuple[str, str], PastTalk] = {}
    for key, name, url, day in rows:
        one = (day, name.casefold())
        talk = talks.setdefault(one, PastTalk(day, name))
        what = key.split(":")[1] if key.startswith("talk:") else ""  # 'talk:slides:...'
        if what == "slides":
            talk.slides = url
        elif what == "recording":
            talk.recording = url
    return sorted(talks.values(), key=lambda t: (t.day, t.title), reverse=True)


class _Same:
    """Keys that name one thing, joined as they are met (a union-find)."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def one(self, key: str) -> str:
        parent = self._parent.setdefault(key, key)
        if parent != key:
            parent = self._parent[key] = self.one(parent)
        return parent

    def join(self, a: str, b: str) -> None:
        self._parent[self.one(b)] = self.one(a)
