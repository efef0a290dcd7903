"""``aws_kms_key`` → ``KmsKey``, with the ``aws_kms_key_policy`` and ``aws_kms_alias``
resources that name it (by key id or ARN)."""

from __future__ import annotations

from scanner.model import Attr, KmsKey
from scanner.parsers.attachments import Attachments, known_names
from scanner.parsers.terraform.records.attrs import (
    bool_attr,
    computed,
    policy_attr,
    str_attr,
)
from scanner.parsers.terraform.records.context import ResourceInstance, Resources


def kms_keys(resources: Resources) -> tuple[KmsKey, ...]:
    keys = resources.of("aws_kms_key")
    identities = {i.ref: (computed(i, "key_id", ""), computed(i, "arn", "")) for i in keys}
    owners = [(ref, known_names(*attrs)) for ref, attrs in identities.items()]
    policies = resources.attach(owners, "aws_kms_key_policy", "key_id")
    aliases = resources.attach(owners, "aws_kms_alias", "target_key_id")
    return tuple(_key(resources, i, *identities[i.ref], policies, aliases) for i in keys)


def _key(
    resources: Resources, inst: ResourceInstance, key_id: Attr[str], arn: Attr[str],
    policies: Attachments[ResourceInstance], alias_table: Attachments[ResourceInstance],
) -> KmsKey:
    view = inst.view
    policy = policy_attr(view, "policy")
    for kp in policies.of(inst.ref):
        policy = policy_attr(kp.view, "policy")
    maybe = policies.maybe(inst.ref, key_id.known)
    if maybe and not view.has("policy"):
        kp, why = maybe[0]
        policy = Attr.unknown(kp.header, f"{why}; it may be the policy of {inst.ref}",
                              "aws_kms_key_policy")
    aliases = []
    for alias in alias_table.of(inst.ref):
        name = alias.computed("name")
        if isinstance(name, str):
            aliases.append(str(name))
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
