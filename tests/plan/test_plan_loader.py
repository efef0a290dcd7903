"""load_plan on plans Terraform wrote: module addresses, values known after apply,
sensitive values, references (Attr.target), positions with and without the .tf files,
states, and input that is not a plan."""

from __future__ import annotations

import json
from pathlib import Path

from plan_files import PLANS, REPO, ROOTS, alone, in_root, load, trails

from scanner.analysis.links import LinkStatus, bucket_of, log_group_of
from scanner.model import Model, Origin, Span
from scanner.parsers.plan import load_plan
from scanner.parsers.terraform import load_terraform

EDGE = ROOTS / "edge"
SENSITIVE_DEFAULT = "hidden-prefix"  # var.secret_prefix, sensitive = true


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# ---------------------------------------------------------------------------
# A plan alone: values from the plan, positions in the plan file
# ---------------------------------------------------------------------------


def test_module_addresses_are_kept(tmp_path: Path) -> None:
    model = load(alone(tmp_path, "edge"), tmp_path)
    assert sorted(trails(model)) == [
        "aws_cloudtrail.root",
        "module.counted[0].aws_cloudtrail.this",
        'module.per_region["east"].aws_cloudtrail.this',
        'module.per_region["west"].aws_cloudtrail.this',
    ]
    assert sorted(b.ref for b in model.buckets) == [
        "module.counted[0].aws_s3_bucket.logs",
        'module.per_region["east"].aws_s3_bucket.logs',
        'module.per_region["west"].aws_s3_bucket.logs',
    ]
    (unit,) = model.units
    assert unit.id == "plans/plan.json" and unit.format == "terraform-plan"
    assert unit.files == ("plans/plan.json",) and unit.sealed_files == ("plans/plan.json",)


def test_sensitive_values_are_never_read(tmp_path: Path) -> None:
    path = alone(tmp_path, "edge")
    assert SENSITIVE_DEFAULT in path.read_text()  # Terraform writes it in clear
    model = load(path, tmp_path)
    for ref in ('module.per_region["east"].aws_cloudtrail.this', 'module.per_region["west"].aws_cloudtrail.this'):
        prefix = trails(model)[ref].s3_key_prefix
        assert prefix.origin is Origin.UNKNOWN and prefix.value is None
        assert prefix.reason == f"{ref}.s3_key_prefix is sensitive in the plan; trailscan does not read it"
    assert trails(model)["module.counted[0].aws_cloudtrail.this"].s3_key_prefix.value == "plain"
    assert SENSITIVE_DEFAULT not in repr(model)


def test_values_known_after_apply_are_unknown_with_their_target(tmp_path: Path) -> None:
    model = load(alone(tmp_path, "edge"), tmp_path)
    root = trails(model)["aws_cloudtrail.root"]
    bucket = root.s3_bucket_name
    assert bucket.origin is Origin.UNKNOWN
    assert bucket.reason == "aws_cloudtrail.root.s3_bucket_name is known only after apply"
    # module.per_region["east"].bucket → output bucket → aws_s3_bucket.logs.id
    assert bucket.target == 'module.per_region["east"].aws_s3_bucket.logs'
    group = root.cloud_watch_logs_group_arn  # "${aws_cloudwatch_log_group.ct.arn}:*"
    assert group.origin is Origin.UNKNOWN and group.target == "aws_cloudwatch_log_group.ct"
    counted = trails(model)["module.counted[0].aws_cloudtrail.this"].s3_bucket_name
    assert counted.target == "module.counted[0].aws_s3_bucket.logs"
    assert root.name.target == "" and root.name.value == "root-trail"


def test_the_plans_account_and_region_become_tokens(tmp_path: Path) -> None:
    path = alone(tmp_path, "edge")
    assert '"alerts-123456789012"' in path.read_text()
    model = load(path, tmp_path)
    assert trails(model)["aws_cloudtrail.root"].sns_topic_name.value == "alerts-${AWS::AccountId}"
    (group,) = model.log_groups
    # The ARN is computed after apply: spelt as the Terraform front end spells it.
    assert group.arn.value == "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/cloudtrail/edge"


def test_dynamic_blocks_come_expanded(tmp_path: Path) -> None:
    model = load(alone(tmp_path, "edge"), tmp_path)
    selectors = trails(model)["module.counted[0].aws_cloudtrail.this"].event_selectors.value
    assert [[d.values for d in s.data_resources] for s in selectors] == [
        [("arn:aws:s3:::one/",)], [("arn:aws:s3:::two/",)],
    ]
    (advanced,) = trails(model)["aws_cloudtrail.root"].advanced_event_selectors.value
    assert advanced.field_selectors[0].equals == ("Management",)


def test_positions_are_the_resource_entries_in_the_plan(tmp_path: Path) -> None:
    path = alone(tmp_path, "edge")
    text = path.read_text()
    model = load(path, tmp_path)
    span = trails(model)["aws_cloudtrail.root"].span
    assert span.path == "plans/plan.json" and span.line == 1  # terraform writes one line
    assert text[span.column - 1:].startswith('{"address":"aws_cloudtrail.root"')


