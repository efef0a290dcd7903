"""Excludes and ``.gitignore``: gitignore's semantics, checked against the real git, in
time linear in the path (no backtracking regex on a repository's patterns)."""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.discovery import Ignores, discover
from scanner.discovery.ignore import IgnoreFile, Pattern, parse_lines
from scanner.discovery.walk import Walker, ancestor_gitignores
from scanner.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
CT008_TF = (ROOT / "samples/terraform/CT008/fail/main.tf").read_text(encoding="utf-8")
CT008_YAML = (ROOT / "samples/cloudformation/CT008/fail.yaml").read_text(encoding="utf-8")
GIT = shutil.which("git")

DIRS = ["a", "build", "gen", "sub", "x1y2z", "k.yaml"]
FILES = ["a.yaml", "keep.yaml", "c.json", "w.generated.yaml", "zx.yaml", "#hash.yaml", "b c.yaml"]
PATTERNS = [
    "*.json", "build/", "/build", "gen", "sub/gen/", "**/gen", "a/**/x1y2z", "a/**", "!keep.yaml",
    "*.generated.*", "sub/*.yaml", "[ab].yaml", "[!a]*.json", "?c.json", "**/x1y2z/**", "/*.json",
    "sub/", "!sub/", "x*y*z", "\\#hash.yaml", "b\\ c.yaml", "*", "!*/", "a/", "!a/keep.yaml",
    "z?.yaml   ", "# a comment", "", "[a-c].yaml", "**", "a/**/", "/a/*/", "!/build",
]


def _tree(root: Path) -> None:
    for depth in (0, 1, 2):
        for parts in itertools.product(DIRS, repeat=depth):
            directory = root.joinpath(*parts)
            directory.mkdir(parents=True, exist_ok=True)
            for name in FILES:
                (directory / name).write_text("x: 1\n", encoding="utf-8")


def _git_visible(root: Path) -> set[str]:
    out = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "-z"],
        cwd=root, capture_output=True, check=True,
    ).stdout.decode()
    return {p for p in out.split("\0") if p.endswith((".yaml", ".json"))}


