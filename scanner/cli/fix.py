"""The ``fix`` command: repair what a scan of the same paths and options reports.

``trailscan fix PATH...`` writes the fixes, tells on stderr what it fixed and what it left
(``not fixed: <why>``), then scans again and reports like ``scan`` (same formats, same
``-o``, same exit code: 0 when no blocking finding remains, 1 when some do).
``--diff`` writes nothing: it prints the fixes as a unified diff, and its exit code is the
one the fixed files would give.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from scanner.cli.commands import exit_code, publish
from scanner.cli.options import (
    UsageError,
    add_scan_options,
    console_format,
    resolve_config,
    scan_options_from_args,
)
from scanner.cli.outputs import check_targets
from scanner.cli.progress import progress_for
from scanner.scan import run_scan

if TYPE_CHECKING:
    from scanner.fixing.run import FixRun

DESCRIPTION = (
    "Repair in place the findings a scan of the same paths and options reports, where the "
    "policy knows the fix (see README: trailscan fix). Each edit is the smallest change in "
    "the file's own style; the edits are re-checked before anything is written, and a fix "
    "that would add a finding or break a file is rolled back."
)
EPILOG = (
    "exit codes: as `trailscan scan` after the fixes (0 no blocking finding left, 1 blocking "
    "findings left); 2 usage error or nothing to scan."
)


def add_command(subparsers: Any, command: str | None = None) -> None:  # noqa: ANN401 - argparse's private action type
    """``fix``, with its options when ``command`` (the one being run; None: every one) is
    ``fix`` (see ``app.build_parser``)."""
    parser = subparsers.add_parser(
        "fix",
        help="repair the mechanical findings in place (--diff: show the edits, write nothing)",
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    if command not in (None, "fix"):
        return
    add_scan_options(parser)
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff and write nothing"
    )


def _log(run: FixRun, written: bool) -> None:
    for outcome in run.outcomes:
        finding = outcome.finding
        where = f"{finding.span.path}:{finding.span.line}"
        verdict = ("fixed" if written else "fixable") if outcome.fixed else "not fixed"
        print(f"{where}: {finding.id} {finding.resource}: {verdict}: {outcome.detail}", file=sys.stderr)
    fixed = sum(1 for o in run.outcomes if o.fixed)
    left = len(run.outcomes) - fixed
    verb = "fixed" if written else "would fix"
    print(f"trailscan fix: {verb} {fixed}, not fixed {left}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    console = console_format(args)
    if args.diff and args.output:
        raise UsageError("--diff writes nothing: it cannot be combined with --output")
    check_targets(args.output)
    config = resolve_config(args)
    options = scan_options_from_args(args, config)
    started = time.time_ns()
    result = run_scan(options, progress_for(sys.stderr, enabled=not args.no_progress))
    result.fail_on_none = args.fail_on == "none"
    if result.nothing_to_scan:
        print("trailscan: nothing to scan (no Terraform or CloudFormation found)", file=sys.stderr)
        return 2
    from scanner.fixing.run import fix  # here: a scan never loads the editors

    outcome = fix(result, options, started, write=not args.diff)
    _log(outcome, written=not args.diff)
    if args.diff:
        sys.stdout.write(outcome.diff())
        sys.stdout.flush()
        remaining = outcome.remaining(result)
        remaining.fail_on_none = result.fail_on_none
        return exit_code(remaining, args)
    after = result
    if outcome.texts:  # files changed: report what a scan of them says now
        after = run_scan(options, progress_for(sys.stderr, enabled=not args.no_progress))
        after.fail_on_none = result.fail_on_none
    publish(after, args, console)
    return exit_code(after, args)
