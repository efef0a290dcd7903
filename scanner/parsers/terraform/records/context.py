"""The resource instances of one unit, indexed by type, the fields every record shares
(ref, span, unit, kind, suppressions, depends_on), and how a resource that configures
another (a bucket policy, a key alias, a subscription) finds the one it names.

The mappers read an instance through ``ResourceInstance``: the Terraform front end's
evaluated instances implement it, and so do the resources of a Terraform plan
(``scanner.parsers.plan``), so one set of mappers serves both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from scanner.model import Span, Suppression
from scanner.parsers.attachments import Attachments, attach
from scanner.parsers.terraform.body import BodyView


class ResourceInstance(Protocol):
    """One resource or data source instance, as a record mapper reads it."""

    mode: str  # "resource" | "data"
    type: str
    ref: str  # its address: ``module.audit.aws_cloudtrail.this[0]``

    @property
    def view(self) -> BodyView:
        """Its attributes and nested blocks (``value``/``has``/``attr_span``/``blocks``).
        A value that names a record by reference carries that record's ref
        (``values.target_of``), so links and attachments follow references first."""
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


class Resources:
    def __init__(self, unit: str, instances: list[ResourceInstance]) -> None:
        self.unit = unit
        self._by_type: dict[str, list[ResourceInstance]] = {}
        for inst in instances:
            self._by_type.setdefault(inst.type, []).append(inst)

    def of(self, rtype: str) -> list[ResourceInstance]:
        """Instances of one resource type, in walk order (sorted by module, then address)."""
        return self._by_type.get(rtype, [])

    def attach(self, owners: Iterable[tuple[str, Iterable[str]]], rtype: str,
               argument: str) -> Attachments[ResourceInstance]:
        """The resources of ``rtype`` filed under the owner their ``argument`` names, by
        reference first (``scanner.parsers.attachments``). ``owners``: (ref, resolved
        names or ids) pairs."""
        return attach(owners, ((dep, argument, dep.view.value(argument)) for dep in self.of(rtype)))

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