# ---------------------------------------------------------------------------
# A plan next to the .tf files it was made from
# ---------------------------------------------------------------------------


def test_positions_come_from_the_tf_files(tmp_path: Path) -> None:
    model = load(in_root(tmp_path, "edge", EDGE), tmp_path)
    root = trails(model)["aws_cloudtrail.root"]
    main = EDGE / "main.tf"
    assert root.span.path == "root/main.tf"
    assert root.span.line == _line_of(main, 'resource "aws_cloudtrail" "root"')
    assert root.cloud_watch_logs_group_arn.span.line == _line_of(main, "cloud_watch_logs_group_arn")
    module = trails(model)['module.per_region["west"].aws_cloudtrail.this']
    assert module.span.path == "root/modules/trail/main.tf"
    (unit,) = model.units
    assert unit.files == ("root/plan.json", "root/main.tf", "root/modules/trail/main.tf")


def test_values_known_after_apply_are_rebuilt_from_the_tf_files(tmp_path: Path) -> None:
    model = load(in_root(tmp_path, "edge", EDGE), tmp_path)
    root = trails(model)["aws_cloudtrail.root"]
    assert root.s3_bucket_name.value == "logs-east" and root.s3_bucket_name.origin is Origin.EXPLICIT
    assert root.s3_bucket_name.target == 'module.per_region["east"].aws_s3_bucket.logs'
    assert root.cloud_watch_logs_group_arn.value == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/cloudtrail/edge:*"
    )
    counted = next(b for b in model.buckets if b.ref == "module.counted[0].aws_s3_bucket.logs")
    assert counted.name.value == "logs-counted-${aws_kms_key.k}"  # a key id known after apply


def test_sensitive_values_stay_unread_with_the_tf_files(tmp_path: Path) -> None:
    model = load(in_root(tmp_path, "edge", EDGE), tmp_path)
    prefix = trails(model)['module.per_region["east"].aws_cloudtrail.this'].s3_key_prefix
    assert prefix.origin is Origin.UNKNOWN and "sensitive" in prefix.reason
    assert SENSITIVE_DEFAULT not in repr(model)


def test_dynamic_blocks_point_at_their_content(tmp_path: Path) -> None:
    model = load(in_root(tmp_path, "edge", EDGE), tmp_path)
    selectors = trails(model)["module.counted[0].aws_cloudtrail.this"].event_selectors.value
    module = EDGE / "modules" / "trail" / "main.tf"
    assert {s.span.line for s in selectors} == {_line_of(module, "content {")}
    assert selectors[0].data_resources[0].span.line == _line_of(module, "data_resource {")


def test_the_sample_plan_links_and_orders_like_its_tf_files(tmp_path: Path) -> None:
    sample = REPO / "samples" / "terraform" / "plan-json"
    model = load(sample / "plan.json", sample.parent)
    (trail,) = model.trails
    assert trail.kms_key_id.value == "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${aws_kms_key.trail}"
    assert trail.kms_key_id.target == "aws_kms_key.trail"
    # module.log_bucket[0].name is the bucket policy's bucket, which is the bucket.
    assert trail.s3_bucket_name.target == "module.log_bucket[0].aws_s3_bucket.this"
    # depends_on = [module.log_bucket], and the output refers to the bucket policy
    assert {"module.log_bucket", "module.log_bucket[0].aws_s3_bucket_policy.this"} <= set(trail.depends_on)
    assert trail.log_file_validation.value is False  # terraform.tfvars, as the plan has it
    (bucket,) = model.buckets
    assert bucket.policy_ref == "module.log_bucket[0].aws_s3_bucket_policy.this"
    statements = bucket.policy.value.statements
    assert [s.sid for s in statements] == ["AclCheck", "Write"] and not any(s.unknown for s in statements)
    assert statements[0].resources == ("arn:aws:s3:::example-corp-org-audit-logs",)
    assert statements[0].span.path == "plan-json/modules/log_bucket/main.tf"


def test_a_plan_alone_links_and_orders_by_reference_as_the_files_do(tmp_path: Path) -> None:
    """Names known only after apply: the trails still reach their buckets and log group
    through the references (Attr.target, followed within the unit), and their
    dependencies follow module inputs and outputs as for the .tf files."""
    model = Model.merge([load(alone(tmp_path, "edge"), tmp_path)])
    files = {t.ref: t for t in load_terraform(EDGE, EDGE.parent).trails}
    for ref, trail in trails(model).items():
        link = bucket_of(model, trail)
        assert link.status is LinkStatus.LINKED and link.record is not None
        assert link.record.ref == trail.s3_bucket_name.target
        assert trail.depends_on == files[ref].depends_on
    root = trails(model)["aws_cloudtrail.root"]
    assert root.s3_bucket_name.origin is Origin.UNKNOWN and root.s3_bucket_name.nonempty
    group = log_group_of(model, root)
    assert group.record is not None and group.record.ref == "aws_cloudwatch_log_group.ct"
    assert root.depends_on == (
        "aws_cloudwatch_log_group.ct", "data.aws_caller_identity.me",
        'module.per_region["east"].aws_s3_bucket.logs', 'module.per_region["west"].aws_s3_bucket.logs',
    )


