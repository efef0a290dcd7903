"""Every unit of a run loaded: what is relevant first, in workers when that pays, from
the cache between runs when the disk has not changed.

The order, and why:

1. The relevance pre-pass (``scanner.parsers.terraform.relevance``) sorts the Terraform
   roots: those a policy reads (``relevant``), those whose buckets, roles or topics only
   matter if something names them (``names``), and those with nothing a policy reads.
2. The relevant roots, the plans and the templates are loaded.
3. Their trails, alarms and rules, and the trails the configuration declares
   (``external_trails``), give the values that can name a record of another unit
   (``naming_values``); a ``names`` root is loaded when one of them could name one of its
   records, and this repeats until no further root is drawn in.
4. Every other root gets the model of an unread unit (``load_terraform_unread``): its
   files, counted as scanned, and the problems a full load would report outside parsing.

A unit's model comes from the cache when its entry's reads still match the disk;
otherwise it is loaded, in the workers when there are enough units for them to pay for
their start, else here. Models are placed by the unit's position, so the result is the
same whichever way each was obtained. ``prefilter=False`` loads every root (step 2 for
all): the reports are the same, except for what only the full parser reports.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.model import Model, Trail, Unit
from scanner.parsers.batch.cache import (
    CACHED_KINDS,
    UnitCache,
    decode_model,
    encode_model,
    store_outcome,
    unit_key,
)
from scanner.parsers.batch.forked import can_fork, reap, share
from scanner.parsers.batch.jobs import (
    CLOUDFORMATION,
    PLAN,
    TERRAFORM,
    TERRAFORM_UNREAD,
    Inputs,
    Job,
    Loaders,
    Outcome,
    crash_problem,
    run_job,
)
from scanner.parsers.common import UnitInputs
from scanner.parsers.reads import Reads, recording
from scanner.valueclass import ValueObject, value_class

if TYPE_CHECKING:
    from scanner.parsers.batch.pool import Workers
    from scanner.parsers.terraform.relevance import Relevance

# The pool pays for its start (a fresh interpreter per worker importing trailscan and
# lark, about 0.2 s of CPU each) when the units to parse hold at least this much text;
# python-hcl2 parses some 0.3 MB a second.
POOL_MIN_BYTES = 384 * 1024
# A forked copy (``forked``) starts in a millisecond: it shares the relevance pre-pass
# from this many roots on (about 0.1 ms each; when there is a cache, once the first
# ``FORK_PROBE_ROOTS`` are found not to be in it), and a load from this much text
# (HCL-equivalent bytes, ``_text_size``), or less when the load mixes Terraform roots with
# templates, plans or unread roots (each process then mostly pays one kind's fixed cost).
FORK_MIN_ROOTS = 64
FORK_PROBE_ROOTS = 8
FORK_MIN_BYTES = 128 * 1024
FORK_MIN_MIXED_BYTES = 16 * 1024


@value_class(frozen=False)
class LoadStats(ValueObject):
    """What a load did, for the tests and ``--debug``: units by how their model was made."""

    loaded: int = 0  # parsed and evaluated (here or in a worker)
    unread: int = 0  # roots the pre-pass found nothing in
    cache_hits: int = 0
    cache_misses: int = 0
    workers: int = 0  # worker processes started
    parsed: int = 0  # Terraform files parsed in this process (each once per run)


@value_class(kw_only=True)
class Options(ValueObject):
    """How units are loaded: pre-pass, workers, cache, debug, and the trails declared outside."""

    prefilter: bool = True
    # Worker processes: 1 loads everything here; None lets the load decide (as many as
    # cores when the work is large enough).
    jobs: int | None = 1
    cache_dir: Path | None = None
    debug: bool = False
    # Trails declared in the configuration (``external_trails``): the pre-pass counts what
    # they name as it counts what the scanned trails name.
    external_trails: tuple[Trail, ...] = ()


class _Run:
    def __init__(self, jobs: list[Job], inputs: Inputs, options: Options,
                 on_unit: Callable[[Path], None] | None, stats: LoadStats) -> None:
        self.jobs = jobs
        self.inputs = inputs
        self.options = options
        self.on_unit = on_unit
        self.stats = stats
        self.outcomes: dict[int, Model | None] = {}
        self.cache = UnitCache(options.cache_dir) if options.cache_dir is not None else None
        self.loaders = Loaders()
        self.max_bytes = inputs.limits.max_file_bytes
        self.workers: Workers | None = None
        self.entries: dict[int, _Entry] = {}
        # Unread models made ahead of need (``load``'s ``spare``), by root.
        self.spare: dict[int, Outcome] = {}
        # Templates and plans loaded by a forked copy during the pre-pass, by unit.
        self.early: dict[int, Outcome] = {}

    # -- one unit ----------------------------------------------------------------------

    def finish(self, index: int, model: Model | None) -> None:
        self.outcomes[index] = model
        if self.on_unit is not None:
            self.on_unit(self.jobs[index].path)

    def cached(self, index: int, job: Job) -> bool:
        """Take the unit's model from the cache when it is there and still valid."""
        if self.cache is None or job.kind not in CACHED_KINDS:
            return False
        found, model = self.cache.get_model(unit_key("model", job, self.inputs), self.max_bytes)
        if found:
            self.stats.cache_hits += 1
            self.finish(index, model)
            return True
        self.stats.cache_misses += 1
        return False

    def done(self, index: int, outcome: Outcome) -> None:
        self.stats.loaded += self.jobs[index].kind != TERRAFORM_UNREAD
        self.finish(index, outcome.model)

    def failed(self, index: int, why: str) -> None:
        job = self.jobs[index]
        problem = crash_problem(job.path, self.inputs.root, why, self.options.debug)
        self.finish(index, Model(problems=(problem,)))

    def load_here(self, index: int) -> None:
        self.done(index, self.outcome(self.jobs[index]))

    # -- many units --------------------------------------------------------------------

    def load(self, indexes: Sequence[int], *, workers: bool = True, unread: Sequence[int] = (),
             spare: Sequence[int] = ()) -> None:
        """Load the units at ``indexes`` (from the cache, in workers or here) and make the
        roots at ``unread`` unread roots (``unread``). When a forked copy takes a share,
        it also makes the unread models of the roots at ``spare`` (roots that will be
        unread unless something names them, ``_load``), kept for ``unread``."""
        todo = []
        for index in indexes:
            made = self.early.pop(index, None)  # loaded by a forked copy during the pre-pass
            if made is not None:
                self.done(index, made)
            elif index not in self.outcomes and not self.cached(index, self.jobs[index]):
                todo.append(index)
        pool = self._pool(todo) if workers else None
        if pool is not None:
            left = pool.run([(i, self.jobs[i]) for i in todo], self.done, self.failed)
            self.stats.workers = pool.started
            todo = sorted(i for i, _ in left)
        unread_todo = self.unread_jobs(unread)
        items = [(i, self.jobs[i]) for i in (*todo, *unread_todo)]
        wanted = [i for i in spare if self.entries[i].unread is None]
        if not self._worth_forking([job for _, job in items], len(wanted)):
            for index in todo:
                self.load_here(index)
            for index in unread_todo:
                self.finish_unread(index, self.outcome(self.jobs[index]))
            return
        extra = [(i, dataclasses.replace(self.jobs[i], kind=TERRAFORM_UNREAD)) for i in wanted]
        outcomes = share([*items, *extra], lambda item: self.outcome(item[1]), _outcome_data,
                         lambda data: _outcome_from_data(data, self.max_bytes),
                         theirs=[job.kind != TERRAFORM for _, job in (*items, *extra)])
        made_unread, loading = set(unread_todo), set(todo)
        for (index, _), outcome in zip([*items, *extra], outcomes, strict=True):
            if index in made_unread:
                self.finish_unread(index, outcome)
            elif index in loading:
                self.done(index, outcome)
            else:
                self.spare[index] = outcome

    def outcome(self, job: Job) -> Outcome:
        """Load one unit and write its cache entry (here or in a forked copy)."""
        outcome = run_job(job, self.inputs, self.loaders, debug=self.options.debug,
                          record=self.cache is not None)
        store_outcome(self.options.cache_dir, job, self.inputs, outcome)
        return outcome

    def _worth_forking(self, jobs: Sequence[Job], spare: int = 0) -> bool:
        """Whether loading ``jobs`` and making ``spare`` unread models ahead of need (the
        roots that will be unread unless something names them) pays for a forked copy:
        enough text, less when the jobs mix Terraform roots with templates, plans or
        unread roots (each process then mostly pays one kind's fixed cost: lark's parse
        tables, or PyYAML and the CloudFormation front end)."""
        if len(jobs) + spare < 2 or not jobs or not can_fork(self.options.jobs):
            return False
        others = [job.kind != TERRAFORM for job in jobs]
        size = _text_size(jobs) + spare * _UNREAD_WEIGHT
        if (any(others) or spare) and not all(others):
            return size >= FORK_MIN_MIXED_BYTES
        return size >= FORK_MIN_BYTES

    def _pool(self, todo: Sequence[int]) -> Workers | None:
        """The run's workers, started when these units are worth them."""
        if self.workers is not None:
            return self.workers if len(todo) >= 2 else None
        wanted = self.options.jobs
        if len(todo) < 2 or wanted == 1:
            return None
        from scanner.parsers.batch.pool import Setup, Workers, default_jobs

        if wanted is None:
            if _text_size(self.jobs[i] for i in todo) < POOL_MIN_BYTES:
                return None
            wanted = default_jobs()
        count = min(wanted, len(todo))
        if count < 2:
            return None
        self.workers = Workers(count, Setup(self.inputs, self.options.debug, self.options.cache_dir))
        return self.workers

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()

    # -- the relevance pre-pass -----------------------------------------------------------
    #
    # A root's relevance and, once known, the model of the root unread are kept in one
    # cache entry (one file to check per root that is not parsed), written once the run
    # knows which of the two it needs.

    def relevance_key(self, index: int) -> str:
        """The root's relevance entry: keyed like its model (its input layers included,
        since the entry also holds the model of the root unread, whose variables files
        those layers name)."""
        job = self.jobs[index]
        if job.kind != TERRAFORM:  # made an unread root since
            job = dataclasses.replace(job, kind=TERRAFORM)
        return unit_key("relevance", job, self.inputs)

    def relevance(self, index: int) -> Relevance:
        """The root's relevance: from the cache, or read now."""
        entry = self.entries[index] = self.relevance_entry(index)
        return entry.relevance

    def relevance_entry(self, index: int) -> _Entry:
        """The root's relevance entry, from the cache or read now (nothing stored: a
        forked copy computes some of them, ``relevances``)."""
        from scanner.parsers.terraform.relevance import Relevance, unit_relevance

        job = self.jobs[index]
        if self.cache is not None:
            found = self.cache.get(self.relevance_key(index), self.max_bytes)
            if found is not None and isinstance(found[0], dict):
                try:
                    relevance = Relevance.from_data(found[0].get("relevance"))
                    return _Entry(relevance, Reads(max_bytes=self.max_bytes), found[0].get("unread"),
                                  fresh=False, raw_reads=found[1])
                except ValueError:
                    pass
        reads = Reads(max_bytes=self.max_bytes)
        if self.cache is None:
            relevance = unit_relevance(job.path, self.inputs.root, self.max_bytes)
        else:
            with recording(reads):
                relevance = unit_relevance(job.path, self.inputs.root, self.max_bytes)
        return _Entry(relevance, reads, None, fresh=True)

    def relevances(self, roots: Sequence[int], others: Sequence[int] = ()) -> dict[int, Relevance]:
        """Every root's relevance. The first few are read here: when they come from the
        cache, the rest most likely do too, and checking an entry costs less than sending
        it back from a forked copy would. When the outlines must be made and there are
        enough of them, a forked copy makes part of them (``_relevances_forked``)."""
        probe = FORK_PROBE_ROOTS if self.cache is not None else 0  # without a cache, nothing to probe
        head, rest = roots[:probe], roots[probe:]
        for index in head:
            self.relevance(index)
        from_cache = sum(not self.entries[i].fresh for i in head)
        if len(roots) < FORK_MIN_ROOTS or from_cache * 2 > len(head) or not can_fork(self.options.jobs):
            for index in rest:
                self.relevance(index)
        else:
            self._relevances_forked(head, rest, others)
        return {i: self.entries[i].relevance for i in roots}

    def _relevances_forked(self, head: Sequence[int], rest: Sequence[int], others: Sequence[int]) -> None:
        """The relevance of the roots in ``rest``, shared with a forked copy, which also
        loads ``others`` (the templates and plans, which no relevance changes): they are
        queued for the copy, the roots for this process, which readies the Terraform
        parser (``ready_parser``) from the first relevant root it sees: the parsing that
        follows the pre-pass then starts at once. Each process helps with the other's
        queue once its own is empty."""
        loads = [i for i in others if not self.cached(i, self.jobs[i])]
        tasks = [*((_RELEVANCE, i) for i in rest), *((_LOAD, i) for i in loads)]
        ready = any(self.entries[i].relevance.kind == "relevant" for i in head)
        scanning = os.getpid()

        def task(task: tuple[str, int]) -> tuple[str, object]:
            what, index = task
            if what == _LOAD:
                return what, self.outcome(self.jobs[index])
            entry = self.relevance_entry(index)
            if entry.relevance.kind == "relevant" and os.getpid() == scanning:
                self.loaders.ready_terraform()  # once; a copy's parser would end with it
            return what, entry

        results = share(tasks, task, _task_data, lambda data: _task_from_data(data, self.max_bytes),
                        theirs=[what == _LOAD for what, _ in tasks],
                        first=self.loaders.ready_terraform if ready else None)
        for (what, index), (_, result) in zip(tasks, results, strict=True):
            if what == _RELEVANCE:
                self.entries[index] = result  # type: ignore[assignment]  # tagged by ``what``
            else:
                self.early[index] = result  # type: ignore[assignment]

    def unread(self, indexes: Sequence[int]) -> None:
        """The roots nothing is read from: their unread-unit models (a listing and the
        variables files: cheap, so here), kept with their relevance."""
        for index in self.unread_jobs(indexes):
            made = self.spare.pop(index, None)  # made by a forked copy while others loaded
            self.finish_unread(index, made if made is not None else self.outcome(self.jobs[index]))

    def unread_jobs(self, indexes: Sequence[int]) -> list[int]:
        """Make ``indexes`` unread roots; finish those whose unread model is in their
        relevance entry, and return the others (to be loaded as unread)."""
        todo = []
        for index in indexes:
            job = self.jobs[index]
            self.jobs[index] = Job(TERRAFORM_UNREAD, job.path, job.layers)
            entry = self.entries[index]
            self.stats.unread += 1
            if entry.unread is not None:
                try:
                    model = _model_from_data(entry.unread)
                except ValueError:
                    model = None
                if model is not None:
                    self.stats.cache_hits += 1
                    self.finish(index, model)
                    continue
            if self.cache is not None:
                self.stats.cache_misses += 1
            todo.append(index)
        return todo

    def finish_unread(self, index: int, outcome: Outcome) -> None:
        self.done(index, outcome)
        if outcome.cacheable and outcome.model is not None:
            entry = self.entries[index]
            entry.full_reads(self.max_bytes).merge(outcome.reads)
            entry.unread = _model_data(outcome.model)
            entry.fresh = True

    def store_relevance(self) -> None:
        if self.cache is None:
            return
        for index, entry in self.entries.items():
            if not entry.fresh:
                continue
            data: dict[str, object] = {"relevance": entry.relevance.as_data()}
            if entry.unread is not None:
                data["unread"] = entry.unread
            self.cache.put(self.relevance_key(index), entry.reads, data)


