"""One vocabulary of subjects: what people write ('maths', 'English', 'all
subjects', 'History') read as the subject a school's filters know ('Math', 'ELA',
'All subjects', 'Social Studies'), so that a filter offers each subject once and a
tool for every subject is found under each. A subject the vocabulary does not know
is kept as written (capitalised), once."""

from __future__ import annotations

import re
from collections.abc import Iterable

ALL_SUBJECTS = "All subjects"

# Each subject, and the other words people write for it (compared without case,
# punctuation or '&'/'and').
VOCABULARY: dict[str, tuple[str, ...]] = {
    ALL_SUBJECTS: ("all", "any", "any subject", "every subject", "all content areas",
                   "all subject areas", "cross curricular", "any content area", "general"),
    "Math": ("maths", "mathematics", "algebra", "geometry", "calculus", "statistics",
             "arithmetic", "pre algebra"),
    "ELA": ("english", "english language arts", "language arts", "reading", "writing",
            "literacy", "literature", "phonics", "ela reading"),
    "Science": ("biology", "chemistry", "physics", "earth science", "life science",
                "physical science", "environmental science"),
    "Social Studies": ("history", "geography", "civics", "government", "economics",
                       "us history", "world history", "social science"),
    "World Languages": ("world language", "foreign language", "foreign languages",
                        "languages", "spanish", "french", "german", "chinese", "mandarin",
                        "latin", "asl", "american sign language"),
    "Computer Science": ("cs", "coding", "programming", "computing", "computer programming"),
    "STEM": ("steam",),
    "Art": ("arts", "visual arts", "fine arts", "visual art"),
    "Music": ("band", "choir", "orchestra"),
    "PE and Health": ("pe", "physical education", "health", "gym", "health and pe",
                      "pe health"),
    "Special Education": ("sped", "special ed", "exceptional student education", "ese"),
    "English Learners": ("ell", "esl", "eld", "esol", "english language learners",
                         "multilingual learners", "ml", "ells"),
    "SEL": ("social emotional learning", "social and emotional learning"),
    "CTE": ("career and technical education", "career technical education"),
    "Library": ("library media", "media", "media center"),
    "Digital Citizenship": ("digital literacy", "media literacy"),
}  # fmt: skip


def _key(text: str) -> str:
    text = text.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


_CANONICAL = {_key(name): name for name in VOCABULARY}
_CANONICAL |= {_key(word): name for name, words in VOCABULARY.items() for word in words}


def subject(text: str) -> str:
    """One subject as the vocabulary names it; one it does not know, as written."""
    known = _CANONICAL.get(_key(text))
    if known:
        return known
    written = " ".join(text.split())
    return written[:1].upper() + written[1:] if written.islower() else written


def subjects(written: Iterable[str]) -> list[str]:
    """Subjects as the vocabulary names them, each once, in the order given."""
    found: list[str] = []
    for text in written:
        name = subject(text)
        if name and name.casefold() not in (f.casefold() for f in found):
            found.append(name)
    return found


def covers(tool_subjects: Iterable[str], wanted: str) -> bool:
    """Whether a tool for these subjects is one for `wanted` (a tool for every subject
    is one for each)."""
    names = {subject(s).casefold() for s in tool_subjects}
    return subject(wanted).casefold() in names or ALL_SUBJECTS.casefold() in names
