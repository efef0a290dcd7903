"""Module instances: what a reference evaluates to.

A ``ModuleInstance`` is one module directory called with its variables (the root, or a
``module`` block once per count/for_each key); it is the scope its expressions are
evaluated in. Resources and module calls expand into instances by count/for_each, and a
reference to one yields a lazy ``ResourceValue``/``ModuleValue`` that pulls only the
attribute asked for, so declaration order never matters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.model import Suppression
from scanner.parsers.terraform import attributes, policy_documents
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.expressions import ChildScope, Scope
from scanner.parsers.terraform.hcl import Attribute, Block
from scanner.parsers.terraform.loader import Loader, ModuleSource
from scanner.parsers.terraform.values import (
    EvalError,
    Lazy,
    UnknownValue,
    to_number,
    with_target,
)

Value = Any
MODULE_META_ARGS = frozenset({"source", "version", "count", "for_each", "providers",
                              "depends_on"})


def instance_suffix(key: int | str | None) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key)}]"


# ---------------------------------------------------------------------------
# Lazy values for references
# ---------------------------------------------------------------------------


class _Namespace(Lazy):
    def __init__(self, name: str, getter: Callable[[str], Value]) -> None:
        self._name = name
        self._getter = getter

    def attr(self, name: str) -> Value:
        return self._getter(name)

    def describe(self) -> str:
        return self._name


class ResourceValue(Lazy):
    """One resource or data instance; ``collapsed`` when its count is unknown."""

    def __init__(self, module: ModuleInstance, inst: Instance, collapsed: bool) -> None:
        self.module = module
        self.inst = inst
        self.collapsed = collapsed

    def describe(self) -> str:
        return self.inst.ref

    def index(self, key: Value) -> Value:
        if self.collapsed:
            return self
        raise EvalError(f"{self.inst.ref} is not a collection")

    def written(self, name: str) -> Value:
        return self.inst.view.value(name)

    def attr(self, name: str) -> Value:
        """``<ref>.<name>``; an identifying attribute (see ``attributes.IDENTIFYING``)
        carries the ref of the record it names, known or not."""
        inst = self.inst
        value = self._value(name)
        if inst.mode == "data":
            target = attributes.looked_up(inst.type, name, self.written)
        else:
            target = attributes.identifies(inst.type, name, self.written, inst.ref)
        shape = ""
        if target == inst.ref and isinstance(value, UnknownValue):
            # only the name is unknown: the resource's token stands for it
            shape = attributes.symbolic(inst.type, name, self.written, "${" + inst.ref + "}")
        return with_target(value, target, shape)

    def _value(self, name: str) -> Value:
        inst = self.inst
        if inst.mode == "data":
            if inst.type == "aws_iam_policy_document" and name in ("json", "minified_json"):
                return self.module.loader.memo(
                    ("doc", inst.ref), lambda: policy_documents.policy_document(inst.view)
                )
            return attributes.data_source(inst.type, name, self.written, inst.ref)
        if inst.type == "aws_kms_alias" and name == "target_key_arn":
            return attributes.alias_target_key_arn(self.written)
        value = attributes.computed(inst.type, name, self.written, "${" + inst.ref + "}")
        if value is not attributes.NOT_COMPUTED:
            return value
        value = self.written(name)
        if value is not attributes.MISSING:
            return value
        views = inst.view.blocks(name)
        if views:
            return [
                {k: v.value(k) for k in v.block.attributes if k not in ("count", "for_each")}
                for v in views
            ]
        return UnknownValue(f"{inst.ref}.{name} is known only after apply")


class ModuleValue(Lazy):
    def __init__(self, child: ModuleInstance | UnknownValue, ref: str, collapsed: bool) -> None:
        self.child = child
        self.ref = ref
        self.collapsed = collapsed

    def describe(self) -> str:
        return self.ref

    def index(self, key: Value) -> Value:
        if self.collapsed:
            return self
        raise EvalError(f"{self.ref} is not a collection")

    def attr(self, name: str) -> Value:
        if isinstance(self.child, UnknownValue):
            return self.child
        return self.child.output(name)


@dataclass(slots=True)
class Instance:
    """One expanded resource (or data source) instance."""

    mode: str  # "resource" | "data"
    type: str
    key: int | str | None
    ref: str
    block: Block
    view: BodyView
    module: ModuleInstance


@dataclass(slots=True)
class _Expansion:
    kind: str  # single | count | for_each | unknown
    instances: list[tuple[int | str | None, dict[str, Value]]]


# ---------------------------------------------------------------------------
# Module instances
# ---------------------------------------------------------------------------


class ModuleInstance(Scope):
    def __init__(
        self,
        loader: Loader,
        source: ModuleSource,
        prefix: str,
        variables: dict[str, Callable[[], Value]],
        *,
        chain: tuple[Path, ...],
        suppressions: tuple[Suppression, ...] = (),
    ) -> None:
        self.loader = loader
        self.source = source
        self.prefix = prefix
        self.variables = variables
        self.chain = chain
        self.suppressions = suppressions
        self._namespaces: dict[str, Value] = {
            "var": _Namespace("var", self.var),
            "local": _Namespace("local", self.local),
            "module": _Namespace("module", self.module_value),
            "data": _Namespace("data", self._data_type),
            "path": {"module": source.rel, "root": loader.unit_rel, "cwd": loader.unit_rel},
            "terraform": {"workspace": "default"},
        }

    # -- scope ---------------------------------------------------------------

    def lookup(self, name: str) -> Value:
        hit = self._namespaces.get(name)
        if hit is not None:
            return hit
        if name in self.source.resource_types:
            return _Namespace(name, lambda n: self.resource_value("resource", name, n))
        if name in ("count", "each"):
            raise EvalError(f"{name} is only available in blocks that set {name}")
        if name == "self":
            return UnknownValue("self is known only inside provisioners")
        raise EvalError(f"reference to undeclared name {name!r}")

    def _data_type(self, dtype: str) -> Value:
        return _Namespace(f"data.{dtype}", lambda n: self.resource_value("data", dtype, n))

    # -- variables, locals, outputs -------------------------------------------------

    def var(self, name: str) -> Value:
        if name not in self.source.variables:
            raise EvalError(f"reference to undeclared input variable var.{name}")
        thunk = self.variables.get(name)
        if thunk is not None:
            return self.loader.memo(("var", self.prefix, name), thunk, f"var.{name}")
        block = self.source.variables[name]
        default = block.attributes.get("default")
        if default is None:
            return UnknownValue(f"var.{name} has no default and no value")
        return self.loader.memo(
            ("var", self.prefix, name), lambda: self.loader.eval_attr(default, Scope()),
            f"var.{name}",
        )

    def local(self, name: str) -> Value:
        attribute = self.source.locals.get(name)
        if attribute is None:
            raise EvalError(f"reference to undeclared local value local.{name}")
        return self.loader.memo(
            ("local", self.prefix, name), lambda: self.loader.eval_attr(attribute, self),
            f"local.{name}",
        )

    def output(self, name: str) -> Value:
        block = self.source.outputs.get(name)
        if block is None or "value" not in block.attributes:
            raise EvalError(f"module {self.prefix.rstrip('.')} has no output {name!r}")
        attribute = block.attributes["value"]
        return self.loader.memo(
            ("output", self.prefix, name), lambda: self.loader.eval_attr(attribute, self),
            f"{self.prefix}output.{name}",
        )

    # -- count / for_each -----------------------------------------------------------

    def expand(self, block: Block, ref: str) -> _Expansion:
        return self.loader.memo(("expand", ref), lambda: self._expand(block, ref))

    def _expand(self, block: Block, ref: str) -> _Expansion:
        limit = self.loader.limits.max_instances
        count = block.attributes.get("count")
        if count is not None:
            value = self.loader.eval_attr(count, self)
            try:
                n = None if isinstance(value, UnknownValue) else int(to_number(value))
            except EvalError as exc:
                value, n = UnknownValue(str(exc)), None
            if n is None:
                assert isinstance(value, UnknownValue)
                return _Expansion("unknown", [(None, {"count": {"index": value}})])
            if n > limit:
                self.loader.problem(count.span, f"{ref}: count {n} exceeds max_instances "
                                                f"{limit}; only the first {limit} are checked")
                n = limit
            return _Expansion("count", [(i, {"count": {"index": i}}) for i in range(max(n, 0))])
        for_each = block.attributes.get("for_each")
        if for_each is not None:
            value = self.loader.eval_attr(for_each, self)
            pairs: list[tuple[str, Value]] | None = None
            if isinstance(value, dict):
                pairs = [(str(k), value[k]) for k in sorted(value)]
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                pairs = [(v, v) for v in sorted(set(value))]
            if pairs is None or any(isinstance(k, UnknownValue) for k, _ in pairs):
                reason = (
                    value if isinstance(value, UnknownValue)
                    else UnknownValue(f"{ref}: for_each is not a map or set of strings")
                )
                each = {"key": reason, "value": reason}
                return _Expansion("unknown", [(None, {"each": each})])
            if len(pairs) > limit:
                self.loader.problem(for_each.span, f"{ref}: for_each has {len(pairs)} "
                                                   f"elements, more than max_instances {limit}")
                pairs = pairs[:limit]
            return _Expansion(
                "for_each", [(k, {"each": {"key": k, "value": v}}) for k, v in pairs]
            )
        return _Expansion("single", [(None, {})])

    # -- resources and data ---------------------------------------------------------

    def instances(self, mode: str, rtype: str, name: str) -> list[Instance]:
        table = self.source.resources if mode == "resource" else self.source.data
        block = table.get((rtype, name))
        if block is None:
            return []
        base = f"{self.prefix}{'data.' if mode == 'data' else ''}{rtype}.{name}"

        def build() -> list[Instance]:
            expansion = self.expand(block, base)
            out = []
            for key, names in expansion.instances:
                scope: Scope = ChildScope(self, names) if names else self
                view = BodyView(block, scope, self.loader.eval_attr,
                                max_instances=self.loader.limits.max_instances)
                ref = base + instance_suffix(key)
                out.append(Instance(mode=mode, type=rtype, key=key, ref=ref, block=block,
                                    view=view, module=self))
            return out

        return self.loader.memo(("instances", base), build)

    def resource_value(self, mode: str, rtype: str, name: str) -> Value:
        table = self.source.resources if mode == "resource" else self.source.data
        block = table.get((rtype, name))
        label = f"{'data.' if mode == 'data' else ''}{rtype}.{name}"
        if block is None:
            raise EvalError(f"reference to undeclared {mode} {label}")
        insts = self.instances(mode, rtype, name)
        kind = self.expand(block, f"{self.prefix}{label}").kind
        if kind == "count":
            return [ResourceValue(self, i, False) for i in insts]
        if kind == "for_each":
            return {str(i.key): ResourceValue(self, i, False) for i in insts}
        return ResourceValue(self, insts[0], kind == "unknown")

    # -- module calls ---------------------------------------------------------------

    def module_value(self, name: str) -> Value:
        block = self.source.modules.get(name)
        if block is None:
            raise EvalError(f"reference to undeclared module module.{name}")
        children = self.module_instances(name)
        base = f"{self.prefix}module.{name}"
        kind = self.expand(block, base).kind
        if kind == "count":
            return [ModuleValue(c, ref, False) for ref, c in children]
        if kind == "for_each":
            keys = [k for k, _ in self.expand(block, base).instances]
            return {str(k): ModuleValue(c, ref, False)
                    for k, (ref, c) in zip(keys, children, strict=True)}
        ref, child = children[0]
        return ModuleValue(child, ref, kind == "unknown")

    def module_instances(self, name: str) -> list[tuple[str, ModuleInstance | UnknownValue]]:
        block = self.source.modules[name]
        base = f"{self.prefix}module.{name}"
        return self.loader.memo(("modules", base), lambda: self._module_instances(name, block))

    def _module_instances(
        self, name: str, block: Block
    ) -> list[tuple[str, ModuleInstance | UnknownValue]]:
        base = f"{self.prefix}module.{name}"
        resolved = self._resolve_source(name, block)
        expansion = self.expand(block, base)
        suppressions = self.suppressions + self.source.suppressions(block)
        out: list[tuple[str, ModuleInstance | UnknownValue]] = []
        for key, names in expansion.instances:
            ref = base + instance_suffix(key)
            if isinstance(resolved, UnknownValue):
                out.append((ref, resolved))
                continue
            scope: Scope = ChildScope(self, names) if names else self
            thunks: dict[str, Callable[[], Value]] = {}
            for arg, attribute in block.attributes.items():
                if arg in MODULE_META_ARGS:
                    continue
                thunks[arg] = Argument(self.loader, attribute, scope, self)
            child = ModuleInstance(
                self.loader, resolved, ref + ".", thunks,
                chain=(*self.chain, resolved.directory), suppressions=suppressions,
            )
            out.append((ref, child))
        return out

    def _resolve_source(self, name: str, block: Block) -> ModuleSource | UnknownValue:
        attribute = block.attributes.get("source")
        src = self.loader.eval_attr(attribute, Scope()) if attribute is not None else None
        span = attribute.span if attribute is not None else block.header
        if not isinstance(src, str):
            return UnknownValue(f"module.{name}: source is not a literal string")
        offline = UnknownValue(f"module source {src} not available offline")
        if not (src.startswith("./") or src.startswith("../")):
            return offline
        target = (self.source.directory / src).resolve()
        if not self.loader.inside_root(target):
            message = f"module source {src} is outside the scanned root"
            self.loader.problem(span, message)
            return UnknownValue(message)
        if not target.is_dir():
            # terraform init fails on it too: say so, and the module's outputs stay UNKNOWN.
            self.loader.problem(span, f"module source {src} does not exist; the module is not checked")
            return offline
        if target in self.chain:
            message = f"module cycle: module.{name} includes {src} which includes itself"
            self.loader.problem(span, message)
            return UnknownValue(message)
        if len(self.chain) >= self.loader.limits.max_module_depth:
            message = (
                f"module nesting exceeds max_module_depth "
                f"{self.loader.limits.max_module_depth} at module.{name}"
            )
            self.loader.problem(span, message)
            return UnknownValue(message)
        return self.loader.source(target)


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a module call: called, it evaluates in the caller's scope. It keeps
    the expression and the calling module, so that what a module's resources depend on
    can follow an input back to the resources its caller passed (``references``)."""

    loader: Loader
    attribute: Attribute
    scope: Scope
    caller: ModuleInstance

    def __call__(self) -> Value:
        return self.loader.eval_attr(self.attribute, self.scope)


def resource_instances(module: ModuleInstance) -> list[Instance]:
    """Every resource instance of ``module`` and its local child modules."""
    out: list[Instance] = []
    for rtype, name in sorted(module.source.resources):
        out.extend(module.instances("resource", rtype, name))
    for name in sorted(module.source.modules):
        for _ref, child in module.module_instances(name):
            if isinstance(child, ModuleInstance):
                out.extend(resource_instances(child))
    return out
