"""A phase's share computed by a forked copy of the scan (scanner/parsers/batch/forked.py):
results in order whoever computed them, a failed copy's share computed again here, and
reports byte-identical to a scan that never forks (cold, with the cache, and warm)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from scanner.options import ScanOptions
from scanner.parsers.batch import forked, load
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked phases run on Linux only")


def _identity(value: object) -> object:
    return value


def test_the_copy_computes_its_share_and_results_keep_their_order() -> None:
    here = os.getpid()
    results = forked.split(list(range(10)), lambda i: [i, os.getpid()], _identity, _identity)
    assert [r[0] for r in results] == list(range(10))
    pids = [r[1] for r in results]
    assert pids[:5] == [here] * 5
    assert all(pid != here for pid in pids[5:])  # the second half: another process


def test_a_share_given_explicitly_goes_to_the_copy() -> None:
    here = os.getpid()
    theirs = [True, False, True, False]
    results = forked.split(list(range(4)), lambda i: os.getpid(), _identity, _identity, theirs=theirs)
    assert [pid != here for pid in results] == theirs


@pytest.mark.parametrize("failure", ["raises", "undecodable", "cannot_travel", "killed"])
def test_what_the_copy_fails_to_deliver_is_computed_here(failure: str) -> None:
    parent = os.getpid()

    def work(i: int) -> int:
        if os.getpid() != parent:
            if failure == "raises":
                raise RuntimeError("boom")
            if failure == "killed":
                os.kill(os.getpid(), 9)
        return i * 10

    def encode(value: int) -> object:
        if os.getpid() != parent and failure == "cannot_travel" and value == 40:
            return None
        return value

    def decode(value: object) -> int:
        if failure == "undecodable" and value == 30:
            raise ValueError("bad")
        assert isinstance(value, int)
        return value

    assert forked.split([0, 1, 2, 3, 4], work, encode, decode) == [0, 10, 20, 30, 40]


def test_no_fork_with_one_job_or_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    assert not forked.can_fork(1)
    event = threading.Event()
    thread = threading.Thread(target=event.wait)
    thread.start()
    try:
        assert not forked.can_fork(2)
    finally:
        event.set()
        thread.join()
    assert forked.can_fork(2)


def _report(path: Path, jobs: int | None, cache: Path | None) -> str:
    options = ScanOptions(paths=(path,), root=path, jobs=jobs, cache_dir=cache)
    return render("json", run_scan(options), RenderOptions())


def _forks_counted(monkeypatch: pytest.MonkeyPatch, *, probe: bool = True) -> list[int]:
    """Let every phase that can fork do so (thresholds at zero, no worker pool; with
    ``probe`` the warm pre-pass still checks its first roots here) and count the forks."""
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    monkeypatch.setattr(load, "FORK_MIN_ROOTS", 1)
    if not probe:
        monkeypatch.setattr(load, "FORK_PROBE_ROOTS", 0)
    monkeypatch.setattr(load, "FORK_MIN_BYTES", 0)
    monkeypatch.setattr(load, "FORK_MIN_MIXED_BYTES", 0)
    monkeypatch.setattr(load, "POOL_MIN_BYTES", 1 << 40)
    monkeypatch.setattr(load, "can_fork", lambda jobs: jobs != 1)
    return forks


@pytest.mark.parametrize("tree", ["samples", "tests/corpus/modules"])
def test_reports_are_the_same_with_forked_phases(
    tree: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every phase that can fork does (thresholds at zero, no worker pool), and the JSON
    report is byte-identical to a scan that never forks: without the cache, with a cold
    cache and with a warm one."""
    target = ROOT / tree
    expected = _report(target, 1, None)
    forks = _forks_counted(monkeypatch, probe=False)
    assert _report(target, None, None) == expected
    assert len(forks) >= 2  # the pre-pass and the load
    forks.clear()
    cache = tmp_path / "cache"
    assert _report(target, None, cache) == expected
    assert _report(target, None, cache) == expected
    assert forks


def test_a_warm_pre_pass_stays_in_the_scanning_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the first roots' relevance comes from the cache, the rest is checked here:
    sending a checked entry back from a copy costs more than checking it."""
    target = ROOT / "samples"
    cache = tmp_path / "cache"
    forks = _forks_counted(monkeypatch)
    cold = _report(target, None, cache)
    assert forks  # the cold pre-pass (and the load) forked
    forks.clear()
    assert _report(target, None, cache) == cold
    assert forks == []


def test_roots_drawn_in_or_left_unread_after_a_forked_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy makes the unread models of the roots only a name could draw in: a root
    drawn in after all is loaded in full (its model from the copy unused), one that is
    not uses it; the report is the one a scan that never forks gives."""
    root = tmp_path / "repo"
    files = {
        "trail/main.tf": 'resource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = "logs-x"\n}\n',
        "bucket/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "logs-x"\n}\n',
        "role/main.tf": 'resource "aws_iam_role" "r" {\n  name = "unrelated"\n}\n',
        "role/terraform.tfvars": 'env = "dev"\nenv = "prod"\n',  # a problem the unread model carries
        "vpc/main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        "stack.yaml": 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  T:\n    Type: AWS::CloudTrail::Trail\n'
                      "    Properties: {S3BucketName: cfn-logs, IsLogging: true}\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    expected = _report(root, 1, None)
    spare_used: list[int] = []
    real_unread = load._Run.unread

    def unread(self: load._Run, indexes: list[int]) -> None:
        spare_used.extend(i for i in indexes if i in self.spare)
        real_unread(self, indexes)

    monkeypatch.setattr(load._Run, "unread", unread)
    _forks_counted(monkeypatch, probe=False)
    assert _report(root, None, None) == expected
    assert len(spare_used) == 1  # the role's root; the bucket's was drawn in
    cache = tmp_path / "cache"
    assert _report(root, None, cache) == expected
    assert _report(root, None, cache) == expected


def test_a_plain_unread_model_travels_as_its_unit() -> None:
    from scanner.model import Model, ParseProblem, Span, Unit
    from scanner.parsers.batch.jobs import Outcome
    from scanner.parsers.reads import Reads

    plain = Model(units=(Unit(id="a", format="terraform", files=("a/main.tf",)),))
    data = load._outcome_data(Outcome(plain, Reads(max_bytes=10)))
    assert isinstance(data, dict) and "unit" in data and "model" not in data
    assert load._outcome_from_data(data, 10).model == plain
    with_problem = Model(units=plain.units, problems=(ParseProblem(span=Span(path="a/x"), message="m"),))
    data = load._outcome_data(Outcome(with_problem, Reads(max_bytes=10)))
    assert isinstance(data, dict) and "model" in data
    assert load._outcome_from_data(data, 10).model == with_problem
