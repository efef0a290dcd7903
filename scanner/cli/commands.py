"""The ``scan``, ``list``, ``explain``, ``cfn-lint-rules`` and ``test-policies`` commands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from scanner.cli import workflow
from scanner.cli.options import (
    UsageError,
    check_paths,
    console_format,
    load_catalogue,
    resolve_config,
    scan_options_from_args,
)
from scanner.cli.outputs import check_targets, write_reports
from scanner.cli.progress import progress_for
from scanner.reporters import RenderOptions, render
from scanner.results import ScanResult
from scanner.scan import run_scan


def add_commands(subparsers: Any) -> None:  # noqa: ANN401 - argparse's private action type
    lst = subparsers.add_parser("list", help="list the policies", description="List the policies.")
    lst.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        metavar="FORMAT",
        help="text, json or markdown (default: text)",
    )
    _policies_dir_option(lst)
    explain = subparsers.add_parser(
        "explain",
        help="why a policy matters and how to fix it (by id, name or alias)",
        description="Show a policy's documentation and every alias it is known by.",
    )
    explain.add_argument("policy_id", metavar="ID", help="a policy id (CT008), name or alias (CKV_AWS_36)")
    _policies_dir_option(explain)
    subparsers.add_parser(
        "cfn-lint-rules",
        help="print the directory to pass to cfn-lint --append-rules",
        description="Print the directory of trailscan's cfn-lint rules: "
        "cfn-lint --append-rules \"$(trailscan cfn-lint-rules)\" template.yaml",
    )
    test = subparsers.add_parser(
        "test-policies",
        help="check your own policies against their samples (DIR/samples/<ID>/{pass,fail})",
        description="Run each policy of DIR on DIR/samples/<ID>/pass* (no finding) and "
        "DIR/samples/<ID>/fail* (exactly the lines marked `# expect: ID`).",
    )
    test.add_argument("directory", type=Path, metavar="DIR", help="a directory of policy modules")


def _policies_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policies-dir",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="also load your own policy modules from DIR (runs their code); repeatable",
    )


def dispatch(args: argparse.Namespace) -> int:
    handlers = {
        "list": cmd_list,
        "explain": cmd_explain,
        "cfn-lint-rules": cmd_cfn_lint_rules,
        "test-policies": cmd_test_policies,
        "baseline": workflow.run,
        "diff": workflow.run,
    }
    return handlers.get(args.command, cmd_scan)(args)


def use_color(args: argparse.Namespace, stream: Any) -> bool:  # noqa: ANN401 - any text stream
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def publish(result: ScanResult, args: argparse.Namespace, console: str | None) -> None:
    """All reports of one scan: the ``-o`` files (atomically) and the console."""

    def rendered(fmt: str, *, for_console: bool = False) -> str:
        return render(
            fmt,
            result,
            RenderOptions(
                color=for_console and fmt == "text" and use_color(args, sys.stdout),
                quiet=for_console and args.quiet,
                show_suppressed=args.show_suppressed,
                sarif_category=args.sarif_category,
            ),
        )

    outputs = list(args.output)
    # The console report goes last, after every file is in place.
    write_reports(outputs, rendered, _write_stdout)
    if console is not None:
        _write_stdout(rendered(console, for_console=True))


def exit_code(result: ScanResult, args: argparse.Namespace) -> int:
    code = result.exit_code()
    if code == 2:
        return 2
    if args.exit_zero:
        return 0
    return code


def cmd_scan(args: argparse.Namespace) -> int:
    console = console_format(args)
    check_targets(args.output)
    config = resolve_config(args)
    progress = progress_for(sys.stderr, enabled=not args.no_progress)
    result = run_scan(scan_options_from_args(args, config), progress)
    result.fail_on_none = args.fail_on == "none"
    if result.nothing_to_scan:
        print("trailscan: nothing to scan (no Terraform or CloudFormation found)", file=sys.stderr)
    else:
        publish(result, args, console)
    if result.stale_baseline:
        from scanner.baseline import stale_note  # only with a baseline: most scans have none

        print(stale_note(result.stale_baseline), file=sys.stderr)
    return exit_code(result, args)


def cmd_list(args: argparse.Namespace) -> int:
    load_catalogue(tuple(args.policies_dir))  # a bad directory is a usage error
    from scanner.docs import render_list  # the documentation's renderers: list and explain only

    sys.stdout.write(render_list(args.format, extra_dirs=tuple(args.policies_dir)))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    load_catalogue(tuple(args.policies_dir))
    from scanner.docs import render_explain

    text = render_explain(args.policy_id, extra_dirs=tuple(args.policies_dir))
    if text is None:
        raise UsageError(f"unknown policy id {args.policy_id!r} (see `trailscan list`)")
    sys.stdout.write(text)
    return 0


def cmd_cfn_lint_rules(args: argparse.Namespace) -> int:
    from scanner.integrations import cfnlint_rules_dir

    print(cfnlint_rules_dir())
    return 0


def cmd_test_policies(args: argparse.Namespace) -> int:
    from scanner.policy_tests import run_policy_samples

    check_paths([args.directory])
    if not args.directory.is_dir():
        raise UsageError(f"{args.directory}: not a directory")
    catalogue = load_catalogue((args.directory,))
    report = run_policy_samples(args.directory, catalogue)
    sys.stdout.write(report.render())
    return 0 if report.ok else 1

