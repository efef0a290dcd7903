"""Module loading and lazy, memoised evaluation of variables, locals, resources and
module calls.

Everything is evaluated on demand: a reference pulls exactly the values it needs, so the
order of declarations never matters and a cycle is detected (and reported as UNKNOWN)
instead of recursing forever.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Token, Tree

from scanner.limits import Limits
from scanner.model import ParseProblem, Span, Suppression
from scanner.parsers.common import is_within, relpath
from scanner.parsers.terraform import attributes, policy_documents
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.expressions import ChildScope, Evaluator, Scope
from scanner.parsers.terraform.hcl import Attribute, Block, SourceFile, read_source
from scanner.parsers.terraform.suppressions import for_block, scan_comments
from scanner.parsers.terraform.templates import Interp, heredoc_body, parts_from_text
from scanner.parsers.terraform.values import EvalError, Lazy, UnknownValue, to_number

Value = Any
MODULE_META_ARGS = frozenset({"source", "version", "count", "for_each", "providers",
                              "depends_on"})
# Lazily evaluated items (locals, variables, outputs...) that may be open at once; deeper
# reference chains are UNKNOWN instead of exhausting the Python stack.
MAX_REFERENCE_DEPTH = 100
_NOT_RESOURCE_ROOTS = frozenset({"var", "local", "module", "data", "path", "terraform",
                                 "count", "each", "self"})


# ---------------------------------------------------------------------------
# Parsed module directories
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class ModuleSource:
    """The declarations of one module directory (parsed once, instantiated many times)."""

    directory: Path
    rel: str
    files: list[SourceFile] = field(default_factory=list)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    resource_types: set[str] = field(default_factory=set)
    block_file: dict[int, SourceFile] = field(default_factory=dict)
    _comments: dict[str, dict[int, Suppression]] = field(default_factory=dict)
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def add(self, file: SourceFile) -> None:
        self.files.append(file)
        for block in file.body.blocks:
            self.block_file[id(block)] = file
            labels = block.labels
            if block.type == "resource" and len(labels) == 2:
                self.resources.setdefault((labels[0], labels[1]), block)
                self.resource_types.add(labels[0])
            elif block.type == "data" and len(labels) == 2:
                self.data.setdefault((labels[0], labels[1]), block)
            elif block.type == "module" and len(labels) == 1:
                self.modules.setdefault(labels[0], block)
            elif block.type == "variable" and len(labels) == 1:
                self.variables.setdefault(labels[0], block)
            elif block.type == "output" and len(labels) == 1:
                self.outputs.setdefault(labels[0], block)
            elif block.type == "locals":
                for name, attribute in block.attributes.items():
                    self.locals.setdefault(name, attribute)

    def suppressions(self, block: Block) -> tuple[Suppression, ...]:
        file = self.block_file.get(id(block))
        if file is None:
            return ()
        if file.path not in self._comments:
            self._comments[file.path] = scan_comments(file.path, file.text)
            self._lines[file.path] = file.text.splitlines()
        return for_block(
            self._comments[file.path], self._lines[file.path], block.span.line,
            block.span.end_line,
        )


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
        inst = self.inst
        if inst.mode == "data":
            if inst.type == "aws_iam_policy_document" and name in ("json", "minified_json"):
                return self.module.loader.memo(
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


@dataclass(slots=True)
class Instance:
    """One expanded resource (or data source) instance."""

    mode: str  # "resource" | "data"
    type: str
    name: str
    key: int | str | None
    ref: str
    block: Block
    scope: Scope
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
                out.append(Instance(mode=mode, type=rtype, name=name, key=key, ref=ref,
                                    block=block, scope=scope, view=view, module=self))
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
                thunks[arg] = _thunk(self.loader, attribute, scope)
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

    # -- dependencies ---------------------------------------------------------------

    def refs_of(self, block: Block) -> tuple[str, ...]:
        """Explicit ``depends_on`` plus every resource a block's expressions mention."""
        found: set[str] = set()
        self._collect_block(block, found)
        depends = block.attributes.get("depends_on")
        if depends is not None:
            for chain in _chains_and_strings(depends.expr):
                ref = self._ref_of_chain(chain, found)
                if ref:
                    found.add(ref)
        return tuple(sorted(found))

    def _collect_block(self, block: Block, found: set[str]) -> None:
        for name, attribute in block.attributes.items():
            if name != "depends_on":
                for chain in _chains(attribute.expr):
                    ref = self._ref_of_chain(chain, found)
                    if ref:
                        found.add(ref)
        for child in block.blocks:
            self._collect_block(child, found)

    def _ref_of_chain(self, chain: list[str], found: set[str]) -> str:
        if len(chain) < 2:
            return ""
        head = chain[0]
        if head == "local":
            found.update(self._local_refs(chain[1]))
            return ""
        if head == "data" and len(chain) >= 3:
            return f"{self.prefix}data.{chain[1]}.{chain[2]}"
        if head == "module":
            return f"{self.prefix}module.{chain[1]}"
        if head in _NOT_RESOURCE_ROOTS or head not in self.source.resource_types:
            return ""
        return f"{self.prefix}{head}.{chain[1]}"

    def _local_refs(self, name: str) -> frozenset[str]:
        attribute = self.source.locals.get(name)
        if attribute is None:
            return frozenset()

        def build() -> frozenset[str]:
            found: set[str] = set()
            for chain in _chains(attribute.expr):
                ref = self._ref_of_chain(chain, found)
                if ref:
                    found.add(ref)
            return frozenset(found)

        value = self.loader.memo(("local_refs", self.prefix, name), build)
        return value if isinstance(value, frozenset) else frozenset()


