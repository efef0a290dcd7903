"""Which root modules can hold anything a policy reads, decided before python-hcl2 runs.

Parsing is most of a scan's time, and in a monorepo most root modules hold VPCs,
instances and databases that no CloudTrail policy looks at. The record mappers
(``records/``) read a fixed set of resource types; a root module that declares none of
them yields a model with no records, and parsing it changes nothing in any report but
what only the full parser can see (see below). This module reads each file's outline
(``outline.py``: an exact tokenizer that knows strings, heredocs and comments) and sorts a
root module into one of three kinds:

* ``relevant`` -- it must be loaded: it declares a trail, a key, a log group, a metric
  filter, an alarm, an EventBridge rule or target, an account public access block
  (``ALWAYS``), or calls a module (whatever the module holds), or is a terragrunt
  directory (its ``terragrunt.hcl`` names the module that runs there, with inputs and
  parents of its own: it is loaded as a whole, whatever its own files hold), or its
  outline shows
  something the full parser reports with its own message: a file that does not tokenize,
  cannot be read or nests brackets very deep, a declaration or argument written twice,
  an override file;
* ``names`` -- it declares buckets, roles or SNS topics (``NAMED``), which matter only when
  something in another unit names them by value: a trail's bucket, delivery role or
  topic, an alarm's action. Links across units are made by value only (by reference
  they stay in the unit), so such a unit is loaded only when one of those values could
  be one of its names (``Relevance.named_in``). A name is known as the literal runs of
  its template (``"${local.name}-role"`` is "whatever, then ``-role``"), and a value
  could be it when it contains every run (case and surrounding blanks ignored; a value
  may be an ARN that holds the name). A name that is not one quoted string could be
  anything. A resource without the attribute gets the symbolic name ``${<type>.<name>``
  the record mappers give it. Split settings, role policies and subscriptions
  (``ATTACHED``) only add to those records, in the same unit;
* ``none`` -- nothing any record mapper reads.

A unit that is not loaded keeps its files (they count as scanned) and its variables files
are still read (``load_terraform_unread``), so every CT901 a full load gives it is given,
except what only python-hcl2's grammar or the evaluator can find inside a file that
tokenizes: a misplaced token within a block, an argument set twice inside a nested
block, an invalid ``count``. ``--no-prefilter`` parses every file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.model import Attr, Model, Origin, Record, Span, Suppression
from scanner.parsers.common import is_within, read_text
from scanner.parsers.paths import NOT_THERE, entries_of, real_path, resolving
from scanner.parsers.reads import note_listing, note_probe
from scanner.valueclass import ValueObject, value_class

if TYPE_CHECKING:
    from scanner.parsers.terraform.outline import OutlineBlock

__all__ = ["ALWAYS", "ATTACHED", "NAMED", "Names", "Relevance", "naming_values", "unit_relevance"]

# Resource types whose records every policy may read, wherever they are declared.
ALWAYS: frozenset[str] = frozenset({
    "aws_cloudtrail",
    "aws_cloudtrail_event_data_store",
    "aws_kms_key",
    "aws_kms_alias",
    "aws_kms_key_policy",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_log_metric_filter",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_s3_account_public_access_block",
})
# Records another unit reaches only by value: resource type -> the attribute its name is.
NAMED: dict[str, str] = {
    "aws_s3_bucket": "bucket",
    "aws_iam_role": "name",
    "aws_sns_topic": "name",
}
# Resources that only add to a NAMED record of their own unit (``aws_s3_bucket_*``: the
# split bucket settings, matched by prefix).
ATTACHED: frozenset[str] = frozenset({
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_policy",
    "aws_sns_topic_subscription",
})
ATTACHED_PREFIX = "aws_s3_bucket_"
# Suppression comments (``suppressions.py``): a record that carries one is reported on
# (CT902, CT903) even when no policy reads it.
_MARKERS = ("trailscan:ignore", "checkov:skip", "bridgecrew:skip", "cortex:skip", "trivy:", "tfsec:")
# A file nested deeper than this is parsed whatever it holds: the parser recurses, and
# the message it gives when it cannot ("nested too deeply") is reported as it is.
MAX_SKIPPED_DEPTH = 32
# A directory with this file is a terragrunt root (``terragrunt.py``'s ``CONFIG_NAME``;
# that module is not imported here: it loads the parser).
TERRAGRUNT_CONFIG = "terragrunt.hcl"
# Declarations Terraform allows once per module (``declarations.py``).
_DECLARED_ONCE = frozenset({"resource", "data", "module", "variable", "output"})

# The literal runs of a name (``None``: it could be anything).
Pattern = tuple[str, ...] | None


@value_class()
class Relevance(ValueObject):
    """What the pre-pass found in one root module (see the module docstring)."""

    kind: str  # "relevant" | "names" | "none"
    reason: str = ""
    names: tuple[Pattern, ...] = ()

    def named_in(self, values: Names) -> bool:
        """Whether one of ``values`` could name one of this unit's records."""
        if self.kind == "relevant":
            return True
        return any(values.could_be(pattern) for pattern in self.names)

    def as_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason,
                "names": [None if p is None else list(p) for p in self.names]}

    @staticmethod
    def from_data(data: object) -> Relevance:
        if not isinstance(data, dict) or data.get("kind") not in ("relevant", "names", "none"):
            raise ValueError("relevance: bad data")
        names: list[Pattern] = []
        for item in data.get("names") or []:
            if item is not None and not (isinstance(item, list) and all(isinstance(x, str) for x in item)):
                raise ValueError("relevance: bad name")
            names.append(None if item is None else tuple(item))
        return Relevance(str(data["kind"]), str(data.get("reason", "")), tuple(names))


