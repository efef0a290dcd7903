"""Run cfn-lint's template validation for ``--cfn-lint``.

cfn-lint sees what trailscan's model deliberately ignores: a misspelt property
(``KmsKeyId`` on a trail) is simply absent to the model, while cfn-lint's schema rules
report it by name (E3002). It is imported here only, inside the function, because the
import alone costs about a second.
"""

from __future__ import annotations

from pathlib import Path

from scanner.model import Span
from scanner.parsers.common import relpath

_LEVELS = {"E": "error", "W": "warning", "I": "informational"}


def run_cfn_lint(paths: list[Path], root: Path) -> list[tuple[str, str, Span, str]]:
    """(rule id, severity, span, message) for every cfn-lint match, sorted.

    A failure of cfn-lint itself (not installed, crashed on a file) never stops the scan:
    it is returned as one entry with the id ``cfn-lint``.
    """
    out: list[tuple[str, str, Span, str]] = []
    try:
        from cfnlint.api import lint_file
    except Exception as exc:  # an absent or broken cfn-lint is a reportable condition
        span = Span(path=relpath(paths[0], root) if paths else ".")
        return [("cfn-lint", "error", span, f"cfn-lint is not available: {exc}")]
    for path in sorted(paths):
        where = relpath(path, root)
        try:
            matches = lint_file(Path(path))
        except (Exception, SystemExit) as exc:  # cfn-lint must not crash the scan
            out.append(("cfn-lint", "error", Span(path=where), f"cfn-lint failed: {exc}"))
            continue
        for match in matches:
            rule_id = str(getattr(match.rule, "id", "") or "cfn-lint")
            level = _LEVELS.get(rule_id[:1], "error")
            span = Span(
                path=where,
                line=int(match.linenumber or 1),
                column=int(match.columnnumber or 1),
                end_line=int(match.linenumberend or 0),
                end_column=int(match.columnnumberend or 0),
            )
            out.append((rule_id, level, span, str(match.message)))
    return sorted(out, key=lambda item: (item[2], item[0], item[3]))
