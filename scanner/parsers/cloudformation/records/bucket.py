"""``AWS::S3::Bucket`` → ``Bucket``, with the ``AWS::S3::BucketPolicy`` that names it.

The canned ACL is written the way the S3 API spells it (``public-read``), whatever the
template wrote (``PublicRead``), so a policy compares one spelling for both formats.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from scanner import arns
from scanner.model import (
    Attr,
    Bucket,
    LifecycleRule,
    LifecycleTransition,
    Origin,
    PolicyDocument,
    PublicAccessBlock,
    Span,
)
from scanner.parsers.attachments import Attachments, attach, known_names
from scanner.parsers.cloudformation.decode import PosDict
from scanner.parsers.cloudformation.intrinsics import NO_VALUE
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope, derived
from scanner.parsers.cloudformation.values import Unresolved
from scanner.parsers.common import UnknownValue

KIND = "AWS::S3::Bucket"
POLICY_KIND = "AWS::S3::BucketPolicy"

# CloudFormation's ``AccessControl`` values → the canned ACL as the S3 API spells it.
CANNED_ACLS: dict[str, str] = {
    "Private": "private",
    "PublicRead": "public-read",
    "PublicReadWrite": "public-read-write",
    "AuthenticatedRead": "authenticated-read",
    "LogDeliveryWrite": "log-delivery-write",
    "BucketOwnerRead": "bucket-owner-read",
    "BucketOwnerFullControl": "bucket-owner-full-control",
    "AwsExecRead": "aws-exec-read",
}

def buckets(scope: Scope) -> tuple[Bucket, ...]:
    resources = scope.of(KIND)
    names = {res.ref: scope.name_attr(res, "BucketName") for res in resources}
    # Resolved once, when the first bucket asks: a policy's Bucket may refer to anything
    # in the unit.
    policies = functools.cache(lambda: _bucket_policies(scope, names))
    return tuple(bucket(scope, res, names[res.ref], policies) for res in resources)


def _bucket_policies(scope: Scope, names: dict[str, Attr[str]]) -> Attachments[Resource]:
    """Bucket → the BucketPolicy resources naming it (by reference, else by name), by ref."""
    owners = [(ref, known_names(a)) for ref, a in names.items()]
    dependents = [
        (res, "Bucket", res.resolver.resolve(res.props.get("Bucket")))
        for res in sorted(scope.of(POLICY_KIND), key=lambda r: r.ref)
    ]
    return attach(owners, dependents, lambda n: n.removeprefix("arn:aws:s3:::"))


def bucket(
    scope: Scope, res: Resource, name: Attr[str], policies: Callable[[], Attachments[Resource]]
) -> Bucket:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    arn = derived(name, arns.s3_bucket(str(name.value)), "Arn")
    policy: Attr[PolicyDocument] = Attr.default(None, dspan, "PolicyDocument")
    policy_ref = ""
    table = policies()
    found = table.of(res.ref)
    if found:
        policy_ref = found[0].ref
        policy = scope.policy_attr(found[0], found[0].props, "PolicyDocument")
    elif table.maybe(res.ref):
        other, why = table.maybe(res.ref)[0]
        policy = Attr.unknown(scope.default_span(other), f"{why}; it may be the policy of "
                              f"{res.ref}", "PolicyDocument")
    fields = record_fields(scope, res)
    return Bucket(
        **fields,
        name=name,
        arn=arn,
        policy=policy,
        policy_ref=policy_ref,
        public_access_block=_public_access_block(scope, res),
        acl=canned_acl(vals.scalar(props, "AccessControl", "str", "private", dspan)),
        lifecycle_rules=_lifecycle(scope, res),
        logging_target=_logging_target(scope, res, name),
        versioning=_versioning(scope, res),
        # CloudFormation cannot set MFA delete; the name is the S3 API's.
        mfa_delete=Attr.default(False, dspan, "MfaDelete"),
        object_lock=_object_lock(scope, res),
        object_lock_retention_days=_object_lock_days(scope, res),
    )


def canned_acl(attr: Attr[str]) -> Attr[str]:
    """``AccessControl`` in the S3 API's spelling; an unrecognised value stays as written."""
    if attr.origin is Origin.EXPLICIT and attr.value in CANNED_ACLS:
        return replace(attr, value=CANNED_ACLS[attr.value])
    return attr


def _public_access_block(scope: Scope, res: Resource) -> Attr[PublicAccessBlock]:
    key = "PublicAccessBlockConfiguration"
    vals = scope.values(res)
    node, span = scope.block(res, key)
    if node is NO_VALUE:
        return Attr.default(None, span, key)
    if isinstance(node, UnknownValue):
        return Attr.unknown(span, f"{key}: {node.reason}", key)
    if not isinstance(node, PosDict):
        return Attr.unknown(span, f"{key} is not a mapping", key)

    def flag(flag_key: str) -> Attr[bool]:
        return vals.scalar(node, flag_key, "bool", False, span)

    return Attr.explicit(
        PublicAccessBlock(
            block_public_acls=flag("BlockPublicAcls"),
            block_public_policy=flag("BlockPublicPolicy"),
            ignore_public_acls=flag("IgnorePublicAcls"),
            restrict_public_buckets=flag("RestrictPublicBuckets"),
            span=span,
        ),
        span,
        key,
    )


