"""Hand-built model records for policy and engine tests, in one place.

The policy tests do not go through a parser: they build the records here so that a policy
is tested on its own (the samples test parsers and policies together). Like a front end,
the builders name every attribute they set with the source spelling of its format
(``Attr.name``), so messages read as they do on real code.

The defaults describe one small, healthy Terraform account: a trail delivering to
``bucket()``, encrypted with ``kms_key()``, sending to ``log_group()`` through ``role()``
(``cwl_trail()``). Each builder takes keyword overrides for any field.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from scanner.engine import load_policies
from scanner.model import (
    Attr,
    Bucket,
    Condition,
    KmsKey,
    LifecycleRule,
    LifecycleTransition,
    LogGroup,
    Model,
    PolicyDocument,
    Principal,
    PublicAccessBlock,
    Role,
    Span,
    Statement,
    Suppression,
    Trail,
    Unit,
)

PATH = "main.tf"
ACCT = "${AWS::AccountId}"
TRAIL_ARN = f"arn:aws:cloudtrail:${{AWS::Region}}:{ACCT}:trail/main"
GROUP_ARN = f"arn:aws:logs:${{AWS::Region}}:{ACCT}:log-group:trail-events"
ROLE_ARN = f"arn:aws:iam::{ACCT}:role/trail-to-logs"

# How each front end spells the trail's attributes (what the parsers put in ``Attr.name``).
TERRAFORM_TRAIL_NAMES: Mapping[str, str] = {
    "name": "name",
    "s3_bucket_name": "s3_bucket_name",
    "s3_key_prefix": "s3_key_prefix",
    "is_multi_region": "is_multi_region_trail",
    "include_global_service_events": "include_global_service_events",
    "enable_logging": "enable_logging",
    "log_file_validation": "enable_log_file_validation",
    "kms_key_id": "kms_key_id",
    "cloud_watch_logs_group_arn": "cloud_watch_logs_group_arn",
    "cloud_watch_logs_role_arn": "cloud_watch_logs_role_arn",
    "sns_topic_name": "sns_topic_name",
    "is_organization_trail": "is_organization_trail",
    "event_selectors": "event_selector",
    "advanced_event_selectors": "advanced_event_selector",
}
CLOUDFORMATION_TRAIL_NAMES: Mapping[str, str] = {
    "name": "TrailName",
    "s3_bucket_name": "S3BucketName",
    "s3_key_prefix": "S3KeyPrefix",
    "is_multi_region": "IsMultiRegionTrail",
    "include_global_service_events": "IncludeGlobalServiceEvents",
    "enable_logging": "IsLogging",
    "log_file_validation": "EnableLogFileValidation",
    "kms_key_id": "KMSKeyId",
    "cloud_watch_logs_group_arn": "CloudWatchLogsLogGroupArn",
    "cloud_watch_logs_role_arn": "CloudWatchLogsRoleArn",
    "sns_topic_name": "SnsTopicName",
    "is_organization_trail": "IsOrganizationTrail",
    "event_selectors": "EventSelectors",
    "advanced_event_selectors": "AdvancedEventSelectors",
}
PAB_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


# ---------------------------------------------------------------------------
# Spans and attributes
# ---------------------------------------------------------------------------


def sp(line: int, path: str = PATH) -> Span:
    return Span(path=path, line=line)


def ex(value: Any, line: int = 2) -> Attr[Any]:
    return Attr.explicit(value, sp(line))


def df(value: Any, line: int = 1) -> Attr[Any]:
    return Attr.default(value, sp(line))


def unk(line: int = 2, reason: str = "var.x has no default") -> Attr[Any]:
    return Attr.unknown(sp(line), reason)


def _named(values: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """Give every attribute without a name the one its front end would read."""
    out = dict(values)
    for key, source in names.items():
        value = out.get(key)
        if isinstance(value, Attr) and not value.name:
            out[key] = replace(value, name=source)
    return out


# ---------------------------------------------------------------------------
# Trails
# ---------------------------------------------------------------------------


def trail(ref: str = "aws_cloudtrail.main", *, cloudformation: bool = False, **over: Any) -> Trail:
    """A trail with every attribute at its provider default (Terraform unless told)."""
    values: dict[str, Any] = dict(
        ref=ref,
        span=sp(1),
        unit=".",
        kind="AWS::CloudTrail::Trail" if cloudformation else "aws_cloudtrail",
        name=ex(ref.rsplit(".", 1)[-1]),
        s3_bucket_name=ex("audit-logs"),
        s3_key_prefix=df(None),
        is_multi_region=df(False),
        include_global_service_events=df(True),
        enable_logging=df(True),
        log_file_validation=df(False),
        kms_key_id=df(None),
        cloud_watch_logs_group_arn=df(None),
        cloud_watch_logs_role_arn=df(None),
        sns_topic_name=df(None),
        is_organization_trail=df(False),
        event_selectors=df(()),
        advanced_event_selectors=df(()),
    )
    values.update(over)
    names = CLOUDFORMATION_TRAIL_NAMES if cloudformation else TERRAFORM_TRAIL_NAMES
    return Trail(**_named(values, names))


def cfn_trail(ref: str = "Trail", **over: Any) -> Trail:
    return trail(ref, cloudformation=True, **over)


def placed_trail(
    ref: str = "aws_cloudtrail.main",
    path: str = PATH,
    line: int = 1,
    validation: bool = False,
    suppressions: tuple[Suppression, ...] = (),
    unit: str = ".",
) -> Trail:
    """A trail at ``path``:``line`` (six lines long) whose only interesting attribute is
    log file validation, written at ``line + 2`` (CT008: suppression and baseline tests)."""
    return trail(
        ref,
        span=Span(path=path, line=line, end_line=line + 5),
        unit=unit,
        suppressions=suppressions,
        log_file_validation=Attr.explicit(validation, Span(path=path, line=line + 2)),
    )


def delivering_trail(ref: str = "aws_cloudtrail.main", **over: Any) -> Trail:
    """A multi-region, validated trail delivering to ``bucket()`` (line 3)."""
    over.setdefault("s3_bucket_name", ex("audit-logs", 3))
    over.setdefault("is_multi_region", ex(True))
    over.setdefault("log_file_validation", ex(True))
    return trail(ref, **over)


def cwl_trail(**over: Any) -> Trail:
    """A delivering trail sending to ``log_group()`` through ``role()``."""
    over.setdefault("cloud_watch_logs_group_arn", ex(f"{GROUP_ARN}:*", 5))
    over.setdefault("cloud_watch_logs_role_arn", ex(ROLE_ARN, 6))
    return delivering_trail(**over)


# ---------------------------------------------------------------------------
# Policy documents
# ---------------------------------------------------------------------------


def service(name: str = "cloudtrail.amazonaws.com") -> tuple[Principal, ...]:
    return (Principal(kind="Service", value=name),)


def cond(operator: str, key: str, *values: str) -> Condition:
    return Condition(operator=operator, key=key, values=values)


def stmt(
    effect: str = "Allow",
    *,
    principals: tuple[Principal, ...] | None = None,
    actions: tuple[str, ...] = (),
    resources: tuple[str, ...] | None = ("*",),
    conditions: tuple[Condition, ...] = (),
    sid: str = "",
    line: int = 30,
) -> Statement:
    return Statement(
        sid=sid,
        effect=effect,
        principals=principals,
        actions=actions,
        resources=resources,
        conditions=conditions,
        span=sp(line),
    )


def doc(*statements: Statement, line: int = 20) -> PolicyDocument:
    return PolicyDocument(statements=statements, span=sp(line))


def acl_statement(bucket_arn: str = "arn:aws:s3:::audit-logs", line: int = 21) -> Statement:
    return stmt(
        sid="AWSCloudTrailAclCheck",
        principals=service(),
        actions=("s3:GetBucketAcl",),
        resources=(bucket_arn,),
        conditions=(cond("StringEquals", "aws:SourceArn", TRAIL_ARN),),
        line=line,
    )


def write_statement(
    path: str = f"arn:aws:s3:::audit-logs/AWSLogs/{ACCT}/*", line: int = 22
) -> Statement:
    return stmt(
        sid="AWSCloudTrailWrite",
        principals=service(),
        actions=("s3:PutObject",),
        resources=(path,),
        conditions=(
            cond("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
            cond("StringEquals", "aws:SourceArn", TRAIL_ARN),
        ),
        line=line,
    )


def delivery_policy(*extra: Statement) -> Attr[PolicyDocument]:
    return ex(doc(acl_statement(), write_statement(), *extra), 20)


def key_policy(*extra: Statement) -> Attr[PolicyDocument]:
    root = stmt(
        sid="EnableRoot",
        principals=(Principal(kind="AWS", value=f"arn:aws:iam::{ACCT}:root"),),
        actions=("kms:*",),
        line=81,
    )
    cloudtrail = stmt(
        sid="AllowCloudTrailEncrypt",
        principals=service(),
        actions=("kms:GenerateDataKey*",),
        conditions=(
            cond("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", f"arn:aws:cloudtrail:*:{ACCT}:trail/*"),
            cond("StringEquals", "aws:SourceArn", TRAIL_ARN),
        ),
        line=82,
    )
    return ex(doc(root, cloudtrail, *extra, line=80), 80)


def trust_policy(svc: str = "cloudtrail.amazonaws.com") -> Attr[PolicyDocument]:
    return ex(doc(stmt(principals=service(svc), actions=("sts:AssumeRole",), resources=None, line=101), line=100), 100)


def logs_policy(resource: str = f"{GROUP_ARN}:*", *extra: Statement) -> PolicyDocument:
    allow = stmt(actions=("logs:CreateLogStream", "logs:PutLogEvents"), resources=(resource,), line=111)
    return doc(allow, *extra, line=110)


# ---------------------------------------------------------------------------
# Buckets, keys, log groups, roles
# ---------------------------------------------------------------------------


def pab(**flags: Any) -> PublicAccessBlock:
    """A public access block with all four flags on (Terraform names)."""
    values: dict[str, Any] = {f: ex(True, 40 + i) for i, f in enumerate(PAB_FLAGS)}
    values.update(flags)
    return PublicAccessBlock(span=sp(40), **_named(values, {f: f for f in PAB_FLAGS}))


def rule(
    *,
    prefix: Attr[str] | None = None,
    enabled: Attr[bool] | None = None,
    transitions: tuple[str, ...] = ("GLACIER",),
    expiration: Attr[int] | None = None,
    narrowed: bool = False,
    rid: str = "archive",
) -> LifecycleRule:
    return LifecycleRule(
        id=rid,
        enabled=enabled or ex(True, 51),
        prefix=prefix or df("", 50),
        narrowed=narrowed,
        transitions=tuple(LifecycleTransition(storage_class=c, days=ex(90, 52)) for c in transitions),
        expiration_days=expiration or df(None, 50),
        span=sp(50),
    )


def bucket(ref: str = "aws_s3_bucket.logs", name: str = "audit-logs", **over: Any) -> Bucket:
    values: dict[str, Any] = dict(
        ref=ref,
        span=sp(10),
        unit=".",
        kind="aws_s3_bucket",
        name=ex(name, 11),
        arn=ex(f"arn:aws:s3:::{name}", 11),
        policy=delivery_policy(),
        public_access_block=ex(pab(), 40),
        acl=df("private", 10),
        lifecycle_rules=ex((rule(),), 50),
        logging_target=ex("access-logs", 60),
        versioning=ex("Enabled", 70),
        mfa_delete=df(False, 10),
        object_lock=df(False, 10),
        object_lock_retention_days=df(None, 10),
    )
    values.update(over)
    return Bucket(**values)


def kms_key(ref: str = "aws_kms_key.trail", **over: Any) -> KmsKey:
    values: dict[str, Any] = dict(
        ref=ref,
        span=sp(78),
        unit=".",
        kind="aws_kms_key",
        key_id=ex("${aws_kms_key.trail}", 78),
        arn=ex(f"arn:aws:kms:${{AWS::Region}}:{ACCT}:key/${{aws_kms_key.trail}}", 78),
        aliases=(),
        policy=key_policy(),
        rotation=ex(True, 79),
        enabled=df(True, 78),
        key_spec=df("SYMMETRIC_DEFAULT", 78),
    )
    values.update(over)
    return KmsKey(**values)


def log_group(ref: str = "aws_cloudwatch_log_group.trail", **over: Any) -> LogGroup:
    values: dict[str, Any] = dict(
        ref=ref,
        span=sp(90),
        unit=".",
        kind="aws_cloudwatch_log_group",
        name=ex("trail-events", 91),
        arn=ex(GROUP_ARN, 91),
        retention_days=ex(365, 92),
        kms_key_id=ex("${aws_kms_key.trail}", 93),
    )
    values.update(over)
    return LogGroup(**values)


def role(ref: str = "aws_iam_role.trail_to_logs", **over: Any) -> Role:
    values: dict[str, Any] = dict(
        ref=ref,
        span=sp(99),
        unit=".",
        kind="aws_iam_role",
        name=ex("trail-to-logs", 99),
        arn=ex(ROLE_ARN, 99),
        trust_policy=trust_policy(),
        permission_policies=(logs_policy(),),
        permissions_complete=True,
    )
    values.update(over)
    return Role(**values)


# ---------------------------------------------------------------------------
# Models and outcomes
# ---------------------------------------------------------------------------


def model(*trails: Trail, **kw: Any) -> Model:
    """One account holding ``trails`` (and any other records given by keyword)."""
    kw.setdefault("units", (Unit(id=".", format="terraform", files=(PATH,)),))
    return Model(trails=tuple(trails), **kw)


def model_of(*trails: Trail, account: str = "default") -> Model:
    """An account whose units are those of ``trails`` (each unit's files: its trails' paths)."""
    units: dict[str, set[str]] = {}
    for t in trails:
        units.setdefault(t.unit, set()).add(t.span.path)
    return Model(
        account=account,
        units=tuple(
            Unit(id=u, format="terraform", files=tuple(sorted(files)))
            for u, files in sorted(units.items())
        ),
        trails=trails,
    )


def run(func: Callable[[Model], Any], m: Model) -> list[Any]:
    return list(func(m))


def kinds(outcomes: list[Any]) -> list[str]:
    return [type(o).__name__ for o in outcomes]


def only(outcomes: list[Any], kind: type) -> Any:
    assert kinds(outcomes) == [kind.__name__], outcomes
    return outcomes[0]


# ---------------------------------------------------------------------------
# Monitoring items (CT401-CT415)
# ---------------------------------------------------------------------------


def monitoring_module(policy_id: str) -> Any:
    """The module of a monitoring policy: it declares ``TITLE`` and ``EVENTS``."""
    spec = next(s for s in load_policies() if s.id == policy_id)
    return importlib.import_module(spec.module)


def declared_events(policy_id: str) -> tuple[Mapping[str, Any], ...]:
    """The sample events monitoring policy ``policy_id`` requires by default."""
    return tuple(monitoring_module(policy_id).EVENTS)