@value_class(frozen=False)
class _Entry(ValueObject):
    """A root's relevance entry in the cache: what was found, the reads behind it, the
    model of the root unread (encoded) when there is one, and whether to write it. The
    reads of a complete entry from the cache are kept as read (``raw_reads``, JSON data)
    and made ``Reads`` only if the entry is to be written again (its unread model could
    not be decoded and is made anew, ``finish_unread``)."""

    relevance: Relevance
    reads: Reads
    unread: object
    fresh: bool
    raw_reads: object = None

    def full_reads(self, max_bytes: int) -> Reads:
        if self.raw_reads is not None:
            self.reads = Reads.from_data(self.raw_reads, max_bytes)
            self.raw_reads = None
        return self.reads

    def as_data(self) -> dict[str, object]:
        """For the trip from a forked copy."""
        return {"relevance": self.relevance.as_data(),
                "reads": _reads_data(self.reads) if self.raw_reads is None else None,
                "raw_reads": self.raw_reads, "unread": self.unread, "fresh": self.fresh}

    @staticmethod
    def from_data(data: object, max_bytes: int) -> _Entry:
        from scanner.parsers.terraform.relevance import Relevance

        if not isinstance(data, dict):
            raise ValueError("entry: not an object")
        given = data.get("reads")
        reads = Reads.from_data(given, max_bytes) if given is not None else Reads(max_bytes=max_bytes)
        return _Entry(Relevance.from_data(data.get("relevance")), reads, data.get("unread"),
                      bool(data.get("fresh")), data.get("raw_reads"))


