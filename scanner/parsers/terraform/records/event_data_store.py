"""``aws_cloudtrail_event_data_store`` → ``EventDataStore`` (CloudTrail Lake).

Defaults are the AWS provider's: multi-region, not an organization store, ingesting,
termination protection on, no customer-managed key, and without advanced event
selectors all management events, read and write. Selectors are read as the trail's are.
"""

from __future__ import annotations

from dataclasses import replace

from scanner.model import Attr, EventDataStore, Origin
from scanner.parsers.terraform.records.attrs import bool_attr, int_attr, str_attr
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.records.trail import advanced_selectors

# The provider's default retention (seven years).
DEFAULT_RETENTION_DAYS = 2557


def event_data_stores(resources: Resources) -> tuple[EventDataStore, ...]:
    return tuple(_store(resources, i) for i in resources.of("aws_cloudtrail_event_data_store"))


def _store(resources: Resources, inst: ResourceInstance) -> EventDataStore:
    view = inst.view
    return EventDataStore(
        **resources.common(inst),
        name=str_attr(view, "name"),
        is_multi_region=bool_attr(view, "multi_region_enabled", True),
        is_organization=bool_attr(view, "organization_enabled", False),
        ingestion_enabled=_ingesting(bool_attr(view, "suspend", False)),
        advanced_event_selectors=advanced_selectors(view),
        kms_key_id=str_attr(view, "kms_key_id"),
        retention_days=int_attr(view, "retention_period", DEFAULT_RETENTION_DAYS),
        termination_protection=bool_attr(view, "termination_protection_enabled", True),
    )


def _ingesting(suspend: Attr[bool]) -> Attr[bool]:
    """``suspend = true`` stops ingestion: the store records nothing new."""
    if suspend.origin is Origin.UNKNOWN:
        return suspend
    return replace(suspend, value=not suspend.value)
