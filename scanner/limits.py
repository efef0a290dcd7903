"""Resource limits that keep a scan bounded on hostile or accidental input.

Each limit is configurable (``[tool.trailscan.limits]``) and every hit is reported as a
CT901 finding that names the limit, so a user never wonders why a file was not checked.

The last four are one unit's *evaluation budget* (``Budget``): every front end charges
what it builds while resolving values (Terraform expressions, functions, ``count`` and
``for_each``, module calls; CloudFormation intrinsics, parameters, nested stacks), so no
input, however small, makes a unit cost more than the budget, whatever the construct
(doubling locals, nested ``for``, modules x count, nested ``Fn::Sub``...). A value
handed out again (a local, a variable, a parameter, a resource attribute referenced
twice) is charged its whole size each time: what is shared in memory is counted as what
it would be when copied, so that every later walk over values is bounded as well.
"""

from __future__ import annotations

from dataclasses import fields

from scanner.valueclass import ValueObject, value_class


@value_class(kw_only=True)
class Limits(ValueObject):
    """The bounds on what one scan may read, build and evaluate (``[limits]``)."""

    # Files larger than this are not parsed (CT901 "file too large").
    max_file_bytes: int = 10 * 1024 * 1024
    # YAML alias (``*anchor``) uses per document: a billion-laughs guard.
    max_yaml_aliases: int = 1000
    # Nesting depth of mappings/sequences/blocks/expressions (and of EventBridge patterns).
    max_nesting_depth: int = 200
    # Depth of nested local modules / nested stacks.
    max_module_depth: int = 16
    # Elements produced by one count / for_each (or dynamic block); more is a CT901 and
    # the resource is checked once, with ``count.index`` / ``each`` UNKNOWN.
    max_instances: int = 1000
    # -- the evaluation budget of one unit ------------------------------------------
    # Expressions evaluated and intrinsics resolved (and regex steps).
    max_values: int = 5_000_000
    # Resource, data-source and module instances, and nested-stack resources, of one
    # unit: the fan-out of modules x count and nested stacks.
    max_unit_instances: int = 20_000
    # Characters of the strings built (templates, functions, Fn::Sub, Fn::Join, YAML
    # alias expansion), and of every string value handed out again.
    max_string_bytes: int = 64 * 1024 * 1024
    # List and map elements built (for expressions, functions, tuples, resolved
    # containers), and those of every value handed out again.
    max_elements: int = 1_000_000

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


class BudgetExceeded(Exception):  # noqa: N818 - it is the budget's own signal, not a bug
    """A unit's evaluation budget ran out. ``limit`` names the ``Limits`` field; ``first``
    is true for the charge that crossed it (the one reported, at its line); ``node`` may be
    set by a front end to where the charge happened."""

    def __init__(self, limit: str, value: int, what: str, first: bool) -> None:
        self.limit = limit
        self.value = value
        self.first = first
        self.node: object = None
        self.message = (f"evaluation budget exceeded: {what} (limit {limit} = {value}; "
                        "raise it in [tool.trailscan.limits])")
        super().__init__(self.message)


_CONTAINERS = (list, tuple, dict)


