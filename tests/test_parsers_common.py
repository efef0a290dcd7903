"""scanner/parsers/common.py: policy documents from decoded JSON (both front ends)."""

from __future__ import annotations

from scanner.model import Principal, Span
from scanner.parsers.common import UnknownValue, policy_document_from_json


def test_policy_document_from_json_shapes() -> None:
    span = Span(path="p.json")
    doc = policy_document_from_json(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::1:root", UnknownValue("x")]},
                    "NotAction": "s3:Get*",
                    "Resource": ["a", 1],
                    "Condition": {"NumericLessThan": {"s3:max-keys": 10}},
                }
            ]
        },
        span,
    )
    (stmt,) = doc.statements
    assert stmt.principals == (Principal(kind="AWS", value="arn:aws:iam::1:root"),)
    assert stmt.not_actions == ("s3:Get*",) and stmt.actions is None
    assert stmt.resources == ("a", "1")
    assert stmt.conditions[0].values == ("10",)
    assert stmt.unknown == ("Principal",)
    assert policy_document_from_json("{bad", span).unknown.startswith("policy is not valid JSON")
    assert policy_document_from_json(UnknownValue("why"), span).unknown == "why"


def test_real_path_memo_agrees_with_resolve(tmp_path, monkeypatch) -> None:
    """Within ``resolving_once`` every path resolves as ``Path.resolve`` does: through
    symlinked directories, ``..`` after a link, loops, paths that do not exist, relative
    paths; and each component is looked at once."""
    import os
    from pathlib import Path

    from scanner.parsers import paths as common

    (tmp_path / "real" / "deep").mkdir(parents=True)
    (tmp_path / "real" / "deep" / "f.tf").write_text("")
    (tmp_path / "other").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "up").symlink_to(tmp_path / "other")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    monkeypatch.chdir(tmp_path)
    cases = [
        tmp_path / "real" / "deep" / "f.tf",
        tmp_path / "link" / "deep" / "f.tf",
        tmp_path / "real" / "up" / ".." / "deep",  # `..` after a link: the link's parent
        tmp_path / "link" / "up",
        tmp_path / "missing" / "a" / "b",
        tmp_path / "link" / "missing" / "c",
        tmp_path / "link" / "missing" / ".." / "deep",
        tmp_path / "real" / "deep" / "terraform.tfvars",
        Path("real/deep"),
        Path("link/deep/f.tf"),
        Path("."),
        tmp_path,
    ]
    with common.resolving_once():
        for path in cases * 2:  # the second round answers from the memo
            assert common.real_path(path) == path.resolve(), path
            assert common.real_str(str(path)) == str(path.resolve()), path
        assert common.real_path(tmp_path / "loop") == Path(os.path.abspath(tmp_path / "loop"))
        (tmp_path / "real" / "deep" / "g").write_text("")
        expected = tmp_path.resolve() / "real" / "deep" / "g"
        lstats = []
        real_lstat = os.lstat
        monkeypatch.setattr(os, "lstat", lambda p: lstats.append(p) or real_lstat(p))
        assert common.real_path(tmp_path / "real" / "deep" / "g") == expected
        assert lstats == [str(tmp_path / "real" / "deep" / "g")]  # its parent was known
    assert common._resolved is None and common._resolved_paths is None


def test_a_probe_says_what_the_long_way_says(tmp_path, monkeypatch) -> None:
    """``probe_print`` takes one ``lstat`` when the name is no symlink; for every kind of
    path (missing, file, directory, symlinks to each, broken, looping, below a symlinked
    directory, a FIFO) it answers what ``real_str`` and ``os.stat`` say, with and without
    the memo."""
    import os
    import stat

    from scanner.parsers import paths
    from scanner.parsers.reads import probe_print

    def long_way(path: str) -> str:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            mode = 0
        kind = "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "none"
        return f"{kind}:{paths.real_str(path)}"

    (tmp_path / "real" / "deep").mkdir(parents=True)
    (tmp_path / "real" / "f.hcl").write_text("")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "to_file").symlink_to(tmp_path / "real" / "f.hcl")
    (tmp_path / "real" / "broken").symlink_to(tmp_path / "nowhere")
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real" / "loop")
    os.mkfifo(tmp_path / "real" / "fifo")
    names = ["f.hcl", "deep", "missing", "to_file", "broken", "loop", "fifo", "deep/missing"]
    cases = [str(tmp_path / top / name) for top in ("real", "link") for name in names]
    cases += [str(tmp_path / "missing" / "x"), str(tmp_path / "link"), str(tmp_path / "real" / "deep") + "/"]
    for path in cases:
        assert probe_print(path) == long_way(path), path
    with paths.resolving_once():
        paths.saw_real(str(tmp_path / "link2"), str(tmp_path / "real"))  # as discovery would say
        for path in cases * 2:
            assert probe_print(path) == long_way(path), path


def test_discovery_tells_the_memo_the_directories_it_walked(tmp_path, monkeypatch) -> None:
    """A directory found by the walk (no symlink) needs no ``lstat`` later in the scan."""
    import os

    from scanner.discovery import discover
    from scanner.limits import Limits
    from scanner.parsers import paths

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    root = tmp_path.resolve()
    with paths.resolving_once():
        discover([root], root, Limits(), lambda _text: False)
        lstats: list[str] = []
        real_lstat = os.lstat
        monkeypatch.setattr(os, "lstat", lambda p: lstats.append(p) or real_lstat(p))
        assert paths.real_str(str(root / "a" / "b")) == str(root / "a" / "b")
        assert lstats == []
