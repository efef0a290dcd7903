"""Evaluated Terraform resource instances → the unit's model records, one module per
record family (the CloudFormation front end has the same modules under the same names).

Defaults are the AWS provider's documented ones (``Origin.DEFAULT``, span = the owning
block's header); resources that configure another (a bucket policy, a key alias, an
event target) are matched to it by the resolved, possibly symbolic, name or ARN.
"""

from __future__ import annotations

from scanner.model import Model, Unit
from scanner.parsers.terraform.records.alarms import alarms
from scanner.parsers.terraform.records.bucket import account_public_access_blocks, buckets
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.records.event_data_store import event_data_stores
from scanner.parsers.terraform.records.events import event_rules
from scanner.parsers.terraform.records.iam import roles
from scanner.parsers.terraform.records.kms import kms_keys
from scanner.parsers.terraform.records.logs import log_groups, metric_filters
from scanner.parsers.terraform.records.topics import topics
from scanner.parsers.terraform.records.trail import trails

__all__ = ["build_model"]


def build_model(unit: Unit, instances: list[ResourceInstance]) -> Model:
    """The ``Model`` of one unit (without problems: the loader adds those)."""
    resources = Resources(unit.id, instances)
    # Evaluation is lazy and reports problems as it meets them: this order fixes theirs.
    bucket_records = buckets(resources)
    key_records = kms_keys(resources)
    return Model(
        units=(unit,),
        trails=trails(resources),
        event_data_stores=event_data_stores(resources),
        buckets=bucket_records,
        account_public_access_blocks=account_public_access_blocks(resources),
        kms_keys=key_records,
        log_groups=log_groups(resources),
        metric_filters=metric_filters(resources),
        alarms=alarms(resources),
        topics=topics(resources),
        event_rules=event_rules(resources),
        roles=roles(resources),
    )
