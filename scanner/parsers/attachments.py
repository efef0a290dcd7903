"""Which resources configure which record, for both front ends: a bucket policy its bucket,
a key policy or alias its key, a role policy or attachment its role, a subscription its
topic, an event target its rule.

A resource names its record by reference (``bucket = aws_s3_bucket.logs.id``,
``Bucket: !Ref Logs``): the value carries the record's ref (``common.target_of``) and is
followed whatever the record's name resolves to. Only a value without a reference is
matched by its resolved name. One whose name cannot be resolved may configure any record
not already configured (``unresolved``); one that names a record by a literal name that
matches none may still configure a record whose own name is unknown (``unmatched``).

One pass over the owners and one over the dependents: tying resources to records stays
linear in the resources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from typing import Generic, Protocol, TypeVar

from scanner.model import Attr
from scanner.parsers.common import UnknownValue, target_of
from scanner.valueclass import ValueObject, value_class


class Named(Protocol):
    @property
    def ref(self) -> str: ...


D = TypeVar("D", bound=Named)


@value_class(frozen=False)
class Attachments(ValueObject, Generic[D]):
    """The dependents of one kind, filed by the record (ref) they configure."""

    certain: dict[str, list[D]] = field(default_factory=dict)
    unresolved: list[tuple[D, str]] = field(default_factory=list)
    unmatched: list[tuple[D, str]] = field(default_factory=list)
    _seen: set[tuple[str, int]] = field(default_factory=set)

    def of(self, ref: str) -> list[D]:
        """The dependents that certainly configure the record ``ref``, in their order."""
        return self.certain.get(ref, [])

    def maybe(self, ref: str, name_known: bool = True) -> list[tuple[D, str]]:
        """Dependents that may configure ``ref`` (none when one certainly does), with why;
        ``name_known``: whether the record's own name is known (else a literal name that
        matched no record may be its)."""
        if ref in self.certain:
            return []
        return [*self.unresolved, *([] if name_known else self.unmatched)]

    def add(self, owner: str, dep: D) -> None:
        """``dep`` certainly configures ``owner``."""
        if (owner, id(dep)) not in self._seen:  # a list may name one owner twice
            self._seen.add((owner, id(dep)))
            self.certain.setdefault(owner, []).append(dep)


def attach(
    owners: Iterable[tuple[str, Iterable[str]]],
    dependents: Iterable[tuple[D, str, object]],
    normalise: Callable[[str], str] | None = None,
) -> Attachments[D]:
    """File each (dependent, what names its record, value) under the owner the value names.

    ``owners`` are (ref, resolved names or ids) pairs; the first owner with a name wins. A
    list value names several owners. ``normalise`` maps a resolved name to the form the
    owners' names have (an S3 ARN to the bucket name).
    """
    by_name: dict[str, str] = {}
    refs: set[str] = set()
    for ref, names in owners:
        refs.add(ref)
        for name in names:
            by_name.setdefault(name, ref)
    out: Attachments[D] = Attachments()
    for dep, label, value in dependents:
        for item in value if isinstance(value, list) else [value]:
            target = target_of(item)
            if target:
                if target in refs:
                    out.add(target, dep)
            elif isinstance(item, str):
                owner = by_name.get(normalise(item) if normalise is not None else str(item))
                if owner is not None:
                    out.add(owner, dep)
                else:
                    out.unmatched.append((dep, f"{dep.ref} names {label} {str(item)!r}"))
            elif isinstance(item, UnknownValue):
                out.unresolved.append((dep, f"{dep.ref}: {label} cannot be resolved ({item.reason})"))
    return out


def known_names(*attrs: Attr[str]) -> list[str]:
    """The resolved names among a record's identifying attributes, for ``owners``."""
    return [str(a.value) for a in attrs if a.known and isinstance(a.value, str)]
