"""Find what to scan: Terraform root modules, Terraform plans and CloudFormation templates.

Discovery decides *which* files are ours, never whether they are compliant. It is
conservative about the file system: it never follows a symlink out of the scan root,
never loops, and reports every file it could not read instead of skipping it silently.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from scanner.limits import Limits
from scanner.model import ParseProblem, Span
from scanner.parsers.common import is_within, link_relpath, relpath

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".terragrunt-cache",
    }
)
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
# `source = "./x"` / `"../x"` in a module block: a directory called as a module is not a root.
_MODULE_SOURCE_RE = re.compile(r'''\bsource\s*=\s*"(\.{1,2}/[^"]*)"''')
_JSON_MODULE_SOURCE_RE = re.compile(r'''"source"\s*:\s*"(\.{1,2}/[^"]*)"''')
# TemplateURL / Location of a nested stack given as a local path.
_NESTED_RE = re.compile(r'''(?:TemplateURL|Location)["']?\s*:\s*["']?([^\s"',}]+)''')
# `terraform show -json` output starts with these two keys, in this order (plan and state).
_PLAN_HEAD_RE = re.compile(r'\A\s*\{\s*"format_version"\s*:\s*"1\.[0-9]+"\s*,\s*"terraform_version"\s*:')
_PLAN_KEYS = ("planned_values", "resource_changes", "configuration", "prior_state", "values")


@dataclass(slots=True)
class Discovery:
    terraform_dirs: list[Path] = field(default_factory=list)
    templates: list[Path] = field(default_factory=list)
    # Terraform plan / state JSON (`terraform show -json`); a plan in a root module's
    # directory replaces that root (it was made from it): the root is not in terraform_dirs.
    plans: list[Path] = field(default_factory=list)
    # Files looked at that are not infrastructure code we read (POSIX, relative to root).
    not_ours: list[str] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


def _is_terraform(name: str) -> bool:
    return name.endswith(TERRAFORM_SUFFIXES)


def _is_template_candidate(name: str) -> bool:
    return name.lower().endswith(TEMPLATE_SUFFIXES) and not name.endswith(".tf.json")


def looks_like_plan(text: str) -> bool:
    """Whether a JSON text is ``terraform show -json`` output (format_version 1.x).

    Terraform writes ``format_version`` then ``terraform_version`` first, which a regex on
    the head tells at once; a document whose keys were reordered (``jq -S``) is decoded
    only when it names both keys, so ordinary JSON and CloudFormation are never decoded.
    """
    if _PLAN_HEAD_RE.match(text[:4096]):
        return True
    if '"format_version"' not in text or '"terraform_version"' not in text:
        return False
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("format_version"), str)
        and data["format_version"].startswith("1.")
        and isinstance(data.get("terraform_version"), str)
        and any(key in data for key in _PLAN_KEYS)
    )


def _plan_head(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return _PLAN_HEAD_RE.match(head) is not None


class _Walker:
    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = root
        self.limits = limits
        self.result = Discovery()
        self.tf_dirs: set[Path] = set()
        self.candidates: set[Path] = set()
        self.seen_dirs: set[Path] = set()

    def problem(self, path: Path, message: str) -> None:
        where = link_relpath(path, self.root)
        self.result.problems.append(ParseProblem(span=Span(path=where), message=message))

    def add_file(self, path: Path, explicit: bool) -> None:
        if path.is_symlink() and not path.exists():
            self.problem(path, "broken symlink or symlink loop; not read")
            return
        if path.is_symlink() and not is_within(path, self.root):
            self.problem(path, "symlink points outside the scanned root; not read")
            return
        name = path.name
        if _is_terraform(name):
            self.tf_dirs.add(path.resolve().parent)
        elif _is_template_candidate(name):
            self.candidates.add(path.resolve() if is_within(path, self.root) else path)
        elif explicit and name.endswith((".tfvars", ".tfvars.json")):
            self.tf_dirs.add(path.resolve().parent)
        elif explicit:
            self.result.not_ours.append(relpath(path, self.root))

    def walk(self, directory: Path) -> None:
        try:
            real = directory.resolve(strict=True)
        except (OSError, RuntimeError):
            self.problem(directory, "directory cannot be resolved (broken symlink or loop)")
            return
        if not is_within(real, self.root):
            self.problem(directory, "symlink points outside the scanned root; not read")
            return
        if real in self.seen_dirs:
            return  # a symlink loop or a second path to the same directory
        self.seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self.problem(directory, f"directory cannot be read: {exc.strerror or exc}")
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError as exc:
                self.problem(path, f"cannot be read: {exc.strerror or exc}")
                continue
            if entry.is_symlink() and not path.exists():
                self.problem(path, "broken symlink or symlink loop; not read")
                continue
            if is_dir:
                if entry.name in SKIP_DIRS or (entry.name.startswith("asset.") and directory.name == "cdk.out"):
                    continue
                self.walk(path)
            elif is_file:
                self.add_file(path, explicit=False)


def _local_sources(directory: Path, limits: Limits) -> set[Path]:
    """Directories that the Terraform files in ``directory`` call as local modules."""
    called: set[Path] = set()
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        if not _is_terraform(path.name) or not path.is_file():
            continue
        try:
            if path.stat().st_size > limits.max_file_bytes:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        pattern = _JSON_MODULE_SOURCE_RE if path.name.endswith(".json") else _MODULE_SOURCE_RE
        for source in pattern.findall(text):
            try:
                called.add((directory / source).resolve())
            except (OSError, RuntimeError):
                continue
    return called


def _terraform_roots(tf_dirs: set[Path], limits: Limits) -> list[Path]:
    """Directories not called as a module by another one, plus, for modules that only
    call each other in a cycle, the first of each cycle (so that no file is silently
    dropped: its loader then reports the cycle)."""
    calls = {d: _local_sources(d, limits) - {d} for d in sorted(tf_dirs)}
    called = set().union(*calls.values()) if calls else set()
    roots = [d for d in calls if d not in called]
    reached: set[Path] = set()

    def reach(start: Path) -> None:
        stack = [start]
        while stack:
            current = stack.pop()
            if current in reached:
                continue
            reached.add(current)
            stack.extend(sorted(calls.get(current, ())))

    for directory in roots:
        reach(directory)
    for directory in calls:  # sorted: the choice of cycle representative is stable
        if directory not in reached:
            roots.append(directory)
            reach(directory)
    return sorted(roots)


def discover(paths: list[Path], root: Path, limits: Limits, sniff) -> Discovery:  # noqa: ANN001
    """Walk ``paths`` and classify what is found.

    ``sniff(text) -> bool`` tells whether a YAML/JSON text looks like a CloudFormation
    template (passed in so that discovery does not import the CloudFormation parser).
    """
    walker = _Walker(root, limits)
    for given in paths:
        if not given.exists() and not given.is_symlink():
            walker.problem(given, "path does not exist")
            continue
        if given.is_dir():
            walker.walk(given)
        else:
            walker.add_file(given, explicit=True)
    result = walker.result

    # Terraform: a directory called as a local module by another scanned directory is
    # part of that caller's unit, not a root of its own.
    result.terraform_dirs = _terraform_roots(walker.tf_dirs, limits)

    # CloudFormation: sniff the content; nested templates belong to their parent.
    templates: list[Path] = []
    nested: set[Path] = set()
    for path in sorted(walker.candidates):
        try:
            size = path.stat().st_size
        except OSError as exc:
            walker.problem(path, f"cannot be read: {exc.strerror or exc}")
            continue
        if size > limits.max_file_bytes:
            # Too big to sniff safely: only report it when the name (or, for a plan, the
            # head Terraform writes) says it is ours.
            if path.name.endswith(".template") or ".template." in path.name or _plan_head(path):
                walker.problem(
                    path, f"file is {size} bytes, over the max_file_bytes limit ({limits.max_file_bytes}); not read"
                )
            else:
                result.not_ours.append(relpath(path, root))
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            walker.problem(path, f"cannot be read: {exc.strerror or exc}")
            continue
        text = raw.decode("utf-8", errors="replace")
        if path.name.lower().endswith(".json") and looks_like_plan(text):
            result.plans.append(path)
        elif sniff(text):
            templates.append(path)
            for target in _NESTED_RE.findall(text):
                if "://" in target or target.startswith(("s3:", "{", "!")):
                    continue
                nested.add((path.parent / target).resolve())
        else:
            result.not_ours.append(relpath(path, root))
    result.templates = [t for t in templates if t.resolve() not in nested]
    # A plan in a root module's directory was made from it: the plan is read in its place,
    # so nothing is counted twice (and its findings still point at the .tf files).
    made_from = {p.resolve().parent for p in result.plans}
    result.terraform_dirs = [d for d in result.terraform_dirs if d not in made_from]
    result.not_ours.sort()
    result.problems.sort(key=lambda p: (p.span.path, p.span.line, p.message))
    return result
