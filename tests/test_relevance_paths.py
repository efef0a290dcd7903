"""The pre-pass finds a root module's directory and files with fewer system calls than
``Path.resolve`` per unit, and finds the same ones: the real directory, the same files,
the files linked from outside the root still left out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.limits import Limits
from scanner.parsers.common import is_within
from scanner.parsers.terraform.relevance import (
    _is_file,
    _is_under,
    _module_files,
    _real_root,
    _real_unit,
    unit_relevance,
)

TRAIL = 'resource "aws_cloudtrail" "t" {\n  name = "main"\n}\n'
VPC = 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n'


def _old_module_files(unit_dir: Path, root: Path) -> list[Path]:
    """What the pre-pass listed before: every path resolved in full, ``in parents``."""
    directory, root = unit_dir.resolve(), root.resolve()
    if not directory.is_dir():
        return []
    inside = directory == root or root in directory.parents
    files = []
    for entry in os.scandir(directory):
        if entry.name.endswith((".tf", ".tf.json")) and entry.is_file():
            path = directory / entry.name
            if (inside and not entry.is_symlink()) or is_within(path, root):
                files.append(path)
    return sorted(files, key=lambda p: p.name)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """A scan root with plain, linked, escaping, missing and looping directories, and a
    directory outside it."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    for directory in (root / "a" / "b", root / "shared", outside / "unit"):
        directory.mkdir(parents=True)
    (root / "a" / "b" / "main.tf").write_text(VPC)
    (root / "shared" / "trail.tf").write_text(TRAIL)
    (outside / "trail.tf").write_text(TRAIL)
    (outside / "unit" / "main.tf").write_text(TRAIL)
    os.symlink(root / "a", root / "alias")  # a directory linked inside the root
    os.symlink(outside / "unit", root / "escape")  # a directory linked from outside
    (root / "links").mkdir()
    os.symlink(outside / "trail.tf", root / "links" / "outer.tf")  # a file from outside
    os.symlink(root / "shared" / "trail.tf", root / "links" / "inner.tf")  # one from inside
    os.symlink(root / "loop", root / "loop")
    os.symlink(root, tmp_path / "root-link")  # the root itself reached through a link
    return root, outside


def _units(root: Path) -> list[Path]:
    return [root, root / "a", root / "a" / "b", root / "alias", root / "alias" / "b",
            root / "escape", root / "links", root / "missing", root / "missing" / "deeper",
            root / "a" / ".." / "shared", root / "a" / "b" / "main.tf"]


def test_the_real_directory_is_what_resolve_gives(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    for given_root in (root, root.parent / "root-link"):
        real_root = _real_root(given_root)
        assert real_root == given_root.resolve()
        # Also directories not under the root as written: resolved in full.
        units = _units(given_root) + [root / "a", outside / "unit", outside,
                                      Path(os.path.relpath(given_root / "a"))]
        for unit in units:
            assert _real_unit(unit, given_root, real_root) == unit.resolve(), unit


def test_a_symlink_loop_is_reported_as_resolve_reports_it(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    with pytest.raises(RuntimeError):
        (root / "loop").resolve()
    with pytest.raises(RuntimeError):
        _real_unit(root / "loop", root, _real_root(root))


def test_the_same_files_are_listed(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    for given_root in (root, root.parent / "root-link"):
        for unit in _units(given_root):
            if unit.name == "main.tf":
                continue
            real_root = _real_root(given_root)
            mine = _module_files(_real_unit(unit, given_root, real_root), real_root)
            assert mine == _old_module_files(unit, given_root), unit
    real = _real_root(root)
    assert [p.name for p in _module_files(real / "links", real)] == ["inner.tf"]
    assert _module_files(_real_unit(root / "escape", root, real), real) == []


def test_what_is_linked_from_outside_the_root_is_never_read(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    limit = Limits().max_file_bytes
    for given_root in (root, root.parent / "root-link"):
        assert unit_relevance(given_root / "links", given_root, limit).kind == "relevant"
        assert unit_relevance(given_root / "escape", given_root, limit).kind == "none"
        assert unit_relevance(given_root / "alias" / "b", given_root, limit).kind == "none"
    (root / "links" / "inner.tf").unlink()
    assert unit_relevance(root / "links", root, limit).kind == "none"


def test_a_scan_s_memo_gives_the_same_relevance(tree: tuple[Path, Path]) -> None:
    """Inside a scan (``resolving_once``) the root and the directory come from the
    real-path memo: every unit's relevance is the one found without it."""
    from scanner.parsers.paths import resolving_once

    root, _ = tree
    limit = Limits().max_file_bytes
    for given_root in (root, root.parent / "root-link"):
        units = [u for u in _units(given_root) if u.name != "main.tf"]
        expected = [unit_relevance(unit, given_root, limit) for unit in units]
        with resolving_once():
            assert [unit_relevance(unit, given_root, limit) for unit in units] == expected


def test_the_remembered_root_follows_a_root_that_moves(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    link = tmp_path / "root"
    os.symlink(first, link)
    assert _real_root(link) == first
    link.unlink()
    os.symlink(second, link)  # another directory
    assert _real_root(link) == second
    second.rename(tmp_path / "renamed")  # the same directory under another name
    link.unlink()
    os.symlink(tmp_path / "renamed", link)
    assert _real_root(link) == tmp_path / "renamed"
    link.unlink()
    assert _real_root(link) == link.resolve()  # gone: resolved as written


@pytest.mark.parametrize(
    ("directory", "root"),
    [("/", "/"), ("/a", "/"), ("/a/b", "/a"), ("/a/bc", "/a/b"), ("/a/b", "/a/b"), ("/a", "/a/b"),
     ("/ab", "/a"), ("/a/b/c/d", "/a/b")],
)
def test_under_is_the_parents_test(directory: str, root: str) -> None:
    expected = Path(directory) == Path(root) or Path(root) in Path(directory).parents
    assert _is_under(Path(directory), Path(root)) == expected


def test_is_file_is_pathlibs(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    os.symlink(outside / "trail.tf", root / "file-link")
    os.symlink(root / "nowhere", root / "dangling")
    candidates = [root / "shared" / "trail.tf", root / "shared", root / "missing", root / "file-link",
                  root / "dangling", root / "loop", root / "loop" / "x", root / "shared" / "trail.tf" / "x",
                  root / "escape", Path(str(root) + "/nul\0byte")]
    for path in candidates:
        assert _is_file(str(path)) == path.is_file(), path