def _thunk(loader: Loader, attribute: Attribute, scope: Scope) -> Callable[[], Value]:
    return lambda: loader.eval_attr(attribute, scope)


def _chain(node: Tree | Token) -> list[str] | None:
    if isinstance(node, Token):
        return None
    data = node.data
    if data == "identifier":
        return [str(node.children[0])]
    kids = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
    if data == "expr_term" and len(kids) == 1 and len(node.children) == 1:
        return _chain(kids[0])
    if data == "get_attr_expr_term" and len(kids) == 2:
        base = _chain(kids[0])
        name = kids[1].children[-1]
        if base is None or not isinstance(name, Tree):
            return None
        return [*base, str(name.children[0])]
    if data == "index_expr_term" and len(kids) == 2:
        return _chain(kids[0])
    return None


def _chains(node: Tree | Token) -> list[list[str]]:
    """Every attribute-access chain rooted at a name (``aws_s3_bucket.x.id``)."""
    if isinstance(node, Token):
        if node.type in ("HEREDOC_TEMPLATE", "HEREDOC_TEMPLATE_TRIM"):
            return _heredoc_chains(node)
        return []
    out = []
    for sub in node.iter_subtrees():
        if sub.data == "get_attr_expr_term":
            chain = _chain(sub)
            if chain is not None and len(chain) >= 2:
                out.append(chain)
        elif sub.data in ("heredoc_template", "heredoc_template_trim"):
            out.extend(_heredoc_chains(sub.children[0]))
    return out


def _heredoc_chains(token: Token) -> list[list[str]]:
    try:
        parts = parts_from_text(heredoc_body(str(token), trim=False))
    except Exception:  # noqa: BLE001 - an unparsable template references nothing
        return []
    out: list[list[str]] = []
    stack = list(parts)
    while stack:
        part = stack.pop()
        if isinstance(part, Interp):
            out.extend(_chains(part.expr))
        elif hasattr(part, "then"):
            stack.extend(part.then)  # type: ignore[union-attr]
            stack.extend(part.otherwise)  # type: ignore[union-attr]
            out.extend(_chains(part.cond))  # type: ignore[union-attr]
        elif hasattr(part, "body"):
            stack.extend(part.body)  # type: ignore[union-attr]
            out.extend(_chains(part.collection))  # type: ignore[union-attr]
    return out


def _chains_and_strings(node: Tree | Token) -> list[list[str]]:
    """``depends_on`` items: traversals in HCL, strings in Terraform JSON."""
    out = _chains(node)
    if isinstance(node, Tree):
        for sub in node.iter_subtrees():
            if sub.data == "string":
                text = "".join(
                    str(t) for p in sub.children if isinstance(p, Tree)
                    for t in p.children if isinstance(t, Token)
                )
                if text:
                    out.append(text.split("."))
    return out


# ---------------------------------------------------------------------------
# The loader: files, memo table, problems
# ---------------------------------------------------------------------------


