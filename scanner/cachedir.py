"""The Cache Directory Tagging convention (https://bford.info/cachedir/): a directory
holding a file ``CACHEDIR.TAG`` that starts with the signature below is a cache.

trailscan tags its cache directory so, and its walk never enters a tagged directory: a
cache inside a scanned repository (``--cache-dir .cache`` in CI, say) holds JSON files the
walk would otherwise read as candidate plans and templates, more of them after every run,
and would make a report depend on how many runs came before it. Backup tools that follow
the convention leave it out too.
"""

from __future__ import annotations

import os
import stat

__all__ = ["TAG_NAME", "is_tagged", "tag"]

TAG_NAME = "CACHEDIR.TAG"
_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
_TEXT = _SIGNATURE + (b"\n# This file is a cache directory tag created by trailscan.\n"
                      b"# For information about cache directory tags, see https://bford.info/cachedir/\n")


def tag(directory: str | os.PathLike[str]) -> None:
    """Tag ``directory`` as a cache (once; a failure only leaves it untagged)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(os.path.join(directory, TAG_NAME), flags, 0o600)
    except OSError:
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(_TEXT)


def is_tagged(directory: str) -> bool:
    """Whether ``directory`` holds a cache directory tag: a regular file (never a symlink,
    which could lead out of the scanned root; never a FIFO, whose opening would block)
    starting with the signature. Only called for a directory whose listing has the name."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(os.path.join(directory, TAG_NAME), flags)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return os.read(fd, len(_SIGNATURE)) == _SIGNATURE
    except OSError:
        return False
    finally:
        os.close(fd)
