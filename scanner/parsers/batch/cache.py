"""The cache between runs: per-unit models, as JSON, checked against the disk before use.

Where an entry lives is decided by ``unit_key``: trailscan's code (its version, the
fingerprint of its source and of the parser libraries, the model's schema), the kind and
path of the unit, the input layers it is given (``jobs.Job.layers``: the configuration's
``inputs`` that match it, then the command line's variables, variables files and
parameters) and every other input of the run (``jobs.Inputs``: the scan root, the
limits). The entry holds the model and the fingerprints of every file the load read,
every directory it listed and every path it tested (``scanner.parsers.reads``): the
unit's own files, its local and installed modules and ``modules.json``, its ``tfvars``
and its layers' files, a ``terragrunt.hcl`` with the parents it includes, the parent
folders ``find_in_parent_folders`` looked in and the source module (or the copy in
``.terragrunt-cache``), a template's nested templates and parameter files. It is used
only while all of them still match, so editing any of them, or adding a ``.tf`` file,
makes the unit load again, and the new entry replaces the old one (one entry per unit and
inputs, not one per version of its files, so the cache does not grow with every edit).

Files are written whole to a temporary name and renamed into place, so a concurrent run
sees the old entry or the new one, never half of either. An entry that cannot be read,
decoded or trusted for any reason (truncated, corrupt, from another version) is a miss:
the unit is loaded and the entry rewritten. Entries hold models, never parse trees, and
are plain JSON (``codec``): a cache file cannot make trailscan run code. Terraform plans
are never cached: a plan holds sensitive values in clear, and its model would copy them
into the cache directory.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import json
import os
from pathlib import Path
from typing import Any

from scanner import __version__, cachedir
from scanner.digest import sha256
from scanner.model import Model
from scanner.parsers.batch import codec
from scanner.parsers.batch.jobs import (
    CLOUDFORMATION,
    TERRAFORM,
    Inputs,
    Job,
    Outcome,
    inputs_data,
    plain_data,
)
from scanner.parsers.reads import Reads
from scanner.valueclass import ValueObject, value_class

FORMAT = 1
# Names of files being written: unique within the process (the pid tells processes apart,
# and O_EXCL refuses a name that exists anyway).
_STAGING = itertools.count()
_O_BINARY = getattr(os, "O_BINARY", 0)
# Plans are not cached (see the module docstring); the model of an unread root is kept in
# its relevance entry (``load``), not in an entry of its own.
CACHED_KINDS = frozenset({TERRAFORM, CLOUDFORMATION})
_PARSER_LIBRARIES = ("lark", "hcl2", "yaml")


@functools.cache
def code_fingerprint() -> str:
    """What trailscan's models are made by: its version, the cache format, the model's
    schema, and the size and time of every module of the package and of the parser
    libraries, so an edited checkout or an upgraded python-hcl2 never reads entries an
    older code wrote (stat only: no file is read; with ``os.walk``, 1.5 ms of every run
    with the cache, where ``Path.rglob`` took 4 ms)."""
    parts = [__version__, str(FORMAT), codec.SCHEMA]
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    sources = []
    for directory, subdirectories, names in os.walk(package):
        subdirectories[:] = [d for d in subdirectories if d != "__pycache__"]  # bytecode only
        prefix = os.path.relpath(directory, package).replace(os.sep, "/")
        for name in names:
            if not name.endswith(".py"):
                continue
            try:
                st = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            relative = name if prefix == "." else f"{prefix}/{name}"
            sources.append(f"{relative}:{st.st_size}:{st.st_mtime_ns}")
    parts.extend(sorted(sources))
    for name in _PARSER_LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            st = os.stat(origin) if origin else None
        except OSError:
            st = None
        parts.append(f"{name}:{origin}:{st.st_size if st else ''}:{st.st_mtime_ns if st else ''}")
    return sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def unit_key(kind: str, job: Job, inputs: Inputs) -> str:
    """The one place that says what an entry depends on besides the files it read:
    ``kind`` (which entry of the unit: its model, its relevance), the job (its kind, its
    path and its input layers: the source, files and values of each, in order),
    trailscan's code and every field of ``inputs``. The content of every file the load
    read (the layers' files among them) is checked against the entry's reads instead."""
    text = "\0".join((_inputs_key(inputs), kind, job.kind, str(job.path.absolute()),
                      _layers_key(job.layers, os.getcwd())))
    return sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@functools.lru_cache(maxsize=256)
def _layers_key(layers: tuple[object, ...], cwd: str) -> str:
    """A unit's input layers as text (most units of a run share the same few tuples;
    ``cwd``: relative files in them are made absolute against it)."""
    return json.dumps(plain_data(layers), ensure_ascii=True, sort_keys=True)


@functools.lru_cache(maxsize=8)
def _inputs_key(inputs: Inputs) -> str:
    """The code and the run's inputs, digested once per run (they are the same for every
    unit; ``Inputs`` is frozen)."""
    payload = {"code": code_fingerprint(), "inputs": inputs_data(inputs)}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, default=str)
    return sha256(text.encode()).hexdigest()


@value_class(frozen=False)
class Stats(ValueObject):
    """What the cache did in a run (entries written, damaged entries ignored)."""

    writes: int = 0
    broken: int = 0  # entries that could not be read and were ignored


class UnitCache:
    """Entries under ``directory`` (created on first write, private to the user)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.stats = Stats()
        self._entries = os.path.join(os.fspath(directory), f"v{FORMAT}")

    def _path(self, key: str) -> str:
        """The entry's file (as text: a warm run looks up one per unit)."""
        return os.path.join(self._entries, key[:2], f"{key}.json")

    # -- reading --------------------------------------------------------------------

    def get(self, key: str, max_bytes: int) -> tuple[Any, Any] | None:  # noqa: ANN401
        """The data stored under ``key`` and the reads behind it (as data: ``Reads.from_data``
        makes them ``Reads`` for a caller that needs them), when those reads still match
        the disk; else None."""
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            return None
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
                raise ValueError("not an entry for this key")
            reads = entry.get("reads")
            valid = Reads.data_still_valid(reads, max_bytes)
        except (ValueError, RecursionError, UnicodeDecodeError):
            self.stats.broken += 1
            return None
        if not valid:
            return None
        return entry.get("data"), reads

    def get_model(self, key: str, max_bytes: int) -> tuple[bool, Model | None]:
        """(found, model): a stored model (``None`` for a template that is not
        CloudFormation) whose reads still match."""
        found = self.get(key, max_bytes)
        data = found[0] if found is not None else None
        if not isinstance(data, dict) or "model" not in data:
            return False, None
        try:
            model = decode_model(data["model"])
        except ValueError:
            self.stats.broken += 1
            return False, None
        return True, model

    # -- writing --------------------------------------------------------------------

    def put(self, key: str, reads: Reads, data: Any) -> None:  # noqa: ANN401 - JSON data
        """Store ``data`` (JSON-ready) under ``key``; any failure leaves the cache as it was."""
        entry = {"format": FORMAT, "key": key, "version": __version__, "reads": reads.as_data(),
                 "data": data}
        try:
            text = json.dumps(entry, ensure_ascii=True, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return
        path = self._path(key)
        folder, name = os.path.split(path)
        staging = os.path.join(folder, f".tmp-{os.getpid()}-{next(_STAGING)}-{name}")
        try:
            try:
                fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o600)
            except FileNotFoundError:
                os.makedirs(folder, mode=0o700, exist_ok=True)
                cachedir.tag(self.directory)  # backup tools and trailscan's walk leave it out
                fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o600)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(text)
            os.replace(staging, path)
            self.stats.writes += 1
        except OSError:
            try:
                os.unlink(staging)
            except OSError:
                pass

    def put_model(self, key: str, reads: Reads, model: Model | None) -> None:
        try:
            data = {"model": encode_model(model)}
        except (TypeError, RecursionError):
            return  # something the codec cannot carry: this unit is simply not cached
        self.put(key, reads, data)


