"""The ``scan``, ``list`` and ``explain`` commands."""

from __future__ import annotations

import argparse
import sys

from scanner.baseline import stale_note
from scanner.cli.options import resolve_config, scan_options_from_args, write_reports
from scanner.docs import render_explain, render_list
from scanner.scan import run_scan


def cmd_scan(args: argparse.Namespace) -> int:
    config = resolve_config(args)
    result = run_scan(scan_options_from_args(args, config))
    write_reports(result, args)
    if result.nothing_to_scan:
        print("trailscan: nothing to scan (no Terraform or CloudFormation found)", file=sys.stderr)
    if result.stale_baseline:
        print(stale_note(result.stale_baseline), file=sys.stderr)
    return result.exit_code()


def cmd_list(args: argparse.Namespace) -> int:
    sys.stdout.write(render_list(args.format))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    text = render_explain(args.policy_id)
    if text is None:
        print(f"trailscan: unknown policy id {args.policy_id!r} (see `trailscan list`)", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


