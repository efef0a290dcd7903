"""What a trail actually records, in three-valued logic, decided once for every policy.

Several policies ask the same questions of a trail -- is it logging, does it record read and
write management events, global service events, S3 object-level events? -- and the answers
depend on CloudTrail semantics that are easy to get subtly wrong (defaults, selector unions,
exclusions, ``dynamic`` blocks). They live here so every policy gives the same answer.

Every answer is ``True``, ``False`` or ``None`` ("cannot be told before deploy"); ``None``
propagates with Kleene logic (``False`` wins an AND, ``True`` wins an OR), so an UNKNOWN
value never becomes a finding nor a pass by accident.

CloudTrail semantics followed (CloudTrail User Guide, "Logging management events",
"Logging data events", and the PutEventSelectors API reference):

* A trail without event selectors records all management events, read and write, from all
  event sources, and no data events.
* Classic event selectors: an event is recorded when it matches *any* selector (union).
  ``IncludeManagementEvents`` (default true) and ``ReadWriteType`` (default ``All``) decide
  management events; ``ExcludeManagementEventSources`` (only ``kms.amazonaws.com`` and
  ``rdsdata.amazonaws.com`` are accepted by AWS) leaves those sources out. ``DataResources``
  of type ``AWS::S3::Object`` with value ``arn:aws:s3`` or ``arn:aws:s3:::`` record object
  events of every bucket; any other value names specific buckets or prefixes.
* Advanced event selectors replace classic ones. A selector is an AND of its field
  selectors, selectors OR together. ``eventCategory = Management`` selects management
  events, ``readOnly = true|false`` narrows to read or write, ``eventSource NotEquals``
  excludes sources. ``eventCategory = Data`` with ``resources.type = AWS::S3::Object``
  selects S3 object events; a ``resources.ARN`` (or any other) condition narrows it.
* A selector that may not exist (``maybe``: a ``dynamic`` block whose iteration is unknown)
  or that has unresolved parts can only make a positive answer ``None``; it never makes a
  negative answer positive.

Decision on partial S3 data events: a trail that records object events for a *list of
buckets* is not counted as recording S3 data events (``records_s3_data_events`` gives
``False`` for that direction). CIS 3.8/3.9 ask for object-level logging of every bucket, and
a bucket created tomorrow would not be covered. ``s3_data_coverage`` still reports the
buckets, so messages can say what is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from scanner.model import (
    AdvancedEventSelector,
    Attr,
    EventDataStore,
    EventSelector,
    FieldSelector,
    Model,
    Origin,
    Trail,
)
from scanner.tri import Tri, all_of, any_of
from scanner.valueclass import ValueObject, value_class

# Values of an ``AWS::S3::Object`` data resource that mean "every bucket".
ALL_S3_OBJECTS: frozenset[str] = frozenset({"arn:aws:s3", "arn:aws:s3:::"})
S3_OBJECT = "AWS::S3::Object"


def _maybe(value: Tri, uncertain: bool) -> Tri:
    """A positive answer from a selector that may not exist is only a possibility."""
    return None if (uncertain and value is True) else value


# ---------------------------------------------------------------------------
# Attributes in messages
# ---------------------------------------------------------------------------


def describe(attr: Attr[Any]) -> str:
    """``IsLogging = false`` / ``is_multi_region_trail not set, default false``.

    The name is the one the front end read (``Attr.name``), so a message speaks the
    format of the code it is about without knowing which format that is.
    """
    name = attr.name
    if attr.origin is Origin.DEFAULT:
        shown = "false" if attr.value is False else ("true" if attr.value is True else "none")
        return f"{name} not set, default {shown}"
    if attr.origin is Origin.UNKNOWN:
        return f"{name} cannot be resolved ({attr.reason or 'unknown value'})"
    value = attr.value
    shown = str(value).lower() if isinstance(value, bool) else repr(value)
    return f"{name} = {shown}"


# ---------------------------------------------------------------------------
# Simple trail facts
# ---------------------------------------------------------------------------


# What records CloudTrail events for an account: a trail, or a CloudTrail Lake event data
# store. Both are asked the same questions (logging, regions, management and S3 data
# events, global service events); the answers follow each one's own semantics.
Recorder = Trail | EventDataStore
R = TypeVar("R", Trail, EventDataStore)


def logging_attr(recorder: Recorder) -> Attr[bool]:
    """The switch that decides whether it records anything: a trail's ``enable_logging`` /
    ``IsLogging``, an event data store's ingestion (``suspend`` / ``IngestionEnabled``)."""
    return recorder.enable_logging if isinstance(recorder, Trail) else recorder.ingestion_enabled


