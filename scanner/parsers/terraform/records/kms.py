"""``aws_kms_key`` → ``KmsKey``, with the ``aws_kms_key_policy`` and ``aws_kms_alias``
resources that name it (by key id or ARN)."""

from __future__ import annotations

from scanner.model import KmsKey
from scanner.parsers.terraform.records.attrs import (
    bool_attr,
    computed,
    policy_attr,
    str_attr,
)
from scanner.parsers.terraform.records.context import ResourceInstance, Resources


def kms_keys(resources: Resources) -> tuple[KmsKey, ...]:
    return tuple(_key(resources, i) for i in resources.of("aws_kms_key"))


def _key(resources: Resources, inst: ResourceInstance) -> KmsKey:
    view = inst.view
    key_id = computed(inst, "key_id", "")
    arn = computed(inst, "arn", "")
    policy = policy_attr(view, "policy")
    match = {v for v in (key_id.value, arn.value) if isinstance(v, str)}
    for kp in resources.naming("aws_kms_key_policy", "key_id", inst, match):
        policy = policy_attr(kp.view, "policy")
    aliases = []
    for alias in resources.naming("aws_kms_alias", "target_key_id", inst, match):
        name = alias.computed("name")
        if isinstance(name, str):
            aliases.append(name)
    spec_name = "customer_master_key_spec" if view.has("customer_master_key_spec") else "key_spec"
    return KmsKey(
        **resources.common(inst),
        key_id=key_id,
        arn=arn,
        aliases=tuple(sorted(set(aliases))),
        policy=policy,
        rotation=bool_attr(view, "enable_key_rotation", False),
        enabled=bool_attr(view, "is_enabled", True),
        key_spec=str_attr(view, spec_name, "SYMMETRIC_DEFAULT"),
    )
