"""`newsletter init`: a new workspace from the commented files in starter_files/."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from newsletter.errors import InputError, NewsletterError, shown
from newsletter.workspace.files import write_atomically

STARTER_FILES = Path(str(resources.files("newsletter") / "starter_files"))
# Files whose names cannot be shipped as they are.
RENAMED = {"gitignore": ".gitignore"}


# What the starter newsletter.yaml says until the editor puts in their own.
PLACEHOLDERS = ("Your Name", "your-district.example.org", "Your School District")


def placeholders_left(path: Path) -> list[str]:
    """Each line of a settings file that still has the starter's placeholder text
    (comments aside), as 'newsletter.yaml:8: ...' warnings."""
    if not path.is_file():
        return []
    found = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for placeholder in PLACEHOLDERS:
            if placeholder in line:  # as the starter writes it: 'your name' is a sentence
                found.append(
                    f"{shown(path)}:{number}: '{placeholder}' is the starter's placeholder; "
                    "put in your own before staff see it."
                )
    return found


def starter_text(relative: str) -> str:
    """The starter copy of a workspace file, e.g. 'notes/tools.yaml'."""
    return (STARTER_FILES / relative).read_text(encoding="utf-8")


def create_workspace(root: Path, title: str) -> list[Path]:
    """Write the starter files into `root`; refuse, writing nothing, if any exists."""
    root = Path(os.path.abspath(root))  # messages name the files once, not ws/ws/...
    sources = sorted(p for p in STARTER_FILES.rglob("*") if p.is_file())
    targets = {
        src: root / RENAMED.get(src.name, str(src.relative_to(STARTER_FILES))) for src in sources
    }
    existing = [t for t in targets.values() if t.exists()]
    existing += [
        parent
        for t in targets.values()
        for parent in t.relative_to(root).parents
        if str(parent) != "." and (root / parent).exists() and not (root / parent).is_dir()
    ]
    existing = [p if p.is_absolute() else root / p for p in dict.fromkeys(existing)]
    if existing:
        names = ", ".join(shown(t) for t in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise NewsletterError(
            f"{names}{more} already exist; init never overwrites a file.",
            hint="Use an empty folder: 'newsletter init NEW-FOLDER'.",
        )
    from email.utils import formataddr

    from newsletter.workspace import validate

    try:
        title = validate.one_line(title)
    except ValueError as err:
        raise InputError(f"--title: {err}.") from None
    quoted = json.dumps(title, ensure_ascii=False)  # a valid YAML string, whatever the title
    mailbox = formataddr((title, "newsletter@your-district.example.org"))  # quoted if need be
    sender = json.dumps(mailbox, ensure_ascii=False)
    for src, target in targets.items():
        text = src.read_text(encoding="utf-8")
        if src.name == "newsletter.yaml":
            text = text.replace("__TITLE__", quoted).replace("__SENDER__", sender)
        write_atomically(target, text)
    return list(targets.values())
