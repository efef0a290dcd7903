"""Terraform built-in functions that can be computed without touching the outside world.

Anything that reads files, the clock or randomness, and any function not listed here,
yields an ``UnknownValue`` naming the function, never a guess.

Every result is charged to the unit's evaluation budget (``scanner.limits.Budget``);
functions whose result could be much larger than their arguments (``format`` widths,
``join``, ``replace``, ``range``, ``split``, ``jsonencode``) charge what they would build
before building it. Regular expressions (``regex``, ``regexall``, ``replace``) are RE2,
matched in linear time (``re2``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scanner.limits import Budget
from scanner.parsers.common import Concatenation, is_nonempty, symbolic
from scanner.parsers.terraform.values import (
    EvalError,
    JsonText,
    Lazy,
    UnknownValue,
    first_unknown,
    json_encode,
    target_of,
    tf_equal,
    to_bool,
    to_number,
    to_string,
    with_target,
    without_target,
)

if TYPE_CHECKING:
    from scanner.parsers.terraform import re2

# The RE2 engine (``re2``) is imported by the functions that take a regular expression:
# most configurations never call one, and every run would pay for its import.

Value = Any


class Refused(Exception):  # noqa: N818 - a verdict, not a bug
    """A call trailscan will not evaluate although Terraform would (a regex too complex to
    match in bounded time): the evaluator reports it (CT901) and the value is UNKNOWN."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _num(value: Value) -> int | float:
    return to_number(value)


def _str(value: Value) -> str:
    return to_string(value)


def _list(value: Value, fname: str) -> list[Value]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    raise EvalError(f"{fname}() expects a list, got {type(value).__name__}")


def _format(budget: Budget, fmt: Value, *args: Value) -> Value:
    """``format`` verbs %s %d %f %v %q %t and %%; width/precision best effort. A width or
    precision is charged before it is padded to (``%999999999s`` is refused, not built)."""
    text = _str(fmt)
    out: list[str] = []
    pos = 0
    arg_i = 0
    for match in re.finditer(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])", text):
        out.append(text[pos : match.start()])
        pos = match.end()
        verb = match.group(4)
        if verb == "%":
            out.append("%")
            continue
        if arg_i >= len(args):
            raise EvalError("format(): not enough arguments")
        arg = args[arg_i]
        arg_i += 1
        budget.charge_strings(int(match.group(2) or 0) + int(match.group(3) or 0))
        if verb in ("s", "v"):
            rendered = _str(arg) if not isinstance(arg, list | dict) else json.dumps(arg)
        elif verb == "d":
            rendered = str(int(_num(arg)))
        elif verb == "f":
            prec = int(match.group(3)) if match.group(3) else 6
            rendered = f"{float(_num(arg)):.{prec}f}"
        elif verb == "q":
            rendered = json.dumps(_str(arg))
        elif verb == "t":
            rendered = "true" if arg is True else "false"
        else:
            raise EvalError(f"format(): unsupported verb %{verb}")
        width = match.group(2)
        if width:
            flags = match.group(1)
            if "-" in flags:
                rendered = rendered.ljust(int(width))
            elif "0" in flags and verb in ("d", "f"):
                sign = "-" if rendered.startswith("-") else ""
                rendered = sign + rendered.lstrip("-").rjust(int(width) - len(sign), "0")
            else:
                rendered = rendered.rjust(int(width))
        out.append(rendered)
    out.append(text[pos:])
    return "".join(out)


def _join(budget: Budget, sep: Value, *lists: Value) -> Value:
    items = [item for lst in lists for item in _list(lst, "join")]
    for item in items:
        if isinstance(item, UnknownValue):
            nonempty = (bool(_str(sep)) and len(items) > 1) or any(is_nonempty(i) for i in items)
            shapes = [symbolic(i) for i in items]
            shape = _str(sep).join(s for s in shapes if s is not None) if None not in shapes else ""
            return UnknownValue(item.reason, nonempty=nonempty, shape=shape)
    separator = _str(sep)
    texts = [_str(i) for i in items]
    budget.charge_strings(sum(map(len, texts)) + len(separator) * max(len(texts) - 1, 0))
    return separator.join(texts)


