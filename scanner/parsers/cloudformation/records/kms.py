"""``AWS::KMS::Key`` → ``KmsKey``, with the ``AWS::KMS::Alias`` resources that target it."""

from __future__ import annotations

import functools
from collections.abc import Callable

from scanner.model import Attr, KmsKey
from scanner.parsers.attachments import attach
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope

KIND = "AWS::KMS::Key"
ALIAS_KIND = "AWS::KMS::Alias"


def kms_keys(scope: Scope) -> tuple[KmsKey, ...]:
    # Resolved once, when the first key asks: an alias may target any key of the unit.
    aliases = functools.cache(lambda: _aliases(scope))
    return tuple(kms_key(scope, res, aliases) for res in scope.of(KIND))


def _identifiers(res: Resource) -> list[str]:
    arn = res.resolver.get_att(res.logical, "Arn")
    return [res.resolver.token(res.logical), *([str(arn)] if isinstance(arn, str) else [])]


def _aliases(scope: Scope) -> dict[str, list[str]]:
    """Key ref → the names of the aliases targeting it (by reference, else by id or ARN)."""
    owners = [(res.ref, _identifiers(res)) for res in scope.of(KIND)]
    dependents = [
        (alias, "TargetKeyId", alias.resolver.resolve(alias.props.get("TargetKeyId")))
        for alias in scope.of(ALIAS_KIND)
    ]
    table = attach(owners, dependents)
    out: dict[str, list[str]] = {}
    for ref, _ in owners:
        for alias in table.of(ref):
            name = alias.resolver.resolve(alias.props.get("AliasName"))
            if isinstance(name, str):
                out.setdefault(ref, []).append(str(name))
    return out


def kms_key(scope: Scope, res: Resource, aliases: Callable[[], dict[str, list[str]]]) -> KmsKey:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    key_id = res.resolver.token(res.logical)
    arn = res.resolver.get_att(res.logical, "Arn")
    names = aliases().get(res.ref, [])
    return KmsKey(
        **record_fields(scope, res),
        key_id=Attr.explicit(key_id, dspan, "KeyId"),
        arn=Attr.explicit(str(arn), dspan, "Arn"),
        aliases=tuple(sorted(set(names))),
        policy=scope.policy_attr(res, props, "KeyPolicy"),
        rotation=vals.scalar(props, "EnableKeyRotation", "bool", False, dspan),
        enabled=vals.scalar(props, "Enabled", "bool", True, dspan),
        key_spec=vals.scalar(props, "KeySpec", "str", "SYMMETRIC_DEFAULT", dspan),
    )
