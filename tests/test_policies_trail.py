"""Trail-configuration policies (CT001-CT013) and scanner.analysis.trails on hand-built models.

These tests do not go through a parser: every record is built here, so the policy logic is
tested on its own (the samples test the parsers and policies together).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from builders import PATH, cfn_trail, df, ex, kinds, model, run, sp, trail, unk

from policies.ct001_multi_region_trail import multi_region_trail
from policies.ct002_account_trail_coverage import account_trail_coverage
from policies.ct003_trail_required import trail_required
from policies.ct004_global_events_recorded import global_events_recorded
from policies.ct005_global_events_once import global_events_once
from policies.ct006_trail_deployable import trail_deployable
from policies.ct007_trail_logging_enabled import trail_logging_enabled
from policies.ct008_log_file_validation import log_file_validation
from policies.ct009_kms_encryption import kms_encryption
from policies.ct010_cloudwatch_integration import cloudwatch_integration
from policies.ct011_trail_after_bucket_policy import trail_after_bucket_policy
from policies.ct012_sns_notification import sns_notification
from policies.ct013_s3_data_events import s3_data_events
from scanner.analysis import trails as T
from scanner.model import (
    AdvancedEventSelector,
    Attr,
    Bucket,
    DataResource,
    EventSelector,
    FieldSelector,
    Model,
    PolicyDocument,
    Settings,
    Span,
)
from scanner.policy import Fail
from scanner.tri import all_of, any_of, negate


def selector(
    rw: str = "All",
    mgmt: bool = True,
    data: tuple[DataResource, ...] = (),
    exclude: tuple[str, ...] = (),
    maybe: bool = False,
) -> EventSelector:
    return EventSelector(
        read_write_type=ex(rw, 5),
        include_management_events=ex(mgmt, 6),
        data_resources=data,
        exclude_management_event_sources=exclude,
        span=sp(4),
        maybe=maybe,
    )


def s3(*values: str) -> DataResource:
    return DataResource(type="AWS::S3::Object", values=values, span=sp(7))


def adv(*fields: FieldSelector, name: str = "sel", maybe: bool = False, unknown: str = "") -> AdvancedEventSelector:
    return AdvancedEventSelector(name=name, field_selectors=fields, span=sp(4), maybe=maybe, unknown=unknown)


def fs(field: str, **kw: tuple[str, ...]) -> FieldSelector:
    return FieldSelector(field=field, **kw)


def classic(*sels: EventSelector) -> Attr[Any]:
    return ex(tuple(sels), 4)


def advanced(*sels: AdvancedEventSelector) -> Attr[Any]:
    return ex(tuple(sels), 4)


def fails(outcomes: list[Any]) -> list[Fail]:
    return [o for o in outcomes if isinstance(o, Fail)]


# ---------------------------------------------------------------------------
# scanner.analysis.trails
# ---------------------------------------------------------------------------


def test_kleene() -> None:
    assert all_of((True, None)) is None and all_of((False, None)) is False and all_of(()) is True
    assert any_of((False, None)) is None and any_of((True, None)) is True and any_of(()) is False
    assert negate(None) is None and negate(False) is True


def test_no_selectors_records_all_management_events() -> None:
    t = trail()
    assert T.records_management_events(t) == (True, True)
    assert T.records_all_management_events(t) is True
    assert T.records_s3_data_events(t) == (False, False)


@pytest.mark.parametrize(
    ("rw", "mgmt", "expected"),
    [
        ("All", True, (True, True)),
        ("ReadOnly", True, (True, False)),
        ("WriteOnly", True, (False, True)),
        ("All", False, (False, False)),
    ],
)
def test_classic_selector_read_write(rw: str, mgmt: bool, expected: tuple[bool, bool]) -> None:
    assert T.records_management_events(trail(event_selectors=classic(selector(rw, mgmt)))) == expected


def test_classic_selectors_union() -> None:
    t = trail(event_selectors=classic(selector("ReadOnly"), selector("WriteOnly")))
    assert T.records_management_events(t) == (True, True)
    assert T.records_all_management_events(t) is True


def test_classic_exclusions_are_not_all_events() -> None:
    t = trail(event_selectors=classic(selector(exclude=("kms.amazonaws.com",))))
    cov = T.management_coverage(t)
    assert (cov.read, cov.write) == (True, True)
    assert T.records_all_management_events(t) is False
    assert cov.excluded == ("kms.amazonaws.com",)
    # A second selector without exclusions restores full coverage.
    t2 = trail(event_selectors=classic(selector(exclude=("kms.amazonaws.com",)), selector()))
    assert T.records_all_management_events(t2) is True


def test_classic_unknown_and_maybe() -> None:
    rw_unknown = EventSelector(
        read_write_type=unk(5),
        include_management_events=ex(True, 6),
        data_resources=(),
        exclude_management_event_sources=(),
        span=sp(4),
    )
    assert T.records_management_events(trail(event_selectors=classic(rw_unknown))) == (None, None)
    assert T.records_management_events(trail(event_selectors=classic(selector(maybe=True)))) == (None, None)
    # A maybe selector cannot turn a definite False into True; a definite one stays True.
    t = trail(event_selectors=classic(selector("ReadOnly"), selector("WriteOnly", maybe=True)))
    assert T.records_management_events(t) == (True, None)
    assert T.records_management_events(trail(event_selectors=unk(4))) == (None, None)
    assert T.management_coverage(trail(event_selectors=unk(4))).reason


def test_advanced_management_selectors() -> None:
    mgmt = fs("eventCategory", equals=("Management",))
    assert T.records_management_events(trail(advanced_event_selectors=advanced(adv(mgmt)))) == (True, True)
    read = adv(mgmt, fs("readOnly", equals=("true",)))
    write = adv(mgmt, fs("readOnly", equals=("false",)))
    assert T.records_management_events(trail(advanced_event_selectors=advanced(read))) == (True, False)
    assert T.records_management_events(trail(advanced_event_selectors=advanced(write))) == (False, True)
    both = trail(advanced_event_selectors=advanced(read, write))
    assert T.records_all_management_events(both) is True
    no_kms = adv(mgmt, fs("eventSource", not_equals=("kms.amazonaws.com",)))
    cov = T.management_coverage(trail(advanced_event_selectors=advanced(no_kms)))
    assert (cov.read, cov.write, cov.read_all, cov.excluded) == (True, True, False, ("kms.amazonaws.com",))
    data_only = adv(fs("eventCategory", equals=("Data",)), fs("resources.type", equals=("AWS::S3::Object",)))
    assert T.records_management_events(trail(advanced_event_selectors=advanced(data_only))) == (False, False)
    # Advanced selectors replace classic ones.
    t = trail(event_selectors=classic(selector()), advanced_event_selectors=advanced(data_only))
    assert T.records_management_events(t) == (False, False)


def test_advanced_unknown_parts() -> None:
    mgmt = fs("eventCategory", equals=("Management",))
    assert T.records_management_events(
        trail(advanced_event_selectors=advanced(adv(mgmt, unknown="var.sources")))
    ) == (None, None)
    assert T.records_management_events(trail(advanced_event_selectors=unk(4))) == (None, None)
    assert T.records_management_events(trail(advanced_event_selectors=advanced(adv(mgmt, maybe=True)))) == (
        None,
        None,
    )


def test_logging_and_global_events() -> None:
    assert T.is_logging(trail()) is True
    assert T.is_logging(trail(enable_logging=ex(False))) is False
    assert T.is_logging(trail(enable_logging=unk())) is None
    assert T.records_global_events(trail()) is True
    assert T.records_global_events(trail(include_global_service_events=ex(False))) is False
    assert T.records_global_events(trail(enable_logging=ex(False))) is False
    data_only = classic(selector(mgmt=False, data=(s3("arn:aws:s3"),)))
    assert T.records_global_events(trail(event_selectors=data_only)) is False
    assert T.records_global_events(trail(include_global_service_events=unk())) is None
    # Unknown but already excluded by another fact: False wins.
    assert T.records_global_events(trail(include_global_service_events=unk(), enable_logging=ex(False))) is False


def test_s3_data_events_classic() -> None:
    all_rw = trail(event_selectors=classic(selector(data=(s3("arn:aws:s3:::"),))))
    assert T.records_s3_data_events(all_rw) == (True, True)
    partition = trail(event_selectors=classic(selector(data=(s3("arn:${AWS::Partition}:s3"),))))
    assert T.records_s3_data_events(partition) == (True, True)
    write = trail(event_selectors=classic(selector("WriteOnly", data=(s3("arn:aws:s3"),))))
    assert T.records_s3_data_events(write) == (False, True)
    buckets = trail(event_selectors=classic(selector(data=(s3("arn:aws:s3:::logs/"),))))
    assert T.records_s3_data_events(buckets) == (False, False)
    assert T.s3_data_coverage(buckets).partial == ("arn:aws:s3:::logs/",)
    lam = DataResource(type="AWS::Lambda::Function", values=("arn:aws:lambda",), span=sp(7))
    assert T.records_s3_data_events(trail(event_selectors=classic(selector(data=(lam,))))) == (False, False)
    maybe = trail(event_selectors=classic(selector(data=(s3("arn:aws:s3"),), maybe=True)))
    assert T.records_s3_data_events(maybe) == (None, None)


def test_unresolved_data_resource_is_unknown_coverage_not_an_uncertain_selector() -> None:
    unresolved = DataResource(type="AWS::S3::Object", values=(), span=sp(7), unknown="data.aws_s3_bucket.x")
    t = trail(event_selectors=classic(selector(data=(unresolved,))))
    assert T.records_s3_data_events(t) == (None, None)
    # The selector itself is certain: its management events still count.
    assert T.records_management_events(t) == (True, True)
    both = trail(event_selectors=classic(selector(data=(unresolved, s3("arn:aws:s3:::")))))
    assert T.records_s3_data_events(both) == (True, True)
    other = DataResource(type="AWS::Lambda::Function", values=(), span=sp(7), unknown="var.fn")
    assert T.records_s3_data_events(trail(event_selectors=classic(selector(data=(other,))))) == (False, False)


def test_s3_data_events_advanced() -> None:
    data = fs("eventCategory", equals=("Data",))
    obj = fs("resources.type", equals=("AWS::S3::Object",))
    assert T.records_s3_data_events(trail(advanced_event_selectors=advanced(adv(data, obj)))) == (True, True)
    read = adv(data, obj, fs("readOnly", equals=("true",)))
    assert T.records_s3_data_events(trail(advanced_event_selectors=advanced(read))) == (True, False)
    narrowed = adv(data, obj, fs("resources.ARN", starts_with=("arn:aws:s3:::logs/",)), name="logs only")
    t = trail(advanced_event_selectors=advanced(narrowed))
    assert T.records_s3_data_events(t) == (False, False)
    assert T.s3_data_coverage(t).partial == ("logs only",)
    assert T.records_s3_data_events(trail(advanced_event_selectors=advanced(adv(data, obj, unknown="x")))) == (
        None,
        None,
    )


def test_messages_name_attributes_as_the_source_spells_them() -> None:
    tf = run(multi_region_trail, model(trail()))[0]
    cfn = run(multi_region_trail, model(cfn_trail()))[0]
    assert "(is_multi_region_trail not set, default false)" in tf.message
    assert "(IsMultiRegionTrail not set, default false)" in cfn.message
    assert "no KMSKeyId" in run(kms_encryption, model(cfn_trail()))[0].message


# ---------------------------------------------------------------------------
# Per-trail policies
# ---------------------------------------------------------------------------


def test_ct001_multi_region() -> None:
    assert kinds(run(multi_region_trail, model(trail(is_multi_region=ex(True))))) == ["Pass"]
    out = run(multi_region_trail, model(trail(is_multi_region=df(False, 1))))
    assert kinds(out) == ["Fail"] and out[0].span.line == 1
    assert "records only its home region" in out[0].message
    assert kinds(run(multi_region_trail, model(trail(is_multi_region=unk())))) == ["Unknown"]
    # Another multi-region trail is named in the message (still a per-trail finding).
    both = run(
        multi_region_trail,
        model(trail("aws_cloudtrail.a", is_multi_region=ex(True)), trail("aws_cloudtrail.b")),
    )
    assert kinds(both) == ["Pass", "Fail"]
    assert "aws_cloudtrail.a" in both[1].message and both[1].related[0].ref == "aws_cloudtrail.a"
    assert run(multi_region_trail, model()) == []


def test_ct007_logging() -> None:
    assert kinds(run(trail_logging_enabled, model(trail()))) == ["Pass"]
    out = run(trail_logging_enabled, model(trail(enable_logging=ex(False, 3))))
    assert kinds(out) == ["Fail"] and out[0].span.line == 3 and "enable_logging = false" in out[0].message
    cfn = run(trail_logging_enabled, model(cfn_trail(enable_logging=ex(False, 3))))
    assert "IsLogging = false" in cfn[0].message
    # CloudFormation IsLogging is required: missing gives UNKNOWN, never a failure.
    missing = run(trail_logging_enabled, model(cfn_trail(enable_logging=unk(1, "IsLogging is required"))))
    assert kinds(missing) == ["Unknown"] and missing[0].reason == "IsLogging is required"


def test_ct008_example_still_passes() -> None:
    assert kinds(run(log_file_validation, model(trail(log_file_validation=ex(True))))) == ["Pass"]
    assert kinds(run(log_file_validation, model(trail()))) == ["Fail"]


def test_ct009_kms() -> None:
    assert kinds(run(kms_encryption, model(trail(kms_key_id=ex("arn:aws:kms:us-east-1:1:key/x"))))) == ["Pass"]
    out = run(kms_encryption, model(trail()))
    assert kinds(out) == ["Fail"]
    assert "not encrypted with a customer-managed KMS key (SSE-KMS); logs get only the default SSE-S3" in (
        out[0].message
    )
    assert kinds(run(kms_encryption, model(trail(kms_key_id=ex(""))))) == ["Fail"]
    assert kinds(run(kms_encryption, model(trail(kms_key_id=unk())))) == ["Unknown"]


def test_ct010_cloudwatch() -> None:
    group = ex("arn:aws:logs:us-east-1:1:log-group:ct:*", 3)
    role = ex("arn:aws:iam::1:role/ct", 4)
    assert kinds(run(cloudwatch_integration, model(trail(cloud_watch_logs_group_arn=group,
                                                         cloud_watch_logs_role_arn=role)))) == ["Pass"]
    neither = run(cloudwatch_integration, model(trail()))
    assert kinds(neither) == ["Fail"] and "neither cloud_watch_logs_group_arn nor" in neither[0].message
    role_only = run(cloudwatch_integration, model(trail(cloud_watch_logs_role_arn=role)))
    assert kinds(role_only) == ["Fail"] and "cloud_watch_logs_group_arn is not set" in role_only[0].message
    # A group without a role: CloudTrail rejects it (CT006), and CT010 does not pass it.
    group_only = run(cloudwatch_integration, model(trail(cloud_watch_logs_group_arn=group)))
    assert kinds(group_only) == ["Fail"]
    assert "is set without cloud_watch_logs_role_arn, which CloudTrail rejects (CT006)" in group_only[0].message
    assert kinds(run(cloudwatch_integration, model(trail(cloud_watch_logs_group_arn=unk(),
                                                         cloud_watch_logs_role_arn=role)))) == ["Unknown"]
    # A group and a role that cannot be resolved: unknown, with the role's reason.
    unresolved = run(cloudwatch_integration, model(trail(cloud_watch_logs_group_arn=group,
                                                         cloud_watch_logs_role_arn=unk())))
    assert kinds(unresolved) == ["Unknown"]
    # No role at all: whatever the group is, nothing is delivered.
    no_role = run(cloudwatch_integration, model(trail(cloud_watch_logs_group_arn=unk())))
    assert kinds(no_role) == ["Fail"] and "is not set, so whatever" in no_role[0].message


def test_ct012_sns() -> None:
    assert kinds(run(sns_notification, model(trail(sns_topic_name=ex("ct-topic"))))) == ["Pass"]
    assert kinds(run(sns_notification, model(trail()))) == ["Fail"]
    assert kinds(run(sns_notification, model(trail(sns_topic_name=ex(""))))) == ["Fail"]
    assert kinds(run(sns_notification, model(trail(sns_topic_name=unk())))) == ["Unknown"]


def test_ct006_deployable() -> None:
    group = ex("arn:aws:logs:us-east-1:1:log-group:ct:*", 3)
    role = ex("arn:aws:iam::1:role/ct", 4)
    assert kinds(run(trail_deployable, model(trail()))) == ["Pass"]
    assert kinds(run(trail_deployable, model(trail(cloud_watch_logs_group_arn=group,
                                                   cloud_watch_logs_role_arn=role)))) == ["Pass"]
    no_role = run(trail_deployable, model(trail(cloud_watch_logs_group_arn=group)))
    assert kinds(no_role) == ["Fail"] and no_role[0].span.line == 3 and "InvalidCloudWatchLogsRoleArn" in (
        no_role[0].message
    )
    no_group = run(trail_deployable, model(trail(cloud_watch_logs_role_arn=role)))
    assert kinds(no_group) == ["Fail"] and no_group[0].span.line == 4
    suffix = run(trail_deployable, model(trail(cloud_watch_logs_group_arn=ex("arn:aws:logs:r:1:log-group:ct", 3),
                                               cloud_watch_logs_role_arn=role)))
    assert kinds(suffix) == ["Fail"] and "':*'" in suffix[0].message
    multi = run(trail_deployable, model(trail(is_multi_region=ex(True), include_global_service_events=ex(False, 5))))
    assert kinds(multi) == ["Fail"] and multi[0].span.line == 5 and "InvalidParameterCombination" in multi[0].message
    # Single-region without global events is fine.
    assert kinds(run(trail_deployable, model(trail(include_global_service_events=ex(False))))) == ["Pass"]
    # Two problems, two findings.
    two = run(trail_deployable, model(trail(is_multi_region=ex(True), include_global_service_events=ex(False, 5),
                                            cloud_watch_logs_role_arn=role)))
    assert kinds(two) == ["Fail", "Fail"]
    # Unknowns only where they could complete a rejected combination.
    assert kinds(run(trail_deployable, model(trail(is_multi_region=unk())))) == ["Pass"]
    assert kinds(run(trail_deployable, model(trail(is_multi_region=unk(),
                                                   include_global_service_events=ex(False))))) == ["Unknown"]
    assert kinds(run(trail_deployable, model(trail(cloud_watch_logs_group_arn=group,
                                                   cloud_watch_logs_role_arn=unk())))) == ["Unknown"]
    six = run(trail_deployable, model(trail(event_selectors=classic(*[selector() for _ in range(6)]))))
    assert kinds(six) == ["Fail"] and "at most 5" in six[0].message


# ---------------------------------------------------------------------------
# Account-wide policies
# ---------------------------------------------------------------------------


def test_ct002_account_coverage() -> None:
    good = trail("aws_cloudtrail.good", is_multi_region=ex(True))
    regional = trail("aws_cloudtrail.a")
    out = run(account_trail_coverage, model(regional, good))
    assert kinds(out) == ["Pass"] and out[0].subject == "account:default"
    assert run(account_trail_coverage, model()) == []
    read_only = trail("aws_cloudtrail.b", is_multi_region=ex(True), event_selectors=classic(selector("ReadOnly")))
    off = trail("aws_cloudtrail.c", is_multi_region=ex(True), enable_logging=ex(False))
    out = run(account_trail_coverage, model(off, read_only, regional))
    assert kinds(out) == ["Fail"]
    f = out[0]
    assert f.span == regional.span  # first trail by ref
    assert "aws_cloudtrail.a (single-region)" in f.message
    assert "aws_cloudtrail.b (records only read management events)" in f.message
    assert "aws_cloudtrail.c (not logging)" in f.message
    kms = trail("aws_cloudtrail.k", is_multi_region=ex(True),
                event_selectors=classic(selector(exclude=("kms.amazonaws.com",))))
    out = run(account_trail_coverage, model(kms))
    assert kinds(out) == ["Fail"] and "excludes management events from kms.amazonaws.com" in out[0].message
    out = run(account_trail_coverage, model(regional, trail("aws_cloudtrail.u", is_multi_region=unk())))
    assert kinds(out) == ["Unknown"]


def test_ct003_trail_required() -> None:
    required = Settings(require_trail=True)
    out = run(trail_required, model(settings=required))
    assert kinds(out) == ["Fail"] and out[0].span == Span(path=PATH) and out[0].subject == "account:default"
    assert kinds(run(trail_required, model(trail(), settings=required))) == ["Pass"]
    assert run(trail_required, model(settings=Settings(require_trail=False))) == []
    assert run(trail_required, model()) == []
    assert run(trail_required, Model(settings=required)) == []  # nothing scanned, nothing to anchor


def test_ct004_global_events_recorded() -> None:
    assert kinds(run(global_events_recorded, model(trail()))) == ["Pass"]
    assert run(global_events_recorded, model()) == []
    off = trail(include_global_service_events=ex(False, 4))
    out = run(global_events_recorded, model(off))
    assert kinds(out) == ["Fail"] and out[0].span.line == 4
    assert "include_global_service_events = false" in out[0].message
    data_only = trail("aws_cloudtrail.data", event_selectors=classic(selector(mgmt=False, data=(s3("arn:aws:s3"),))))
    out = run(global_events_recorded, model(data_only))
    assert kinds(out) == ["Fail"] and "records no management events" in out[0].message
    assert out[0].span.line == 4  # the event_selectors attr
    assert kinds(run(global_events_recorded, model(off, trail("aws_cloudtrail.x", enable_logging=unk())))) == [
        "Unknown"
    ]
    # One good trail is enough.
    assert kinds(run(global_events_recorded, model(off, trail("aws_cloudtrail.z")))) == ["Pass"]


def test_ct005_global_events_once() -> None:
    assert kinds(run(global_events_once, model(trail()))) == ["Pass"]
    a, b, c = trail("aws_cloudtrail.a"), trail("aws_cloudtrail.b"), trail("aws_cloudtrail.c")
    out = run(global_events_once, model(c, b, a))
    assert kinds(out) == ["Pass", "Fail", "Fail"]
    assert [o.subject for o in fails(out)] == ["aws_cloudtrail.b", "aws_cloudtrail.c"]
    for f in fails(out):
        assert "aws_cloudtrail.a, aws_cloudtrail.b, aws_cloudtrail.c" in f.message
    # The multi-region trail is the one kept.
    multi = trail("aws_cloudtrail.z", is_multi_region=ex(True))
    out = run(global_events_once, model(a, multi))
    assert [o.subject for o in fails(out)] == ["aws_cloudtrail.a"]
    # Trails that do not record global events are not duplicates.
    off = trail("aws_cloudtrail.b", include_global_service_events=ex(False))
    data = trail("aws_cloudtrail.d", event_selectors=classic(selector(mgmt=False, data=(s3("arn:aws:s3"),))))
    stopped = trail("aws_cloudtrail.e", enable_logging=ex(False))
    assert kinds(run(global_events_once, model(a, off, data, stopped))) == ["Pass"] * 4
    out = run(global_events_once, model(a, trail("aws_cloudtrail.u", enable_logging=unk())))
    assert kinds(out) == ["Pass", "Unknown"]


def test_ct013_s3_data_events() -> None:
    all_s3 = classic(selector(data=(s3("arn:aws:s3"),)))
    assert kinds(run(s3_data_events, model(trail(event_selectors=all_s3)))) == ["Pass"]
    assert run(s3_data_events, model()) == []
    out = run(s3_data_events, model(trail("aws_cloudtrail.b"), trail("aws_cloudtrail.a")))
    assert kinds(out) == ["Fail"] and out[0].span == trail("aws_cloudtrail.a").span
    assert "read and write" in out[0].message
    # Read and write from different trails satisfy the account.
    r = trail("aws_cloudtrail.r", event_selectors=classic(selector("ReadOnly", data=(s3("arn:aws:s3"),))))
    w = trail("aws_cloudtrail.w", event_selectors=classic(selector("WriteOnly", data=(s3("arn:aws:s3"),))))
    assert kinds(run(s3_data_events, model(r, w))) == ["Pass"]
    out = run(s3_data_events, model(r))
    assert kinds(out) == ["Fail"] and "object-level write events" in out[0].message
    buckets = trail(event_selectors=classic(selector(data=(s3("arn:aws:s3:::logs/"),))))
    out = run(s3_data_events, model(buckets))
    assert kinds(out) == ["Fail"] and "only arn:aws:s3:::logs/" in out[0].message
    stopped = trail(event_selectors=all_s3, enable_logging=ex(False))
    assert kinds(run(s3_data_events, model(stopped))) == ["Fail"]
    assert kinds(run(s3_data_events, model(trail(event_selectors=unk(4))))) == ["Unknown"]


# ---------------------------------------------------------------------------
# CT011: ordering against the bucket policy
# ---------------------------------------------------------------------------


def bucket(policy_ref: str, ref: str = "aws_s3_bucket.logs", unit: str = ".", has_policy: bool = True) -> Bucket:
    policy = ex(PolicyDocument(statements=(), span=sp(20)), 20) if has_policy else df(None, 10)
    return Bucket(
        ref=ref,
        span=sp(10),
        unit=unit,
        kind="aws_s3_bucket",
        name=ex("audit-logs", 11),
        arn=ex("arn:aws:s3:::audit-logs", 11),
        policy=policy,
        policy_ref=policy_ref,
        public_access_block=df(None, 10),
        acl=df("private", 10),
        lifecycle_rules=df((), 10),
        logging_target=df(None, 10),
        versioning=df("Disabled", 10),
        mfa_delete=df(False, 10),
        object_lock=df(False, 10),
        object_lock_retention_days=df(None, 10),
    )


def test_ct011_trail_after_bucket_policy() -> None:
    split = bucket("aws_s3_bucket_policy.logs")
    implicit = trail(depends_on=("aws_s3_bucket.logs",))
    out = run(trail_after_bucket_policy, model(implicit, buckets=(split,)))
    assert kinds(out) == ["Fail"] and out[0].span == implicit.span
    assert "InsufficientS3BucketPolicyException" in out[0].message
    assert [r.label for r in out[0].related] == ["bucket", "bucket policy"]
    explicit = trail(depends_on=("aws_s3_bucket.logs", "aws_s3_bucket_policy.logs"))
    assert kinds(run(trail_after_bucket_policy, model(explicit, buckets=(split,)))) == ["Pass"]
    # Inline policy: referencing the bucket is the dependency.
    assert kinds(run(trail_after_bucket_policy, model(implicit, buckets=(bucket("aws_s3_bucket.logs"),)))) == [
        "Pass"
    ]
    # Bucket in another unit, no policy, or a bucket outside the scan: nothing to order.
    assert run(trail_after_bucket_policy, model(implicit, buckets=(replace(split, unit="other"),))) == []
    assert run(trail_after_bucket_policy, model(implicit, buckets=(bucket("", has_policy=False),))) == []
    assert run(trail_after_bucket_policy, model(trail(s3_bucket_name=ex("elsewhere")), buckets=(split,))) == []
    assert kinds(run(trail_after_bucket_policy, model(trail(s3_bucket_name=unk()), buckets=(split,)))) == [
        "Unknown"
    ]
    assert kinds(run(trail_after_bucket_policy, model(implicit, buckets=(bucket(""),)))) == ["Unknown"]
    # A module dependency covers everything inside it.
    in_module = bucket("module.logs.aws_s3_bucket_policy.this[0]")
    assert kinds(run(trail_after_bucket_policy, model(trail(depends_on=("module.logs",)), buckets=(in_module,)))) == [
        "Pass"
    ]


def test_describe_and_unknown_reasons() -> None:
    assert T.describe(trail().is_multi_region) == "is_multi_region_trail not set, default false"
    assert T.describe(cfn_trail(enable_logging=ex(False)).enable_logging) == "IsLogging = false"
    assert T.describe(trail(kms_key_id=ex("alias/x")).kms_key_id) == "kms_key_id = 'alias/x'"
    assert "var.x has no default" in T.describe(trail(kms_key_id=unk()).kms_key_id)
    t = cfn_trail(enable_logging=unk(1, "IsLogging is required and missing"))
    assert T.global_events_unknown_reason(t) == "IsLogging: IsLogging is required and missing"
    assert T.global_events_unknown_reason(trail()) == ""
    out = run(global_events_recorded, model(t))
    assert kinds(out) == ["Unknown"] and "IsLogging is required and missing" in out[0].reason
