"""The evaluated resource instances of one unit, indexed by type, the fields every
record shares (ref, span, unit, kind, suppressions, depends_on), and how a resource that
configures another (a bucket policy, a key alias, a subscription) finds the one it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from scanner.parsers.terraform.instance import Instance
from scanner.parsers.terraform.references import refs_of
from scanner.parsers.terraform.values import UnknownValue, target_of


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


@dataclass(slots=True)
class Attachments:
    """Which resources of one type configure which record.

    A resource names its record by reference (``bucket = aws_s3_bucket.logs.id``: followed
    whatever the bucket's name resolves to) or by a resolved name. One whose name cannot
    be resolved may configure any record not already configured (``unresolved``); one that
    names a record by a literal name that matches none may still configure a record whose
    own name is unknown (``unmatched``).
    """

    certain: dict[str, list[Instance]] = field(default_factory=dict)
    unresolved: list[tuple[Instance, str]] = field(default_factory=list)
    unmatched: list[tuple[Instance, str]] = field(default_factory=list)

    def of(self, ref: str) -> list[Instance]:
        """The resources that certainly configure the record ``ref``, in unit order."""
        return self.certain.get(ref, [])

    def maybe(self, ref: str, name_known: bool) -> list[tuple[Instance, str]]:
        """Resources that may configure ``ref`` (none when one certainly does), with why."""
        if ref in self.certain:
            return []
        return [*self.unresolved, *([] if name_known else self.unmatched)]


def attach(
    owners: Iterable[tuple[str, Iterable[str]]], dependents: list[Instance], argument: str
) -> Attachments:
    """Match each of ``dependents`` to the owner its ``argument`` names.

    ``owners`` are (ref, resolved names or ids) pairs; the first owner with a name wins.
    """
    by_name: dict[str, str] = {}
    refs: set[str] = set()
    for ref, names in owners:
        refs.add(ref)
        for name in names:
            by_name.setdefault(name, ref)
    out = Attachments()
    for dep in dependents:
        value = dep.view.value(argument)
        # a list argument (``roles = [...]``) names several owners
        for item in value if isinstance(value, list) else [value]:
            _attach_one(out, dep, argument, item, refs, by_name)
    return out


def _attach_one(
    out: Attachments, dep: Instance, argument: str, value: object, refs: set[str],
    by_name: dict[str, str],
) -> None:
    target = target_of(value)
    if target:
        if target in refs:
            _add(out, target, dep)
    elif isinstance(value, str):
        owner = by_name.get(str(value))
        if owner is not None:
            _add(out, owner, dep)
        else:
            out.unmatched.append((dep, f"{dep.ref} names {argument} {str(value)!r}"))
    elif isinstance(value, UnknownValue):
        out.unresolved.append((dep, f"{dep.ref}: {argument} cannot be resolved ({value.reason})"))


def _add(out: Attachments, owner: str, dep: Instance) -> None:
    found = out.certain.setdefault(owner, [])
    if not any(d is dep for d in found):  # a list may name one owner twice
        found.append(dep)