def is_logging(recorder: Recorder) -> Tri:
    """Whether it records anything at all."""
    return logging_attr(recorder).truth()


def is_multi_region(recorder: Recorder) -> Tri:
    return recorder.is_multi_region.truth()


def sorted_trails(trails: Iterable[R]) -> list[R]:
    """Trails (or event data stores) in the deterministic order account-wide policies
    report in (by ref, then unit: two roots' ``aws_cloudtrail.main`` are two trails)."""
    return sorted(trails, key=lambda t: (t.ref, t.unit, t.span.path, t.span.line))


def account_trails(model: Model) -> list[Trail]:
    """The trails an account-wide question counts: the code's, then those declared in the
    configuration (``external_trails``), each group in report order."""
    return [*sorted_trails(model.trails), *sorted_trails(model.external_trails)]


X = TypeVar("X")

# Items one account-wide message names before "and N more": a message stays readable,
# and the report linear in the number of trails, however many the account has.
MAX_NAMED = 5


def listing(
    items: Sequence[X],
    text: Callable[[X], str] = str,
    separator: str = ", ",
    limit: int = MAX_NAMED,
) -> str:
    """``a, b, c and 4 more``: the first ``limit`` items as ``text`` writes them (only
    those are written), then how many are left out."""
    shown = [text(item) for item in items[:limit]]
    more = len(items) - len(shown)
    return separator.join(shown) + (f" and {more} more" if more > 0 else "")


# ---------------------------------------------------------------------------
# Management events
# ---------------------------------------------------------------------------


@value_class()
class ManagementCoverage(ValueObject):
    """Which management events a trail records.

    ``read``/``write``: records at least some read / write management events.
    ``read_all``/``write_all``: records them from every event source (nothing excluded,
    nothing narrowed). ``excluded`` lists the event sources left out by a selector that
    otherwise records management events (``kms.amazonaws.com``, ...). ``reason`` says why
    an answer is ``None``.
    """

    read: Tri
    write: Tri
    read_all: Tri
    write_all: Tri
    excluded: tuple[str, ...] = ()
    reason: str = ""


_ALL = ManagementCoverage(read=True, write=True, read_all=True, write_all=True)


def _rw_from_type(rw: Attr[str]) -> tuple[Tri, Tri]:
    if rw.origin is Origin.UNKNOWN:
        return None, None
    value = str(rw.value or "All").strip().lower()
    if value == "all":
        return True, True
    if value == "readonly":
        return True, False
    if value == "writeonly":
        return False, True
    return None, None  # a value CloudTrail rejects: do not guess


def _classic_management(selector: EventSelector) -> tuple[Tri, Tri, bool]:
    """(read, write, full) for one classic selector; ``full`` = no sources excluded."""
    include = selector.include_management_events
    included: Tri = True if include.origin is Origin.DEFAULT and include.value is None else include.truth()
    read, write = _rw_from_type(selector.read_write_type)
    read, write = all_of((included, read)), all_of((included, write))
    read, write = _maybe(read, selector.maybe), _maybe(write, selector.maybe)
    return read, write, not selector.exclude_management_event_sources


def _fields(selector: AdvancedEventSelector, name: str) -> list[FieldSelector]:
    return [f for f in selector.field_selectors if f.field.strip().lower() == name.lower()]


def _lower(values: Iterable[str]) -> set[str]:
    return {str(v).strip().lower() for v in values}


def _category_matches(selector: AdvancedEventSelector, category: str) -> Tri:
    """Does the selector's ``eventCategory`` condition select ``category``?"""
    cats = _fields(selector, "eventCategory")
    if not cats:
        return None  # CloudTrail requires eventCategory; an absent one is unresolved input
    result: Tri = True
    for f in cats:
        wanted = category.lower()
        if f.equals and wanted not in _lower(f.equals):
            result = False
        if f.not_equals and wanted in _lower(f.not_equals):
            result = False
        if f.starts_with or f.ends_with or f.not_starts_with or f.not_ends_with:
            result = all_of((result, None))
        if not (f.equals or f.not_equals or f.starts_with or f.ends_with or f.not_starts_with
                or f.not_ends_with):
            result = all_of((result, None))
    return result


