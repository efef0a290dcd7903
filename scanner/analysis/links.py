"""Follow a trail to the resources it really uses, in one place.

Parsers resolve references into concrete or symbolic values (see ``scanner.model``); this
module matches those values against the records of the account. Every lookup answers
with a ``Link``: the record when one matches, or why none could be found (the value is
UNKNOWN, or it names a resource outside the scan). Policies decide what that means.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
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
    Role,
    Topic,
    Trail,
)

R = TypeVar("R")


class LinkStatus(enum.StrEnum):
    """Where following one attribute led (a StrEnum: compares equal to its value, so a
    custom policy written against the strings keeps working)."""

    LINKED = "linked"  # to a record in scope
    UNSET = "unset"  # nowhere: the attribute is absent
    UNKNOWN = "unknown"  # its value cannot be resolved
    # a value that names nothing in the scan: a bucket in another account or stack, a
    # literal ARN of a key defined elsewhere
    EXTERNAL = "external"


@dataclass(frozen=True, slots=True)
class Link(Generic[R]):
    """Result of following one attribute: ``record`` is set when a record in scope
    matches, otherwise ``status`` says why not."""

    record: R | None
    status: LinkStatus
    value: str = ""
    reason: str = ""


def _norm(value: str) -> str:
    return value.replace("${AWS::Partition}", "aws").strip()


def _follow(attr: Attr[str], candidates: Iterable[tuple[R, Iterable[str]]]) -> Link[R]:
    if attr.origin is Origin.UNKNOWN:
        return Link(None, LinkStatus.UNKNOWN, reason=attr.reason or "value cannot be resolved")
    if attr.value in (None, ""):
        return Link(None, LinkStatus.UNSET)
    wanted = _norm(str(attr.value))
    for record, keys in candidates:
        if any(_norm(k) == wanted for k in keys if k):
            return Link(record, LinkStatus.LINKED, value=wanted)
    return Link(None, LinkStatus.EXTERNAL, value=wanted)


def _known(*attrs: Attr[str]) -> list[str]:
    return [str(a.value) for a in attrs if a.origin is not Origin.UNKNOWN and a.value]


# ---------------------------------------------------------------------------
# Trail → resources
# ---------------------------------------------------------------------------


def bucket_of(model: Model, trail: Trail) -> Link[Bucket]:
    name_attr = trail.s3_bucket_name
    if name_attr.known and isinstance(name_attr.value, str) and name_attr.value.startswith(
        "arn:aws:s3:::"
    ):
        name_attr = Attr.explicit(name_attr.value.removeprefix("arn:aws:s3:::"), name_attr.span)
    return _follow(name_attr, ((b, _known(b.name)) for b in model.buckets))


def _key_identifiers(key: KmsKey) -> list[str]:
    ids = _known(key.key_id, key.arn)
    for alias in key.aliases:
        ids.append(alias)
        ids.append(arns.kms_alias(alias))
    return ids


def kms_key_of(model: Model, trail: Trail) -> Link[KmsKey]:
    return key_by_reference(model, trail.kms_key_id)


def key_by_reference(model: Model, attr: Attr[str]) -> Link[KmsKey]:
    """A key id, key ARN, alias name or alias ARN → the key record."""
    link = _follow(attr, ((k, _key_identifiers(k)) for k in model.kms_keys))
    if link.status is not LinkStatus.EXTERNAL:
        return link
    # An ARN whose key id part matches (region/account written literally in one place
    # and symbolically in the other).
    m = re.search(r":(key/.+|alias/.+)$", link.value)
    if m:
        tail = m.group(1)
        for key in model.kms_keys:
            for ident in _key_identifiers(key):
                if ident.endswith(tail) or ident == tail.removeprefix("key/"):
                    return Link(key, LinkStatus.LINKED, value=link.value)
    return link


def log_group_name_from_arn(arn: str) -> str | None:
    """``arn:aws:logs:r:a:log-group:NAME:*`` → ``NAME``."""
    m = re.match(r"^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$", arn)
    return m.group(1) if m else None


def log_group_of(model: Model, trail: Trail) -> Link[LogGroup]:
    attr = trail.cloud_watch_logs_group_arn
    if attr.origin is Origin.UNKNOWN:
        return Link(None, LinkStatus.UNKNOWN, reason=attr.reason or "value cannot be resolved")
    if attr.value in (None, ""):
        return Link(None, LinkStatus.UNSET)
    arn = _norm(str(attr.value))
    name = log_group_name_from_arn(arn)
    for group in model.log_groups:
        names = _known(group.name)
        arns = [_norm(a) for a in _known(group.arn)]
        if (name is not None and name in names) or arn in arns or arn.removesuffix(":*") in [
            a.removesuffix(":*") for a in arns
        ]:
            return Link(group, LinkStatus.LINKED, value=arn)
    return Link(None, LinkStatus.EXTERNAL, value=arn)


def role_by_arn(model: Model, attr: Attr[str]) -> Link[Role]:
    link = _follow(attr, ((r, _known(r.arn, r.name)) for r in model.roles))
    if link.status is LinkStatus.EXTERNAL:
        m = re.search(r":role/(?:.*/)?([^/]+)$", link.value)
        if m:
            for role in model.roles:
                if m.group(1) in _known(role.name):
                    return Link(role, LinkStatus.LINKED, value=link.value)
    return link


def role_of(model: Model, trail: Trail) -> Link[Role]:
    return role_by_arn(model, trail.cloud_watch_logs_role_arn)


def topic_by_reference(model: Model, attr: Attr[str]) -> Link[Topic]:
    """A topic name or ARN → the topic record."""
    link = _follow(attr, ((t, _known(t.name, t.arn)) for t in model.topics))
    if link.status is LinkStatus.EXTERNAL:
        tail = link.value.rsplit(":", 1)[-1]
        for topic in model.topics:
            if tail in _known(topic.name):
                return Link(topic, LinkStatus.LINKED, value=link.value)
    return link


# ---------------------------------------------------------------------------
# Log group → filters → alarms → topics
# ---------------------------------------------------------------------------


def filters_on(model: Model, group: LogGroup) -> tuple[MetricFilter, ...]:
    """Metric filters whose log group is ``group`` (by name)."""
    names = {_norm(n) for n in _known(group.name)}
    return tuple(
        f
        for f in model.metric_filters
        if f.log_group_name.known and _norm(str(f.log_group_name.value)) in names
    )


def filters_with_unknown_group(model: Model) -> tuple[MetricFilter, ...]:
    """Filters whose log group cannot be resolved: they might be on any group."""
    return tuple(f for f in model.metric_filters if not f.log_group_name.known)


def alarms_for(model: Model, metric_filter: MetricFilter) -> tuple[Alarm, ...]:
    """Alarms on the filter's metric: same metric name and namespace."""
    if not (metric_filter.metric_name.known and metric_filter.metric_namespace.known):
        return ()
    name = metric_filter.metric_name.value
    namespace = metric_filter.metric_namespace.value
    return tuple(
        a
        for a in model.alarms
        if a.metric_name.known
        and a.namespace.known
        and a.metric_name.value == name
        and a.namespace.value == namespace
    )


def topics_of_alarm(model: Model, alarm: Alarm) -> list[Link[Topic]]:
    if not alarm.actions.known or not alarm.actions.value:
        return []
    return [
        topic_by_reference(model, Attr.explicit(action, alarm.actions.span))
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