def _concat(*lists: Value) -> Value:
    return [item for lst in lists for item in _list(lst, "concat")]


def _merge(*maps: Value) -> Value:
    out: dict[str, Value] = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise EvalError("merge() expects maps or objects")
        out.update(m)
    return out


def _lookup(mapping: Value, key: Value, *default: Value) -> Value:
    if not isinstance(mapping, dict):
        raise EvalError("lookup() expects a map")
    skey = _str(key)
    if skey in mapping:
        return mapping[skey]
    if default:
        return default[0]
    raise EvalError(f"lookup(): key {skey!r} not found and no default")


def _coalesce(*args: Value) -> Value:
    for arg in args:
        if isinstance(arg, UnknownValue):
            return arg
        if arg is not None and arg != "":
            return arg
    raise EvalError("coalesce(): no non-null, non-empty argument")


def _jsondecode(text: Value) -> Value:
    if isinstance(text, JsonText):
        return text.data
    try:
        return json.loads(_str(text))
    except ValueError as exc:
        raise EvalError(f"jsondecode(): invalid JSON: {exc}") from None


def _tostring(value: Value) -> Value:
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise EvalError("tostring(): cannot convert a collection")
    return _str(value)


def _tobool(value: Value) -> Value:
    return None if value is None else to_bool(value)


