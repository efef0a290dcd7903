"""``trailscan diff``: what does this change make worse than the base revision?

A review question is not "is this repository compliant?" (a baseline answers that) but "did
this change break something that worked?". We scan the working tree and a detached git
worktree of the base revision with the same options and compare:

* a trail present in the base and absent now (deleting the trail resource);
* a policy that passed for a subject in the base and fails now (``enable_logging`` flipped
  to ``false`` turns CT007 from pass to fail);
* any other unsuppressed finding whose (id, path, resource) key the base did not have.

This is the only module that runs ``git`` (a subprocess); a normal scan never does.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import field, replace
from pathlib import Path

from scanner.model import Severity, Span
from scanner.options import ScanOptions, scan_root
from scanner.results import Finding, ScanResult, Status, finding_dict, is_blocking
from scanner.valueclass import ValueObject, value_class

GIT_TIMEOUT = 120


class GitError(Exception):
    """git is missing, the path is not in a repository, or the ref does not resolve."""


@value_class(kw_only=True)
class RemovedTrail(ValueObject):
    ref: str
    unit: str
    span: Span  # where the trail was, in the base revision
    account: str


@value_class(kw_only=True)
class Regression(ValueObject):
    kind: str  # "pass->fail" | "new"
    finding: Finding


@value_class(frozen=False)
class DiffResult(ValueObject):
    base_ref: str
    base_commit: str
    removed_trails: list[RemovedTrail] = field(default_factory=list)
    regressions: list[Regression] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)  # in the base, gone now (information)
    fail_on: Severity = Severity.LOW

    def blocking(self) -> list[Regression]:
        return [
            r
            for r in self.regressions
            if is_blocking(r.finding, self.fail_on)
        ]

    def exit_code(self) -> int:
        return 1 if self.removed_trails or self.blocking() else 0


# ---------------------------------------------------------------------------
# Comparison (pure)
# ---------------------------------------------------------------------------


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.id, f.span.path, f.resource)


def compare(
    base: ScanResult, head: ScanResult, *, base_ref: str = "", base_commit: str = ""
) -> DiffResult:
    """Regressions of ``head`` against ``base`` (both scanned with the same options)."""
    result = DiffResult(base_ref=base_ref, base_commit=base_commit, fail_on=head.fail_on)

    head_trails = {(t.unit, t.ref) for m in head.models for t in m.trails}
    removed = {
        (t.unit, t.ref): RemovedTrail(ref=t.ref, unit=t.unit, span=t.span, account=m.account)
        for m in base.models
        for t in m.trails
        if (t.unit, t.ref) not in head_trails
    }
    result.removed_trails = [removed[k] for k in sorted(removed)]

    passed = {(e.policy, e.account, e.subject) for e in base.evaluations if e.status is Status.PASS}
    base_keys = {_key(f) for f in base.active()}
    for f in head.active():
        if (f.id, f.account, f.resource) in passed:
            result.regressions.append(Regression(kind="pass->fail", finding=f))
        elif _key(f) not in base_keys:
            result.regressions.append(Regression(kind="new", finding=f))
    result.regressions.sort(key=lambda r: (r.finding.sort_key(), r.kind))

    head_keys = {_key(f) for f in head.active()}
    result.fixed = sorted(
        (f for f in base.active() if _key(f) not in head_keys), key=Finding.sort_key
    )
    return result


# ---------------------------------------------------------------------------
# git
# ---------------------------------------------------------------------------


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (trailscan diff needs it)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out after {GIT_TIMEOUT}s") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise GitError(detail[-1] if detail else f"git {args[0]} failed ({proc.returncode})")
    return proc.stdout.strip()


def repo_root(path: Path) -> Path:
    """Top directory of the git repository containing ``path``."""
    start = path if path.is_dir() else path.parent
    try:
        top = _git(["rev-parse", "--show-toplevel"], start)
    except GitError as exc:
        raise GitError(f"{path} is not inside a git repository ({exc})") from None
    return Path(top).resolve()


def resolve_ref(top: Path, ref: str) -> str:
    if not ref.strip() or ref.startswith("-"):
        raise GitError(f"invalid revision {ref!r}")
    try:
        return _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top
        )
    except GitError:
        raise GitError(f"unknown revision {ref!r} (not a commit in {top})") from None


@contextlib.contextmanager
def base_worktree(top: Path, commit: str) -> Iterator[Path]:
    """A detached worktree of ``commit``, always removed afterwards (even on error)."""
    tmp = Path(tempfile.mkdtemp(prefix="trailscan-diff-"))
    tree = tmp / "base"
    try:
        _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], top)
        yield tree
    finally:
        with contextlib.suppress(GitError):
            _git(["worktree", "remove", "--force", str(tree)], top)
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(GitError):
            _git(["worktree", "prune"], top)


def _rebase_path(path: Path, top: Path, tree: Path) -> Path:
    resolved = path.resolve()
    try:
        return tree / resolved.relative_to(top)
    except ValueError:
        raise GitError(f"{path} is outside the git repository {top}") from None


def base_options(options: ScanOptions, root: Path, top: Path, tree: Path) -> ScanOptions:
    """The same scan, pointed at the base worktree (paths, root, var/parameter files),
    without the cache between runs."""

    def moved_file(path: Path) -> Path:
        try:
            candidate = _rebase_path(path, top, tree)
        except GitError:
            return path  # a var file outside the repository is the same for both scans
        return candidate if candidate.exists() else path

    return replace(
        options,
        paths=tuple(_rebase_path(p, top, tree) for p in options.paths),
        root=_rebase_path(root, top, tree),
        var_files=tuple(moved_file(p) for p in options.var_files),
        parameter_files=tuple(moved_file(p) for p in options.parameter_files),
        # A temporary worktree: entries keyed by its path would never be read again.
        cache_dir=None,
    )


def run_diff(
    options: ScanOptions,
    base_ref: str,
    scan: Callable[[ScanOptions], ScanResult],
) -> tuple[DiffResult, ScanResult, ScanResult]:
    """Scan the working tree and ``base_ref`` with ``scan`` (the caller's scan driver);
    return the comparison and both scans."""
    root = scan_root(options.paths, options.root)
    top = repo_root(root)
    commit = resolve_ref(top, base_ref)
    _rebase_path(root, top, top)  # the scan root must be inside the repository
    for p in options.paths:
        _rebase_path(p, top, top)
    head = scan(replace(options, root=root))
    with base_worktree(top, commit) as tree:
        base = scan(base_options(options, root, top, tree))
    return compare(base, head, base_ref=base_ref, base_commit=commit), base, head


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _where(span: Span) -> str:
    return f"{span.path}:{span.line}"


def render_text(diff: DiffResult) -> str:
    short = diff.base_commit[:12]
    blocking = {id(r) for r in diff.blocking()}
    n = len(diff.removed_trails) + len(blocking)
    head = f"trailscan diff against {diff.base_ref} ({short}): "
    lines = [head + (f"{n} regression{'s' if n != 1 else ''}" if n else "no regressions")]
    for t in diff.removed_trails:
        lines.append(
            f"  REMOVED     trail {t.ref} ({_where(t.span)} in {diff.base_ref}) no longer exists"
        )
    for r in diff.regressions:
        f = r.finding
        label = "PASS->FAIL" if r.kind == "pass->fail" else "NEW"
        note = "" if id(r) in blocking else f"  (below --fail-on {diff.fail_on.name.lower()})"
        where = f"{f.id} {f.severity.name:<8} {_where(f.span)}"
        lines.append(f"  {label:<10}  {where}  {f.resource}: {f.message}{note}")
    if diff.fixed:
        plural = "s" if len(diff.fixed) != 1 else ""
        lines.append(f"  fixed by this change: {len(diff.fixed)} finding{plural}")
        for f in diff.fixed:
            lines.append(
                f"  FIXED       {f.id} {f.severity.name:<8} {_where(f.span)}  {f.resource}"
            )
    return "\n".join(lines) + "\n"


def render_json(diff: DiffResult) -> str:
    blocking = {id(r) for r in diff.blocking()}
    data = {
        "version": 1,
        "base": {"ref": diff.base_ref, "commit": diff.base_commit},
        "removed_trails": [
            {
                "resource": t.ref,
                "unit": t.unit,
                "account": t.account,
                "path": t.span.path,
                "line": t.span.line,
            }
            for t in diff.removed_trails
        ],
        "regressions": [
            {"kind": r.kind, "blocking": id(r) in blocking, **finding_dict(r.finding)}
            for r in diff.regressions
        ],
        "fixed": [finding_dict(f) for f in diff.fixed],
        "summary": {
            "exit_code": diff.exit_code(),
            "fail_on": diff.fail_on.name.lower(),
            "removed_trails": len(diff.removed_trails),
            "regressions": len(diff.regressions),
            "blocking": len(blocking),
            "fixed": len(diff.fixed),
        },
    }
    return json.dumps(data, indent=2) + "\n"