def _walked(root: Path) -> set[str]:
    walker = Walker(root, Limits().max_file_bytes, gitignore=True)
    walker.walk(root, ancestor_gitignores(walker, str(root.resolve())))
    return {walker.rel(p) for p in walker.found.candidates}


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_gitignore_semantics_match_git(tmp_path: Path) -> None:
    """Random pattern sets (a root and a nested .gitignore) over a tree of files: the
    files the walk sees are exactly the ones git does not ignore."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    _tree(root)
    rng = random.Random(12)
    for _ in range(60):
        top = rng.sample(PATTERNS, rng.randint(1, 4))
        nested = rng.sample(PATTERNS, rng.randint(0, 2))
        (root / ".gitignore").write_text("\n".join(top) + "\n", encoding="utf-8")
        (root / "sub" / ".gitignore").write_text("\n".join(nested) + "\n", encoding="utf-8")
        assert _walked(root) == _git_visible(root), (top, nested)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_info_exclude_and_gitignores_above_the_scanned_directory(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "infra" / "envs").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("fixtures/\n", encoding="utf-8")
    (root / "infra" / ".gitignore").write_text("*.local.yaml\n", encoding="utf-8")
    (root / ".git" / "info" / "exclude").write_text("scratch.yaml\n", encoding="utf-8")
    for rel in ("infra/envs/a.yaml", "infra/envs/b.local.yaml", "infra/envs/fixtures/c.yaml",
                "infra/envs/scratch.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x: 1\n", encoding="utf-8")
    scanned = root / "infra" / "envs"
    walker = Walker(scanned, Limits().max_file_bytes, gitignore=True)
    walker.walk(scanned, ancestor_gitignores(walker, str(scanned.resolve())))
    assert {walker.rel(p) for p in walker.found.candidates} == {"a.yaml"}
    assert {p.removeprefix("infra/envs/") for p in _git_visible(root)} == {"a.yaml"}


def test_hostile_patterns_cost_linear_time() -> None:
    """pathspec compiles these to backtracking regexes (11 s for an 80-character name);
    here a 4,000-character path against them takes milliseconds."""
    hostile = ["*a*a*a*a*a*a*a*a*a*a*b", "**/a/**/a/**/a/**/a/**/a/**/a/**/b", "[a]*[a]*[a]*[a]*?*?*c"]
    patterns = parse_lines(hostile)
    name = "a" * 250
    path = "/".join([name] * 16)
    rules = IgnoreFile("/r", patterns)
    start = time.perf_counter()
    for _ in range(20):
        assert rules.verdict("/r/" + path, False) is None
        assert rules.verdict("/r/" + "/".join(["a"] * 2000), False) is None
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "expected"),
    [
        ("*.tf", "deep/er/main.tf", False, True),
        ("/main.tf", "deep/main.tf", False, False),
        ("fixtures/", "tests/fixtures", True, True),
        ("fixtures/", "tests/fixtures", False, False),
        ("a/**", "a", True, False),
        ("a/**", "a/b/c", False, True),
        ("a/**/b", "a/b", False, True),
        ("a/**/b", "a/x/y/b", False, True),
        ("\\!x", "!x", False, True),
        ("x\\ ", "x ", False, True),
        ("x  ", "x", False, True),
        ("[!a-c]x", "dx", False, True),
        ("[!a-c]x", "bx", False, False),
        ("[]]x", "]x", False, True),
        ("a[", "a[", False, True),
    ],
)
def test_pattern_cases(pattern: str, path: str, is_dir: bool, expected: bool) -> None:
    parsed = Pattern.parse(pattern)
    assert parsed is not None
    assert parsed.matches(path.split("/"), is_dir) is expected


# --- the scan: --exclude, config exclude, .gitignore, explicit paths ---------------------


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for rel in ("infra", "tests/fixtures/bad_tf", "legacy"):
        (root / rel).mkdir(parents=True)
    (root / "infra" / "main.tf").write_text(CT008_TF.replace("aws_cloudtrail", "aws_cloudtrail"), encoding="utf-8")
    (root / "tests" / "fixtures" / "bad_tf" / "main.tf").write_text(CT008_TF, encoding="utf-8")
    (root / "tests" / "fixtures" / "bad.yaml").write_text(CT008_YAML, encoding="utf-8")
    (root / "legacy" / "stack.yaml").write_text(CT008_YAML, encoding="utf-8")
    return root


def _scan(root: Path, *args: str) -> tuple[int, dict]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["scan", *args, "--root", str(root), "--format", "json"])
    return code, json.loads(out.getvalue())


def _paths(report: dict) -> set[str]:
    return {f["path"] for f in report["findings"] if f["id"] == "CT008"}


def test_exclude_option_config_and_gitignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    everything = {"infra/main.tf", "tests/fixtures/bad_tf/main.tf", "tests/fixtures/bad.yaml",
                  "legacy/stack.yaml"}
    assert _paths(_scan(root, ".")[1]) == everything
    # --exclude, repeatable, gitignore-style.
    code, report = _scan(root, ".", "--exclude", "tests/fixtures/", "--exclude", "legacy/*.yaml")
    assert _paths(report) == {"infra/main.tf"}
    # exclude in the config, relative to the config file.
    (root / ".trailscan.toml").write_text('exclude = ["fixtures"]\n', encoding="utf-8")
    assert _paths(_scan(root, ".")[1]) == everything - {"tests/fixtures/bad_tf/main.tf",
                                                        "tests/fixtures/bad.yaml"}
    (root / ".trailscan.toml").unlink()
    # .gitignore, honoured by default (no git repository needed to read it)...
    (root / ".gitignore").write_text("/legacy/\n", encoding="utf-8")
    (root / "tests" / ".gitignore").write_text("fixtures/\n", encoding="utf-8")
    assert _paths(_scan(root, ".")[1]) == {"infra/main.tf"}
    # ...and not with --no-gitignore.
    assert _paths(_scan(root, ".", "--no-gitignore")[1]) == everything
    # Paths given explicitly are scanned whatever the ignores say.
    code, report = _scan(root, "legacy/stack.yaml", "tests/fixtures", "--exclude", "legacy")
    assert _paths(report) == {"legacy/stack.yaml", "tests/fixtures/bad_tf/main.tf",
                              "tests/fixtures/bad.yaml"}


def test_an_ignored_module_is_still_loaded_by_its_root(tmp_path: Path) -> None:
    """Ignores choose roots; they never cut a root off a module it calls."""
    root = tmp_path / "repo"
    (root / "envs" / "prod").mkdir(parents=True)
    (root / "modules" / "trail").mkdir(parents=True)
    (root / "modules" / "trail" / "main.tf").write_text(CT008_TF, encoding="utf-8")
    (root / "envs" / "prod" / "main.tf").write_text(
        'module "trail" {\n  source = "../../modules/trail"\n}\n', encoding="utf-8"
    )
    (root / ".gitignore").write_text("modules/\n", encoding="utf-8")
    found = discover([root], root, Limits(), ignores=Ignores())
    assert found.terraform_dirs == [(root / "envs" / "prod").resolve()]
    code, report = _scan(root, str(root))
    assert _paths(report) == {"modules/trail/main.tf"}
    assert {f["resource"] for f in report["findings"] if f["id"] == "CT008"} == {
        "module.trail.aws_cloudtrail.explicit_false", "module.trail.aws_cloudtrail.omitted"
    }


def test_an_excluded_root_leaves_its_module_a_root_of_its_own(tmp_path: Path) -> None:
    """A module called only by an excluded root is not loaded by anyone: it is a root."""
    root = tmp_path / "repo"
    (root / "envs" / "old").mkdir(parents=True)
    (root / "modules" / "trail").mkdir(parents=True)
    (root / "modules" / "trail" / "main.tf").write_text(CT008_TF, encoding="utf-8")
    (root / "envs" / "old" / "main.tf").write_text(
        'module "trail" {\n  source = "../../modules/trail"\n}\n', encoding="utf-8"
    )
    found = discover([root], root, Limits(), ignores=Ignores(exclude=("envs/old",)))
    assert found.terraform_dirs == [(root / "modules" / "trail").resolve()]


def test_config_exclude_must_be_strings(tmp_path: Path) -> None:
    from scanner.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match="exclude must be a string or a list of strings"):
        parse_config({"exclude": [1]})


def test_the_line_index_answers_as_every_line_in_turn_would() -> None:
    """``IgnoreFile.verdict`` looks only at the lines that could match a path (by its
    length and last name): on random pattern sets and paths it answers what trying every
    line, last first, answers."""
    rng = random.Random(15)
    names = [*DIRS, *FILES, "gen", "build", "x"]
    for _ in range(300):
        lines = rng.sample(PATTERNS, rng.randint(1, 8)) + rng.sample(["gen", "build/", "!gen", "x", "/x"], 2)
        ignore = IgnoreFile("/r", parse_lines(lines))
        for _ in range(20):
            parts = [rng.choice(names) for _ in range(rng.randint(1, 4))]
            is_dir = rng.random() < 0.5
            expected = next((not p.negate for p in reversed(ignore.patterns) if p.matches(parts, is_dir)), None)
            assert ignore.verdict("/r/" + "/".join(parts), is_dir) == expected, (lines, parts, is_dir)
