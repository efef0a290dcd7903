"""One resource of a unit, and the unit's resources seen together.

Cross-resource pieces that CloudFormation writes as separate resources (bucket policies,
key aliases, SNS subscriptions, IAM policies attached to roles) are matched across the
whole unit, by reference first and then by resolved name (``scanner.parsers.attachments``),
so a bucket policy in a parent stack still lands on a bucket created in a nested one. ``Scope`` therefore holds every resource of the unit,
grouped by type once so that a family looks up its attachments without a pass over the
whole unit per record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from scanner.model import Attr, NotCreated, Origin, ParseProblem, PolicyDocument, Span, Unit
from scanner.parsers.cloudformation.decode import PosDict
from scanner.parsers.cloudformation.intrinsics import NO_VALUE, Resolver
from scanner.parsers.cloudformation.values import Values
from scanner.parsers.common import UnknownValue


@dataclass
class Resource:
    """One resource that exists (or may exist) in a template of the unit."""

    resolver: Resolver
    logical: str
    body: PosDict
    kind: str

    @property
    def ref(self) -> str:
        return self.resolver.prefix + self.logical

    @property
    def props(self) -> PosDict:
        props = self.body.get("Properties")
        return props if isinstance(props, PosDict) else PosDict(self.body.pos)


# The resource types whose absence (a false Condition) the reports explain.
TRAIL_TYPES = frozenset({"AWS::CloudTrail::Trail"})


def iter_resources(
    resolver: Resolver,
    problems: list[ParseProblem],
    not_created: list[NotCreated] | None = None,
) -> Iterator[Resource]:
    """Resources of one template that are not known to be absent, in file order. A trail
    whose Condition is false goes to ``not_created`` with the reason."""
    section = resolver.resources
    values = Values(resolver)
    for logical, body in section.items():
        kind = body.get("Type") if isinstance(body, PosDict) else None
        if not isinstance(body, PosDict) or not isinstance(kind, str):
            problems.append(
                ParseProblem(
                    span=values.key_span(section, logical),
                    message=f"resource {logical} has no Type (every resource needs one)",
                )
            )
            continue
        if resolver.exists(logical) is False:
            if not_created is not None and kind in TRAIL_TYPES:
                not_created.append(NotCreated(
                    ref=resolver.prefix + logical, span=values.key_span(section, logical),
                    unit="", kind=kind, reason=condition_reason(resolver, body.get("Condition")),
                ))
            continue
        shown = resolver.shallow(body["Properties"]) if "Properties" in body else NO_VALUE
        if not isinstance(shown, PosDict | UnknownValue) and shown is not NO_VALUE:
            problems.append(
                ParseProblem(
                    span=values.key_span(body, "Properties"),
                    message=f"resource {logical}: Properties must be a mapping "
                    "(CloudFormation rejects this template); the resource is not checked",
                )
            )
            continue
        yield Resource(resolver, logical, body, kind)


def resources_of(
    resolvers: list[Resolver],
    problems: list[ParseProblem],
    not_created: list[NotCreated] | None = None,
) -> list[Resource]:
    """Every resource of the unit's templates, top template first."""
    out: list[Resource] = []
    for resolver in resolvers:
        out.extend(iter_resources(resolver, problems, not_created))
    return out


# Parameters named in one reason; the rest are counted.
MAX_NAMED_PARAMETERS = 3


def condition_reason(resolver: Resolver, condition: Any) -> str:
    """``Condition IsProd is false (Env = dev)``: the condition and the parameters its
    definition reads (through other conditions too), with the values they came to."""
    name = condition if isinstance(condition, str) else "?"
    found: list[str] = []
    seen: set[str] = set()
    stack: list[Any] = [resolver.section("Conditions").get(name)]
    while stack and len(seen) < 100:
        node = stack.pop()
        if isinstance(node, dict):
            if set(node) == {"Ref"} and isinstance(node["Ref"], str):
                ref = node["Ref"]
                if ref in resolver.section("Parameters") and ref not in found:
                    found.append(ref)
                continue
            if set(node) == {"Condition"} and isinstance(node["Condition"], str):
                other = node["Condition"]
                if other not in seen:
                    seen.add(other)
                    stack.append(resolver.section("Conditions").get(other))
                continue
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    head = f"Condition {name} is false"
    if not found:
        return head
    shown = [f"{p} = {_shown(resolver.parameter(p))}" for p in found[:MAX_NAMED_PARAMETERS]]
    more = len(found) - MAX_NAMED_PARAMETERS
    return f"{head} ({', '.join(shown)}{f' and {more} more' if more > 0 else ''})"


