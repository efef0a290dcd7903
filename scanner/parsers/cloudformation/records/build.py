"""Assemble one unit's model from the resources of all its templates."""

from __future__ import annotations

from dataclasses import replace

from scanner.model import Model, NotCreated, ParseProblem, Unit
from scanner.parsers.cloudformation.intrinsics import Resolver
from scanner.parsers.cloudformation.records import (
    alarms,
    bucket,
    event_data_store,
    events,
    iam,
    kms,
    logs,
    topics,
    trail,
)
from scanner.parsers.cloudformation.records.resource import Scope, resources_of


def build_model(unit: Unit, resolvers: list[Resolver], problems: list[ParseProblem]) -> Model:
    """The unit's records; ``problems`` (the loader's so far) come first in the model,
    then what reading the resources found, in the order the families are built."""
    not_created: list[NotCreated] = []
    scope = Scope(unit, resources_of(resolvers, problems, not_created))
    # Keyword arguments are evaluated in order: the families report their problems in
    # this order, and ``problems`` is read last, once every family has been built.
    return Model(
        units=(unit,),
        trails=trail.trails(scope),
        not_created=tuple(replace(r, unit=unit.id) for r in not_created),
        event_data_stores=event_data_store.event_data_stores(scope),
        buckets=bucket.buckets(scope),
        kms_keys=kms.kms_keys(scope),
        log_groups=logs.log_groups(scope),
        metric_filters=logs.metric_filters(scope),
        alarms=alarms.alarms(scope),
        topics=topics.topics(scope),
        event_rules=events.event_rules(scope),
        roles=iam.roles(scope),
        problems=(*problems, *scope.problems),
    )
