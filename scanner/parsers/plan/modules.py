"""The plan's module instances as scopes: what an expression of the plan's ``.tf`` files
evaluates to when the plan is the source of truth.

A value the plan knows is taken from the plan. A value it knows only after apply (a bucket
ARN, a key id) is re-evaluated from its ``.tf`` expression, when the files are in the scan,
in a scope where every variable, resource and module output is again backed by the plan:
``"${aws_cloudwatch_log_group.ct.arn}:*"`` becomes the log group's ARN as the Terraform front
end spells it (symbolic where AWS chooses it), so links and IAM questions are answered the
same way as for the ``.tf`` files alone. Without the files such a value stays UNKNOWN.
"""

from __future__ import annotations

from typing import Any, Protocol

from scanner.model import Span, Suppression
from scanner.parsers.plan.document import ModuleConfig, PlanDocument, split_module
from scanner.parsers.plan.jsonpos import Lines, PosDict
from scanner.parsers.plan.sources import Sources
from scanner.parsers.plan.symbols import Symbols
from scanner.parsers.terraform.expressions import ChildScope, Scope
from scanner.parsers.terraform.hcl import Attribute, Block
from scanner.parsers.terraform.instance import instance_suffix
from scanner.parsers.terraform.loader import Loader
from scanner.parsers.terraform.values import EvalError, Lazy, Namespace, UnknownValue

Value = Any


class Resolvable(Protocol):
    """What a module instance needs of the resources in it (``instance.PlanInstance``)."""

    mode: str
    type: str
    ref: str
    key: int | str | None

    @property
    def module(self) -> PlanModule: ...

    @property
    def name(self) -> str: ...

    def computed(self, name: str) -> Value: ...


def sensitive_reason(what: str) -> str:
    """The reason of every value the plan marks sensitive: it is never read, so no report
    can show it."""
    return f"{what} is sensitive in the plan; trailscan does not read it"


class Plan:
    """One plan document being loaded: its values, its ``.tf`` files, its module instances."""

    def __init__(self, document: PlanDocument, symbols: Symbols, sources: Sources,
                 loader: Loader, path: str, lines: Lines) -> None:
        self.document = document
        self.symbols = symbols
        self.sources = sources
        self.loader = loader
        self.path = path
        self.lines = lines
        self._modules: dict[str, PlanModule] = {}
        self._instances: dict[tuple[str, str, str, str], list[Resolvable]] = {}
        self.instances: list[Resolvable] = []
        # (parent prefix, call name) -> the instance keys of that module call, in order
        # (a dict used as an ordered set: one look-up per resource, whatever the count).
        self.module_keys: dict[tuple[str, str], dict[int | str | None, None]] = {}

    def position(self, entry: PosDict) -> Span:
        """Where ``entry`` (a resource's object) starts in the plan file."""
        line, column = self.lines.position(entry.start)
        return Span(path=self.path, line=line, column=column)

    def index(self, instances: list[Resolvable]) -> None:
        for inst in instances:
            key = (inst.module.prefix, inst.mode, inst.type, inst.name)
            self._instances.setdefault(key, []).append(inst)
            self.instances.append(inst)
            # Every module instance on the way, so module.x[...] values can be listed.
            prefix, path, keys, _rest = split_module(inst.ref)
            parent = ""
            for name, key in zip(path, keys, strict=True):
                self.module_keys.setdefault((parent, name), {})[key] = None
                parent = f"{parent}module.{name}{instance_suffix(key)}."

    def instances_of(self, prefix: str, mode: str, rtype: str, name: str) -> list[Resolvable]:
        return self._instances.get((prefix, mode, rtype, name), [])

    def module(self, prefix: str) -> PlanModule:
        """The module instance ``prefix`` (``""`` or ``module.a["k"].``)."""
        found = self._modules.get(prefix)
        if found is not None:
            return found
        _address, path, keys, _rest = split_module(prefix)
        if not path:
            module = PlanModule(self, (), "", None, None)
        else:
            parent_prefix = "".join(
                f"module.{n}{instance_suffix(k)}." for n, k in zip(path[:-1], keys[:-1], strict=True)
            )
            module = PlanModule(self, path, prefix, self.module(parent_prefix), keys[-1])
        self._modules[prefix] = module
        return module


class PlanResourceValue(Lazy):
    """A reference to one resource instance of the plan."""

    def __init__(self, inst: Resolvable) -> None:
        self.inst = inst

    def describe(self) -> str:
        return self.inst.ref

    def attr(self, name: str) -> Value:
        return self.inst.computed(name)


class PlanModuleValue(Lazy):
    def __init__(self, module: PlanModule) -> None:
        self.module = module

    def describe(self) -> str:
        return self.module.prefix.rstrip(".")

    def attr(self, name: str) -> Value:
        return self.module.output(name)


