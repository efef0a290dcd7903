"""The sample harness: run one policy on one sample and compare with its markers.

A sample is a directory (a Terraform root) or a template named ``pass*`` or ``fail*``.
A fail sample marks each line where a finding must be reported with ``# expect: ID``
(several ids may follow, separated by commas or spaces); a pass sample has no marker and
must give no finding for its policy. trailscan's own samples (``samples/``) and the users'
(``trailscan test-policies DIR`` over ``DIR/samples/<ID>/``) go through this same code, so a
custom policy is held to exactly the standard of a built-in one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import field, replace
from pathlib import Path

from scanner.config import find_config, load_config
from scanner.model import INTERNAL_ERROR, PARSE_ERROR
from scanner.options import ScanOptions
from scanner.policy import PolicySpec
from scanner.results import ScanResult
from scanner.scan import run_scan
from scanner.valueclass import ValueObject, value_class

ID = r"[A-Z]{2,8}\d{3}"
EXPECT_RE = re.compile(rf"expect:\s*((?:{ID}[\s,]*)+)")
SOURCE_SUFFIXES = (".tf", ".tf.json", ".yaml", ".yml", ".json", ".template")

Marker = tuple[str, int, str]  # (path relative to the root, line, policy id)


def sample_files(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    return sorted(p for p in target.rglob("*") if p.is_file() and p.name.endswith(SOURCE_SUFFIXES))


def expected_markers(target: Path, root: Path, policy_id: str | None) -> set[Marker]:
    out: set[Marker] = set()
    for path in sample_files(target):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = EXPECT_RE.search(line)
            if not m:
                continue
            for pid in re.findall(ID, m.group(1)):
                if policy_id is None or pid == policy_id:
                    out.add((path.relative_to(root).as_posix(), number, pid))
    return out


def scan_sample(
    target: Path, root: Path, policy_id: str | None, policy_dirs: tuple[Path, ...] = ()
) -> ScanResult:
    """Scan one sample with the configuration a user would get there, running only
    ``policy_id`` (all policies when ``None``)."""
    config = load_config(find_config(target))
    return run_scan(
        ScanOptions(
            paths=(target,),
            root=root,
            select=(policy_id,) if policy_id else (),
            config=replace(config, select=(), policies_dirs=()),
            policy_dirs=policy_dirs,
        )
    )


def actual_markers(result: ScanResult, policy_id: str | None) -> set[Marker]:
    return {
        (f.span.path, f.span.line, f.id)
        for f in result.active()
        if policy_id is None or f.id == policy_id
    }


def annotate(target: Path, root: Path, missing: set[Marker], unexpected: set[Marker],
             result: ScanResult) -> str:
    """The sample with ``# <-- missing/unexpected`` notes, for a readable failure."""
    lines = []
    files = sample_files(target)
    for path in files:
        rel = path.relative_to(root).as_posix()
        lines.append(f"--- {rel}")
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            notes = [f"# <-- missing {pid}" for (p, n, pid) in sorted(missing) if p == rel and n == number]
            notes += [f"# <-- unexpected {pid}" for (p, n, pid) in sorted(unexpected) if p == rel and n == number]
            lines.append(f"{number:4} {text}  {' '.join(notes)}".rstrip())
    names = {x.relative_to(root).as_posix() for x in files}
    others = [(p, n, i) for (p, n, i) in sorted(unexpected) if p not in names]
    if others:
        lines.append(f"unexpected findings elsewhere: {others}")
    lines.append("messages:")
    lines += [f"  {f.span.path}:{f.span.line} {f.id} {f.message}" for f in result.findings]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# One sample, judged
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class SampleVerdict(ValueObject):
    policy_id: str
    target: Path
    problems: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def check_sample(target: Path, policy_id: str, policy_dirs: tuple[Path, ...] = ()) -> SampleVerdict:
    """Pass samples give nothing for their policy; fail samples give exactly the marked
    (line, id) pairs; neither may hide behind a parse or internal error."""
    root = target.parent
    verdict = SampleVerdict(policy_id=policy_id, target=target)
    result = scan_sample(target, root, policy_id, policy_dirs)
    broken = [f for f in result.findings if f.id in (INTERNAL_ERROR, PARSE_ERROR)]
    expected = expected_markers(target, root, policy_id)
    actual = actual_markers(result, policy_id)
    missing, unexpected = expected - actual, actual - expected
    if broken:
        verdict.problems.append(
            "; ".join(f"{f.id} {f.span.path}:{f.span.line} {f.message}" for f in broken)
        )
    if target.name.startswith("pass") and expected:
        verdict.problems.append("a pass sample must not carry `# expect:` markers")
    if target.name.startswith("fail") and not expected:
        verdict.problems.append(f"a fail sample needs at least one `# expect: {policy_id}` marker")
    if missing:
        verdict.problems.append("missing " + ", ".join(f"{p}:{n} {i}" for p, n, i in sorted(missing)))
    if unexpected:
        verdict.problems.append(
            "unexpected " + ", ".join(f"{p}:{n} {i}" for p, n, i in sorted(unexpected))
        )
    if verdict.problems:
        verdict.detail = annotate(target, root, missing, unexpected, result)
    return verdict


# ---------------------------------------------------------------------------
# A directory of user policies
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class PolicySamplesReport(ValueObject):
    verdicts: list[SampleVerdict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # policies without samples, strays

    @property
    def ok(self) -> bool:
        return not self.errors and all(v.ok for v in self.verdicts)

    def render(self) -> str:
        lines = []
        for v in self.verdicts:
            name = f"{v.policy_id} {v.target.name}"
            if v.ok:
                lines.append(f"ok    {name}")
                continue
            lines.append(f"FAIL  {name}: {'; '.join(v.problems)}")
            lines += [f"      {line}" for line in v.detail.splitlines()]
        lines += [f"FAIL  {e}" for e in self.errors]
        failed = sum(1 for v in self.verdicts if not v.ok) + len(self.errors)
        passed = sum(1 for v in self.verdicts if v.ok)
        lines.append(f"{passed} passed, {failed} failed")
        return "\n".join(lines) + "\n"


def sample_targets(policy_samples: Path) -> list[Path]:
    return sorted(
        p for p in policy_samples.iterdir() if p.name.startswith(("pass", "fail"))
    ) if policy_samples.is_dir() else []


def run_policy_samples(directory: Path, catalogue: Sequence[PolicySpec]) -> PolicySamplesReport:
    """Check every policy defined in ``directory`` against ``directory/samples/<ID>/``."""
    report = PolicySamplesReport()
    resolved = directory.resolve()
    own = sorted(
        s.id for s in catalogue
        if s.module.startswith("trailscan_user_policies_") and _defined_in(s, resolved)
    )
    samples = directory / "samples"
    present = sorted(p.name for p in samples.iterdir() if p.is_dir()) if samples.is_dir() else []
    for stray in sorted(set(present) - set(own)):
        report.errors.append(f"samples/{stray}: no policy {stray} in {directory}")
    for policy_id in own:
        targets = sample_targets(samples / policy_id)
        if not any(t.name.startswith("pass") for t in targets) or not any(
            t.name.startswith("fail") for t in targets
        ):
            report.errors.append(
                f"{policy_id}: needs samples/{policy_id}/pass* and samples/{policy_id}/fail*"
            )
        for target in targets:
            report.verdicts.append(check_sample(target, policy_id, (directory,)))
    return report


def _defined_in(spec: PolicySpec, directory: Path) -> bool:
    module = sys.modules.get(spec.module)
    origin = getattr(module, "__file__", None)
    return origin is not None and Path(origin).resolve().parent == directory
