"""What one unit's load looked at on disk, so that a cached model can be checked against
the disk before it is used again.

A unit's model depends on more than its own files: the files of the local and installed
modules it called, its variables files, ``modules.json``, the nested templates of a
template, and on what was *not* there (a module directory that did not exist, a ``.tf``
file added next to the others since). The front ends do not report this: every file they
read goes through ``scanner.parsers.common.read_text``, which tells the recorder active
for the current load (if any), and the few places that list a directory or test whether
a path exists tell it too (``note_listing``, ``note_probe``). A ``Reads`` then holds, per
path, a fingerprint of what was seen; ``Reads.still_valid`` recomputes each fingerprint
and says whether the disk still shows the same thing.

Fingerprints are taken from what the load actually saw (the bytes read, the listing made),
never from a second look afterwards, so a file edited during the scan cannot leave a
cache entry that pairs old content with a new fingerprint.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import field
from pathlib import Path

from scanner.digest import sha256
from scanner.parsers.paths import real_str
from scanner.valueclass import ValueObject, value_class

__all__ = ["Reads", "file_print", "note_file", "note_listing", "note_probe", "recording"]

_current: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("trailscan_reads", default=None)


def _digest(data: bytes) -> str:
    return sha256(data).hexdigest()[:40]


def file_print(path: str, max_bytes: int, data: bytes | None = None, seen: os.stat_result | None = None) -> str:
    """A file's fingerprint: its content's digest; for a file over the size limit (never
    read) its size and modification time; ``-`` when it cannot be read.

    With ``seen`` (the file's ``stat`` taken *before* ``data`` was read) the digest is
    followed by ``|`` and the file's stamp (``_stamp``), which lets the next run accept an
    unchanged file from one ``stat`` instead of reading and digesting it again."""
    try:
        if data is None:
            st = os.stat(path)
            if st.st_size > max_bytes:
                return f"large:{st.st_size}:{st.st_mtime_ns}"
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        digest = _digest(data)
    except OSError:
        return "-"
    stamp = _stamp(seen) if seen is not None else ""
    return f"{digest}|{stamp}" if stamp else digest


# A file modified this recently (nanoseconds) when it was read gets no stamp: on a file
# system with coarse timestamps a second write within the same tick would leave every
# field of its ``stat`` as it was ("racily clean", as git calls it), so its content is
# digested again next time.
_RACY_NS = 3_000_000_000


def _stamp(st: os.stat_result) -> str:
    """What changes whenever a file's content does: size, modification and change times
    (the change time cannot be set back by ``touch``), inode and device; "" for a file
    modified too recently to be trusted by its stamp."""
    if st.st_mtime_ns >= time.time_ns() - _RACY_NS or st.st_ctime_ns >= time.time_ns() - _RACY_NS:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


def file_unchanged(path: str, recorded: str, max_bytes: int) -> bool:
    """Whether the file still matches the fingerprint ``recorded``: by its stamp when the
    fingerprint has one and the file's ``stat`` still gives it, else by its content."""
    digest, _, stamp = recorded.partition("|")
    if stamp:
        try:
            if _stamp(os.stat(path)) == stamp:
                return True
        except OSError:
            return False
    return file_print(path, max_bytes) == digest


def listing_print(directory: str) -> str:
    """A directory's fingerprint: the sorted names of its entries, a symlink with its
    target (retargeting a link can move a file out of the scan root). A directory the
    scan's discovery already listed (``listings_seen``) is not listed again."""
    known = _seen_listings.get(directory) if _seen_listings is not None else None
    if known is not None:
        return known
    try:
        with os.scandir(directory) as entries:
            return listing_of(entries)
    except OSError:
        return "-"


def listing_of(entries: Iterable[os.DirEntry[str]]) -> str:
    """The fingerprint of a directory from its entries (``listing_print``)."""
    names = []
    for entry in entries:
        name = entry.name
        if entry.is_symlink():
            try:
                name += " -> " + os.readlink(entry.path)
            except OSError:
                name += " -> ?"
        elif entry.is_dir():
            name += "/"
        names.append(name)
    return _digest("\n".join(sorted(names)).encode("utf-8", "surrogateescape"))


# The fingerprints of the directories listed so far in this scan (``listings_seen``).
_seen_listings: dict[str, str] | None = None


@contextlib.contextmanager
def listings_seen() -> Iterator[None]:
    """Within: a directory that discovery listed (``saw_listing``) is not listed again to
    check a cache entry (the disk is taken not to change under a scan)."""
    global _seen_listings
    outermost = _seen_listings is None
    if outermost:
        _seen_listings = {}
    try:
        yield
    finally:
        if outermost:
            _seen_listings = None


def saw_listing(directory: str, entries: Iterable[os.DirEntry[str]]) -> None:
    """Discovery listed ``directory`` (as given: absolute) and found ``entries``."""
    if _seen_listings is not None:
        _seen_listings[directory] = listing_of(entries)


def probe_print(path: str) -> str:
    """Whether ``path`` exists, as what, and where it leads (its real path: a module
    directory reached through a symlink may move out of the scan root)."""
    parent, name = os.path.split(path)
    if name not in ("", ".", "..") and parent and parent != path:
        # The common case in one ``lstat``: no symlink at the end, so the real path is the
        # parent's and the kind is what ``lstat`` says (a missing name included).
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            mode = 0
        except (OSError, ValueError):
            mode = stat.S_IFLNK  # looked at below the long way
        if not stat.S_ISLNK(mode):
            return f"{_kind(mode)}:{os.path.join(real_str(parent), name)}"
    real = real_str(path)
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        mode = 0
    return f"{_kind(mode)}:{real}"


def _kind(mode: int) -> str:
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "none"


@value_class(frozen=False)
class Reads(ValueObject):
    """Fingerprints of the files, listings and existence tests of one load (absolute
    paths as given to the OS)."""

    max_bytes: int
    files: dict[str, str] = field(default_factory=dict)
    listings: dict[str, str] = field(default_factory=dict)
    probes: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Reads) -> None:
        for mine, theirs in ((self.files, other.files), (self.listings, other.listings),
                             (self.probes, other.probes)):
            for path, value in theirs.items():
                mine.setdefault(path, value)

    def still_valid(self) -> bool:
        """Whether every fingerprint still matches the disk."""
        return (
            all(probe_print(p) == v for p, v in self.probes.items())
            and all(listing_print(p) == v for p, v in self.listings.items())
            and all(file_unchanged(p, v, self.max_bytes) for p, v in self.files.items())
        )

    def as_data(self) -> dict[str, list[list[str]]]:
        return {
            "files": sorted([p, v] for p, v in self.files.items()),
            "listings": sorted([p, v] for p, v in self.listings.items()),
            "probes": sorted([p, v] for p, v in self.probes.items()),
        }

    @staticmethod
    def data_still_valid(data: object, max_bytes: int) -> bool:
        """``Reads.from_data(data, max_bytes).still_valid()`` without building the tables: a
        warm run checks an entry per unit, and most of them are never needed as ``Reads``
        (``ValueError`` where ``from_data`` raises one; a path written twice must match with
        every fingerprint given for it)."""
        tables = _tables(data)
        return (
            all(probe_print(p) == v for p, v in tables["probes"])
            and all(listing_print(p) == v for p, v in tables["listings"])
            and all(file_unchanged(p, v, max_bytes) for p, v in tables["files"])
        )

    @staticmethod
    def from_data(data: object, max_bytes: int) -> Reads:
        """The inverse of ``as_data``; ``ValueError`` on anything else."""
        reads = Reads(max_bytes=max_bytes)
        for name, items in _tables(data).items():
            table = getattr(reads, name)
            for path, value in items:
                table[path] = value
        return reads


