"""A resource's planned values seen the way the record mappers read a Terraform block.

``value(name)`` follows these rules, in order:

* an attribute the configuration does not write is ``MISSING`` (the mapper applies the
  provider's documented default, as for the ``.tf`` files); without a configuration (a
  state) every value present counts as written;
* a value the plan marks sensitive is UNKNOWN with a reason that says so (never read, so
  never shown);
* a value known only after apply is re-evaluated from the ``.tf`` expression when the files
  are in the scan (``modules.PlanModule``), else UNKNOWN naming the attribute;
* otherwise the planned value, with the plan's account id and region as tokens
  (``symbols``); unknown or sensitive parts inside it become UNKNOWN leaves.

A top-level value taken from the plan (known, or unknown without a ``.tf`` expression)
carries the record its configuration names by reference (``values.target_of``), as the
Terraform front end's values do; a value rebuilt from the ``.tf`` files carries its own.

Nested blocks are the planned ones (``dynamic`` blocks expanded by Terraform); each is
paired with its ``.tf`` block when the files say which one it is.
"""

from __future__ import annotations

from typing import Any, Protocol

from scanner.model import Span
from scanner.parsers.plan.modules import Plan, PlanModule, sensitive_reason
from scanner.parsers.terraform.attributes import MISSING
from scanner.parsers.terraform.body import bare_name
from scanner.parsers.terraform.expressions import ChildScope, Scope
from scanner.parsers.terraform.hcl import Block
from scanner.parsers.terraform.values import EvalError, UnknownValue, iterate, target_of, with_target

Value = Any


def at(marks: Any, key: str | int) -> Any:
    """The part of an ``after_unknown``/``after_sensitive`` structure for ``key``."""
    if isinstance(marks, dict):
        return marks.get(key, False) if isinstance(key, str) else False
    if isinstance(marks, list):
        return marks[key] if isinstance(key, int) and 0 <= key < len(marks) else False
    return marks is True


class ViewOwner(Protocol):
    """The resource a view belongs to (``instance.PlanInstance``)."""

    ref: str
    plan: Plan
    module: PlanModule

    @property
    def span(self) -> Span: ...

    @property
    def header(self) -> Span: ...

    def target_of(self, expression: Any) -> str: ...


