"""The front door: parse the command line, dispatch, and turn every error into an exit
code and one line on stderr (with a suggestion when the mistake looks like a typo)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from scanner import __version__
from scanner.cli import commands, workflow
from scanner.cli import fix as fix_command
from scanner.cli.options import UsageError, add_scan_options
from scanner.cli.outputs import OutputError
from scanner.config import ConfigError

COMMANDS = ("scan", "list", "explain", "baseline", "diff", "fix", "cfn-lint-rules", "test-policies")
DESCRIPTION = (
    "Prove statically that the AWS CloudTrail your Terraform and CloudFormation set up is "
    "complete, protected and watched. Without a command, trailscan scans (trailscan PATH... "
    "is trailscan scan PATH...)."
)
EXIT_CODES = (
    "exit codes: 0 no blocking finding; 1 blocking findings at or above --fail-on, or a file "
    "that could not be parsed (CT901); 2 usage or configuration error, or nothing to scan."
)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: ``COLUMNS`` when it is a positive number,
    else the width of the terminal on the standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, with the width it would take (the terminal's, less 2) found
    without ``shutil``: argparse makes a formatter for every option it declares, and its
    ``import shutil`` (with bz2 and lzma) was 2 ms of every run."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class Parser(argparse.ArgumentParser):
    """argparse that reports a mistake as one line (``trailscan: error: ...``, exit 2)
    instead of the usage block, through the same path as every other usage error. Every
    parser (the commands' too: argparse makes them of this class) formats with
    ``_Formatter``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class _HelpWithScanOptions(argparse.Action):
    """``trailscan --help`` shows the commands *and* the options of the default command."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, help="show this help (with the scan options) and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        scan = _subparsers(parser)["scan"]
        text = parser.format_help().rstrip() + "\n\n" + "The scan command (the default):\n\n"
        text += scan.format_help()
        sys.stdout.write(text)
        parser.exit()


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the ``command`` being run, the scan options (some 40,
    declared for ``scan``, ``baseline``, ``diff`` and ``fix``) are declared only for it:
    the other commands are still listed, with their help, but unused options cost every
    run about 2 ms to declare."""
    parser = Parser(prog="trailscan", description=DESCRIPTION, epilog=EXIT_CODES, add_help=False)
    parser.add_argument("-h", "--help", action=_HelpWithScanOptions)
    parser.add_argument("--version", action="version", version=f"trailscan {__version__}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    scan = sub.add_parser(
        "scan",
        help="scan files or directories (the default command)",
        description="Scan Terraform and CloudFormation for CloudTrail problems.",
        epilog=EXIT_CODES,
    )
    if command in (None, "scan"):
        add_scan_options(scan)
    commands.add_commands(sub)
    workflow.add_commands(sub, command)
    fix_command.add_command(sub, command)
    return parser


def _suggest(word: str, options: Sequence[str]) -> str:
    import difflib  # only for a mistake: a run that is right never pays for it

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _looks_like_a_command(word: str) -> bool:
    import difflib  # only for a first argument that is not a path

    return bool(difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.75))


def _normalise_argv(argv: Sequence[str]) -> list[str]:
    """``trailscan PATH`` means ``trailscan scan PATH``; ``trailscan scann .`` is a typo,
    not a path that does not exist."""
    args = list(argv)
    rest = args
    if rest and (rest[0] in COMMANDS or rest[0] in ("-h", "--help", "--version")):
        return args
    first = next((a for a in rest if not a.startswith("-")), None)
    if (
        first is not None
        and first == (rest[0] if rest else None)
        and not os.path.lexists(first)
        and _looks_like_a_command(first)
    ):
        raise UsageError(f"unknown command {first!r}{_suggest(first, COMMANDS)}")
    return ["scan", *rest]


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    args, extra = parser.parse_known_args(argv)
    if extra:
        sub = _subparsers(parser).get(getattr(args, "command", None) or "", parser)
        known = [o for action in sub._actions for o in action.option_strings]
        word = next((e for e in extra if e.startswith("-")), extra[0])
        name = word.split("=", 1)[0]
        if word.startswith("-"):
            raise UsageError(f"unknown option {name!r}{_suggest(name, known)}")
        raise UsageError(f"unexpected argument {word!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        words = _normalise_argv([a for a in argv if a != "--debug"])
        parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
        args = _parse(parser, words)
        args.debug = debug
        if args.command == "fix":
            return fix_command.run(args)
        return commands.dispatch(args)
    except SystemExit as exc:  # argparse: --help or --version
        return int(exc.code) if isinstance(exc.code, int) else 2
    except (ConfigError, UsageError, OutputError) as exc:
        message = " ".join(str(exc).split())
        print(f"trailscan: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("trailscan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last line of defence: no traceback unless --debug
        if debug:
            import traceback  # only on this path: it costs a run that never crashes

            traceback.print_exc()
        else:
            print(
                f"trailscan: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                file=sys.stderr,
            )
        return 2
