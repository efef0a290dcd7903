"""The plan's account id and region, written back as the model's pseudo-parameter tokens.

The rest of trailscan spells "this account" and "this region" as ``${AWS::AccountId}`` and
``${AWS::Region}`` (``scanner.arns``): the Terraform front end maps
``data.aws_caller_identity`` and ``data.aws_region`` to them, and the analysis builds the
requests CloudTrail makes with them. A plan has already substituted the real values
(``arn:aws:kms:eu-west-1:123456789012:key/...``); comparing those with tokens would leave
every IAM question undecided. So the values the plan's own data sources report are turned
back into the tokens wherever they appear as a whole word: the account id between non-digits,
the region between characters that cannot continue a region name. Both stand for exactly
those values, so nothing is lost; another account's id or another region stays literal.
"""

from __future__ import annotations

import re
from typing import Any

from scanner.arns import ACCOUNT, REGION
from scanner.parsers.plan.document import PlanDocument


class Symbols:
    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        parts = []
        if account:
            parts.append(f"(?<![0-9]){re.escape(account)}(?![0-9])")
        if region:
            parts.append(f"(?<![A-Za-z0-9-]){re.escape(region)}(?![A-Za-z0-9-])")
        self._pattern = re.compile("|".join(parts)) if parts else None

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: ACCOUNT if m.group(0) == self.account else REGION, value)

    def value(self, value: Any) -> Any:
        """``value`` with every string symbolised (dict keys too)."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def symbols_of(document: PlanDocument) -> Symbols:
    """The account and region the plan's data sources (or its provider block) report,
    each only when exactly one value is reported."""
    accounts: set[str] = set()
    regions: set[str] = set()
    for resource in document.resources:
        if resource.mode != "data" or resource.sensitive is True:
            continue
        values = resource.values
        if resource.type == "aws_caller_identity":
            account = values.get("account_id")
            if isinstance(account, str) and re.fullmatch(r"[0-9]{12}", account):
                accounts.add(account)
        elif resource.type == "aws_region":
            for key in ("name", "region"):
                region = values.get(key)
                if isinstance(region, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-[0-9]+", region):
                    regions.add(region)
    if not regions:
        region = _provider_region(document)
        if region:
            regions.add(region)
    return Symbols(
        accounts.pop() if len(accounts) == 1 else "",
        regions.pop() if len(regions) == 1 else "",
    )


def _provider_region(document: PlanDocument) -> str:
    """The default ``aws`` provider's region: a constant, or a root variable's value."""
    provider = document.provider_config.get("aws")
    expressions = provider.get("expressions") if isinstance(provider, dict) else None
    region = expressions.get("region") if isinstance(expressions, dict) else None
    if not isinstance(region, dict):
        return ""
    value = region.get("constant_value")
    refs = region.get("references")
    if value is None and isinstance(refs, list) and len(refs) == 1 and isinstance(refs[0], str):
        name = refs[0].removeprefix("var.")
        variable = document.variables.get(name) if refs[0].startswith("var.") else None
        value = variable.get("value") if isinstance(variable, dict) else None
    if isinstance(value, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-[0-9]+", value):
        return value
    return ""