class Budget:
    """The counters of one unit against its ``Limits``. Every ``charge_*`` adds and raises
    ``BudgetExceeded`` once the total is over the limit (and again on every later charge
    of that counter: what is left of the unit resolves to UNKNOWN). Instances are charged
    with ``try_instances``, which refuses a fan-out instead of raising.
    """

    __slots__ = ("_crossed", "_sizes", "elements", "instances", "limits", "max_values", "string_bytes",
                 "values")

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.max_values = self.limits.max_values
        self.values = 0
        self.instances = 0
        self.string_bytes = 0
        self.elements = 0
        self._crossed: set[str] = set()
        # id(container) -> (container, (elements, string bytes)): the size of each
        # container measured once, so charging a shared value again costs O(1).
        self._sizes: dict[int, tuple[object, tuple[int, int]]] = {}

    # -- counters -------------------------------------------------------------------

    def over(self, limit: str, what: str) -> BudgetExceeded:
        """The exception for ``limit``; ``first`` only for its first crossing."""
        first = limit not in self._crossed
        self._crossed.add(limit)
        return BudgetExceeded(limit, getattr(self.limits, limit), what, first)

    def exhausted(self) -> tuple[str, ...]:
        """The limits crossed so far (sorted)."""
        return tuple(sorted(self._crossed))

    def step(self, count: int = 1) -> None:
        """``count`` values evaluated (expression nodes, intrinsics, regex steps)."""
        self.values += count
        if self.values > self.max_values:
            raise self.over("max_values", f"more than {self.max_values} values evaluated")

    def charge_strings(self, count: int) -> None:
        """``count`` characters of strings built or handed out. Charged *before* a string
        that could be large is built (a ``format`` width, a join), so it never is."""
        self.string_bytes += count
        limit = self.limits.max_string_bytes
        if self.string_bytes > limit:
            raise self.over("max_string_bytes", f"strings built would reach {self.string_bytes} characters")

    def charge_elements(self, count: int) -> None:
        """``count`` list and map elements built or handed out."""
        self.elements += count
        limit = self.limits.max_elements
        if self.elements > limit:
            raise self.over("max_elements", f"lists and maps built would reach {self.elements} elements")

    def try_instances(self, count: int) -> bool:
        """Take ``count`` instances if they fit (True); else take none (False): the caller
        refuses the fan-out and reports it at its line."""
        if self.instances + count > self.limits.max_unit_instances:
            self._crossed.add("max_unit_instances")
            return False
        self.instances += count
        return True

    def add_instances(self, count: int) -> None:
        """Instances written in the source (a block, a template's resources): counted,
        never refused, so that only fan-out is ever cut."""
        self.instances += count

    def instances_message(self, what: str) -> str:
        limit = self.limits.max_unit_instances
        return (f"evaluation budget exceeded: {what} (limit max_unit_instances = {limit}; "
                "raise it in [tool.trailscan.limits])")

    # -- values handed out again -----------------------------------------------------------

    def size(self, value: object) -> tuple[int, int]:
        """(elements, string characters) of ``value`` counted as a tree: what walking or
        copying it costs. Containers are measured once (iteratively: any depth)."""
        if isinstance(value, str):
            return 0, len(value)
        if not isinstance(value, _CONTAINERS):
            return 0, 0
        sizes = self._sizes
        hit = sizes.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        # Post-order over the containers not measured yet.
        stack: list[tuple[object, bool]] = [(value, False)]
        while stack:
            node, expanded = stack.pop()
            known = sizes.get(id(node))
            if known is not None and known[0] is node:
                continue
            items = node.values() if isinstance(node, dict) else node  # type: ignore[union-attr]
            if not expanded:
                stack.append((node, True))
                for item in items:  # type: ignore[union-attr]
                    if isinstance(item, _CONTAINERS):
                        stack.append((item, False))
                continue
            elements = len(items)  # type: ignore[arg-type]
            chars = sum(len(k) for k in node if isinstance(k, str)) if isinstance(node, dict) else 0
            for item in items:  # type: ignore[union-attr]
                if isinstance(item, str):
                    chars += len(item)
                elif isinstance(item, _CONTAINERS):
                    inner = sizes[id(item)][1]
                    elements += inner[0]
                    chars += inner[1]
            sizes[id(node)] = (node, (elements, chars))
        return sizes[id(value)][1]

    def charge_value(self, value: object) -> None:
        """Charge a value handed out again (a memoised local, a parameter): its whole size."""
        if isinstance(value, str):
            self.charge_strings(len(value))
        elif isinstance(value, _CONTAINERS):
            elements, chars = self.size(value)
            self.charge_elements(elements)
            self.charge_strings(chars)
