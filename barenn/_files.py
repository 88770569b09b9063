"""Writing files so that they are never lost half-written, and reading only files.

Everything barenn writes to disk (models, pictures, reports, downloads) goes to a
temporary file in the same folder first and is then moved into place with
``os.replace``, which is atomic on POSIX and Windows: a reader sees either the old
file or the whole new one, never a torn one.

The rules for a target ``path`` (``check_write_target``):

* it is a str or an ``os.PathLike`` (an int would be taken for a file descriptor);
* its folder must exist when ``make_parents=False``: a missing one is then a
  FileNotFoundError naming it. Model files (``Network.save``, ``saving.write_json``)
  are written so: nothing is created behind the user's back. Pictures and reports
  (``plot``, ``graph``, ``explore``; the lessons' ``--out barenn-out``) keep the
  default ``make_parents=True``, which creates the missing folders first;
* a symlink is written *through*: the file it points to gets the new contents and
  the link stays a link;
* an existing target that is not a regular file is refused: a folder is an
  IsADirectoryError, a fifo, device or socket a ValueError (it is never replaced
  by a regular file).

The temporary file is ``.<name>.<pid>.<random>.tmp``. It is removed when the write
fails; if the process was killed mid-write (SIGKILL leaves no chance to clean up),
the next write to the same file removes the temporary files of processes that no
longer exist.

Reading (``open_regular``) likewise refuses anything but a regular file, so a
fifo or a device can never make a load hang or read forever.
"""

import os
import stat
import tempfile
import time

from barenn.checks import check_path

__all__ = ["atomic_write_bytes", "atomic_write_text", "check_write_target", "open_regular",
           "file_kind", "remove_stale_temporaries", "STALE_SECONDS"]

# Where a process cannot be asked whether it still runs (not POSIX), a temporary
# file is taken for stale once it is this old.
STALE_SECONDS = 24 * 3600


def file_kind(mode):
    """'a folder', 'a fifo', ... for an ``os.stat`` mode (for messages)."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a fifo (named pipe)"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISREG, "a regular file")):
        if test(mode):
            return words
    return "not a regular file"


def check_write_target(path, owner="write", make_parents=False):
    """The real file a write to ``path`` goes to (symlinks followed), after the
    checks of the module docstring. Returns (path as given, as a str; target)."""
    path = check_path(owner, "path", path)
    if make_parents:
        folder = os.path.dirname(os.path.realpath(path))
        if not os.path.exists(folder):
            try:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:  # a file on the way
                raise NotADirectoryError(f"{owner}: cannot write {path}: a folder on the "
                                         "way is a file") from None
            except NotADirectoryError:
                raise NotADirectoryError(f"{owner}: cannot write {path}: a folder on the "
                                         "way is a file") from None
    target = os.path.realpath(path)  # follows symlinks, dangling ones too
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # the folder checks below say what is wrong
    except OSError as error:  # a symlink loop, a name too long, ...
        raise ValueError(f"{owner}: cannot write {path}: {error.strerror or error}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{owner}: cannot write {path}: it is a folder")
    if mode is not None and not stat.S_ISREG(mode):
        raise ValueError(f"{owner}: cannot write {path}: it is {file_kind(mode)}, "
                         "not a regular file; give the name of a file")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        if os.path.exists(folder):
            raise NotADirectoryError(f"{owner}: cannot write {path}: {folder} is not a folder")
        raise FileNotFoundError(f"{owner}: cannot write {path}: the folder {folder} "
                                "does not exist (create it first)")
    return path, target


def _temp_prefix(target):
    return "." + os.path.basename(target) + "."


def _process_alive(pid):
    if pid == os.getpid():
        return True  # perhaps another thread's write, going on now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or cannot tell: leave its file alone
    return True


def remove_stale_temporaries(target):
    """Remove the temporary files a killed write to ``target`` left behind (those of
    processes that no longer run); return how many were removed."""
    folder, prefix = os.path.dirname(target), _temp_prefix(target)
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit():
            continue
        if os.name == "posix":
            stale = not _process_alive(int(pid_text))
        else:  # os.kill(pid, 0) is not a harmless question on Windows
            try:
                stale = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            except OSError:
                stale = False
        if stale:
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


def atomic_write_bytes(path, data, owner="write", make_parents=True):
    """Write ``data`` (bytes) to ``path`` atomically; return the path as a string.

    ``owner`` (say "Network.save") starts the error messages. See the module
    docstring for what ``path`` may be; ``make_parents=False`` requires its folder
    to exist.
    """
    path, target = check_write_target(path, owner, make_parents)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{owner}: the data to write must be bytes, got {type(data).__name__}")
    remove_stale_temporaries(target)
    folder = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{_temp_prefix(target)}{os.getpid()}.",
                               suffix=".tmp")
    try:
        # mkstemp creates the file owner-only (0600); give it the mode an ordinary
        # open() would: an existing file keeps its mode, a new one gets 0666 less umask.
        try:
            mode = os.stat(target).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path, text, encoding="utf-8", owner="write", make_parents=True):
    """Write ``text`` to ``path`` atomically (UTF-8 by default); return the path."""
    if not isinstance(text, str):
        raise TypeError(f"{owner}: the text to write must be a str, got {type(text).__name__}")
    return atomic_write_bytes(path, text.encode(encoding), owner=owner, make_parents=make_parents)


def open_regular(path, owner="read", name="path"):
    """``path`` opened for reading bytes, if it is a regular file.

    A folder is an IsADirectoryError, a fifo or device a ValueError (opened without
    waiting, so a fifo with no writer cannot block), a missing file a
    FileNotFoundError; every message names ``owner`` and the path.
    """
    path = check_path(owner, name, path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"{owner}: no such file: {path}") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{owner}: cannot read {path}: it is a folder") from None
    except PermissionError:
        raise PermissionError(f"{owner}: cannot read {path}: permission denied") from None
    except NotADirectoryError:
        raise NotADirectoryError(f"{owner}: cannot read {path}: a folder on the way is a file") from None
    except OSError as error:  # a symlink loop, a name too long, ...
        raise ValueError(f"{owner}: cannot read {path}: {error.strerror or error}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(f"{owner}: cannot read {path}: it is a folder")
        if not stat.S_ISREG(mode):
            raise ValueError(f"{owner}: cannot read {path}: it is {file_kind(mode)}, "
                             "not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