def _outcome_data(outcome: Outcome) -> object:
    """An outcome as JSON-ready data for the trip from a forked copy (None: its model has
    something the codec cannot carry, so it is loaded again in the scanning process). The
    model of a root left unread that holds nothing but its unit travels as that unit's
    three fields (most of a monorepo's roots: the codec's form costs several times more),
    and reads that hold nothing (a run without the cache) as nothing."""
    model = _model_data(outcome.model)
    if model is None:
        return None
    return {"reads": _reads_data(outcome.reads), "cacheable": outcome.cacheable, **model}


def _model_data(model: Model | None) -> dict[str, object] | None:
    """A model as JSON-ready data: ``{"unit": [id, format, files]}`` for the model of a
    root left unread that holds nothing but its unit (most of a monorepo's roots, in the
    cache and on the trip from a forked copy: the codec's form costs several times more
    to write and to read), else ``{"model": ...}`` in the codec's form; None when the
    codec cannot carry it."""
    unit = _plain_unit(model)
    if unit is not None:
        return {"unit": [unit.id, unit.format, list(unit.files)]}
    try:
        return {"model": encode_model(model)}
    except (TypeError, RecursionError):
        return None


def _model_from_data(data: object) -> Model | None:
    """The inverse of ``_model_data``; ``ValueError`` on anything else."""
    if not isinstance(data, dict):
        raise ValueError("model: not an object")
    unit = data.get("unit")
    if unit is None:
        return decode_model(data.get("model"))
    if not (isinstance(unit, list) and len(unit) == 3 and isinstance(unit[0], str)
            and isinstance(unit[1], str) and isinstance(unit[2], list)
            and all(isinstance(f, str) for f in unit[2])):
        raise ValueError("model: bad unit")
    return Model(units=(Unit(id=unit[0], format=unit[1], files=tuple(unit[2])),))


