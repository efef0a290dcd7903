"""Where one trailscan run spends its time, by phase, from a cProfile of the whole process.

A benchmark says *how fast*; this says *why*. It runs ``trailscan ARGS...`` in this
process and splits its CPU time into the pipeline's phases. By default each phase's
functions are wrapped with a CPU-time counter (a few thousand calls: no distortion), and
lark's position propagation is measured by parsing every ``.tf`` again with and without
it. ``--cprofile`` runs it under cProfile instead, starting before trailscan's first
import (so imports, dataclass creation and lark's table loading are counted), and folds
the profile into the phases by the cumulative time of the functions that bound them. Phases nest (parsing is
part of the Terraform front end, dataclass creation part of the imports), so the indented
rows are parts of the row above them, not extra time.

Usage::

    python benchmarks/profile_phases.py [--top 15] [--save FILE.prof] -- SCAN-ARGS...
    python benchmarks/profile_phases.py -- /path/to/repo --format json

Run it in a fresh process each time: a second run in one process would find the modules
imported and the parser loaded.

cProfile charges a fixed cost to every call, so call-heavy code (lark's parser makes
millions of small calls on a large repository) looks several times bigger than it is.
``--sampler`` uses pyinstrument instead (a sampling profiler, wall time; install it into
your own environment, it is not a dependency of trailscan), whose shares are the ones to
quote for a large scan.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import io
import os
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# (indent, label, functions): a function is (file suffix, name, "cum" or "own"); "cum"
# counts everything the function called (cProfile counts a recursive function's outermost
# call only), "own" only the function's own lines (lark's position propagation wraps the
# tree builder it calls). The functions of one phase never call one another.
Fn = tuple[str, str, str]
PHASES: tuple[tuple[int, str, tuple[Fn, ...]], ...] = (
    (0, "imports (all modules, including lazy ones)", (("<frozen importlib._bootstrap>", "_find_and_load", "cum"),)),
    (1, "dataclass creation", (("dataclasses.py", "_process_class", "cum"),)),
    (1, "policies package", (("policies/__init__.py", "<module>", "cum"),)),
    (1, "python-hcl2 (and lark when it comes first)", (("hcl2/__init__.py", "<module>", "cum"),)),
    (1, "yaml", (("yaml/__init__.py", "<module>", "cum"),)),
    (0, "policy discovery (load_policies)", (("scanner/engine.py", "load_policies", "cum"),)),
    (0, "discovery (walk, classify)", (("scanner/discovery.py", "discover", "cum"),)),
    (0, "lark parse tables (load or build)", (("hcl2/parser.py", "parser", "cum"),
                                              ("scanner/parsers/terraform/grammar.py", "hcl_parser", "cum"))),
    (1, "of which: building them", (("lark/lark.py", "_build_parser", "cum"),)),
    (0, "front ends (load_units)", (("scanner/parsers/__init__.py", "load_units", "cum"),)),
    (1, "Terraform roots", (("scanner/parsers/terraform/__init__.py", "load_terraform", "cum"),)),
    (2, "lark parse (lex + LALR + tree)", (("lark/lark.py", "parse", "cum"),)),
    (3, "position propagation", (("lark/parse_tree_builder.py", "__call__@33", "own"),
                                 ("lark/parse_tree_builder.py", "_pp_get_meta", "cum"))),
    (2, "tree -> blocks", (("scanner/parsers/terraform/hcl.py", "_fill_hcl_body", "cum"),
                           ("scanner/parsers/terraform/hcl.py", "_json_file", "cum"))),
    (1, "CloudFormation templates", (("scanner/parsers/cloudformation/loader.py", "load_cloudformation", "cum"),)),
    (2, "YAML/JSON decode", (("scanner/parsers/cloudformation/decode.py", "decode", "cum"),)),
    (0, "accounts (Model.merge)", (("scanner/model.py", "merge", "cum"),)),
    (0, "policies (engine.evaluate)", (("scanner/engine.py", "evaluate", "cum"),)),
    (0, "suppressions and baseline", (("scanner/suppressions.py", "apply", "cum"),)),
    (0, "reporting (render)", (("scanner/reporters/__init__.py", "render", "cum"),)),
)


def _matches(key: tuple[str, int, str], suffix: str, name: str) -> bool:
    """``name`` may carry ``@LINE`` for one of several same-named methods in a file."""
    filename, line, func = key
    wanted, _, at = name.partition("@")
    return (
        filename.replace(os.sep, "/").endswith(suffix)
        and func == wanted
        and (not at or line == int(at))
    )


def _phase_times(stats: pstats.Stats) -> list[tuple[int, str, float]]:
    raw = stats.stats  # type: ignore[attr-defined]  # {key: (cc, nc, own, cumulative, callers)}
    out = []
    for indent, label, functions in PHASES:
        total = 0.0
        for suffix, name, mode in functions:
            for key, (_, _, own, cumulative, _) in raw.items():
                if _matches(key, suffix, name):
                    total += own if mode == "own" else cumulative
        out.append((indent, label, total))
    return out


def _frame_matches(frame: object, suffix: str, name: str) -> bool:
    wanted, _, at = name.partition("@")
    path = (getattr(frame, "file_path", "") or "").replace(os.sep, "/")
    return (
        path.endswith(suffix)
        and getattr(frame, "function", None) == wanted
        and (not at or getattr(frame, "line_no", None) == int(at))
    )


def _sampled_phase_times(root: object) -> list[tuple[int, str, float]]:
    """Phase times from a pyinstrument frame tree: the outermost matching frames' time
    ("cum") or the matching frames' own time ("own")."""
    out = []
    for indent, label, functions in PHASES:
        total = 0.0
        stack = [root]
        while stack:
            frame = stack.pop()
            hit = next(((s, n, m) for s, n, m in functions if _frame_matches(frame, s, n)), None)
            if hit is not None and hit[2] == "cum":
                total += frame.time  # type: ignore[attr-defined]
                continue
            if hit is not None:
                total += frame.total_self_time  # type: ignore[attr-defined]
            stack.extend(frame.children)  # type: ignore[attr-defined]
        out.append((indent, label, total))
    return out


