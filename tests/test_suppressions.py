"""Suppressions: inline (trailscan, checkov, CloudFormation Metadata), config-file, CT902/CT903.

Models are built by hand so that these tests pin the engine's rules independently of the
parsers; the end-to-end tests at the bottom run the real parsers once they exist.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from pathlib import Path

from builders import model_of, placed_trail

from scanner.config import Config, ConfigSuppression, load_config
from scanner.engine import evaluate, load_policies, select_policies
from scanner.model import Model, Span, Suppression
from scanner.results import Waiver, WaiverKind
from scanner.suppressions import apply

TODAY = _dt.date(2026, 6, 1)
SPECS = load_policies()
CT008 = select_policies(SPECS, select=("CT008",))


def sup(
    *ids: str, reason: str = "accepted", until: str = "", source: str = "trailscan", line: int = 1
) -> Suppression:
    return Suppression(
        ids=ids, reason=reason, span=Span(path="main.tf", line=line), until=until, source=source
    )


def run(models: list[Model], config: Config | None = None, ran: tuple[str, ...] = ("CT008",)):
    findings = [f for m in models for f in evaluate(CT008, m).findings]
    return apply(findings, models, config or Config(), today=TODAY, policy_ids=ran)


def by_id(findings, pid: str):
    return [f for f in findings if f.id == pid]


def test_no_suppression_leaves_finding_active() -> None:
    out = run([model_of(placed_trail())])
    assert [(f.id, f.suppressed) for f in out] == [("CT008", False)]


def test_inline_suppression_marks_finding_and_keeps_it() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CT008", reason="digest checked elsewhere"),)))])
    assert len(out) == 1
    assert out[0].suppressed is True
    assert out[0].suppression == Waiver(WaiverKind.INLINE, "digest checked elsewhere")


def test_id_match_is_case_insensitive() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("ct008"),)))])
    assert out[0].suppressed


def test_suppression_for_other_policy_does_not_apply() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CT009"),)))], ran=("CT008", "CT009"))
    assert by_id(out, "CT008")[0].suppressed is False
    # CT009 ran (per policy_ids) and matched nothing: unused. (CT009 may not exist yet:
    # then it is an unknown id, also CT903.)
    assert len(by_id(out, "CT903")) == 1


def test_checkov_skip_matches_through_alias() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CKV_AWS_36", reason="legacy", source="checkov"),)))])
    assert out[0].suppressed and out[0].suppression == Waiver(WaiverKind.CHECKOV, "legacy")


def test_trailscan_suppression_may_name_an_alias() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("avd-aws-0016"),)))])
    assert out[0].suppressed and out[0].suppression == Waiver(WaiverKind.INLINE, "accepted")


def test_checkov_skip_for_unrelated_check_is_ignored_silently() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CKV_AWS_999", source="checkov"),)))])
    assert [f.id for f in out] == ["CT008"]
    assert not out[0].suppressed


def test_checkov_skip_on_compliant_trail_is_not_reported_unused() -> None:
    out = run([model_of(placed_trail(validation=True, suppressions=(sup("CKV_AWS_36", source="checkov"),)))])
    assert out == []


def test_empty_reason_does_not_suppress_and_yields_ct902_at_suppression() -> None:
    s = sup("CT008", reason="  ", line=7)
    out = run([model_of(placed_trail(suppressions=(s,)))])
    assert by_id(out, "CT008")[0].suppressed is False
    (ct902,) = by_id(out, "CT902")
    assert ct902.span == Span(path="main.tf", line=7)
    assert ct902.resource == "aws_cloudtrail.main"
    assert "no reason" in ct902.message
    assert by_id(out, "CT903") == []  # reported once, as CT902


def test_checkov_skip_without_reason_does_not_suppress() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CKV_AWS_36", reason="", source="checkov"),)))])
    assert by_id(out, "CT008")[0].suppressed is False
    assert len(by_id(out, "CT902")) == 1


def test_expired_suppression_brings_finding_back_with_note() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CT008", until="2024-01-01"),)))])
    (f,) = out
    assert f.suppressed is False
    assert f.message.endswith("(suppression expired 2024-01-01)")


def test_until_is_inclusive() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CT008", until=TODAY.isoformat()),)))])
    assert out[0].suppressed


def test_future_until_suppresses() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CT008", until="2027-03-31"),)))])
    assert out[0].suppressed


def test_malformed_until_is_ct902() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CT008", until="next year"),)))])
    assert by_id(out, "CT008")[0].suppressed is False
    (ct902,) = by_id(out, "CT902")
    assert "invalid until" in ct902.message


def test_unused_inline_suppression_is_ct903() -> None:
    s = sup("CT008", line=3)
    out = run([model_of(placed_trail(validation=True, suppressions=(s,)))])
    (ct903,) = out
    assert ct903.id == "CT903"
    assert ct903.span == s.span
    assert ct903.severity.name == "LOW"


def test_unused_suppression_of_deselected_policy_is_silent() -> None:
    out = run([model_of(placed_trail(validation=True, suppressions=(sup("CT008"),)))], ran=("CT009",))
    assert out == []


def test_unknown_id_is_ct903() -> None:
    out = run([model_of(placed_trail(suppressions=(sup("CT008", "CTX99"),)))])
    assert by_id(out, "CT008")[0].suppressed
    (ct903,) = by_id(out, "CT903")
    assert "'CTX99'" in ct903.message


def test_module_suppression_on_many_records_reported_once_against_module() -> None:
    s = sup("CT008", line=2)
    t1 = placed_trail(
        ref="module.audit.aws_cloudtrail.a",
        path="modules/audit/main.tf",
        validation=True,
        suppressions=(s,),
    )
    t2 = placed_trail(
        ref="module.audit.aws_cloudtrail.b",
        path="modules/audit/main.tf",
        line=20,
        validation=True,
        suppressions=(s,),
    )
    out = run([model_of(t1, t2)])
    (ct903,) = out
    assert ct903.resource == "module.audit"


def test_module_suppression_used_by_one_record_is_used() -> None:
    s = sup("CT008", line=2)
    t1 = placed_trail(ref="module.audit.aws_cloudtrail.a", validation=True, suppressions=(s,))
    t2 = placed_trail(ref="module.audit.aws_cloudtrail.b", line=20, suppressions=(s,))
    out = run([model_of(t1, t2)])
    assert [(f.id, f.resource, f.suppressed) for f in out] == [
        ("CT008", "module.audit.aws_cloudtrail.b", True)
    ]


def test_same_ref_in_two_units_only_the_finding_unit_counts() -> None:
    a = placed_trail(path="a/main.tf", unit="a", suppressions=(sup("CT008"),))
    b = placed_trail(path="b/main.tf", unit="b")
    out = run([model_of(a, b)])
    state = {f.span.path: f.suppressed for f in out if f.id == "CT008"}
    assert state == {"a/main.tf": True, "b/main.tf": False}


def test_suppression_in_other_account_does_not_apply() -> None:
    a = model_of(placed_trail(suppressions=(sup("CT008"),)), account="prod")
    b = model_of(placed_trail(), account="dev")
    out = run([a, b])
    state = {f.account: f.suppressed for f in out if f.id == "CT008"}
    assert state == {"prod": True, "dev": False}


def test_config_suppression_by_id_path_and_resource() -> None:
    config = Config(
        suppressions=(
            ConfigSuppression(id="CT008", paths=("legacy/**",), reason="legacy stack, retiring"),
        )
    )
    out = run(
        [model_of(placed_trail(path="legacy/main.tf", unit="legacy"), placed_trail(path="new/main.tf", unit="new"))],
        config,
    )
    state = {f.span.path: (f.suppressed, f.suppression) for f in out}
    assert state == {
        "legacy/main.tf": (True, Waiver(WaiverKind.CONFIG, "legacy stack, retiring")),
        "new/main.tf": (False, None),
    }


def test_config_suppression_resource_pattern() -> None:
    config = Config(
        suppressions=(ConfigSuppression(id="CT008", resource="aws_cloudtrail.old*", reason="r"),)
    )
    out = run(
        [model_of(placed_trail(ref="aws_cloudtrail.old1"), placed_trail(ref="aws_cloudtrail.main", line=30))], config
    )
    assert {f.resource: f.suppressed for f in out} == {
        "aws_cloudtrail.old1": True,
        "aws_cloudtrail.main": False,
    }


def test_config_suppression_id_glob_and_alias() -> None:
    for pid in ("CT0*", "ckv_aws_36"):
        config = Config(suppressions=(ConfigSuppression(id=pid, reason="r"),))
        assert run([model_of(placed_trail())], config)[0].suppressed, pid


def test_config_suppression_without_reason_is_ct902_at_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / ".trailscan.toml"
    cfg.write_text('fail_on = "high"\n\n[[suppressions]]\nid = "CT008"\n', encoding="utf-8")
    config = load_config(cfg)
    findings = [f for f in evaluate(CT008, model_of(placed_trail())).findings]
    out = apply(
        findings, [model_of(placed_trail())], config, today=TODAY, policy_ids=("CT008",), root=tmp_path
    )
    assert by_id(out, "CT008")[0].suppressed is False
    (ct902,) = by_id(out, "CT902")
    assert ct902.span.path == ".trailscan.toml"
    assert ct902.span.line == 3


def test_config_suppression_expired() -> None:
    config = Config(suppressions=(ConfigSuppression(id="CT008", reason="r", until="2025-12-31"),))
    (f,) = run([model_of(placed_trail())], config)
    assert not f.suppressed and "(suppression expired 2025-12-31)" in f.message


def test_unused_config_suppression_is_ct903_unless_out_of_scope() -> None:
    config = Config(suppressions=(ConfigSuppression(id="CT008", paths=("main.tf",), reason="r"),))
    out = run([model_of(placed_trail(validation=True))], config)
    assert [f.id for f in out] == ["CT903"]
    assert out[0].resource == "config:CT008"
    # Its paths match nothing scanned (a pre-commit run on another file): not unused.
    out = run([model_of(placed_trail(path="other.tf", validation=True))], config)
    assert out == []
    # Its policy did not run: not unused.
    out = run([model_of(placed_trail(validation=True))], config, ran=("CT009",))
    assert out == []


def test_config_can_waive_hygiene_findings() -> None:
    config = Config(suppressions=(ConfigSuppression(id="CT902", reason="legacy checkov skips"),))
    out = run(
        [model_of(placed_trail(suppressions=(sup("CKV_AWS_36", reason="", source="checkov"),)))], config
    )
    (ct902,) = by_id(out, "CT902")
    assert ct902.suppressed and ct902.suppression == Waiver(WaiverKind.CONFIG, "legacy checkov skips")


def test_inline_wins_over_config_in_the_suppression_text() -> None:
    config = Config(suppressions=(ConfigSuppression(id="CT008", reason="from config"),))
    out = run([model_of(placed_trail(suppressions=(sup("CT008", reason="from code"),)))], config)
    assert out[0].suppression == Waiver(WaiverKind.INLINE, "from code")


def test_already_suppressed_findings_pass_through() -> None:
    findings = [
        replace(f, suppressed=True, suppression=Waiver(WaiverKind.BASELINE))
        for f in evaluate(CT008, model_of(placed_trail())).findings
    ]
    out = apply(findings, [model_of(placed_trail())], Config(), today=TODAY, policy_ids=("CT008",))
    assert [f.suppression_text for f in out] == ["baseline"]


def test_deterministic() -> None:
    sups = (sup("CT008", line=5), sup("CTX1", line=4), sup("CT008", reason="", line=3))
    models = [
        model_of(placed_trail(suppressions=sups), placed_trail(ref="aws_cloudtrail.b", line=40, suppressions=sups))
    ]
    first = run(models)
    for _ in range(5):
        assert run(models) == first


def test_default_policy_ids_follow_config_selection() -> None:
    findings = evaluate(CT008, model_of(placed_trail(validation=True, suppressions=(sup("CT008"),)))).findings
    models = [model_of(placed_trail(validation=True, suppressions=(sup("CT008"),)))]
    assert [f.id for f in apply(findings, models, Config(), today=TODAY)] == ["CT903"]
    assert apply(findings, models, Config(ignore=("CT008",)), today=TODAY) == []


# ---------------------------------------------------------------------------
# End to end (real parsers)
# ---------------------------------------------------------------------------


TF = """\
resource "aws_cloudtrail" "main" {
  # trailscan:ignore CT008 digests verified by the SIEM
  name                       = "main"
  s3_bucket_name             = "logs"
  is_multi_region_trail      = true
  enable_log_file_validation = false
}

