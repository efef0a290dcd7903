"""Provider-computed attributes that are known statically, built the way AWS builds them.

A resource whose identifying name is not written gets the symbolic token ``${<ref>}``
(see ``scanner.model``) so its id, name and ARN stay consistent with each other.

Which attributes *identify* a resource is written here too (``IDENTIFYING``): a reference
to one of them names that resource whatever its name resolves to, so the value carries the
resource's ref as its ``target`` (``scanner.parsers.common.RefStr``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner import arns
from scanner.arns import ACCOUNT, REGION
from scanner.parsers.terraform.values import UnknownValue, target_of, with_target

Value = Any


class _Missing:
    """Marker for an attribute that is not written in the block."""


MISSING = _Missing()
NOT_COMPUTED = object()

Written = Callable[[str], Value]


def _name(written: Written, symbol: str, key: str = "name") -> Value:
    value = written(key)
    if value is MISSING or value is None:
        return symbol
    return value


def _fmt(build: Callable[[str], str], name: Value) -> Value:
    if isinstance(name, UnknownValue):
        return name
    if not isinstance(name, str):
        return UnknownValue("identifying name is not a string")
    return build(name)


def _iam_path(written: Written) -> str:
    path = written("path")
    return path if isinstance(path, str) and path else "/"


def _same(name: str) -> str:
    return name


def _named(arn: Callable[[str], str], name_key: str = "name") -> dict[str, Callable[[str], str]]:
    return {"id": _same, name_key: _same, "arn": arn}


def computed(rtype: str, attr: str, written: Written, symbol: str) -> Value:
    """The statically known value of ``rtype.attr``, or ``NOT_COMPUTED``."""
    table: dict[str, Callable[[str], str]]
    if rtype == "aws_s3_bucket":
        name = _name(written, symbol, "bucket")
        table = {
            **_named(arns.s3_bucket, "bucket"),
            "bucket_domain_name": lambda n: f"{n}.s3.amazonaws.com",
            "bucket_regional_domain_name": lambda n: f"{n}.s3.{REGION}.amazonaws.com",
        }
    elif rtype == "aws_kms_key":
        name = symbol
        table = {**_named(arns.kms_key, "key_id")}
    elif rtype == "aws_kms_alias":
        name = _name(written, symbol)
        if attr == "target_key_id":
            return NOT_COMPUTED
        if attr == "target_key_arn":
            return alias_target_key_arn(written)
        table = _named(arns.kms_alias)
    elif rtype == "aws_cloudwatch_log_group":
        name = _name(written, symbol)
        table = _named(arns.log_group)
    elif rtype == "aws_iam_role":
        name = _name(written, symbol)
        path = _iam_path(written)
        table = _named(lambda n: arns.iam_role(n, path))
    elif rtype == "aws_iam_policy":
        name = _name(written, symbol)
        path = _iam_path(written)
        table = {**_named(lambda n: arns.iam_policy(n, path)), "id": lambda n: arns.iam_policy(n, path)}
    elif rtype == "aws_sns_topic":
        name = _name(written, symbol)
        table = {**_named(arns.sns_topic), "id": arns.sns_topic}
    elif rtype == "aws_cloudtrail":
        name = _name(written, symbol)
        table = _named(arns.cloudtrail_trail)
    elif rtype == "aws_cloudwatch_event_rule":
        name = _name(written, symbol)
        table = _named(arns.events_rule)
    elif rtype == "aws_cloudwatch_metric_alarm":
        name = _name(written, symbol, "alarm_name")
        table = _named(arns.cloudwatch_alarm, "alarm_name")
    elif rtype == "aws_cloudwatch_log_metric_filter":
        name = _name(written, symbol)
        table = {"id": _same, "name": _same}
    elif rtype.startswith("aws_s3_bucket_") and attr == "id":
        bucket = written("bucket")
        return symbol if bucket is MISSING else bucket
    else:
        return NOT_COMPUTED
    build = table.get(attr)
    if build is None:
        return NOT_COMPUTED
    return _fmt(build, name)


def data_source(dtype: str, attr: str, written: Written, ref: str) -> Value:
    """Attributes of the data sources whose value is the same for every deployment."""
    if dtype == "aws_caller_identity" and attr in ("account_id", "id"):
        return ACCOUNT
    if dtype == "aws_region" and attr in ("name", "region", "id"):
        value = written(attr if attr != "id" else "name")
        return REGION if value is MISSING or value is None else value
    if dtype == "aws_partition":
        if attr == "partition":
            return "aws"
        if attr == "dns_suffix":
            return "amazonaws.com"
    value = written(attr)
    if value is not MISSING:
        return value
    return UnknownValue(f"{ref}.{attr} is read from the data source {dtype} at plan time")


# Attributes that name the resource itself (its name, id or ARN), per type.
IDENTIFYING: dict[str, frozenset[str]] = {
    "aws_s3_bucket": frozenset({"id", "bucket", "arn"}),
    "aws_kms_key": frozenset({"id", "key_id", "arn"}),
    "aws_cloudwatch_log_group": frozenset({"id", "name", "arn"}),
    "aws_iam_role": frozenset({"id", "name", "arn"}),
    "aws_iam_policy": frozenset({"id", "arn"}),
    "aws_sns_topic": frozenset({"id", "name", "arn"}),
    "aws_cloudwatch_event_rule": frozenset({"id", "name", "arn"}),
    "aws_cloudtrail": frozenset({"id", "name", "arn"}),
    "aws_cloudwatch_metric_alarm": frozenset({"id", "alarm_name", "arn"}),
    "aws_cloudwatch_log_metric_filter": frozenset({"id", "name"}),
}
# An alias stands for its key: every one of these names the key it targets.
ALIAS_IDENTIFYING = frozenset({"id", "name", "arn", "target_key_arn", "target_key_id"})

# Data sources that read one existing resource by its identifying argument: when that
# argument refers to a resource of the scan, the data source *is* that resource.
LOOKUP_ARGUMENT: dict[str, tuple[str, frozenset[str]]] = {
    "aws_s3_bucket": ("bucket", frozenset({"id", "bucket", "arn"})),
    "aws_kms_key": ("key_id", frozenset({"id", "key_id", "arn"})),
    "aws_kms_alias": ("name", frozenset({"id", "name", "arn", "target_key_arn", "target_key_id"})),
    "aws_cloudwatch_log_group": ("name", frozenset({"id", "name", "arn"})),
    "aws_iam_role": ("name", frozenset({"id", "name", "arn"})),
    "aws_sns_topic": ("name", frozenset({"id", "name", "arn"})),
}


def alias_target_key_arn(written: Written) -> Value:
    """``aws_kms_alias.target_key_arn``: the ARN of the key ``target_key_id`` names."""
    key = written("target_key_id")
    if key is MISSING or key is None:
        return UnknownValue("target_key_id of the alias is not set")
    if isinstance(key, UnknownValue) or not isinstance(key, str):
        return key if isinstance(key, UnknownValue) else UnknownValue("target_key_id is not a string")
    text = key if key.startswith("arn:") else arns.kms_key(key)
    return with_target(text, target_of(key))


def identity_source(mode: str, rtype: str, attr: str) -> str | None:
    """What ``<ref>.<attr>`` identifies: ``""`` for the resource itself (``IDENTIFYING``),
    an argument's name when it is whatever that argument names (an alias: its
    ``target_key_id``; a lookup data source: its lookup argument), None for no record."""
    if mode == "data":
        entry = LOOKUP_ARGUMENT.get(rtype)
        return entry[0] if entry is not None and attr in entry[1] else None
    if rtype == "aws_kms_alias":
        return "target_key_id" if attr in ALIAS_IDENTIFYING else None
    return "" if attr in IDENTIFYING.get(rtype, frozenset()) else None


def referenced(mode: str, rtype: str, ref: str, attr: str, value: Value, written: Written) -> Value:
    """``<ref>.<attr>`` as a reference sees it: ``value`` carrying the ref of the record it
    identifies (``identity_source``), with the resource's ``${<ref>}`` token as its
    symbolic form when only the resource's name is unknown."""
    source = identity_source(mode, rtype, attr)
    if source is None:
        target = ""
    else:
        target = target_of(written(source)) if source else ref
    shape = ""
    if target == ref and isinstance(value, UnknownValue):
        shape = symbolic(rtype, attr, written, "${" + ref + "}")
    return with_target(value, target, shape)


_NAME_ARGUMENTS = frozenset({"bucket", "name", "alarm_name"})


def symbolic(rtype: str, attr: str, written: Written, symbol: str) -> str:
    """``<ref>.<attr>`` with the resource's name written as its ``${<ref>}`` token: what
    an identifying attribute is when only the name is unknown ('' when not computed)."""

    def unnamed(key: str) -> Value:
        return MISSING if key in _NAME_ARGUMENTS else written(key)

    value = computed(rtype, attr, unnamed, symbol)
    return value if isinstance(value, str) and symbol in value else ""
