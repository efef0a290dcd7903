"""The file-system walk: every file under the given paths, classified by name.

It never follows a symlink out of the scan root, never loops, never opens anything but a
regular file (a FIFO or a device met on the way is listed as not ours, never read), and
reports every file it could not look at instead of skipping it silently. It costs one
``realpath`` per symlink and none per plain file or directory: a plain entry's real path
is its directory's real path plus its name. The walk is iterative, so no depth of
directories can exhaust the Python stack.
"""

from __future__ import annotations

import os
import stat
from dataclasses import field
from pathlib import Path

from scanner import cachedir
from scanner.discovery.ignore import IgnoreFile, Rules, parse_lines
from scanner.model import ParseProblem, Span
from scanner.parsers.common import too_large
from scanner.parsers.paths import saw_entries, saw_real
from scanner.parsers.reads import saw_listing
from scanner.valueclass import ValueObject, value_class

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
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")


# ``terraform show -json`` output is saved under any name; Terraform's own JSON inputs
# (.tf.json, .tfvars.json) are classified before this suffix is looked at.
PLAN_SUFFIXES = (".json",)


# ---------------------------------------------------------------------------
# Classification by name. A new kind of input starts here: a kind for its names, then a
# branch in ``scanner.discovery._classify_candidates`` that reads the content when the
# name alone cannot tell.
# ---------------------------------------------------------------------------

TERRAFORM = "terraform"  # a .tf / .tf.json file: its directory is a module
# terragrunt.hcl: its directory is a root (the module its source names, with its inputs)
TERRAGRUNT = "terragrunt"
TERRAGRUNT_FILE = "terragrunt.hcl"
TFVARS = "tfvars"  # variables: read by the root in the same directory
CANDIDATE = "candidate"  # YAML or .template: may be a CloudFormation template (content decides)
# JSON that may be a Terraform plan or state, else a CloudFormation template (content decides)
PLAN_CANDIDATE = "plan-candidate"
# The kinds read by ``_classify_candidates``: the name alone cannot tell.
CONTENT_KINDS = frozenset({CANDIDATE, PLAN_CANDIDATE})


def classify_name(name: str) -> str | None:
    """What a file's name says it may be; None: not ours whatever it holds."""
    if name == TERRAGRUNT_FILE:
        return TERRAGRUNT
    if name.endswith(TERRAFORM_SUFFIXES):
        return TERRAFORM
    if name.endswith(TFVARS_SUFFIXES):
        return TFVARS
    lower = name.lower()
    if lower.endswith(PLAN_SUFFIXES):
        return PLAN_CANDIDATE
    if lower.endswith(TEMPLATE_SUFFIXES):
        return CANDIDATE
    return None


@value_class(frozen=False)
class Walked(ValueObject):
    """What a walk found. Paths are real (symlinks resolved) absolute strings."""

    terraform_dirs: set[str] = field(default_factory=set)
    # Real directory -> its .tf/.tf.json files (name, real path), as the walk listed them.
    terraform_files: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    candidates: dict[str, int] = field(default_factory=dict)  # real path -> size
    # The candidates whose name allows a plan (as walked: a symlink's own name counts).
    plan_candidates: set[str] = field(default_factory=set)
    not_ours: list[str] = field(default_factory=list)  # relative to the root
    problems: list[ParseProblem] = field(default_factory=list)
    # Real directories listed, and those of them holding a terragrunt.hcl file (ignored or
    # not: the call graph asks whether the file is there).
    listed_dirs: set[str] = field(default_factory=set)
    terragrunt_files: set[str] = field(default_factory=set)

    def has_terragrunt(self, directory: str) -> bool:
        """Whether ``directory`` (real) holds a terragrunt.hcl file (a file, or a link to
        one): from the walk's listing when it listed the directory."""
        if directory in self.listed_dirs:
            return directory in self.terragrunt_files
        return os.path.isfile(os.path.join(directory, TERRAGRUNT_FILE))


