"""CloudFormation front end: templates (plain, SAM, CDK-synthesised) to model records.

Public API used by discovery and the scan driver; everything else in this package is an
implementation detail. The content sniffs (``sniff``) are light; the rest of the front end
(and PyYAML) is imported on first use, so a run whose templates all come from the cache,
or that has none, never loads it.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from scanner.lifetime import for_good, owns_process
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

    # The front end's modules (and PyYAML) live as long as the process.
    with for_good(), _yaml_reader_pattern_on_first_use():
        module = importlib.import_module(f"{__name__}.{module_name}")
    value = getattr(module, name)
    globals()[name] = value
    return value


# PyYAML's pure-Python reader rejects characters YAML does not allow with this pattern, a
# class of most of Unicode (``yaml.reader.Reader.NON_PRINTABLE``).
_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"


class _PatternOnFirstUse:
    """``re.compile(text)``, compiled the first time one of its methods is asked for."""

    __slots__ = ("_compiled", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the pattern's own attribute
        if self._compiled is None:
            self._compiled = re.compile(self._text)
        return getattr(self._compiled, name)


@contextlib.contextmanager
def _yaml_reader_pattern_on_first_use() -> Iterator[None]:
    """Import PyYAML with that one pattern compiled on first use, in trailscan's own process.

    Compiling it costs 4.5 ms when PyYAML is imported, 4 % of a one-template scan, and only
    the pure-Python reader uses it: trailscan parses with libyaml's (``CSafeLoader``)
    whenever PyYAML has it. While PyYAML is imported, ``re.compile`` of that exact text
    gives a ``_PatternOnFirstUse``; every other pattern is compiled as usual, and the
    reader, if ever used (no libyaml), compiles it at its first check. Only in a process
    that is trailscan's alone (``owns_process``: nothing else imports meanwhile, no other
    thread) and when PyYAML is not imported yet.
    """
    if not owns_process() or "yaml" in sys.modules:
        yield
        return
    real_compile = re.compile

    def compile_pattern(pattern: Any, flags: int = 0) -> Any:  # noqa: ANN401 - as re.compile
        if pattern == _NON_PRINTABLE and flags == 0:
            return _PatternOnFirstUse(pattern)
        return real_compile(pattern, flags)

    re.compile = compile_pattern  # type: ignore[assignment]
    try:
        yield
    finally:
        re.compile = real_compile
