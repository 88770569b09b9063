"""Writing files so that they are never lost half-written.

Everything barenn writes to disk (models, pictures, reports, downloads) goes to a
temporary file in the same directory first and is then moved into place with
``os.replace``, which is atomic on POSIX and Windows: a reader sees either the old
file or the whole new one, never a torn one.
"""

import os
import tempfile


def atomic_write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically; return the path as a string."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        # mkstemp creates the file owner-only (0600); give it the mode an ordinary
        # open() would: an existing file keeps its mode, a new one gets 0666 less umask.
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path, text, encoding="utf-8"):
    """Write ``text`` to ``path`` atomically (UTF-8 by default); return the path."""
    return atomic_write_bytes(path, text.encode(encoding))
