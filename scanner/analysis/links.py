"""Follow a trail to the resources it really uses, in one place.

Parsers resolve references into concrete or symbolic values (see ``scanner.model``) and,
when the source names a resource by reference, put that resource's ref on the attribute
(``Attr.target``). This module follows them:

* a ``target`` is followed first, to the record with that ref *in the same unit*, whatever
  the value is -- even UNKNOWN (a bucket named by a variable without a default is still
  the bucket the trail refers to);
* only without a target is the value matched against the records' names and ARNs. A
  literal name or ARN may name a record of another unit of the account (a central
  logging bucket); a value with a symbolic ``${<ref>}`` token is unit-local and only ever
  matches a record of its own unit. A record of the same unit is preferred.

Every lookup answers with a ``Link``: the record when one matches, or why none could be
found (the value is UNKNOWN, or it names a resource outside the scan). Policies decide
what that means. Lookups go through indexes built once per model (``Model.cache``), so
following every trail of an account costs time linear in its records.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import field, replace
from typing import Generic, TypeVar

from scanner import arns
from scanner.model import (
    Alarm,
    Attr,
    Bucket,
    KmsKey,
    LogGroup,
    MetricFilter,
    Model,
    Origin,
    Record,
    Role,
    Topic,
    Trail,
)
from scanner.valueclass import ValueObject, value_class

R = TypeVar("R", bound=Record)

# A token that stands for something of one unit (``${aws_s3_bucket.logs}``,
# ``${AWS::StackName}``); the account, region and partition are the same everywhere in an
# account.
_ACCOUNT_WIDE = r"AWS::(?:AccountId|Region|Partition|URLSuffix|OrganizationId)\}"
_UNIT_TOKEN = re.compile(r"\$\{(?!" + _ACCOUNT_WIDE + r")[^}]+\}")
_WHOLE_TOKEN = re.compile(r"^\$\{((?!AWS::)[^}]+)\}$")


class LinkStatus(enum.StrEnum):
    """Where following one attribute led (a StrEnum: compares equal to its value, so a
    custom policy written against the strings keeps working)."""

    LINKED = "linked"  # to a record in scope
    UNSET = "unset"  # nowhere: the attribute is absent
    UNKNOWN = "unknown"  # its value cannot be resolved
    # a value that names nothing in the scan: a bucket in another account or stack, a
    # literal ARN of a key defined elsewhere
    EXTERNAL = "external"


@value_class()
class Link(ValueObject, Generic[R]):
    """Result of following one attribute: ``record`` is set when a record in scope
    matches, otherwise ``status`` says why not."""

    record: R | None
    status: LinkStatus
    value: str = ""
    reason: str = ""


def _norm(value: str) -> str:
    return value.replace("${AWS::Partition}", "aws").strip()


def unit_local(value: str) -> bool:
    """Whether ``value`` holds a token that only means something in its own unit."""
    return bool(_UNIT_TOKEN.search(value))


def _known(*attrs: Attr[str]) -> list[str]:
    return [str(a.value) for a in attrs if a.origin is not Origin.UNKNOWN and a.value]


# ---------------------------------------------------------------------------
# Indexes (built once per model)
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class Index(ValueObject, Generic[R]):
    """Records of one family by (unit, ref) and by each name or ARN that identifies them."""

    by_key: dict[tuple[str, str], R] = field(default_factory=dict)
    # identifier -> unit -> the first record of that unit it identifies (dicts keep the
    # model order, so the first unit's is the first value)
    by_value: dict[str, dict[str, R]] = field(default_factory=dict)

    @staticmethod
    def build(records: Iterable[R], identifiers: Callable[[R], Iterable[str]]) -> Index[R]:
        index: Index[R] = Index()
        for record in records:
            index.by_key.setdefault(record.key, record)
            for ident in dict.fromkeys(_norm(i) for i in identifiers(record) if i):
                index.by_value.setdefault(ident, {}).setdefault(record.unit, record)
        return index

    def named(self, value: str, unit: str) -> R | None:
        """The record ``value`` names, seen from ``unit``: one of that unit first; one of
        another unit only for a value without unit-local tokens."""
        candidates = self.by_value.get(_norm(value))
        if not candidates:
            return None
        here = candidates.get(unit)
        if here is not None or unit_local(value):
            return here
        return next(iter(candidates.values()))

    def referenced(self, attr: Attr[str], unit: str) -> R | None:
        """The record ``attr`` names by reference (``Attr.target``) or as a whole
        ``${<ref>}`` token, in ``unit``."""
        if attr.target:
            hit = self.by_key.get((unit, attr.target))
            if hit is not None:
                return hit
        if attr.known and isinstance(attr.value, str):
            m = _WHOLE_TOKEN.match(attr.value.strip())
            if m:
                return self.by_key.get((unit, m.group(1)))
        return None


def _key_tail(ident: str) -> str:
    """``key/<id>`` or ``alias/<name>`` for a key id, key or alias ARN or alias name."""
    m = re.search(r":(key/.+|alias/.+)$", ident)
    if m:
        return m.group(1)
    if ident.startswith("alias/"):
        return ident
    return "key/" + ident


def _key_identifiers(key: KmsKey) -> list[str]:
    ids = _known(key.key_id, key.arn)
    for alias in key.aliases:
        ids.append(alias)
        ids.append(arns.kms_alias(alias))
    return ids


@value_class(frozen=False)
class Indexes(ValueObject):
    """Every index links need, for one model."""

    buckets: Index[Bucket]
    keys: Index[KmsKey]
    key_tails: Index[KmsKey]
    log_groups: Index[LogGroup]
    roles: Index[Role]
    role_names: Index[Role]
    topics: Index[Topic]
    topic_names: Index[Topic]
    # metric filters: by the log group they name by reference, by name, or neither
    filters_by_group: dict[tuple[str, str], list[MetricFilter]]
    filters_by_name: dict[tuple[str, str], list[MetricFilter]]
    filters_unplaced: tuple[MetricFilter, ...]
    alarms_by_metric: dict[tuple[str, str], list[Alarm]]
    alarms_undecided: tuple[Alarm, ...]


def records_by_key(model: Model) -> dict[tuple[str, str], Record]:
    """Every record of the model by its identity (unit, ref), built once per model."""
    found = model.cache.get("records")
    if isinstance(found, dict):
        return found
    table = {r.key: r for r in model.records()}
    model.cache["records"] = table
    return table


def indexes(model: Model) -> Indexes:
    """The model's link indexes (built on first use, then kept in ``model.cache``)."""
    found = model.cache.get("links")
    if isinstance(found, Indexes):
        return found
    built = _build(model)
    model.cache["links"] = built
    return built


