"""Which units to load when directories call modules and templates nest stacks.

Both formats give the same graph: a node (a module directory, a template) calls other
nodes, and a loaded node loads everything it calls. A candidate called by nothing that
is loaded is a unit of its own; one that is only called from inside a cycle (or from a
node that is itself never loaded) still has to be loaded once, or it would be skipped
silently, so each such knot gets one entry point and its loader reports the cycle.
Everything here is linear in nodes and edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Edges = Mapping[str, Iterable[str]]


def _reach(edges: Edges, starts: Iterable[str], seen: set[str]) -> None:
    stack = [s for s in starts if s not in seen]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(t for t in edges.get(node, ()) if t not in seen)


def _components(nodes: list[str], edges: Edges, inside: set[str]) -> dict[str, int]:
    """Strongly connected components of the subgraph on ``inside`` (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = []
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        work.append((start, sorted(t for t in edges.get(start, ()) if t in inside)))
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(t for t in edges.get(nxt, ()) if t in inside)))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
    return component


def entry_points(edges: Edges, candidates: Iterable[str]) -> list[str]:
    """The candidates to load as units so that every candidate is loaded, and loaded
    by exactly one unit wherever the call graph allows it (sorted)."""
    wanted = sorted(set(candidates))
    called = {t for node, targets in edges.items() for t in targets if t != node}
    roots = [c for c in wanted if c not in called]
    loaded: set[str] = set()
    _reach(edges, roots, loaded)
    rest = [c for c in wanted if c not in loaded]
    nodes = set(edges) | {t for targets in edges.values() for t in targets} | set(wanted)
    extra: set[str] = set()
    while rest:
        # Knots: the nodes not loaded yet. Load one candidate of each component that no
        # other unloaded component calls; everything else unloaded is reached from those.
        unloaded = nodes - loaded
        ordered = sorted(unloaded)
        component = _components(ordered, edges, unloaded)
        fed = {
            component[t]
            for n in ordered
            for t in edges.get(n, ())
            if t in unloaded and component[t] != component[n]
        }
        picked: dict[int, str] = {}
        for c in rest:  # sorted: the representative of a knot is its first candidate
            comp = component[c]
            if comp not in fed and comp not in picked:
                picked[comp] = c
        starts = sorted(picked.values()) or rest[:1]
        extra.update(starts)
        _reach(edges, starts, loaded)
        rest = [c for c in rest if c not in loaded]
    return sorted({*roots, *extra})


def ancestors(edges: Edges, targets: Iterable[str]) -> set[str]:
    """Every node from which one of ``targets`` is reachable (the targets included)."""
    reverse: dict[str, list[str]] = {}
    for node, called in edges.items():
        for t in called:
            reverse.setdefault(t, []).append(node)
    seen: set[str] = set()
    _reach(reverse, targets, seen)
    return seen
