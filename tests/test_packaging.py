"""The installed package carries its templates and starter files, so a plain
(non-editable) `pip install .` works from any folder."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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


def quick_start_commands() -> list[str]:
    """The README's two quick-start commands, in order."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0].strip() for block in section.split("```sh\n")[1:]]


def test_ci_runs_the_readmes_test_command():
    install_and_build, install_and_test = quick_start_commands()
    assert "pytest" in install_and_test and "newsletter build" in install_and_build
    ci = (REPO / ".ci" / "run").read_text()
    assert install_and_test in ci.splitlines()


DEBIAN_PYTHON = Path("/usr/bin/python3")


def test_the_quick_start_works_on_a_python_that_refuses_system_wide_installs(tmp_path):
    """Debian's and Ubuntu's own Python (PEP 668): `pip install .` is refused there, and
    the README's first command must still install and build. Offline, pip takes the
    wheels from a folder that .ci/run fills from the package index beforehand."""
    wheelhouse = os.environ.get("NEWSLETTER_TEST_WHEELHOUSE", "")
    if not wheelhouse or not Path(wheelhouse).is_dir():
        pytest.skip("set NEWSLETTER_TEST_WHEELHOUSE to a folder of wheels (.ci/run makes one)")
    if not DEBIAN_PYTHON.is_file():
        pytest.skip("no /usr/bin/python3 (Debian: apt-get install python3 python3-venv)")
    stdlib = subprocess.run(
        [DEBIAN_PYTHON, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not (Path(stdlib) / "EXTERNALLY-MANAGED").is_file():
        pytest.skip(f"{DEBIAN_PYTHON} is not marked EXTERNALLY-MANAGED (PEP 668)")
    checkout = tmp_path / "checkout"
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    env = {
        "PATH": f"{DEBIAN_PYTHON.parent}:/bin",  # python3 is Debian's
        "HOME": str(tmp_path),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": wheelhouse,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    refused = subprocess.run(
        ["python3", "-m", "pip", "install", "--dry-run", "."],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    if "No module named pip" not in refused.stderr:  # Debian's pip is a package of its own
        assert refused.returncode != 0
        assert "externally-managed-environment" in refused.stderr + refused.stdout
    first, _ = quick_start_commands()
    done = subprocess.run(
        ["/bin/sh", "-c", first], cwd=checkout, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Built issue #2" in done.stderr
    assert list((checkout / "issues").glob("????-??-??.md"))[1:]  # the new one beside #1
