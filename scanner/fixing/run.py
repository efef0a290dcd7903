"""``trailscan fix``: from a scan's findings to verified edits, written atomically.

1. Each unsuppressed finding whose policy declares a fix (``@policy(fix=...)``) asks that
   fix for its edits, against the account model the finding came from.
2. Each edit goes to the editor of the file it writes (``scanner.fixing.editors``), which
   plans it on the file as the scan read it; an edit an editor refuses leaves its finding
   "not fixed", with the editor's reason.
3. The edits are re-checked in a copy of the accounts they touch (``Sandbox``): the fixed
   finding must be gone, and no finding (a CT901 included) may appear that was not there
   before. When the edits together fail that, each fix is tried alone on top of the ones
   already accepted, and a fix that fails it is rolled back and reported.
4. Only then are the files written, each through a temporary file and a rename, and only
   when it still holds the bytes the scan read: a file changed on disk during the run is
   left alone.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from scanner.fixing.editors import (
    FileEditor,
    NotEditable,
    Refused,
    Source,
    Step,
    Workspace,
    editor_for,
    target_path,
)
from scanner.fixing.editors.source import digest_of
from scanner.fixing.sandbox import Sandbox
from scanner.model import Model, Record
from scanner.options import ScanOptions
from scanner.policy import AddResource, Edit, Fail, NotFixed, PolicySpec
from scanner.results import Finding, ScanResult
from scanner.valueclass import ValueObject, value_class

FindingKey = tuple[str, str, str]  # (policy id, account, subject)


def key_of(finding: Finding) -> FindingKey:
    return (finding.id, finding.account, finding.resource)


@dataclass(slots=True, eq=False)
class Candidate:
    """One finding's fix: the steps that make it, by file."""

    finding: Finding
    steps: list[tuple[str, Step]]

    @property
    def summary(self) -> str:
        return "; ".join(step.summary for _, step in self.steps)


@value_class()
class Outcome(ValueObject):
    finding: Finding
    fixed: bool
    detail: str  # what was changed, or why not


@value_class(frozen=False)
class FixRun(ValueObject):
    root: Path
    outcomes: list[Outcome] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # accepted new text per changed file
    accepted: list[Candidate] = field(default_factory=list)
    after: ScanResult | None = None  # the copy's scan with the accepted fixes
    accounts: set[str] = field(default_factory=set)  # the accounts the fixes touched

    def diff(self) -> str:
        """A unified diff of every change, paths relative to the scan root."""
        out: list[str] = []
        for path in sorted(self.texts):
            old = self.sources[path].text.splitlines(keepends=True)
            new = self.texts[path].splitlines(keepends=True)
            for line in difflib.unified_diff(old, new, fromfile=f"a/{path}", tofile=f"b/{path}"):
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)

    def remaining(self, before: ScanResult) -> ScanResult:
        """What a scan would report once the accepted fixes are written: the copy's findings
        for the accounts they touch, the scan's own for the others."""
        if self.after is None:
            return before
        kept = [f for f in before.findings if f.account not in self.accounts]
        changed = [f for f in self.after.findings if f.account in self.accounts]
        return replace(before, findings=sorted([*kept, *changed], key=Finding.sort_key))


