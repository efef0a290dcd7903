"""What ``terraform show -json`` output looks like, told from its content.

A plan (or state) JSON is saved under any name, so ``_classify_candidates`` asks this
for every JSON candidate before the CloudFormation sniff. Terraform writes
``format_version`` then ``terraform_version`` first, which a match on the head tells at
once; a document whose keys were reordered (``jq -S``) is decoded only when it names
both keys, so ordinary JSON and CloudFormation are never decoded here.
"""

from __future__ import annotations

import json
import re

# Anchored, no nested quantifiers: linear in the 4 KiB head it is given.
_PLAN_HEAD_RE = re.compile(r'\A\s*\{\s*"format_version"\s*:\s*"1\.[0-9]+"\s*,\s*"terraform_version"\s*:')
_PLAN_KEYS = ("planned_values", "resource_changes", "configuration", "prior_state", "values")
_HEAD = 4096


def looks_like_plan(text: str) -> bool:
    """Whether a JSON text is ``terraform show -json`` output (format_version 1.x)."""
    if _PLAN_HEAD_RE.match(text[:_HEAD]):
        return True
    if '"format_version"' not in text or '"terraform_version"' not in text:
        return False
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("format_version"), str)
        and data["format_version"].startswith("1.")
        and isinstance(data.get("terraform_version"), str)
        and any(key in data for key in _PLAN_KEYS)
    )
