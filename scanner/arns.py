"""How AWS names things: the one place that spells ARNs and the pseudo-parameter tokens.

Both front ends build the identities of the resources they load here, and the analysis
builds the identities CloudTrail will use here, so a bucket ARN written by the Terraform
parser, by the CloudFormation parser and by CT101 is the same string by construction.
Values that are not known before deploy stay symbolic (see ``scanner.model``).
"""

from __future__ import annotations

ACCOUNT = "${AWS::AccountId}"
REGION = "${AWS::Region}"


def s3_bucket(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def kms_key(key_id: str) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"


def kms_alias(alias_name: str) -> str:
    """``alias_name`` includes its ``alias/`` prefix, as AWS writes it."""
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:{alias_name}"


def log_group(name: str) -> str:
    """Without the ``:*`` suffix (Terraform's ``arn``; CloudFormation's ``Arn`` adds it)."""
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"


def sns_topic(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def iam_role(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:role{path}{name}"


def iam_policy(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy{path}{name}"


def cloudtrail_trail(name: str) -> str:
    return f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"


def events_rule(name: str) -> str:
    return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}"


def cloudwatch_alarm(name: str) -> str:
    return f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"
