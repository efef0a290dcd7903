"""The fields every record shares: where the resource is, what the author wrote about it
in ``Metadata`` (suppressions, the CDK construct path) and what it depends on."""

from __future__ import annotations

from typing import Any

from scanner.model import Suppression
from scanner.parsers.cloudformation.decode import PosDict, PosList
from scanner.parsers.cloudformation.records.resource import Resource, Scope

# Metadata section → (suppression source, list key, reason key).
_SUPPRESSION_SECTIONS = (
    ("trailscan", "ignore", "reason"),
    ("checkov", "skip", "comment"),
)


def record_fields(scope: Scope, res: Resource) -> dict[str, Any]:
    """Keyword arguments of ``scanner.model.Record`` for this resource."""
    return {
        "ref": res.ref,
        "span": scope.values(res).key_span(res.resolver.resources, res.logical),
        "unit": scope.unit.id,
        "kind": res.kind,
        "label": label(res),
        "suppressions": suppressions(scope, res),
        "depends_on": depends_on(res),
    }


def label(res: Resource) -> str:
    """The CDK construct path, which names the resource as its author knows it."""
    meta = res.body.get("Metadata")
    path = meta.get("aws:cdk:path") if isinstance(meta, PosDict) else None
    return path if isinstance(path, str) else ""


def suppressions(scope: Scope, res: Resource) -> tuple[Suppression, ...]:
    """``Metadata.trailscan.ignore`` and ``Metadata.checkov.skip`` entries, each at its
    line: a bare id, or a mapping with ``id``/``ids``, a reason and ``until``."""
    meta = res.body.get("Metadata")
    if not isinstance(meta, PosDict):
        return ()
    vals = scope.values(res)
    out: list[Suppression] = []
    for source, list_key, reason_key in _SUPPRESSION_SECTIONS:
        block = meta.get(source)
        entries = block.get(list_key) if isinstance(block, PosDict) else None
        if not isinstance(entries, PosList):
            continue
        for index, entry in enumerate(entries):
            span = vals.item_span(entries, index)
            if isinstance(entry, str):
                out.append(Suppression(ids=(entry,), reason="", span=span, source=source))
                continue
            if not isinstance(entry, PosDict):
                continue
            raw_ids = entry.get("id", entry.get("ids"))
            ids = raw_ids if isinstance(raw_ids, list) else [raw_ids]
            out.append(
                Suppression(
                    ids=tuple(str(i) for i in ids if i is not None),
                    reason=str(entry.get(reason_key) or "").strip(),
                    until=str(entry.get("until") or ""),
                    span=span,
                    source=source,
                )
            )
    return tuple(out)


def depends_on(res: Resource) -> tuple[str, ...]:
    """Refs of the resources this one names in ``DependsOn`` or refers to in its
    properties (Ref, GetAtt, Sub), for CT011's ordering questions."""
    names: set[str] = set()
    explicit = res.body.get("DependsOn")
    for name in explicit if isinstance(explicit, list) else [explicit]:
        if isinstance(name, str):
            names.add(name)
    names |= res.resolver.references(res.body.get("Properties"))
    names.discard(res.logical)
    return tuple(sorted(res.resolver.prefix + n for n in names))
