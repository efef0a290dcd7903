"""What a resource depends on, read from its source rather than its values.

A record's ``depends_on`` is the explicit ``depends_on`` list plus every resource, data
source or module its expressions mention (through locals too), found by walking the
expression trees for reference chains (``aws_s3_bucket.logs.id``), heredoc templates
included. Policies use it to order resources (a trail created before its bucket policy).
"""

from __future__ import annotations

from typing import Protocol

from lark import Token, Tree

from scanner.parsers.terraform.hcl import Attribute, Block
from scanner.parsers.terraform.loader import Loader, ModuleSource
from scanner.parsers.terraform.templates import Interp, heredoc_body, parts_from_text

# Reference roots that never name a managed resource.
_NOT_RESOURCE_ROOTS = frozenset({"var", "local", "module", "data", "path", "terraform",
                                 "count", "each", "self"})


class ModuleScope(Protocol):
    """The module instance a block belongs to (``instance.ModuleInstance``, or a module of
    a Terraform plan): its address prefix, its parsed source, the memo table, and the
    module calls around it (inputs and outputs are followed to what they refer to)."""

    prefix: str
    source: ModuleSource
    loader: Loader

    def caller_argument(self, name: str) -> tuple[ModuleScope, Attribute] | None:
        """The calling module and the argument it passes for input ``name`` (None for a
        root module's variables: tfvars and ``--var`` refer to nothing)."""
        ...

    def called(self, name: str) -> list[ModuleScope] | None:
        """The instances of module call ``name``; None when one of them cannot be read."""
        ...


def refs_of(module: ModuleScope, block: Block) -> tuple[str, ...]:
    """Explicit ``depends_on`` plus every resource a block's expressions mention."""
    found: set[str] = set()
    _collect_block(module, block, found)
    depends = block.attributes.get("depends_on")
    if depends is not None:
        for chain in _chains_and_strings(depends.expr):
            ref = _ref_of_chain(module, chain, found)
            if ref:
                found.add(ref)
    return tuple(sorted(found))


def _collect_block(module: ModuleScope, block: Block, found: set[str]) -> None:
    for name, attribute in block.attributes.items():
        if name != "depends_on":
            _collect(module, attribute, found)
    for child in block.blocks:
        _collect_block(module, child, found)


def _collect(module: ModuleScope, attribute: Attribute, found: set[str]) -> None:
    """Add what one attribute's expression refers to, evaluated in ``module``."""
    for chain in _chains(attribute.expr):
        ref = _ref_of_chain(module, chain, found)
        if ref:
            found.add(ref)


def _memo_refs(module: ModuleScope, key: tuple[str, ...], where: ModuleScope,
               attribute: Attribute) -> frozenset[str]:
    """``_collect`` of one expression, memoised in ``module``'s table, so that a cycle
    (a local or an input that refers to itself) ends, as nothing, instead of recursing."""

    def build() -> frozenset[str]:
        found: set[str] = set()
        _collect(where, attribute, found)
        return frozenset(found)

    value = module.loader.memo(key, build)
    return value if isinstance(value, frozenset) else frozenset()


def _ref_of_chain(module: ModuleScope, chain: list[str], found: set[str]) -> str:
    """The resource a chain names (``""`` for none); a local adds its own refs to ``found``."""
    if len(chain) < 2:
        return ""
    head = chain[0]
    prefix = module.prefix
    if head == "local":
        found.update(_local_refs(module, chain[1]))
        return ""
    if head == "var":
        # A module's input depends on what its caller's expression mentions (Terraform
        # orders ``depends_on = [var.x]`` and every use of ``var.x`` after those).
        found.update(_argument_refs(module, chain[1]))
        return ""
    if head == "data" and len(chain) >= 3:
        return f"{prefix}data.{chain[1]}.{chain[2]}"
    if head == "module":
        if len(chain) >= 3:
            # ``module.x.out``: Terraform orders after what that output refers to only
            outputs = _output_refs(module, chain[1], chain[2])
            if outputs is not None:
                found.update(outputs)
                return ""
        return f"{prefix}module.{chain[1]}"
    if head in _NOT_RESOURCE_ROOTS or head not in module.source.resource_types:
        return ""
    return f"{prefix}{head}.{chain[1]}"


def _output_refs(module: ModuleScope, name: str, output: str) -> frozenset[str] | None:
    """What output ``output`` of every instance of ``module.<name>`` refers to; None when
    a child cannot be read (then the whole module is the dependency)."""
    if name not in module.source.modules:
        return None
    children = module.called(name)
    if children is None:
        return None
    found: set[str] = set()
    for child in children:
        block = child.source.outputs.get(output)
        if block is None or "value" not in block.attributes:
            return None
        found.update(_memo_refs(module, ("output_refs", child.prefix, output), child,
                                block.attributes["value"]))
    return frozenset(found)


def _argument_refs(module: ModuleScope, name: str) -> frozenset[str]:
    given = module.caller_argument(name)
    if given is None:
        return frozenset()  # a root variable (tfvars, --var) references nothing
    caller, attribute = given
    return _memo_refs(module, ("argument_refs", module.prefix, name), caller, attribute)


def _local_refs(module: ModuleScope, name: str) -> frozenset[str]:
    attribute = module.source.locals.get(name)
    if attribute is None:
        return frozenset()
    return _memo_refs(module, ("local_refs", module.prefix, name), module, attribute)


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


def chains(node: Tree | Token) -> list[list[str]]:
    """Every attribute-access chain an expression reads (``["var", "enabled"]``)."""
    return _chains(node)


def _chains(node: Tree | Token) -> list[list[str]]:
    """Every attribute-access chain rooted at a name (``aws_s3_bucket.x.id``)."""
    if isinstance(node, Token):
        if node.type in ("HEREDOC_TEMPLATE", "HEREDOC_TEMPLATE_TRIM"):
            return _heredoc_chains(node)
        return []
    out = []
    # (node, is the base of a longer chain): ``module.x.out`` is one reference, to the
    # output, not also one to the whole ``module.x``.
    stack: list[tuple[Tree, bool]] = [(node, False)]
    while stack:
        sub, is_base = stack.pop()
        kids = [c for c in sub.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        if sub.data == "get_attr_expr_term":
            chain = _chain(sub)
            if chain is not None and len(chain) >= 2 and not is_base:
                out.append(chain)
            if len(kids) == 2:
                stack.append((kids[1], False))
                stack.append((kids[0], chain is not None))
                continue
        elif sub.data in ("heredoc_template", "heredoc_template_trim"):
            out.extend(_heredoc_chains(sub.children[0]))
            continue
        elif is_base and sub.data == "expr_term" and len(kids) == 1 and len(sub.children) == 1:
            stack.append((kids[0], True))
            continue
        elif is_base and sub.data == "index_expr_term" and len(kids) == 2:
            stack.append((kids[1], False))
            stack.append((kids[0], True))
            continue
        stack.extend((kid, False) for kid in reversed(kids))
    return out


def _heredoc_chains(token: Token) -> list[list[str]]:
    try:
        parts = parts_from_text(heredoc_body(str(token)))
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
