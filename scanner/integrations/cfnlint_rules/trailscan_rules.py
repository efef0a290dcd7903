"""One cfn-lint rule per trailscan policy (E9008 for CT008, ...), built from the catalogue.

cfn-lint instantiates every ``CloudFormationLintRule`` subclass of this module; each
reports the trailscan findings of its own id for the template being checked (``cfn.filename``),
at trailscan's line and column, with trailscan's id and message.
"""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from scanner.integrations import cfnlint_rule_id
from scanner.integrations.cfnlint_bridge import matches_for, rule_specs
from scanner.policy import PolicySpec


def _rule_class(spec: PolicySpec) -> type[CloudFormationLintRule]:
    rule_id = cfnlint_rule_id(spec.id)

    def match(self: CloudFormationLintRule, cfn: Any) -> list[RuleMatch]:  # noqa: ANN401
        return [
            RuleMatch([], m.message, location=m.location)
            for m in matches_for(getattr(cfn, "filename", None))
            if m.rule_id == rule_id
        ]

    return type(
        f"Trailscan{spec.id}",
        (CloudFormationLintRule,),
        {
            "id": rule_id,
            "shortdesc": f"trailscan {spec.id} {spec.name}",
            "description": f"{spec.title} (trailscan {spec.id}, {spec.severity.name}; "
            f"`trailscan explain {spec.id}`)",
            "source_url": "https://github.com/trailscan/trailscan#policies",
            "tags": ["trailscan", "cloudtrail"],
            "match": match,
            "__module__": __name__,
        },
    )


for _spec in rule_specs():
    globals()[f"Trailscan{_spec.id}"] = _rule_class(_spec)
