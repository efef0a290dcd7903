"""Terraform front end: one root module directory (with its local modules) → ``Model``.

Values are resolved the way ``terraform plan`` would before talking to AWS: variables
(defaults < terraform.tfvars < *.auto.tfvars < --var-file < --var), locals, functions,
references, count/for_each and local modules. What only apply can know stays UNKNOWN.

The pipeline, one module per step: ``loader`` reads files and variables, ``instance``
expands modules and resources, ``references`` finds what each one depends on, and
``records`` maps the instances onto model records. ``load_terraform`` below runs it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.lifetime import for_good, owns_process

if TYPE_CHECKING:
    from scanner.parsers.terraform.front_end import ParseCache, load_terraform, load_terraform_unread

__all__ = ["ParseCache", "load_terraform", "load_terraform_unread", "ready_parser"]

# Items in the shapes most roots use (blocks, nested blocks, strings with and without
# interpolation, numbers, booleans, references, lists, maps): parsing them once compiles
# the lexer patterns of the parser states those shapes pass through.
_READY_TEXT = """\
data "a" "b" {}
resource "c" "d" {
  e = "f"
  g = 1
  h = true
  i = c.d.arn
  j = ["k", "${c.d.l}:*"]
  m {
    n = { o = "p" }
  }
}
"""


def ready_parser() -> None:
    """Pay a first parse's fixed costs now: the front end imported, lark's parse tables
    loaded and the lexer patterns of the common parser states compiled (about 45 ms on
    the benchmark machine, a third of a small scan's parsing). The load calls it while a
    forked copy works on other things, so the first root parsed afterwards costs only
    its own text; it changes no result (lark compiles the same patterns on first use)."""
    __getattr__("load_terraform")  # the front end imported the one way (lark without regex)
    from scanner.parsers.terraform.grammar import parse_hcl

    with for_good():
        parse_hcl(_READY_TEXT)


def __getattr__(name: str) -> object:
    """The front end is imported on first use: the relevance pre-pass and discovery read
    the outline module of this package without loading lark and the evaluator (a scan
    whose every unit comes from the cache never needs them)."""
    if name in __all__ and name != "ready_parser":
        with for_good(), _lark_without_regex():  # its modules live as long as the process
            from scanner.parsers.terraform import front_end

        value = getattr(front_end, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextlib.contextmanager
def _lark_without_regex() -> Iterator[None]:
    """Import lark without its optional ``regex`` module, in trailscan's own process.

    lark imports ``regex`` whenever it is installed (python-hcl2 requires it), 7 ms of a
    one-file scan, and uses it only for grammars given ``regex=True`` or written with
    ``\\p{...}`` classes (which need ``regex=True`` to lex at all). python-hcl2's parser
    uses neither, so it parses the same either way. The import is hidden only while lark
    itself is imported (``regex`` stays importable: cfn-lint, for ``--cfn-lint``, uses it),
    and only in a process that is trailscan's alone: elsewhere another user of lark in
    the same process might want ``regex=True``.
    """
    hide = owns_process() and "lark" not in sys.modules and "regex" not in sys.modules
    if hide:
        sys.modules["regex"] = None  # type: ignore[assignment]  # import regex: ImportError
    try:
        yield
    finally:
        if hide and "regex" in sys.modules and sys.modules["regex"] is None:
            del sys.modules["regex"]