class Walker:
    def __init__(self, root: Path, max_file_bytes: int, gitignore: bool,
                 own_dirs: frozenset[str] = frozenset()) -> None:
        self.root = os.path.realpath(root)
        self.max_file_bytes = max_file_bytes
        self.gitignore = gitignore
        self.own_dirs = own_dirs  # real paths of directories never walked (``Ignores.own_dirs``)
        self.found = Walked()
        self._seen_dirs: set[str] = set()

    # -- paths ----------------------------------------------------------------------

    def rel(self, real: str) -> str:
        """``real`` relative to the root (POSIX), or ``../``-relative when outside."""
        root = self.root
        if real == root:
            return "."
        if real.startswith(root) and real[len(root) : len(root) + 1] == os.sep:
            return real[len(root) + 1 :].replace(os.sep, "/")
        return Path(os.path.relpath(real, root)).as_posix()

    def inside(self, real: str) -> bool:
        root = self.root
        return real == root or real.startswith(root.rstrip(os.sep) + os.sep)

    def problem(self, where: str, message: str, line: int | None = None) -> None:
        span = Span(path=where, line=line) if line is not None else Span(path=where)
        self.found.problems.append(ParseProblem(span=span, message=message))

    # -- files ----------------------------------------------------------------------

    def add_file(self, real: str, name: str, size: int, explicit: bool, directory: str) -> None:
        """``directory``: the real directory the entry sits in (a symlinked .tf file is
        part of the module where the link is, not where its target is)."""
        kind = classify_name(name)
        if kind in (TERRAFORM, TERRAGRUNT) or (kind == TFVARS and explicit):
            self.found.terraform_dirs.add(directory)
        elif kind in CONTENT_KINDS:
            self.found.candidates[real] = size
            if kind == PLAN_CANDIDATE:
                self.found.plan_candidates.add(real)
        elif explicit:
            self.found.not_ours.append(self.rel(real))

    def add_explicit(self, path: Path) -> None:
        """A file named on the command line: read whatever the ignores say."""
        try:
            st = os.stat(path)
        except OSError as exc:
            self.problem(path.as_posix(), f"cannot be read: {exc.strerror or exc}")
            return
        real = os.path.realpath(path)
        if not stat.S_ISREG(st.st_mode):
            self.found.not_ours.append(self.rel(real))  # never opened: a FIFO would block
            return
        directory = os.path.realpath(os.path.dirname(os.path.abspath(path)))
        self.add_file(real, path.name, st.st_size, explicit=True, directory=directory)

    # -- directories ----------------------------------------------------------------

    def walk(self, start: Path, rules: Rules) -> None:
        """Walk the directory ``start`` (given explicitly: never ignored itself)."""
        real = os.path.realpath(start)
        if not self.inside(real):
            self.problem(start.as_posix(), "symlink points outside the scanned root; not read")
            return
        # (path as walked, real path, rules that apply to its entries)
        stack: list[tuple[str, str, Rules]] = [(real, real, rules)]
        while stack:
            tree, real, rules = stack.pop()
            if real in self._seen_dirs:
                continue  # a symlink loop or a second path to the same directory
            self._seen_dirs.add(real)
            subdirs = self._scan_dir(tree, real, rules)
            stack.extend(reversed(subdirs))

    def _read_gitignore(self, tree: str, real: str) -> IgnoreFile | None:
        path = os.path.join(real, ".gitignore")
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        where = f"{self.rel(real)}/.gitignore".removeprefix("./")
        if st.st_size > self.max_file_bytes:
            self.problem(where, too_large(st.st_size, self.max_file_bytes) + "; its patterns are not applied")
            return None
        try:
            with open(path, "rb") as fh:
                text = fh.read().decode("utf-8", errors="replace")
        except OSError as exc:
            self.problem(where, f"cannot be read: {exc.strerror or exc}; its patterns are not applied")
            return None
        patterns = parse_lines(text.splitlines())
        return IgnoreFile(tree, patterns, where) if patterns else None

    def _scan_dir(self, tree: str, real: str, rules: Rules) -> list[tuple[str, str, Rules]]:
        try:
            with os.scandir(real) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if self.gitignore:  # its patterns would apply to nothing
                self._read_gitignore(tree, real)
            self.problem(self.rel(real), f"directory cannot be read: {exc.strerror or exc}")
            return []
        saw_listing(real, entries)
        saw_entries(real, entries)
        if any(entry.name == cachedir.TAG_NAME for entry in entries) and cachedir.is_tagged(real):
            return []  # a cache (trailscan's own, or another tool's): nothing of ours in it
        self.found.listed_dirs.add(real)
        if self.gitignore and any(entry.name == ".gitignore" for entry in entries):
            own = self._read_gitignore(tree, real)
            if own is not None:
                rules = rules.with_gitignore(own)
        subdirs: list[tuple[str, str, Rules]] = []
        parent_rel = self.rel(real)
        for entry in entries:
            name = entry.name
            entry_tree = f"{tree}{os.sep}{name}" if tree != os.sep else f"{os.sep}{name}"
            where = name if parent_rel == "." else f"{parent_rel}/{name}"
            try:
                is_link = entry.is_symlink()
                if is_link:
                    st = os.stat(entry.path)  # follows the link; never opens the target
                    entry_real = os.path.realpath(entry.path)
                    mode = st.st_mode
                else:
                    entry_real = f"{real}{os.sep}{name}" if real != os.sep else f"{os.sep}{name}"
                    mode = 0 if not entry.is_dir(follow_symlinks=False) else stat.S_IFDIR
                    if not mode and entry.is_file(follow_symlinks=False):
                        mode = stat.S_IFREG
            except FileNotFoundError:
                self.problem(where, "broken symlink or symlink loop; not read")
                continue
            except OSError as exc:
                self.problem(where, f"cannot be read: {exc.strerror or exc}")
                continue
            is_dir = stat.S_ISDIR(mode)
            if name == TERRAGRUNT_FILE and stat.S_ISREG(mode):
                self.found.terragrunt_files.add(real)
            if is_dir and (name in SKIP_DIRS or (name.startswith("asset.") and os.path.basename(real) == "cdk.out")
                           or entry_real in self.own_dirs):
                continue
            ignored = bool(rules) and rules.ignored(entry_tree, is_dir)
            if ignored and (is_dir or not name.endswith(TERRAFORM_SUFFIXES)):
                continue
            if is_link and not self.inside(entry_real):
                if not ignored:
                    self.problem(where, "symlink points outside the scanned root; not read")
                continue
            if is_dir:
                if not is_link:
                    saw_real(entry_tree, entry_real)
                subdirs.append((entry_tree, entry_real, rules))
            elif stat.S_ISREG(mode):
                kind = classify_name(name)
                if kind == TERRAFORM:
                    # Every .tf file of the directory, ignored or not: its module reads them all.
                    self.found.terraform_files.setdefault(real, []).append((name, entry_real))
                if kind is None or ignored:
                    continue
                size = 0
                if kind in CONTENT_KINDS:
                    try:
                        size = entry.stat().st_size
                    except OSError as exc:
                        self.problem(where, f"cannot be read: {exc.strerror or exc}")
                        continue
                self.add_file(entry_real, name, size, explicit=False, directory=real)
            elif not ignored and classify_name(name) is not None:
                # A FIFO, socket or device named like our files: never opened.
                self.found.not_ours.append(where)
        return subdirs


