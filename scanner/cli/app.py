"""The front door: parse the command line, dispatch, and turn every error into an exit
code and one line on stderr."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from scanner import __version__
from scanner.cli import commands, workflow
from scanner.cli.options import UsageError, add_scan_options
from scanner.config import ConfigError

COMMANDS = ("scan", "list", "explain", "baseline", "diff")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trailscan",
        description="Prove statically that the AWS CloudTrail your IaC sets up is complete, "
        "protected and watched.",
    )
    parser.add_argument("--version", action="version", version=f"trailscan {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command")
    scan = sub.add_parser("scan", help="scan paths (the default command)")
    add_scan_options(scan)
    lst = sub.add_parser("list", help="list the policies")
    lst.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    explain = sub.add_parser("explain", help="show a policy's documentation")
    explain.add_argument("policy_id")
    workflow.add_commands(sub)
    return parser


def _normalise_argv(argv: Sequence[str]) -> list[str]:
    """``trailscan PATH`` means ``trailscan scan PATH``."""
    args = list(argv)
    globals_ = [a for a in args[:1] if a == "--debug"]
    rest = args[len(globals_):]
    if rest and (rest[0] in COMMANDS or rest[0] in ("-h", "--help", "--version")):
        return args
    return [*globals_, "scan", *rest]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(_normalise_argv([a for a in argv if a != "--debug"]))
        args.debug = debug
        if args.command == "list":
            return commands.cmd_list(args)
        if args.command == "explain":
            return commands.cmd_explain(args)
        if args.command in ("baseline", "diff"):
            return workflow.run(args)
        return commands.cmd_scan(args)
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        return int(exc.code) if isinstance(exc.code, int) else 2
    except (ConfigError, UsageError) as exc:
        print(f"trailscan: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("trailscan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last line of defence: no traceback unless --debug
        if debug:
            traceback.print_exc()
        else:
            print(
                f"trailscan: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                file=sys.stderr,
            )
        return 2
