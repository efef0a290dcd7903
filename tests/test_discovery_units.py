"""Discovery's units: module calls and nested stacks from structure, entry points for
cycles, the walk's cost and its file-system rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.discovery import discover
from scanner.discovery import walk as walk_module
from scanner.discovery.graph import ancestors, entry_points
from scanner.limits import Limits

TRAIL = 'resource "aws_cloudtrail" "t" {\n  name = "t"\n  s3_bucket_name = "b"\n}\n'


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _rel(paths: list[Path], root: Path) -> list[str]:
    return [p.relative_to(root.resolve()).as_posix() for p in paths]


def test_calls_come_from_module_blocks_in_hcl_and_json(tmp_path: Path) -> None:
    _write(tmp_path / "a/main.tf", 'module "x" {\n  source = "../x"\n}\n')
    _write(tmp_path / "b/main.tf.json", '{"module": {"y": {"source": "../y"}}}')
    _write(tmp_path / "c/main.tf", '# module "z" { source = "../z" }\nlocals {\n  s = "source = \\"../z\\""\n}\n')
    for name in ("x", "y", "z"):
        _write(tmp_path / name / "main.tf", TRAIL)
    found = discover([tmp_path], tmp_path, Limits())
    assert _rel(found.terraform_dirs, tmp_path) == ["a", "b", "c", "z"]


def test_override_files_replace_a_module_source(tmp_path: Path) -> None:
    _write(tmp_path / "root/main.tf", 'module "m" {\n  source = "../old"\n}\n')
    _write(tmp_path / "root/main_override.tf", 'module "m" {\n  source = "../new"\n}\n')
    _write(tmp_path / "old/main.tf", TRAIL)
    _write(tmp_path / "new/main.tf", TRAIL)
    found = discover([tmp_path], tmp_path, Limits())
    # Terraform loads ../new: ../old is called by nobody and is a root of its own.
    assert _rel(found.terraform_dirs, tmp_path) == ["old", "root"]


def test_a_file_that_does_not_tokenize_calls_nothing_for_certain(tmp_path: Path) -> None:
    """Its calls are not trusted, so what it seems to call stays a root (scanned, maybe
    twice, never skipped); the loader reports the file."""
    _write(tmp_path / "root/main.tf", 'module "m" {\n  source = "../m"\n}\nlocals {\n  x = "open\n}\n')
    _write(tmp_path / "m/main.tf", TRAIL)
    found = discover([tmp_path], tmp_path, Limits())
    assert _rel(found.terraform_dirs, tmp_path) == ["m", "root"]


def test_entry_points_load_every_candidate_once() -> None:
    edges = {
        "r": ["m"], "m": ["n"],  # a root and its chain
        "a": ["b"], "b": ["a", "c"], "c": [],  # a cycle with a tail
        "s": ["s"],  # calls itself
        "i": ["k"], "k": ["i", "t"], "t": [],  # a knot reached only through others
    }
    assert entry_points(edges, ["r", "m", "n", "a", "b", "c", "s", "k", "t"]) == ["a", "k", "r", "s"]
    assert ancestors(edges, ["c"]) == {"a", "b", "c"}


def test_a_template_that_nests_itself_or_a_cycle_is_loaded_once(tmp_path: Path) -> None:
    nested = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: {}\n'
    _write(tmp_path / "self.yaml", nested.format("./self.yaml"))
    _write(tmp_path / "a.yaml", nested.format("./b.yaml"))
    _write(tmp_path / "b.yaml", nested.format("!Sub ./a.yaml"))
    _write(tmp_path / "desc.yaml", nested.format("https://example.com/x.yaml").replace(
        '"2010-09-09"', '"2010-09-09"\nDescription: "TemplateURL: ./self.yaml"'))
    found = discover([tmp_path], tmp_path, Limits())
    assert _rel(found.templates, tmp_path) == ["a.yaml", "desc.yaml", "self.yaml"]


def test_too_large_templates_are_problems_whatever_their_name(tmp_path: Path) -> None:
    _write(tmp_path / "data.json", "[" + "1," * 600 + "1]")
    found = discover([tmp_path], tmp_path, Limits(max_file_bytes=1000))
    assert [(p.span.path, "max_file_bytes" in p.message) for p in found.problems] == [("data.json", True)]


def test_deep_directories_do_not_exhaust_the_stack(tmp_path: Path) -> None:
    deep = tmp_path
    levels = []
    for _ in range(1200):  # deeper than Python's recursion limit
        deep = deep / "d"
        deep.mkdir()
        levels.append(deep)
    (deep / "main.tf").write_text(TRAIL, encoding="utf-8")
    try:
        found = discover([tmp_path], tmp_path, Limits())
        assert len(found.terraform_dirs) == 1
    finally:
        # pytest's own (recursive) clean-up of old temporary directories cannot remove it.
        (deep / "main.tf").unlink()
        for level in reversed(levels):
            level.rmdir()


def test_one_realpath_per_symlink_not_per_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(30):
        _write(tmp_path / f"unit{i}/main.tf", TRAIL)
        _write(tmp_path / f"unit{i}/stack.yaml", "a: 1\n")
    os.symlink(tmp_path / "unit0", tmp_path / "alias")
    calls = []
    real = os.path.realpath

    def counting(path, *args, **kwargs):  # noqa: ANN001, ANN202
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(walk_module.os.path, "realpath", counting)
    found = discover([tmp_path], tmp_path, Limits())
    assert len(found.terraform_dirs) == 30
    # The root, the given path, the symlink, each candidate's config lookup at most: not
    # one per directory or file (there are 90 entries).
    assert len(calls) <= 6, calls


def test_a_symlinked_tf_file_belongs_to_the_directory_of_the_link(tmp_path: Path) -> None:
    _write(tmp_path / "shared/common.tf", TRAIL)
    _write(tmp_path / "shared/main.tf", 'module "u" {\n  source = "../unit"\n}\n')
    (tmp_path / "unit").mkdir()
    os.symlink(tmp_path / "shared/common.tf", tmp_path / "unit/common.tf")
    found = discover([tmp_path], tmp_path, Limits())
    assert _rel(found.terraform_dirs, tmp_path) == ["shared"]
    found = discover([tmp_path / "unit"], tmp_path, Limits())
    assert _rel(found.terraform_dirs, tmp_path) == ["unit"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_and_explicit_non_regular_files_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    os.mkfifo(tmp_path / "pipe.tf")
    found = discover([tmp_path, tmp_path / "pipe.yaml"], tmp_path, Limits())
    assert found.not_ours == ["pipe.tf", "pipe.yaml"]
    assert found.terraform_dirs == [] and found.templates == []
