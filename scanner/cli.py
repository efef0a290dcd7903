"""Command line: ``trailscan [scan] PATH...``, ``list``, ``explain ID`` (and friends).

Exit codes: 0 clean, 1 blocking findings (at or above ``--fail-on``, or a file that could
not be parsed), 2 usage or configuration error, or nothing scannable. A Python traceback
never reaches the user unless ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from scanner import __version__
from scanner.config import Config, ConfigError, find_config, load_config
from scanner.model import Severity

COMMANDS = ("scan", "list", "explain", "baseline", "diff")


class UsageError(Exception):
    """Bad command-line input (exit 2)."""


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    if not key.strip():
        raise argparse.ArgumentTypeError(f"empty key in {text!r}")
    return key.strip(), value


def _output(text: str) -> tuple[str, str]:
    from scanner.reporters import FORMATS

    fmt, path = _key_value(text)
    if fmt not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"unknown format {fmt!r} in --output (expected one of: {', '.join(FORMATS)})"
        )
    return fmt, path


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``scan``, ``baseline`` and ``diff``."""
    from scanner.reporters import FORMATS

    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: .)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text", help="console format")
    parser.add_argument(
        "--output",
        "-o",
        action="append",
        type=_output,
        default=[],
        metavar="FORMAT=FILE",
        help="also write FORMAT to FILE (repeatable)",
    )
    parser.add_argument("--fail-on", type=_severity, help="lowest blocking severity")
    parser.add_argument("--select", action="append", type=_csv, default=[], metavar="IDS")
    parser.add_argument("--ignore", action="append", type=_csv, default=[], metavar="IDS")
    parser.add_argument("--var", action="append", type=_key_value, default=[], metavar="K=V")
    parser.add_argument("--var-file", action="append", type=Path, default=[], metavar="FILE")
    parser.add_argument("--parameter", action="append", type=_key_value, default=[], metavar="K=V")
    parser.add_argument("--parameter-file", action="append", type=Path, default=[], metavar="FILE")
    parser.add_argument("--config", type=Path, help="config file (default: nearest .trailscan.toml / pyproject.toml)")
    parser.add_argument("--baseline", type=Path, help="hide findings recorded in this baseline")
    parser.add_argument("--strict", action="store_true", help="report what cannot be verified")
    parser.add_argument("--cfn-lint", action="store_true", help="also run cfn-lint's validation")
    parser.add_argument("--show-suppressed", action="store_true", help="include suppressed findings")
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    parser.add_argument("--root", type=Path, help="paths in reports are relative to this")
    parser.add_argument(
        "--sarif-category",
        default="trailscan/",
        metavar="ID",
        help="SARIF automationDetails.id (distinct per analysis of one repository; '' = none)",
    )


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
    try:
        from scanner import workflow_cli
    except ImportError:
        workflow_cli = None  # type: ignore[assignment]
    if workflow_cli is not None:
        workflow_cli.add_commands(sub)
    return parser


def _normalise_argv(argv: Sequence[str]) -> list[str]:
    """``trailscan PATH`` means ``trailscan scan PATH``."""
    args = list(argv)
    globals_ = [a for a in args[:1] if a == "--debug"]
    rest = args[len(globals_):]
    if rest and (rest[0] in COMMANDS or rest[0] in ("-h", "--help", "--version")):
        return args
    return [*globals_, "scan", *rest]


def resolve_config(args: argparse.Namespace) -> Config:
    """Config file, then command-line overrides."""
    if getattr(args, "config", None) is not None:
        if not args.config.is_file():
            raise ConfigError(f"config file {args.config} does not exist")
        config = load_config(args.config)
    else:
        paths = args.paths or [Path(".")]
        config = load_config(find_config(paths[0]))
    overrides = {}
    if getattr(args, "fail_on", None) is not None:
        overrides["fail_on"] = args.fail_on
    return replace(config, **overrides) if overrides else config


def scan_options_from_args(args: argparse.Namespace, config: Config):  # noqa: ANN201
    from scanner.scan import ScanOptions

    for path in [*args.var_file, *args.parameter_file]:
        if not path.is_file():
            raise UsageError(f"{path}: file does not exist")
    if args.baseline is not None and not args.baseline.is_file():
        raise UsageError(f"baseline {args.baseline} does not exist")
    return ScanOptions(
        paths=tuple(args.paths or [Path(".")]),
        root=args.root,
        variables=tuple(args.var),
        var_files=tuple(args.var_file),
        parameters=tuple(args.parameter),
        parameter_files=tuple(args.parameter_file),
        select=tuple(i for group in args.select for i in group),
        ignore=tuple(i for group in args.ignore for i in group),
        strict=args.strict,
        debug=args.debug,
        cfn_lint=args.cfn_lint,
        baseline=args.baseline,
        config=config,
    )


def use_color(args: argparse.Namespace, stream) -> bool:  # noqa: ANN001
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def write_reports(result, args: argparse.Namespace) -> None:  # noqa: ANN001
    from scanner.reporters import RenderOptions, render

    for fmt, path in args.output:
        text = render(
            fmt,
            result,
            RenderOptions(show_suppressed=args.show_suppressed, sarif_category=args.sarif_category),
        )
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {fmt} report to {path}: {exc.strerror or exc}") from None
    console = render(
        args.format,
        result,
        RenderOptions(
            color=use_color(args, sys.stdout) and args.format == "text",
            quiet=args.quiet,
            show_suppressed=args.show_suppressed,
            sarif_category=args.sarif_category,
        ),
    )
    sys.stdout.write(console)
    sys.stdout.flush()


def cmd_scan(args: argparse.Namespace) -> int:
    from scanner.scan import run_scan

    config = resolve_config(args)
    result = run_scan(scan_options_from_args(args, config))
    write_reports(result, args)
    if result.nothing_to_scan:
        print("trailscan: nothing to scan (no Terraform or CloudFormation found)", file=sys.stderr)
    if result.stale_baseline:
        from scanner.baseline import stale_note

        print(stale_note(result.stale_baseline), file=sys.stderr)
    return result.exit_code()


def cmd_list(args: argparse.Namespace) -> int:
    from scanner.docs import render_list

    sys.stdout.write(render_list(args.format))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from scanner.docs import render_explain

    text = render_explain(args.policy_id)
    if text is None:
        print(f"trailscan: unknown policy id {args.policy_id!r} (see `trailscan list`)", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(_normalise_argv([a for a in argv if a != "--debug"]))
        args.debug = debug
        if args.command == "list":
            return cmd_list(args)
        if args.command == "explain":
            return cmd_explain(args)
        if args.command in ("baseline", "diff"):
            from scanner import workflow_cli

            return workflow_cli.run(args)
        return cmd_scan(args)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
