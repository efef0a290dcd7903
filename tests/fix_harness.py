"""Running ``trailscan fix`` on a small tree in a test: the real scan, the real fixes, the
real editors and re-check (nothing is mocked)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from scanner.config import Config
from scanner.fixing.run import FixRun, fix
from scanner.options import ScanOptions
from scanner.results import ScanResult
from scanner.scan import run_scan


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


@dataclass
class Fixed:
    run: FixRun
    before: ScanResult

    def text(self, name: str) -> str:
        """The file's text after the fixes (its original text when none changed it)."""
        if name in self.run.texts:
            return self.run.texts[name]
        return self.run.sources[name].text if name in self.run.sources else ""

    def outcome(self, policy: str, resource: str = "") -> tuple[bool, str]:
        found = [o for o in self.run.outcomes
                 if o.finding.id == policy and (not resource or o.finding.resource == resource)]
        assert len(found) == 1, [(o.finding.id, o.finding.resource, o.detail) for o in self.run.outcomes]
        return found[0].fixed, found[0].detail


def run_fix(root: Path, *, select: tuple[str, ...] = (), write: bool = False,
            variables: tuple[tuple[str, str], ...] = ()) -> Fixed:
    options = ScanOptions(paths=(root,), root=root, select=select, config=Config(),
                          variables=variables)
    started = time.time_ns()
    before = run_scan(options)
    return Fixed(fix(before, options, started, write=write), before)


def active_keys(root: Path, select: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    result = run_scan(ScanOptions(paths=(root,), root=root, select=select, config=Config()))
    return sorted((f.id, f.resource) for f in result.active())
