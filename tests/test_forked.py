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


class _Handshake:
    """Two pipes that make both processes take part whatever the scheduler does: the copy
    says when it starts its first item and waits there until this process has started
    one too (``wait`` is this process's ``first``; ``step`` runs at the start of every
    item)."""

    def __init__(self) -> None:
        self.to_us = os.pipe()
        self.to_copy = os.pipe()
        self.parent = os.getpid()
        self.first = True

    def step(self) -> None:
        if not self.first:
            return
        self.first = False
        if os.getpid() != self.parent:
            os.write(self.to_us[1], b"x")
            assert os.read(self.to_copy[0], 1) == b"x"
        else:
            os.write(self.to_copy[1], b"x")

    def wait(self) -> None:
        assert os.read(self.to_us[0], 1) == b"x"

    def close(self) -> None:
        for fd in (*self.to_us, *self.to_copy):
            os.close(fd)


def test_both_processes_take_items_and_results_keep_their_order() -> None:
    here = os.getpid()
    started = _Handshake()

    def work(i: int) -> list[int]:
        started.step()
        return [i, os.getpid()]

    try:
        results = forked.share(list(range(10)), work, _identity, _identity, first=started.wait)
    finally:
        started.close()
    assert [r[0] for r in results] == list(range(10))
    pids = {r[1] for r in results}
    assert here in pids and len(pids) == 2  # this process and one copy


def test_each_process_takes_its_own_queue_first() -> None:
    """The copy starts with the items marked for it, this process with the others."""
    here = os.getpid()
    started = _Handshake()
    order: list[int] = []

    def work(i: int) -> int:
        started.step()
        if os.getpid() == here:
            order.append(i)
        return os.getpid()

    theirs = [i % 2 == 1 for i in range(8)]
    try:
        pids = forked.share(list(range(8)), work, _identity, _identity, theirs=theirs, first=started.wait)
    finally:
        started.close()
    copy = [i for i, pid in enumerate(pids) if pid != here]
    assert copy and theirs[copy[0]]  # the copy's first item was one of its own
    assert order and not theirs[order[0]]


@pytest.mark.parametrize("failure", ["raises", "undecodable", "cannot_travel", "killed"])
def test_what_the_copy_fails_to_deliver_is_computed_here(failure: str) -> None:
    parent = os.getpid()
    started = _Handshake()

    def work(i: int) -> int:
        started.step()
        if os.getpid() != parent:
            if failure == "raises" and i >= 6:
                raise RuntimeError("boom")
            if failure == "killed":
                os.kill(os.getpid(), 9)
        return i * 10

    def encode(value: int) -> object:
        if os.getpid() != parent and failure == "cannot_travel" and value >= 40:
            return None
        return value

    def decode(value: object) -> int:
        if failure == "undecodable" and value == 30:
            raise ValueError("bad")
        assert isinstance(value, int)
        return value

    theirs = [i >= 3 for i in range(8)]
    try:
        results = forked.share(list(range(8)), work, encode, decode, theirs=theirs, first=started.wait)
    finally:
        started.close()
    assert results == [i * 10 for i in range(8)]


def test_no_copy_is_left_behind() -> None:
    """A copy is waited for, at once or by ``reap``: none stays a zombie."""
    forked.share(list(range(6)), _identity, _identity, _identity, theirs=[True] * 3 + [False] * 3)
    forked.reap()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


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
    _forks_counted(monkeypatch)
    shared: list[str] = []  # what each shared phase was: the pre-pass or a load
    real_share = forked.share

    def share(items: list[object], *args: object, **kwargs: object) -> object:
        pre_pass = any(isinstance(item, tuple) and item[0] == load._RELEVANCE for item in items)
        shared.append("pre-pass" if pre_pass else "load")
        return real_share(items, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "share", share)
    cold = _report(target, None, cache)
    assert "pre-pass" in shared  # the cold pre-pass forked
    shared.clear()
    assert _report(target, None, cache) == cold
    assert "pre-pass" not in shared


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
    unread_module = Model(units=(Unit(id="a", format="terraform", files=(), unread_modules=("module.x",)),))
    for model in (with_problem, unread_module):
        data = load._outcome_data(Outcome(model, Reads(max_bytes=10)))
        assert isinstance(data, dict) and "model" in data
        assert load._outcome_from_data(data, 10).model == model


def test_reads_travel_whole_and_empty_reads_as_nothing() -> None:
    from scanner.model import Model
    from scanner.parsers.batch.jobs import Outcome
    from scanner.parsers.reads import Reads

    empty = load._outcome_data(Outcome(Model(), Reads(max_bytes=10)))
    assert isinstance(empty, dict) and empty["reads"] is None
    assert load._outcome_from_data(empty, 10).reads == Reads(max_bytes=10)
    reads = Reads(max_bytes=10, files={"/a": "f"}, probes={"/b": "none:/b"})
    data = load._outcome_data(Outcome(Model(), reads))
    assert load._outcome_from_data(data, 10).reads == reads


def test_the_parser_is_readied_here_while_the_copy_loads_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a forked pre-pass this process readies the Terraform parser once, from the
    first relevant root it reads, and the templates are loaded by the copy (the report
    is the one a scan that never forks gives)."""
    from scanner.parsers.batch.jobs import Loaders

    target = ROOT / "samples"
    here = os.getpid()
    readied: list[int] = []
    templates_here: list[str] = []
    real_ready = Loaders.ready_terraform
    real_outcome = load._Run.outcome

    def ready(self: Loaders) -> None:
        readied.append(os.getpid())
        real_ready(self)

    def outcome(self: load._Run, job: object) -> object:
        if os.getpid() == here and getattr(job, "kind", "") == "cloudformation":
            templates_here.append(str(job.path))  # type: ignore[attr-defined]
        return real_outcome(self, job)  # type: ignore[arg-type]

    monkeypatch.setattr(Loaders, "ready_terraform", ready)
    monkeypatch.setattr(load._Run, "outcome", outcome)
    expected = _report(target, 1, None)
    every_template = len(templates_here)
    assert every_template > 10 and not readied  # one process: nothing to ready ahead
    templates_here.clear()
    _forks_counted(monkeypatch, probe=False)
    assert _report(target, None, None) == expected
    assert readied and set(readied) == {here}
    assert len(templates_here) < every_template  # the copy loaded templates (this process may help)


def test_a_queue_that_does_not_fit_in_its_pipe_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe may hold as little as one page (many pipes open): a queue that does not fit
    is never waited on; the phase runs in this process alone, results the same."""
    forks: list[int] = []
    real_fork, real_pipe = os.fork, os.pipe

    def small_pipe() -> tuple[int, int]:
        ends = real_pipe()
        import fcntl

        fcntl.fcntl(ends[1], fcntl.F_SETPIPE_SZ, 4096)  # one page
        return ends

    def counting_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "pipe", small_pipe)
    monkeypatch.setattr(os, "fork", counting_fork)
    items = list(range(3000))  # 12,000 bytes of queue
    assert forked.share(items, lambda i: i * 2, _identity, _identity) == [i * 2 for i in items]
    assert forks == []


def test_a_parser_that_cannot_be_readied_costs_only_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readying the parser is done ahead of need: when it fails (a grammar that no longer
    takes its text, say), the scan goes on and each root's own load reports what fails."""
    from scanner.parsers import terraform

    target = ROOT / "samples"
    expected = _report(target, 1, None)

    def broken() -> None:
        raise RuntimeError("cannot ready")

    monkeypatch.setattr(terraform, "ready_parser", broken)
    _forks_counted(monkeypatch, probe=False)
    assert _report(target, None, None) == expected
