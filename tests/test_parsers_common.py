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