class PlanView:
    def __init__(
        self,
        inst: ViewOwner,
        values: dict[str, Any],
        unknown: Any,
        sensitive: Any,
        config: dict[str, Any] | None,
        block: Block | None,
        scope: Scope,
        where: str = "",
        *,
        maybe: bool = False,
        all_unknown: str = "",
        fallback: Span | None = None,
    ) -> None:
        self.inst = inst
        self.values = values
        self.unknown = unknown
        self.sensitive = sensitive
        self.config = config
        self.block = block
        self.scope = scope
        self.where = where  # "event_selector[0]." inside the resource
        self.maybe = maybe
        self._all_unknown = all_unknown
        self._fallback = fallback
        self._cache: dict[str, Value] = {}

    # -- where ------------------------------------------------------------------------

    @property
    def span(self) -> Span:
        if self.block is not None:
            return self.block.span
        return self._fallback or self.inst.span

    @property
    def header(self) -> Span:
        if self.block is not None:
            return self.block.header
        return self._fallback or self.inst.header

    def attr_span(self, name: str) -> Span:
        attribute = self.block.attributes.get(name) if self.block is not None else None
        return attribute.span if attribute is not None else self.header

    def variable_default(self, name: str) -> tuple[str, Span] | None:
        """Never: a plan's values are what it planned, whatever the defaults say."""
        return None

    # -- values -----------------------------------------------------------------------

    def _written(self, name: str) -> bool:
        if self.config is not None:
            return name in self.config
        if self.block is not None and name in self.block.attributes:
            return True
        return name in self.values and (self.values[name] is not None or at(self.unknown, name) is True)

    def has(self, name: str) -> bool:
        return self._all_unknown != "" or self._written(name)

    def value(self, name: str) -> Value:
        """The attribute's value, or ``MISSING`` when it is not written."""
        if name not in self._cache:
            self._cache[name] = self._value(name)
        return self._cache[name]

    def _value(self, name: str) -> Value:
        what = f"{self.inst.ref}.{self.where}{name}"
        if self._all_unknown:
            return UnknownValue(self._all_unknown)
        if not self._written(name):
            return MISSING
        if at(self.sensitive, name) is True:
            return UnknownValue(sensitive_reason(what))
        unknown = at(self.unknown, name)
        if unknown is True or (partly(unknown) and self._source_of(name) is not None):
            return self._after_apply(name, what)
        raw = self.values.get(name)
        if raw is None:
            return None
        return self._referencing(name, self.inst.plan.symbols.value(
            marked(raw, at(self.unknown, name), at(self.sensitive, name), what)
        ))

    def _source_of(self, name: str) -> Any:
        return self.block.attributes.get(name) if self.block is not None else None

    def _after_apply(self, name: str, what: str) -> Value:
        """What the ``.tf`` expression makes of a value the plan knows only after apply."""
        attribute = self._source_of(name)
        if attribute is None:
            return self._referencing(name, UnknownValue(f"{what} is known only after apply"))
        loader = self.inst.plan.loader
        return loader.memo(("plan-value", self.inst.ref, self.where + name),
                           lambda: loader.eval_attr(attribute, self.scope), what)

    def _referencing(self, name: str, value: Value) -> Value:
        """A value taken from the plan, carrying the record its configuration names by
        reference (top-level attributes only), as the Terraform front end's values do: a
        bucket named ``aws_s3_bucket.logs.id`` is that bucket, whatever its name. A list
        of one item written around one reference (``[aws_sns_topic.t.arn]``) is that
        item's. Values rebuilt from the ``.tf`` files carry their own."""
        if self.where or self.config is None or target_of(value):
            return value
        target = self.inst.target_of(self.config.get(name))
        if not target:
            return value
        if isinstance(value, list) and len(value) == 1:
            return [with_target(value[0], target)]
        return with_target(value, target)

    # -- nested blocks ------------------------------------------------------------------

    def blocks(self, block_type: str) -> list[PlanView]:
        if self._all_unknown:
            return []
        raw = self.values.get(block_type)
        unknown = at(self.unknown, block_type)
        sensitive = at(self.sensitive, block_type)
        written = self._block_written(block_type, raw)
        if not written:
            return []
        what = f"{self.inst.ref}.{self.where}{block_type}"
        if sensitive is True or unknown is True:
            reason = sensitive_reason(what) if sensitive is True else f"{what} is known only after apply"
            return [self._child({}, False, False, None, None, self.scope, f"{block_type}.",
                                maybe=True, all_unknown=reason)]
        items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
        if isinstance(raw, dict):
            unknown, sensitive = [unknown], [sensitive]
        configs = self.config.get(block_type) if self.config is not None else None
        configs = configs if isinstance(configs, list) and len(configs) == len(items) else None
        pairs = self._hcl_children(block_type, len(items))
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            block, scope = pairs[i] if pairs is not None else (None, self.scope)
            config = configs[i] if configs is not None and isinstance(configs[i], dict) else None
            out.append(self._child(item, at(unknown, i), at(sensitive, i), config, block, scope,
                                   f"{block_type}[{i}]."))
        return out

    def _block_written(self, block_type: str, raw: Any) -> bool:
        if self.config is not None and block_type in self.config:
            return True
        if self.block is not None and (
            self.block.children(block_type)
            or any(b.type == "dynamic" and b.labels[:1] == (block_type,) for b in self.block.blocks)
        ):
            return True
        if self.block is None:
            # Without the .tf files a dynamic block cannot be told from one the provider
            # fills in: planned blocks with known values are read (they are what will exist).
            return isinstance(raw, list | dict) and bool(raw)
        return False

    def _hcl_children(self, block_type: str, count: int) -> list[tuple[Block | None, Scope]] | None:
        if self.block is None:
            return None
        static = self.block.children(block_type)
        if static and len(static) == count and not any(
            b.type == "dynamic" and b.labels[:1] == (block_type,) for b in self.block.blocks
        ):
            return [(b, self.scope) for b in static]
        found = dynamic_children(self.block, block_type, self.scope, self.inst.module, count)
        return [(b, s) for b, s in found] if found is not None else None

    def _child(self, values: dict[str, Any], unknown: Any, sensitive: Any,
               config: dict[str, Any] | None, block: Block | None, scope: Scope, where: str,
               *, maybe: bool = False, all_unknown: str = "") -> PlanView:
        return PlanView(self.inst, values, unknown, sensitive, config, block, scope,
                        self.where + where, maybe=maybe or self.maybe, all_unknown=all_unknown,
                        fallback=self.span if block is None else None)


def partly(marks: Any) -> bool:
    """Whether an ``after_unknown`` structure marks some part unknown."""
    stack = [marks]
    while stack:
        current = stack.pop()
        if current is True:
            return True
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


def marked(value: Any, unknown: Any, sensitive: Any, what: str) -> Any:
    """``value`` with the leaves marked unknown or sensitive replaced by UNKNOWN."""
    if sensitive is True:
        return UnknownValue(sensitive_reason(what))
    if unknown is True:
        return UnknownValue(f"{what} is known only after apply")
    if isinstance(value, dict):
        return {k: marked(v, at(unknown, k), at(sensitive, k), f"{what}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [marked(v, at(unknown, i), at(sensitive, i), f"{what}[{i}]") for i, v in enumerate(value)]
    return value


def dynamic_children(block: Block, block_type: str, scope: Scope, module: PlanModule,
                     count: int) -> list[tuple[Block, Scope]] | None:
    """The ``content`` block of a lone ``dynamic "<block_type>"`` with the iterator scope of
    each of its ``count`` expansions, in Terraform's order; None when they cannot be paired
    with the plan's blocks."""
    dynamics = [b for b in block.blocks if b.type == "dynamic" and b.labels[:1] == (block_type,)]
    if len(dynamics) != 1 or block.children(block_type):
        return None
    dynamic = dynamics[0]
    content = dynamic.children("content")
    for_each = dynamic.attributes.get("for_each")
    if not content or for_each is None:
        return None
    iterator = block_type
    named = dynamic.attributes.get("iterator")
    if named is not None:
        iterator = bare_name(named) or iterator
    collection = module.loader.eval_attr(for_each, scope)
    try:
        pairs = iterate(collection) if isinstance(collection, dict | list) else None
    except EvalError:
        pairs = None
    if pairs is None or len(pairs) != count:
        return None
    return [(content[0], ChildScope(scope, {iterator: {"key": k, "value": v}})) for k, v in pairs]
