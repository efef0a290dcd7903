"""One resource of a plan, as the Terraform record mappers read an instance
(``records.context.ResourceInstance``): its view, its span (the ``.tf`` block when the files
are in the scan, else its entry in the plan file), its computed attributes, suppressions
and dependencies, and the record each of its attributes names by reference."""

from __future__ import annotations

import json
import re
from typing import Any

from scanner.model import Span, Suppression
from scanner.parsers.plan.document import PlanResource
from scanner.parsers.plan.modules import Plan, PlanModule, sensitive_reason
from scanner.parsers.plan.view import PlanView, at, marked
from scanner.parsers.terraform import attributes, policy_documents
from scanner.parsers.terraform.expressions import ChildScope, Scope
from scanner.parsers.terraform.hcl import Block
from scanner.parsers.terraform.instance import instance_suffix
from scanner.parsers.terraform.references import refs_of
from scanner.parsers.terraform.values import JsonText, UnknownValue, first_unknown

Value = Any
_STEP = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)(\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\])?(?:\.|$)')
_META = frozenset({"count", "each", "path", "terraform", "self"})
# Data sources whose values trailscan spells as tokens (``scanner.model``), as the
# Terraform front end does: the account, the region, the partition.
_TOKEN_SOURCES = frozenset({"aws_caller_identity", "aws_region", "aws_partition"})
# How far a reference is followed through module inputs and outputs.
_MAX_HOPS = 32


class PlanInstance:
    def __init__(self, plan: Plan, module: PlanModule, resource: PlanResource) -> None:
        self.plan = plan
        self.module = module
        self.resource = resource
        self.mode = resource.mode
        self.type = resource.type
        self.name = resource.name
        self.ref = resource.address
        self.key = resource.index
        self.config: dict[str, Any] | None = (
            module.config.resources.get(resource.local_address) if module.config is not None else None
        )
        table = None
        if module.source is not None:
            table = module.source.resources if self.mode == "resource" else module.source.data
        self.block: Block | None = table.get((self.type, resource.name)) if table is not None else None
        self._entry = plan.position(resource.entry)
        self._view: PlanView | None = None

    # -- what the mappers read ---------------------------------------------------------

    @property
    def view(self) -> PlanView:
        if self._view is None:
            expressions = self.config.get("expressions") if self.config is not None else None
            if self.config is not None and not isinstance(expressions, dict):
                expressions = {}
            self._view = PlanView(self, self.resource.values, self.resource.unknown,
                                  self.resource.sensitive, expressions, self.block, self._scope())
        return self._view

    @property
    def span(self) -> Span:
        return self.block.span if self.block is not None else self._entry

    @property
    def header(self) -> Span:
        return self.block.header if self.block is not None else self._entry

    def _scope(self) -> Scope:
        label = f"{'data.' if self.mode == 'data' else ''}{self.type}.{self.resource.name}"
        names = self.module.iteration(self.key, self.module.for_each(self.block, label))
        return ChildScope(self.module, names) if names else self.module

    def computed(self, name: str) -> Value:
        """Attribute ``name`` as a reference sees it: the planned value when the plan knows
        it, else what the provider will compute, spelt as the Terraform front end does; an
        identifying attribute carries the record it names, as there."""
        return attributes.referenced(self.mode, self.type, self.ref, name, self._computed(name),
                                     self.view.value)

    def _computed(self, name: str) -> Value:
        values, unknown, sensitive = self.resource.values, self.resource.unknown, self.resource.sensitive
        what = f"{self.ref}.{name}"
        if at(sensitive, name) is True:
            return UnknownValue(sensitive_reason(what))
        if self.mode == "data":
            if self.type in _TOKEN_SOURCES:
                return attributes.data_source(self.type, name, self.view.value, self.ref)
            if at(unknown, name) is not True and values.get(name) is not None:
                return self.plan.symbols.value(
                    marked(values[name], at(unknown, name), at(sensitive, name), what)
                )
            if self.type == "aws_iam_policy_document" and name in ("json", "minified_json"):
                loader = self.plan.loader
                return loader.memo(("plan-doc", self.ref), lambda: self._document(what), what)
            return UnknownValue(f"{what} is read from the data source {self.type} at apply")
        if at(unknown, name) is not True and values.get(name) is not None:
            return self.plan.symbols.value(
                marked(values[name], at(unknown, name), at(sensitive, name), what)
            )
        value = attributes.computed(self.type, name, self.view.value, "${" + self.ref + "}")
        if value is not attributes.NOT_COMPUTED:
            return value
        written = self.view.value(name)
        if written is not attributes.MISSING:
            return written
        return UnknownValue(f"{what} is known only after apply")

    def _document(self, what: str) -> Value:
        """An ``aws_iam_policy_document`` read at apply, rendered from its statements; with
        a part still unknown the whole document is (a statement that lists only some of
        its resources must not read as one that lists exactly those)."""
        document = policy_documents.policy_document(self.view)
        hit = first_unknown(document.data if isinstance(document, JsonText) else document)
        if hit is not None:
            return UnknownValue(f"{what} is known only after apply ({hit.reason})")
        return document

    def own_suppressions(self) -> tuple[Suppression, ...]:
        source = self.module.source
        return source.suppressions(self.block) if source is not None and self.block is not None else ()

    def suppressions(self) -> tuple[Suppression, ...]:
        return self.module.suppressions + self.own_suppressions()

    def depends_on(self) -> tuple[str, ...]:
        if self.block is not None and self.module.source is not None:
            return refs_of(self.module, self.block)
        if self.config is None:
            return ()
        found: set[str] = set()
        for item in self.config.get("depends_on") or ():
            if isinstance(item, str):
                found.update(_dependencies(self.plan, self.module, item))
        stack: list[Any] = [self.config.get("expressions")]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                for ref in _leaf_references(node):
                    found.update(_dependencies(self.plan, self.module, ref))
                stack.extend(v for k, v in node.items() if k != "references")
        return tuple(sorted(found))

    # -- targets: the record a value names by reference --------------------------------------

    def target_of(self, expression: Any) -> str:
        return _target(self.plan, self.module, self.key, expression, 0)