def encode_model(model: Model | None) -> Any:  # noqa: ANN401 - JSON data
    return None if model is None else codec.encode(model)


def decode_model(data: Any) -> Model | None:  # noqa: ANN401 - JSON data
    if data is None:
        return None
    model = codec.decode(data)
    if not isinstance(model, Model):
        raise ValueError("not a model")
    return model


# Templates with more text than this are not cached: their model's JSON is many times the
# template (81 MB for a 1.4 MB template of 40,000 resources), and reading it back costs
# more time and memory than loading the template again (8.7 s and 640 MB against 4.8 s
# and 170 MB). Terraform roots have no such cap: parsing HCL costs far more than decoding.
MAX_CACHED_TEMPLATE_BYTES = 256 * 1024


def _text_bytes(reads: Reads) -> int:
    total = 0
    for path in reads.files:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue
    return total


def store_outcome(directory: Path | None, job: Job, inputs: Inputs, outcome: Outcome) -> None:
    """Write a loaded unit's model to the cache in ``directory`` (``None``: no cache)."""
    if directory is None or not outcome.cacheable or job.kind not in CACHED_KINDS:
        return
    if job.kind == CLOUDFORMATION and _text_bytes(outcome.reads) > MAX_CACHED_TEMPLATE_BYTES:
        return
    UnitCache(directory).put_model(unit_key("model", job, inputs), outcome.reads, outcome.model)

