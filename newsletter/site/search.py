"""The public site's search: Pagefind, run on the built pages, in bundles.

Pagefind indexes a whole folder each time it runs. So that a rebuild after one new
issue does not index ten years of pages again, the pages are split into bundles of
at most BUNDLE_PAGES (`pagefind/1/`, `pagefind/2/`, ...) and a small one for
recent pages (`pagefind/0/`); only a bundle with a page added, removed or changed
is indexed again. The search box merges the bundles (Pagefind's mergeIndex), so a
reader searches them all at once.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

BUNDLE_PAGES = 500  # a bundle of the past
RECENT_PAGES = 60  # the bundle new pages go to first: indexed again each week, so small
RECENT = "0"
FOLDER = "pagefind"


def bundles_for(pages: dict[str, str], last: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Each indexed page's bundle, and the bundles to index again. `pages` maps each
    page to a digest of what it shows; `last` is what the last build recorded.

    A page keeps its bundle. New pages go to the small recent bundle; when it would
    overflow, its pages and the new ones move to the newest bundle with room (or a
    new one), so a week's pages cost the indexing of a few dozen, and a bundle of
    the past is indexed again only when one of its pages changes."""
    old_bundles = {
        str(name): members
        for name, members in _part(last, "bundles", dict).items()
        if isinstance(members, list) and all(isinstance(page, str) for page in members)
    }  # a damaged record: those bundles are made again
    old_shown = _part(last, "shown", dict)
    bundles: dict[str, list[str]] = {}
    dirty: set[str] = {str(name) for name in _part(last, "dirty", list)}
    placed: set[str] = set()
    for name, members in old_bundles.items():
        if not isinstance(members, list) or not str(name).isdigit():
            continue
        kept = [page for page in members if page in pages and page not in placed]
        placed.update(kept)
        if len(kept) != len(members) or any(old_shown.get(p) != pages[p] for p in kept):
            dirty.add(name)
        if kept:
            bundles[name] = kept
    new = sorted(page for page in pages if page not in placed)
    recent = bundles.get(RECENT, [])
    if len(recent) + len(new) <= RECENT_PAGES:
        if new:
            bundles[RECENT] = recent + new
            dirty.add(RECENT)
    else:
        if bundles.pop(RECENT, None) is not None:
            dirty.add(RECENT)  # emptied: its folder goes
        for page in recent + new:
            name = _bundle_with_room(bundles)
            bundles.setdefault(name, []).append(page)
            dirty.add(name)
    return {"bundles": bundles, "shown": pages}, dirty


def _part(last: dict[str, Any], name: str, kind: type) -> Any:
    """A part of the last build's record, or an empty one when it is not what it should be."""
    value = last.get(name)
    return value if isinstance(value, kind) else kind()


def _bundle_with_room(bundles: dict[str, list[str]]) -> str:
    """The newest bundle of the past with room, or the next one."""
    numbers = sorted(int(name) for name in bundles if name != RECENT)
    if numbers and len(bundles[str(numbers[-1])]) < BUNDLE_PAGES:
        return str(numbers[-1])
    return str((numbers[-1] if numbers else 0) + 1)


def bundle_paths(state: dict[str, Any]) -> list[str]:
    """The bundles' folders in the site, the first one the search box's own."""
    names = sorted(state.get("bundles", {}), key=int)
    return [f"{FOLDER}/{name}/" for name in names]


def unindexed(out: Path, state: dict[str, Any]) -> set[str]:
    """The bundles whose folder is missing or incomplete (deleted, or a run stopped)."""
    return {
        name
        for name in state.get("bundles", {})
        if not (out / FOLDER / name / "pagefind-entry.json").is_file()
    }


def index(out: Path, state: dict[str, Any], dirty: set[str]) -> list[str]:
    """Index the dirty bundles (two at a time) and remove the folders of bundles that
    are gone. Returns warnings; a bundle that failed stays dirty for the next build."""
    try:
        from pagefind.service import get_executable

        program = get_executable()
    except ImportError:
        program = None
    if program is None:
        state["dirty"] = sorted(state["bundles"])
        return [
            "Pagefind is not installed, so the site has no search. Install it with: "
            "pip install 'pagefind[bin]'"
        ]
    folder = out / FOLDER
    for stale in folder.iterdir() if folder.is_dir() else []:
        if stale.name not in state["bundles"]:  # a bundle emptied, or an older layout
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    todo = sorted(name for name in dirty if name in state["bundles"])
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        failures = list(pool.map(lambda name: _index_bundle(program, out, name, state), todo))
    failed = [(name, error) for name, error in zip(todo, failures, strict=True) if error]
    state["dirty"] = [name for name, _ in failed]
    return [f"Pagefind could not index the site: {error}" for _, error in failed[:1]]


def _index_bundle(program: Path, out: Path, name: str, state: dict[str, Any]) -> str:
    """Index one bundle's pages into pagefind/NAME/; '' when it worked.

    Pagefind reads a folder that holds the bundle's pages alone, linked rather than
    copied (told to pick 250 of 5,000 pages by a pattern, it spends its time matching
    names), beside the site so that nothing of it is ever published. It writes into
    a new folder that then takes the old one's place: the search keeps working on a
    live site meanwhile, and a run stopped halfway leaves the old bundle whole."""
    target = out / FOLDER / name
    stage = out.parent / f".{out.name}-{FOLDER}-{name}"
    fresh = out / FOLDER / f".{name}-new"
    for leftover in (stage, fresh):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        fresh.mkdir(parents=True)  # a folder Pagefind cannot write to makes it hang: fail first
        for page in state["bundles"][name]:
            (stage / page).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(out / page, stage / page)
            except OSError:  # a file system without links
                shutil.copyfile(out / page, stage / page)
        command = [str(program), "--site", str(stage), "--output-path", str(fresh.resolve())]
        done = subprocess.run([*command, "--quiet"], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            return done.stderr.strip()[-300:] or f"Pagefind exited with {done.returncode}"
        old = out / FOLDER / f".{name}-old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as err:
        return f"{err.filename or ''}: {err.strerror or err}".lstrip(": ")
    except subprocess.TimeoutExpired:
        return "Pagefind took more than 5 minutes and was stopped"
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(fresh, ignore_errors=True)
    return ""
