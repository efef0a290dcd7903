"""One unit loaded, the same way in the scanning process and in a worker.

A ``Job`` names the unit (its kind, its path, the input layers it is given); ``Inputs`` is
everything else a unit's model depends on besides the files it reads (the same for the
whole run). ``run_job`` loads it with every read
recorded, so the caller can store the model in the cache between runs, and turns a front
end that raises into the unit's CT901 (never the scan's end).
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from pathlib import Path
from typing import Any

from scanner.limits import Limits
from scanner.model import Model, ParseProblem, Span
from scanner.parsers.common import InputLayer, relpath
from scanner.parsers.reads import Reads, recording
from scanner.valueclass import ValueObject, value_class

# Kinds of job.
TERRAFORM = "terraform"  # a root module, parsed and evaluated
TERRAFORM_UNREAD = "terraform-unread"  # a root module the pre-pass found nothing in
PLAN = "terraform-plan"
CLOUDFORMATION = "cloudformation"


@value_class(kw_only=True)
class Inputs(ValueObject):
    """What changes a unit's model besides the files it reads and its own input layers
    (``Job.layers``): the same for every unit of a run. A new run-wide input is a new
    field here; the cache key (``cache.unit_key``) is derived from every field."""

    root: Path
    limits: Limits = field(default_factory=Limits)


@value_class()
class Job(ValueObject):
    """One unit to load: its kind, its path, and what it is given from outside its own
    files (``InputLayer``: the configuration's ``inputs`` that match it, then the command
    line; a Terraform unit's variables, a template's parameters; none for a plan). The
    layers are part of the unit's cache key, so two runs that give a unit different
    inputs never share its entry."""

    kind: str
    path: Path
    layers: tuple[InputLayer, ...] = ()


@value_class(frozen=False)
class Outcome(ValueObject):
    """A loaded unit: its model (``None``: a template that is not CloudFormation), the
    reads behind it, and whether it may be cached (not after a front end crashed)."""

    model: Model | None
    reads: Reads
    cacheable: bool = True


def plain_data(value: object) -> object:
    """``value`` (inputs, a job, their fields) as plain data, field by field, paths made
    absolute (for the cache key)."""
    if isinstance(value, Path):
        return str(value.absolute())
    if isinstance(value, tuple):
        return [plain_data(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def inputs_data(inputs: Inputs) -> dict[str, Any]:
    """``inputs`` as plain data, field by field (for the cache key)."""
    return {f.name: plain_data(getattr(inputs, f.name)) for f in dataclasses.fields(inputs)}


class Loaders:
    """The front ends, imported on first use, and what a process shares between units:
    the Terraform parse results (a module called by many roots is parsed once)."""

    def __init__(self) -> None:
        self._parses: Any = None
        self._ready = False

    def load(self, job: Job, inputs: Inputs) -> Model | None:
        if job.kind == TERRAFORM:
            from scanner.parsers import terraform

            if self._parses is None:
                self._parses = terraform.ParseCache()
            return terraform.load_terraform(
                job.path, inputs.root, layers=job.layers, limits=inputs.limits, parses=self._parses,
            )
        if job.kind == TERRAFORM_UNREAD:
            from scanner.parsers import terraform

            return terraform.load_terraform_unread(
                job.path, inputs.root, layers=job.layers, limits=inputs.limits,
            )
        if job.kind == PLAN:
            from scanner.parsers import plan

            return plan.load_plan(job.path, inputs.root, limits=inputs.limits)
        if job.kind == CLOUDFORMATION:
            from scanner.parsers import cloudformation

            return cloudformation.load_cloudformation(
                job.path, inputs.root, layers=job.layers, limits=inputs.limits,
            )
        raise ValueError(f"unknown job kind {job.kind!r}")

    def ready_terraform(self) -> None:
        """Pay the Terraform parser's fixed costs ahead of the first root
        (``terraform.ready_parser``), once."""
        if self._ready:
            return
        self._ready = True
        try:
            from scanner.parsers import terraform

            terraform.ready_parser()
        except Exception:  # noqa: BLE001 - ahead of need only: a root's own load meets and reports it
            return

    @property
    def parses(self) -> Any:  # noqa: ANN401 - the Terraform front end's ParseCache
        return self._parses


def run_job(
    job: Job, inputs: Inputs, loaders: Loaders, *, debug: bool = False, record: bool = True
) -> Outcome:
    """Load one unit; a front end that raises costs the unit a CT901, never the scan.
    ``record``: note what it reads (for the cache; fingerprinting every file costs)."""
    reads = Reads(max_bytes=inputs.limits.max_file_bytes)
    try:
        if not record:
            return Outcome(loaders.load(job, inputs), reads, cacheable=False)
        with recording(reads):
            return Outcome(loaders.load(job, inputs), reads)
    except Exception as exc:  # never lose the rest of the scan
        problem = crash_problem(job.path, inputs.root, exc, debug)
        return Outcome(Model(problems=(problem,)), reads, cacheable=False)


def crash_problem(path: Path, root: Path, exc: BaseException | str, debug: bool) -> ParseProblem:
    """The CT901 of a unit whose front end raised: the file is named, never skipped."""
    if isinstance(exc, str):
        detail = exc
    elif debug:
        import traceback  # only for --debug: a run that never crashes does not pay for it

        detail = "".join(traceback.format_exception(exc))
    else:
        detail = f"{type(exc).__name__}: {exc}"
    return ParseProblem(
        span=Span(path=relpath(path, root)),
        message=f"internal parser error, file not checked: {detail}".strip(),
    )
