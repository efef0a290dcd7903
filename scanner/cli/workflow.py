"""The ``baseline`` and ``diff`` commands.

``trailscan baseline PATH...`` prints a baseline of today's unsuppressed findings (or
writes it with ``--write FILE``); regenerating it is also how it is updated, because the
output is deterministic and sorted. It ignores any configured baseline: a baseline built
through another baseline would forget the findings that the old one hid.

``trailscan diff --base REF [PATH...]`` reports only what the working tree makes worse
than REF (see ``scanner.regressions``); exit 1 when there is such a regression.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from scanner.cli.options import (
    UsageError,
    add_scan_options,
    console_format,
    resolve_config,
    scan_options_from_args,
)
from scanner.cli.outputs import check_targets, write_reports
from scanner.model import PARSE_ERROR
from scanner.scan import run_scan

DIFF_FORMATS = ("text", "json")


def add_commands(subparsers: Any, command: str | None = None) -> None:  # noqa: ANN401 - argparse's private action type
    """``baseline`` and ``diff``, with their options when ``command`` (the one being run;
    None: every one) is theirs (see ``app.build_parser``)."""
    baseline = subparsers.add_parser(
        "baseline",
        help="print a baseline of the current findings (redirect it to .trailscan-baseline.json)",
    )
    if command in (None, "baseline"):
        add_scan_options(baseline)
        baseline.add_argument(
            "--write", "-w", type=Path, metavar="FILE", help="write the baseline to FILE"
        )

    diff = subparsers.add_parser(
        "diff",
        help="report only what the working tree makes worse than a git revision",
    )
    if command in (None, "diff"):
        add_scan_options(diff)
        diff.add_argument("--base", required=True, metavar="REF", help="git revision to compare with")


def run(args: argparse.Namespace) -> int:
    if args.command == "baseline":
        return cmd_baseline(args)
    return cmd_diff(args)


def cmd_baseline(args: argparse.Namespace) -> int:
    from scanner import baseline  # only for this command (a scan with a baseline loads it in scan)

    if args.write is not None:
        check_targets([("baseline", str(args.write))])
    config = replace(resolve_config(args), baseline="")
    options = replace(scan_options_from_args(args, config), baseline=None)
    result = run_scan(options)
    if result.nothing_to_scan:
        print("trailscan: nothing to scan (no Terraform or CloudFormation found)", file=sys.stderr)
        return 2
    text = baseline.dumps(baseline.entries_for(result.findings))
    skipped = sum(1 for f in result.active() if f.id in baseline.NEVER_BASELINED)
    if args.write is not None:
        write_reports([("baseline", str(args.write))], lambda _: text, sys.stdout.write)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if skipped:
        print(
            f"trailscan: {skipped} parse/internal error(s) are not baselined; fix them "
            "(run `trailscan scan` to see them)",
            file=sys.stderr,
        )
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    console = console_format(args)
    if console is not None and console not in DIFF_FORMATS:
        raise UsageError(f"diff supports --format {' or '.join(DIFF_FORMATS)}, not {console!r}")
    for fmt, _ in args.output:
        if fmt not in DIFF_FORMATS:
            raise UsageError(f"diff supports --output {'/'.join(DIFF_FORMATS)}=FILE, not {fmt!r}")
    check_targets(args.output)
    from scanner import regressions  # here: git and subprocess are for ``diff`` only

    config = resolve_config(args)
    options = scan_options_from_args(args, config)
    try:
        diff, base, head = regressions.run_diff(options, args.base, run_scan)
    except regressions.GitError as exc:
        raise UsageError(str(exc)) from None
    if head.nothing_to_scan and base.nothing_to_scan:
        print("trailscan: nothing to scan (no Terraform or CloudFormation found)", file=sys.stderr)
        return 2
    render = {"text": regressions.render_text, "json": regressions.render_json}
    write_reports(args.output, lambda fmt: render[fmt](diff), sys.stdout.write)
    if console is not None:
        sys.stdout.write(render[console](diff))
    sys.stdout.flush()
    code = diff.exit_code()
    if args.exit_zero:
        return 0
    if args.fail_on == "none" and code == 1:
        # Findings never fail; a file that no longer parses still does.
        return 1 if any(r.finding.id == PARSE_ERROR for r in diff.regressions) else 0
    return code