def _logging_target(scope: Scope, res: Resource, name: Attr[str]) -> Attr[str]:
    key, target_key = "LoggingConfiguration", "DestinationBucketName"
    vals = scope.values(res)
    node, span = scope.block(res, key)
    if node is NO_VALUE:
        return Attr.default(None, span, key)
    if isinstance(node, UnknownValue):
        return Attr.unknown(span, f"{key}: {node.reason}", key)
    target = vals.scalar(node, target_key, "str", None, span)
    if target.origin is Origin.DEFAULT:
        # Without a destination, S3 writes access logs into the bucket itself (a known
        # name is always a string: written, or the ``${LogicalId}`` token).
        if name.known and name.value is not None:
            return Attr.explicit(name.value, span, target_key)
        return replace(name, name=target_key)
    return target


def _versioning(scope: Scope, res: Resource) -> Attr[str]:
    key = "VersioningConfiguration"
    node, span = scope.block(res, key)
    if node is NO_VALUE:
        return Attr.default("Disabled", span, key)
    if isinstance(node, UnknownValue):
        return Attr.unknown(span, f"{key}: {node.reason}", key)
    return scope.values(res).scalar(node, "Status", "str", "Disabled", span)


def _object_lock(scope: Scope, res: Resource) -> Attr[bool]:
    key = "ObjectLockEnabled"
    vals, dspan = scope.values(res), scope.default_span(res)
    enabled = vals.scalar(res.props, key, "bool", False, dspan)
    if enabled.origin is not Origin.DEFAULT:
        return enabled
    node, span = scope.block(res, "ObjectLockConfiguration")
    if isinstance(node, PosDict):
        status = vals.scalar(node, key, "str", None, span)
        if not status.known:
            return Attr.unknown(status.span, status.reason, key)
        if status.value is not None:
            return Attr.explicit(status.value == "Enabled", status.span, key)
    return enabled


def _object_lock_days(scope: Scope, res: Resource) -> Attr[int]:
    key = "DefaultRetention"
    vals = scope.values(res)
    node, span = scope.block(res, "ObjectLockConfiguration")
    rule = vals.node(node, "Rule") if isinstance(node, PosDict) else NO_VALUE
    retention = vals.node(rule, key) if isinstance(rule, PosDict) else NO_VALUE
    if isinstance(retention, UnknownValue):
        return Attr.unknown(span, f"{key}: {retention.reason}", key)
    if not isinstance(retention, PosDict):
        return Attr.default(None, span, key)
    days = vals.scalar(retention, "Days", "int", None, span)
    if days.value is not None or not days.known:
        return days
    years = vals.scalar(retention, "Years", "int", None, span)
    if years.known and years.value is not None:
        return Attr.explicit(int(years.value) * 365, years.span, "Years")
    return years


def _lifecycle(scope: Scope, res: Resource) -> Attr[tuple[LifecycleRule, ...]]:
    key = "LifecycleConfiguration"
    vals = scope.values(res)
    node, span = scope.block(res, key)
    if node is NO_VALUE:
        return Attr.default((), span, key)
    if isinstance(node, UnknownValue):
        return Attr.unknown(span, f"{key}: {node.reason}", key)
    try:
        rules = tuple(
            _lifecycle_rule(scope, res, item, item_span)
            for item, item_span in vals.items(node, "Rules")
        )
    except Unresolved as exc:
        return Attr.unknown(span, f"{key}: {exc.reason}", key)
    return Attr.explicit(rules, span, key)


def _lifecycle_rule(scope: Scope, res: Resource, item: Any, span: Span) -> LifecycleRule:
    vals = scope.values(res)
    if not isinstance(item, PosDict):
        raise Unresolved("a lifecycle rule is not a mapping")
    status = vals.scalar(item, "Status", "str", None, span)
    enabled: Attr[bool] = (
        Attr.explicit(status.value == "Enabled", status.span, "Status")
        if status.known and status.value is not None
        else Attr.unknown(status.span, status.reason or "Status is required and missing", "Status")
    )
    prefix = vals.scalar(item, "Prefix", "str", "", span)
    filter_node = vals.node(item, "Filter")
    if isinstance(filter_node, PosDict) and "Prefix" in filter_node:
        prefix = vals.scalar(filter_node, "Prefix", "str", "", span)
    narrowed = any(
        vals.node(item, key) is not NO_VALUE
        for key in ("TagFilters", "ObjectSizeGreaterThan", "ObjectSizeLessThan")
    )
    transitions = []
    raw_transitions = vals.items(item, "Transitions")
    single = vals.node(item, "Transition")
    if isinstance(single, PosDict):
        raw_transitions.append((single, vals.key_span(item, "Transition")))
    for transition, t_span in raw_transitions:
        if not isinstance(transition, PosDict):
            raise Unresolved("a transition is not a mapping")
        storage = vals.scalar(transition, "StorageClass", "str", "", t_span)
        if not storage.known:
            raise Unresolved(storage.reason)
        days = vals.scalar(transition, "TransitionInDays", "int", None, t_span)
        if days.origin is Origin.DEFAULT and "TransitionDate" in transition:
            days = Attr.unknown(
                t_span, "the transition is set by date, not by age", "TransitionInDays"
            )
        transitions.append(LifecycleTransition(storage_class=str(storage.value), days=days))
    expiration = vals.scalar(item, "ExpirationInDays", "int", None, span)
    if expiration.origin is Origin.DEFAULT and "ExpirationDate" in item:
        expiration = Attr.unknown(
            span, "the rule expires objects by date, not by age", "ExpirationInDays"
        )
    rule_id = vals.scalar(item, "Id", "str", "", span)
    return LifecycleRule(
        id=str(rule_id.value or "") if rule_id.known else "",
        enabled=enabled,
        prefix=prefix,
        narrowed=narrowed,
        transitions=tuple(transitions),
        expiration_days=expiration,
        span=span,
    )