def _read_only_split(selector: AdvancedEventSelector) -> tuple[Tri, Tri]:
    """(selects read events, selects write events) from the ``readOnly`` field."""
    read: Tri = True
    write: Tri = True
    for f in _fields(selector, "readOnly"):
        eq, ne = _lower(f.equals), _lower(f.not_equals)
        if f.starts_with or f.ends_with or f.not_starts_with or f.not_ends_with:
            return None, None
        if eq:
            if not eq <= {"true", "false"}:
                return None, None
            read = all_of((read, "true" in eq))
            write = all_of((write, "false" in eq))
        if ne:
            if not ne <= {"true", "false"}:
                return None, None
            read = all_of((read, "true" not in ne))
            write = all_of((write, "false" not in ne))
    return read, write


def _advanced_management(selector: AdvancedEventSelector) -> tuple[Tri, Tri, Tri, tuple[str, ...]]:
    """(read, write, full, excluded sources) for one advanced selector."""
    category = _category_matches(selector, "Management")
    read, write = _read_only_split(selector)
    read, write = all_of((category, read)), all_of((category, write))
    excluded: list[str] = []
    full: Tri = True
    for f in selector.field_selectors:
        name = f.field.strip().lower()
        if name in ("eventcategory", "readonly"):
            continue
        if not name:
            # A field whose name is unresolved may narrow the selector or may not.
            full = all_of((full, None))
            continue
        if name == "eventsource" and f.not_equals and not (
            f.equals or f.starts_with or f.ends_with or f.not_starts_with or f.not_ends_with
        ):
            excluded.extend(f.not_equals)
        full = False  # any other condition narrows the selector to some events only
    uncertain = selector.maybe or bool(selector.unknown)
    read, write = _maybe(read, uncertain), _maybe(write, uncertain)
    return read, write, full, tuple(excluded)


def _advanced(trail: Recorder) -> tuple[AdvancedEventSelector, ...]:
    value = trail.advanced_event_selectors.value
    return tuple(value) if trail.advanced_event_selectors.known and value else ()


def _classic(trail: Recorder) -> tuple[EventSelector, ...]:
    """Classic selectors: a trail's; an event data store has advanced ones only (without
    any it records all management events, like a trail without selectors)."""
    if not isinstance(trail, Trail):
        return ()
    value = trail.event_selectors.value
    return tuple(value) if trail.event_selectors.known and value else ()


def _selectors_unknown(trail: Recorder) -> str:
    """Why the selector configuration as a whole cannot be known ('' if it can)."""
    adv = trail.advanced_event_selectors
    if adv.origin is Origin.UNKNOWN:
        return f"{adv.name}: {adv.why()}"
    if isinstance(trail, Trail):
        cls = trail.event_selectors
        if not _advanced(trail) and cls.origin is Origin.UNKNOWN:
            return f"{cls.name}: {cls.why()}"
    return ""


def management_coverage(trail: Recorder) -> ManagementCoverage:
    """Which management events the trail records (see ``ManagementCoverage``).

    Ignores whether the trail is logging and whether it is multi-region: combine with
    ``is_logging`` / ``is_multi_region`` as the question requires.
    """
    unknown = _selectors_unknown(trail)
    if unknown:
        return ManagementCoverage(None, None, None, None, reason=unknown)
    advanced = _advanced(trail)
    if advanced and all(s.maybe for s in advanced):
        # ``dynamic`` blocks over an unknown collection: there may be no advanced selector
        # at all (then the classic ones, or the default, apply), so only an answer that
        # holds both ways is definite.
        some = _advanced_management_coverage(advanced)
        none = _classic_management_coverage(trail)
        return _either(some, none)
    if advanced:
        return _advanced_management_coverage(advanced)
    return _classic_management_coverage(trail)


def _same(a: Tri, b: Tri) -> Tri:
    return a if a == b else None


def _either(some: ManagementCoverage, none: ManagementCoverage) -> ManagementCoverage:
    """The coverage when it is not known which of two configurations applies."""
    reason = "; ".join(r for r in dict.fromkeys((some.reason, none.reason)) if r)
    return ManagementCoverage(
        read=_same(some.read, none.read),
        write=_same(some.write, none.write),
        read_all=_same(some.read_all, none.read_all),
        write_all=_same(some.write_all, none.write_all),
        excluded=tuple(sorted({*some.excluded, *none.excluded})),
        reason=reason or "an advanced event selector may not exist (dynamic block)",
    )


