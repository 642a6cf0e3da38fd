"""Reading the editor's text files, and writing files so that an interrupted
command never leaves one half-written."""

import os
import stat
import tempfile
from pathlib import Path

from newsletter.errors import InputError, shown


def read_text(path: Path, data: bytes | None = None) -> str:
    """A text file the editor may have saved in any editor: it must be UTF-8. `data`
    is its bytes when they have been read already."""
    try:
        if data is not None:  # as read_text reads: universal newlines
            return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        line = (path.read_bytes() if data is None else data)[: err.start].count(b"\n") + 1
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
    disk: worth it for what the editor wrote, not for a cache that can be fetched again.

    Only a regular file is replaced: a device, a pipe or a socket (`--out /dev/null`,
    a FIFO, a link to /dev/stdout) is written into, and a link to a file keeps being
    a link, its file replaced."""
    named = path  # errors name the path the editor gave
    try:
        target = _file_to_replace(path)
        if target is None:
            _write_into(path, data)
            return
        path = target
        if not os.path.islink(named):  # a link to nothing: its folder is not ours to make
            path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        if _unnamed_write(path, data, durable, mode):
            return
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:  # a read-only folder: name the file, not a temporary one
        raise OSError(err.errno, err.strerror, str(named)) from None
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            if durable:
                tmp.flush()
                os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except OSError as err:
        Path(tmp_name).unlink(missing_ok=True)
        # Name the file the editor knows, not our temporary one.
        raise OSError(err.errno, err.strerror, str(named)) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _unnamed_write(path: Path, data: bytes, durable: bool, mode: int) -> bool:
    """Where Linux allows it (O_TMPFILE), the new text is written (and made durable)
    in a file with no name, which is named only at the last moment and then renamed
    over `path`: a command killed while it writes leaves no temporary file behind.
    False where this cannot be done (another system, a file system without it)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY, mode)
    except OSError:
        return False
    tmp_name = ""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
        os.fchmod(fd, mode)
        tmp_name = str(path.parent / f".{path.name}.{os.getpid()}.{id(data):x}.tmp")
        if not _name_it(fd, tmp_name):
            tmp_name = ""
            return False
        os.replace(tmp_name, path)
    except BaseException:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return True


def _name_it(fd: int, name: str) -> bool:
    """linkat(2) with AT_SYMLINK_FOLLOW, which gives an O_TMPFILE file a name (Python's
    os.link does not pass the flag on Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        at_fdcwd, at_symlink_follow = -100, 0x400
        source = f"/proc/self/fd/{fd}".encode()
        return libc.linkat(at_fdcwd, source, at_fdcwd, os.fsencode(name), at_symlink_follow) == 0
    except (OSError, AttributeError):
        return False


def _file_to_replace(path: Path) -> Path | None:
    """The regular file that `path` is or links to (to be replaced), or None when it
    is something else that is there (a device, a pipe: written into)."""
    try:
        found = os.stat(path)  # through links
    except FileNotFoundError:
        return Path(os.path.realpath(path))  # nothing there yet (or a link to nothing)
    if not stat.S_ISREG(found.st_mode):
        return None
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def _write_into(path: Path, data: bytes) -> None:
    """Write into a device or a pipe as it is. A pipe that nobody reads is an error
    (ENXIO), not a wait that never ends."""
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_together(files: list[tuple[Path, str]]) -> None:
    """Write several files as one unit: all of them change, or none does.

    Each new text is first written whole to a temporary file beside its target (a
    read-only folder or a full disk stops us here, before anything changed). Only
    then are they moved into place, in order; if a move fails, the ones already
    moved are put back as they were. The last file is the one that commits the
    unit (the archive, for a build)."""
    staged: list[tuple[Path, str]] = []
    current = files[0][0]
    try:
        for path, text in files:
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((path, tmp_name))
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(text.encode("utf-8"))
                tmp.flush()
                os.fsync(tmp.fileno())
            mode = path.stat().st_mode & 0o777 if path.is_file() else 0o644
            os.chmod(tmp_name, mode)
    except OSError as err:
        for _, tmp_name in staged:
            Path(tmp_name).unlink(missing_ok=True)
        # Name the file the editor knows, not our temporary one.
        raise OSError(err.errno, err.strerror, str(current)) from None
    except BaseException:
        for _, tmp_name in staged:
            Path(tmp_name).unlink(missing_ok=True)
        raise
    moved: list[tuple[Path, Path | None]] = []  # (target, a link to its old content)
    try:
        for path, tmp_name in staged:
            current = path
            backup = None
            if path.is_file():
                backup = path.with_name(f".{path.name}.{os.getpid()}.old")
                backup.unlink(missing_ok=True)
                os.link(path, backup)  # the old file stays in place until replaced
            try:
                os.replace(tmp_name, path)
            except OSError:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                raise
            moved.append((path, backup))
    except OSError as err:
        for path, backup in reversed(moved):
            if backup is not None:
                os.replace(backup, path)
            else:
                path.unlink(missing_ok=True)
        for _, tmp_name in staged:
            Path(tmp_name).unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(current)) from None
    for _, backup in moved:
        if backup is not None:
            backup.unlink(missing_ok=True)
