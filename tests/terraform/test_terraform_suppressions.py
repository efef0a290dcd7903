"""suppressions.py: trailscan and checkov comments next to a resource or module call."""

from __future__ import annotations

from pathlib import Path

from tf_inline import INNER, load


def test_suppression_comments(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        # some unrelated comment
        // trailscan:ignore CT008,CT009 accepted risk until=2027-03-31
        resource "aws_cloudtrail" "t" {
          #checkov:skip=CKV_AWS_35:encrypted elsewhere
          name           = "t"
          s3_bucket_name = "b" # trailscan:ignore CT001
        }

        # trailscan:ignore CT007 not attached: blank line between

        resource "aws_s3_bucket" "b" {}
    """})
    supps = model.trails[0].suppressions
    assert [(s.ids, s.reason, s.until, s.source, s.span.line) for s in supps] == [
        (("CT008", "CT009"), "accepted risk", "2027-03-31", "trailscan", 2),
        (("CKV_AWS_35",), "encrypted elsewhere", "", "checkov", 4),
        (("CT001",), "", "", "trailscan", 6),
    ]
    assert model.buckets[0].suppressions == ()


def test_module_suppression_applies_to_its_records(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            # trailscan:ignore CT001 regional by design
            module "m" {
              source = "./inner"
              bucket = "b"
            }
        """,
        "inner/main.tf": INNER,
    })
    (supp,) = model.trails[0].suppressions
    assert supp.ids == ("CT001",) and supp.reason == "regional by design"
    assert supp.span.path == "stack/main.tf" and supp.span.line == 1


# ---------------------------------------------------------------------------
# Only comment tokens count
# ---------------------------------------------------------------------------


def _sups(tmp_path: Path, text: str) -> list[tuple[tuple[str, ...], str, str, str, int]]:
    model = load(tmp_path, {"main.tf": text})
    assert model.problems == ()
    return [(s.ids, s.reason, s.until, s.source, s.span.line) for s in model.trails[0].suppressions]


def test_comment_markers_inside_heredocs_and_strings_suppress_nothing(tmp_path: Path) -> None:
    text = """
        resource "aws_cloudtrail" "t" {
          name           = "# trailscan:ignore CT008 inside a string"
          s3_bucket_name = "b" # a real comment: trailscan:ignore CT001 not at the start
          tags = {
            Note = <<EOT
        # trailscan:ignore CT008 inside a heredoc
        // checkov:skip=CKV_AWS_36:inside a heredoc
        #trivy:ignore:AVD-AWS-0016
        EOT
            Other = "${"#tfsec:ignore:aws-cloudtrail-enable-log-validation"}"
            More  = "%{ if true }// trailscan:ignore CT008 in a directive%{ endif }"
          }
        }
    """
    assert _sups(tmp_path, text) == []


def test_heredoc_line_looking_like_a_comment_does_not_join_the_run_above(tmp_path: Path) -> None:
    text = """
        locals {
          doc = <<EOT
        # trailscan:ignore CT008 this is heredoc text, not a comment
        EOT
        }
        resource "aws_cloudtrail" "t" {
          name           = "t"
          s3_bucket_name = "b"
        }
    """
    assert _sups(tmp_path, text) == []


def test_block_comments_carry_suppressions(tmp_path: Path) -> None:
    text = """
        /* trailscan:ignore CT008 validated downstream */
        /*
         * trailscan:ignore CT009 keys managed centrally until=2027-01-31
         */
        resource "aws_cloudtrail" "t" {
          name           = "t" /* checkov:skip=CKV_AWS_67:regional by design */
          s3_bucket_name = "b"
        }
    """
    assert _sups(tmp_path, text) == [
        (("CT008",), "validated downstream", "", "trailscan", 1),
        (("CT009",), "keys managed centrally", "2027-01-31", "trailscan", 3),
        (("CKV_AWS_67",), "regional by design", "", "checkov", 6),
    ]


def test_checkov_spacing_as_checkov_accepts_it(tmp_path: Path) -> None:
    # checkov's regex: (checkov:skip=|bridgecrew:skip=|cortex:skip=) *([A-Za-z_\d]+)(:[^\n]*)?
    text = """
        resource "aws_cloudtrail" "t" {
          #checkov:skip= CKV_AWS_36: validated downstream
          #checkov:skip=CKV_AWS_35 : keys managed centrally
          # checkov:skip=CKV_AWS_67
          #bridgecrew:skip=CKV_AWS_252:no SNS by design
          name           = "t"
          s3_bucket_name = "b"
        }
    """
    assert _sups(tmp_path, text) == [
        (("CKV_AWS_36",), "validated downstream", "", "checkov", 2),
        (("CKV_AWS_35",), "keys managed centrally", "", "checkov", 3),
        (("CKV_AWS_67",), "", "", "checkov", 4),
        (("CKV_AWS_252",), "no SNS by design", "", "checkov", 5),
    ]


