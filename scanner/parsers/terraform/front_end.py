"""Loading one Terraform root module (the pipeline the package docstring describes):
``load_terraform`` runs it; ``load_terraform_unread`` is the model of a root the
relevance pre-pass found nothing in for a policy to read."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from scanner.limits import BudgetExceeded, Limits
from scanner.model import Model, Span, Unit
from scanner.parsers.common import InputLayer, real_path
from scanner.parsers.terraform.instance import ModuleInstance, resource_instances
from scanner.parsers.terraform.loader import Loader, ParseCache, root_variables
from scanner.parsers.terraform.records import build_model
from scanner.parsers.terraform.terragrunt import is_terragrunt_dir, read_terragrunt
from scanner.parsers.terraform.values import UnknownValue

__all__ = ["ParseCache", "load_terraform", "load_terraform_unread"]

# Lazy evaluation recurses once per reference hop; the hop count is bounded by
# MAX_REFERENCE_DEPTH and max_nesting_depth, which needs more than the default stack.
_RECURSION_LIMIT = 12000


def _layers(
    layers: Sequence[InputLayer], variables: dict[str, str] | None, var_files: list[Path] | None
) -> tuple[InputLayer, ...]:
    """``layers`` with ``var_files`` and ``variables``, when given, on top (as the command
    line is)."""
    if var_files or variables:
        return (*layers, InputLayer(source="command line", files=tuple(var_files or ()),
                                    values=tuple((variables or {}).items())))
    return tuple(layers)


def load_terraform(
    unit_dir: Path,
    root: Path,
    *,
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
    layers: Sequence[InputLayer] = (),
    limits: Limits | None = None,
    parses: ParseCache | None = None,
) -> Model:
    """Load the root module in ``unit_dir``; never raises on bad input. ``parses``: the
    run's parse results, shared by every root that calls the same module.

    ``layers`` give the unit's variables in order of precedence (``InputLayer``);
    ``var_files`` and ``variables``, when given, apply after them, as the command line does.
    """
    limits = limits or Limits()
    with _deep_recursion():
        return _load(unit_dir, root, _layers(layers, variables, var_files), limits, parses)


def load_terraform_unread(
    unit_dir: Path,
    root: Path,
    *,
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
    layers: Sequence[InputLayer] = (),
    limits: Limits | None = None,
) -> Model:
    """The model of a root module that the relevance pre-pass found to hold nothing a
    policy reads (``scanner.parsers.terraform.relevance``), without parsing its ``.tf``
    files: its unit with every file counted as scanned, and what a full load would report
    besides parsing them -- files linked from outside the root, and its variables files and
    its input layers' files, which are read and evaluated exactly as a full load does. (A
    ``terragrunt.hcl`` directory is never such a root: the pre-pass finds it relevant.)"""
    limits = limits or Limits()
    loader = Loader(root, unit_dir, limits)
    unit_id = loader.unit_rel
    with _deep_recursion(), _unit_failures(loader):
        loader.module_files(real_path(unit_dir))
        root_variables(loader, [unit_dir], _layers(layers, variables, var_files))
    unit = Unit(id=unit_id, format="terraform", files=tuple(sorted(loader.files_read)))
    return Model(units=(unit,), problems=tuple(loader.problems))


@contextlib.contextmanager
def _deep_recursion() -> Iterator[None]:
    """Lazy evaluation recurses once per reference hop (bounded by MAX_REFERENCE_DEPTH
    and max_nesting_depth), which needs more than Python's default stack."""
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(old_limit)


@contextlib.contextmanager
def _unit_failures(loader: Loader) -> Iterator[None]:
    """What stops a unit's evaluation becomes a CT901 of the unit, never the end of the
    scan: a budget charge outside any expression, nesting beyond the stack, a front-end
    bug."""
    unit = Span(path=loader.unit_rel)
    try:
        yield
    except BudgetExceeded as exc:
        loader.problem(unit, f"{exc.message}; the unit is not checked")
    except RecursionError:
        loader.problem(unit, "configuration is nested too deeply to evaluate")
    except Exception as exc:  # noqa: BLE001 - a front-end bug must not end the scan
        loader.problem(unit, f"internal error while evaluating Terraform: {type(exc).__name__}: {exc}")


def _terragrunt(loader: Loader, unit_dir: Path) -> tuple[Path, dict[str, Any] | UnknownValue, str, list[str]]:
    """(the module Terraform runs, its terragrunt ``inputs``, why the module cannot be
    read ("" when it can), the config files read) for a ``terragrunt.hcl`` directory."""
    found = read_terragrunt(loader, unit_dir)
    lowest: dict[str, Any] | UnknownValue = found.inputs
    if found.inputs_unknown:
        lowest = UnknownValue(f"terragrunt inputs: {found.inputs_unknown}")
    if found.module_dir is not None:
        return found.module_dir, lowest, found.unread, found.files
    if found.unread:
        return unit_dir, lowest, found.unread, found.files
    return unit_dir, lowest, "", found.files  # no source: the directory's own files run


def _load(
    unit_dir: Path,
    root: Path,
    layers: tuple[InputLayer, ...],
    limits: Limits,
    parses: ParseCache | None,
) -> Model:
    loader = Loader(root, unit_dir, limits, parses)
    unit_id = loader.unit_rel
    model: Model | None = None
    with _unit_failures(loader):
        module_dir, lowest, unread, config_files = unit_dir, {}, "", []
        if is_terragrunt_dir(unit_dir):
            module_dir, lowest, unread, config_files = _terragrunt(loader, unit_dir)
        source = loader.source(module_dir)
        if unread and not source.files:
            unit = Unit(id=unit_id, format="terraform",
                        files=tuple(sorted({*loader.files_read, *config_files})),
                        unread_modules=(unread,))
            return Model(units=(unit,), problems=tuple(loader.problems))
        if isinstance(lowest, UnknownValue):
            lowest = dict.fromkeys(source.variables, lowest)
        dirs = [module_dir] if module_dir == unit_dir else [module_dir, unit_dir]
        thunks = root_variables(loader, dirs, layers, lowest)
        known = {k: v for k, v in thunks.items() if k in source.variables}
        top = ModuleInstance(loader, source, "", known, chain=(source.directory,),
                             own_defaults=module_dir == unit_dir)
        # The root's blocks are written, never refused: counted so that fan-out (count,
        # for_each, module calls) is cut once the unit's instances reach the budget.
        loader.budget.add_instances(1 + len(source.resources) + len(source.data))
        instances = resource_instances(top)
        unit = Unit(id=unit_id, format="terraform",
                    files=tuple(sorted({*loader.files_read, *config_files})),
                    unread_modules=tuple(sorted({*top.unread, *([unread] if unread else [])})))
        model = build_model(unit, instances, limits=limits, problem=loader.problem)
    if model is None:
        unit = Unit(id=unit_id, format="terraform", files=tuple(sorted(loader.files_read)))
        model = Model(units=(unit,))
    not_created = tuple(sorted(loader.not_created, key=lambda r: (r.ref, r.span.path, r.span.line)))
    return replace(model, problems=tuple(loader.problems), not_created=not_created)
