"""The cache between runs: models as JSON (every field of every record carried, nothing
that could run code), entries used only while every file behind them is unchanged,
harmless when corrupt, and reports identical with and without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scanner.discovery import discover
from scanner.limits import Limits
from scanner.model import (
    Attr,
    EventRule,
    Model,
    Origin,
    Severity,
    Span,
    Unit,
)
from scanner.options import ScanOptions, user_cache_dir
from scanner.parsers import load_units
from scanner.parsers.batch import codec
from scanner.parsers.batch.cache import FORMAT, MAX_CACHED_TEMPLATE_BYTES
from scanner.parsers.batch.load import LoadStats
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent

MODULE = """
variable "bucket" {}
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = var.bucket
}
"""
CALLER = """
variable "bucket" { default = "logs" }
module "trail" {
  source = "../../modules/trail"
  bucket = var.bucket
}
"""


# ---------------------------------------------------------------------------
# The codec
# ---------------------------------------------------------------------------


def _sample_models() -> list[Model]:
    root = ROOT / "samples"
    found = discover([root], root, Limits())
    return load_units(found.terraform_dirs, found.templates, root, plans=found.plans,
                      prefilter=False).models


def test_every_sample_model_survives_the_codec() -> None:
    models = _sample_models()
    assert len(models) > 100
    for model in models:
        data = json.loads(json.dumps(codec.encode(model)))
        assert codec.decode(data) == model


def test_values_json_cannot_tell_apart_come_back_as_they_were() -> None:
    span = Span(path="a.tf", line=3, column=2, end_line=4, end_column=9)
    rule = EventRule(
        ref="aws_cloudwatch_event_rule.r", span=span, unit=".", kind="aws_cloudwatch_event_rule",
        name=Attr(value="r", origin=Origin.EXPLICIT, span=span, target="aws_x.y", nonempty=True),
        pattern=Attr.explicit({"source": ["aws.s3"], "n": (1.5, float("inf"), 2**70), "t": {"x": None}}, span),
        enabled=Attr.unknown(span, "var.on has no default", "is_enabled"),
        targets=("arn:aws:sns:us-east-1:1:t",),
    )
    model = Model(units=(Unit(id=".", format="terraform", files=("a.tf",)),), event_rules=(rule,))
    back = codec.decode(json.loads(json.dumps(codec.encode(model))))
    assert back == model
    pattern = back.event_rules[0].pattern.value
    assert isinstance(pattern["source"], list) and isinstance(pattern["n"], tuple)
    assert back.event_rules[0].name.target == "aws_x.y" and back.event_rules[0].name.nonempty
    assert codec.decode(codec.encode(Severity.HIGH)) is Severity.HIGH


@pytest.mark.parametrize(
    "data",
    [
        {"$": "Popen", "args": ["sh"]},  # only classes of scanner.model can be named
        {"$": "__builtins__"},
        {"$e": "Origin", "v": "no such member"},
        {"$": "Span", "path": "a", "nope": 1},
        {"$dict": [[{"$list": ["unhashable"]}, 1]]},
        {"$list": "not a list"},
        {"$f": "1e999999"},
        {"what": 1},
    ],
)
def test_decoding_names_nothing_but_model_classes(data: object) -> None:
    with pytest.raises(ValueError):
        codec.decode(data)


# ---------------------------------------------------------------------------
# Hits, invalidation, corruption
# ---------------------------------------------------------------------------


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "modules" / "trail").mkdir(parents=True)
    (root / "modules" / "trail" / "main.tf").write_text(MODULE)
    for name in ("a", "b"):
        (root / "roots" / name).mkdir(parents=True)
        (root / "roots" / name / "main.tf").write_text(CALLER)
    (root / "stack.yaml").write_text(textwrap.dedent("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          Bucket: {Type: String, Default: cfn-logs}
        Resources:
          T:
            Type: AWS::CloudTrail::Trail
            Properties: {S3BucketName: !Ref Bucket, IsLogging: true}
        """))
    return root


def _load(root: Path, cache: Path | None, **kwargs: object) -> tuple[list[Model], LoadStats]:
    found = discover([root], root, Limits())
    stats = LoadStats()
    models = load_units(found.terraform_dirs, found.templates, root, plans=found.plans,
                        cache_dir=cache, stats=stats, **kwargs).models  # type: ignore[arg-type]
    return models, stats


