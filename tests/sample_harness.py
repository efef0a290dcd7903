"""Run one policy on one sample and compare with its ``# expect: ID`` markers.

The harness lives in the package (``scanner.policy_tests``) because ``trailscan
test-policies`` holds users' own policies to the same standard; the tests import it here.
"""

from __future__ import annotations

from scanner.policy_tests import (
    EXPECT_RE,
    SOURCE_SUFFIXES,
    actual_markers,
    annotate,
    expected_markers,
    sample_files,
    scan_sample,
)

__all__ = [
    "EXPECT_RE",
    "SOURCE_SUFFIXES",
    "actual_markers",
    "annotate",
    "expected_markers",
    "sample_files",
    "scan_sample",
]