def _steps(reference: str) -> list[tuple[str, int | str | None]]:
    """``module.m["k"].out`` → [("module", None), ("m", "k"), ("out", None)]."""
    out: list[tuple[str, int | str | None]] = []
    pos = 0
    while pos < len(reference):
        m = _STEP.match(reference, pos)
        if m is None:
            return []
        raw = m.group(2)
        key: int | str | None = None
        if raw is not None:
            key = int(raw[1:-1]) if raw[1] != '"' else json.loads(raw[1:-1])
        out.append((m.group(1), key))
        pos = m.end()
    return out


def _references(expression: Any) -> list[str]:
    """The ``references`` a configuration expression lists (none when malformed)."""
    refs = expression.get("references") if isinstance(expression, dict) else None
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        return []
    return refs


def _leaf_references(expression: Any) -> list[str]:
    """``_references`` without the module calls Terraform lists next to a reference into
    them (``module.m`` and ``module.m["k"]`` beside ``module.m["k"].out``): a dependency
    on the output, not on the whole module."""
    refs = _references(expression)
    bases: set[str] = set()
    for ref in refs:
        steps = _steps(ref)
        if len(steps) >= 3 and steps[0][0] == "module":
            bases.add(f"module.{steps[1][0]}")
            bases.add(f"module.{steps[1][0]}{instance_suffix(steps[1][1])}")
    return [ref for ref in refs if ref not in bases]


def _input(module: PlanModule, name: str) -> tuple[PlanModule, Any] | None:
    """The calling module and the expression it passes for input ``name``."""
    parent = module.parent
    if parent is None or parent.config is None:
        return None
    call = parent.config.calls.get(module.path[-1])
    expressions = call.get("expressions") if isinstance(call, dict) else None
    return (parent, expressions.get(name)) if isinstance(expressions, dict) else None


def _output(child: PlanModule, name: str) -> Any:
    """The expression of output ``name`` of a module instance (None when not recorded)."""
    declared = child.config.outputs.get(name) if child.config is not None else None
    return declared.get("expression") if isinstance(declared, dict) else None


def _dependencies(plan: Plan, module: PlanModule, reference: str) -> frozenset[str]:
    """A reference as the Terraform front end records a dependency (no instance key): an
    input is what the caller's expression refers to, ``module.m.out`` what the output
    refers to (``references.refs_of`` for the ``.tf`` files)."""
    steps = _steps(reference)
    if len(steps) < 2:
        return frozenset()
    head, prefix = steps[0][0], module.prefix
    if head == "data" and len(steps) >= 3:
        return frozenset({f"{prefix}data.{steps[1][0]}.{steps[2][0]}"})
    if head == "var":
        given = _input(module, steps[1][0])
        if given is None:
            return frozenset()  # a root variable refers to nothing
        return _memo_dependencies(plan, ("plan-input-deps", module.prefix, steps[1][0]), *given)
    if head == "module":
        outputs = _output_dependencies(plan, module, steps[1][0], steps[2][0]) if len(steps) >= 3 else None
        return outputs if outputs is not None else frozenset({f"{prefix}module.{steps[1][0]}"})
    if head in _META or head == "local":
        return frozenset()
    return frozenset({f"{prefix}{head}.{steps[1][0]}"})


def _output_dependencies(plan: Plan, module: PlanModule, name: str, output: str) -> frozenset[str] | None:
    """What output ``output`` of every instance of ``module.<name>`` refers to; None when
    the plan does not say (then the whole module call is the dependency)."""
    found: set[str] = set()
    for key in plan.module_keys.get((module.prefix, name)) or ():
        child = plan.module(f"{module.prefix}module.{name}{instance_suffix(key)}.")
        expression = _output(child, output)
        if expression is None:
            return None
        found.update(_memo_dependencies(plan, ("plan-output-deps", child.prefix, output), child, expression))
    return frozenset(found) if found else None


