"""The front ends' one door: what discovery found → one model per unit.

``load_units`` is the only place that knows there are several formats (Terraform root
modules, Terraform plans, CloudFormation templates). It owns the parsers'
failure isolation: a front end that raises on one unit costs that unit a CT901 finding,
never the scan. The front ends are imported when there is something for them to read, so
a scan of templates alone never loads the HCL parser (and the other way round).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from scanner.limits import Limits
from scanner.model import Model, ParseProblem, Span
from scanner.parsers.common import InputLayer, UnitInputs, relpath


class Units(NamedTuple):
    """One model per unit (Terraform roots first, then plans, then templates, each in the
    order given), and the templates that turned out not to be CloudFormation (POSIX paths
    relative to the scan root)."""

    models: list[Model]
    not_ours: list[str]


def load_units(
    terraform_dirs: Sequence[Path],
    templates: Sequence[Path],
    root: Path,
    *,
    inputs: Mapping[Path, UnitInputs] | None = None,
    variables: Mapping[str, str] | None = None,
    var_files: Sequence[Path] = (),
    parameters: Mapping[str, str] | None = None,
    parameter_files: Sequence[Path] = (),
    limits: Limits | None = None,
    debug: bool = False,
    plans: Sequence[Path] = (),
    on_unit: Callable[[Path], None] | None = None,
) -> Units:
    """Load every Terraform root module and every candidate template under ``root``.

    ``inputs`` gives each unit (by its directory or template, as given here) everything it
    is given from outside (``UnitInputs``: the configuration's per-unit inputs and the
    command line, computed in one place by the scan). A unit it does not name gets
    ``variables``/``var_files`` (every Terraform unit) or ``parameters``/``parameter_files``
    (every template). ``plans`` are ``terraform show -json`` files: they carry their own
    values, so no variable applies to them. With ``debug`` a crash's problem carries the
    whole traceback instead of the exception's one line. ``on_unit`` is told of each unit
    (its directory, template or plan) once it is loaded: the progress line counts with it.
    """
    limits = limits or Limits()
    default = UnitInputs(
        terraform=(InputLayer(source="command line", files=tuple(var_files),
                              values=tuple((variables or {}).items())),),
        cloudformation=(InputLayer(source="command line", files=tuple(parameter_files),
                                   values=tuple((parameters or {}).items())),),
    )
    given = inputs or {}
    models: list[Model] = []
    not_ours: list[str] = []
    if terraform_dirs:
        from scanner.parsers.terraform import load_terraform

        for directory in terraform_dirs:
            try:
                models.append(
                    load_terraform(
                        directory,
                        root,
                        layers=given.get(directory, default).terraform,
                        limits=limits,
                    )
                )
            except Exception as exc:  # never lose the rest of the scan
                models.append(Model(problems=(_crash_problem(directory, root, exc, debug),)))
            if on_unit is not None:
                on_unit(directory)
    if plans:
        from scanner.parsers.plan import load_plan

        for plan in plans:
            try:
                models.append(load_plan(plan, root, limits=limits))
            except Exception as exc:  # never lose the rest of the scan
                models.append(Model(problems=(_crash_problem(plan, root, exc, debug),)))
            if on_unit is not None:
                on_unit(plan)
    if templates:
        from scanner.parsers.cloudformation import load_cloudformation

        for template in templates:
            try:
                model = load_cloudformation(
                    template,
                    root,
                    layers=given.get(template, default).cloudformation,
                    limits=limits,
                )
            except Exception as exc:  # never lose the rest of the scan
                model = Model(problems=(_crash_problem(template, root, exc, debug),))
            if model is None:
                not_ours.append(relpath(template, root))
            else:
                models.append(model)
            if on_unit is not None:
                on_unit(template)
    return Units(models, not_ours)


def _crash_problem(path: Path, root: Path, exc: BaseException, debug: bool) -> ParseProblem:
    """The CT901 of a unit whose front end raised: the file is named, never skipped."""
    detail = "".join(traceback.format_exception(exc)) if debug else f"{type(exc).__name__}: {exc}"
    return ParseProblem(
        span=Span(path=relpath(path, root)),
        message=f"internal parser error, file not checked: {detail}".strip(),
    )


__all__ = ["InputLayer", "UnitInputs", "Units", "load_units"]
