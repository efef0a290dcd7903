"""Whole-tree safety checks: a scan of every sample, every bad input and the whole real
modules of tests/corpus/modules opens no socket and starts no process but trailscan's own
workers (exactly their command line; what a worker runs is checked here too), accounts for
every candidate file, and gives byte-identical output whatever order the files were
created in.

They scan the whole samples tree several times (tens of seconds): marked ``slow``.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import _posixsubprocess
except ImportError:  # Windows
    _posixsubprocess = None  # type: ignore[assignment]

from scanner.discovery import SKIP_DIRS, discover
from scanner.limits import Limits
from scanner.options import ScanOptions
from scanner.parsers.batch import pool
from scanner.parsers.batch.jobs import CLOUDFORMATION, TERRAFORM, Inputs, Job
from scanner.parsers.batch.pool import Setup, worker_command
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _load_cases():  # noqa: ANN202 - a module loaded from a path
    spec = importlib.util.spec_from_file_location("bad_input_cases_safety",
                                                  ROOT / "tests/bad_inputs/cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _json(path: Path, jobs: int | None = None) -> str:
    result = run_scan(ScanOptions(paths=(path,), root=path, jobs=jobs))
    return render("json", result, RenderOptions())


def _forbid(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every socket and every process, except trailscan's own workers: exactly the
    command line ``worker_command()`` gives, started through ``subprocess.Popen``. Each
    call is recorded (``worker`` for an allowed one)."""
    calls: list[str] = []
    allowed = worker_command()

    def refuse(name: str):  # noqa: ANN202
        def _raise(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise AssertionError(f"{name} called during a scan")
        return _raise

    original_popen = subprocess.Popen

    def popen(args: object, *rest: object, **kwargs: object) -> object:
        if args != allowed or rest or kwargs.get("shell") or kwargs.get("executable"):
            calls.append(f"subprocess.Popen {args!r}")
            raise AssertionError(f"subprocess.Popen {args!r} called during a scan")
        calls.append("worker")
        return original_popen(args, **kwargs)  # type: ignore[call-overload]

    fork_exec = getattr(_posixsubprocess, "fork_exec", None) if _posixsubprocess else None

    def checked_fork_exec(args: object, *rest: object) -> object:
        # Below Popen, where multiprocessing's spawn and fork server start processes too.
        if [os.fsdecode(a) for a in args] != allowed:  # type: ignore[attr-defined]
            calls.append(f"fork_exec {args!r}")
            raise AssertionError(f"a process {args!r} was started during a scan")
        return fork_exec(args, *rest)  # type: ignore[misc]

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "socketpair", refuse("socket.socketpair"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(subprocess, "Popen", popen)
    if fork_exec is not None:
        monkeypatch.setattr(_posixsubprocess, "fork_exec", checked_fork_exec)
    monkeypatch.setattr(os, "system", refuse("os.system"))
    original_fork = os.fork

    def fork() -> int:
        # The one fork allowed: a copy of the scan computing its share of a phase
        # (scanner.parsers.batch.forked), which runs no program and opens no socket.
        caller = sys._getframe(1).f_globals.get("__name__")
        if caller != "scanner.parsers.batch.forked":
            calls.append(f"os.fork from {caller}")
            raise AssertionError(f"os.fork called during a scan by {caller}")
        calls.append("fork")
        return original_fork()

    for name in dir(os):
        if name.startswith(("exec", "spawn", "posix_spawn", "fork")) and callable(getattr(os, name)):
            monkeypatch.setattr(os, name, fork if name == "fork" else refuse(f"os.{name}"))
    return calls


def _bad_corpus_tree(tmp_path: Path) -> Path:
    """Every corpus case in one tree (the 50 MB ones excluded: size limits are tested
    elsewhere and they add nothing here)."""
    cases = _load_cases()
    root = tmp_path / "scan"
    root.mkdir()
    for case in cases.CASES:
        if "slow" in case.tags or case.needs_non_root:
            continue
        sub = root / case.name
        sub.mkdir()
        case.build(sub)
    return root


@pytest.mark.parametrize("tree", ["samples", "bad_inputs", "real_modules"])
def test_scan_needs_no_network_or_processes(
    tree: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if tree == "samples":
        target = tmp_path / "samples"
        shutil.copytree(ROOT / "samples", target, symlinks=True)
    elif tree == "real_modules":
        target = tmp_path / "modules"
        shutil.copytree(ROOT / "tests/corpus/modules", target)
    else:
        target = _bad_corpus_tree(tmp_path)
    expected = _json(target, jobs=1)
    with monkeypatch.context() as patch:
        calls = _forbid(patch)
        patched = _json(target, jobs=2)
    # The units were loaded by two workers (after forked copies of the scan took their
    # share of the pre-pass where there were enough roots); nothing else ran.
    assert [c for c in calls if c != "fork"] == ["worker", "worker"]
    assert patched == expected


def test_anything_but_a_worker_still_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        calls = _forbid(patch)
        with pytest.raises(AssertionError):
            subprocess.run([sys.executable, "-c", "pass"], check=False)
        with pytest.raises(AssertionError):
            subprocess.Popen([*worker_command(), "extra"])
        with pytest.raises(AssertionError):
            socket.socket()
        with pytest.raises(AssertionError):
            os.fork()  # from anywhere but the forked phases
    assert len(calls) == 4


def test_a_worker_itself_needs_no_network_or_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What runs in a worker process, run here under the same refusals: a worker loading
    every unit of the samples starts nothing and opens no socket."""
    target = tmp_path / "samples"
    shutil.copytree(ROOT / "samples", target, symlinks=True)
    found = discover([target], target, Limits())
    jobs = [Job(TERRAFORM, d) for d in found.terraform_dirs] + [
        Job(CLOUDFORMATION, t) for t in found.templates
    ]
    frames = io.BytesIO()
    pool._send(frames, Setup(Inputs(root=target), False, tmp_path / "cache"))
    for index, job in enumerate(jobs):
        pool._send(frames, (index, job))
    frames.seek(0)
    written = io.BytesIO()
    stdin, stdout = io.TextIOWrapper(frames), io.TextIOWrapper(written)
    with monkeypatch.context() as patch:
        calls = _forbid(patch)
        patch.setattr(sys, "stdin", stdin)
        patch.setattr(sys, "stdout", stdout)
        pool.serve()
    assert calls == []
    out = io.BytesIO(written.getvalue())
    assert pool._receive(out) == pool.READY
    replies = [pool._receive(out) for _ in jobs]
    assert [index for index, _ in replies] == list(range(len(jobs)))
    assert all(outcome.model is not None for _, outcome in replies)


CANDIDATE_SUFFIXES = (".tf", ".tf.json", ".yaml", ".yml", ".json", ".template")


def _candidates(root: Path) -> set[str]:
    """Every file discovery must account for (the skip-list dirs excluded)."""
    out = set()
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if path.is_file() and path.name.lower().endswith(CANDIDATE_SUFFIXES):
            out.add(rel.as_posix())
    return out


def test_every_candidate_file_is_accounted_for(tmp_path: Path) -> None:
    target = tmp_path / "samples"
    shutil.copytree(ROOT / "samples", target, symlinks=True)
    result = run_scan(ScanOptions(paths=(target,), root=target))
    files = result.files
    reported = [*files.scanned, *files.not_ours, *files.failed]
    assert len(reported) == len(set(reported)), "a file is counted twice"
    # Discovery skips .terraform, but a root's installed modules are read through it.
    installed = {f for f in reported if "/.terraform/modules/" in f}
    assert installed and all(f.endswith(".tf") for f in installed)
    assert set(reported) - installed == _candidates(target)
    summary = json.loads(render("json", result, RenderOptions()))["summary"]["files"]
    assert summary["scanned"] + summary["not_ours"] + summary["failed"] == len(
        _candidates(target)
    ) + len(installed)


def _copy_in_order(src: Path, dest: Path, reverse: bool) -> None:
    """Recreate ``src`` file by file in a given order, so directory entry order differs."""
    paths = sorted(src.rglob("*"), reverse=reverse)
    for path in sorted(paths, key=lambda p: len(p.parts)) if not reverse else paths:
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_output_independent_of_creation_order(fmt: str, tmp_path: Path) -> None:
    outputs = []
    for index, reverse in enumerate((False, True)):
        copy = tmp_path / f"copy{index}" / "repo"
        copy.mkdir(parents=True)
        _copy_in_order(ROOT / "samples", copy, reverse)
        bad = copy / "zz_bad"
        bad.mkdir()
        for name in sorted(os.listdir(ROOT / "tests/bad_inputs"), reverse=reverse):
            if name.endswith((".tf", ".yaml")):
                unit = bad / name.replace(".", "_")
                unit.mkdir()
                suffix = "main.tf" if name.endswith(".tf") else "template.yaml"
                shutil.copyfile(ROOT / "tests/bad_inputs" / name, unit / suffix)
        _copy_in_order(ROOT / "tests/corpus/modules", copy / "zz_real", reverse)
        result = run_scan(ScanOptions(paths=(copy,), root=copy))
        outputs.append(render(fmt, result, RenderOptions()))
    assert outputs[0] == outputs[1]