def _reads_data(reads: Reads) -> object:
    """Reads for the trip from a forked copy: None when they hold nothing (a run without
    the cache records none)."""
    return reads.as_data() if reads.files or reads.listings or reads.probes else None


_MODEL_FIELDS = tuple(f.name for f in dataclasses.fields(Model) if f.name != "units")
_UNIT_FIELDS = tuple(f.name for f in dataclasses.fields(Unit) if f.name not in ("id", "format", "files"))


def _plain_unit(model: Model | None) -> Unit | None:
    """The one unit of a model that holds nothing else (every other field as a new
    ``Model`` has it, the unit's own fields but ``id``, ``format``, ``files`` too)."""
    if model is None or len(model.units) != 1:
        return None
    unit = model.units[0]
    blank_model, blank_unit = _blanks()
    if any(getattr(unit, name) != getattr(blank_unit, name) for name in _UNIT_FIELDS):
        return None
    if any(getattr(model, name) != getattr(blank_model, name) for name in _MODEL_FIELDS):
        return None
    return unit


@functools.cache
def _blanks() -> tuple[Model, Unit]:
    return Model(), Unit(id="", format="", files=())


def _outcome_from_data(data: object, max_bytes: int) -> Outcome:
    if not isinstance(data, dict):
        raise ValueError("outcome: not an object")
    model = _model_from_data(data)
    given = data.get("reads")
    reads = Reads(max_bytes=max_bytes) if given is None else Reads.from_data(given, max_bytes)
    return Outcome(model, reads, bool(data.get("cacheable")))


