"""Reading the editor's text files, and writing files so that an interrupted
command never leaves one half-written."""

import os
import tempfile
from pathlib import Path

from newsletter.errors import InputError, shown


def read_text(path: Path) -> str:
    """A text file the editor may have saved in any editor: it must be UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise InputError(
            f"{shown(path)}:{line}: not UTF-8 text.",
            hint="Save the file as UTF-8 in your editor.",
        ) from None


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder.

    os.replace is atomic on one file system, so a reader (or a crash) sees
    either the old file or the new one, never a mix.
    """
    write_bytes_atomically(path, text.encode("utf-8"), durable=True)


def write_bytes_atomically(path: Path, data: bytes, durable: bool = False) -> None:
    """The same as write_atomically, for bytes. `durable` waits until the data is on
    disk: worth it for what the editor wrote, not for a cache that can be fetched again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            if durable:
                tmp.flush()
                os.fsync(tmp.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except OSError as err:
        Path(tmp_name).unlink(missing_ok=True)
        # Name the file the editor knows, not our temporary one.
        raise OSError(err.errno, err.strerror, str(path)) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