def _distinct(lst: Value) -> Value:
    """First occurrences, in order; equality as Terraform's (``tf_equal``), one hash look-up
    per element (a list compared with every kept element was quadratic)."""
    out: list[Value] = []
    seen: set[Any] = set()
    for item in _list(lst, "distinct"):
        key = equality_key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def equality_key(value: Value) -> Any:
    """A hashable stand-in for ``value``: two values have equal keys exactly when
    ``tf_equal`` says they are equal (booleans are not numbers; ``1`` equals ``1.0``;
    unknown and lazy values equal only themselves or an equal unknown)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", str(value))
    if value is None:
        return ("null",)
    if isinstance(value, list | tuple):
        return ("list", tuple(equality_key(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((str(k), equality_key(v)) for k, v in value.items())))
    return ("other", value)


def _toset(lst: Value) -> Value:
    items = _distinct(lst)
    if all(isinstance(i, str) for i in items):
        return sorted(items)
    return items


def _tomap(value: Value) -> Value:
    if not isinstance(value, dict):
        raise EvalError("tomap() expects an object or map")
    return dict(value)


def _length(value: Value) -> Value:
    if isinstance(value, str | list | dict):
        return len(value)
    raise EvalError(f"length() of a {type(value).__name__}")


def _element(lst: Value, index: Value) -> Value:
    items = _list(lst, "element")
    if not items:
        raise EvalError("element() of an empty list")
    return items[int(_num(index)) % len(items)]


def _program(fname: str, pattern: str) -> re2.Program:
    from scanner.parsers.terraform import re2

    try:
        return re2.compile_pattern(pattern)
    except re2.RegexSyntaxError as exc:
        raise EvalError(f"{fname}(): invalid regular expression: {exc}") from None
    except re2.PatternTooComplex as exc:
        shown = pattern if len(pattern) <= 60 else pattern[:57] + "..."
        raise Refused(f"pattern too complex: {fname}() regular expression {shown!r} needs {exc} "
                      "to match in bounded time") from None


def _replace(budget: Budget, text: Value, search: Value, repl: Value) -> Value:
    s, pattern, r = _str(text), _str(search), _str(repl)
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        from scanner.parsers.terraform import re2

        return re2.replace_all(_program("replace", pattern[1:-1]), s, r, budget)
    occurrences = s.count(pattern)
    budget.charge_strings(len(s) + occurrences * (len(r) - len(pattern)))
    return s.replace(pattern, r)


def _regex_result(program: re2.Program, text: str, match: tuple[int, ...]) -> Value:
    """What ``regex`` gives for one match: the matched text without groups, a list of the
    groups, or a map of the named groups (a group that took no part is null)."""
    if program.groups == 0:
        return text[match[0]:match[1]]

    def group(index: int) -> Value:
        start, end = match[2 * index], match[2 * index + 1]
        return text[start:end] if start >= 0 and end >= 0 else None

    named = [name for name in program.names[1:] if name]
    if not named:
        return [group(i) for i in range(1, program.groups + 1)]
    if len(named) != program.groups:
        raise EvalError("regex(): a pattern cannot have both named and unnamed capture groups")
    return {name: group(i) for i, name in enumerate(program.names) if name}


def _regex(budget: Budget, pattern: Value, text: Value) -> Value:
    from scanner.parsers.terraform import re2

    program, s = _program("regex", _str(pattern)), _str(text)
    match = re2.search(program, s, 0, budget)
    if match is None:
        raise EvalError("regex(): pattern did not match any part of the given string")
    return _regex_result(program, s, match)


def _regexall(budget: Budget, pattern: Value, text: Value) -> Value:
    from scanner.parsers.terraform import re2

    program, s = _program("regexall", _str(pattern)), _str(text)
    return [_regex_result(program, s, m) for m in re2.find_all(program, s, budget)]


def _split(budget: Budget, sep: Value, text: Value) -> Value:
    s = _str(text)
    if s == "":
        return [""]
    separator = _str(sep)
    if separator:
        budget.charge_elements(s.count(separator) + 1)
    return s.split(separator)


def _contains(lst: Value, value: Value) -> Value:
    items = _list(lst, "contains")
    if any(isinstance(i, UnknownValue) for i in items):
        return UnknownValue("contains() over a list with unknown elements")
    return any(tf_equal(i, value) for i in items)


def _keys(mapping: Value) -> Value:
    if not isinstance(mapping, dict):
        raise EvalError("keys() expects a map")
    return sorted(mapping)


def _values(mapping: Value) -> Value:
    if not isinstance(mapping, dict):
        raise EvalError("values() expects a map")
    return [mapping[k] for k in sorted(mapping)]


def _flatten(lst: Value) -> Value:
    out: list[Value] = []
    for item in _list(lst, "flatten"):
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _compact(lst: Value) -> Value:
    return [i for i in _list(lst, "compact") if i is not None and i != ""]


def _substr(text: Value, offset: Value, length: Value) -> Value:
    s, off, n = _str(text), int(_num(offset)), int(_num(length))
    if off < 0:
        off += len(s)
    return s[off:] if n < 0 else s[off : off + n]


def _one(lst: Value) -> Value:
    items = _list(lst, "one")
    if len(items) > 1:
        raise EvalError("one() of a list with more than one element")
    return items[0] if items else None


def _zipmap(keys: Value, values: Value) -> Value:
    ks, vs = _list(keys, "zipmap"), _list(values, "zipmap")
    return {_str(k): v for k, v in zip(ks, vs, strict=False)}


def _range(budget: Budget, *args: Value) -> Value:
    nums = [int(_num(a)) for a in args]
    numbers = range(nums[0]) if len(nums) == 1 else range(*nums)
    budget.charge_elements(len(numbers))  # before the list exists: range(1e18) is refused
    return list(numbers)


def _jsonencode(budget: Budget, value: Value) -> Value:
    elements, chars = budget.size(value)
    estimate = chars + 8 * elements
    budget.charge_strings(estimate)
    text = json_encode(value)
    budget.charge_strings(max(len(text) - estimate, 0))
    return text


# Functions that charge the budget themselves (they take it first).
_BUDGETED: dict[str, Callable[..., Value]] = {
    "format": _format,
    "join": _join,
    "replace": _replace,
    "regex": _regex,
    "regexall": _regexall,
    "split": _split,
    "range": _range,
    "jsonencode": _jsonencode,
}

_FUNCTIONS: dict[str, Callable[..., Value]] = {
    **_BUDGETED,
    "concat": _concat,
    "merge": _merge,
    "lookup": _lookup,
    "coalesce": _coalesce,
    "coalescelist": lambda *ls: next((item for item in ls if item), []),
    "jsondecode": _jsondecode,
    "tostring": _tostring,
    "tonumber": lambda v: None if v is None else _num(v),
    "tobool": _tobool,
    "tolist": lambda v: list(_list(v, "tolist")),
    "toset": _toset,
    "tomap": _tomap,
    "length": _length,
    "element": _element,
    "lower": lambda s: _str(s).lower(),
    "upper": lambda s: _str(s).upper(),
    "title": lambda s: _str(s).title(),
    "trimspace": lambda s: _str(s).strip(),
    "trim": lambda s, cs: _str(s).strip(_str(cs)),
    "trimprefix": lambda s, p: _str(s).removeprefix(_str(p)),
    "trimsuffix": lambda s, p: _str(s).removesuffix(_str(p)),
    "startswith": lambda s, p: _str(s).startswith(_str(p)),
    "endswith": lambda s, p: _str(s).endswith(_str(p)),
    "substr": _substr,
    "contains": _contains,
    "keys": _keys,
    "values": _values,
    "flatten": _flatten,
    "distinct": _distinct,
    "compact": _compact,
    "one": _one,
    "zipmap": _zipmap,
    "min": lambda *a: min(_num(x) for x in a),
    "max": lambda *a: max(_num(x) for x in a),
    "abs": lambda a: abs(_num(a)),
    "tolower": lambda s: _str(s).lower(),
}

# Functions that look at partially unknown collections themselves.
_SEES_UNKNOWN = {"join", "concat", "merge", "coalesce", "contains", "jsonencode", "length",
                 "flatten", "compact", "tolist", "element", "lookup", "keys", "values",
                 "one", "distinct", "toset", "tomap", "coalescelist", "zipmap"}


# Functions whose result is their (first non-empty) argument itself: a value that names a
# record by reference still names it afterwards. Every other function makes a new value.
_SAME_VALUE = frozenset({"tostring", "coalesce"})
_VERB_RE = re.compile(r"%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]")


def _format_call(args: list[Value], budget: Budget) -> Value:
    """``format``: a literal format around one reference (and partition, region or account
    parts) names the record, like the equivalent template string."""
    fmt = args[0] if args else None
    if not isinstance(fmt, str) or any(v not in ("%s", "%v", "%%") for v in _VERB_RE.findall(fmt)):
        return _call("format", _FUNCTIONS["format"], args, budget)
    out = Concatenation()
    rest = iter(args[1:])
    position = 0
    for match in _VERB_RE.finditer(fmt):
        out.literal(fmt[position : match.start()])
        position = match.end()
        if match.group(0) == "%%":
            out.literal("%")
            continue
        arg = next(rest, None)
        if arg is None or isinstance(arg, Lazy | list | dict | bool):
            return _call("format", _FUNCTIONS["format"], args, budget)
        out.value(arg if isinstance(arg, UnknownValue) else with_target(_str(arg), target_of(arg)))
    out.literal(fmt[position:])
    budget.charge_strings(out.size)
    return out.result()


def call(name: str, args: list[Value], budget: Budget | None = None) -> Value:
    """Call a built-in; unknown functions and unknown arguments give UnknownValue. The
    result is charged to ``budget`` (``Refused``, ``BudgetExceeded`` propagate)."""
    budget = budget if budget is not None else Budget()
    func = _FUNCTIONS.get(name)
    if func is None:
        return UnknownValue(f"function {name}() is not evaluated statically")
    result = _format_call(args, budget) if name == "format" else _call(name, func, args, budget)
    budget.charge_value(result)
    return result


def _call(name: str, func: Callable[..., Value], args: list[Value], budget: Budget) -> Value:
    for arg in args:
        if isinstance(arg, UnknownValue) and name != "coalesce":  # coalesce goes in order
            return arg if name in _SAME_VALUE else without_target(arg)
        if isinstance(arg, Lazy):
            return UnknownValue(f"{arg.describe()} passed to {name}()")
    if name not in _SEES_UNKNOWN:
        for arg in args:
            hit = first_unknown(arg)
            if hit is not None:
                return without_target(hit)
    if name == "length":
        hit = first_unknown(args[0]) if args and isinstance(args[0], str) else None
        if hit is not None:
            return without_target(hit)
    try:
        return func(budget, *args) if name in _BUDGETED else func(*args)
    except EvalError:
        raise
    except (TypeError, ValueError, IndexError, KeyError, OverflowError) as exc:
        raise EvalError(f"{name}(): {exc}") from None
