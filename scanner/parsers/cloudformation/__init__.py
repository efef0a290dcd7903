"""CloudFormation front end: templates (plain, SAM, CDK-synthesised) to model records.

Public API used by discovery and the scan driver; everything else in this package is an
implementation detail. The content sniffs (``sniff``) are light; the rest of the front end
(and PyYAML) is imported on first use, so a run whose templates all come from the cache,
or that has none, never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scanner.lifetime import for_good
from scanner.parsers.cloudformation.sniff import looks_like_template, may_nest_stacks

if TYPE_CHECKING:
    from scanner.parsers.cloudformation.cfnlint_adapter import run_cfn_lint
    from scanner.parsers.cloudformation.loader import load_cloudformation
    from scanner.parsers.cloudformation.nesting import NestedStack, NestedStacks, nested_stacks

__all__ = [
    "NestedStack",
    "NestedStacks",
    "load_cloudformation",
    "looks_like_template",
    "may_nest_stacks",
    "nested_stacks",
    "run_cfn_lint",
]

# Where each name imported on first use lives.
_LAZY = {
    "run_cfn_lint": "cfnlint_adapter",
    "load_cloudformation": "loader",
    "NestedStack": "nesting",
    "NestedStacks": "nesting",
    "nested_stacks": "nesting",
}


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    with for_good():  # the front end's modules (and PyYAML) live as long as the process
        module = importlib.import_module(f"{__name__}.{module_name}")
    value = getattr(module, name)
    globals()[name] = value
    return value