def sample(scan_args: Sequence[str]) -> tuple[float, object, int]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    sink = io.StringIO()
    start = time.perf_counter()
    profiler.start()
    try:
        with contextlib.redirect_stdout(sink):
            from scanner.cli import main

            code = main(list(scan_args))
    finally:
        session = profiler.stop()
    return time.perf_counter() - start, session.root_frame(trim_stem=False), code


# Timers: each phase's functions wrapped with a CPU-time counter (outermost call only).
# A few thousand calls: the overhead is negligible, so the shares are the real ones.
# (indent, label, [(module, attribute)]): the attribute is replaced where the caller
# looks it up at call time.
TIMED: tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...] = (
    (0, "policy discovery (load_policies)", (("scanner.scan", "load_policies"),)),
    (0, "discovery (walk, classify)", (("scanner.scan", "discover"),)),
    (0, "front ends (load_units)", (("scanner.scan", "load_units"),)),
    (1, "relevance pre-pass (outline of every root)", (("scanner.parsers.batch.load", "_Run.relevance"),)),
    (1, "unread roots (listing, variables files)", (
        ("scanner.parsers.terraform.front_end", "load_terraform_unread"),)),
    (1, "cache: lookups (read, check, decode)", (("scanner.parsers.batch.load", "_Run.cached"),)),
    (1, "cache: writes (encode, write)", (("scanner.parsers.batch.cache", "UnitCache.put"),)),
    (1, "waiting for workers", (("scanner.parsers.batch.pool", "Workers.run"),)),
    (1, "Terraform roots", (("scanner.parsers.terraform.front_end", "load_terraform"),
                            ("scanner.parsers.terraform", "load_terraform"))),
    (2, "lark parse tables (load)", (("scanner.parsers.terraform.grammar", "hcl_parser"),
                                     ("hcl2.api", "_get_parser"))),  # before trailscan shipped them
    (2, "lark parse (lex + LALR + tree, positions)", (("lark.lark", "Lark.parse"),)),
    (2, "tree -> blocks", (("scanner.parsers.terraform.hcl", "_fill_hcl_body"),
                           ("scanner.parsers.terraform.hcl", "_json_file"))),
    (1, "CloudFormation templates", (("scanner.parsers.cloudformation", "load_cloudformation"),)),
    (2, "YAML/JSON decode", (("scanner.parsers.cloudformation.loader", "_decode"),)),
    (0, "policies (engine.evaluate)", (("scanner.scan", "evaluate"),)),
    (0, "suppressions and baseline", (("scanner.suppressions", "apply"),)),
    (0, "reporting (render)", (("scanner.cli.commands", "render"),)),
)


