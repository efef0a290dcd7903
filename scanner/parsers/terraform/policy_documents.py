"""``data "aws_iam_policy_document"`` rendered to the JSON data its ``.json`` returns.

Statement dicts remember their block's span so policies can point at the statement.
"""

from __future__ import annotations

from typing import Any

from scanner.parsers.terraform.attributes import MISSING
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.values import (
    JsonText,
    SpannedDict,
    UnknownValue,
    json_encode,
)

Value = Any


def _set(target: dict[str, Value], key: str, value: Value) -> None:
    if value is not MISSING and value is not None:
        target[key] = value


def _principals(views: list[BodyView]) -> Value:
    out: dict[str, Value] = {}
    for view in views:
        kind = view.value("type")
        ids = view.value("identifiers")
        if isinstance(kind, UnknownValue):
            return kind
        if not isinstance(kind, str):
            continue
        if isinstance(ids, UnknownValue):
            out[kind] = ids
            continue
        items = ids if isinstance(ids, list) else [ids]
        existing = out.setdefault(kind, [])
        if isinstance(existing, list):
            existing.extend(items)
    if list(out) == ["*"] or (list(out) == ["AWS"] and out["AWS"] == ["*"]):
        return "*" if "*" in out else {"AWS": "*"}
    return out


def _statement(view: BodyView) -> SpannedDict:
    stmt = SpannedDict(span=view.span)
    _set(stmt, "Sid", view.value("sid"))
    effect = view.value("effect")
    stmt["Effect"] = "Allow" if effect is MISSING or effect is None else effect
    for attr, key in (("actions", "Action"), ("not_actions", "NotAction"),
                      ("resources", "Resource"), ("not_resources", "NotResource")):
        _set(stmt, key, view.value(attr))
    for block, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        views = view.blocks(block)
        if views:
            stmt[key] = _principals(views)
    conditions: dict[str, dict[str, Value]] = {}
    for cond in view.blocks("condition"):
        test, variable, values = cond.value("test"), cond.value("variable"), cond.value("values")
        if isinstance(test, UnknownValue) or isinstance(variable, UnknownValue):
            stmt["Condition"] = test if isinstance(test, UnknownValue) else variable
            break
        conditions.setdefault(str(test), {})[str(variable)] = values
    else:
        if conditions:
            stmt["Condition"] = conditions
    return stmt


def _statements_of(doc: Value) -> list[Value]:
    if isinstance(doc, JsonText):
        doc = doc.data
    if isinstance(doc, str):
        import json

        try:
            doc = json.loads(doc)
        except ValueError:
            return []
    if isinstance(doc, dict):
        raw = doc.get("Statement", [])
        return raw if isinstance(raw, list) else [raw]
    return []


def _merge_by_sid(base: list[Value], extra: list[Value]) -> list[Value]:
    out = list(base)
    for stmt in extra:
        sid = stmt.get("Sid") if isinstance(stmt, dict) else None
        if sid:
            for i, existing in enumerate(out):
                if isinstance(existing, dict) and existing.get("Sid") == sid:
                    out[i] = stmt
                    break
            else:
                out.append(stmt)
        else:
            out.append(stmt)
    return out


def policy_document(view: BodyView) -> JsonText | UnknownValue:
    """The document ``data.aws_iam_policy_document.x.json`` evaluates to."""
    statements: list[Value] = []
    for attr in ("source_policy_documents", "source_json"):
        sources = view.value(attr)
        if sources is MISSING or sources is None:
            continue
        if isinstance(sources, UnknownValue):
            return sources
        for src in sources if isinstance(sources, list) else [sources]:
            if isinstance(src, UnknownValue):
                return src
            statements = _merge_by_sid(statements, _statements_of(src))
    statements = _merge_by_sid(statements, [_statement(s) for s in view.blocks("statement")])
    for attr in ("override_policy_documents", "override_json"):
        overrides = view.value(attr)
        if overrides is MISSING or overrides is None:
            continue
        if isinstance(overrides, UnknownValue):
            return overrides
        for src in overrides if isinstance(overrides, list) else [overrides]:
            if isinstance(src, UnknownValue):
                return src
            statements = _merge_by_sid(statements, _statements_of(src))
    doc = SpannedDict(span=view.span)
    version = view.value("version")
    doc["Version"] = "2012-10-17" if version is MISSING or version is None else version
    doc["Statement"] = statements
    return json_encode(doc)
