"""``AWS::KMS::Key`` → ``KmsKey``, with the ``AWS::KMS::Alias`` resources that target it."""

from __future__ import annotations

import functools
from collections.abc import Callable

from scanner.model import Attr, KmsKey
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope

KIND = "AWS::KMS::Key"
ALIAS_KIND = "AWS::KMS::Alias"


def kms_keys(scope: Scope) -> tuple[KmsKey, ...]:
    # Resolved once, when the first key asks: an alias may target any key of the unit.
    aliases = functools.cache(lambda: _aliases(scope))
    return tuple(kms_key(scope, res, aliases) for res in scope.of(KIND))


def _aliases(scope: Scope) -> dict[str, list[str]]:
    """Resolved ``TargetKeyId`` (a key id or ARN) → the alias names pointing at it."""
    out: dict[str, list[str]] = {}
    for alias in scope.of(ALIAS_KIND):
        target = alias.resolver.resolve(alias.props.get("TargetKeyId"))
        name = alias.resolver.resolve(alias.props.get("AliasName"))
        if isinstance(name, str) and isinstance(target, str):
            out.setdefault(target, []).append(name)
    return out


def kms_key(scope: Scope, res: Resource, aliases: Callable[[], dict[str, list[str]]]) -> KmsKey:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    key_id = res.resolver.token(res.logical)
    arn = res.resolver.get_att(res.logical, "Arn")
    by_target = aliases()
    names = [*by_target.get(key_id, ()), *(by_target.get(arn, ()) if isinstance(arn, str) else ())]
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
