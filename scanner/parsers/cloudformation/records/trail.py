"""``AWS::CloudTrail::Trail`` → ``Trail``, with its classic and advanced event selectors.

Defaults are CloudFormation's documented ones; ``IsLogging`` has none (the template does
not deploy without it), so a trail that omits it is a CT901 at the trail, like an
ill-typed ``IsLogging: maybe``, and its logging state stays UNKNOWN, not off.
"""

from __future__ import annotations

from typing import Any

from scanner.model import (
    AdvancedEventSelector,
    Attr,
    DataResource,
    EventSelector,
    FieldSelector,
    Trail,
)
from scanner.parsers.cloudformation.decode import PosDict
from scanner.parsers.cloudformation.intrinsics import NO_VALUE
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope
from scanner.parsers.cloudformation.values import Unresolved

KIND = "AWS::CloudTrail::Trail"

# FieldSelectors operator → FieldSelector field.
_FIELD_KEYS = (
    ("Equals", "equals"),
    ("NotEquals", "not_equals"),
    ("StartsWith", "starts_with"),
    ("NotStartsWith", "not_starts_with"),
    ("EndsWith", "ends_with"),
    ("NotEndsWith", "not_ends_with"),
)


def trails(scope: Scope) -> tuple[Trail, ...]:
    return tuple(trail(scope, res) for res in scope.of(KIND))


def trail(scope: Scope, res: Resource) -> Trail:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)

    def s(key: str) -> Attr[Any]:
        return vals.scalar(props, key, "str", None, dspan)

    def b(key: str, default: bool) -> Attr[Any]:
        return vals.scalar(props, key, "bool", default, dspan)

    logging = b("IsLogging", False)
    if "IsLogging" not in props or vals.node(props, "IsLogging") is NO_VALUE:
        # Required by CloudFormation: a template without it does not deploy.
        vals.ill_typed(dspan, f"trail {res.logical} has no IsLogging, a required property")
        logging = Attr.unknown(dspan, "IsLogging is required and missing", "IsLogging")
    return Trail(
        **record_fields(scope, res),
        name=scope.name_attr(res, "TrailName"),
        s3_bucket_name=s("S3BucketName"),
        s3_key_prefix=s("S3KeyPrefix"),
        is_multi_region=b("IsMultiRegionTrail", False),
        include_global_service_events=b("IncludeGlobalServiceEvents", True),
        enable_logging=logging,
        log_file_validation=b("EnableLogFileValidation", False),
        kms_key_id=s("KMSKeyId"),
        cloud_watch_logs_group_arn=s("CloudWatchLogsLogGroupArn"),
        cloud_watch_logs_role_arn=s("CloudWatchLogsRoleArn"),
        sns_topic_name=s("SnsTopicName"),
        is_organization_trail=b("IsOrganizationTrail", False),
        event_selectors=_event_selectors(scope, res),
        advanced_event_selectors=advanced_selectors(scope, res),
    )


def _event_selectors(scope: Scope, res: Resource) -> Attr[tuple[EventSelector, ...]]:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    if vals.node(props, "EventSelectors") is NO_VALUE:
        return Attr.default((), dspan, "EventSelectors")
    span = vals.key_span(props, "EventSelectors")
    try:
        selectors = []
        for item, item_span in vals.items(props, "EventSelectors"):
            if not isinstance(item, PosDict):
                raise Unresolved("an event selector is not a mapping")
            data = []
            for resource, data_span in vals.items(item, "DataResources"):
                if not isinstance(resource, PosDict):
                    raise Unresolved("a data resource is not a mapping")
                kind = vals.scalar(resource, "Type", "str", "", data_span)
                # The selector certainly exists; a data resource whose type or values
                # cannot be resolved records that itself (as in Terraform).
                unknown = "" if kind.known else f"Type: {kind.reason}"
                try:
                    values = vals.strings(resource, "Values")
                except Unresolved as exc:
                    values, unknown = (), unknown or exc.reason
                data.append(
                    DataResource(
                        type=str(kind.value or "") if kind.known else "",
                        values=values,
                        span=data_span,
                        unknown=unknown,
                    )
                )
            read_write = vals.scalar(item, "ReadWriteType", "str", "All", item_span)
            management = vals.scalar(item, "IncludeManagementEvents", "bool", True, item_span)
            selectors.append(
                EventSelector(
                    read_write_type=read_write,
                    include_management_events=management,
                    data_resources=tuple(data),
                    exclude_management_event_sources=vals.strings(
                        item, "ExcludeManagementEventSources"
                    ),
                    span=item_span,
                )
            )
    except Unresolved as exc:
        return Attr.unknown(span, f"EventSelectors: {exc.reason}", "EventSelectors")
    return Attr.explicit(tuple(selectors), span, "EventSelectors")


def advanced_selectors(scope: Scope, res: Resource) -> Attr[tuple[AdvancedEventSelector, ...]]:
    """``AdvancedEventSelectors`` (a trail's or an event data store's)."""
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    if vals.node(props, "AdvancedEventSelectors") is NO_VALUE:
        return Attr.default((), dspan, "AdvancedEventSelectors")
    span = vals.key_span(props, "AdvancedEventSelectors")
    try:
        items = vals.items(props, "AdvancedEventSelectors")
    except Unresolved as exc:
        return Attr.unknown(span, f"AdvancedEventSelectors: {exc.reason}", "AdvancedEventSelectors")
    selectors = []
    for item, item_span in items:
        if not isinstance(item, PosDict):
            return Attr.unknown(
                span, "AdvancedEventSelectors: a selector is not a mapping", "AdvancedEventSelectors"
            )
        unknown: list[str] = []
        name = vals.scalar(item, "Name", "str", "", item_span)
        fields = []
        try:
            field_items = vals.items(item, "FieldSelectors")
        except Unresolved as exc:
            unknown.append(exc.reason)
            field_items = []
        for raw_field, _field_span in field_items:
            if not isinstance(raw_field, PosDict):
                unknown.append("a field selector is not a mapping")
                continue
            field_name = vals.scalar(raw_field, "Field", "str", "", item_span)
            if not field_name.known:
                unknown.append(field_name.reason)
                continue
            kwargs: dict[str, tuple[str, ...]] = {}
            for key, attr_name in _FIELD_KEYS:
                try:
                    kwargs[attr_name] = vals.strings(raw_field, key)
                except Unresolved as exc:
                    unknown.append(exc.reason)
            fields.append(FieldSelector(field=str(field_name.value or ""), **kwargs))
        selectors.append(
            AdvancedEventSelector(
                name=str(name.value or "") if name.known else "",
                field_selectors=tuple(fields),
                span=item_span,
                unknown="; ".join(unknown),
            )
        )
    return Attr.explicit(tuple(selectors), span, "AdvancedEventSelectors")