# ---------------------------------------------------------------------------
# States, deletions, and what is not a plan
# ---------------------------------------------------------------------------


def test_a_state_is_read_with_every_value_known(tmp_path: Path) -> None:
    state = {
        "format_version": "1.0",
        "terraform_version": "1.11.4",
        "values": {"root_module": {"resources": [
            {"address": "aws_cloudtrail.t", "mode": "managed", "type": "aws_cloudtrail", "name": "t",
             "values": {"name": "t", "s3_bucket_name": "logs", "enable_log_file_validation": False,
                        "kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/abcd", "sns_topic_name": "x"},
             "sensitive_values": {"sns_topic_name": True}},
        ], "child_modules": [{"address": "module.m", "resources": [
            {"address": "module.m.aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
             "name": "b", "values": {"bucket": "logs", "arn": "arn:aws:s3:::logs"}, "sensitive_values": {}},
        ]}]}},
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state, indent=2))
    model = load(path, tmp_path)
    (trail,) = model.trails
    assert trail.log_file_validation.value is False and trail.log_file_validation.origin is Origin.EXPLICIT
    assert trail.kms_key_id.value == "arn:aws:kms:eu-west-1:123456789012:key/abcd"  # no data source: literal
    assert trail.sns_topic_name.origin is Origin.UNKNOWN and "sensitive" in trail.sns_topic_name.reason
    assert trail.span == Span(path="state.json", line=7, column=9)  # indented: a real line
    assert [b.ref for b in model.buckets] == ["module.m.aws_s3_bucket.b"]


def test_resources_the_plan_deletes_are_gone(tmp_path: Path) -> None:
    data = json.loads((PLANS / "edge.json").read_text())
    for change in data["resource_changes"]:
        if change["address"] == "aws_cloudtrail.root":
            change["change"]["actions"] = ["delete"]
            change["change"]["after"] = None
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    assert "aws_cloudtrail.root" not in trails(load(path, tmp_path))


def test_what_is_not_a_plan_is_a_problem_with_its_place(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": "1.2",\n "terraform_version": "1.11.4",\n "planned_values": {,}}')
    model = load_plan(broken, tmp_path)
    (problem,) = model.problems
    assert (problem.span.path, problem.span.line, problem.span.column) == ("broken.json", 3, 21)
    assert problem.message.startswith("not valid JSON: ")
    future = tmp_path / "future.json"
    future.write_text('{"format_version": "2.0", "terraform_version": "9.0.0", "planned_values": {}}')
    assert load_plan(future, tmp_path).problems[0].message == (
        "not a Terraform plan or state: unsupported format_version '2.0' (trailscan reads 1.x)"
    )
    deep = tmp_path / "deep.json"
    deep.write_text('{"format_version": "1.2", "terraform_version": "1", "x": ' + "[" * 50_000 + "]" * 50_000 + "}")
    assert "nested too deeply" in load_plan(deep, tmp_path).problems[0].message
    for model in (load_plan(broken, tmp_path), load_plan(future, tmp_path)):
        assert model.units[0].format == "terraform-plan" and model.trails == ()


def test_resources_that_name_a_record_by_reference_are_tied_to_it(tmp_path: Path) -> None:
    """A plan alone knows ``aws_s3_bucket.logs.id`` only after apply: the split bucket
    settings, the key policy and alias, the role policy, the subscription and the event
    target are tied to their record through the reference, not the unresolved name."""
    model = load(alone(tmp_path, "literal"), tmp_path)
    (bucket,) = model.buckets
    assert bucket.policy.known and [s.sid for s in bucket.policy.value.statements] == ["AclCheck", "Write"]
    assert bucket.policy_ref == "aws_s3_bucket_policy.logs"
    assert bucket.public_access_block.value.block_public_policy.value is True
    assert bucket.versioning.value == "Enabled"
    assert bucket.logging_target.value == "literal-access-logs"
    (key,) = model.kms_keys
    assert key.aliases == ("alias/literal-trail",)
    assert [s.sid for s in key.policy.value.statements] == ["Root", "CloudTrail"]
    (role,) = model.roles
    assert role.permissions_complete and len(role.permission_policies) == 1
    (topic,) = model.topics
    assert topic.subscriptions == ("aws_sns_topic_subscription.alarms",)
    (rule,) = model.event_rules
    # The target's ARN (the topic's) is known only after apply: the target stands for it.
    assert rule.targets == ("aws_cloudwatch_event_target.trail_changes",)
