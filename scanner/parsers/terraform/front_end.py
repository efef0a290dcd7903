"""Loading one Terraform root module (the pipeline the package docstring describes):
``load_terraform`` runs it; ``load_terraform_unread`` is the model of a root the
relevance pre-pass found nothing in for a policy to read."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from scanner.limits import Limits
from scanner.model import Model, Span, Unit
from scanner.parsers.terraform.instance import ModuleInstance, resource_instances
from scanner.parsers.terraform.loader import Loader, ParseCache, root_variables
from scanner.parsers.terraform.records import build_model

__all__ = ["ParseCache", "load_terraform", "load_terraform_unread"]

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
    parses: ParseCache | None = None,
) -> Model:
    """Load the root module in ``unit_dir``; never raises on bad input. ``parses``: the
    run's parse results, shared by every root that calls the same module."""
    limits = limits or Limits()
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        return _load(unit_dir, root, variables, var_files, limits, parses)
    finally:
        sys.setrecursionlimit(old_limit)


def load_terraform_unread(
    unit_dir: Path,
    root: Path,
    *,
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
    limits: Limits | None = None,
) -> Model:
    """The model of a root module that the relevance pre-pass found to hold nothing a
    policy reads (``scanner.parsers.terraform.relevance``), without parsing its ``.tf``
    files: its unit with every file counted as scanned, and what a full load would report
    besides parsing them -- files linked from outside the root, and its variables files and
    ``--var-file``s, which are read and evaluated exactly as a full load does."""
    limits = limits or Limits()
    loader = Loader(root, unit_dir, limits)
    unit_id = loader.unit_rel
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        loader.module_files(unit_dir.resolve())
        root_variables(loader, unit_dir, variables, var_files)
    except RecursionError:
        loader.problem(Span(path=unit_id), "configuration is nested too deeply to evaluate")
    except Exception as exc:  # noqa: BLE001 - the same isolation as a full load
        loader.problem(
            Span(path=unit_id), f"internal error while evaluating Terraform: "
            f"{type(exc).__name__}: {exc}"
        )
    finally:
        sys.setrecursionlimit(old_limit)
    unit = Unit(id=unit_id, format="terraform", files=tuple(sorted(loader.files_read)))
    return Model(units=(unit,), problems=tuple(loader.problems))


def _load(
    unit_dir: Path,
    root: Path,
    variables: dict[str, str] | None,
    var_files: list[Path] | None,
    limits: Limits,
    parses: ParseCache | None,
) -> Model:
    loader = Loader(root, unit_dir, limits, parses)
    unit_id = loader.unit_rel
    model: Model | None = None
    try:
        source = loader.source(unit_dir)
        thunks = root_variables(loader, unit_dir, variables, var_files)
        known = {k: v for k, v in thunks.items() if k in source.variables}
        top = ModuleInstance(loader, source, "", known, chain=(source.directory,))
        instances = resource_instances(top)
        unit = Unit(id=unit_id, format="terraform", files=tuple(sorted(loader.files_read)),
                    unread_modules=tuple(sorted(set(top.unread))))
        model = build_model(unit, instances)
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
