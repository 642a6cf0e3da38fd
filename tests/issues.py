"""Issues for tests: a small one with one of everything, and a full one (10 tools,
40 blog posts, 3 events) the size of a busy week."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from newsletter.model import Event, FeedItem, Issue, Link, Masthead, ShortNote, Tool

CHICAGO = ZoneInfo("America/Chicago")
SECTIONS = ["intro", "tools", "events", "tip", "citizenship", "links", "feeds"]
MASTHEAD = Masthead(
    title="Tech Tidbits",
    tagline="Tools, talks and tips for Maple Valley staff",
    organization="Maple Valley School District",
    editor_name="Jordan Rivera",
    editor_email="jrivera@maplevalley.example.org",
    time_zone="America/Chicago",
    footer="You get Tech Tidbits because you are on staff at Maple Valley.",
)

SUBJECTS = ["ELA", "Math", "Science", "Social Studies", "Art", "Music", "World Languages"]


def sample_issue(**changes) -> Issue:
    issue = Issue(
        number=12,
        date=dt.date(2026, 11, 27),
        subject="Tech Tidbits #12 - Nov 27, 2026",
        masthead=MASTHEAD,
        sections=list(SECTIONS),
        preheader="New tools: Padlet",
        intro="Hello **staff**, see [our site](https://district.example.org/tech).",
        tools=[
            Tool(
                name="Padlet & Co",
                url="https://padlet.com",
                summary="A *shared* wall.",
                idea="Start a unit with it.",
                grades=["3-5"],
                subjects=["ELA"],
                cost="freemium",
                platforms=["web"],
                privacy="No accounts.",
            )
        ],
        events=[
            Event(
                title="Tech Talk",
                start=dt.datetime(2026, 12, 3, 12, tzinfo=CHICAGO),
                end=dt.datetime(2026, 12, 3, 12, 45, tzinfo=CHICAGO),
                place="https://meet.example.org/x",
                signup="https://forms.example.org/s",
            )
        ],
        tips=[ShortNote(text="Press Ctrl+Shift+V.", title="Paste plain")],
        feed_items=[
            FeedItem(
                title="5 ways to use AI <safely>",
                link="https://blog.example.org/a",
                source="Blog",
                summary="Tips & tricks.",
                published=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
            )
        ],
    )
    for key, value in changes.items():
        setattr(issue, key, value)
    return issue


def full_issue() -> Issue:
    tools = [
        Tool(
            name=f"Classroom Tool {n}",
            url=f"https://tool{n}.example.org/for-teachers",
            summary=(
                f"Tool {n} lets students build, share and revise their work together, with "
                "templates for exit tickets, reading responses and lab reports. It works "
                "with Google Classroom and keeps a history of every change."
            ),
            idea=(
                "Use it for a gallery walk: each group posts a draft, visits two others and "
                "leaves one 'glow' and one 'grow' comment before revising."
            ),
            grades=["3-5", "6-8"] if n % 2 else ["9-12"],
            subjects=SUBJECTS[n % 7 : n % 7 + 2],
            cost=["free", "freemium", "paid"][n % 3],
            platforms=["web", "iPad", "Chromebook"],
            privacy=(
                "Students join with a class code; no email address needed. The district "
                "has a signed data privacy agreement on file."
            ),
            requested_by="Ms. Alvarez, 4th grade" if n % 3 == 0 else "",
        )
        for n in range(1, 11)
    ]
    events = [
        Event(
            title=f"Tech Talk {n}: Google Forms quizzes",
            start=dt.datetime(2026, 12, 2 + 7 * n, 12, tzinfo=CHICAGO),
            end=dt.datetime(2026, 12, 2 + 7 * n, 12, 45, tzinfo=CHICAGO),
            place="Library, room 114" if n % 2 else "https://meet.example.org/tech-talk",
            signup=f"https://forms.example.org/talk-{n}",
            description="Bring your lunch and a laptop; leave with a quiz ready for Monday.",
        )
        for n in range(3)
    ]
    items = [
        FeedItem(
            title=f"Blog post {n}: five ways to use exit tickets with AI feedback",
            link=f"https://blog{n % 8}.example.org/2026/11/post-{n}",
            source=f"Edtech Blog {n % 8}",
            published=dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC) - dt.timedelta(hours=n),
            summary=(
                "Exit tickets tell you who got it and who did not. These five routines "
                "take under five minutes, work on Chromebooks and iPads, and give "
                "students feedback they can act on the next day, without adding to "
                "your grading pile. Includes templates to copy."
            ),
            section="citizenship" if n % 10 == 0 else "feeds",
        )
        for n in range(40)
    ]
    return Issue(
        number=12,
        date=dt.date(2026, 11, 27),
        subject="Tech Tidbits #12 - Nov 27, 2026",
        masthead=MASTHEAD,
        sections=list(SECTIONS),
        preheader="New tools: Classroom Tool 1, Classroom Tool 2 and more",
        intro=(
            "Happy Friday! Ten finds this week, from your requests. "
            "See [the catalog](https://district.example.org/tech) for earlier ones."
        ),
        tools=tools,
        events=events,
        tips=[
            ShortNote(
                text="Press **Ctrl+Shift+V** to paste without formatting.",
                title="Paste plain",
                url="https://support.example.org/paste",
            )
        ],
        citizenship=[
            ShortNote(
                text="Zoom in, search it, check the source.",
                title="Is that photo real?",
                url="https://www.commonsense.org/education",
            )
        ],
        links=[
            Link(
                title="Hour of Code activities",
                url="https://hourofcode.com/learn",
                note="CS Education Week is December 7-13.",
            )
        ],
        feed_items=items,
    )