# trailscan:ignore CT008
resource "aws_cloudtrail" "second" {
  name                       = "second"
  s3_bucket_name             = "logs"
  enable_log_file_validation = false
}

// trailscan:ignore CT008 not needed any more
resource "aws_cloudtrail" "third" {
  name                       = "third"
  s3_bucket_name             = "logs"
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "fourth" {
  #checkov:skip=CKV_AWS_36:validated by an external job
  name                       = "fourth"
  s3_bucket_name             = "logs"
  enable_log_file_validation = false
}
"""

CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Metadata:
      trailscan:
        ignore:
          - id: CT008
            reason: digests verified by the SIEM
    Properties:
      S3BucketName: logs
      IsLogging: true
      EnableLogFileValidation: false
  Expired:
    Type: AWS::CloudTrail::Trail
    Metadata:
      trailscan:
        ignore:
          - id: CT008
            reason: temporary
            until: 2024-01-01
    Properties:
      S3BucketName: logs
      IsLogging: true
"""


def _scan(path: Path):
    from scanner.options import ScanOptions
    from scanner.scan import run_scan

    return run_scan(ScanOptions(paths=(path,), root=path, select=("CT008",), today=TODAY))


def test_end_to_end_terraform_comments(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF, encoding="utf-8")
    result = _scan(tmp_path)
    got = sorted((f.id, f.resource, f.suppressed, f.span.line) for f in result.findings)
    assert got == [
        ("CT008", "aws_cloudtrail.fourth", True, 27),
        ("CT008", "aws_cloudtrail.main", True, 6),
        ("CT008", "aws_cloudtrail.second", False, 13),
        ("CT902", "aws_cloudtrail.second", False, 9),
        ("CT903", "aws_cloudtrail.third", False, 16),
    ]


def test_end_to_end_cloudformation_metadata(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(CFN, encoding="utf-8")
    result = _scan(tmp_path)
    got = {(f.id, f.resource): f for f in result.findings}
    assert got[("CT008", "Trail")].suppressed
    assert got[("CT008", "Trail")].suppression == Waiver(WaiverKind.INLINE, "digests verified by the SIEM")
    expired = got[("CT008", "Expired")]
    assert not expired.suppressed
    assert "(suppression expired 2024-01-01)" in expired.message


def test_end_to_end_module_suppression_and_account_level_config(tmp_path: Path) -> None:
    (tmp_path / "modules" / "audit").mkdir(parents=True)
    (tmp_path / "main.tf").write_text(
        "# trailscan:ignore CT008 the audit module is replaced in Q3 until=2027-03-31\n"
        'module "audit" {\n  source = "./modules/audit"\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "modules" / "audit" / "main.tf").write_text(
        'resource "aws_cloudtrail" "this" {\n  name           = "audit"\n'
        '  s3_bucket_name = "logs"\n}\n',
        encoding="utf-8",
    )
    (tmp_path / ".trailscan.toml").write_text(
        '[[suppressions]]\nid = "CT002"\nreason = "the organization trail covers this account"\n',
        encoding="utf-8",
    )
    from scanner.options import ScanOptions
    from scanner.scan import run_scan

    config = load_config(tmp_path / ".trailscan.toml")
    result = run_scan(
        ScanOptions(
            paths=(tmp_path,), root=tmp_path, select=("CT002", "CT008"), today=TODAY, config=config
        )
    )
    got = {(f.id, f.resource): f.suppression_text for f in result.findings}
    assert got == {
        ("CT002", "account:default"): "config: the organization trail covers this account",
        ("CT008", "module.audit.aws_cloudtrail.this"): "inline: the audit module is replaced in Q3",
    }
    assert result.exit_code() == 0
    # After the date the module's suppression expires and the finding is back.
    later = run_scan(
        ScanOptions(
            paths=(tmp_path,),
            root=tmp_path,
            select=("CT008",),
            today=_dt.date(2027, 4, 1),
            config=config,
        )
    )
    (f,) = later.findings
    assert not f.suppressed and f.message.endswith("(suppression expired 2027-03-31)")


# ---------------------------------------------------------------------------
# trivy and tfsec ignore comments
# ---------------------------------------------------------------------------


def foreign(tool: str, rule: str, until: str = "", line: int = 1) -> Suppression:
    return Suppression(
        ids=(rule.upper(),), reason=f"{tool}:ignore", span=Span(path="main.tf", line=line),
        until=until, source=tool,
    )


def test_trivy_and_tfsec_ignores_suppress_through_aliases() -> None:
    for sup_ in (foreign("trivy", "AVD-AWS-0016"),
                 foreign("tfsec", "aws-cloudtrail-enable-log-validation")):
        (finding,) = run([model_of(placed_trail(suppressions=(sup_,)))])
        assert finding.suppressed and finding.suppression_text == f"{sup_.source}: {sup_.reason}"


def test_trivy_ignore_expires_and_is_never_unused() -> None:
    expired = foreign("trivy", "AVD-AWS-0016", until="2025-01-01")
    (finding,) = run([model_of(placed_trail(suppressions=(expired,)))])
    assert not finding.suppressed
    assert finding.message.endswith("(suppression expired 2025-01-01)")
    # matched nothing (the trail passes) and names an id no policy aliases: still no CT903,
    # trivy itself may need the comment
    unused = (foreign("trivy", "AVD-AWS-0016"), foreign("tfsec", "aws-s3-no-public-buckets"))
    assert run([model_of(placed_trail(validation=True, suppressions=unused))]) == []


def test_require_reasons_makes_trivy_and_tfsec_ignores_ct902() -> None:
    sups = (foreign("trivy", "AVD-AWS-0016"), foreign("tfsec", "AWS-CLOUDTRAIL-ENABLE-LOG-VALIDATION"))
    out = run([model_of(placed_trail(suppressions=sups))], Config(require_reasons=True))
    assert [(f.id, f.suppressed) for f in out] == [("CT008", False), ("CT902", False), ("CT902", False)]
    messages = sorted(f.message for f in out[1:])
    assert messages[1].startswith("trivy suppression of AVD-AWS-0016 on aws_cloudtrail.main has no reason")
    assert all("require_reasons = true" in m for m in messages)
    # a trailscan comment with a reason is unaffected
    ok = (sup("CT008"),)
    assert [f.suppressed for f in run([model_of(placed_trail(suppressions=ok))], Config(require_reasons=True))] == [True]


def test_require_reasons_config_key(tmp_path: Path) -> None:
    (tmp_path / ".trailscan.toml").write_text("require_reasons = true\n", encoding="utf-8")
    assert load_config(tmp_path / ".trailscan.toml").require_reasons is True


def test_end_to_end_trivy_and_tfsec_comments(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        '#trivy:ignore:AVD-AWS-0016\n'
        'resource "aws_cloudtrail" "a" {\n  name = "a"\n  s3_bucket_name = "logs"\n}\n'
        'resource "aws_cloudtrail" "b" {\n  name = "b"\n  s3_bucket_name = "logs"\n'
        '  // tfsec:ignore:aws-cloudtrail-enable-log-validation:exp:2027-03-31\n'
        '  enable_log_file_validation = false\n}\n'
        'resource "aws_cloudtrail" "c" {\n  name = "c"\n  s3_bucket_name = "logs"\n'
        '  description = <<EOT\n#trivy:ignore:AVD-AWS-0016\nEOT\n}\n',
        encoding="utf-8",
    )
    got = sorted((f.resource, f.suppressed, f.suppression_text) for f in _scan(tmp_path).findings)
    assert got == [
        ("aws_cloudtrail.a", True, "trivy: trivy:ignore"),
        ("aws_cloudtrail.b", True, "tfsec: tfsec:ignore"),
        ("aws_cloudtrail.c", False, ""),
    ]
