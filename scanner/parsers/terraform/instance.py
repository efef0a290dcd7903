"""Module instances: what a reference evaluates to.

A ``ModuleInstance`` is one module directory called with its variables (the root, or a
``module`` block once per count/for_each key); it is the scope its expressions are
evaluated in. Resources and module calls expand into instances by count/for_each, and a
reference to one yields a lazy ``ResourceValue``/``ModuleValue`` that pulls only the
attribute asked for, so declaration order never matters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from scanner.model import Span, Suppression
from scanner.parsers.reads import note_probe
from scanner.parsers.terraform import attributes, policy_documents
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.declarations import ModuleSource
from scanner.parsers.terraform.expressions import ChildScope, Scope
from scanner.parsers.terraform.hcl import Attribute, Block
from scanner.parsers.terraform.installed import read_manifest
from scanner.parsers.terraform.loader import Loader
from scanner.parsers.terraform.not_created import TRAIL_TYPES, gate_reason
from scanner.parsers.terraform.not_created import record as not_created_record
from scanner.parsers.terraform.references import refs_of
from scanner.parsers.terraform.values import EvalError, Lazy, Namespace, UnknownValue, to_number
from scanner.valueclass import ValueObject, value_class

Value = Any
_INT64 = 2**63  # Terraform converts count to a 64-bit integer
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
        """``<ref>.<name>`` in an expression: a value handed out again, charged its whole
        size to the budget."""
        value = self.referenced(name)
        self.module.loader.budget.charge_value(value)
        return value

    def referenced(self, name: str) -> Value:
        """``<ref>.<name>``; an identifying attribute (see ``attributes.IDENTIFYING``)
        carries the ref of the record it names, known or not."""
        inst = self.inst
        return attributes.referenced(inst.mode, inst.type, inst.ref, name, self._value(name),
                                     self.written)

    def _value(self, name: str) -> Value:
        inst = self.inst
        if inst.mode == "data":
            if inst.type == "aws_iam_policy_document" and name in ("json", "minified_json"):
                return self.module.loader.memo_value(
                    ("doc", inst.ref), lambda: policy_documents.policy_document(inst.view)
                )
            return attributes.data_source(inst.type, name, self.written, inst.ref)
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


@value_class(frozen=False)
class Instance(ValueObject):
    """One expanded resource (or data source) instance (what the record mappers read:
    ``records.context.ResourceInstance``)."""

    mode: str  # "resource" | "data"
    type: str
    key: int | str | None
    ref: str
    block: Block
    view: BodyView
    module: ModuleInstance

    @property
    def span(self) -> Span:
        return self.block.span

    @property
    def header(self) -> Span:
        return self.block.header

    def computed(self, name: str) -> Value:
        """Attribute ``name`` as a reference to this instance would see it."""
        return ResourceValue(self.module, self, False).referenced(name)

    def own_suppressions(self) -> tuple[Suppression, ...]:
        return self.module.source.suppressions(self.block)

    def suppressions(self) -> tuple[Suppression, ...]:
        """Its own and those of the module calls around it."""
        return self.module.suppressions + self.own_suppressions()

    def depends_on(self) -> tuple[str, ...]:
        return refs_of(self.module, self.block)


_Keyed = tuple[int | str | None, dict[str, Value]]


class _CountInstances(Sequence[_Keyed]):
    """The ``n`` instances of a ``count``, made when asked for: an expansion is built
    before the unit's instance budget decides whether it is taken, and one that is
    refused (a module with ``count = 1000`` inside each of 1,000 instances of another)
    must not have cost a list of ``n`` entries first."""

    __slots__ = ("_n",)

    def __init__(self, n: int) -> None:
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int) -> _Keyed:  # type: ignore[override]
        i = range(self._n)[index]
        return i, {"count": {"index": i}}

    def __iter__(self) -> Iterator[_Keyed]:
        return ((i, {"count": {"index": i}}) for i in range(self._n))


@value_class(frozen=False)
class _Expansion(ValueObject):
    """How ``count`` or ``for_each`` expanded a block: its instances and their keys."""

    kind: str  # single | count | for_each | unknown
    instances: Sequence[_Keyed]


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
        path: tuple[str, ...] = (),
        unread: list[str] | None = None,
        own_defaults: bool = True,
    ) -> None:
        self.loader = loader
        self.source = source
        self.prefix = prefix
        self.variables = variables
        self.chain = chain
        self.suppressions = suppressions
        # The static module path (module call names, no instance keys): ``("a", "b")`` for
        # ``module.a[0].module.b``; it is the key ``terraform init`` installs a module under.
        self.path = path
        # Addresses of module calls whose code could not be read, shared by the whole unit
        # (a trail may live in one of them: CT003 must not say "no trail").
        self.unread = unread if unread is not None else []
        # Whether the variable defaults of this root are its own: not when the root runs a
        # module that other roots run too (terragrunt's ``terraform { source }``).
        self.own_defaults = own_defaults
        self._namespaces: dict[str, Value] = {
            "var": Namespace("var", self.var),
            "local": Namespace("local", self.local),
            "module": Namespace("module", self.module_value),
            "data": Namespace("data", self._data_type),
            "path": {"module": source.rel, "root": loader.unit_rel, "cwd": loader.unit_rel},
            "terraform": {"workspace": "default"},
        }

    # -- scope ---------------------------------------------------------------

    def lookup(self, name: str) -> Value:
        hit = self._namespaces.get(name)
        if hit is not None:
            return hit
        if name in self.source.resource_types:
            return Namespace(name, lambda n: self.resource_value("resource", name, n))
        if name in ("count", "each"):
            raise EvalError(f"{name} is only available in blocks that set {name}")
        if name == "self":
            return UnknownValue("self is known only inside provisioners")
        raise EvalError(f"reference to undeclared name {name!r}")

    def _data_type(self, dtype: str) -> Value:
        return Namespace(f"data.{dtype}", lambda n: self.resource_value("data", dtype, n))

    # -- variables, locals, outputs -------------------------------------------------

    def var(self, name: str) -> Value:
        if name not in self.source.variables:
            raise EvalError(f"reference to undeclared input variable var.{name}")
        conflict = self.source.conflicts.get(("variable", name))
        if conflict:
            return UnknownValue(conflict)
        thunk = self.variables.get(name)
        if thunk is not None:
            return self.loader.memo_value(("var", self.prefix, name), thunk, f"var.{name}")
        block = self.source.variables[name]
        default = block.attributes.get("default")
        if default is None:
            return UnknownValue(f"var.{name} has no default and no value")
        return self.loader.memo_value(
            ("var", self.prefix, name), lambda: self.loader.eval_attr(default, Scope()),
            f"var.{name}",
        )

    def variable_default(self, name: str) -> Span | None:
        """The span of ``default`` in ``variable "<name>"`` when it is the value: in a root
        module (a module's default may serve other callers too, and so may the defaults
        of a module terragrunt runs as a root), for a variable that no tfvars file,
        configured input, terragrunt input or ``--var`` sets and that is declared once."""
        if self.prefix or not self.own_defaults or name in self.variables or ("variable", name) in self.source.conflicts:
            return None
        block = self.source.variables.get(name)
        default = block.attributes.get("default") if block is not None else None
        return default.span if default is not None else None

    def local(self, name: str) -> Value:
        attribute = self.source.locals.get(name)
        if attribute is None:
            raise EvalError(f"reference to undeclared local value local.{name}")
        return self.loader.memo_value(
            ("local", self.prefix, name), lambda: self.loader.eval_attr(attribute, self),
            f"local.{name}",
        )

    def output(self, name: str) -> Value:
        block = self.source.outputs.get(name)
        if block is None or "value" not in block.attributes:
            raise EvalError(f"module {self.prefix.rstrip('.')} has no output {name!r}")
        conflict = self.source.conflicts.get(("output", name))
        if conflict:
            return UnknownValue(conflict)
        attribute = block.attributes["value"]
        return self.loader.memo_value(
            ("output", self.prefix, name), lambda: self.loader.eval_attr(attribute, self),
            f"{self.prefix}output.{name}",
        )

    # -- count / for_each -----------------------------------------------------------

    def expand(self, block: Block, ref: str) -> _Expansion:
        return self.loader.memo(("expand", ref), lambda: self._expand(block, ref))

    def static_address(self, block: Block) -> str:
        """``module.a.module.b.aws_x.y``: the block's address without instance keys (what a
        problem about the block names, once for every instance of the modules around it)."""
        name = ".".join(block.labels)
        local = {"data": f"data.{name}", "module": f"module.{name}"}.get(block.type, name)
        return "".join(f"module.{step}." for step in self.path) + local

    def _collapsed(self, block: Block, reason: str) -> _Expansion:
        """One instance standing for all, ``count.index`` or ``each`` UNKNOWN: what is
        the same in every instance is checked, the rest is unknown."""
        unknown = UnknownValue(reason)
        if "count" in block.attributes:
            return _Expansion("unknown", [(None, {"count": {"index": unknown}})])
        return _Expansion("unknown", [(None, {"each": {"key": unknown, "value": unknown}})])

    def _too_many(self, block: Block, attribute: Attribute, n: int) -> _Expansion:
        """More instances than ``max_instances``: CT901 at the argument, checked once."""
        limit = self.loader.limits.max_instances
        what = "count" if attribute.name == "count" else "for_each"
        shown = f"count {n}" if what == "count" else f"for_each of {n} elements"
        message = (f"{self.static_address(block)}: {shown} exceeds max_instances {limit} "
                   "(raise it in [tool.trailscan.limits]); checked once, with "
                   f"{'count.index' if what == 'count' else 'each'} UNKNOWN")
        self.loader.problem(attribute.span, message)
        return self._collapsed(block, message)

    def _expand(self, block: Block, ref: str) -> _Expansion:
        limit = self.loader.limits.max_instances
        count = block.attributes.get("count")
        if count is not None:
            value = self.loader.eval_attr(count, self)
            n = None if isinstance(value, UnknownValue) else self._count(value, count)
            if n is None:
                reason = value if isinstance(value, UnknownValue) else UnknownValue(
                    f"{ref}: invalid count argument"
                )
                return _Expansion("unknown", [(None, {"count": {"index": reason}})])
            if n > limit:
                return self._too_many(block, count, n)
            return _Expansion("count", _CountInstances(n))
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
                return self._too_many(block, for_each, len(pairs))
            return _Expansion(
                "for_each", [(k, {"each": {"key": k, "value": v}}) for k, v in pairs]
            )
        return _Expansion("single", [(None, {})])

    def fitted(self, block: Block, ref: str) -> _Expansion:
        """The expansion of a resource or data block, within the unit's instance budget:
        its first instance was paid for when its module was entered, the others are
        charged here; a fan-out that does not fit is a CT901 and one collapsed instance."""
        return self.loader.memo(("fitted", ref), lambda: self._fit(block, ref))

    def _fit(self, block: Block, ref: str) -> _Expansion:
        expansion = self.expand(block, ref)
        extra = len(expansion.instances) - 1
        if extra <= 0 or self.loader.budget.try_instances(extra):
            return expansion
        argument = block.attributes.get("count") or block.attributes.get("for_each")
        message = self.loader.budget.instances_message(
            f"{self.static_address(block)} would bring the unit to more than "
            f"{self.loader.limits.max_unit_instances} instances")
        span = argument.span if argument is not None else block.header
        self.loader.problem(span, f"{message}; checked once, with "
                                  f"{'count.index' if 'count' in block.attributes else 'each'} UNKNOWN")
        return self._collapsed(block, message)

    def _count(self, value: Value, count: Attribute) -> int | None:
        """A count Terraform accepts, or None after reporting Terraform's error (CT901)."""
        unsuitable = 'Invalid count argument: the given "count" argument value is unsuitable: '
        try:
            number = to_number(value)
        except EvalError as exc:
            self.loader.problem(count.span, unsuitable + str(exc))
            return None
        if isinstance(number, float) and not number.is_integer() or not (
            -_INT64 <= number < _INT64
        ):
            self.loader.problem(
                count.span, unsuitable + "value must be a whole number, between "
                f"{-_INT64} and {_INT64 - 1}",
            )
            return None
        if number < 0:
            self.loader.problem(count.span, unsuitable + "must be greater than or equal to zero")
            return None
        return int(number)

    # -- resources and data ---------------------------------------------------------

    def instances(self, mode: str, rtype: str, name: str) -> list[Instance]:
        table = self.source.resources if mode == "resource" else self.source.data
        block = table.get((rtype, name))
        if block is None:
            return []
        base = f"{self.prefix}{'data.' if mode == 'data' else ''}{rtype}.{name}"

        def build() -> list[Instance]:
            expansion = self.fitted(block, base)
            if mode == "resource" and rtype in TRAIL_TYPES and not expansion.instances:
                self._not_created(base, block, "")
            out = []
            for key, names in expansion.instances:
                scope: Scope = ChildScope(self, names) if names else self
                view = BodyView(block, scope, self.loader.eval_attr,
                                max_instances=self.loader.limits.max_instances,
                                budget=self.loader.budget, report=self.loader.problem)
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
        kind = self.fitted(block, f"{self.prefix}{label}").kind
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
        if kind in ("count", "for_each") and len(children) == 1 and children[0][0] == base:
            return children[0][1]  # the call was refused whole: its value is UNKNOWN
        if kind == "count":
            return [ModuleValue(c, ref, False) for ref, c in children]
        if kind == "for_each":
            keys = [k for k, _ in self.expand(block, base).instances]
            return {str(k): ModuleValue(c, ref, False)
                    for k, (ref, c) in zip(keys, children, strict=True)}
        ref, child = children[0]
        return ModuleValue(child, ref, kind == "unknown")

    def caller_argument(self, name: str) -> tuple[ModuleInstance, Attribute] | None:
        """The calling module and its argument for input ``name`` (``references``)."""
        argument = self.variables.get(name)
        return (argument.caller, argument.attribute) if isinstance(argument, Argument) else None

    def called(self, name: str) -> list[ModuleInstance] | None:
        """The read instances of module call ``name``; None when one could not be read."""
        children: list[ModuleInstance] = []
        for _ref, child in self.module_instances(name):
            if not isinstance(child, ModuleInstance):
                return None
            children.append(child)
        return children

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
        if isinstance(resolved, UnknownValue) and expansion.instances:
            self.unread.append(base)
        if isinstance(resolved, ModuleSource) and not expansion.instances:
            reason = f"{base}: {self._gate(block)}"
            self._trails_of_uncalled(resolved, base, reason, depth=len(self.chain))
        if isinstance(resolved, ModuleSource) and not self.loader.budget.try_instances(
            len(expansion.instances) * (1 + len(resolved.resources) + len(resolved.data))
        ):
            # The whole call is charged before any instance is made: a fan-out that does
            # not fit is refused at the call, one UNKNOWN standing for all its instances
            # (not one entry per instance: 1,000 refused calls of count = 1000 would be a
            # million), and the unit says a module was not read (CT003 cannot say "no trail").
            self.unread.append(base)
            return [(base, self._refuse_module(block))]
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
                path=(*self.path, name), unread=self.unread,
            )
            out.append((ref, child))
        return out

    def _refuse_module(self, block: Block) -> UnknownValue:
        message = self.loader.budget.instances_message(
            f"{self.static_address(block)} would bring the unit to more than "
            f"{self.loader.limits.max_unit_instances} instances")
        self.loader.problem(block.header, f"{message}; the module is not checked")
        return UnknownValue(message)

    # -- what the inputs leave out ---------------------------------------------------

    def _gate(self, block: Block) -> str:
        """Why ``block`` (with ``count`` or ``for_each``) has no instance."""
        meta = "count" if "count" in block.attributes else "for_each"

        def lookup(kind: str, name: str) -> Value:
            return self.var(name) if kind == "var" else self.local(name)

        return gate_reason(block, lookup, lambda: self.loader.eval_attr(block.attributes[meta], self))

    def _not_created(self, ref: str, block: Block, reason: str) -> None:
        self.loader.not_created.append(
            not_created_record(ref, block, self.loader.unit_rel, reason or self._gate(block))
        )

    def _trails_of_uncalled(self, source: ModuleSource, prefix: str, reason: str, depth: int) -> None:
        """The trails of a module that is called with no instance: none of them exists.
        Local modules it calls are followed (remote ones are not read here)."""
        for (rtype, rname), block in sorted(source.resources.items()):
            if rtype in TRAIL_TYPES:
                self._not_created(f"{prefix}.{rtype}.{rname}", block, reason)
        if depth >= self.loader.limits.max_module_depth:
            return
        for name, call in sorted(source.modules.items()):
            attribute = call.attributes.get("source")
            src = self.loader.eval_attr(attribute, Scope()) if attribute is not None else None
            if not isinstance(src, str) or not src.startswith(("./", "../")):
                continue
            note_probe(source.directory / src)
            target = (source.directory / src).resolve()
            if target.is_dir() and self.loader.inside_root(target) and target != source.directory:
                self._trails_of_uncalled(self.loader.source(target), f"{prefix}.module.{name}",
                                         reason, depth + 1)

    def _resolve_source(self, name: str, block: Block) -> ModuleSource | UnknownValue:
        attribute = block.attributes.get("source")
        src = self.loader.eval_attr(attribute, Scope()) if attribute is not None else None
        span = attribute.span if attribute is not None else block.header
        if not isinstance(src, str):
            return UnknownValue(f"module.{name}: source is not a literal string")
        if not (src.startswith("./") or src.startswith("../")):
            return self._installed(name, src, span)
        target = (self.source.directory / src).resolve()
        if not self.loader.inside_root(target):
            message = f"module source {src} is outside the scanned root"
            self.loader.problem(span, message)
            return UnknownValue(message)
        note_probe(target)
        if not target.is_dir():
            # terraform init fails on it too: say so, and the module's outputs stay UNKNOWN.
            self.loader.problem(span, f"module source {src} does not exist; the module is not checked")
            return UnknownValue(f"module source {src} does not exist")
        return self._enter(name, src, target, span)

    def _installed(self, name: str, src: str, span: Span) -> ModuleSource | UnknownValue:
        """A registry, git or other remote module: read from where ``terraform init`` put
        it (``.terraform/modules/modules.json`` next to the root module), never fetched."""
        manifest = self.loader.memo(
            ("installed-modules",),
            lambda: read_manifest(self.loader.unit_dir, self.loader.root,
                                  self.loader.limits.max_file_bytes),
        )
        if manifest.problem:
            self.loader.problem(Span(path=manifest.path), manifest.problem)
        found = manifest.lookup(".".join((*self.path, name)), src)
        if found.problem:
            self.loader.problem(span, found.problem)
            return UnknownValue(found.problem)
        if found.directory is None:
            return UnknownValue(found.reason)
        return self._enter(name, src, found.directory, span)

    def _enter(self, name: str, src: str, target: Path, span: Span) -> ModuleSource | UnknownValue:
        """The parsed module directory, unless entering it would loop or nest too deep."""
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


@value_class()
class Argument(ValueObject):
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
