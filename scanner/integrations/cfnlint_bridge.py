"""Run trailscan on the template cfn-lint is checking, once per file.

cfn-lint asks every rule about every template; trailscan answers for all its policies at
once, so the first rule to ask runs the scan (the same ``run_scan`` as ``trailscan FILE``,
with the configuration trailscan would find for that file, suppressions included) and the
others read the cached findings. Only findings located in that file are reported to
cfn-lint; an account-level finding with no line of its own goes to line 1.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from scanner.config import find_config, load_config
from scanner.engine import all_specs, load_policies
from scanner.integrations import cfnlint_rule_id
from scanner.model import PARSE_ERROR
from scanner.options import ScanOptions
from scanner.policy import PolicySpec
from scanner.scan import run_scan
from scanner.valueclass import ValueObject, value_class


@value_class()
class Match(ValueObject):
    """One trailscan finding, in cfn-lint's terms (0-based location)."""

    rule_id: str
    message: str
    location: tuple[int, int, int, int]


def rule_specs() -> tuple[PolicySpec, ...]:
    """The ids cfn-lint gets a rule for: every policy that checks CloudFormation, and the
    engine's own ids except CT901 (cfn-lint reports a template it cannot parse itself)."""
    return tuple(
        s for s in all_specs(load_policies()) if "cloudformation" in s.formats and s.id != PARSE_ERROR
    )


_CACHE: dict[tuple[str, int, int], tuple[Match, ...]] = {}


def matches_for(filename: str | None) -> tuple[Match, ...]:
    if not filename or not os.path.isfile(filename):
        return ()
    path = Path(filename).resolve()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        _CACHE[key] = tuple(_scan(path))
    return _CACHE[key]


def _scan(path: Path) -> list[Match]:
    config = load_config(find_config(path))
    result = run_scan(ScanOptions(paths=(path,), root=path.parent, config=config))
    out = []
    for finding in result.active():
        if finding.id == PARSE_ERROR or finding.span.path not in (path.name, "."):
            continue
        span = finding.span
        line = span.line if span.path == path.name else 1
        end_line = max(span.end_line, line) if span.path == path.name else 1
        column = span.column if span.path == path.name else 1
        end_column = span.end_column if span.end_column > 0 and span.path == path.name else column
        out.append(
            Match(
                rule_id=cfnlint_rule_id(finding.id),
                message=f"{finding.id} {_one_line(finding.message)} ({finding.resource})",
                location=(line - 1, column - 1, end_line - 1, end_column - 1),
            )
        )
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def rule_table(specs: Sequence[PolicySpec]) -> list[tuple[str, str, str]]:
    """(cfn-lint id, trailscan id, title) for the documentation."""
    return [(cfnlint_rule_id(s.id), s.id, s.title) for s in specs]
