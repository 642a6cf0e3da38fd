"""One or two examples for each command, shown at the end of its --help (the Group
in group.py adds them); a test runs each one's options through the command's
parser, so an example never shows an option that does not exist."""

EXAMPLES: dict[str, list[str]] = {
    "init": ['newsletter init ~/tech-tidbits --title "Tech Tidbits"'],
    "add-tool": [
        'newsletter add-tool "Padlet" --url https://padlet.com --summary "A shared wall" '
        "--grades K-12 --cost freemium",
        'newsletter add-tool "Fraction Wall" --url https://fractionwall.example.org '
        "--grades 3-5 --answers R3",
    ],
    "add-event": [
        'newsletter add-event "Tech Talk: Google Forms" --when "2026-12-03 12:00" '
        '--place "Library"',
        'newsletter add-event "Tech Talk" --every "2 weeks" --from 2026-12-03 '
        "--until 2027-06-10 --at 12:00-12:40",
    ],
    "add-link": [
        'newsletter add-link "Common Sense reviews" --url https://www.commonsense.org/education '
        '--note "Ratings for apps"'
    ],
    "add-tip": [
        'newsletter add-tip "Press **Ctrl+Shift+V** to paste without formatting."',
        'newsletter add-tip "Think before you post." --citizenship --title "Digital footprints"',
    ],
    "request": [
        'newsletter request "An app for fraction practice" --from "Ms. Alvarez" --grades 3-5'
    ],  # fmt: skip
    "requests": ["newsletter requests", "newsletter requests --all"],
    "answer": [
        'newsletter answer R3 --already "Padlet"',
        'newsletter answer R4 --decline "The district has no budget for it this year"',
    ],
    "notes": ["newsletter notes", "newsletter notes tools"],
    "edit": ["newsletter edit tools", "EDITOR=nano newsletter edit events"],
    "remove": ["newsletter remove tools 2", "newsletter remove tips 1 --yes"],
    "build": ["newsletter build", "newsletter build --date 2026-12-04 --offline"],
    "fetch": ["newsletter fetch", "newsletter fetch --strict"],
    "feeds": [
        "newsletter feeds",
        "newsletter feeds add https://www.controlaltachieve.com",
        "newsletter feeds import subscriptions.opml",
        "newsletter feeds export --out site/blogs.opml",
    ],
    "preview": ["newsletter preview", "newsletter preview 12 --text --print"],
    "list": ["newsletter list", "newsletter list --json"],
    "show": ["newsletter show 12", "newsletter show 2026-12-04:elementary --format text"],
    "discard": ["newsletter discard 14", "newsletter discard 2026-12-18 --yes"],
    "search": [
        "newsletter search fractions --grades 3-5",
        'newsletter search "exit ticket" --json',
    ],
    "tools": ["newsletter tools --subject Math", "newsletter tools --format csv > tools.csv"],
    "calendar": ["newsletter calendar --out events.ics"],
    "talks": ["newsletter talks", "newsletter talks --all"],
    "talk-topic": ['newsletter talk-topic 2026-12-17 "Quizzes with Google Forms"'],
    "vet": [
        'newsletter vet "Padlet" --status approved --grades K-12 --agreement ndpa '
        "--dpa https://sdpc.a4l.org/district_listing.php --signed 2025-08-01 "
        "--expires 2028-08-01",
        'newsletter vet "Gimkit" --status not-approved --conditions "no signed DPA"',
    ],
    "approvals": [
        "newsletter approvals --expiring 60",
        "newsletter approvals --status approved --format csv > approved-tools.csv",
        "newsletter approvals import learnplatform-export.csv --column='Product Title=name'",
    ],
    "talk-materials": [
        "newsletter talk-materials 2026-12-17 --slides https://docs.google.com/presentation/d/abc "
        "--recording https://drive.google.com/file/d/xyz",
    ],
    "talk-skip": ["newsletter talk-skip 2027-01-14", "newsletter talk-skip 2027-01-14 --undo"],
    "attendance": [
        "newsletter attendance 2026-12-10 'Tech Talk sign-in (Responses).csv'",
        "newsletter attendance 2026-12-10 signin.csv --column='School email=email'",
    ],
    "attended": ["newsletter attended 2026-12-10 mlopez@your-district.org"],
    "pd": [
        "newsletter pd",
        "newsletter pd --format csv > pd-hours.csv",
        "newsletter pd certificate mlopez@your-district.org",
    ],
    "citizenship": ["newsletter citizenship", "newsletter citizenship --coverage"],
    "school-year": [
        "newsletter school-year",
        "newsletter school-year import district-calendar-2026-27.ics",
        "newsletter school-year import calendar.ics --first-day 2026-08-24 --print",
    ],
    "site": ["newsletter site --serve", "newsletter site --out /var/www/newsletter"],
    "send": [
        "newsletter send --to you@your-district.org",
        "newsletter send --dry-run",
    ],
    "cron": ["newsletter cron --at 07:00", "newsletter cron --check"],
    "job": ["newsletter job --dry-run"],
    "check": ["newsletter check", "newsletter check --links"],
    "templates": ["newsletter templates", "newsletter templates --copy email.html.j2"],
}