def name_key(value: str, unit: str) -> tuple[str, str]:
    """How a name is matched: by itself, or within its unit when it holds a unit token."""
    value = _norm(value)
    return (unit if unit_local(value) else "", value)


def _build(model: Model) -> Indexes:
    groups = Index.build(model.log_groups, lambda g: [*_known(g.name), *(a.removesuffix(":*") for a in _known(g.arn))])
    by_group: dict[tuple[str, str], list[MetricFilter]] = {}
    by_name: dict[tuple[str, str], list[MetricFilter]] = {}
    unplaced: list[MetricFilter] = []
    for f in model.metric_filters:
        group = groups.referenced(f.log_group_name, f.unit)
        if group is not None:
            by_group.setdefault(group.key, []).append(f)
        elif f.log_group_name.known and f.log_group_name.value:
            by_name.setdefault(name_key(str(f.log_group_name.value), f.unit), []).append(f)
        elif not f.log_group_name.known:
            unplaced.append(f)
    alarms: dict[tuple[str, str], list[Alarm]] = {}
    undecided: list[Alarm] = []
    for alarm in model.alarms:
        if alarm.metric_name.known and alarm.namespace.known:
            key = (str(alarm.metric_name.value), str(alarm.namespace.value))
            alarms.setdefault(key, []).append(alarm)
        else:
            undecided.append(alarm)
    return Indexes(
        buckets=Index.build(model.buckets, lambda b: _known(b.name)),
        keys=Index.build(model.kms_keys, _key_identifiers),
        key_tails=Index.build(model.kms_keys, lambda k: [_key_tail(i) for i in _key_identifiers(k)]),
        log_groups=groups,
        roles=Index.build(model.roles, lambda r: _known(r.arn, r.name)),
        role_names=Index.build(model.roles, lambda r: _known(r.name)),
        topics=Index.build(model.topics, lambda t: _known(t.name, t.arn)),
        topic_names=Index.build(model.topics, lambda t: _known(t.name)),
        filters_by_group=by_group,
        filters_by_name=by_name,
        filters_unplaced=tuple(unplaced),
        alarms_by_metric=alarms,
        alarms_undecided=tuple(undecided),
    )


# ---------------------------------------------------------------------------
# Following one attribute
# ---------------------------------------------------------------------------


def _follow(
    attr: Attr[str],
    unit: str,
    index: Index[R],
    fallback: Callable[[str], R | None] | None = None,
) -> Link[R]:
    """Target first (same unit), then the value; ``fallback`` tries looser value forms."""
    record = index.referenced(attr, unit)
    if record is not None:
        shown = _norm(str(attr.value)) if attr.known and attr.value else ""
        return Link(record, LinkStatus.LINKED, value=shown)
    if attr.origin is Origin.UNKNOWN:
        return Link(None, LinkStatus.UNKNOWN, reason=attr.reason or "value cannot be resolved")
    if attr.value in (None, ""):
        return Link(None, LinkStatus.UNSET)
    wanted = _norm(str(attr.value))
    record = index.named(wanted, unit)
    if record is None and fallback is not None:
        record = fallback(wanted)
    if record is not None:
        return Link(record, LinkStatus.LINKED, value=wanted)
    return Link(None, LinkStatus.EXTERNAL, value=wanted)