class Loader:
    def __init__(self, root: Path, unit_dir: Path, limits: Limits) -> None:
        self.root = root.resolve()
        self.unit_dir = unit_dir.resolve()
        self.unit_rel = self.rel(self.unit_dir)
        self.limits = limits
        self.problems: list[ParseProblem] = []
        self._problem_keys: set[tuple[str, int, str]] = set()
        self.files_read: set[str] = set()
        self._sources: dict[Path, ModuleSource] = {}
        self._memo: dict[tuple[Any, ...], Value] = {}
        self._active: list[tuple[tuple[Any, ...], str]] = []
        self._active_keys: set[tuple[Any, ...]] = set()
        self._paths: list[str] = []
        self._attr_spans: list[Span] = []
        self.evaluator = Evaluator(
            max_depth=limits.max_nesting_depth, span_of=self._span_of, on_limit=self._limit_hit
        )

    # -- paths ----------------------------------------------------------------------

    def rel(self, path: Path) -> str:
        return relpath(path, self.root)

    def inside_root(self, path: Path) -> bool:
        return is_within(path, self.root)

    def problem(self, span: Span, message: str) -> None:
        key = (span.path, span.line, message)
        if key not in self._problem_keys:
            self._problem_keys.add(key)
            self.problems.append(ParseProblem(span=span, message=message))

    # -- parsing --------------------------------------------------------------------

    def source(self, directory: Path) -> ModuleSource:
        directory = directory.resolve()
        cached = self._sources.get(directory)
        if cached is not None:
            return cached
        source = ModuleSource(directory=directory, rel=self.rel(directory))
        self._sources[directory] = source
        files = sorted(
            p for p in directory.iterdir()
            if p.is_file() and (p.name.endswith(".tf") or p.name.endswith(".tf.json"))
        ) if directory.is_dir() else []
        for path in files:
            if not self.inside_root(path):
                # A symlinked .tf file pointing out of the scan root is never read.
                where = f"{self.rel(directory)}/{path.name}".removeprefix("./")
                self.problem(Span(path=where), "symlink points outside the scanned root; not read")
                continue
            rel = self.rel(path)
            self.files_read.add(rel)
            parsed = read_source(path, rel, self.limits.max_file_bytes)
            if isinstance(parsed, ParseProblem):
                self.problem(parsed.span, parsed.message)
            else:
                source.add(parsed)
        return source

    # -- evaluation -----------------------------------------------------------------

    def _limit_hit(self, node: Tree | Token, message: str) -> None:
        span = self._span_of(node) if isinstance(node, Tree) else None
        if span is None and self._paths:
            span = Span(path=self._paths[-1])
        if span is not None:
            self.problem(span, f"{message}; the value is not checked")

    def _span_of(self, node: Tree) -> Span | None:
        if not self._paths:
            return None
        meta = getattr(node, "meta", None)
        if meta is None or getattr(meta, "empty", True):
            return None
        return Span(path=self._paths[-1], line=meta.line, column=meta.column,
                    end_line=meta.end_line, end_column=meta.end_column)

    def eval_attr(self, attribute: Attribute, scope: Scope) -> Value:
        self._paths.append(attribute.span.path)
        self._attr_spans.append(attribute.span)
        try:
            return self.evaluator.evaluate(attribute.expr, scope)
        finally:
            self._paths.pop()
            self._attr_spans.pop()

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Value], label: str = "") -> Value:
        """Memoised evaluation with cycle detection (a cycle yields UnknownValue)."""
        if key in self._memo:
            return self._memo[key]
        if len(self._active) >= MAX_REFERENCE_DEPTH:
            return UnknownValue(
                f"{label or key[-1]}: references nest deeper than {MAX_REFERENCE_DEPTH} levels"
            )
        if key in self._active_keys:
            start = next((i for i, (k, _) in enumerate(self._active) if k == key), 0)
            cycle = [lbl for _, lbl in self._active[start:] if lbl] + [label or str(key[-1])]
            what = label or str(key[-1])
            message = f"{what} is part of a reference cycle ({' -> '.join(cycle)})"
            if self._attr_spans:
                # Terraform rejects the configuration ("Cycle: ..."): report it, keep UNKNOWN.
                self.problem(self._attr_spans[-1], message)
            return UnknownValue(message)
        self._active.append((key, label))
        self._active_keys.add(key)
        try:
            value = compute()
        finally:
            self._active.pop()
            self._active_keys.discard(key)
        self._memo[key] = value
        return value

    # -- walking ----------------------------------------------------------------------

    def walk(self, module: ModuleInstance) -> list[Instance]:
        """Every resource instance of ``module`` and its local child modules."""
        out: list[Instance] = []
        for rtype, name in sorted(module.source.resources):
            out.extend(module.instances("resource", rtype, name))
        for name in sorted(module.source.modules):
            for _ref, child in module.module_instances(name):
                if isinstance(child, ModuleInstance):
                    out.extend(self.walk(child))
        return out
