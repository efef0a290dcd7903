"""An evaluated view of one block: attribute values with their spans, nested blocks
with ``dynamic`` blocks expanded (or kept once as ``maybe`` when the iteration is
unknown, or has more than ``max_instances`` elements, or does not fit the unit's
evaluation budget: both are a CT901 at its ``for_each``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.limits import Budget, BudgetExceeded
from scanner.model import Span
from scanner.parsers.terraform.attributes import MISSING
from scanner.parsers.terraform.expressions import ChildScope, Scope
from scanner.parsers.terraform.hcl import Attribute, Block
from scanner.parsers.terraform.values import UnknownValue, iterate

Value = Any
AttrEvaluator = Callable[[Attribute, Scope], Value]
Reporter = Callable[[Span, str], None]


class BodyView:
    def __init__(
        self,
        block: Block,
        scope: Scope,
        evaluate: AttrEvaluator,
        *,
        maybe: bool = False,
        max_instances: int = 1000,
        budget: Budget | None = None,
        report: Reporter | None = None,
    ) -> None:
        self.block = block
        self.scope = scope
        self._evaluate = evaluate
        self.maybe = maybe
        self._max = max_instances
        self._budget = budget if budget is not None else Budget()
        self._report = report
        self._cache: dict[str, Value] = {}
        self._blocks: dict[str, list[BodyView]] = {}

    @property
    def span(self) -> Span:
        return self.block.span

    @property
    def header(self) -> Span:
        return self.block.header

    def has(self, name: str) -> bool:
        return name in self.block.attributes

    def value(self, name: str) -> Value:
        """The evaluated attribute, or ``MISSING`` when it is not written."""
        attribute = self.block.attributes.get(name)
        if attribute is None:
            return MISSING
        if name not in self._cache:
            self._cache[name] = self._evaluate(attribute, self.scope)
        return self._cache[name]

    def variable_default(self, name: str) -> tuple[str, Span] | None:
        """``("var.x", span of its default)`` when attribute ``name`` is written as exactly
        ``var.x`` and that variable's default is its value (see ``Scope.variable_default``)."""
        attribute = self.block.attributes.get(name)
        variable = variable_name(attribute) if attribute is not None else ""
        if not variable:
            return None
        span = self.scope.variable_default(variable)
        return (f"var.{variable}", span) if span is not None else None

    def attr_span(self, name: str) -> Span:
        attribute = self.block.attributes.get(name)
        return attribute.span if attribute is not None else self.block.header

    def blocks(self, block_type: str) -> list[BodyView]:
        """The nested blocks of one type (each expanded once: a dynamic block's views are
        built and charged the first time they are asked for)."""
        cached = self._blocks.get(block_type)
        if cached is None:
            cached = self._blocks[block_type] = self._nested(block_type)
        return cached

    def _nested(self, block_type: str) -> list[BodyView]:
        out: list[BodyView] = []
        for child in self.block.blocks:
            if child.type == block_type:
                out.append(self._child(child, self.scope, self.maybe))
            elif child.type == "dynamic" and child.labels and child.labels[0] == block_type:
                out.extend(self._dynamic(child))
        return out

    def _child(self, block: Block, scope: Scope, maybe: bool) -> BodyView:
        return BodyView(block, scope, self._evaluate, maybe=maybe, max_instances=self._max,
                        budget=self._budget, report=self._report)

    def _dynamic(self, block: Block) -> list[BodyView]:
        content = block.children("content")
        if not content:
            return []
        iterator = block.labels[0]
        it_attr = block.attributes.get("iterator")
        if it_attr is not None:
            name = bare_name(it_attr)
            if name:
                iterator = name
        for_each = block.attributes.get("for_each")
        collection: Value = (
            self._evaluate(for_each, self.scope)
            if for_each is not None
            else UnknownValue("dynamic block without for_each")
        )
        reason = ""
        if isinstance(collection, dict | list):
            try:
                pairs = iterate(collection)
            except Exception:  # noqa: BLE001 - odd collections become unknown
                pairs = None
            if pairs is not None:
                reason = self._refused(block, len(pairs))
            if pairs is not None and not reason:
                views = []
                for key, value in pairs:
                    scope = ChildScope(self.scope, {iterator: {"key": key, "value": value}})
                    views.append(self._child(content[0], scope, self.maybe))
                return views
        reason = reason or (
            collection.reason
            if isinstance(collection, UnknownValue)
            else f"dynamic {block.labels[0]} iterates over a non-collection"
        )
        unknown = UnknownValue(reason)
        scope = ChildScope(self.scope, {iterator: {"key": unknown, "value": unknown}})
        return [self._child(content[0], scope, True)]


    def _refused(self, block: Block, count: int) -> str:
        """Why a dynamic block of ``count`` blocks is not expanded ("" when it is): more
        than ``max_instances``, or more than the evaluation budget has left (CT901 at its
        ``for_each``; the content is then checked once, its iterator UNKNOWN)."""
        message = ""
        if count > self._max:
            message = (f"dynamic {block.labels[0]} block: for_each of {count} elements exceeds "
                       f"max_instances {self._max} (raise it in [tool.trailscan.limits])")
        else:
            try:
                self._budget.charge_elements(count)
            except BudgetExceeded as exc:
                message = exc.message
        if message and self._report is not None:
            attribute = block.attributes.get("for_each")
            self._report(attribute.span if attribute is not None else block.header,
                         f"{message}; checked once, with its iterator UNKNOWN")
        return message


def bare_name(attribute: Attribute) -> str:
    node = attribute.expr
    while hasattr(node, "data") and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if hasattr(node, "data") and node.data == "identifier":
        return str(node.children[0])
    if hasattr(node, "data") and node.data == "string":
        parts = [c for c in node.children if hasattr(c, "children")]
        return "".join(str(t) for p in parts for t in p.children)
    return ""


def variable_name(attribute: Attribute) -> str:
    """``x`` when the attribute's expression is exactly ``var.x``, else ``""``."""
    node = attribute.expr
    while hasattr(node, "data") and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if not (hasattr(node, "data") and node.data == "get_attr_expr_term"):
        return ""
    parts = [c for c in node.children if hasattr(c, "data")]
    if len(parts) != 2 or parts[1].data != "get_attr":
        return ""
    head, tail = parts
    while head.data == "expr_term" and len(head.children) == 1 and hasattr(head.children[0], "data"):
        head = head.children[0]
    names = [c for c in tail.children if hasattr(c, "data") and c.data == "identifier"]
    if head.data != "identifier" or str(head.children[0]) != "var" or len(names) != 1:
        return ""
    return str(names[0].children[0])