# ---------------------------------------------------------------------------
# Trail → resources
# ---------------------------------------------------------------------------


def bucket_of(model: Model, trail: Trail) -> Link[Bucket]:
    attr = trail.s3_bucket_name
    if attr.known and isinstance(attr.value, str) and attr.value.startswith("arn:aws:s3:::"):
        attr = replace(attr, value=attr.value.removeprefix("arn:aws:s3:::"))
    return _follow(attr, trail.unit, indexes(model).buckets)


def kms_key_of(model: Model, trail: Trail) -> Link[KmsKey]:
    return key_by_reference(model, trail.kms_key_id, trail.unit)


def key_by_reference(model: Model, attr: Attr[str], unit: str = "") -> Link[KmsKey]:
    """A key id, key ARN, alias name or alias ARN (seen from ``unit``) → the key record."""
    index = indexes(model)

    def by_tail(wanted: str) -> KmsKey | None:
        # An ARN whose key id part matches (region/account written literally in one
        # place and symbolically in the other).
        m = re.search(r":(key/.+|alias/.+)$", wanted)
        return index.key_tails.named(m.group(1), unit) if m else None

    return _follow(attr, unit, index.keys, by_tail)


def log_group_name_from_arn(arn: str) -> str | None:
    """``arn:aws:logs:r:a:log-group:NAME:*`` → ``NAME``."""
    m = re.match(r"^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$", arn)
    return m.group(1) if m else None


def log_group_of(model: Model, trail: Trail) -> Link[LogGroup]:
    index = indexes(model).log_groups

    def by_arn_or_name(wanted: str) -> LogGroup | None:
        found = index.named(wanted.removesuffix(":*"), trail.unit)
        name = log_group_name_from_arn(wanted)
        if found is None and name is not None:
            found = index.named(name, trail.unit)
        return found

    return _follow(trail.cloud_watch_logs_group_arn, trail.unit, index, by_arn_or_name)


def role_by_arn(model: Model, attr: Attr[str], unit: str = "") -> Link[Role]:
    index = indexes(model)

    def by_name(wanted: str) -> Role | None:
        m = re.search(r":role/(?:.*/)?([^/]+)$", wanted)
        return index.role_names.named(m.group(1), unit) if m else None

    return _follow(attr, unit, index.roles, by_name)


def role_of(model: Model, trail: Trail) -> Link[Role]:
    return role_by_arn(model, trail.cloud_watch_logs_role_arn, trail.unit)


def topic_by_reference(model: Model, attr: Attr[str], unit: str = "") -> Link[Topic]:
    """A topic name or ARN (seen from ``unit``) → the topic record."""
    index = indexes(model)

    def by_tail(wanted: str) -> Topic | None:
        return index.topic_names.named(wanted.rsplit(":", 1)[-1], unit)

    return _follow(attr, unit, index.topics, by_tail)


# ---------------------------------------------------------------------------
# Log group → filters → alarms → topics
# ---------------------------------------------------------------------------


def filters_on(model: Model, group: LogGroup) -> tuple[MetricFilter, ...]:
    """Metric filters on ``group``: those naming it by reference, then by name."""
    index = indexes(model)
    by_name: list[MetricFilter] = []
    for name in _known(group.name):
        by_name.extend(index.filters_by_name.get(name_key(name, group.unit), ()))
    return (*index.filters_by_group.get(group.key, ()), *by_name)


def filters_with_unknown_group(model: Model) -> tuple[MetricFilter, ...]:
    """Filters whose log group cannot be resolved: they might be on any group."""
    return indexes(model).filters_unplaced


def alarms_for(model: Model, metric_filter: MetricFilter) -> tuple[Alarm, ...]:
    """Alarms on the filter's metric: same metric name and namespace."""
    if not (metric_filter.metric_name.known and metric_filter.metric_namespace.known):
        return ()
    key = (str(metric_filter.metric_name.value), str(metric_filter.metric_namespace.value))
    return tuple(indexes(model).alarms_by_metric.get(key, ()))


def alarms_undecided(model: Model) -> tuple[Alarm, ...]:
    """Alarms whose metric cannot be resolved: they might be on any metric."""
    return indexes(model).alarms_undecided


def topics_of_alarm(model: Model, alarm: Alarm) -> list[Link[Topic]]:
    if not alarm.actions.known or not alarm.actions.value:
        return []
    return [
        topic_by_reference(model, Attr.explicit(action, alarm.actions.span), alarm.unit)
        for action in alarm.actions.value
    ]


def trail_arn_candidates(trail: Trail) -> tuple[str, ...]:
    """The ARNs a condition on ``aws:SourceArn`` may name for this trail."""
    if not trail.name.known or not trail.name.value:
        return ()
    name = str(trail.name.value)
    if name.startswith("arn:"):
        return (name,)
    return (arns.cloudtrail_trail(name),)