def _tables(data: object) -> dict[str, list[list[str]]]:
    """The three tables of ``Reads.as_data``'s shape, checked (``ValueError`` otherwise)."""
    if not isinstance(data, dict):
        raise ValueError("reads: not an object")
    tables = {}
    for name in ("files", "listings", "probes"):
        items = data.get(name)
        if not isinstance(items, list):
            raise ValueError(f"reads: {name} is not a list")
        for item in items:
            if not (isinstance(item, list) and len(item) == 2 and type(item[0]) is str and type(item[1]) is str):
                raise ValueError(f"reads: bad {name} entry")
        tables[name] = items
    return tables


@contextlib.contextmanager
def recording(reads: Reads) -> Iterator[Reads]:
    """Record into ``reads`` what the code run inside looks at."""
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


def _key(path: Path | str) -> str:
    return os.path.abspath(path)


def note_file(path: Path | str, data: bytes | None, seen: os.stat_result | None = None) -> None:
    """A file was read (``data``: its bytes; ``seen``: its ``stat`` from before the read)
    or could not be (``None``)."""
    reads = _current.get()
    if reads is None:
        return
    key = _key(path)
    if key not in reads.files:
        reads.files[key] = file_print(key, reads.max_bytes, data, seen) if data is not None else (
            file_print(key, reads.max_bytes)
        )


def note_listing(directory: Path | str) -> None:
    """A directory was listed: the load depends on which entries it has."""
    reads = _current.get()
    if reads is None:
        return
    key = _key(directory)
    if key not in reads.listings:
        reads.listings[key] = listing_print(key)


def note_probe(path: Path | str) -> None:
    """The load asked whether ``path`` exists (a module directory, a variables file)."""
    reads = _current.get()
    if reads is None:
        return
    key = _key(path)
    if key not in reads.probes:
        reads.probes[key] = probe_print(key)
