"""Terraform front end: one root module directory (with its local modules) → ``Model``.

Values are resolved the way ``terraform plan`` would before talking to AWS: variables
(defaults < terraform.tfvars < *.auto.tfvars < --var-file < --var), locals, functions,
references, count/for_each and local modules. What only apply can know stays UNKNOWN.

The pipeline, one module per step: ``loader`` reads files and variables, ``instance``
expands modules and resources, ``references`` finds what each one depends on, and
``records`` maps the instances onto model records. ``load_terraform`` below runs it.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from scanner.limits import BudgetExceeded, Limits
from scanner.model import Model, Span, Unit
from scanner.parsers.terraform.instance import ModuleInstance, resource_instances
from scanner.parsers.terraform.loader import Loader, root_variables
from scanner.parsers.terraform.records import build_model

__all__ = ["load_terraform"]

# Lazy evaluation recurses once per reference hop; the hop count is bounded by
# MAX_REFERENCE_DEPTH and max_nesting_depth, which needs more than the default stack.
_RECURSION_LIMIT = 12000


def load_terraform(
    unit_dir: Path,
    root: Path,
    *,
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
    limits: Limits | None = None,
) -> Model:
    """Load the root module in ``unit_dir``; never raises on bad input."""
    limits = limits or Limits()
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        return _load(unit_dir, root, variables, var_files, limits)
    finally:
        sys.setrecursionlimit(old_limit)


def _load(
    unit_dir: Path,
    root: Path,
    variables: dict[str, str] | None,
    var_files: list[Path] | None,
    limits: Limits,
) -> Model:
    loader = Loader(root, unit_dir, limits)
    unit_id = loader.unit_rel
    model: Model | None = None
    try:
        source = loader.source(unit_dir)
        thunks = root_variables(loader, unit_dir, variables, var_files)
        known = {k: v for k, v in thunks.items() if k in source.variables}
        top = ModuleInstance(loader, source, "", known, chain=(source.directory,))
        # The root's blocks are written, never refused: counted so that fan-out (count,
        # for_each, module calls) is cut once the unit's instances reach the budget.
        loader.budget.add_instances(1 + len(source.resources) + len(source.data))
        instances = resource_instances(top)
        unit = Unit(id=unit_id, format="terraform", files=tuple(sorted(loader.files_read)),
                    unread_modules=tuple(sorted(set(top.unread))))
        model = build_model(unit, instances, limits=limits, problem=loader.problem)
    except BudgetExceeded as exc:  # a charge outside any expression: the unit stops here
        loader.problem(Span(path=unit_id), f"{exc.message}; the unit is not checked")
    except RecursionError:
        loader.problem(Span(path=unit_id), "configuration is nested too deeply to evaluate")
    except Exception as exc:  # noqa: BLE001 - a front-end bug must not end the scan
        loader.problem(
            Span(path=unit_id), f"internal error while evaluating Terraform: "
            f"{type(exc).__name__}: {exc}"
        )
    if model is None:
        unit = Unit(id=unit_id, format="terraform", files=tuple(sorted(loader.files_read)))
        model = Model(units=(unit,))
    return replace(model, problems=tuple(loader.problems))
