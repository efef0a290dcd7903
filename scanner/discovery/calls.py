"""Who calls whom: Terraform module calls and CloudFormation nested stacks, read from
parsed structure (the Terraform outline, the decoded template), never from raw text.

A call that cannot be read for certain (a file that does not tokenize, a source that is
not a literal, a location given by a parameter) is left out. That is the safe side: the
callee then counts as a unit of its own and is scanned, perhaps twice, never skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from scanner.limits import Limits

LOCAL_PREFIXES = ("./", "../")


def _is_override(name: str) -> bool:
    stem = name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def _read_text(path: str, limits: Limits, word: bytes | None = None) -> str | None:
    """The file's text; None when it cannot be read (the loader reads it again and
    reports why) or, with ``word``, when it does not contain that word."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limits.max_file_bytes:
            return None
        with open(path, "rb") as fh:
            data = fh.read()
        if word is not None and word not in data:
            return None
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _terraform_files(directory: str) -> list[tuple[str, str]]:
    """(name, real path) of the .tf/.tf.json files of a directory the walk did not list."""
    out = []
    try:
        with os.scandir(directory) as it:
            for entry in it:
                if entry.name.endswith((".tf", ".tf.json")):
                    real = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
                    out.append((entry.name, real))
    except OSError:
        return []
    return sorted(out)


def module_targets(
    directory: str,
    limits: Limits,
    inside: Callable[[str], bool],
    files: list[tuple[str, str]] | None = None,
) -> set[str]:
    """The local module directories the Terraform files in ``directory`` call (real
    paths of existing directories inside the scan root). ``files``: the directory's
    .tf files as the walk listed them (name, real path), else it is listed here.
    Override files (``override.tf``, ``*_override.tf``) replace a module's source, as
    Terraform does."""
    listed = sorted(files) if files is not None else _terraform_files(directory)
    sources: dict[str, str | None] = {}
    for override in (False, True):
        for name, path in listed:
            if _is_override(name) != override:
                continue
            if not inside(path):
                continue  # the loader never reads a file linked from outside the root
            text = _read_text(path, limits, b"module")
            if text is None:
                continue  # a module block is written with the word `module`
            # Imported here: a tree without module calls never compiles its patterns.
            from scanner.parsers.terraform.outline import outline_text

            outline = outline_text(text, is_json=name.endswith(".json"))
            if outline.problems:
                continue  # not trusted: the loader reports the file
            for block in outline.blocks:
                if block.type == "module" and len(block.labels) == 1:
                    if override and block.literal("source") is None and not any(
                        key == "source" for key, _ in block.attributes
                    ):
                        continue  # an override that leaves the source as it is
                    sources[block.labels[0]] = block.source
    targets: set[str] = set()
    for source in sources.values():
        if source is None or not source.startswith(LOCAL_PREFIXES):
            continue
        target = os.path.realpath(os.path.join(directory, source))
        if target != directory and inside(target) and os.path.isdir(target):
            targets.add(target)
    return targets


def terragrunt_targets(directory: str, root: str, limits: Limits, inside: Callable[[str], bool]) -> set[str]:
    """What a ``terragrunt.hcl`` directory calls: the local module its ``terraform {
    source }`` names (so the module is not a root of its own) and the directories of the
    ``terragrunt.hcl`` files it includes (a parent configuration, not a root). Read with
    the Terraform front end's own terragrunt reader, so both agree on every source."""
    from scanner.parsers.terraform.loader import Loader
    from scanner.parsers.terraform.terragrunt import CACHE_DIR, CONFIG_NAME, read_terragrunt

    try:
        found = read_terragrunt(Loader(Path(root), Path(directory), limits), Path(directory))
    except Exception:  # noqa: BLE001 - the loader reads it again and reports why
        return set()
    targets: set[str] = set()
    module = found.module_dir
    if module is not None and CACHE_DIR not in module.parts:
        real = os.path.realpath(module)
        if real != directory and inside(real) and os.path.isdir(real):
            targets.add(real)
    for included in found.included:
        if included.name == CONFIG_NAME:
            parent = os.path.realpath(included.parent)
            if parent != directory and inside(parent):
                targets.add(parent)
    return targets


def terraform_calls(
    directories: Iterable[str],
    limits: Limits,
    inside: Callable[[str], bool],
    listings: dict[str, list[tuple[str, str]]] | None = None,
    root: str | None = None,
    has_terragrunt: Callable[[str], bool] | None = None,
) -> dict[str, set[str]]:
    """The call graph from ``directories``, followed into every module they reach (each
    directory read once). ``listings``: the .tf files of the directories the walk saw.
    With ``root`` (the scan root), a directory with a ``terragrunt.hcl`` also calls what
    that file names (``terragrunt_targets``); ``has_terragrunt`` says whether the file is
    there from the walk's listings (else each directory is asked)."""
    from scanner.discovery.walk import TERRAGRUNT_FILE

    calls: dict[str, set[str]] = {}
    listings = listings or {}

    def terragrunt_here(directory: str) -> bool:
        if has_terragrunt is not None:
            return has_terragrunt(directory)
        return os.path.isfile(os.path.join(directory, TERRAGRUNT_FILE))

    queue = sorted(directories, reverse=True)
    while queue:
        directory = queue.pop()
        if directory in calls:
            continue
        targets = module_targets(directory, limits, inside, listings.get(directory))
        if root is not None and terragrunt_here(directory):
            targets |= terragrunt_targets(directory, root, limits, inside)
        calls[directory] = targets
        queue.extend(sorted((t for t in targets if t not in calls), reverse=True))
    return calls


def nested_targets(
    template: str, text: str, limits: Limits, inside: Callable[[str], bool]
) -> set[str]:
    """The local templates ``template`` (whose text is given) loads as nested stacks."""
    from scanner.parsers.cloudformation import nested_stacks

    found = nested_stacks(text, limits)
    base = os.path.dirname(template)
    out: set[str] = set()
    for stack in found.stacks:
        target = os.path.realpath(os.path.join(base, stack.location))
        if inside(target) and os.path.isfile(target):
            out.add(target)
    return out


def follow_nesting(edges: dict[str, set[str]], limits: Limits, inside: Callable[[str], bool]) -> None:
    """Complete the nesting graph ``edges`` (template → nested templates, for the
    templates read so far) with the nested templates that were not candidates
    themselves, each read and decoded once."""
    from scanner.parsers.cloudformation import may_nest_stacks

    queue = sorted({t for targets in edges.values() for t in targets if t not in edges}, reverse=True)
    while queue:
        path = queue.pop()
        if path in edges:
            continue
        text = _read_text(path, limits)
        if text is None or not may_nest_stacks(text):
            edges[path] = set()
            continue
        edges[path] = nested_targets(path, text, limits, inside)
        queue.extend(sorted((t for t in edges[path] if t not in edges), reverse=True))
