"""CloudFormation front end: templates (plain, SAM, CDK-synthesised) to model records.

Public API used by discovery and the scan driver; everything else in this package is an
implementation detail.
"""

from __future__ import annotations

from scanner.lifetime import for_good

with for_good():  # the front end's modules (and PyYAML) live as long as the process
    from scanner.parsers.cloudformation.cfnlint_adapter import run_cfn_lint
    from scanner.parsers.cloudformation.loader import load_cloudformation, looks_like_template
    from scanner.parsers.cloudformation.nesting import (
        NestedStack,
        NestedStacks,
        may_nest_stacks,
        nested_stacks,
    )

__all__ = [
    "NestedStack",
    "NestedStacks",
    "load_cloudformation",
    "looks_like_template",
    "may_nest_stacks",
    "nested_stacks",
    "run_cfn_lint",
]