def _install_timers() -> list[float]:
    """Wrap each phase's functions; a module not imported yet is wrapped right after its
    first import (so timing a scan never imports what the scan itself would not)."""
    totals = [0.0] * len(TIMED)
    later: dict[str, list[tuple[int, str, list[int]]]] = {}
    for index, (_, _, targets) in enumerate(TIMED):
        depth = [0]
        for module_name, attribute in targets:
            if module_name in sys.modules:
                _wrap(sys.modules[module_name], attribute, index, depth, totals)
            else:
                later.setdefault(module_name, []).append((index, attribute, depth))
    if later:
        sys.meta_path.insert(0, _AfterImport(later, totals))
    return totals


class _AfterImport:
    """A finder that lets the real finders find a module, then wraps timers into it once
    it has run."""

    def __init__(self, pending: dict[str, list[tuple[int, str, list[int]]]], totals: list[float]) -> None:
        self.pending = pending
        self.totals = totals

    def find_spec(self, name: str, path: object, target: object = None) -> object:
        if name not in self.pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                loader, wraps, totals = spec.loader, self.pending.pop(name), self.totals
                original_exec = loader.exec_module

                def exec_module(module: object, _exec: Callable[..., object] = original_exec,
                                _wraps: list[tuple[int, str, list[int]]] = wraps,
                                _totals: list[float] = totals) -> None:
                    _exec(module)
                    for index, attribute, depth in _wraps:
                        _wrap(module, attribute, index, depth, _totals)

                loader.exec_module = exec_module  # type: ignore[method-assign]
                return spec
        return None


def _wrap(module: object, attribute: str, index: int, depth: list[int], totals: list[float]) -> None:
    import functools

    *path, name = attribute.split(".")
    owner: object = module
    for part in path:
        owner = vars(owner).get(part) if owner is not None else None
    # Only what is defined there (a package's lazy attribute is wrapped where it is defined);
    # an older trailscan may lack one: that phase then reads 0.
    original = vars(owner).get(name) if owner is not None else None
    if original is None:
        return

    def timed(*args: object, _original: Callable[..., object] = original, _index: int = index,
              _depth: list[int] = depth, **kwargs: object) -> object:
        if _depth[0]:
            return _original(*args, **kwargs)
        _depth[0] += 1
        start = time.process_time()
        try:
            return _original(*args, **kwargs)
        finally:
            totals[_index] += time.process_time() - start
            _depth[0] -= 1

    functools.update_wrapper(timed, original)
    if hasattr(original, "cache_clear"):
        timed.cache_clear = original.cache_clear  # type: ignore[attr-defined]
    setattr(owner, name, timed)


def timers(scan_args: Sequence[str]) -> tuple[float, float, list[float], int]:
    """(CPU total, CPU of the imports before the run, phase CPU times, exit code)."""
    import importlib

    targets = [Path(a) for a in scan_args if not a.startswith("-") and Path(a).exists()]
    files = [f for t in targets for f in ([t] if t.is_file() else t.rglob("*"))]
    start = time.process_time()
    import scanner.cli.commands  # noqa: F401 - the CLI and what it imports up front

    # the front ends the scan will load, imported here to be wrapped (a scan of .tf files
    # alone never loads the CloudFormation one, and the other way round)
    if any(f.suffix == ".tf" or f.name.endswith(".tf.json") for f in files):
        importlib.import_module("scanner.parsers.terraform")
    if any(f.suffix in (".yaml", ".yml", ".json", ".template") for f in files):
        importlib.import_module("scanner.parsers.cloudformation")
    imports = time.process_time() - start
    totals = _install_timers()
    from scanner.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        code = main(list(scan_args))
    return time.process_time() - start, imports, totals, code


def propagation_share(target: str) -> tuple[float, float]:
    """CPU seconds to parse every ``.tf`` under ``target`` with and without lark's
    position propagation (trailscan needs the positions; this says what they cost)."""
    from scanner.parsers.terraform import grammar

    tables = grammar._shipped_tables()
    if tables is None:
        raise SystemExit("no shipped parse tables: pip install -e . first")
    parsers = [grammar.load_tables(tables, grammar._post_lexer(), propagate_positions=flag) for flag in (True, False)]
    root = Path(target)
    texts = [p.read_text(encoding="utf-8", errors="replace") + "\n" for p in sorted(root.rglob("*.tf"))] \
        if root.is_dir() else [root.read_text(encoding="utf-8") + "\n"]
    out = []
    for parser in parsers:
        start = time.process_time()
        for text in texts:
            try:
                parser.parse(text)
            except Exception:  # noqa: BLE001 - a file that does not parse costs what it costs
                pass
        out.append(time.process_time() - start)
    return out[0], out[1]


