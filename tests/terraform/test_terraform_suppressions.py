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