def test_a_second_run_takes_every_unit_from_the_cache(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first, stats = _load(root, cache)
    assert (stats.cache_hits, stats.loaded) == (0, 3)
    second, stats = _load(root, cache)
    assert (stats.cache_hits, stats.cache_misses, stats.loaded) == (3, 0, 0)
    assert second == first


def test_an_unchanged_file_is_accepted_by_its_stamp_and_an_edit_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read long enough ago is checked by one ``stat`` (size, times, inode), not
    read again; an edit that keeps the size and puts the modification time back is still
    seen (its change time moved), and a file written moments before it was read is always
    read again (``_RACY_NS``)."""
    from scanner.parsers import reads

    root, cache = _tree(tmp_path), tmp_path / "cache"
    digested: list[str] = []
    real_print = reads.file_print

    def counting(path: str, max_bytes: int, data: bytes | None = None, seen: object = None) -> str:
        if data is None:
            digested.append(path)
        return real_print(path, max_bytes, data, seen)  # type: ignore[arg-type]

    monkeypatch.setattr(reads, "file_print", counting)
    _load(root, cache)  # just written: no stamps
    _load(root, cache)
    assert digested  # checked by content
    monkeypatch.setattr(reads, "_RACY_NS", 0)  # as if written long ago
    for entry in cache.rglob("*.json"):
        entry.unlink()
    _load(root, cache)  # loaded again: the entries now carry stamps
    digested.clear()
    second, stats = _load(root, cache)
    assert (stats.cache_hits, stats.loaded) == (3, 0)
    assert digested == []  # every file accepted by its stamp
    module = root / "modules" / "trail" / "main.tf"
    before = module.stat()
    module.write_text(MODULE.replace('"t"\n', '"u"\n', 1))  # same size
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    models, stats = _load(root, cache)
    assert stats.loaded == 2
    assert {m.trails[0].name.value for m in models if m.units[0].format == "terraform"} == {"u"}
    assert str(module) in digested


def test_a_large_template_is_loaded_again_rather_than_cached(tmp_path: Path) -> None:
    # Its model's JSON would be many times the template: reading it back costs more than
    # loading the template (see cache.MAX_CACHED_TEMPLATE_BYTES).
    root, cache = _tree(tmp_path), tmp_path / "cache"
    padding = "#" + "x" * 1000 + "\n"
    text = (root / "stack.yaml").read_text()
    (root / "stack.yaml").write_text(text + padding * (MAX_CACHED_TEMPLATE_BYTES // 1000))
    first, _ = _load(root, cache)
    second, stats = _load(root, cache)
    assert (stats.cache_hits, stats.cache_misses, stats.loaded) == (2, 1, 1)
    assert second == first


def test_roots_left_unread_are_cached_with_their_relevance(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    (root / "svc").mkdir()
    (root / "svc" / "main.tf").write_text('resource "aws_vpc" "v" {}\n')
    (root / "svc" / "terraform.tfvars").write_text('env = "dev"\nenv = "prod"\n')
    first, stats = _load(root, cache)
    assert (stats.unread, stats.cache_hits) == (1, 0)
    assert "svc/terraform.tfvars" in {p.span.path for m in first for p in m.problems}
    second, stats = _load(root, cache)
    assert (stats.unread, stats.cache_hits, stats.loaded) == (1, 4, 0)
    assert second == first
    (root / "svc" / "terraform.tfvars").write_text('env = "dev"\n')
    third, stats = _load(root, cache)
    assert (stats.unread, stats.cache_hits) == (1, 3)
    assert not [p for m in third for p in m.problems]
    (root / "svc" / "main.tf").write_text('resource "aws_cloudtrail" "t" {}\n')
    models, stats = _load(root, cache)
    assert (stats.unread, stats.loaded) == (0, 1)
    assert any(m.trails for m in models if m.units[0].id == "svc")


def test_editing_a_module_file_reloads_every_root_that_calls_it(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _load(root, cache)
    (root / "modules" / "trail" / "main.tf").write_text(MODULE.replace('"t"\n', '"renamed"\n', 1))
    models, stats = _load(root, cache)
    assert (stats.cache_hits, stats.loaded) == (1, 2)
    assert {m.trails[0].name.value for m in models if m.units[0].format == "terraform"} == {"renamed"}


def test_a_new_file_in_a_module_directory_reloads_its_callers(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _load(root, cache)
    (root / "modules" / "trail" / "extra.tf").write_text('resource "aws_cloudwatch_log_group" "g" {}\n')
    models, stats = _load(root, cache)
    assert stats.loaded == 2
    assert all(m.log_groups for m in models if m.units[0].format == "terraform")


def test_variables_files_and_inputs_are_part_of_the_key(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    var_file = tmp_path / "prod.tfvars"
    var_file.write_text('bucket = "prod-logs"\n')
    _load(root, cache, var_files=[var_file])
    _, stats = _load(root, cache, var_files=[var_file])
    assert stats.loaded == 0
    var_file.write_text('bucket = "other-logs"\n')
    models, stats = _load(root, cache, var_files=[var_file])
    assert stats.loaded == 2
    assert models[0].trails[0].s3_bucket_name.value == "other-logs"
    # A unit's own inputs key it: variables the Terraform roots, parameters the template.
    _, stats = _load(root, cache, var_files=[var_file], variables={"bucket": "x"})
    assert (stats.loaded, stats.cache_hits) == (2, 1)
    _, stats = _load(root, cache, var_files=[var_file], variables={"bucket": "x"},
                     parameters={"Bucket": "y"})
    assert (stats.loaded, stats.cache_hits) == (1, 2)
    _, stats = _load(root, cache, var_files=[var_file], limits=Limits(max_instances=5))
    assert stats.loaded == 3
    (root / "roots" / "a" / "terraform.tfvars").write_text('bucket = "a-logs"\n')
    _, stats = _load(root, cache, var_files=[var_file])
    assert stats.loaded == 1


def test_a_module_directory_that_appears_later_is_seen(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    (root / "live").mkdir(parents=True)
    (root / "live" / "main.tf").write_text('module "m" {\n  source = "../m"\n}\n')
    models, _ = _load(root, cache)
    assert "does not exist" in models[0].problems[0].message
    (root / "m").mkdir()
    (root / "m" / "main.tf").write_text(MODULE.replace("var.bucket", '"x"'))
    models, stats = _load(root, cache)
    assert (stats.cache_hits, stats.loaded) == (0, 1)
    assert models[0].trails and not models[0].problems


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / f"v{FORMAT}").rglob("*.json"))


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "wrong-key", "bad-model"])
def test_a_damaged_entry_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    expected, _ = _load(root, cache)
    for entry in _entries(cache):
        text = entry.read_text()
        if damage == "truncate":
            entry.write_text(text[: len(text) // 2])
        elif damage == "garbage":
            entry.write_bytes(b"\x00\xff" * 10)
        elif damage == "empty":
            entry.write_text("")
        elif damage == "wrong-key":
            data = json.loads(text)
            data["key"] = "0" * 64
            entry.write_text(json.dumps(data))
        else:
            data = json.loads(text)
            if "model" in data["data"]:
                data["data"]["model"] = {"$": "Popen", "args": ["sh", "-c", "exit 1"]}
            entry.write_text(json.dumps(data))
    models, stats = _load(root, cache)
    assert models == expected
    assert stats.loaded == 3
    again, stats = _load(root, cache)
    assert (again, stats.cache_hits) == (expected, 3)


def test_leftovers_of_an_interrupted_write_are_harmless(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    expected, _ = _load(root, cache)
    for entry in _entries(cache):
        (entry.parent / f".tmp-{entry.stem}.json").write_text(entry.read_text()[:10])
    models, stats = _load(root, cache)
    assert models == expected and stats.cache_hits == 3


def _report(root: Path, cache: Path | None) -> str:
    result = run_scan(ScanOptions(paths=(root,), root=root, cache_dir=cache, jobs=1))
    return render("json", result, RenderOptions())


def test_reports_are_the_same_with_and_without_the_cache(tmp_path: Path) -> None:
    samples = ROOT / "samples"
    cache = tmp_path / "cache"
    plain = _report(samples, None)
    assert _report(samples, cache) == plain  # filling it
    assert _report(samples, cache) == plain  # reading it
    assert _entries(cache)


def test_runs_sharing_a_cache_at_the_same_time_agree(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    command = [sys.executable, "-m", "scanner", "scan", str(root), "--format", "json",
               "--cache-dir", str(cache), "--jobs", "1"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=tmp_path) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in runs]
    assert all(err == "" for _, err in outputs), outputs
    assert len({out for out, _ in outputs}) == 1
    assert not [p for p in (cache / f"v{FORMAT}").rglob("*") if p.name.startswith(".tmp-")]


def test_the_command_line_uses_the_user_cache_directory(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    command = [sys.executable, "-m", "scanner", "scan", str(root), "--format", "json", "--jobs", "1"]
    subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, check=False, timeout=300)
    assert list((tmp_path / "xdg" / "trailscan").rglob("*.json"))
    subprocess.run([*command, "--no-cache"], env={**env, "XDG_CACHE_HOME": str(tmp_path / "none")},
                   cwd=tmp_path, capture_output=True, check=False, timeout=300)
    assert not (tmp_path / "none").exists()


def test_the_user_cache_directory_follows_the_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    assert user_cache_dir() == tmp_path / "trailscan"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert user_cache_dir() == Path.home() / ".cache" / "trailscan"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert user_cache_dir() == Path.home() / "Library" / "Caches" / "trailscan"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    assert user_cache_dir() == tmp_path / "trailscan" / "Cache"


def test_plans_are_never_cached(tmp_path: Path) -> None:
    """A plan holds sensitive values in clear: its model is not copied into the cache."""
    plans = ROOT / "tests" / "plans"
    cache = tmp_path / "cache"
    found = discover([plans], plans, Limits())
    assert found.plans
    for _ in range(2):
        stats = LoadStats()
        load_units([], [], plans, plans=found.plans, cache_dir=cache, stats=stats)
        assert (stats.loaded, stats.cache_hits) == (len(found.plans), 0)
    assert not cache.exists() or not _entries(cache)


def test_discovery_listings_serve_the_cache_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A directory discovery listed is not listed again to check an entry: within a scan
    its fingerprint is the one discovery saw, the same a new listing gives."""
    from scanner.parsers import reads

    root = _tree(tmp_path)
    (root / "roots" / "a" / "link").symlink_to(root / "modules")
    directory = str(root / "roots" / "a")
    fresh = reads.listing_print(directory)
    with reads.listings_seen():
        discover([root], root, Limits())
        monkeypatch.setattr(os, "scandir", lambda *_: (_ for _ in ()).throw(OSError("listed again")))
        assert reads.listing_print(directory) == fresh
    assert reads.listing_print(directory) == "-"  # outside a scan: listed (and failing here)


def test_an_entry_whose_unread_model_is_damaged_is_rebuilt_with_all_its_reads(tmp_path: Path) -> None:
    """A relevance entry from the cache keeps its reads as read; when its unread model
    cannot be decoded, the model is made anew and the entry rewritten with the reads of
    the relevance too (editing the root's file afterwards is still seen)."""
    root, cache = _tree(tmp_path), tmp_path / "cache"
    (root / "svc").mkdir()
    (root / "svc" / "main.tf").write_text('resource "aws_vpc" "v" {}\n')
    first, _ = _load(root, cache)
    damaged = 0
    for path in cache.rglob("*.json"):
        entry = json.loads(path.read_text())
        if isinstance(entry.get("data"), dict) and "unread" in entry["data"]:
            entry["data"]["unread"] = {"$": "NoSuchClass"}
            path.write_text(json.dumps(entry))
            damaged += 1
    assert damaged == 1
    second, stats = _load(root, cache)
    assert second == first and stats.unread == 1
    rewritten = [json.loads(p.read_text()) for p in cache.rglob("*.json")]
    (entry,) = [e for e in rewritten if isinstance(e.get("data"), dict) and "unread" in e["data"]]
    assert entry["data"]["unread"] != {"$": "NoSuchClass"}
    assert any(path.endswith("svc/main.tf") for path, _ in entry["reads"]["files"])
    (root / "svc" / "main.tf").write_text('resource "aws_cloudtrail" "t" {}\n')
    models, stats = _load(root, cache)
    assert (stats.unread, stats.loaded) == (0, 1)
    assert any(m.trails for m in models if m.units[0].id == "svc")


def test_a_cache_inside_the_scanned_tree_is_never_scanned(tmp_path: Path) -> None:
    """A cache directory inside the repository (``--cache-dir .cache``) is tagged as a cache
    (``CACHEDIR.TAG``) and the walk never enters it: its JSON entries are never read as
    candidate plans or templates, and the report is the same with the cache cold, warm
    or off (``--no-cache``, when only the tag says what the directory is)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text((ROOT / "samples/terraform/CT008/fail/main.tf").read_text(encoding="utf-8"))
    cache = repo / ".cache"

    def report(cache_dir: Path | None) -> str:
        return render("json", run_scan(ScanOptions(paths=(repo,), root=repo, cache_dir=cache_dir, jobs=1)),
                      RenderOptions())

    cold = report(cache)
    assert (cache / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    assert any(cache.rglob("*.json"))
    assert report(cache) == cold
    assert report(None) == cold
    assert json.loads(cold)["files"]["not_ours"] == []


def test_any_directory_tagged_as_a_cache_is_left_out(tmp_path: Path) -> None:
    """Another tool's tagged cache is left out as trailscan's is; a tag without the
    signature does not count."""
    template = (ROOT / "samples/cloudformation/CT008/fail.yaml").read_text(encoding="utf-8")
    for name, tag in (("tagged", b"Signature: 8a477f597d28d172789f06886806bc55\n"), ("unsigned", b"not a tag\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "CACHEDIR.TAG").write_bytes(tag)
        (tmp_path / name / "stack.yaml").write_text(template, encoding="utf-8")
    # A tag that is a FIFO is never opened (the walk would block), nor one that is a
    # symlink (it could lead out of the scanned root): neither makes a cache.
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "CACHEDIR.TAG")
    (tmp_path / "fifo" / "stack.yaml").write_text(template, encoding="utf-8")
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "CACHEDIR.TAG").symlink_to(tmp_path / "tagged" / "CACHEDIR.TAG")
    (tmp_path / "linked" / "stack.yaml").write_text(template, encoding="utf-8")
    found = discover([tmp_path], tmp_path, Limits())
    assert sorted(p.parent.name for p in found.templates) == ["fifo", "linked", "unsigned"]
