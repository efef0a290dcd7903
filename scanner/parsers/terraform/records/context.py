"""The evaluated resource instances of one unit, indexed by type, and the fields every
record shares (ref, span, unit, kind, suppressions, depends_on)."""

from __future__ import annotations

from typing import Any

from scanner.parsers.terraform.instance import Instance
from scanner.parsers.terraform.references import refs_of


class Resources:
    def __init__(self, unit: str, instances: list[Instance]) -> None:
        self.unit = unit
        self._by_type: dict[str, list[Instance]] = {}
        for inst in instances:
            self._by_type.setdefault(inst.type, []).append(inst)

    def of(self, rtype: str) -> list[Instance]:
        """Instances of one resource type, in walk order (sorted by module, then address)."""
        return self._by_type.get(rtype, [])

    def common(self, inst: Instance) -> dict[str, Any]:
        """The ``Record`` fields of ``inst``; suppressions of enclosing module calls apply."""
        return {
            "ref": inst.ref,
            "span": inst.block.span,
            "unit": self.unit,
            "kind": inst.type,
            "suppressions": inst.module.suppressions
            + inst.module.source.suppressions(inst.block),
            "depends_on": refs_of(inst.module, inst.block),
        }