class Fixer:
    """One fix run over the result of a scan made with ``options``."""

    def __init__(self, result: ScanResult, options: ScanOptions, started_ns: int) -> None:
        self.result = result
        self.options = options
        self.root = result.root
        self.started_ns = started_ns
        self.workspace = Workspace(self.root, result.config.limits.max_file_bytes)
        self.editors: dict[str, FileEditor] = {}
        self.run = FixRun(root=self.root)
        self._refused_files: dict[str, str] = {}

    # -- 1 and 2: fixes and their steps ---------------------------------------------

    def plan(self) -> list[Candidate]:
        specs = {spec.id: spec for spec in self.result.policies}
        models = {model.account: model for model in self.result.models}
        candidates: list[Candidate] = []
        for finding in self.result.active():
            spec = specs.get(finding.id)
            model = models.get(finding.account)
            if spec is None or spec.fix is None or model is None:
                continue
            try:
                candidates.append(self._candidate(spec, model, finding))
            except Refused as exc:
                self.run.outcomes.append(Outcome(finding, False, str(exc)))
            except Exception as exc:  # an editor's bug costs its finding, never the run
                self.run.outcomes.append(
                    Outcome(finding, False, f"internal error: {type(exc).__name__}: {exc}")
                )
        return candidates

    def _candidate(self, spec: PolicySpec, model: Model, finding: Finding) -> Candidate:
        assert spec.fix is not None
        fail = Fail(subject=finding.resource, span=finding.span, message=finding.message,
                    related=finding.related)
        try:
            produced = list(spec.fix(model, fail))
        except Exception as exc:  # a fix's bug costs its finding, never the run
            raise Refused(f"the fix of {spec.id} failed: {type(exc).__name__}: {exc}") from None
        refusals = [p for p in produced if isinstance(p, NotFixed)]
        if refusals:
            raise Refused(refusals[0].reason)
        edits: list[Edit] = [p for p in produced if not isinstance(p, NotFixed)]
        if not edits:
            raise Refused("no fix applies")
        formats = {unit.id: unit.format for unit in model.units}
        steps = []
        for edit in edits:
            record: Record = edit.near if isinstance(edit, AddResource) else edit.record
            path = target_path(edit)
            editor = self._editor(path, formats.get(record.unit, ""))
            steps.append((path, editor.plan(edit)))
        return Candidate(finding, steps)

    def _editor(self, path: str, unit_format: str) -> FileEditor:
        if path in self._refused_files:
            raise Refused(self._refused_files[path])
        if path not in self.editors:
            try:
                source = self._read(path)
                self.editors[path] = editor_for(source, unit_format, self.workspace)
                self.run.sources[path] = source
            except (Refused, NotEditable) as exc:
                self._refused_files[path] = str(exc)
                raise Refused(str(exc)) from None
        return self.editors[path]

    def _read(self, path: str) -> Source:
        rel = PurePosixPath(path)
        if rel.is_absolute() or ".." in rel.parts:
            raise Refused(f"{path} is outside the scanned root")
        if ".terraform" in rel.parts:
            raise Refused(f"{path} belongs to a module that terraform init installed")
        if ".terragrunt-cache" in rel.parts:
            raise Refused(f"{path} is terragrunt's copy of a remote module (.terragrunt-cache)")
        target = self.root / path
        try:
            if not _inside(target, self.root):
                raise Refused(f"{path} is outside the scanned root")
            if target.is_symlink():  # a rename would replace the link, not edit its target
                raise Refused(f"{path} is a symbolic link")
            info = target.stat()
            if not stat.S_ISREG(info.st_mode):
                raise Refused(f"{path} is not a regular file")
            if info.st_mtime_ns > self.started_ns:
                raise Refused(f"{path} changed on disk during the run; left alone")
            data = target.read_bytes()
        except OSError as exc:
            raise Refused(f"cannot read {path}: {exc.strerror or exc}") from None
        return Source.decode(path, data)

    # -- 3: the re-check -----------------------------------------------------------------

    def _render(self, chosen: Iterable[Candidate]) -> tuple[dict[str, str], list[Candidate],
                                                           list[tuple[Candidate, str]]]:
        """The new texts with ``chosen`` applied, each file rendered once from its text as
        scanned. A file whose steps cannot be rendered together leaves out the fixes that
        touch it, with the reason."""
        chosen = list(chosen)
        steps: dict[str, list[Step]] = {}
        for candidate in chosen:
            for path, step in candidate.steps:
                steps.setdefault(path, []).append(step)
        texts: dict[str, str] = {}
        failed: dict[str, str] = {}
        for path, file_steps in steps.items():
            try:
                texts[path] = self.editors[path].render(file_steps)
            except Refused as exc:
                failed[path] = str(exc)
            except Exception as exc:  # an editor's bug costs its file's fixes, never the run
                failed[path] = f"internal error: {type(exc).__name__}: {exc}"
        kept: list[Candidate] = []
        refused: list[tuple[Candidate, str]] = []
        for candidate in chosen:
            why = next((failed[p] for p, _ in candidate.steps if p in failed), None)
            if why is None:
                kept.append(candidate)
            else:
                refused.append((candidate, why))
        if refused:  # render again without them: their files hold others' edits too
            texts, again, more = self._render(kept)
            return texts, again, [*refused, *more]
        changed = {p: t for p, t in texts.items() if t != self.run.sources[p].text}
        return changed, kept, refused

    def _encoded(self, texts: dict[str, str]) -> dict[str, bytes]:
        return {p: self.run.sources[p].encode(t) for p, t in texts.items()}

    def verify(self, candidates: list[Candidate]) -> None:
        if not candidates:
            return
        accounts = {c.finding.account for c in candidates}
        units = [u for m in self.result.models if m.account in accounts for u in m.units]
        self.run.accounts = accounts
        sandbox = Sandbox(self.root, units, self.options)
        try:
            self._verify(sandbox, candidates)
        finally:
            sandbox.close()

    def _verify(self, sandbox: Sandbox, candidates: list[Candidate]) -> None:
        before = sandbox.scan({})
        counts = Counter(key_of(f) for f in before.active())
        reasons: dict[int, str] = {}
        present = []
        for candidate in candidates:
            if counts[key_of(candidate.finding)]:
                present.append(candidate)
            else:
                reasons[id(candidate)] = "cannot be re-checked: the finding does not reproduce in a copy of its units"
        accepted, after = self._search(sandbox, present, counts, reasons)
        texts, kept, _ = self._render(accepted)
        self.run.texts, self.run.accepted, self.run.after = texts, kept, after
        for candidate in candidates:
            if candidate in kept:
                self.run.outcomes.append(Outcome(candidate.finding, True, candidate.summary))
            else:
                reason = reasons.get(id(candidate), "the edit did not clear it")
                self.run.outcomes.append(Outcome(candidate.finding, False, reason))

    def _trial(
        self, sandbox: Sandbox, chosen: list[Candidate], counts: Counter[FindingKey],
        reasons: dict[int, str],
    ) -> tuple[list[Candidate], ScanResult | None, list[Finding]]:
        """Scan the copy with ``chosen`` applied: the fixes that could be applied, the
        result, and the findings it has beyond those the copy had before."""
        texts, kept, refused = self._render(chosen)
        for candidate, why in refused:
            reasons[id(candidate)] = why
        if not kept:
            return [], None, []
        after = sandbox.scan(self._encoded(texts))
        return kept, after, _added(counts, after)

    def _search(
        self, sandbox: Sandbox, candidates: list[Candidate], counts: Counter[FindingKey],
        reasons: dict[int, str],
    ) -> tuple[list[Candidate], ScanResult | None]:
        """The fixes to write, found in a bounded number of scans of the copy.

        All fixes are tried together first. When that adds a finding, the fixes it can be
        traced to (same subject, a related record, an edited file) are set aside, the rest
        must be clean on its own, and the suspects come back in rounds, one per subject per
        round (the fixes of one subject are the few policies that fix it), so the number of
        scans does not grow with the number of fixes. Last, a fix whose own finding is
        still reported is dropped.
        """
        kept, after, added = self._trial(sandbox, candidates, counts, reasons)
        if added:
            suspects = _suspects(added, kept) or kept
            base = [c for c in kept if c not in suspects]
            base, after, added = self._trial(sandbox, base, counts, reasons)
            if added:
                for candidate in kept:
                    reasons[id(candidate)] = f"rolled back: the edits together would add {_describe(added[0])}"
                return [], None
            kept, after = self._readmit(sandbox, base, after, suspects, counts, reasons)
        for _ in range(_CLEARING_PASSES):
            stale = _not_cleared(kept, counts, after) if after is not None else []
            if not stale:
                return kept, after
            for candidate in stale:
                reasons[id(candidate)] = "still reported after the edit; not written"
            kept = [c for c in kept if c not in stale]
            kept, after, added = self._trial(sandbox, kept, counts, reasons)
            if added:
                break
        for candidate in kept:
            reasons[id(candidate)] = "cannot be re-checked on its own; not written"
        return [], None

    def _readmit(
        self, sandbox: Sandbox, base: list[Candidate], after: ScanResult | None,
        suspects: list[Candidate], counts: Counter[FindingKey], reasons: dict[int, str],
    ) -> tuple[list[Candidate], ScanResult | None]:
        groups: dict[str, list[Candidate]] = {}
        for candidate in suspects:
            groups.setdefault(candidate.finding.resource, []).append(candidate)
        for depth in range(max(len(g) for g in groups.values())):
            tried = [g[depth] for g in groups.values() if len(g) > depth]
            applied, trial_after, added = self._trial(sandbox, [*base, *tried], counts, reasons)
            tried = [c for c in tried if c in applied]
            bad = (_suspects(added, tried) or tried) if added else []
            for candidate in bad:
                culprit = next((f for f in added if _suspects([f], [candidate])), added[0])
                reasons[id(candidate)] = f"rolled back: the edit would add {_describe(culprit)}"
            good = [c for c in tried if c not in bad]
            if bad and good:
                applied, trial_after, added = self._trial(sandbox, [*base, *good], counts, reasons)
                if added:
                    for candidate in good:
                        reasons[id(candidate)] = f"rolled back: the edits together would add {_describe(added[0])}"
                    continue
            if good:
                base, after = applied, trial_after
        return base, after

    # -- 4: writing --------------------------------------------------------------------

    def write(self) -> None:
        """Write the accepted changes, atomically, to the files that still hold what the
        scan read; fixes touching a file changed meanwhile are reported and not written."""
        stale: dict[str, str] = {}
        for path in self.run.texts:
            try:
                data = (self.root / path).read_bytes()
            except OSError as exc:
                stale[path] = f"cannot read {path}: {exc.strerror or exc}"
                continue
            if digest_of(data) != self.run.sources[path].digest:
                stale[path] = f"{path} changed on disk during the run; left alone"
        if stale:
            self._drop(stale)
        files = {p: self.run.sources[p].encode(t) for p, t in self.run.texts.items()}
        failed = _write_atomically(self.root, files)
        if failed:
            self._drop(failed)  # nothing was written: every target is renamed only at the end
            _write_atomically(self.root, {p: self.run.sources[p].encode(t) for p, t in self.run.texts.items()})

    def _drop(self, files: dict[str, str]) -> None:
        """Leave out the fixes that touch ``files`` (path → why), and report them."""
        dropped = [c for c in self.run.accepted if any(p in files for p, _ in c.steps)]
        texts, kept, _ = self._render([c for c in self.run.accepted if c not in dropped])
        self.run.texts, self.run.accepted = texts, kept
        reasons = {id(c): next(files[p] for p, _ in c.steps if p in files) for c in dropped}
        self.run.outcomes = [
            Outcome(o.finding, False, reasons[id(c)])
            if (c := _candidate_of(dropped, o.finding)) is not None else o
            for o in self.run.outcomes
        ]