def _advanced_management_coverage(advanced: tuple[AdvancedEventSelector, ...]) -> ManagementCoverage:
    parts = [_advanced_management(s) for s in advanced]
    excluded = sorted({src for r, w, _, ex in parts if any_of((r, w)) is not False for src in ex})
    read = any_of(r for r, _, _, _ in parts)
    write = any_of(w for _, w, _, _ in parts)
    read_all = any_of(all_of((r, full)) for r, _, full, _ in parts)
    write_all = any_of(all_of((w, full)) for _, w, full, _ in parts)
    reason = "; ".join(s.unknown for s in advanced if s.unknown) or (
        "an advanced event selector may not exist (dynamic block)" if any(s.maybe for s in advanced)
        else ""
    )
    return ManagementCoverage(read, write, read_all, write_all, tuple(excluded), reason)


def _classic_management_coverage(trail: Recorder) -> ManagementCoverage:
    classic = _classic(trail)
    if not classic:
        return _ALL
    parts_c = [(s, *_classic_management(s)) for s in classic]
    excluded = sorted({
        src for s, r, w, _ in parts_c if any_of((r, w)) is not False
        for src in s.exclude_management_event_sources
    })
    read = any_of(r for _, r, _, _ in parts_c)
    write = any_of(w for _, _, w, _ in parts_c)
    read_all = any_of(all_of((r, full)) for _, r, _, full in parts_c)
    write_all = any_of(all_of((w, full)) for _, _, w, full in parts_c)
    reasons = []
    for s in classic:
        if s.maybe:
            reasons.append("an event selector may not exist (dynamic block)")
        for a in (s.read_write_type, s.include_management_events):
            if a.origin is Origin.UNKNOWN:
                reasons.append(a.reason or "an event selector value cannot be resolved")
    return ManagementCoverage(read, write, read_all, write_all, tuple(excluded), "; ".join(reasons))


def records_management_events(trail: Recorder) -> tuple[Tri, Tri]:
    """(read, write): does the trail record read / write management events at all?

    Sources excluded with ``ExcludeManagementEventSources`` do not make this False (the
    trail still records management events); use ``records_all_management_events`` for
    "every read and write management event".
    """
    cov = management_coverage(trail)
    return cov.read, cov.write


def records_all_management_events(trail: Recorder) -> Tri:
    """Every read and write management event from every source (CIS 3.1 / CloudTrail.1)."""
    cov = management_coverage(trail)
    return all_of((cov.read_all, cov.write_all))


def records_global_events(trail: Recorder) -> Tri:
    """Does it record global service events (IAM, STS, CloudFront)?

    A trail: only when ``include_global_service_events`` is on, the trail is logging, and
    it records management events (global service events are management events, so a trail
    recording only data events delivers none).

    An event data store has no such switch. CloudTrail records global service events as
    events of US East (N. Virginia), and a store collects the events of every Region
    (``MultiRegionEnabled``, the default) or of its own Region only. So a multi-Region
    store that ingests management events records them; a single-Region one does only if
    it lives in us-east-1, which the code does not say: ``None``.
    """
    read, write = records_management_events(trail)
    if isinstance(trail, Trail):
        switch = trail.include_global_service_events.truth()
    else:
        switch = True if is_multi_region(trail) is True else None
    return all_of((switch, is_logging(trail), any_of((read, write))))


def global_events_unknown_reason(trail: Recorder) -> str:
    """Why ``records_global_events`` is None for it ('' when it is not)."""
    reasons = []
    logging = logging_attr(trail)
    if isinstance(trail, Trail):
        glob = trail.include_global_service_events
        if glob.origin is Origin.UNKNOWN:
            reasons.append(f"{glob.name}: {glob.why()}")
    elif is_multi_region(trail) is not True:
        multi = trail.is_multi_region
        reasons.append(
            f"{multi.name}: {multi.why()}" if not multi.known else
            "a single-Region event data store records global service events only in "
            "us-east-1, and its Region is not in the code"
        )
    if logging.origin is Origin.UNKNOWN:
        reasons.append(f"{logging.name}: {logging.why()}")
    cov = management_coverage(trail)
    if any_of((cov.read, cov.write)) is None:
        reasons.append(cov.reason or "event selectors unresolved")
    return "; ".join(reasons)


# ---------------------------------------------------------------------------
# S3 data events
# ---------------------------------------------------------------------------


@value_class()
class S3DataCoverage(ValueObject):
    """S3 object-level events a trail records.

    ``read``/``write``: object events of *every* bucket in that direction. ``partial``:
    the ARNs (or selector names) of a narrower selection, recorded in some direction.
    """

    read: Tri
    write: Tri
    partial: tuple[str, ...] = ()
    reason: str = ""


