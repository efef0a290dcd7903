"""``aws_cloudtrail`` → ``Trail``, with its basic and advanced event selectors.

Defaults are the AWS provider's: single-region, global service events included, logging
on, no log file validation, management events read and write.
"""

from __future__ import annotations

from scanner.model import AdvancedEventSelector, Attr, DataResource, EventSelector, FieldSelector, Trail
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.records.attrs import bool_attr, plain_strs, str_attr
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.values import UnknownValue

_FIELD_LISTS = ("equals", "not_equals", "starts_with", "not_starts_with", "ends_with",
                "not_ends_with")


def trails(resources: Resources) -> tuple[Trail, ...]:
    return tuple(_trail(resources, i) for i in resources.of("aws_cloudtrail"))


def _trail(resources: Resources, inst: ResourceInstance) -> Trail:
    view = inst.view
    selectors = [_event_selector(v) for v in view.blocks("event_selector")]
    return Trail(
        **resources.common(inst),
        name=str_attr(view, "name"),
        s3_bucket_name=str_attr(view, "s3_bucket_name"),
        s3_key_prefix=str_attr(view, "s3_key_prefix"),
        is_multi_region=bool_attr(view, "is_multi_region_trail", False),
        include_global_service_events=bool_attr(view, "include_global_service_events", True),
        enable_logging=bool_attr(view, "enable_logging", True),
        log_file_validation=bool_attr(view, "enable_log_file_validation", False),
        kms_key_id=str_attr(view, "kms_key_id"),
        cloud_watch_logs_group_arn=str_attr(view, "cloud_watch_logs_group_arn"),
        cloud_watch_logs_role_arn=str_attr(view, "cloud_watch_logs_role_arn"),
        sns_topic_name=str_attr(view, "sns_topic_name"),
        is_organization_trail=bool_attr(view, "is_organization_trail", False),
        event_selectors=(
            Attr.explicit(tuple(selectors), selectors[0].span, "event_selector")
            if selectors else Attr.default((), view.header, "event_selector")
        ),
        advanced_event_selectors=advanced_selectors(view),
    )


def advanced_selectors(view: BodyView) -> Attr[tuple[AdvancedEventSelector, ...]]:
    """The ``advanced_event_selector`` blocks (a trail's or an event data store's)."""
    advanced = [_advanced_selector(v) for v in view.blocks("advanced_event_selector")]
    if not advanced:
        return Attr.default((), view.header, "advanced_event_selector")
    return Attr.explicit(tuple(advanced), advanced[0].span, "advanced_event_selector")


def _event_selector(view: BodyView) -> EventSelector:
    maybe = view.maybe
    resources = []
    for dr in view.blocks("data_resource"):
        rtype = dr.value("type")
        values, reason = plain_strs(dr, "values")
        if not isinstance(rtype, str):
            reason = reason or (
                rtype.reason if isinstance(rtype, UnknownValue) else "data resource type is not set"
            )
        # The selector certainly exists; only what this data resource selects is
        # partly unknown, which the data resource itself records.
        resources.append(DataResource(
            type=rtype if isinstance(rtype, str) else "", values=values, span=dr.span,
            unknown=reason or "",
        ))
        maybe = maybe or dr.maybe
    excluded, reason = plain_strs(view, "exclude_management_event_sources")
    return EventSelector(
        read_write_type=str_attr(view, "read_write_type", "All"),
        include_management_events=bool_attr(view, "include_management_events", True),
        data_resources=tuple(resources),
        exclude_management_event_sources=excluded,
        span=view.span,
        maybe=maybe or bool(reason),
    )


def _advanced_selector(view: BodyView) -> AdvancedEventSelector:
    unknown: list[str] = []
    name = view.value("name")
    if isinstance(name, UnknownValue):
        unknown.append(name.reason)
    fields = []
    for fs in view.blocks("field_selector"):
        fname = fs.value("field")
        if not isinstance(fname, str):
            unknown.append(
                fname.reason if isinstance(fname, UnknownValue) else "field is not set"
            )
            fname = ""
        lists: dict[str, tuple[str, ...]] = {}
        for key in _FIELD_LISTS:
            values, reason = plain_strs(fs, key)
            if reason:
                unknown.append(reason)
            lists[key] = values
        if fs.maybe and not view.maybe:
            unknown.append("a dynamic field_selector iterates over an unknown collection")
        fields.append(FieldSelector(field=fname, **lists))
    return AdvancedEventSelector(
        name=name if isinstance(name, str) else "",
        field_selectors=tuple(fields),
        span=view.span,
        maybe=view.maybe,
        unknown="; ".join(dict.fromkeys(unknown)),
    )