def profile(scan_args: Sequence[str]) -> tuple[float, pstats.Stats, int]:
    # CPU time, not wall time: a busy machine (a CI runner, tests beside it) would
    # otherwise charge other processes' time to whatever was running when preempted.
    profiler = cProfile.Profile(time.process_time)
    sink = io.StringIO()
    start = time.perf_counter()
    profiler.enable()
    try:
        with contextlib.redirect_stdout(sink):
            from scanner.cli import main

            code = main(list(scan_args))
    finally:
        profiler.disable()
    wall = time.perf_counter() - start
    return wall, pstats.Stats(profiler), code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=15, help="also list the N functions with the most own time")
    parser.add_argument("--save", metavar="FILE", help="write the raw profile (for snakeviz, pstats)")
    parser.add_argument("--cprofile", action="store_true", help="cProfile (with --top) instead of timers")
    parser.add_argument("--sampler", action="store_true", help="sample with pyinstrument instead of timers")
    parser.add_argument("scan_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    scan_args = [a for a in args.scan_args if a != "--"] or ["."]
    if "scanner" in sys.modules:
        print("profile_phases: trailscan is already imported; run in a fresh process", file=sys.stderr)
        return 2
    if not args.sampler and not args.cprofile:
        total, imports, totals, code = timers(scan_args)
        print(f"trailscan {' '.join(scan_args)}  (exit {code})")
        print(f"CPU total {total:.3f}s (timers: each phase's outermost calls, CPU time)")
        rows = [(0, "imports before the run (lazy ones fall in their phase)", imports)]
        rows += [(indent, label, seconds) for (indent, label, _), seconds in zip(TIMED, totals, strict=True)]
        for indent, label, seconds in rows:
            share = 100 * seconds / total if total else 0.0
            print(f"  {'  ' * indent}{label:<{52 - 2 * indent}} {seconds:8.3f}s {share:5.1f}%")
        accounted = imports + sum(t for (indent, _, _), t in zip(TIMED, totals, strict=True) if indent == 0)
        print(f"  {'rest (start-up, accounts, argument parsing, ...)':<52} {total - accounted:8.3f}s")
        target = next((a for a in scan_args if not a.startswith("-")), None)
        if target is not None and importlib.util.find_spec("scanner.parsers.terraform.grammar"):
            with_positions, without = propagation_share(target)
            print(f"  parsing every .tf again: {with_positions:.3f}s with positions, {without:.3f}s without "
                  f"(propagation {100 * (1 - without / with_positions) if with_positions else 0:.0f}% of parsing)")
        return 0
    if args.sampler:
        wall, root, code = sample(scan_args)
        total = root.time  # type: ignore[attr-defined]
        print(f"trailscan {' '.join(scan_args)}  (exit {code})")
        print(f"sampled wall total {total:.3f}s (pyinstrument, every 0.5 ms)")
        for indent, label, seconds in _sampled_phase_times(root):
            share = 100 * seconds / total if total else 0.0
            print(f"  {'  ' * indent}{label:<{52 - 2 * indent}} {seconds:8.3f}s {share:5.1f}%")
        return 0
    wall, stats, code = profile(scan_args)
    if args.save:
        stats.dump_stats(args.save)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"trailscan {' '.join(scan_args)}  (exit {code})")
    print(f"profiled CPU total {total:.3f}s (wall {wall:.3f}s; cProfile roughly doubles call-heavy code)")
    for indent, label, seconds in _phase_times(stats):
        share = 100 * seconds / total if total else 0.0
        print(f"  {'  ' * indent}{label:<{52 - 2 * indent}} {seconds:8.3f}s {share:5.1f}%")
    if args.top:
        print(f"\ntop {args.top} functions by own time:")
        stream = io.StringIO()
        stats.stream = stream  # type: ignore[attr-defined]
        stats.sort_stats("tottime").print_stats(args.top)
        lines = stream.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print("\n".join(lines[start:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
