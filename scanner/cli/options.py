"""What every scanning command shares: its options, the configuration they resolve,
the ``ScanOptions`` they build, and where reports go."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from scanner.config import Config, ConfigError, find_config, load_config
from scanner.model import Severity
from scanner.options import ScanOptions
from scanner.reporters import FORMATS, RenderOptions, render
from scanner.results import ScanResult


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


def scan_options_from_args(args: argparse.Namespace, config: Config) -> ScanOptions:
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


def use_color(args: argparse.Namespace, stream: TextIO) -> bool:
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def write_reports(result: ScanResult, args: argparse.Namespace) -> None:
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