def _relevant(reason: str) -> Relevance:
    return Relevance("relevant", reason)


# ---------------------------------------------------------------------------
# One root module
# ---------------------------------------------------------------------------


def _is_override(name: str) -> bool:
    stem = name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def _module_files(directory: Path, root: Path) -> list[Path]:
    """The files a load of ``directory`` (a real path) parses (``Loader.module_files``,
    which also reports the ones linked from outside the root: those are never read)."""
    note_listing(directory)
    try:
        entries = entries_of(str(directory))
    except ValueError:
        return []
    except OSError as exc:
        if exc.errno in NOT_THERE:
            return []  # what ``Path.is_dir`` takes for "not a directory"
        raise
    inside = _is_under(directory, root)
    files = []
    for entry in entries:
        name = entry.name
        if (name.endswith(".tf") or name.endswith(".tf.json")) and entry.is_file():
            path = directory / name
            if (inside and not entry.is_symlink()) or is_within(path, root):
                files.append(path)
    return sorted(files, key=lambda p: p.name)


def _is_file(path: str) -> bool:
    """``Path(path).is_file()``, without making a ``Path``."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except ValueError:
        return False
    except OSError as exc:
        if exc.errno in NOT_THERE:
            return False
        raise


def _is_under(directory: Path, root: Path) -> bool:
    """``directory == root or root in directory.parents``, for real paths, by their text."""
    text, prefix = str(directory), str(root)
    return text == prefix or text.startswith(prefix if prefix.endswith("/") else prefix + "/")


# ``root.resolve()`` by the root as given. Every unit of a run has the same root, and
# resolving it costs a system call per component of its path; two ``stat`` calls tell
# whether the root as given and the real path found then still name one directory.
_REAL_ROOTS: dict[Path, Path] = {}


def _real_root(root: Path) -> Path:
    """``root.resolve()``, remembered (see ``_REAL_ROOTS``)."""
    if not root.is_absolute():
        return root.resolve()  # it depends on the working directory
    known = _REAL_ROOTS.get(root)
    if known is not None:
        try:
            given, found = os.stat(root), os.stat(known)
        except OSError:
            pass
        else:
            if (given.st_dev, given.st_ino) == (found.st_dev, found.st_ino):
                return known
    real = root.resolve()
    if len(_REAL_ROOTS) >= 64:
        _REAL_ROOTS.clear()
    _REAL_ROOTS[root] = real
    return real


def _real_unit(unit_dir: Path, root: Path, real_root: Path) -> Path:
    """``unit_dir.resolve()``, given ``root.resolve()``: a path resolves component by
    component, so when ``unit_dir`` is ``root`` followed by names none of which is a
    symlink, it is ``real_root`` followed by them, and only those names are looked at.
    Anything else (a symlink, a missing entry, ``..``, a path not under ``root`` as
    written) is resolved in full."""
    parts, prefix = unit_dir.parts, root.parts
    if not unit_dir.is_absolute() or parts[: len(prefix)] != prefix:
        return unit_dir.resolve()
    path = str(real_root)
    for name in parts[len(prefix):]:
        if name == "..":
            return unit_dir.resolve()
        path = os.path.join(path, name)
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return unit_dir.resolve()
        except OSError:
            return unit_dir.resolve()
    if real_root.parts == prefix:
        return unit_dir  # the root is real already: so is the path as written
    return Path(path)


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _json_depth(text: str) -> int:
    """How deep a JSON text's arrays and objects nest (strings skipped)."""
    depth = deepest = 0
    for m in _JSON_NESTING.finditer(text):
        c = m.group()[0]
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def _json_duplicates(text: str) -> bool:
    """A key written twice in one object (``json`` keeps the last; Terraform rejects it)."""
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        keys = [k for k, _ in items]
        found = found or len(set(keys)) != len(keys)
        return dict(items)

    try:
        json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return True
    return found


def _name_pattern(block: OutlineBlock, attribute: str) -> Pattern:
    rtype, name = block.labels
    if not any(key == attribute for key, _ in block.attributes):
        return ("${" + rtype + "." + name,)
    return block.template(attribute)


