"""The front ends' one door: what discovery found → one model per unit.

``load_units`` is the only place that knows there are several formats (Terraform root
modules, Terraform plans, CloudFormation templates). It owns the parsers'
failure isolation: a front end that raises on one unit costs that unit a CT901 finding,
never the scan. The front ends are imported when there is something for them to read, so
a scan of templates alone never loads the HCL parser (and the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scanner.limits import Limits
from scanner.model import Model, Trail
from scanner.parsers.common import InputLayer, UnitInputs, relpath

if TYPE_CHECKING:
    from scanner.parsers.batch.load import LoadStats


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
    prefilter: bool = True,
    external_trails: Sequence[Trail] = (),
    jobs: int | None = 1,
    cache_dir: Path | None = None,
    stats: LoadStats | None = None,
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

    ``prefilter``: leave out of parsing the roots nothing a policy reads (the reports are
    the same; see ``scanner.parsers.terraform.relevance``); ``external_trails`` (the
    configuration's declared trails) name records as the scanned trails do. ``jobs``:
    worker processes (1: everything in this process; ``None``: as many as cores when the
    units are many enough). ``cache_dir``: the cache between runs (``None``: none); a
    unit's entry is keyed by its own ``UnitInputs``. ``stats`` is filled with what was
    loaded, reused from the cache or left unread.
    """
    from scanner.parsers.batch.jobs import Inputs
    from scanner.parsers.batch.load import Options, load_all

    default = UnitInputs(
        terraform=(InputLayer(source="command line", files=tuple(var_files),
                              values=tuple((variables or {}).items())),),
        cloudformation=(InputLayer(source="command line", files=tuple(parameter_files),
                                   values=tuple((parameters or {}).items())),),
    )
    given = inputs or {}
    run_inputs = Inputs(root=root, limits=limits or Limits())
    options = Options(prefilter=prefilter, jobs=jobs, cache_dir=cache_dir, debug=debug,
                      external_trails=tuple(external_trails))
    loaded = load_all(terraform_dirs, plans, templates, run_inputs, options, on_unit, stats,
                      given=lambda unit: given.get(unit, default))
    models: list[Model] = []
    not_ours: list[str] = []
    templates_from = len(terraform_dirs) + len(plans)
    for position, model in enumerate(loaded):
        if model is None:
            not_ours.append(relpath(templates[position - templates_from], root))
        else:
            models.append(model)
    return Units(models, not_ours)


__all__ = ["InputLayer", "UnitInputs", "Units", "load_units"]