def test_trivy_and_tfsec_ignores(tmp_path: Path) -> None:
    text = """
        #trivy:ignore:AVD-AWS-0016
        // tfsec:ignore:aws-cloudtrail-enable-all-regions:exp:2027-03-31
        resource "aws_cloudtrail" "t" {
          #tfsec:ignore:aws-cloudtrail-ensure-cloudwatch-integration tfsec:ignore:AVD-AWS-0015
          name           = "t"
          s3_bucket_name = "b" # trivy:ignore:AVD-AWS-0163:exp:2026-12-31
          kms_key_id     = "" /* trivy:ignore:AVD-AWS-0015 */
        }
    """
    assert _sups(tmp_path, text) == [
        (("AVD-AWS-0016",), "trivy:ignore", "", "trivy", 1),
        (("AWS-CLOUDTRAIL-ENABLE-ALL-REGIONS",), "tfsec:ignore", "2027-03-31", "tfsec", 2),
        (("AWS-CLOUDTRAIL-ENSURE-CLOUDWATCH-INTEGRATION",), "tfsec:ignore", "", "tfsec", 4),
        (("AVD-AWS-0015",), "tfsec:ignore", "", "tfsec", 4),
        (("AVD-AWS-0163",), "trivy:ignore", "2026-12-31", "trivy", 6),
        (("AVD-AWS-0015",), "trivy:ignore", "", "trivy", 7),
    ]


def test_trivy_rules_that_may_not_apply_are_not_taken(tmp_path: Path) -> None:
    text = """
        #trivy:ignore:AVD-AWS-0016[name=other]
        #trivy:ignore:AVD-AWS-0016:ws:staging
        #trivy:ignore
        #see trivy:ignore:AVD-AWS-0015 in the docs
        resource "aws_cloudtrail" "t" {
          name           = "t"
          s3_bucket_name = "b"
        }
    """
    # "see" is a word of its own: trivy reads the next word, so that rule counts.
    assert _sups(tmp_path, text) == [(("AVD-AWS-0015",), "trivy:ignore", "", "trivy", 4)]


def test_comment_run_above_a_block_stops_at_code_or_a_blank_line(tmp_path: Path) -> None:
    text = """
        locals { x = 1 } # trailscan:ignore CT007 belongs to the locals line
        # trailscan:ignore CT008 directly above, with a comment-only line between
        /* a block comment line */
        resource "aws_cloudtrail" "t" {
          name           = "t"
          s3_bucket_name = "b"
        }
    """
    assert _sups(tmp_path, text) == [(("CT008",), "directly above, with a comment-only line between", "", "trailscan", 2)]


# ---------------------------------------------------------------------------
# The lexer itself
# ---------------------------------------------------------------------------


def test_lexer_finds_exactly_the_comments() -> None:
    from scanner.parsers.terraform.lexer import lex

    text = (
        '# one\n'
        'a = "x # not // a /* comment" // two\n'
        'b = <<-EOT\n  # not\n  EOT\n'
        'c = "${ x # three\n}" /* four\n five */\n'
        'd = "$${ # not }" # six\n'
        'e = { for k, v in m : k /* seven */ => v } # eight'
    )
    def at(comment: str, block: bool, own_line: bool) -> tuple[str, int, int, bool, bool]:
        offset = text.index(comment)
        line = text.count("\n", 0, offset) + 1
        return comment, line, offset - (text.rfind("\n", 0, offset) + 1) + 1, block, own_line

    found = [(c.text, c.line, c.column, c.block, c.own_line) for c in lex(text).comments]
    assert found == [
        at("# one", False, True),
        at("// two", False, False),
        at("# three", False, False),
        at("/* four\n five */", True, False),
        at("# six", False, False),
        at("/* seven */", True, False),
        at("# eight", False, False),
    ]
    assert [c[1:3] for c in found][:2] == [(1, 1), (2, 31)]


def test_terraform_json_has_no_comments(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf.json": """
        {"resource": {"aws_cloudtrail": {"t": {
          "//": "# trailscan:ignore CT008 a JSON string, not a comment",
          "name": "t",
          "s3_bucket_name": "b"
        }}}}
    """})
    assert model.trails[0].suppressions == ()
