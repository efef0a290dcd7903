"""Terraform front end: one root module directory (with its local modules) → ``Model``.

Values are resolved the way ``terraform plan`` would before talking to AWS: variables
(defaults < terraform.tfvars < *.auto.tfvars < --var-file < --var), locals, functions,
references, count/for_each and local modules. What only apply can know stays UNKNOWN.

The pipeline, one module per step: ``loader`` reads files and variables, ``instance``
expands modules and resources, ``references`` finds what each one depends on, and
``records`` maps the instances onto model records. ``load_terraform`` below runs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scanner.lifetime import for_good

if TYPE_CHECKING:
    from scanner.parsers.terraform.front_end import ParseCache, load_terraform, load_terraform_unread

__all__ = ["ParseCache", "load_terraform", "load_terraform_unread"]


def __getattr__(name: str) -> object:
    """The front end is imported on first use: the relevance pre-pass and discovery read
    the outline module of this package without loading lark and the evaluator (a scan
    whose every unit comes from the cache never needs them)."""
    if name in __all__:
        with for_good():  # its modules live as long as the process
            from scanner.parsers.terraform import front_end

        value = getattr(front_end, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
