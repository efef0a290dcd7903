"""What every scanning command shares: its options, the configuration they resolve and
the ``ScanOptions`` they build. Everything a user can get wrong on the command line is
checked here, before the scan starts, so that a mistake is one line and exit 2 rather
than a CT901 or a half-written report."""

from __future__ import annotations

import argparse
import importlib.util
import os
import stat
import sys
from dataclasses import replace
from pathlib import Path

from scanner.cli.checkov import read_skip_checks
from scanner.cli.outputs import STDOUT, add_output_option
from scanner.config import Config, ConfigError, find_config, load_config
from scanner.engine import PolicyLoadError, load_policies, unknown_selectors
from scanner.model import Severity
from scanner.options import ScanOptions, user_cache_dir
from scanner.policy import PolicySpec
from scanner.reporters import FORMATS

FAIL_ON_CHOICES = ("none", "low", "medium", "high", "critical")


class UsageError(Exception):
    """Bad command-line input (exit 2)."""


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    if not key.strip():
        raise argparse.ArgumentTypeError(f"empty key in {text!r}")
    return key.strip(), value


def _fail_on(text: str) -> str:
    value = text.strip().lower()
    if value not in FAIL_ON_CHOICES:
        raise argparse.ArgumentTypeError(
            f"unknown severity {text!r} (expected one of: {', '.join(FAIL_ON_CHOICES)})"
        )
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of jobs: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return value


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``scan``, ``baseline`` and ``diff``; each says what it accepts."""
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or directories to scan (default: .)"
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default=None,
        metavar="FORMAT",
        help=f"what to print on stdout: {', '.join(FORMATS)} (default: text)",
    )
    add_output_option(out)
    out.add_argument(
        "--quiet", "-q", action="store_true", help="text format: print only the summary line"
    )
    out.add_argument(
        "--no-color",
        action="store_true",
        help="never colour the text output (also NO_COLOR=1; no colour when stdout is not a terminal)",
    )
    out.add_argument(
        "--show-suppressed", action="store_true", help="include suppressed findings in the reports"
    )
    out.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress line on stderr (it appears only on a terminal, for scans over about a second)",
    )
    out.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="report paths relative to DIR (default: the working directory when the paths are inside it)",
    )
    out.add_argument(
        "--sarif-category",
        default="trailscan/",
        metavar="ID",
        help="SARIF automationDetails.id, one per analysis of a repository (default: trailscan/; '' = none)",
    )

    verdict = parser.add_argument_group("what fails")
    verdict.add_argument(
        "--fail-on",
        type=_fail_on,
        metavar="SEVERITY",
        help="lowest severity that makes the exit code 1: none, low, medium, high, critical "
        "(default: low, or fail_on in the config; none: findings never fail, a CT901 still does)",
    )
    verdict.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 whatever was found (a usage error still exits 2)",
    )
    verdict.add_argument(
        "--select",
        action="append",
        type=_csv,
        default=[],
        metavar="IDS",
        help="run only these policies: ids, id prefixes (CT4), names or aliases (CKV_AWS_36, "
        "AVD-AWS-0016); comma-separated, repeatable",
    )
    verdict.add_argument(
        "--ignore",
        action="append",
        type=_csv,
        default=[],
        metavar="IDS",
        help="skip these policies (same forms as --select); comma-separated, repeatable",
    )
    verdict.add_argument(
        "--strict",
        action="store_true",
        help="report what cannot be verified statically (UNKNOWN values) as findings",
    )
    verdict.add_argument(
        "--baseline", type=Path, metavar="FILE", help="hide the findings recorded in this baseline file"
    )

    where = parser.add_argument_group("what to scan")
    where.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="do not search paths matching GLOB for roots and templates (gitignore-style, "
        "relative to the scan root; a module or nested template a unit loads is still read; "
        "paths given explicitly are always scanned); repeatable",
    )
    where.add_argument(
        "--no-gitignore",
        action="store_true",
        help="also search paths that .gitignore files ignore (default: honour every .gitignore "
        "from the repository root down)",
    )
    where.add_argument(
        "--changed-files",
        action="store_true",
        help="the paths are changed files (the pre-commit hook): check each through every unit "
        "that loads it, found in the repository around them (a file in a local module through "
        "the roots that call it), and report only findings in or related to these files",
    )

    inputs = parser.add_argument_group("inputs")
    inputs.add_argument(
        "--var",
        action="append",
        type=_key_value,
        default=[],
        metavar="K=V",
        help="a Terraform variable, as terraform plan -var takes it; repeatable",
    )
    inputs.add_argument(
        "--var-file",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a Terraform .tfvars (or .tfvars.json) file; repeatable",
    )
    inputs.add_argument(
        "--parameter",
        action="append",
        type=_key_value,
        default=[],
        metavar="K=V",
        help="a CloudFormation parameter value; repeatable",
    )
    inputs.add_argument(
        "--parameter-file",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help='CloudFormation parameters: [{"ParameterKey": .., "ParameterValue": ..}] or '
        '{"Parameters": {..}}; repeatable',
    )

    setup = parser.add_argument_group("configuration and integrations")
    setup.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="configuration file (default: the nearest .trailscan.toml or pyproject.toml with "
        "[tool.trailscan], looked up from the common directory of the paths)",
    )
    setup.add_argument(
        "--policies-dir",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="load your own policy modules (*.py with @policy, ids such as ORG001) from DIR; "
        "this runs their Python code; repeatable",
    )
    setup.add_argument(
        "--checkov-config",
        type=Path,
        metavar="FILE",
        help="read checkov's .checkov.yaml and ignore the policies its skip-check list names "
        "(CKV ids through the aliases)",
    )
    setup.add_argument(
        "--cfn-lint",
        action="store_true",
        help="also run cfn-lint's template validation (needs: pip install 'trailscan[cfn-lint]')",
    )
    setup.add_argument(
        "--debug", action="store_true", help="show Python tracebacks for internal errors"
    )

    speed = parser.add_argument_group("speed")
    speed.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="load units in N worker processes of trailscan's own (default: the machine's cores, "
        "used when there are enough units to pay for them; 1 = none)",
    )
    speed.add_argument(
        "--no-prefilter",
        action="store_true",
        help="parse every Terraform file, also in root modules that hold nothing a policy reads "
        "(the reports are the same, but a syntax error only the full parser sees is reported there too)",
    )
    speed.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the models of unchanged units between runs in DIR (default: trailscan "
        "under the user cache directory, e.g. ~/.cache/trailscan)",
    )
    speed.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache between runs"
    )


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------


def check_paths(paths: list[Path]) -> None:
    """Each explicit path exists and is a regular file or a directory. ``os.stat`` never
    opens the file, so a FIFO or a device is refused without blocking on it."""
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file or directory") from None
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror or exc}") from None
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise UsageError(f"{path}: not a regular file or a directory")


def common_root(paths: list[Path]) -> Path:
    """The directory every path lies in (the working directory when none is given)."""
    if not paths:
        return Path.cwd()
    dirs = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    return Path(os.path.commonpath([str(d) for d in dirs]))


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------


def _inside(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == r or r in resolved.parents for r in roots)


def resolve_config(args: argparse.Namespace) -> Config:
    """The config file (``--config`` or the nearest one above the paths' common root),
    then command-line overrides."""
    paths = list(getattr(args, "paths", None) or [])
    if getattr(args, "config", None) is not None:
        if not args.config.is_file():
            raise ConfigError(f"config file {args.config} does not exist")
        config = load_config(args.config)
    else:
        config = load_config(find_config(common_root(paths)))
    overrides: dict[str, object] = {}
    fail_on = getattr(args, "fail_on", None)
    if fail_on is not None and fail_on != "none":
        overrides["fail_on"] = Severity.parse(fail_on)
    return replace(config, **overrides) if overrides else config


def trusted_policy_dirs(args: argparse.Namespace, config: Config) -> tuple[Path, ...]:
    """``--policies-dir`` always; the config's ``policies_dirs`` only from a ``--config``
    file outside every scanned path. A pull request must not be able to make CI run its
    code by committing a ``.trailscan.toml`` that names a directory of Python."""
    dirs = list(getattr(args, "policies_dir", []) or [])
    if config.policies_dirs:
        scanned = [p.resolve() for p in (args.paths or [Path(".")])]
        source = Path(config.source) if config.source else None
        given = getattr(args, "config", None) is not None
        if source is not None and given and not _inside(source, scanned):
            dirs += [source.parent / d for d in config.policies_dirs]
        else:
            where = config.source or "the configuration"
            print(
                f"trailscan: warning: ignoring policies_dirs in {where}: custom policies run "
                "Python, so they load only from --policies-dir or a --config file outside the "
                "scanned paths",
                file=sys.stderr,
            )
    # Absolute, so that `trailscan diff` (which also scans a temporary worktree) and any
    # later change of directory load the same files.
    return tuple(d.resolve() for d in dirs)


def load_catalogue(policy_dirs: tuple[Path, ...]) -> tuple[PolicySpec, ...]:
    try:
        return load_policies(extra_dirs=policy_dirs)
    except PolicyLoadError as exc:
        raise UsageError(str(exc)) from None


def _check_selectors(catalogue: tuple[PolicySpec, ...], where: str, selectors: list[str]) -> None:
    bad = unknown_selectors(catalogue, selectors)
    if bad:
        raise UsageError(
            f"{where}: unknown policy id or prefix {', '.join(bad)} (see `trailscan list`)"
        )


def scan_options_from_args(args: argparse.Namespace, config: Config) -> ScanOptions:
    paths = list(args.paths or [])
    check_paths(paths)
    for path in [*args.var_file, *args.parameter_file]:
        if not path.is_file():
            raise UsageError(f"{path}: file does not exist")
    if args.baseline is not None and not args.baseline.is_file():
        raise UsageError(f"baseline {args.baseline} does not exist")
    if args.cfn_lint and importlib.util.find_spec("cfnlint") is None:
        raise UsageError(
            "--cfn-lint needs cfn-lint, which is not installed: pip install 'trailscan[cfn-lint]'"
        )
    policy_dirs = trusted_policy_dirs(args, config)
    catalogue = load_catalogue(policy_dirs)
    select = [i for group in args.select for i in group]
    ignore = [i for group in args.ignore for i in group]
    _check_selectors(catalogue, "--select", select)
    _check_selectors(catalogue, "--ignore", ignore)
    _check_selectors(catalogue, f"{config.source or 'config'}: select", list(config.select))
    _check_selectors(catalogue, f"{config.source or 'config'}: ignore", list(config.ignore))
    if getattr(args, "checkov_config", None) is not None:
        try:
            ignore += read_skip_checks(args.checkov_config, catalogue)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return ScanOptions(
        paths=tuple(paths or [Path(".")]),
        root=args.root,
        variables=tuple(args.var),
        var_files=tuple(args.var_file),
        parameters=tuple(args.parameter),
        parameter_files=tuple(args.parameter_file),
        select=tuple(select),
        ignore=tuple(ignore),
        strict=args.strict,
        debug=args.debug,
        cfn_lint=args.cfn_lint,
        baseline=args.baseline,
        config=config,
        policy_dirs=policy_dirs,
        exclude=tuple(getattr(args, "exclude", []) or []),
        gitignore=not getattr(args, "no_gitignore", False),
        changed_files=bool(getattr(args, "changed_files", False)),
        prefilter=not getattr(args, "no_prefilter", False),
        jobs=getattr(args, "jobs", None),
        cache_dir=None if getattr(args, "no_cache", False) else (
            getattr(args, "cache_dir", None) or user_cache_dir()
        ),
    )


def console_format(args: argparse.Namespace) -> str | None:
    """The format printed on stdout: ``--format``, or the one ``-o FORMAT=-`` sends there
    (``None``: stdout gets nothing but that)."""
    to_stdout = [fmt for fmt, path in args.output if path == STDOUT]
    if len(to_stdout) > 1 or (to_stdout and args.format is not None):
        raise UsageError("only one report can go to stdout (--format, or one -o FORMAT=-)")
    if to_stdout:
        return None
    return args.format or "text"
