"""Where one trailscan run spends its time, by phase, from a cProfile of the whole process.

A benchmark says *how fast*; this says *why*. It runs ``trailscan ARGS...`` in this
process under cProfile, starting before trailscan's first import (so imports, dataclass
creation and lark's table loading are counted), and folds the profile into the pipeline's
phases by the cumulative time of the functions that bound them. Phases nest (parsing is
part of the Terraform front end, dataclass creation part of the imports), so the indented
rows are parts of the row above them, not extra time.

Usage::

    python benchmarks/profile_phases.py [--top 15] [--save FILE.prof] -- SCAN-ARGS...
    python benchmarks/profile_phases.py -- /path/to/repo --format json

Run it in a fresh process each time: a second run in one process would find the modules
imported and the parser loaded.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Sequence

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
    parser.add_argument("scan_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    scan_args = [a for a in args.scan_args if a != "--"] or ["."]
    if "scanner" in sys.modules:
        print("profile_phases: trailscan is already imported; run in a fresh process", file=sys.stderr)
        return 2
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
