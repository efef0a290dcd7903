"""One scan, end to end: discover, parse into units, group into accounts, evaluate.

This module owns the order of the pipeline and its failure isolation: a parser that
raises on one unit costs that unit a CT901 finding, never the scan; a policy that raises
costs that policy a CT900 finding (see ``scanner.engine``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from scanner import __version__, suppressions
from scanner.config import Config, matches_unit
from scanner.discovery import Ignores, discover, search_root
from scanner.engine import evaluate, load_policies, problem_findings, select_policies
from scanner.external_trails import every_external_trail_record, external_trail_records
from scanner.model import INTERNAL_ERROR, Model, Severity, Unit
from scanner.options import ScanOptions, scan_root
from scanner.parsers import InputLayer, UnitInputs, load_units
from scanner.parsers.common import relpath
from scanner.parsers.paths import resolving_once
from scanner.parsers.reads import listings_seen
from scanner.results import EngineResult, Evaluation, FileSummary, Finding, ScanResult, Status


def _account_of(unit_id: str, config: Config) -> str:
    if config.accounts == "per-unit":
        return unit_id
    if isinstance(config.accounts, dict):
        for name, globs in config.accounts.items():
            if matches_unit(unit_id, globs):
                return name
    return "default"


def group_accounts(models: list[Model], config: Config) -> dict[str, list[Model]]:
    groups: dict[str, list[Model]] = {}
    for model in models:
        unit_id = model.units[0].id if model.units else (
            model.problems[0].span.path if model.problems else "."
        )
        groups.setdefault(_account_of(unit_id, config), []).append(model)
    return dict(sorted(groups.items()))


def _cfn_lint_findings(templates: list[Path], root: Path) -> list[Finding]:
    from scanner.parsers.cloudformation import run_cfn_lint

    severity = {"error": Severity.HIGH, "warning": Severity.MEDIUM}
    out = []
    for rule_id, level, span, message in run_cfn_lint(templates, root):
        out.append(
            Finding(
                id=rule_id,
                name="cfn-lint",
                severity=severity.get(level, Severity.LOW),
                title=f"cfn-lint {rule_id}",
                message=message,
                resource=span.path,
                span=span,
                fix="See the cfn-lint rule documentation for this id.",
            )
        )
    return out


def _mark_suppressed(evaluations: list[Evaluation], findings: list[Finding]) -> list[Evaluation]:
    """A failed evaluation whose findings are all suppressed (inline, config or baseline)
    reads ``suppressed``, so the evaluations tell the same story as the findings."""
    active = {(f.id, f.account, f.resource) for f in findings if not f.suppressed}
    hidden = {(f.id, f.account, f.resource) for f in findings if f.suppressed}
    out = []
    for e in evaluations:
        key = (e.policy, e.account, e.subject)
        if e.status is Status.FAIL and key in hidden and key not in active:
            e = replace(e, status=Status.SUPPRESSED)
        out.append(e)
    return out


def _touches(finding: Finding, files: set[str]) -> bool:
    """A finding located in one of ``files`` or naming one as a related location; a
    policy that crashed (CT900) is kept: its verdict is missing for the files too."""
    return (
        finding.span.path in files
        or any(r.span.path in files for r in finding.related)
        or finding.id == INTERNAL_ERROR
    )


def _changed_sources(changed: list[Path], root: Path, units: list[Unit]) -> set[str]:
    """The files whose findings a changed-files run reports: the changed files, and every
    file of a Terraform plan unit whose plan changed (the plan holds the values behind all
    of that unit's findings, which point at the ``.tf`` lines they come from)."""
    wanted = {relpath(p, root) for p in changed}
    for unit in units:
        if unit.format == "terraform-plan" and unit.id in wanted:
            wanted.update(unit.files)
    return wanted


def unit_inputs(
    units: list[Path], root: Path, config: Config, options: ScanOptions
) -> dict[Path, UnitInputs]:
    """The one place that decides what each unit is given from outside its own files.

    In order of precedence, lowest first: every ``[[inputs]]`` entry of the configuration
    whose ``paths`` match the unit's id (its directory or template, relative to the scan
    root; matched like ``accounts``), in the order the entries are written, each its files
    then its values (files relative to the configuration file); then the command line
    (``--var-file``, ``--var``; ``--parameter-file``, ``--parameter``) for every unit.
    Terraform reads its own ``terraform.tfvars`` and ``*.auto.tfvars`` below all of these.
    """
    name = Path(config.source).name if config.source else "the configuration"
    base = Path(config.source).parent if config.source else root
    command_line_tf = InputLayer("command line", files=options.var_files, values=options.variables)
    command_line_cfn = InputLayer(
        "command line", files=options.parameter_files, values=options.parameters
    )
    layers: list[tuple[InputLayer, InputLayer]] = [
        (
            InputLayer(f"inputs[{i}] in {name}", files=tuple(base / f for f in entry.var_files),
                       values=entry.variables, typed=True),
            InputLayer(f"inputs[{i}] in {name}", files=tuple(base / f for f in entry.parameter_files),
                       values=entry.parameters),
        )
        for i, entry in enumerate(config.inputs)
    ]
    # What a unit no ``[[inputs]]`` entry matches is given (one value for all of them).
    command_line_only = UnitInputs(terraform=(command_line_tf,), cloudformation=(command_line_cfn,))
    out: dict[Path, UnitInputs] = {}
    for unit in units:
        if not config.inputs:
            out[unit] = command_line_only
            continue
        unit_id = relpath(unit, root)
        matched = [pair for pair, entry in zip(layers, config.inputs, strict=True) if entry.matches(unit_id)]
        out[unit] = UnitInputs(
            terraform=(*(tf for tf, _ in matched), command_line_tf),
            cloudformation=(*(cfn for _, cfn in matched), command_line_cfn),
        )
    return out


class Progress(Protocol):
    """Told how far the parsing has come (the CLI's terminal line; see ``scanner.cli.progress``)."""

    def start(self, total: int) -> None: ...

    def advance(self, files: int) -> None: ...

    def finish(self) -> None: ...


def _unit_sizes(terraform_dirs: list[Path], templates: list[Path]) -> dict[Path, int]:
    """Files per unit, for the progress line: a root's own ``.tf``/``.tf.json`` files (its
    local modules are parsed with it, not counted) and one per template."""
    sizes: dict[Path, int] = dict.fromkeys(templates, 1)
    for directory in terraform_dirs:
        try:
            with os.scandir(directory) as entries:
                count = sum(1 for e in entries if e.name.endswith((".tf", ".tf.json")))
        except OSError:
            count = 0
        sizes[directory] = max(1, count)
    return sizes


@contextlib.contextmanager
def _permanent_objects_frozen() -> Iterator[None]:
    """Keep what exists before the scan out of the cyclic collector's sight during it.

    The collector's full passes re-walk every live object; modules, policies and the
    configuration live as long as the process anyway, and re-walking them was a quarter
    of the collector's time in a 610-file scan. ``gc.freeze`` moves them aside until the
    scan ends (then ``gc.unfreeze``, for callers that go on in the same process).
    Thresholds are left alone: a scan does make cyclic garbage, and collecting it less
    often raised that scan's peak memory by 20 % (every 100,000 allocations) to 150 %
    (every million).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_scan(options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """One scan. ``progress``, when given, hears of every unit parsed and is finished
    before this returns or raises."""
    try:
        # Discovery's listings are kept for the cache's checks (no use without a cache).
        seen = listings_seen() if options.cache_dir is not None else contextlib.nullcontext()
        with _permanent_objects_frozen(), resolving_once(), seen:
            return _run_scan(options, progress)
    finally:
        if progress is not None:
            progress.finish()


def _run_scan(options: ScanOptions, progress: Progress | None) -> ScanResult:
    config = options.config
    changed = list(options.paths) if options.changed_files else None
    if changed is not None:
        # Search the repository around the changed files for the units that load them.
        search = search_root(changed, config.source)
        root = options.root.resolve() if options.root is not None else search
        walk = [search]
    else:
        root = scan_root(options.paths, options.root)
        walk = list(options.paths)
    catalogue = load_policies(extra_dirs=options.policy_dirs)
    specs = select_policies(
        catalogue,
        select=options.select or config.select,
        ignore=(*config.ignore, *options.ignore),
    )

    def sniff(text: str) -> bool:
        from scanner.parsers.cloudformation import looks_like_template

        return looks_like_template(text)

    ignores = Ignores(
        own_dirs=(options.cache_dir,) if options.cache_dir is not None else (),
        exclude=options.exclude,
        config_exclude=config.exclude,
        config_dir=Path(config.source).parent if config.source else None,
        gitignore=options.gitignore,
    )
    found = discover(walk, root, config.limits, sniff, ignores=ignores, changed=changed)
    on_unit = None
    if progress is not None:
        sizes = _unit_sizes(found.terraform_dirs, [*found.templates, *found.plans])
        progress.start(sum(sizes.values()))

        def on_unit(unit: Path) -> None:
            progress.advance(sizes.get(unit, 1))

    config_where = relpath(Path(config.source), root) if config.source else "."
    models, not_ours = load_units(
        found.terraform_dirs,
        found.templates,
        root,
        inputs=unit_inputs([*found.terraform_dirs, *found.templates], root, config, options),
        limits=config.limits,
        debug=options.debug,
        plans=found.plans,
        on_unit=on_unit,
        # A policy of the user's own may read any record, wherever it is: then every
        # root is parsed.
        prefilter=options.prefilter and not options.policy_dirs,
        external_trails=every_external_trail_record(config, config_where),
        jobs=options.jobs,
        cache_dir=options.cache_dir,
    )
    files = FileSummary(not_ours=sorted({*found.not_ours, *not_ours}))

    engine = EngineResult()
    accounts: list[str] = []
    units: list[Unit] = []
    all_models: list[Model] = []
    discovery_problems = Model(problems=tuple(found.problems))
    groups = group_accounts(models, config)
    if found.problems and not groups:
        groups = {"default": []}
    for index, (account, parts) in enumerate(groups.items()):
        extra = [discovery_problems] if index == 0 and found.problems else []
        model = replace(
            Model.merge([*parts, *extra], account=account),
            settings=config.settings,
            external_trails=external_trail_records(config, account, config_where),
        )
        all_models.append(model)
        accounts.append(account)
        units.extend(model.units)
        result = evaluate(specs, model, strict=options.strict, debug=options.debug)
        engine.findings.extend(result.findings)
        engine.findings.extend(problem_findings(model))
        engine.evaluations.extend(result.evaluations)

    if options.cfn_lint and found.templates:
        engine.findings.extend(_cfn_lint_findings(found.templates, root))

    scanned = sorted({f for u in units for f in u.files})
    failed = sorted({p.span.path for m in all_models for p in m.problems})
    files.scanned = [f for f in scanned if f not in failed]
    files.failed = failed

    findings = engine.findings
    stale: list[dict[str, str]] = []
    findings = suppressions.apply(
        findings,
        all_models,
        config,
        today=options.today or _dt.date.today(),
        policy_ids=[s.id for s in specs],
        root=root,
        specs=catalogue,
    )
    baseline_path = options.baseline or (
        (Path(config.source).parent / config.baseline) if config.baseline and config.source else None
    )
    if baseline_path is not None:
        from scanner import baseline as _baseline

        findings, stale = _baseline.apply(
            findings,
            _baseline.load(baseline_path),
            scanned={*files.scanned, *files.failed},
            policy_ids=[s.id for s in specs],
            root=root,
        )

    if changed is not None:
        wanted = _changed_sources(changed, root, units)
        findings = [f for f in findings if _touches(f, wanted)]
    findings = sorted(findings, key=Finding.sort_key)
    evaluations = sorted(_mark_suppressed(engine.evaluations, findings), key=Evaluation.sort_key)
    # Directories with nothing of ours in them are a usage error (exit 2); explicit files
    # that are not ours (a pre-commit run on other files) are simply nothing to do.
    nothing = not units and not files.failed and any(p.is_dir() for p in options.paths)
    return ScanResult(
        root=root,
        version=__version__,
        policies=specs,
        findings=findings,
        evaluations=evaluations,
        files=files,
        units=sorted(units, key=lambda u: u.id),
        accounts=accounts,
        config=config,
        fail_on=config.fail_on,
        stale_baseline=stale,
        nothing_to_scan=nothing,
        models=all_models,
    )