def _memo_dependencies(plan: Plan, key: tuple[str, ...], module: PlanModule,
                       expression: Any) -> frozenset[str]:
    """The dependencies of one expression, memoised (a cycle ends as nothing)."""

    def build() -> frozenset[str]:
        return frozenset(d for ref in _leaf_references(expression) for d in _dependencies(plan, module, ref))

    value = plan.loader.memo(key, build)
    return value if isinstance(value, frozenset) else frozenset()


def _target(plan: Plan, module: PlanModule, key: int | str | None, expression: Any, hops: int) -> str:
    """The one resource an expression is made of, following module inputs and outputs;
    "" when it names none, several, or something the plan cannot follow (a local)."""
    refs = expression.get("references") if isinstance(expression, dict) else None
    if not isinstance(refs, list) or hops > _MAX_HOPS:
        return ""
    things: set[tuple[str, ...]] = set()
    resources: dict[str, tuple[set[int | str | None], set[str]]] = {}
    iterated = False
    for ref in refs:
        steps = _steps(ref) if isinstance(ref, str) else []
        if len(steps) < 2:
            return ""
        head = steps[0][0]
        if head in _META:
            iterated = iterated or head in ("count", "each")
        elif head == "var":
            things.add(("var", steps[1][0]))
        elif head == "module":
            if len(steps) >= 3:  # module.m itself is listed next to module.m.out
                things.add(("module", steps[1][0], json.dumps(steps[1][1]), steps[2][0]))
        elif head == "local" or (head == "data" and len(steps) < 3):
            return ""
        else:
            # aws_x.y[0].arn is listed with aws_x.y[0] and aws_x.y: one resource, index 0.
            skip = 1 if head == "data" else 0  # data.aws_x.y[0].arn: the same, one step on
            local = ".".join(step[0] for step in steps[: 2 + skip])
            indexes, names = resources.setdefault(local, (set(), set()))
            indexes.add(steps[1 + skip][1])
            if len(steps) >= 3 + skip:
                names.add(steps[2 + skip][0])
    for local, (indexes, names) in resources.items():
        keyed = {i for i in indexes if i is not None}
        if len(keyed) > 1 or len(names) > 1:
            return ""
        things.add(("resource", local, json.dumps(next(iter(keyed), None)), next(iter(names), "")))
    if len(things) != 1:
        return ""
    thing = things.pop()
    if thing[0] == "resource":
        found = _resource_target(plan, module, thing[1], json.loads(thing[2]),
                                 key if iterated else None)
        return _through(plan, found, thing[3], hops) if found is not None else ""
    if thing[0] == "var":
        given = _input(module, thing[1])
        return _target(plan, given[0], module.key, given[1], hops + 1) if given is not None else ""
    name, raw_key, output = thing[1], json.loads(thing[2]), thing[3]
    keys = list(plan.module_keys.get((module.prefix, name), {}))
    if raw_key is None and len(keys) == 1:
        raw_key = keys[0]
    child = plan.module(f"{module.prefix}module.{name}{instance_suffix(raw_key)}.")
    return _target(plan, child, child.key, _output(child, output), hops + 1)


def _through(plan: Plan, inst: PlanInstance, attribute: str, hops: int) -> str:
    """The record ``<inst>.<attribute>`` names, as ``attributes.referenced`` says for the
    ``.tf`` files: ``inst`` itself for its name, id or ARN; for an alias or a lookup data
    source, what its argument names; for an attribute that only passes on a value it was
    given (``aws_s3_bucket_policy.x.bucket`` is the bucket it was given), what that names."""
    expressions = inst.config.get("expressions") if inst.config is not None else None
    if not isinstance(expressions, dict):
        expressions = {}
    source = attributes.identity_source(inst.mode, inst.type, attribute)
    if source == "":
        return inst.ref
    if source is None:
        if attribute == "id" and inst.type.startswith("aws_s3_bucket_"):
            source = "bucket"  # the split S3 resources' id is their bucket's name
        else:
            source = attribute
    given = expressions.get(source)
    return _target(plan, inst.module, inst.key, given, hops + 1) if given is not None else ""


def _resource_target(plan: Plan, module: PlanModule, local: str, index: Any,
                     iteration_key: int | str | None) -> PlanInstance | None:
    mode = "resource"
    if local.startswith("data."):
        mode, local = "data", local[len("data."):]
    rtype, _, name = local.partition(".")
    found = plan.instances_of(module.prefix, mode, rtype, name)
    if index is None and iteration_key is not None:
        index = iteration_key
    if index is None and len(found) == 1:
        return found[0]
    return next((inst for inst in found if inst.key == index), None)