def _norm_arn(value: str) -> str:
    return value.replace("${AWS::Partition}", "aws").strip()


def _classic_s3(selector: EventSelector) -> tuple[Tri, Tri, list[str]]:
    read, write = _rw_from_type(selector.read_write_type)
    everything = False
    unresolved = False
    partial: list[str] = []
    for res in selector.data_resources:
        if res.unknown and res.type.strip() in ("", S3_OBJECT):
            unresolved = True  # an unresolved value might be "every bucket"
        if res.type.strip() != S3_OBJECT:
            continue
        for value in res.values:
            if _norm_arn(value) in ALL_S3_OBJECTS:
                everything = True
            else:
                partial.append(_norm_arn(value))
    covered: Tri = True if everything else (None if unresolved else False)
    read, write = all_of((read, covered)), all_of((write, covered))
    return _maybe(read, selector.maybe), _maybe(write, selector.maybe), partial


def _advanced_s3(selector: AdvancedEventSelector) -> tuple[Tri, Tri, list[str]]:
    category = _category_matches(selector, "Data")
    types = _fields(selector, "resources.type")
    if not types:
        is_s3: Tri = None if category is not False else False
    else:
        is_s3 = all(S3_OBJECT.lower() in _lower(f.equals) for f in types)
    selected = all_of((category, is_s3))
    read, write = _read_only_split(selector)
    others = [
        f.field.strip().lower() for f in selector.field_selectors
        if f.field.strip().lower() not in ("eventcategory", "resources.type", "readonly")
    ]
    narrowing = [name for name in others if name]
    uncertain = selector.maybe or bool(selector.unknown)
    if narrowing:
        partial = [selector.name or "advanced event selector"] if selected is not False else []
        full: Tri = False
    else:
        # A field whose name is unresolved may narrow the selector or may not.
        partial, full = [], (None if others else True)
    read = _maybe(all_of((selected, read, full)), uncertain)
    write = _maybe(all_of((selected, write, full)), uncertain)
    return read, write, partial


def s3_data_coverage(trail: Recorder) -> S3DataCoverage:
    """S3 object-level events the trail records (logging state not considered)."""
    unknown = _selectors_unknown(trail)
    if unknown:
        return S3DataCoverage(None, None, reason=unknown)
    advanced = _advanced(trail)
    if advanced and all(s.maybe for s in advanced):
        # As for management events: the dynamic blocks may make no selector at all.
        some, none = _advanced_s3_coverage(advanced), _classic_s3_coverage(trail)
        reason = "; ".join(r for r in dict.fromkeys((some.reason, none.reason)) if r)
        return S3DataCoverage(
            _same(some.read, none.read), _same(some.write, none.write),
            tuple(sorted({*some.partial, *none.partial})),
            reason or "an advanced event selector may not exist (dynamic block)",
        )
    if advanced:
        return _advanced_s3_coverage(advanced)
    return _classic_s3_coverage(trail)


def _advanced_s3_coverage(advanced: tuple[AdvancedEventSelector, ...]) -> S3DataCoverage:
    parts = [_advanced_s3(s) for s in advanced]
    reason = "; ".join(s.unknown for s in advanced if s.unknown) or (
        "an advanced event selector may not exist (dynamic block)" if any(s.maybe for s in advanced)
        else ""
    )
    return _s3_union(parts, reason)


def _classic_s3_coverage(trail: Recorder) -> S3DataCoverage:
    classic = _classic(trail)
    parts = [_classic_s3(s) for s in classic]
    reasons = ["an event selector may not exist (dynamic block)" for s in classic if s.maybe]
    reasons += [r.unknown for s in classic for r in s.data_resources if r.unknown]
    return _s3_union(parts, "; ".join(dict.fromkeys(reasons)))


def _s3_union(parts: list[tuple[Tri, Tri, list[str]]], reason: str) -> S3DataCoverage:
    read = any_of(r for r, _, _ in parts)
    write = any_of(w for _, w, _ in parts)
    partial = tuple(sorted({p for _, _, ps in parts for p in ps}))
    return S3DataCoverage(read, write, partial, reason)


def records_s3_data_events(trail: Recorder) -> tuple[Tri, Tri]:
    """(read, write): S3 object-level events of every bucket (a bucket list is False)."""
    cov = s3_data_coverage(trail)
    return cov.read, cov.write
