"""Run one policy on one sample and compare with its ``# expect: ID`` markers."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from scanner.config import find_config, load_config
from scanner.options import ScanOptions
from scanner.results import ScanResult
from scanner.scan import run_scan

EXPECT_RE = re.compile(r"expect:\s*((?:CT\d{3}[\s,]*)+)")
SOURCE_SUFFIXES = (".tf", ".tf.json", ".yaml", ".yml", ".json", ".template")


def sample_files(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    return sorted(p for p in target.rglob("*") if p.is_file() and p.name.endswith(SOURCE_SUFFIXES))


def expected_markers(target: Path, root: Path, policy_id: str | None) -> set[tuple[str, int, str]]:
    out: set[tuple[str, int, str]] = set()
    for path in sample_files(target):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = EXPECT_RE.search(line)
            if not m:
                continue
            for pid in re.findall(r"CT\d{3}", m.group(1)):
                if policy_id is None or pid == policy_id:
                    out.add((path.relative_to(root).as_posix(), number, pid))
    return out


def scan_sample(target: Path, root: Path, policy_id: str | None) -> ScanResult:
    config = load_config(find_config(target))
    return run_scan(
        ScanOptions(
            paths=(target,),
            root=root,
            select=(policy_id,) if policy_id else (),
            config=replace(config, select=()),
        )
    )


def actual_markers(result: ScanResult, policy_id: str | None) -> set[tuple[str, int, str]]:
    return {
        (f.span.path, f.span.line, f.id)
        for f in result.active()
        if policy_id is None or f.id == policy_id
    }


def annotate(target: Path, root: Path, missing: set, unexpected: set, result: ScanResult) -> str:
    """The sample with ``# <-- missing/unexpected`` notes, for a readable failure."""
    lines = []
    for path in sample_files(target):
        rel = path.relative_to(root).as_posix()
        lines.append(f"--- {rel}")
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            notes = [f"# <-- missing {pid}" for (p, n, pid) in sorted(missing) if p == rel and n == number]
            notes += [f"# <-- unexpected {pid}" for (p, n, pid) in sorted(unexpected) if p == rel and n == number]
            lines.append(f"{number:4} {text}  {' '.join(notes)}".rstrip())
    others = [(p, n, i) for (p, n, i) in sorted(unexpected) if p not in {x.relative_to(root).as_posix() for x in sample_files(target)}]
    if others:
        lines.append(f"unexpected findings elsewhere: {others}")
    lines.append("messages:")
    lines += [f"  {f.span.path}:{f.span.line} {f.id} {f.message}" for f in result.findings]
    return "\n".join(lines)
