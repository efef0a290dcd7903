"""``AWS::S3::Bucket`` (+ ``BucketPolicy``) → ``Bucket`` (records/bucket.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cloudformation_template import load

from scanner.model import Origin

BUCKET = """\
    Resources:
      Logs:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: audit-logs
          AccessControl: PublicRead
          PublicAccessBlockConfiguration:
            BlockPublicAcls: true
            RestrictPublicBuckets: true
          LoggingConfiguration:
            DestinationBucketName: access-logs
          VersioningConfiguration:
            Status: Enabled
          ObjectLockEnabled: true
          ObjectLockConfiguration:
            ObjectLockEnabled: Enabled
            Rule:
              DefaultRetention: {Mode: GOVERNANCE, Years: 1}
          LifecycleConfiguration:
            Rules:
              - Id: archive
                Status: Enabled
                Prefix: AWSLogs/
                TagFilters: [{Key: k, Value: v}]
                Transitions:
                  - StorageClass: GLACIER
                    TransitionInDays: 90
                ExpirationInDays: 400
              - Id: old
                Status: Disabled
                Transition: {StorageClass: DEEP_ARCHIVE, TransitionInDays: 30}
    """


def test_bucket_mapping(tmp_path: Path) -> None:
    bucket = load(tmp_path, BUCKET).buckets[0]
    assert bucket.name.value == "audit-logs"
    assert bucket.arn.value == "arn:aws:s3:::audit-logs"
    # The canned ACL as the S3 API spells it, at the line that wrote it.
    assert bucket.acl.value == "public-read" and bucket.acl.origin is Origin.EXPLICIT
    assert bucket.acl.span.line == 6
    pab = bucket.public_access_block.value
    assert pab is not None and pab.block_public_acls.value is True
    assert (
        pab.block_public_policy.value is False and pab.block_public_policy.origin is Origin.DEFAULT
    )
    assert bucket.logging_target.value == "access-logs"
    assert bucket.versioning.value == "Enabled"
    assert bucket.object_lock.value is True and bucket.object_lock_retention_days.value == 365
    rules = bucket.lifecycle_rules.value or ()
    assert [r.id for r in rules] == ["archive", "old"]
    archive, old = rules
    assert archive.enabled.value is True and archive.prefix.value == "AWSLogs/"
    assert archive.narrowed is True and archive.expiration_days.value == 400
    assert archive.transitions[0].storage_class == "GLACIER"
    assert archive.transitions[0].days.value == 90
    assert archive.span.line == 21
    assert old.enabled.value is False and old.transitions[0].storage_class == "DEEP_ARCHIVE"
    assert old.prefix.origin is Origin.DEFAULT and old.prefix.value == ""


@pytest.mark.parametrize(
    ("written", "canned"),
    [
        ("Private", "private"),
        ("PublicRead", "public-read"),
        ("PublicReadWrite", "public-read-write"),
        ("AuthenticatedRead", "authenticated-read"),
        ("LogDeliveryWrite", "log-delivery-write"),
        ("BucketOwnerRead", "bucket-owner-read"),
        ("BucketOwnerFullControl", "bucket-owner-full-control"),
        ("AwsExecRead", "aws-exec-read"),
        # Not a CloudFormation value: kept as written for the policy to judge.
        ("public-read", "public-read"),
        ("Publicread", "Publicread"),
    ],
)
def test_access_control_is_the_s3_canned_acl(tmp_path: Path, written: str, canned: str) -> None:
    bucket = load(
        tmp_path,
        f"""\
        Parameters:
          Acl: {{Type: String, Default: {written}}}
        Resources:
          B:
            Type: AWS::S3::Bucket
            Properties: {{AccessControl: !Ref Acl}}
        """,
    ).buckets[0]
    assert (bucket.acl.value, bucket.acl.origin, bucket.acl.name) == (
        canned,
        Origin.EXPLICIT,
        "AccessControl",
    )


def test_unresolved_access_control_stays_unknown(tmp_path: Path) -> None:
    bucket = load(
        tmp_path,
        """\
        Parameters:
          Acl: {Type: String}
        Resources:
          B:
            Type: AWS::S3::Bucket
            Properties: {AccessControl: !Ref Acl}
        """,
    ).buckets[0]
    assert bucket.acl.origin is Origin.UNKNOWN and bucket.acl.value is None
    assert "Acl" in bucket.acl.reason


def test_bucket_defaults(tmp_path: Path) -> None:
    bucket = load(tmp_path, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n").buckets[0]
    assert bucket.name.value == "${B}" and bucket.arn.value == "arn:aws:s3:::${B}"
    assert bucket.acl.value == "private" and bucket.acl.origin is Origin.DEFAULT
    assert bucket.versioning.value == "Disabled"
    assert bucket.policy.origin is Origin.DEFAULT and bucket.policy.value is None
    assert bucket.public_access_block.value is None
    assert bucket.lifecycle_rules.value == () and bucket.logging_target.value is None
    assert bucket.object_lock.value is False


def test_bucket_attributes_name_their_properties(tmp_path: Path) -> None:
    written = load(tmp_path, BUCKET).buckets[0]
    assert {
        "name": written.name.name,
        "arn": written.arn.name,
        "acl": written.acl.name,
        "public_access_block": written.public_access_block.name,
        "logging_target": written.logging_target.name,
        "versioning": written.versioning.name,
        "object_lock": written.object_lock.name,
        "object_lock_retention_days": written.object_lock_retention_days.name,
        "lifecycle_rules": written.lifecycle_rules.name,
    } == {
        "name": "BucketName",
        "arn": "Arn",
        "acl": "AccessControl",
        "public_access_block": "PublicAccessBlockConfiguration",
        "logging_target": "DestinationBucketName",
        "versioning": "Status",
        "object_lock": "ObjectLockEnabled",
        "object_lock_retention_days": "Years",
        "lifecycle_rules": "LifecycleConfiguration",
    }
    pab = written.public_access_block.value
    assert pab is not None and pab.block_public_policy.name == "BlockPublicPolicy"
    archive = (written.lifecycle_rules.value or ())[0]
    assert archive.enabled.name == "Status" and archive.prefix.name == "Prefix"
    assert archive.expiration_days.name == "ExpirationInDays"
    assert archive.transitions[0].days.name == "TransitionInDays"

    # Absent: the derived name still says what the ARN is, and an absent block is named
    # by the block an author would add.
    bare = load(tmp_path, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", "bare.yaml").buckets[0]
    assert (bare.name.name, bare.name.origin) == ("BucketName", Origin.EXPLICIT)
    assert bare.arn.name == "Arn"
    assert (bare.acl.name, bare.acl.origin) == ("AccessControl", Origin.DEFAULT)
    assert bare.versioning.name == "VersioningConfiguration"
    assert bare.logging_target.name == "LoggingConfiguration"
    assert bare.lifecycle_rules.name == "LifecycleConfiguration"
    assert bare.public_access_block.name == "PublicAccessBlockConfiguration"
    assert bare.object_lock.name == "ObjectLockEnabled"
    assert bare.object_lock_retention_days.name == "DefaultRetention"
    assert bare.policy.name == "PolicyDocument"


def test_unresolved_bucket_name_leaves_the_arn_unknown_under_its_own_name(tmp_path: Path) -> None:
    bucket = load(
        tmp_path,
        """\
        Parameters:
          Name: {Type: String}
        Resources:
          B:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Ref Name
              LoggingConfiguration: {}
        """,
    ).buckets[0]
    assert bucket.name.origin is Origin.UNKNOWN and bucket.name.name == "BucketName"
    assert bucket.arn.origin is Origin.UNKNOWN and bucket.arn.name == "Arn"
    assert bucket.arn.reason == bucket.name.reason
    # Logging into itself: as unknown as the name, named by the missing destination.
    assert bucket.logging_target.origin is Origin.UNKNOWN
    assert bucket.logging_target.name == "DestinationBucketName"


def test_logging_without_destination_logs_to_itself(tmp_path: Path) -> None:
    bucket = load(
        tmp_path,
        """\
        Resources:
          B:
            Type: AWS::S3::Bucket
            Properties:
              LoggingConfiguration: {}
        """,
    ).buckets[0]
    assert bucket.logging_target.value == "${B}"


def test_bucket_policies_land_on_the_bucket_they_name(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          A:
            Type: AWS::S3::Bucket
            Properties: {BucketName: a}
          B:
            Type: AWS::S3::Bucket
          C:
            Type: AWS::S3::Bucket
          PolicyA:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: arn:aws:s3:::a
              PolicyDocument: {Statement: [{Sid: A, Effect: Deny, Action: "s3:*", Resource: "*"}]}
          PolicyB2:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref B
              PolicyDocument: {Statement: [{Sid: B2, Effect: Deny, Action: "s3:*", Resource: "*"}]}
          PolicyB1:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref B
              PolicyDocument: {Statement: [{Sid: B1, Effect: Deny, Action: "s3:*", Resource: "*"}]}
        """,
    )
    buckets = {b.ref: b for b in model.buckets}
    sids = {
        ref: [s.sid for s in (b.policy.value.statements if b.policy.value else ())]
        for ref, b in buckets.items()
    }
    # The first policy by ref wins when two name the same bucket.
    assert sids == {"A": ["A"], "B": ["B1"], "C": []}
    assert (buckets["A"].policy_ref, buckets["B"].policy_ref, buckets["C"].policy_ref) == (
        "PolicyA",
        "PolicyB1",
        "",
    )
    assert buckets["A"].policy.name == "PolicyDocument"
