"""The resource instances of one unit, indexed by type, and the fields every record
shares (ref, span, unit, kind, suppressions, depends_on).

The mappers read an instance through ``ResourceInstance``: the Terraform front end's
evaluated instances implement it, and so do the resources of a Terraform plan
(``scanner.parsers.plan``), so one set of mappers serves both.
"""

from __future__ import annotations

from typing import Any, Protocol

from scanner.model import Span, Suppression
from scanner.parsers.terraform.body import BodyView


class ResourceInstance(Protocol):
    """One resource or data source instance, as a record mapper reads it."""

    mode: str  # "resource" | "data"
    type: str
    ref: str  # its address: ``module.audit.aws_cloudtrail.this[0]``

    @property
    def view(self) -> BodyView:
        """Its attributes and nested blocks (``value``/``has``/``attr_span``/``blocks``)."""
        ...

    @property
    def span(self) -> Span: ...

    @property
    def header(self) -> Span: ...

    def computed(self, name: str) -> Any:
        """Attribute ``name`` as a reference to the instance sees it (``arn``, ``id``...)."""
        ...

    def own_suppressions(self) -> tuple[Suppression, ...]: ...

    def suppressions(self) -> tuple[Suppression, ...]:
        """Its own and those of the module calls around it."""
        ...

    def depends_on(self) -> tuple[str, ...]: ...


_Index = tuple[dict[str, list[int]], dict[str, list[int]]]


class Resources:
    def __init__(self, unit: str, instances: list[ResourceInstance]) -> None:
        self.unit = unit
        self._by_type: dict[str, list[ResourceInstance]] = {}
        self._indexes: dict[tuple[str, str], _Index] = {}
        for inst in instances:
            self._by_type.setdefault(inst.type, []).append(inst)

    def of(self, rtype: str) -> list[ResourceInstance]:
        """Instances of one resource type, in walk order (sorted by module, then address)."""
        return self._by_type.get(rtype, [])

    def naming(self, rtype: str, attribute: str, inst: ResourceInstance,
               match: set[str]) -> list[ResourceInstance]:
        """The instances of ``rtype`` whose ``attribute`` names ``inst`` (a key policy's
        ``key_id``, a subscription's ``topic_arn``): by reference (the view's target) or by
        a resolved name or ARN in ``match``; in walk order. Indexed once per (type,
        attribute), so tying resources to records stays linear in the resources."""
        index = self._indexes.get((rtype, attribute))
        if index is None:
            by_target: dict[str, list[int]] = {}
            by_value: dict[str, list[int]] = {}
            for pos, other in enumerate(self.of(rtype)):
                target = other.view.target(attribute)
                if target:
                    by_target.setdefault(target, []).append(pos)
                value = other.view.value(attribute)
                if isinstance(value, str):
                    by_value.setdefault(value, []).append(pos)
            index = self._indexes[(rtype, attribute)] = (by_target, by_value)
        positions = set(index[0].get(inst.ref, ()))
        for name in match:
            positions.update(index[1].get(name, ()))
        items = self.of(rtype)
        return [items[pos] for pos in sorted(positions)]

    def common(self, inst: ResourceInstance) -> dict[str, Any]:
        """The ``Record`` fields of ``inst``; suppressions of enclosing module calls apply."""
        return {
            "ref": inst.ref,
            "span": inst.span,
            "unit": self.unit,
            "kind": inst.type,
            "suppressions": inst.suppressions(),
            "depends_on": inst.depends_on(),
        }
