"""Turn resolved property values into ``Attr``s with the right origin and span.

One place decides what absent, ``AWS::NoValue``, unresolvable and ill-typed mean, so every
resource mapping treats them alike: absent or removed → DEFAULT at the resource, written
but not resolvable → UNKNOWN with the resolver's reason, written → EXPLICIT at the
property (key through value).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scanner.model import Attr, Origin, ParseProblem, PolicyDocument, Span
from scanner.parsers.cloudformation.decode import Pos, PosDict, PosList
from scanner.parsers.cloudformation.intrinsics import NO_VALUE, Resolver
from scanner.parsers.common import (
    SpannedDict,
    UnknownValue,
    aws_string,
    first_unknown,
    policy_document_from_json,
    target_of,
    with_target,
)


class Unresolved(Exception):
    """Raised while building a nested structure when a part of it is UNKNOWN."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def to_str(value: Any) -> str | None:
    if isinstance(value, list | dict) or value is None:
        return None
    return aws_string(value)


_COERCE: dict[str, Callable[[Any], Any]] = {"str": to_str, "bool": to_bool, "int": to_int}
_EXPECTED = {"str": "a string", "bool": "a boolean", "int": "an integer"}


class Values:
    """Reads properties of one file through its resolver."""

    def __init__(self, resolver: Resolver, problems: list[ParseProblem] | None = None) -> None:
        self.r = resolver
        self.path = resolver.path
        # Where ill-typed properties are reported: CloudFormation rejects such a template,
        # so the value is UNKNOWN and the user is told (CT901), never left to guess.
        self.problems = problems

    def ill_typed(self, span: Span, message: str) -> None:
        if self.problems is not None:
            self.problems.append(
                ParseProblem(span=span, message=f"{message} (CloudFormation rejects this template)")
            )

    def span(self, pos: Pos) -> Span:
        return Span(path=self.path, line=pos[0], column=pos[1], end_line=pos[2], end_column=pos[3])

    def key_span(self, mapping: PosDict, key: str) -> Span:
        """From the key to the end of its value: the line a reader looks at."""
        start = mapping.key_pos.get(key, mapping.pos)
        end = mapping.val_pos.get(key, start)
        return Span(
            path=self.path, line=start[0], column=start[1], end_line=end[2], end_column=end[3]
        )

    def item_span(self, items: PosList, index: int) -> Span:
        pos = items.item_pos[index] if index < len(items.item_pos) else items.pos
        return self.span(pos)

    def scalar(
        self, mapping: Any, key: str, kind: str, default: Any, default_span: Span
    ) -> Attr[Any]:
        """A scalar property as an Attr (``kind``: str, bool or int)."""
        if not isinstance(mapping, PosDict) or key not in mapping:
            return Attr.default(default, default_span, key)
        span = self.key_span(mapping, key)
        value = self.r.resolve(mapping[key])
        if value is NO_VALUE:
            return Attr.default(default, default_span, key)
        if isinstance(value, UnknownValue) and value.shape and kind == "str":
            value = with_target(value.shape, value.target)  # symbolic: only names unknown
        if isinstance(value, UnknownValue):
            return Attr(
                value=None, origin=Origin.UNKNOWN, span=span, reason=f"{key}: {value.reason}",
                name=key, target=value.target, nonempty=value.nonempty,
            )
        coerced = _COERCE[kind](value)
        if coerced is None:
            self.ill_typed(span, f"{key} must be {_EXPECTED[kind]}, not {value!r}")
            return Attr.unknown(span, f"{key} is not {_EXPECTED[kind]}: {value!r}", key)
        via, via_span = self.parameter_default(mapping[key])
        return Attr(value=coerced, origin=Origin.EXPLICIT, span=span, name=key,
                    target=target_of(value), via=via, via_span=via_span)

    def parameter_default(self, raw: Any) -> tuple[str, Span | None]:
        """``(name, span of its Default)`` when ``raw`` is exactly ``Ref`` to a parameter of
        this template whose Default is its value (no ``--parameter``, no parent stack sets
        it); ``("", None)`` otherwise."""
        if not (isinstance(raw, PosDict) and len(raw) == 1 and isinstance(raw.get("Ref"), str)):
            return "", None
        name = raw["Ref"]
        decl = self.r.section("Parameters").get(name)
        if name in self.r.overrides or not isinstance(decl, PosDict) or "Default" not in decl:
            return "", None
        return name, self.key_span(decl, "Default")

    def node(self, mapping: Any, key: str) -> Any:
        """The property's value with only its top resolved (``Fn::If`` branch kept
        raw, so positions inside survive). NO_VALUE when absent or removed."""
        if not isinstance(mapping, PosDict) or key not in mapping:
            return NO_VALUE
        return self.r.shallow(mapping[key])

    def items(self, mapping: Any, key: str) -> list[tuple[Any, Span]]:
        """The items of a list property with their spans; raises Unresolved."""
        value = self.node(mapping, key)
        if value is NO_VALUE:
            return []
        if isinstance(value, UnknownValue):
            raise Unresolved(f"{key}: {value.reason}")
        if isinstance(value, PosList):
            out = []
            for index, raw in enumerate(value):
                item = self.r.shallow(raw)
                if item is NO_VALUE:
                    continue
                if isinstance(item, UnknownValue):
                    raise Unresolved(f"{key}[{index}]: {item.reason}")
                out.append((item, self.item_span(value, index)))
            return out
        if isinstance(value, list):
            span = self.key_span(mapping, key)
            return [(item, span) for item in value if item is not NO_VALUE]
        self.ill_typed(self.key_span(mapping, key), f"{key} must be a list")
        raise Unresolved(f"{key} is not a list")

    def strings(self, mapping: Any, key: str) -> tuple[str, ...]:
        """A string-or-list-of-strings property, fully known; raises Unresolved."""
        if not isinstance(mapping, PosDict) or key not in mapping:
            return ()
        value = self.r.resolve(mapping[key])
        if value is NO_VALUE:
            return ()
        unknown = first_unknown(value)
        if unknown is not None:
            raise Unresolved(f"{key}: {unknown.reason}")
        values = value if isinstance(value, list) else [value]
        out = []
        for item in values:
            text = to_str(item)
            if text is None:
                raise Unresolved(f"{key} holds a value that is not a string")
            out.append(text)
        return tuple(out)

    def policy(self, raw: Any, span: Span) -> PolicyDocument:
        """An IAM document with one span per statement."""
        value = self.r.shallow(raw)
        if isinstance(value, str):
            try:
                json.loads(value)
            except RecursionError:
                return policy_document_from_json(self._too_deep(span, "the policy document"), span)
            except ValueError:
                pass  # the document's reason says why
        if isinstance(value, UnknownValue) or isinstance(value, str):
            return policy_document_from_json(value, span)
        if not isinstance(value, dict):
            return policy_document_from_json(
                UnknownValue("the policy document is not a mapping"), span
            )
        doc: dict[str, Any] = {}
        for key, item in value.items():
            if key != "Statement":
                doc[key] = self.r.resolve(item)
        statements = self.r.shallow(value.get("Statement"))
        if isinstance(statements, UnknownValue) or statements is None:
            doc["Statement"] = statements
        else:
            if isinstance(statements, dict):
                container = PosList(getattr(statements, "pos", (span.line, span.column, 0, 0)))
                container.append(statements)
                container.item_pos.append(container.pos)
                statements = container
            out: list[Any] = []
            for index, raw_statement in enumerate(
                statements if isinstance(statements, list) else []
            ):
                resolved = self.r.resolve(raw_statement)
                if resolved is NO_VALUE:
                    continue
                if isinstance(statements, PosList) and isinstance(resolved, dict):
                    resolved = SpannedDict(resolved, span=self.item_span(statements, index))
                out.append(resolved)
            doc["Statement"] = out
        return policy_document_from_json(doc, span)

    def json_object(self, mapping: Any, key: str) -> Any:
        """A property written as an object or as a JSON string (EventPattern)."""
        value = self.r.resolve(mapping[key])
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                return UnknownValue(f"{key} is not valid JSON: {exc}")
            except RecursionError:
                return self._too_deep(self.key_span(mapping, key), key)
        return value

    def _too_deep(self, span: Span, what: str) -> UnknownValue:
        """JSON text nested deeper than the decoder can go: a CT901 (a limit was hit),
        never the loss of the whole template."""
        message = f"{what} is JSON nested too deeply to decode"
        if self.problems is not None:
            self.problems.append(ParseProblem(span=span, message=f"{message}; it is not checked"))
        return UnknownValue(message)