# How often fixes whose finding is still reported are dropped and the rest re-scanned.
_CLEARING_PASSES = 3


def _suspects(added: list[Finding], candidates: list[Candidate]) -> list[Candidate]:
    """The fixes a new finding can be traced to: it is about their subject or names it as
    related; failing that, it sits in a file they edit."""
    named = {n for f in added for n in (f.resource, *(r.ref for r in f.related))}
    by_subject = [c for c in candidates if c.finding.resource in named]
    if by_subject:
        return by_subject
    paths = {p for f in added for p in (f.span.path, *(r.span.path for r in f.related))}
    return [c for c in candidates if any(path in paths for path, _ in c.steps)]


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, symlinks followed, lies inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _candidate_of(candidates: list[Candidate], finding: Finding) -> Candidate | None:
    return next((c for c in candidates if c.finding is finding), None)


def _added(counts: Counter[FindingKey], after: ScanResult) -> list[Finding]:
    """Findings of ``after`` beyond those the copy had before (a CT901 included)."""
    now = Counter(key_of(f) for f in after.active())
    grown = {k for k, n in now.items() if n > counts[k]}
    return [f for f in after.active() if key_of(f) in grown]


def _not_cleared(chosen: list[Candidate], counts: Counter[FindingKey], after: ScanResult) -> list[Candidate]:
    """Fixes whose finding is still there: for each subject, as many of its findings must
    be gone as fixes were made for it."""
    now = Counter(key_of(f) for f in after.active())
    stale: list[Candidate] = []
    used: Counter[FindingKey] = Counter()
    for candidate in chosen:
        key = key_of(candidate.finding)
        used[key] += 1
        if counts[key] - now[key] < used[key]:
            stale.append(candidate)
    return stale


