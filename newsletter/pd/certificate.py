"""A teacher's PD summary, for their own licence file: a printable HTML page (its
print styles), and a PDF printed from it by headless Chromium (Debian's, or any on
the PATH) when there is one."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from newsletter.errors import NewsletterError
from newsletter.pd.hours import PersonHours
from newsletter.workspace.files import write_atomically, write_bytes_atomically
from newsletter.workspace.settings import Settings

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_SECONDS = 60


def certificate_html(person: PersonHours, settings: Settings, span: str, today: dt.date) -> str:
    from newsletter.email.render import render_template, template_environment
    from newsletter.workspace.colors import palette

    env = template_environment(None)  # the built-in page: the same for every district
    return render_template(
        env, "pd/certificate.html.j2", person=person, title=settings.title,
        organization=settings.organization, span=span, today=today,
        editor_name=settings.editor_name, editor_title=settings.editor_title,
        editor_email=settings.editor_email, accent=palette(settings.colors)["accent"],
        language=settings.language,
    )  # fmt: skip


def file_stem(person: PersonHours, start: dt.date | None, end: dt.date | None) -> str:
    """'pd-mlopez-maplevalley-2026-27': the person (by address: two of one name at two
    schools are two files), and the school year the summary covers."""
    name, _, domain = person.email.lower().partition("@")
    local = re.sub(r"[^a-z0-9]+", "-", f"{name}-{domain.split('.')[0]}").strip("-")
    years = ""
    if start and end:
        years = f"-{start.year}" + (f"-{end.year % 100:02d}" if end.year != start.year else "")
    return f"pd-{local or 'person'}{years}"


def browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def write_certificate(html: str, folder: Path, stem: str) -> tuple[Path, Path | None]:
    """The page, and its PDF when a Chromium is there to print it (None otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{stem}.html"
    write_atomically(page, html)
    chromium = browser()
    if chromium is None:
        return page, None
    with tempfile.TemporaryDirectory() as scratch:
        printed = Path(scratch) / "out.pdf"
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                   "--no-pdf-header-footer", f"--user-data-dir={scratch}/profile",
                   f"--print-to-pdf={printed}", page.resolve().as_uri()]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=PRINT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise NewsletterError(f"{chromium} could not print the PDF ({err}).") from None
        if not printed.is_file() or not printed.read_bytes().startswith(b"%PDF"):
            raise NewsletterError(
                f"{chromium} printed no PDF of {page.name}.",
                hint="The HTML page prints from any browser (File, Print, Save as PDF).",
            )
        pdf = folder / f"{stem}.pdf"
        write_bytes_atomically(pdf, printed.read_bytes())
    return page, pdf
