"""Static evaluator for HCL expressions over python-hcl2's lark tree.

Only what Terraform knows before apply is computed; everything else becomes an
``UnknownValue`` carrying the reason, so a policy can say *why* it cannot decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark import Token, Tree

from scanner.limits import Budget, BudgetExceeded
from scanner.model import Span
from scanner.parsers.common import Concatenation
from scanner.parsers.terraform import functions
from scanner.parsers.terraform.templates import (
    ForPart,
    IfPart,
    Interp,
    Literal,
    Part,
    TemplateSyntaxError,
    heredoc_body,
    parts_from_string_tree,
    parts_from_text,
)
from scanner.parsers.terraform.values import (
    EvalError,
    Lazy,
    SpannedDict,
    UnknownValue,
    checked_number,
    get_attr,
    get_index,
    iterate,
    number_literal,
    target_of,
    tf_equal,
    to_bool,
    to_number,
    to_string,
    with_target,
    without_target,
)

Value = Any
SpanFactory = Callable[[Tree], Any]


class Scope:
    """Name resolution for root identifiers; child scopes add iteration variables."""

    def lookup(self, name: str) -> Value:
        raise EvalError(f"unknown name {name!r}")

    def variable_default(self, name: str) -> Span | None:
        """Where the default of input ``var.<name>`` is declared, when that default is
        the value (a root module's variable nothing sets); None otherwise."""
        return None


class ChildScope(Scope):
    def __init__(self, parent: Scope, names: dict[str, Value]) -> None:
        self.parent = parent
        self.names = names

    def lookup(self, name: str) -> Value:
        if name in self.names:
            return self.names[name]
        return self.parent.lookup(name)

    def variable_default(self, name: str) -> Span | None:
        return self.parent.variable_default(name)


def _positioned(node: Tree | Token) -> bool:
    meta = getattr(node, "meta", None)
    return meta is not None and not getattr(meta, "empty", True)


def _meaningful(children: list[Any]) -> list[Any]:
    return [
        c for c in children
        if isinstance(c, Tree) and c.data != "new_line_or_comment"
    ]


def _arithmetic(op: str, a: int | float, b: int | float) -> int | float:
    """Terraform arithmetic; whole results of exact operands stay exact integers."""
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op in ("/", "%"):
        if b == 0:
            raise EvalError("division by zero")
        if op == "%":
            return a % b
        if isinstance(a, int) and isinstance(b, int) and a % b == 0:
            return a // b
        result = a / b
        return int(result) if result.is_integer() else result
    raise EvalError(f"unsupported operator {op}")


class Evaluator:
    """Evaluates expression trees; ``span_of`` gives object literals their location.

    Every node evaluated, every list and map element and every string character built is
    charged to ``budget`` (the unit's evaluation budget, ``scanner.limits``); a value
    handed out again (an iteration variable, a memoised local) is charged its whole size.
    A charge over the budget makes the value being evaluated UNKNOWN, and the first one
    of each limit is reported (``on_limit``) at the innermost expression that made it.
    """

    def __init__(
        self,
        *,
        max_depth: int,
        span_of: SpanFactory | None = None,
        on_limit: Callable[[Tree | Token, str], None] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.max_depth = max_depth
        self.span_of = span_of
        # Told about every limit hit, so the loader reports it (CT901) instead of the value
        # silently becoming UNKNOWN.
        self.on_limit = on_limit
        self.budget = budget if budget is not None else Budget()
        self._depth = 0
        self._templates: dict[int, tuple[Tree | Token, list[Part]]] = {}

    # -- entry points ------------------------------------------------------

    def evaluate(self, node: Tree | Token, scope: Scope) -> Value:
        """Evaluate to a value; errors become ``UnknownValue`` with the message."""
        try:
            return self.eval(node, scope)
        except EvalError as exc:
            return UnknownValue(str(exc))
        except OverflowError:
            # a number Terraform handles (it is arbitrary precision) that a Python float
            # cannot hold, reached through a function
            return UnknownValue("a number is out of the range trailscan evaluates")
        except RecursionError:
            message = "expression nested too deeply to evaluate (limit max_nesting_depth)"
            if self.on_limit is not None:
                self.on_limit(node, message)
            return UnknownValue(message)
        except BudgetExceeded as exc:
            if exc.first and self.on_limit is not None:
                exc.first = False  # reported once, here: the innermost evaluate() around it
                self.on_limit(exc.node if isinstance(exc.node, Tree) else node, exc.message)
            return UnknownValue(exc.message)

    def eval(self, node: Tree | Token, scope: Scope) -> Value:
        self._depth += 1
        budget = self.budget
        budget.values += 1
        try:
            if budget.values > budget.max_values:
                budget.step(0)  # raises BudgetExceeded
            if self._depth > self.max_depth:
                message = "expression nesting exceeds the max_nesting_depth limit"
                if self.on_limit is not None:
                    self.on_limit(node, message)
                raise EvalError(message)
            if isinstance(node, Token):
                raise EvalError(f"unexpected token {node!s}")
            handler = getattr(self, "_e_" + node.data, None)
            if handler is None:
                raise EvalError(f"unsupported expression {node.data}")
            return handler(node, scope)
        except BudgetExceeded as exc:
            if exc.node is None and _positioned(node):
                exc.node = node  # the innermost expression with a line: where it happened
            raise
        finally:
            self._depth -= 1

    # -- terms ---------------------------------------------------------------

    def _e_expr_term(self, node: Tree, scope: Scope) -> Value:
        inner = _meaningful(node.children)
        if not inner:
            raise EvalError("empty expression")
        return self.eval(inner[0], scope)

    def _e_int_lit(self, node: Tree, scope: Scope) -> Value:
        return number_literal(str(node.children[0]))

    def _e_float_lit(self, node: Tree, scope: Scope) -> Value:
        return number_literal(str(node.children[0]))

    def _e_literal_value(self, node: Tree, scope: Scope) -> Value:
        text = str(node.children[0])
        return {"true": True, "false": False, "null": None}[text]

    def _e_identifier(self, node: Tree, scope: Scope) -> Value:
        return self._looked_up(scope.lookup(str(node.children[0])))

    def _e_keyword(self, node: Tree, scope: Scope) -> Value:
        return self._looked_up(scope.lookup(str(node.children[0])))

    def _looked_up(self, value: Value) -> Value:
        """An iteration variable (``each``, ``count``, a ``for`` variable) is a value
        handed out again each time it is named: charged its whole size."""
        if isinstance(value, list | dict):
            self.budget.charge_value(value)
        return value

    def _e_string(self, node: Tree, scope: Scope) -> Value:
        return self.render(self._parts(node, lambda: parts_from_string_tree(node)), scope)

    def _e_template_string(self, node: Tree, scope: Scope) -> Value:
        text = str(node.children[0])
        return text[2:-2] if len(text) >= 4 else ""

    def _e_heredoc_template(self, node: Tree, scope: Scope) -> Value:
        body = heredoc_body(str(node.children[0]))
        return self.render(self._parts(node, lambda: parts_from_text(body)), scope)

    def _e_heredoc_template_trim(self, node: Tree, scope: Scope) -> Value:
        body = heredoc_body(str(node.children[0]))
        return self.render(self._parts(node, lambda: parts_from_text(body, flush=True)), scope)

    def _parts(self, node: Tree, build: Callable[[], list[Part]]) -> list[Part]:
        cached = self._templates.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        try:
            parts = build()
        except (TemplateSyntaxError, Exception) as exc:  # lark errors in interpolations
            raise EvalError(f"template cannot be parsed: {exc}") from None
        self._templates[id(node)] = (node, parts)
        return parts

    def _e_tuple(self, node: Tree, scope: Scope) -> Value:
        items = [self.eval(child, scope) for child in _meaningful(node.children)]
        self.budget.charge_elements(len(items))
        return items

    def _e_object(self, node: Tree, scope: Scope) -> Value:
        span = self.span_of(node) if self.span_of else None
        out = SpannedDict(span=span)
        for elem in _meaningful(node.children):
            key_node, value_node = _meaningful(elem.children)
            key = self.object_key(key_node, scope)
            if isinstance(key, UnknownValue):
                return key
            out[key] = self.eval(value_node, scope)
        self.budget.charge_elements(len(out))
        return out

    def object_key(self, key_node: Tree, scope: Scope) -> Value:
        """Object keys: a bare name is literal; anything else is evaluated."""
        inner = _meaningful(key_node.children)
        if key_node.data == "keyword" or not inner:
            return str(key_node.children[0]) if key_node.children else ""
        expr = inner[0]
        if expr.data == "keyword":
            return str(expr.children[0])
        if expr.data == "expr_term":
            sub = _meaningful(expr.children)
            if len(sub) == 1 and sub[0].data == "identifier" and len(expr.children) == 1:
                return str(sub[0].children[0])
        value = self.eval(expr, scope)
        if isinstance(value, UnknownValue):
            return value
        return to_string(value)

    # -- traversals ----------------------------------------------------------

    def _e_get_attr_expr_term(self, node: Tree, scope: Scope) -> Value:
        # ``a.b[0].c`` nests one tree level (two with its expr_term) per step: the steps are
        # collected and applied in a loop, so a chain of thousands of links costs its
        # length, not its length in nesting depth.
        ops: list[Tree] = []
        base: Tree = node
        while True:
            if base.data in ("get_attr_expr_term", "index_expr_term"):
                kids = _meaningful(base.children)
                if len(kids) != 2:
                    break
                base, op = kids
                ops.append(op)
            elif base.data == "expr_term" and len(base.children) == 1 and isinstance(
                base.children[0], Tree
            ) and base.children[0].data in ("get_attr_expr_term", "index_expr_term"):
                base = base.children[0]
            else:
                break
        if not ops:
            raise EvalError(f"malformed traversal {node.data}")
        value = self.eval(base, scope)
        for op in reversed(ops):
            self.budget.step()
            value = self._traverse(value, op, scope)
        return value

    _e_index_expr_term = _e_get_attr_expr_term

    def _traverse(self, value: Value, op: Tree, scope: Scope) -> Value:
        if op.data == "get_attr":
            name_node = _meaningful(op.children)[0]
            return get_attr(value, str(name_node.children[0]))
        if op.data == "short_index":
            return get_index(value, number_literal(str(op.children[-1])))
        if op.data == "braces_index":
            key = self.eval(_meaningful(op.children)[0], scope)
            return get_index(value, key)
        raise EvalError(f"unsupported traversal {op.data}")

    def _splat(self, node: Tree, scope: Scope) -> Value:
        base, splat = _meaningful(node.children)
        value = self.eval(base, scope)
        if isinstance(value, UnknownValue):
            return value
        if value is None:
            items: list[Value] = []
        elif isinstance(value, list):
            items = value
        elif isinstance(value, Lazy):
            # an unexpanded (unknown count) resource behaves like a one-element list
            items = [value]
        else:
            items = [value]
        ops = _meaningful(splat.children)
        out = []
        for item in items:
            for op in ops:
                item = self._traverse(item, op, scope)
            out.append(item)
        self.budget.charge_elements(len(out))
        return out

    _e_attr_splat_expr_term = _splat
    _e_full_splat_expr_term = _splat

    # -- operators -----------------------------------------------------------

    def _e_conditional(self, node: Tree, scope: Scope) -> Value:
        cond_node, yes, no = _meaningful(node.children)
        cond = self.eval(cond_node, scope)
        if isinstance(cond, UnknownValue):
            a, b = self.evaluate(yes, scope), self.evaluate(no, scope)
            if not isinstance(a, UnknownValue) and tf_equal(a, b):
                return a
            return without_target(cond)
        return self.eval(yes if to_bool(cond) else no, scope)

    def _e_unary_op(self, node: Tree, scope: Scope) -> Value:
        op = str(node.children[0]).strip()
        value = self.eval(_meaningful(node.children)[0], scope)
        if isinstance(value, UnknownValue):
            return without_target(value)
        if op == "!":
            return not to_bool(value)
        return checked_number(-to_number(value))

    def _e_binary_op(self, node: Tree, scope: Scope) -> Value:
        lhs_node, term = _meaningful(node.children)[:2]
        op_node, rhs_node = _meaningful(term.children)
        op = str(op_node.children[0]).strip()
        lhs = self.eval(lhs_node, scope)
        if op in ("&&", "||"):
            if not isinstance(lhs, UnknownValue):
                left = to_bool(lhs)
                if op == "&&" and not left:
                    return False
                if op == "||" and left:
                    return True
            rhs = self.eval(rhs_node, scope)
            if isinstance(rhs, UnknownValue):
                return without_target(rhs)
            right = to_bool(rhs)
            if isinstance(lhs, UnknownValue):
                if (op == "&&" and not right) or (op == "||" and right):
                    return right
                return without_target(lhs)
            return right
        rhs = self.eval(rhs_node, scope)
        for side in (lhs, rhs):
            if isinstance(side, UnknownValue):
                return without_target(side)
        if op == "==":
            return tf_equal(lhs, rhs)
        if op == "!=":
            return not tf_equal(lhs, rhs)
        a, b = to_number(lhs), to_number(rhs)
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op == "<=":
            return a <= b
        if op == ">=":
            return a >= b
        try:
            return checked_number(_arithmetic(op, a, b))
        except OverflowError:
            raise EvalError("result is out of the range trailscan evaluates") from None

    # -- for expressions -----------------------------------------------------

    def _for_parts(self, node: Tree) -> tuple[list[str], Tree, list[Tree], Tree | None, bool]:
        intro = next(c for c in node.children if isinstance(c, Tree) and c.data == "for_intro")
        intro_trees = _meaningful(intro.children)
        names = [str(t.children[0]) for t in intro_trees if t.data == "identifier"]
        collection = [t for t in intro_trees if t.data != "identifier"][0]
        cond_tree = next(
            (c for c in node.children if isinstance(c, Tree) and c.data == "for_cond"), None
        )
        cond = _meaningful(cond_tree.children)[0] if cond_tree is not None else None
        exprs = [
            c for c in _meaningful(node.children) if c.data not in ("for_intro", "for_cond")
        ]
        grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        return names, collection, exprs, cond, grouping

    def _for_items(
        self, node: Tree, scope: Scope
    ) -> tuple[list[tuple[ChildScope, list[Tree]]], bool] | UnknownValue:
        names, coll_node, exprs, cond, grouping = self._for_parts(node)
        collection = self.eval(coll_node, scope)
        if isinstance(collection, UnknownValue):
            return collection
        out = []
        for key, value in iterate(collection):
            bound = {names[0]: key, names[1]: value} if len(names) == 2 else {names[0]: value}
            child = ChildScope(scope, bound)
            if cond is not None:
                keep = self.eval(cond, child)
                if isinstance(keep, UnknownValue):
                    return keep
                if not to_bool(keep):
                    continue
            out.append((child, exprs))
        return out, grouping

    def _e_for_tuple_expr(self, node: Tree, scope: Scope) -> Value:
        items = self._for_items(node, scope)
        if isinstance(items, UnknownValue):
            return items
        out = [self.eval(exprs[0], child) for child, exprs in items[0]]
        self.budget.charge_elements(len(out))
        return out

    def _e_for_object_expr(self, node: Tree, scope: Scope) -> Value:
        items = self._for_items(node, scope)
        if isinstance(items, UnknownValue):
            return items
        entries, grouping = items
        out: dict[str, Value] = {}
        for child, exprs in entries:
            key = self.eval(exprs[0], child)
            if isinstance(key, UnknownValue):
                return key
            skey = to_string(key)
            value = self.eval(exprs[1], child)
            if grouping:
                out.setdefault(skey, []).append(value)
            elif skey in out:
                raise EvalError(f"duplicate key {skey!r} in for expression")
            else:
                out[skey] = value
        self.budget.charge_elements(len(out) + sum(len(v) for v in out.values()) if grouping
                                    else len(out))
        return out

    # -- functions -------------------------------------------------------------

    def _e_function_call(self, node: Tree, scope: Scope) -> Value:
        idents = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        name = "::".join(str(i.children[0]) for i in idents)
        args_tree = next(
            (c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None
        )
        arg_nodes = _meaningful(args_tree.children) if args_tree is not None else []
        expand = args_tree is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_tree.children
        )
        if name in ("try", "can"):
            return self._try(name, arg_nodes, scope)
        args = [self.eval(a, scope) for a in arg_nodes]
        if expand and args:
            last = args.pop()
            if isinstance(last, UnknownValue):
                return without_target(last)
            if not isinstance(last, list):
                raise EvalError("the ... argument must be a list")
            args.extend(last)
        try:
            return functions.call(name, args, self.budget)
        except functions.Refused as exc:
            # Terraform would evaluate it; trailscan will not (unbounded cost): say so at
            # the call, and the value is UNKNOWN (never a try() fallback).
            if self.on_limit is not None:
                self.on_limit(node, exc.message)
            return UnknownValue(exc.message)

    def _try(self, name: str, arg_nodes: list[Tree], scope: Scope) -> Value:
        for arg in arg_nodes:
            try:
                value = self.eval(arg, scope)
            except EvalError:
                if name == "can":
                    return False
                continue
            if isinstance(value, UnknownValue):
                return value
            return True if name == "can" else value
        if name == "can":
            return False
        raise EvalError("no argument of try() could be evaluated")

    # -- templates ---------------------------------------------------------------

    def render(self, parts: list[Part], scope: Scope) -> Value:
        """A template's value. A template of literal text around exactly one reference to
        a record (``"${aws_cloudwatch_log_group.g.arn}:*"``, an ARN built from a name and
        the partition, region or account) still names that record; one with literal text
        is certainly non-empty, even when it cannot be rendered."""
        if len(parts) == 1 and isinstance(parts[0], Interp):
            return self.eval(parts[0].expr, scope)
        if all(isinstance(p, Literal | Interp) for p in parts):
            return self._render_flat(parts, scope)
        out: list[str] = []
        unknown = self._render_into(parts, scope, out)
        if unknown is None:
            return "".join(out)  # every piece was charged as it was added
        literal = any(isinstance(p, Literal) and p.text for p in parts) or any(out)
        return UnknownValue(unknown.reason, nonempty=literal or unknown.nonempty)

    def _render_flat(self, parts: list[Part], scope: Scope) -> Value:
        out = Concatenation()
        for part in parts:
            if isinstance(part, Literal):
                out.literal(part.text)
                continue
            assert isinstance(part, Interp)
            try:
                value = self.eval(part.expr, scope)
                if not isinstance(value, UnknownValue):
                    value = with_target(to_string(value), target_of(value))
            except EvalError as exc:
                if out.unknown is None:
                    raise
                # after an unknown part the template is unknown anyway: say the first why
                value = UnknownValue(str(exc))
            out.value(value)
        self.budget.charge_strings(out.size)
        return out.result()

    def _render_into(self, parts: list[Part], scope: Scope, out: list[str]) -> Value:
        for part in parts:
            if isinstance(part, Literal):
                self.budget.charge_strings(len(part.text))
                out.append(part.text)
            elif isinstance(part, Interp):
                value = self.eval(part.expr, scope)
                if isinstance(value, UnknownValue):
                    return value
                text = to_string(value)
                self.budget.charge_strings(len(text))
                out.append(text)
            elif isinstance(part, IfPart):
                cond = self.eval(part.cond, scope)
                if isinstance(cond, UnknownValue):
                    return cond
                branch = part.then if to_bool(cond) else part.otherwise
                hit = self._render_into(branch, scope, out)
                if hit is not None:
                    return hit
            elif isinstance(part, ForPart):
                coll = self.eval(part.collection, scope)
                if isinstance(coll, UnknownValue):
                    return coll
                for key, value in iterate(coll):
                    bound = {part.value_name: value}
                    if part.key_name:
                        bound[part.key_name] = key
                    hit = self._render_into(part.body, ChildScope(scope, bound), out)
                    if hit is not None:
                        return hit
        return None
