"""Command line: ``trailscan [scan] PATH...``, ``list``, ``explain ID``, ``baseline``, ``diff``.

Exit codes: 0 clean, 1 blocking findings (at or above ``--fail-on``, or a file that could
not be parsed), 2 usage or configuration error, or nothing scannable. A Python traceback
never reaches the user unless ``--debug``.
"""

from scanner.lifetime import for_good

with for_good():  # the command line's modules live as long as the process
    from scanner.cli.app import build_parser, main
    from scanner.cli.options import UsageError, resolve_config, scan_options_from_args

__all__ = ["UsageError", "build_parser", "main", "resolve_config", "scan_options_from_args"]
