"""The installed package carries its templates and starter files, so a plain
(non-editable) `pip install .` works from any folder."""

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_wheel_ships_templates_and_starter_files(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("newsletter-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("email.html.j2", "email.txt.j2", "archive.md.j2"):
        assert f"newsletter/templates/{name}" in names
    for name in (
        "newsletter.yaml",
        "feeds.yaml",
        "notes/tools.yaml",
        "notes/intro.md",
        "gitignore",
    ):
        assert f"newsletter/starter_files/{name}" in names
    assert not any(name.startswith(("tests/", "issues/", "notes/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "newsletter = newsletter.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
