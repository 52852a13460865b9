"""Reading a user's file within bounds: a regular file, no larger than its limit.

What is checked, before any byte is read:
  1. The file is opened without blocking and checked with fstat: a directory, a named pipe
     (reading it would wait for a writer forever), a device (/dev/zero never ends) or a
     socket is refused.
  2. Its size is checked against the limit from fstat: a 3 GB (sparse) file is refused
     without reading it.
  3. At most limit + 1 bytes are read, so a file that grows after the check is still refused
     as too large, with memory bounded by the limit.
The caller words the problem (`BadFile.kind`) for its kind of file.
"""
from __future__ import annotations

import os
import stat


class BadFile(Exception):
    """kind: "missing", "directory", "special", "too_large" (detail: the size) or "unreadable" (detail: why)."""

    def __init__(self, kind: str, detail: object = None):
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def read_bounded(path: str | os.PathLike, limit: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BadFile("missing") from None
    except IsADirectoryError:
        raise BadFile("directory") from None
    except OSError as e:
        raise BadFile("unreadable", e.strerror or str(e)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise BadFile("directory")
        if not stat.S_ISREG(info.st_mode):
            raise BadFile("special")
        if info.st_size > limit:
            raise BadFile("too_large", info.st_size)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        raise BadFile("unreadable", e.strerror or str(e)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise BadFile("too_large", len(data))
    return data