class PlanModule(Scope):
    """One module instance of the plan (the scope its expressions are evaluated in).

    ``prefix``, ``source`` and ``loader`` are what the Terraform front end's reference
    collector reads (``references.refs_of``), so ``depends_on`` is found the same way.
    """

    def __init__(self, plan: Plan, path: tuple[str, ...], prefix: str,
                 parent: PlanModule | None, key: int | str | None) -> None:
        self.plan = plan
        self.path = path
        self.prefix = prefix
        self.parent = parent
        self.key = key
        self.loader = plan.loader
        self.config: ModuleConfig | None = plan.document.config_at(path)
        self.source = plan.sources.at(path)
        self._types: set[object] | None = None
        self.call: Block | None = None
        if parent is not None and parent.source is not None:
            self.call = parent.source.modules.get(path[-1])
        own = parent.source.suppressions(self.call) if parent and parent.source and self.call else ()
        self.suppressions: tuple[Suppression, ...] = (parent.suppressions if parent else ()) + own

    # -- scope ---------------------------------------------------------------------

    def lookup(self, name: str) -> Value:
        if name == "var":
            return Namespace("var", self.var)
        if name == "local":
            return Namespace("local", self.local)
        if name == "module":
            return Namespace("module", self.module_value)
        if name == "data":
            return Namespace("data", lambda t: Namespace(
                f"data.{t}", lambda n: self.resource_value("data", t, n)))
        if name == "path":
            here = self.source.rel if self.source is not None else "."
            root = self.plan.loader.unit_rel
            return {"module": here, "root": root, "cwd": root}
        if name == "terraform":
            return {"workspace": "default"}
        if name == "self":
            return UnknownValue("self is known only inside provisioners")
        if name in ("count", "each"):
            raise EvalError(f"{name} is only available in blocks that set {name}")
        if self._declares(name):
            return Namespace(name, lambda n: self.resource_value("resource", name, n))
        raise EvalError(f"reference to undeclared name {name!r}")

    def _declares(self, rtype: str) -> bool:
        if self.source is not None and rtype in self.source.resource_types:
            return True
        if self._types is None:
            configs = self.config.resources.values() if self.config is not None else ()
            self._types = {c.get("type") for c in configs if c.get("mode") == "managed"}
        return rtype in self._types

    def iteration(self, key: int | str | None, for_each: Value) -> dict[str, Value]:
        """``count``/``each`` for the instance with ``key`` (``for_each``: the evaluated
        collection, or None when unknown)."""
        if key is None:
            return {}
        if isinstance(key, int):
            return {"count": {"index": key}}
        value: Value = UnknownValue(f"each.value of [{key!r}] is not recorded in the plan")
        if isinstance(for_each, dict) and key in for_each:
            value = for_each[key]
        elif isinstance(for_each, list) and key in for_each:
            value = key
        return {"each": {"key": key, "value": value}}

    def for_each(self, block: Block | None, label: str) -> Value:
        """The evaluated ``for_each`` of a resource or module block (memoised)."""
        attribute = block.attributes.get("for_each") if block is not None else None
        if attribute is None:
            return None
        return self.loader.memo(("plan-for-each", self.prefix, label),
                                lambda: self.loader.eval_attr(attribute, self), label)

    def call_scope(self) -> Scope:
        """The parent's scope with this module instance's ``count``/``each``."""
        assert self.parent is not None
        names = self.parent.iteration(self.key, self.parent.for_each(self.call, f"module.{self.path[-1]}"))
        return ChildScope(self.parent, names) if names else self.parent

    # -- variables, locals, outputs --------------------------------------------------

    def var(self, name: str) -> Value:
        return self.loader.memo(("plan-var", self.prefix, name), lambda: self._var(name),
                                f"{self.prefix}var.{name}")

    def _var(self, name: str) -> Value:
        declared = self.config.variables.get(name) if self.config is not None else None
        if isinstance(declared, dict) and declared.get("sensitive"):
            return UnknownValue(sensitive_reason(f"{self.prefix}var.{name}"))
        if self.parent is None:
            given = self.plan.document.variables.get(name)
            if isinstance(given, dict) and "value" in given:
                return self.plan.symbols.value(given["value"])
        else:
            attribute = self.call.attributes.get(name) if self.call is not None else None
            if attribute is not None:
                return self.loader.eval_attr(attribute, self.call_scope())
            call = self.parent.config.calls.get(self.path[-1]) if self.parent.config else None
            expressions = call.get("expressions") if isinstance(call, dict) else None
            if isinstance(expressions, dict) and name in expressions:
                given = expressions[name]
                if isinstance(given, dict) and "constant_value" in given:
                    return self.plan.symbols.value(given["constant_value"])
                return UnknownValue(f"{self.prefix}var.{name}: the plan records the module's "
                                    f"inputs only as references")
        if isinstance(declared, dict) and "default" in declared:
            return self.plan.symbols.value(declared["default"])
        if self.source is not None and name in self.source.variables:
            default = self.source.variables[name].attributes.get("default")
            if default is not None:
                return self.loader.eval_attr(default, Scope())
        return UnknownValue(f"{self.prefix}var.{name} is not recorded in the plan")

    def local(self, name: str) -> Value:
        attribute = self.source.locals.get(name) if self.source is not None else None
        if attribute is None:
            return UnknownValue(f"{self.prefix}local.{name}: a plan does not record local values")
        return self.loader.memo(("plan-local", self.prefix, name),
                                lambda: self.loader.eval_attr(attribute, self),
                                f"{self.prefix}local.{name}")

    def output(self, name: str) -> Value:
        block = self.source.outputs.get(name) if self.source is not None else None
        if block is not None and "value" in block.attributes:
            attribute = block.attributes["value"]
            return self.loader.memo(("plan-output", self.prefix, name),
                                    lambda: self.loader.eval_attr(attribute, self),
                                    f"{self.prefix}output.{name}")
        declared = self.config.outputs.get(name) if self.config is not None else None
        expression = declared.get("expression") if isinstance(declared, dict) else None
        if isinstance(declared, dict) and declared.get("sensitive"):
            return UnknownValue(sensitive_reason(f"{self.prefix}output.{name}"))
        if isinstance(expression, dict) and "constant_value" in expression:
            return self.plan.symbols.value(expression["constant_value"])
        return UnknownValue(f"{self.prefix}output.{name}: a plan does not record module outputs")

    # -- what ``references.refs_of`` follows --------------------------------------------

    def caller_argument(self, name: str) -> tuple[PlanModule, Attribute] | None:
        """The calling module and the ``.tf`` argument it passes for input ``name``."""
        parent = self.parent
        if parent is None or parent.source is None or self.call is None:
            return None
        attribute = self.call.attributes.get(name)
        return (parent, attribute) if attribute is not None else None

    def called(self, name: str) -> list[PlanModule] | None:
        """The instances of module call ``name`` the plan has, each with its ``.tf`` files
        (None otherwise: the whole module call is then the dependency)."""
        keys = self.plan.module_keys.get((self.prefix, name))
        if not keys:
            return None
        children = [self.plan.module(f"{self.prefix}module.{name}{instance_suffix(k)}.") for k in keys]
        return children if all(c.source is not None for c in children) else None

    # -- resources and module calls ----------------------------------------------------

    def resource_value(self, mode: str, rtype: str, name: str) -> Value:
        found = self.plan.instances_of(self.prefix, mode, rtype, name)
        label = f"{'data.' if mode == 'data' else ''}{rtype}.{name}"
        config = self.config.resources.get(label) if self.config is not None else None
        if isinstance(config, dict) and "count_expression" in config:
            return [PlanResourceValue(i) for i in sorted(found, key=lambda i: _int_key(i.key))]
        if isinstance(config, dict) and "for_each_expression" in config:
            return {str(i.key): PlanResourceValue(i) for i in found}
        if len(found) == 1 and found[0].key is None:
            return PlanResourceValue(found[0])
        if found and all(isinstance(i.key, int) for i in found):
            return [PlanResourceValue(i) for i in sorted(found, key=lambda i: _int_key(i.key))]
        if found and all(isinstance(i.key, str) for i in found):
            return {str(i.key): PlanResourceValue(i) for i in found}
        return UnknownValue(f"{self.prefix}{label} is not in the plan")

    def module_value(self, name: str) -> Value:
        keys = list(self.plan.module_keys.get((self.prefix, name), {}))
        config = self.config.calls.get(name) if self.config is not None else None
        children = {k: PlanModuleValue(self.plan.module(f"{self.prefix}module.{name}{instance_suffix(k)}."))
                    for k in keys}
        counted = isinstance(config, dict) and "count_expression" in config
        each = isinstance(config, dict) and "for_each_expression" in config
        if counted or (keys and all(isinstance(k, int) for k in keys)):
            return [children[k] for k in sorted(keys, key=_int_key)]
        if each or (keys and all(isinstance(k, str) for k in keys)):
            return {str(k): children[k] for k in sorted(keys, key=str)}
        if None in children:
            return children[None]
        if isinstance(config, dict) or (self.source is not None and name in self.source.modules):
            # A module without resources in the plan: its outputs come from its source.
            return PlanModuleValue(self.plan.module(f"{self.prefix}module.{name}."))
        raise EvalError(f"reference to undeclared module module.{name}")


def _int_key(key: int | str | None) -> int:
    return key if isinstance(key, int) else 0