def _shown(value: Any) -> str:
    if isinstance(value, UnknownValue):
        return "(unknown)"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value) if str(value) else "''"


class Scope:
    """The unit being built: its resources by type, and where ill-typed properties go."""

    def __init__(self, unit: Unit, resources: list[Resource]) -> None:
        self.unit = unit
        # CloudFormation rejects a template with an ill-typed property: each becomes a
        # CT901 at the property (see ``Values.ill_typed``).
        self.problems: list[ParseProblem] = []
        self._by_kind: dict[str, list[Resource]] = {}
        for res in resources:
            self._by_kind.setdefault(res.kind, []).append(res)

    def of(self, kind: str) -> list[Resource]:
        """Resources of one type, in unit order."""
        return self._by_kind.get(kind, [])

    def values(self, res: Resource) -> Values:
        return Values(res.resolver, self.problems)

    def default_span(self, res: Resource) -> Span:
        """Where an absent property is reported: the resource's logical-id key."""
        pos = res.resolver.resources.key_pos.get(res.logical, res.body.pos)
        return self.values(res).span(pos)

    def block(self, res: Resource, key: str) -> tuple[Any, Span]:
        """A nested-object property, resolved at the top, with its span (the resource's
        when the property is absent)."""
        vals = self.values(res)
        node = vals.node(res.props, key)
        span = vals.key_span(res.props, key) if key in res.props else self.default_span(res)
        return node, span

    def name_attr(self, res: Resource, prop: str) -> Attr[str]:
        """The physical name: written, or the symbolic ``${LogicalId}`` token."""
        dspan = self.default_span(res)
        attr = self.values(res).scalar(res.props, prop, "str", None, dspan)
        token = res.resolver.token(res.logical)
        if attr.origin is Origin.DEFAULT:
            return Attr.explicit(token, dspan, prop)
        if isinstance(attr.value, str) and token in attr.value:
            return Attr.unknown(attr.span, f"the name of {res.logical} refers to itself", prop)
        return replace(attr, target="")  # its own name identifies nothing else

    def policy_attr(self, res: Resource, props: PosDict, key: str) -> Attr[PolicyDocument]:
        """An IAM document property; DEFAULT None when absent."""
        vals = self.values(res)
        if key not in props or vals.node(props, key) is NO_VALUE:
            return Attr.default(None, self.default_span(res), key)
        span = vals.key_span(props, key)
        doc = vals.policy(props[key], span)
        if doc.unknown:
            return Attr.unknown(span, doc.unknown, key)
        return Attr.explicit(doc, span, key)

    def policy_document(self, res: Resource) -> PolicyDocument:
        """The ``PolicyDocument`` of a standalone IAM policy resource."""
        vals = self.values(res)
        span = (
            vals.key_span(res.props, "PolicyDocument")
            if "PolicyDocument" in res.props
            else self.default_span(res)
        )
        return vals.policy(res.props.get("PolicyDocument"), span)


def derived(name: Attr[str], value: Any, attribute: str) -> Attr[str]:
    """An ARN or id the resolver computes from the name (``attribute`` is its
    ``Fn::GetAtt`` name), known exactly when the name is."""
    if not name.known or isinstance(value, UnknownValue):
        reason = value.reason if isinstance(value, UnknownValue) else name.reason
        return Attr.unknown(name.span, reason, attribute)
    return Attr.explicit(str(value), name.span, attribute)