def unit_relevance(unit_dir: Path, root: Path, max_bytes: int) -> Relevance:
    """The kind of the root module in ``unit_dir`` (reads and tokenizes its files)."""
    # Imported here: a run whose relevance entries all come from the cache never
    # compiles the outline's patterns.
    from scanner.parsers.terraform.outline import outline_text

    if resolving():  # a scan: its memo knows the root and, from discovery, the directory
        real_root, directory = real_path(root), real_path(unit_dir)
    else:
        real_root = _real_root(root)
        directory = _real_unit(unit_dir, root, real_root)
    root = real_root
    declared: set[tuple[str, tuple[str | None, ...]]] = set()
    local_names: set[str] = set()
    names: list[Pattern] = []
    marked = False
    config = os.path.join(directory, TERRAGRUNT_CONFIG)
    note_probe(config)
    if _is_file(config):
        return _relevant(f"{TERRAGRUNT_CONFIG} names the module that runs here")
    for path in _module_files(directory, root):
        rel = path.name
        if _is_override(rel):
            return _relevant(f"{rel} is an override file")
        text, _why = read_text(path, max_bytes)
        if text is None:
            return _relevant(f"{rel} cannot be read")
        is_json = rel.endswith(".json")
        outline = outline_text(text, is_json=is_json)
        if outline.problems:
            return _relevant(f"{rel} does not tokenize")
        if outline.depth > MAX_SKIPPED_DEPTH:
            return _relevant(f"{rel} nests {outline.depth} levels deep")
        if is_json and _json_duplicates(text):
            return _relevant(f"{rel} writes a key twice")
        if is_json and _json_depth(text) > MAX_SKIPPED_DEPTH:
            return _relevant(f"{rel} nests deep")
        lowered = text.lower()
        marked = marked or any(m in lowered for m in _MARKERS)
        for block in outline.blocks:
            written = {key for key, _ in block.attributes}
            if len(written) != len(block.attributes):
                return _relevant(f"{rel}:{block.line} sets an argument twice")
            if block.type == "locals":
                if local_names.intersection(written):
                    return _relevant(f"{rel}:{block.line} defines a local value twice")
                local_names.update(written)
                continue
            if block.type not in _DECLARED_ONCE:
                continue
            key = (block.type, block.labels)
            if key in declared or None in block.labels:
                return _relevant(f"{rel}:{block.line} declares {block.type} twice or oddly")
            declared.add(key)
            if block.type == "module":
                return _relevant(f"{rel}:{block.line} calls a module")
            if block.type != "resource" or len(block.labels) != 2:
                continue
            rtype = block.labels[0]
            if rtype in ALWAYS:
                return _relevant(f"{rel}:{block.line} declares {rtype}")
            attribute = NAMED.get(rtype)
            if attribute is not None:
                names.append(_name_pattern(block, attribute))
    if names and marked:
        return _relevant("a suppression comment next to a named record")
    if names:
        return Relevance("names", "buckets, roles or topics", tuple(dict.fromkeys(names)))
    return Relevance("none", "nothing a policy reads")


# ---------------------------------------------------------------------------
# The values that name records across units
# ---------------------------------------------------------------------------


class Names:
    """Every value that can name a bucket, role or topic of another unit: whatever a
    trail holds (bucket, delivery role, topic, data resources; all its known strings),
    an alarm's actions, an EventBridge rule's targets. Kept as one case-folded text, so
    testing a name is one substring search per literal run."""

    def __init__(self, values: Iterable[str]) -> None:
        folded = {v.casefold() for v in values if v}
        folded |= {v.replace("${aws::partition}", "aws") for v in folded}
        self._text = "\n".join(sorted(folded))

    def __bool__(self) -> bool:
        return bool(self._text)

    def could_be(self, pattern: Pattern) -> bool:
        if not self._text:
            return False  # nothing names anything by value
        if pattern is None:
            return True
        return all(run.strip().casefold() in self._text for run in pattern)


_RECORD_FIELDS = frozenset(f.name for f in dataclasses.fields(Record))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Attr):
        if value.origin is not Origin.UNKNOWN:
            yield from _strings(value.value)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (Span, Suppression)):
        return
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if isinstance(value, Record) and f.name in _RECORD_FIELDS:
                continue  # its own address and unit, not a value naming another record
            yield from _strings(getattr(value, f.name))


def naming_values(models: Iterable[Model]) -> Names:
    """The ``Names`` of every trail, alarm and EventBridge rule of ``models``."""

    def values() -> Iterator[str]:
        for model in models:
            for trail in model.trails:
                yield from _strings(trail)
            for alarm in model.alarms:
                yield from _strings(alarm.actions)
            for rule in model.event_rules:
                yield from _strings(rule.targets)

    return Names(values())