# The tasks of a pre-pass shared with a forked copy (``_Run.task``).
_RELEVANCE = "relevance"  # a root's relevance entry
_LOAD = "load"  # a template or plan loaded


def _task_data(result: tuple[str, object]) -> object:
    """A pre-pass task's result as JSON-ready data for the trip from a forked copy (None:
    it cannot travel, computed again here)."""
    what, value = result
    if what == _RELEVANCE:
        return [what, value.as_data()]  # type: ignore[attr-defined]  # an _Entry
    data = _outcome_data(value)  # type: ignore[arg-type]  # an Outcome
    return None if data is None else [what, data]


def _task_from_data(data: object, max_bytes: int) -> tuple[str, object]:
    if not isinstance(data, list) or len(data) != 2:
        raise ValueError("task: not a pair")
    what, value = data
    if what == _RELEVANCE:
        return what, _Entry.from_data(value, max_bytes)
    if what == _LOAD:
        return what, _outcome_from_data(value, max_bytes)
    raise ValueError(f"task: unknown kind {what!r}")


# A root left unread (a listing, its variables files) costs about as much as this much HCL.
_UNREAD_WEIGHT = 128
# Bytes of a template or plan that cost as much to load as one byte of HCL (YAML and JSON
# decode an order of magnitude faster than python-hcl2 parses).
_DECODE_DISCOUNT = 10