# ---------------------------------------------------------------------------
# The repository around the scanned paths
# ---------------------------------------------------------------------------


def work_tree_root(start: str) -> str | None:
    """The git work tree holding ``start`` (a directory with ``.git``), found without
    running git; None outside any."""
    current = start
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def ancestor_gitignores(walker: Walker, directory: str) -> Rules:
    """The ``.gitignore`` files (and ``.git/info/exclude``) that apply above a walked
    directory: from the work tree's root down to the directory's parent."""
    top = work_tree_root(directory)
    if top is None or top == directory:
        rules = Rules()
        if top is not None:
            rules = _with_info_exclude(walker, top, rules)
        return rules
    rules = _with_info_exclude(walker, top, Rules())
    chain = [directory]
    current = directory
    while current != top:
        current = os.path.dirname(current)
        chain.append(current)
    for level in reversed(chain[1:]):  # from the top down, the directory itself excluded
        own = walker._read_gitignore(level, level)
        if own is not None:
            rules = rules.with_gitignore(own)
    return rules


def _with_info_exclude(walker: Walker, top: str, rules: Rules) -> Rules:
    path = os.path.join(top, ".git", "info", "exclude")
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > walker.max_file_bytes:
            return rules
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return rules
    patterns = parse_lines(text.splitlines())
    return rules.with_gitignore(IgnoreFile(top, patterns, ".git/info/exclude")) if patterns else rules
