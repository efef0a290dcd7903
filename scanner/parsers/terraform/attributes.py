"""Provider-computed attributes that are known statically, built the way AWS builds them.

A resource whose identifying name is not written gets the symbolic token ``${<ref>}``
(see ``scanner.model``) so its id, name and ARN stay consistent with each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.parsers.terraform.values import UnknownValue

Value = Any
ACCOUNT = "${AWS::AccountId}"
REGION = "${AWS::Region}"


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


def _fmt(template: str, name: Value) -> Value:
    if isinstance(name, UnknownValue):
        return name
    if not isinstance(name, str):
        return UnknownValue("identifying name is not a string")
    return template.replace("{name}", name)


def _iam_path(written: Written) -> str:
    path = written("path")
    return path if isinstance(path, str) and path else "/"


def computed(rtype: str, attr: str, written: Written, symbol: str) -> Value:
    """The statically known value of ``rtype.attr``, or ``NOT_COMPUTED``."""
    if rtype == "aws_s3_bucket":
        name = _name(written, symbol, "bucket")
        table = {
            "id": "{name}",
            "bucket": "{name}",
            "arn": "arn:aws:s3:::{name}",
            "bucket_domain_name": "{name}.s3.amazonaws.com",
            "bucket_regional_domain_name": "{name}.s3." + REGION + ".amazonaws.com",
        }
    elif rtype == "aws_kms_key":
        name = symbol
        table = {
            "id": "{name}",
            "key_id": "{name}",
            "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{{name}}",
        }
    elif rtype == "aws_kms_alias":
        name = _name(written, symbol)
        if attr == "target_key_id":
            return NOT_COMPUTED
        table = {"id": "{name}", "name": "{name}",
                 "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:{{name}}"}
    elif rtype == "aws_cloudwatch_log_group":
        name = _name(written, symbol)
        table = {"id": "{name}", "name": "{name}",
                 "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{{name}}"}
    elif rtype == "aws_iam_role":
        name = _name(written, symbol)
        table = {"id": "{name}", "name": "{name}",
                 "arn": f"arn:aws:iam::{ACCOUNT}:role{_iam_path(written)}{{name}}"}
    elif rtype == "aws_iam_policy":
        name = _name(written, symbol)
        arn = f"arn:aws:iam::{ACCOUNT}:policy{_iam_path(written)}{{name}}"
        table = {"id": arn, "arn": arn, "name": "{name}"}
    elif rtype == "aws_sns_topic":
        name = _name(written, symbol)
        arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{{name}}"
        table = {"id": arn, "arn": arn, "name": "{name}"}
    elif rtype == "aws_cloudtrail":
        name = _name(written, symbol)
        table = {"id": "{name}", "name": "{name}",
                 "arn": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{{name}}"}
    elif rtype == "aws_cloudwatch_event_rule":
        name = _name(written, symbol)
        table = {"id": "{name}", "name": "{name}",
                 "arn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{{name}}"}
    elif rtype == "aws_cloudwatch_metric_alarm":
        name = _name(written, symbol, "alarm_name")
        table = {"id": "{name}", "alarm_name": "{name}",
                 "arn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{{name}}"}
    elif rtype == "aws_cloudwatch_log_metric_filter":
        name = _name(written, symbol)
        table = {"id": "{name}", "name": "{name}"}
    elif rtype.startswith("aws_s3_bucket_") and attr == "id":
        bucket = written("bucket")
        return symbol if bucket is MISSING else bucket
    else:
        return NOT_COMPUTED
    template = table.get(attr)
    if template is None:
        return NOT_COMPUTED
    return _fmt(template, name)


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