def _text_size(jobs: Iterable[Job]) -> int:
    """About how much HCL text the jobs amount to (a root's own files; its modules
    unseen; templates and plans discounted)."""
    total = 0
    for job in jobs:
        path = job.path
        try:
            if job.kind == TERRAFORM:
                with os.scandir(path) as entries:
                    total += sum(e.stat().st_size for e in entries
                                 if e.name.endswith((".tf", ".tf.json")) and e.is_file())
            elif job.kind == TERRAFORM_UNREAD:
                total += _UNREAD_WEIGHT
            else:
                total += path.stat().st_size // _DECODE_DISCOUNT
        except OSError:
            continue
    return total


def load_all(
    terraform_dirs: Sequence[Path],
    plans: Sequence[Path],
    templates: Sequence[Path],
    inputs: Inputs,
    options: Options,
    on_unit: Callable[[Path], None] | None = None,
    stats: LoadStats | None = None,
    given: Callable[[Path], UnitInputs] | None = None,
) -> list[Model | None]:
    """One model per unit, in the order given (roots, plans, templates); ``None`` for a
    template that turned out not to be CloudFormation. ``given`` says what each root or
    template is given from outside its files (nothing when absent; a plan is given
    nothing)."""
    given = given or (lambda _unit: UnitInputs())
    jobs = [
        *(Job(TERRAFORM, d, given(d).terraform) for d in terraform_dirs),
        *(Job(PLAN, p) for p in plans),
        *(Job(CLOUDFORMATION, t, given(t).cloudformation) for t in templates),
    ]
    run = _Run(jobs, inputs, options, on_unit, stats if stats is not None else LoadStats())
    try:
        _load(run, len(terraform_dirs))
        run.store_relevance()
    finally:
        run.close()
        reap()
    if run.loaders.parses is not None:
        run.stats.parsed = run.loaders.parses.parsed
    return [run.outcomes[i] for i in range(len(jobs))]


def _load(run: _Run, root_count: int) -> None:
    roots = list(range(root_count))
    others = list(range(root_count, len(run.jobs)))
    if not run.options.prefilter or not roots:
        run.load([*roots, *others])
        return
    from scanner.parsers.terraform.relevance import naming_values

    kinds = run.relevances(roots, others)
    relevant = [i for i in roots if kinds[i].kind == "relevant"]
    maybe = [i for i in roots if kinds[i].kind == "names"]
    nothing = [i for i in roots if kinds[i].kind == "none"]
    # The roots with nothing a policy reads are made unread alongside the load, and a
    # forked copy, if any, also makes the unread models of the roots that only something
    # naming them would draw in: it takes them with the templates while this process
    # parses (a model made for a root drawn in after all is not used).
    run.load([*relevant, *others], unread=nothing, spare=maybe)
    external = Model(trails=run.options.external_trails)
    while maybe:
        values = naming_values([external, *(m for m in run.outcomes.values() if m is not None)])
        drawn = [i for i in maybe if kinds[i].named_in(values)]
        if not drawn:
            break
        taken = set(drawn)
        maybe = [i for i in maybe if i not in taken]
        run.load(drawn)
    run.unread(maybe)


__all__ = ["LoadStats", "Options", "decode_model", "encode_model", "load_all"]