def _describe(finding: Finding) -> str:
    where = f"{finding.span.path}:{finding.span.line}"
    if finding.resource == finding.span.path:
        return f"{finding.id} at {where} ({finding.message})"
    return f"{finding.id} on {finding.resource} ({where})"


def _write_atomically(root: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Each file through a temporary file in its directory, renamed over it once all are
    written (a reader never sees half a file). When one cannot be staged, nothing is
    renamed and the failures (path → why) are returned."""
    staged: list[tuple[str, Path]] = []
    failed: dict[str, str] = {}
    try:
        for path, data in sorted(files.items()):
            target = root / path
            try:
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
                staged.append((tmp, target))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
            except OSError as exc:
                failed[path] = f"cannot write {path}: {exc.strerror or exc}"
        if failed:
            return failed
        for tmp, target in staged:
            os.replace(tmp, target)
        staged = []
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return failed


def fix(result: ScanResult, options: ScanOptions, started_ns: int, *, write: bool) -> FixRun:
    """Plan, re-check and (with ``write``) write the fixes for ``result``'s findings;
    ``started_ns`` is when the scan began (a file modified since is left alone)."""
    fixer = Fixer(result, options, started_ns)
    candidates = fixer.plan()
    fixer.verify(candidates)
    if write:
        fixer.write()
    order = {id(f): i for i, f in enumerate(result.findings)}
    fixer.run.outcomes.sort(key=lambda o: order.get(id(o.finding), 0))
    return fixer.run
