"""What discovery asks of a file before any template is decoded: is it a template, and
could it nest stacks. Plain text tests, so that classifying a repository's YAML and JSON
files (and a run whose templates all come from the cache) never imports PyYAML or the
front end.
"""

from __future__ import annotations

import re

__all__ = ["NESTED_STACK_TYPES", "REMOTE_PREFIXES", "looks_like_template", "may_nest_stacks"]

_RESOURCES = re.compile(r"""(?:^|[\s{,])["']?Resources["']?\s*:""")
_TYPE = re.compile(r"""\bType["']?\s*:\s*["']?(AWS|Custom|Alexa)::""")

# Resource type → the property that names the nested template.
NESTED_STACK_TYPES: dict[str, str] = {
    "AWS::CloudFormation::Stack": "TemplateURL",
    "AWS::Serverless::Application": "Location",
}
REMOTE_PREFIXES = ("http://", "https://", "s3://")


def looks_like_template(text: str) -> bool:
    """Cheap content sniff: typed ``Resources`` or an explicit template marker."""
    if "AWSTemplateFormatVersion" in text or "AWS::Serverless-2016-10-31" in text:
        return True
    if "Resources" not in text or "::" not in text:
        return False
    return bool(_RESOURCES.search(text)) and bool(_TYPE.search(text))


def may_nest_stacks(text: str) -> bool:
    """Cheap and sound for a literal type name: a template without one of these strings
    has no nested stack the decoder could find. (A type spelt with escapes only makes its
    child a unit of its own: scanned twice, never skipped.)"""
    return any(kind in text for kind in NESTED_STACK_TYPES)
