"""Load one Terraform root module directory: its variables (tfvars, --var-file, --var),
its modules, and the model records they define."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from scanner.limits import Limits
from scanner.model import Model, ParseProblem, Span, Unit
from scanner.parsers.common import read_text
from scanner.parsers.terraform.expressions import Evaluator, Scope
from scanner.parsers.terraform.hcl import read_source
from scanner.parsers.terraform.module import Loader, ModuleInstance
from scanner.parsers.terraform.resources import Mapper
from scanner.parsers.terraform.templates import parse_expression
from scanner.parsers.terraform.values import UnknownValue

__all__ = ["load_terraform"]

Value = Any


def _tfvars_files(unit_dir: Path) -> list[Path]:
    """terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) lexically."""
    out = [unit_dir / "terraform.tfvars", unit_dir / "terraform.tfvars.json"]
    autos = sorted(
        p for p in unit_dir.iterdir()
        if p.is_file() and (p.name.endswith(".auto.tfvars") or p.name.endswith(".auto.tfvars.json"))
    ) if unit_dir.is_dir() else []
    return [p for p in out if p.is_file()] + autos


def _read_tfvars(loader: Loader, path: Path) -> dict[str, Value]:
    rel = loader.rel(path)
    if path.name.endswith(".json"):
        text, why = read_text(path, loader.limits.max_file_bytes)
        if text is None:
            loader.problem(Span(path=rel), why)
            return {}
        try:
            data = json.loads(text)
        except ValueError as exc:
            loader.problem(Span(path=rel), f"cannot read variables file: {exc}")
            return {}
        if not isinstance(data, dict):
            loader.problem(Span(path=rel), "variables file is not a JSON object")
            return {}
        return data
    parsed = read_source(path, rel, loader.limits.max_file_bytes)
    if isinstance(parsed, ParseProblem):
        loader.problem(parsed.span, parsed.message)
        return {}
    return {
        name: loader.eval_attr(attribute, Scope())
        for name, attribute in parsed.body.attributes.items()
    }


def _cli_value(text: str) -> Value:
    """``--var k=v``: an HCL literal if it is one, else the raw string."""
    try:
        node = parse_expression(text)
    except Exception:  # noqa: BLE001 - anything unparsable is a plain string
        return text
    value = Evaluator(max_depth=200).evaluate(node, Scope())
    return text if isinstance(value, UnknownValue) else value


def _root_variables(
    loader: Loader,
    unit_dir: Path,
    variables: dict[str, str] | None,
    var_files: list[Path] | None,
) -> dict[str, Callable[[], Value]]:
    values: dict[str, Value] = {}
    for path in _tfvars_files(unit_dir):
        if not loader.inside_root(path):
            # A symlinked variables file pointing out of the scan root is never read; the
            # user's own --var-file below is read wherever it is.
            where = f"{loader.rel(unit_dir)}/{path.name}".removeprefix("./")
            loader.problem(Span(path=where), "symlink points outside the scanned root; not read")
            continue
        values.update(_read_tfvars(loader, path))
    for path in var_files or []:
        if not path.is_file():
            loader.problem(Span(path=path.as_posix()), f"variables file {path} not found")
            continue
        values.update(_read_tfvars(loader, path))
    for key, text in (variables or {}).items():
        values[key] = _cli_value(text)
    return {name: (lambda v=value: v) for name, value in values.items()}


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
    # Lazy evaluation recurses once per reference hop; the hop count is bounded by
    # MAX_REFERENCE_DEPTH and max_nesting_depth, which needs more than the default stack.
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        return _load(unit_dir, root, variables, var_files, limits)
    finally:
        sys.setrecursionlimit(old_limit)


_RECURSION_LIMIT = 12000


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
        thunks = _root_variables(loader, unit_dir, variables, var_files)
        known = {k: v for k, v in thunks.items() if k in source.variables}
        top = ModuleInstance(loader, source, "", known, chain=(source.directory,))
        instances = loader.walk(top)
        unit = Unit(id=unit_id, format="terraform", files=tuple(sorted(loader.files_read)))
        model = Mapper(unit_id, instances).model(unit, ())
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
