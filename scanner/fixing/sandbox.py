"""A private copy of the units a fix touches, where edits are re-checked before anything
is written.

The re-check must see what a real scan would see after the fix, and must not write the
user's files to find out (``--diff`` writes nothing; a rolled-back fix must never have
been on disk). So the files of every unit of each account the fixes touch -- a policy like
CT004 judges the whole account -- are copied to a temporary directory with the same
relative paths, and scanned there with the same options: same ids, same subjects, same
suppressions and baseline entries, so findings compare one to one. Comparing the copy
before and after the edits (rather than against the original scan) keeps whatever the
copy cannot reproduce out of the comparison.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath

from scanner.model import Unit
from scanner.options import ScanOptions
from scanner.results import ScanResult
from scanner.scan import run_scan

# Files a Terraform root reads besides its .tf files: variable values and the manifest of
# the modules ``terraform init`` installed.
_ROOT_EXTRAS = (".tfvars", ".tfvars.json")
_MANIFEST = ".terraform/modules/modules.json"


def _inside(rel: str) -> bool:
    path = PurePosixPath(rel)
    return not path.is_absolute() and ".." not in path.parts


class Sandbox:
    """The copy; ``scan(texts)`` scans it with ``texts`` (path → new text) in place."""

    def __init__(self, root: Path, units: Iterable[Unit], options: ScanOptions) -> None:
        self.root = root
        self.dir = Path(tempfile.mkdtemp(prefix="trailscan-fix-"))
        self.options = options
        self.files: set[str] = set()
        targets: list[str] = []
        for unit in units:
            self.files.update(f for f in unit.files if _inside(f))
            if unit.format == "terraform":
                self.files.update(self._extras(unit.id))
            elif _inside(unit.id):
                self.files.add(unit.id)
            if _inside(unit.id):
                targets.append(unit.id)
        for rel in sorted(self.files):
            self._restore(rel)
        self.targets = sorted(set(targets))
        self._overlaid: set[str] = set()

    def _extras(self, unit_dir: str) -> set[str]:
        folder = self.root / unit_dir
        out: set[str] = set()
        try:
            for entry in folder.iterdir():
                if entry.is_file() and entry.name.endswith(_ROOT_EXTRAS):
                    out.add((PurePosixPath(unit_dir) / entry.name).as_posix())
        except OSError:
            return out
        if (folder / _MANIFEST).is_file():
            out.add((PurePosixPath(unit_dir) / _MANIFEST).as_posix())
        return {PurePosixPath(p).as_posix().removeprefix("./") for p in out}

    def _restore(self, rel: str) -> None:
        source, target = self.root / rel, self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, target)
        except OSError:
            target.unlink(missing_ok=True)

    def scan(self, texts: Mapping[str, bytes]) -> ScanResult:
        """A scan of the copy with ``texts`` (path → file content) written over it."""
        for rel in self._overlaid - set(texts):
            self._restore(rel)
        for rel, data in texts.items():
            target = self.dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self._overlaid = set(texts)
        paths = tuple(self.dir / t if t != "." else self.dir for t in self.targets) or (self.dir,)
        options = replace(self.options, paths=paths, root=self.dir, changed_files=False)
        return run_scan(options)

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
