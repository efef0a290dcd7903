"""trailscan inside the tools teams already run.

``cfnlint_rules/`` is a directory of cfn-lint rules (``cfn-lint --append-rules DIR``;
``trailscan cfn-lint-rules`` prints DIR) that run trailscan's checks on the template cfn-lint
is checking and report each finding as a cfn-lint match. Rule ids are in cfn-lint's range
for custom rules: ``E9`` followed by the three digits of the trailscan id (CT008 → E9008,
CT101 → E9101, CT401 → E9401, CT900 → E9900). Everything here sits above the scan: it
calls trailscan the way the command line does and only translates the result.
"""

from __future__ import annotations

from pathlib import Path


def cfnlint_rules_dir() -> str:
    """The directory to pass to ``cfn-lint --append-rules``."""
    return str(Path(__file__).resolve().parent / "cfnlint_rules")


def cfnlint_rule_id(policy_id: str) -> str:
    """trailscan's id in cfn-lint's custom range: CT008 → E9008."""
    return "E9" + policy_id[-3:]
