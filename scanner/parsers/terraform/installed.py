"""Remote modules that ``terraform init`` installed: ``.terraform/modules/modules.json``.

``terraform init`` downloads every registry, git or other remote module a root calls and
records, per module call, where it put the code::

    {"Modules": [{"Key": "", "Source": "", "Dir": "."},
                 {"Key": "trail", "Source": "registry.terraform.io/acme/trail/aws",
                  "Version": "1.2.0", "Dir": ".terraform/modules/trail"},
                 {"Key": "trail.bucket", "Source": "git::https://example.com/b.git",
                  "Dir": ".terraform/modules/trail.bucket"}]}

``Key`` is the static module path (module call names joined by ``.``: ``trail.bucket`` is
module ``bucket`` inside module ``trail``), ``Dir`` is relative to the root module. This is
the only place where trailscan looks for remote code: nothing is ever downloaded, and a
``Dir`` that leaves the scanned root (symlinks followed) is refused.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from scanner.parsers.common import is_within, read_text, real_path, relpath
from scanner.parsers.reads import note_probe
from scanner.valueclass import ValueObject, value_class

MANIFEST = Path(".terraform") / "modules" / "modules.json"
# What a user runs to install the modules trailscan could not see (no backend: nothing is
# written to remote state, and no credentials are needed).
INIT_HINT = "run `terraform init -backend=false` to let trailscan read it"
_REGISTRY_HOST = "registry.terraform.io/"
_SCHEME = re.compile(r"^[a-z0-9+.-]+::")
_URL = re.compile(r"^(?:[a-z0-9+.-]+://)?(?:[^@/]+@)?")


@value_class()
class Installed(ValueObject):
    """One installed module: where its code is, or why it cannot be used."""

    directory: Path | None
    version: str = ""
    problem: str = ""  # a CT901 the user must see (the record points outside the root)
    reason: str = ""  # why the module stays unread (not installed, stale install)


@value_class()
class Manifest(ValueObject):
    """The module records of one root, by key; ``problem`` when the file is unreadable."""

    root_dir: Path
    scan_root: Path
    records: dict[str, dict[str, str]]
    problem: str = ""

    @property
    def path(self) -> str:
        return relpath(self.root_dir / MANIFEST, self.scan_root)

    def lookup(self, key: str, source: str) -> Installed:
        """Where module call ``key`` (written with ``source``) was installed."""
        record = self.records.get(key)
        if record is None:
            return Installed(None, reason=f"module source {source} is not installed: {INIT_HINT}")
        if not same_source(record.get("Source", ""), source):
            return Installed(
                None,
                reason=(
                    f"module source {source} was installed from {record.get('Source', '')!r}, "
                    f"not from this source: {INIT_HINT}"
                ),
            )
        version = record.get("Version", "")
        written = record.get("Dir", "")
        if written:
            note_probe(self.root_dir / written)  # where it leads (a link may be retargeted)
        target = real_path(self.root_dir / written) if written else None
        if target is None or not is_within(target, self.scan_root):
            return Installed(
                None,
                version=version,
                problem=(
                    f"installed module {key} ({self.path}) lies outside the scanned root "
                    f"({written!r}); not read"
                ),
            )
        note_probe(target)
        if not target.is_dir():
            return Installed(
                None,
                version=version,
                reason=(
                    f"module source {source}: its installed directory {written} is missing: "
                    f"{INIT_HINT}"
                ),
            )
        return Installed(target, version=version)


def read_manifest(root_dir: Path, scan_root: Path, max_bytes: int) -> Manifest:
    """The manifest next to the root module ``root_dir`` (empty when there is none)."""
    path = root_dir / MANIFEST
    empty = Manifest(root_dir=root_dir, scan_root=scan_root, records={})
    note_probe(path)
    if not path.is_file() and not path.is_symlink():
        return empty
    if not is_within(path, scan_root):
        return Manifest(root_dir=root_dir, scan_root=scan_root, records={},
                        problem="symlink points outside the scanned root; not read")
    text, why = read_text(path, max_bytes)
    if text is None:
        return Manifest(root_dir=root_dir, scan_root=scan_root, records={}, problem=why)
    try:
        data = json.loads(text)
    except ValueError as exc:
        return Manifest(root_dir=root_dir, scan_root=scan_root, records={},
                        problem=f"cannot read the module manifest: {exc}")
    modules = data.get("Modules") if isinstance(data, dict) else None
    if not isinstance(modules, list):
        return Manifest(root_dir=root_dir, scan_root=scan_root, records={},
                        problem='the module manifest has no "Modules" list')
    records: dict[str, dict[str, str]] = {}
    for item in modules:
        if not isinstance(item, dict) or not isinstance(item.get("Key"), str):
            continue
        fields = {k: v for k, v in item.items() if isinstance(k, str) and isinstance(v, str)}
        records.setdefault(item["Key"], fields)
    return Manifest(root_dir=root_dir, scan_root=scan_root, records=records)


def same_source(installed: str, written: str) -> bool:
    """Whether the manifest's ``Source`` is the source written in the module call.

    Terraform records the normalised address (``registry.terraform.io/acme/x/aws``,
    ``git::https://github.com/acme/x.git``) and refuses to plan when the written source no
    longer matches ("Module source has changed"); comparing without host, scheme and
    ``.git`` keeps a shorthand (``acme/x/aws``, ``github.com/acme/x``) equal to its record.
    """
    return _normal(installed) == _normal(written)


def _normal(source: str) -> str:
    text = source.strip().lower()
    text = text.removeprefix(_REGISTRY_HOST)
    text = _SCHEME.sub("", text)
    text = _URL.sub("", text, count=1)
    path, _, query = text.partition("?")
    repo, sep, sub = path.partition("//")
    repo = repo.replace(":", "/").removesuffix("/").removesuffix(".git")
    return f"{repo}{sep}{sub}" + (f"?{query}" if query else "")
