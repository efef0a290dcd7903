"""``AWS::CloudTrail::EventDataStore`` → ``EventDataStore`` (CloudTrail Lake).

Defaults are CloudFormation's documented ones: ``MultiRegionEnabled`` true,
``OrganizationEnabled`` false, ``IngestionEnabled`` true, ``RetentionPeriod`` 2557 days,
``TerminationProtectionEnabled`` true, no ``KmsKeyId`` (a key CloudTrail owns), and
without ``AdvancedEventSelectors`` all management events. Selectors are read as the
trail's are.
"""

from __future__ import annotations

from typing import Any

from scanner.model import Attr, EventDataStore
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope
from scanner.parsers.cloudformation.records.trail import advanced_selectors

KIND = "AWS::CloudTrail::EventDataStore"
DEFAULT_RETENTION_DAYS = 2557


def event_data_stores(scope: Scope) -> tuple[EventDataStore, ...]:
    return tuple(event_data_store(scope, res) for res in scope.of(KIND))


def event_data_store(scope: Scope, res: Resource) -> EventDataStore:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)

    def b(key: str, default: bool) -> Attr[Any]:
        return vals.scalar(props, key, "bool", default, dspan)

    return EventDataStore(
        **record_fields(scope, res),
        name=scope.name_attr(res, "Name"),
        is_multi_region=b("MultiRegionEnabled", True),
        is_organization=b("OrganizationEnabled", False),
        ingestion_enabled=b("IngestionEnabled", True),
        advanced_event_selectors=advanced_selectors(scope, res),
        kms_key_id=vals.scalar(props, "KmsKeyId", "str", None, dspan),
        retention_days=vals.scalar(props, "RetentionPeriod", "int", DEFAULT_RETENTION_DAYS, dspan),
        termination_protection=b("TerminationProtectionEnabled", True),
    )
