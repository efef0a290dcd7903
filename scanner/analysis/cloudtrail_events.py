"""CloudTrail events the CIS monitoring items (CT401-CT415) alert on, as data.

Each monitoring policy picks its sample events from here (``EVENTS`` in its module).
Coverage is decided semantically: every item is a list of *sample events* shaped like
CloudTrail records, and a set of metric filters covers the item when every sample event is
matched by at least one filter. Matching more is fine: a filter that fires on every
``ConsoleLogin`` still alerts on a sign-in without MFA, so it covers CT402 (it is noisier,
not blind). A filter that misses a sample (``MFAUsed = "Yes"`` instead of ``!= "Yes"``,
``&&`` where ``||`` was meant, a missing event name) leaves that event uncovered.

Event names and sources follow the CIS AWS Foundations Benchmark (v3/v4 section 4, v6
section 5) as transcribed in shared/reference/anchors-rules.md section 5d; CT410's full set
adds the classic ElastiCache, RDS and Redshift security-group APIs (DESIGN.md section 3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from scanner.tri import Tri
from scanner.valueclass import ValueObject, value_class

if TYPE_CHECKING:
    from scanner.analysis.filter_pattern import Node

ACCOUNT = "123456789012"


@value_class()
class Event(ValueObject):
    """A CloudTrail event a monitoring control must see: its name and its event source."""

    name: str
    source: str  # eventSource, e.g. "ec2.amazonaws.com"


def api_call(event: Event, **extra: Any) -> dict[str, Any]:
    """A successful API call by an IAM user, as CloudTrail records it."""
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEEXAMPLE1",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
            "accountId": ACCOUNT,
            "userName": "alice",
        },
        "eventTime": "2024-01-01T00:00:00Z",
        "eventSource": event.source,
        "eventName": event.name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "readOnly": False,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    record.update(extra)
    return record


def _events(source: str, names: Sequence[str]) -> tuple[Event, ...]:
    return tuple(Event(name, source) for name in names)


IAM = "iam.amazonaws.com"
EC2 = "ec2.amazonaws.com"

IAM_POLICY_EVENTS = _events(
    IAM,
    (
        "DeleteGroupPolicy",
        "DeleteRolePolicy",
        "DeleteUserPolicy",
        "PutGroupPolicy",
        "PutRolePolicy",
        "PutUserPolicy",
        "CreatePolicy",
        "DeletePolicy",
        "CreatePolicyVersion",
        "DeletePolicyVersion",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "AttachUserPolicy",
        "DetachUserPolicy",
        "AttachGroupPolicy",
        "DetachGroupPolicy",
    ),
)
CLOUDTRAIL_EVENTS = _events(
    "cloudtrail.amazonaws.com",
    ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
)
KMS_EVENTS = _events("kms.amazonaws.com", ("DisableKey", "ScheduleKeyDeletion"))
S3_POLICY_EVENTS = _events(
    "s3.amazonaws.com",
    (
        "PutBucketAcl",
        "PutBucketPolicy",
        "PutBucketCors",
        "PutBucketLifecycle",
        "PutBucketReplication",
        "DeleteBucketPolicy",
        "DeleteBucketCors",
        "DeleteBucketLifecycle",
        "DeleteBucketReplication",
    ),
)
CONFIG_EVENTS = _events(
    "config.amazonaws.com",
    (
        "StopConfigurationRecorder",
        "DeleteDeliveryChannel",
        "PutDeliveryChannel",
        "PutConfigurationRecorder",
    ),
)
EC2_SECURITY_GROUP_EVENTS = _events(
    EC2,
    (
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
    ),
)
SECURITY_GROUP_EVENTS = (
    *EC2_SECURITY_GROUP_EVENTS,
    *_events(
        "elasticache.amazonaws.com",
        (
            "CreateCacheSecurityGroup",
            "DeleteCacheSecurityGroup",
            "AuthorizeCacheSecurityGroupIngress",
            "RevokeCacheSecurityGroupIngress",
        ),
    ),
    *_events(
        "rds.amazonaws.com",
        (
            "CreateDBSecurityGroup",
            "DeleteDBSecurityGroup",
            "AuthorizeDBSecurityGroupIngress",
            "RevokeDBSecurityGroupIngress",
        ),
    ),
    *_events(
        "redshift.amazonaws.com",
        (
            "CreateClusterSecurityGroup",
            "DeleteClusterSecurityGroup",
            "AuthorizeClusterSecurityGroupIngress",
            "RevokeClusterSecurityGroupIngress",
        ),
    ),
)
NACL_EVENTS = _events(
    EC2,
    (
        "CreateNetworkAcl",
        "CreateNetworkAclEntry",
        "DeleteNetworkAcl",
        "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry",
        "ReplaceNetworkAclAssociation",
    ),
)
GATEWAY_EVENTS = _events(
    EC2,
    (
        "CreateCustomerGateway",
        "DeleteCustomerGateway",
        "AttachInternetGateway",
        "CreateInternetGateway",
        "DeleteInternetGateway",
        "DetachInternetGateway",
    ),
)
ROUTE_TABLE_EVENTS = _events(
    EC2,
    (
        "CreateRoute",
        "CreateRouteTable",
        "ReplaceRoute",
        "ReplaceRouteTableAssociation",
        "DeleteRouteTable",
        "DeleteRoute",
        "DisassociateRouteTable",
    ),
)
VPC_EVENTS = _events(
    EC2,
    (
        "CreateVpc",
        "DeleteVpc",
        "ModifyVpcAttribute",
        "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection",
        "DeleteVpcPeeringConnection",
        "RejectVpcPeeringConnection",
        "AttachClassicLinkVpc",
        "DetachClassicLinkVpc",
        "DisableVpcClassicLink",
        "EnableVpcClassicLink",
    ),
)
ORGANIZATIONS_EVENTS = _events(
    "organizations.amazonaws.com",
    (
        "AcceptHandshake",
        "AttachPolicy",
        "CreateAccount",
        "CreateOrganizationalUnit",
        "CreatePolicy",
        "DeclineHandshake",
        "DeleteOrganization",
        "DeleteOrganizationalUnit",
        "DeletePolicy",
        "DetachPolicy",
        "DisablePolicyType",
        "EnablePolicyType",
        "InviteAccountToOrganization",
        "LeaveOrganization",
        "MoveAccount",
        "RemoveAccountFromOrganization",
        "UpdatePolicy",
        "UpdateOrganizationalUnit",
    ),
)

Sample = Mapping[str, Any]


def calls(events: Sequence[Event]) -> tuple[Sample, ...]:
    """One successful call of each API, as CloudTrail records it."""
    return tuple(api_call(e) for e in events)


# -- samples that are not "one successful API call per name" -----------------------------

UNAUTHORIZED_CALLS: tuple[Sample, ...] = (
    # EC2 reports authorisation failures as Client.UnauthorizedOperation ...
    api_call(
        Event("RunInstances", EC2),
        errorCode="Client.UnauthorizedOperation",
        errorMessage="You are not authorized to perform this operation.",
    ),
    # ... most other services as AccessDenied.
    api_call(
        Event("ListUsers", IAM),
        errorCode="AccessDenied",
        errorMessage=f"User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: iam:ListUsers",
    ),
)


def _console_login(**extra: Any) -> dict[str, Any]:
    record = api_call(
        Event("ConsoleLogin", "signin.amazonaws.com"),
        eventType="AwsConsoleSignIn",
        additionalEventData={
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": "No",
        },
        responseElements={"ConsoleLogin": "Success"},
    )
    record.pop("readOnly")
    record.update(extra)
    return record


_ROOT_IDENTITY = {
    "type": "Root",
    "principalId": ACCOUNT,
    "arn": f"arn:aws:iam::{ACCOUNT}:root",
    "accountId": ACCOUNT,
}

ROOT_USAGE: tuple[Sample, ...] = (
    api_call(Event("CreateAccessKey", IAM), userIdentity=dict(_ROOT_IDENTITY)),
    _console_login(userIdentity=dict(_ROOT_IDENTITY)),
)
CONSOLE_SIGNIN_WITHOUT_MFA: tuple[Sample, ...] = (_console_login(),)
FAILED_CONSOLE_LOGIN: tuple[Sample, ...] = (
    _console_login(
        errorMessage="Failed authentication",
        responseElements={"ConsoleLogin": "Failure"},
    ),
)


def _path(record: Mapping[str, Any], *keys: str) -> object:
    current: object = record
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def event_label(record: Mapping[str, Any]) -> str:
    """A short name for a sample event in messages: the eventName, qualified when needed.

    An EventBridge-wrapped record (``as_eventbridge_event``) is named by its ``detail``.
    """
    detail = record.get("detail")
    if "detail-type" in record and isinstance(detail, Mapping):
        record = detail
    name = str(record.get("eventName", "?"))
    qualifiers: list[str] = []
    if _path(record, "userIdentity", "type") == "Root":
        qualifiers.append("by root")
    if "errorCode" in record:
        qualifiers.append(f"errorCode {record['errorCode']}")
    elif "errorMessage" in record:
        qualifiers.append(f"errorMessage {record['errorMessage']!r}")
    elif name == "ConsoleLogin" and _path(record, "additionalEventData", "MFAUsed") == "No":
        qualifiers.append("without MFA")
    return f"{name} ({', '.join(qualifiers)})" if qualifiers else name


def uncovered_by(
    events: Sequence[Mapping[str, Any]],
    matchers: Sequence[Callable[[Mapping[str, Any]], Tri]],
) -> tuple[list[str], list[str]]:
    """(labels no matcher surely matches and none may match, labels only maybe matched)."""
    missing: list[str] = []
    unknown: list[str] = []
    for event in events:
        results = [m(event) for m in matchers]
        if any(r is True for r in results):
            continue
        label = event_label(event)
        target = unknown if any(r is None for r in results) else missing
        if label not in target:
            target.append(label)
    return missing, unknown


def uncovered(events: Sequence[Mapping[str, Any]], nodes: Sequence[Node]) -> tuple[list[str], list[str]]:
    """(events no filter matches, events where some filter's answer is unknown), in order."""
    from scanner.analysis.filter_pattern import matches  # only when there are filters to read

    return uncovered_by(events, [partial(matches, node) for node in nodes])
