"""The ``.tf`` files a plan was made from, when they are in the scan.

A plan made in a root module's directory is found there (``plan.json`` next to
``main.tf``). The root's files and those of every module the plan's configuration calls
are parsed with the Terraform front end's loader: local sources relative to their caller,
remote ones where ``terraform init`` installed them (``.terraform/modules/modules.json``).
They give findings their ``.tf`` file and line, suppression comments, and the expressions
of values the plan knows only after apply. A module whose files are missing (or changed
since the plan: a resource the plan has and the files lack) simply has no source, and its
findings point at the plan file.
"""

from __future__ import annotations

from pathlib import Path

from scanner.parsers.plan.document import PlanDocument
from scanner.parsers.terraform.installed import Manifest, read_manifest
from scanner.parsers.terraform.loader import Loader, ModuleSource


def has_terraform_files(directory: Path) -> bool:
    try:
        return any(
            p.is_file() and p.name.endswith((".tf", ".tf.json")) for p in directory.iterdir()
        )
    except OSError:
        return False


class Sources:
    def __init__(self, loader: Loader, root_dir: Path | None, document: PlanDocument) -> None:
        self.loader = loader
        self.root_dir = root_dir
        self.document = document
        self._found: dict[tuple[str, ...], ModuleSource | None] = {}
        self._manifest: Manifest | None = None

    def at(self, path: tuple[str, ...]) -> ModuleSource | None:
        """The parsed module at static module path ``path`` (``()`` is the root)."""
        if path in self._found:
            return self._found[path]
        self._found[path] = None  # a module calling itself ends here
        found = self._locate(path)
        self._found[path] = found
        return found

    def _locate(self, path: tuple[str, ...]) -> ModuleSource | None:
        if self.root_dir is None:
            return None
        if not path:
            return self.loader.source(self.root_dir)
        if len(path) > self.loader.limits.max_module_depth:
            return None
        parent = self.at(path[:-1])
        config = self.document.config_at(path[:-1])
        call = config.calls.get(path[-1]) if config is not None else None
        source = call.get("source") if isinstance(call, dict) else None
        if parent is None or not isinstance(source, str):
            return None
        if source.startswith(("./", "../")):
            directory = (parent.directory / source).resolve()
        else:
            if self._manifest is None:
                self._manifest = read_manifest(self.root_dir, self.loader.root,
                                               self.loader.limits.max_file_bytes)
            installed = self._manifest.lookup(".".join(path), source)
            if installed.directory is None:
                return None
            directory = installed.directory
        if not self.loader.inside_root(directory) or not directory.is_dir():
            return None
        return self.loader.source(directory)
