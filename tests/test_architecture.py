"""The import graph says the pipeline: every arrow points down, and there is no cycle.

    cli → integrations, policy_tests → scan → discovery → parsers → model
    cli → fixing → scan; fixing → fixing.editors → parsers (the editors read files as the
    scan read them), fixing.editors → policy (the edit vocabulary)
    scan → engine → policies → analysis → model
    scan → reporters → results

Inside ``parsers``: the package entry point (``scanner.parsers``, whose ``load_units`` is
the one door, and its batch loader) → the plan front end → the Terraform and
CloudFormation front ends → ``scanner.parsers.common``, ``scanner.parsers.attachments``
and ``scanner.parsers.reads``.

The table below is the one place where the allowed directions are written. Imports are
read with ``ast`` from every module of ``scanner`` and ``policies``, function-local and
``TYPE_CHECKING`` imports included: an import is a dependency wherever it is written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Component → module prefixes. The longest matching prefix names a module's component.
# A prefix in ``_EXACT`` names only the package's own ``__init__``, not its submodules:
# ``scanner`` (which holds only the version) and ``scanner.parsers`` (the one door to
# both front ends, which no front end and not ``parsers.common`` may use).
COMPONENTS: dict[str, tuple[str, ...]] = {
    "cli": ("scanner.cli", "scanner.__main__"),
    # ``trailscan fix``: the driver runs scans; the editors read files through the parsers.
    "fixing": ("scanner.fixing",),
    "fixing.editors": ("scanner.fixing.editors",),
    "integrations": ("scanner.integrations",),
    "policy_tests": ("scanner.policy_tests",),
    "regressions": ("scanner.regressions",),
    "scan": ("scanner.scan",),
    "suppressions": ("scanner.suppressions",),
    "baseline": ("scanner.baseline",),
    "docs": ("scanner.docs",),
    "reporters": ("scanner.reporters",),
    "engine": ("scanner.engine",),
    "policies": ("policies",),
    "analysis": ("scanner.analysis",),
    "results": ("scanner.results",),
    "options": ("scanner.options",),
    "policy": ("scanner.policy",),
    "discovery": ("scanner.discovery",),
    "config": ("scanner.config", "scanner.external_trails"),
    "parsers.entry": ("scanner.parsers", "scanner.parsers.batch"),
    "parsers.terraform": ("scanner.parsers.terraform",),
    "parsers.cloudformation": ("scanner.parsers.cloudformation",),
    "parsers.plan": ("scanner.parsers.plan",),
    # What both front ends share: values, paths, policy documents, attachments.
    "parsers": ("scanner.parsers.common", "scanner.parsers.attachments", "scanner.parsers.reads",
                "scanner.parsers.paths"),
    "model": ("scanner.model",),
    "leaves": ("scanner.tri", "scanner.arns", "scanner.limits", "scanner.valueclass", "scanner.lifetime",
               "scanner.digest", "scanner.cachedir",
               "scanner"),
}
_EXACT = {"scanner", "scanner.parsers"}

_LEAVES = {"leaves"}
_MODEL = {"model", *_LEAVES}
_PARSERS = {"parsers", *_MODEL}

# Component → the components it may import (besides itself). Nothing else.
ALLOWED: dict[str, set[str]] = {
    "cli": {"integrations", "policy_tests", "regressions", "scan", "baseline", "docs", "reporters",
            "results", "engine", "policy", "options", "config", "fixing", *_MODEL},
    # Fix driver: a scan, the policies' fixes (through their specs), the editors, a re-check.
    "fixing": {"fixing.editors", "scan", "engine", "policy", "results", "options", "config",
               *_MODEL},
    # Editors: the edit vocabulary in, text out; they read structure through the parsers.
    "fixing.editors": {"policy", "parsers.terraform", "parsers.cloudformation", *_PARSERS},
    # cfn-lint rules: run the scan the way the command line does and translate the result.
    "integrations": {"scan", "engine", "policy", "options", "config", *_MODEL},
    # The sample harness (``trailscan test-policies`` and tests/sample_harness.py).
    "policy_tests": {"scan", "policy", "results", "options", "config", *_MODEL},
    "regressions": {"options", "results", *_MODEL},
    "scan": {"suppressions", "baseline", "engine", "results", "options", "discovery", "config",
             "parsers.entry", "parsers.cloudformation", *_PARSERS},
    "suppressions": {"engine", "results", "policy", "config", *_MODEL},
    "baseline": {"results", "config", *_MODEL},
    "docs": {"engine", "policy", *_MODEL},
    "reporters": {"results", "policy", "config", *_MODEL},
    "engine": {"results", "policy", *_MODEL},
    "policies": {"analysis", "policy", *_MODEL},
    "analysis": {"policy", *_MODEL},
    "results": {"policy", "config", *_MODEL},
    "options": {"config", *_MODEL},
    "policy": {*_MODEL},
    # Module calls and nested stacks are read from the front ends' own structure.
    "discovery": {"config", "parsers.terraform", "parsers.cloudformation", *_PARSERS},
    "config": {*_MODEL},
    "parsers.entry": {"parsers.terraform", "parsers.cloudformation", "parsers.plan", *_PARSERS},
    # A plan is read through the Terraform front end's loader, evaluator and record mappers.
    "parsers.plan": {"parsers.terraform", *_PARSERS},
    "parsers.terraform": {*_PARSERS},
    "parsers.cloudformation": {*_PARSERS},
    "parsers": {*_MODEL},
    "model": {*_LEAVES},
    "leaves": set(),
}


def component(module: str) -> str | None:
    best: tuple[int, str] | None = None
    for name, prefixes in COMPONENTS.items():
        for prefix in prefixes:
            if module == prefix or (prefix not in _EXACT and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), name)
    return best[1] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    files = [*ROOT.glob("scanner/**/*.py"), *ROOT.glob("policies/*.py")]
    return {module_name(p): p for p in sorted(files)}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules ``path`` imports; ``from pkg import sub`` counts as ``pkg.sub``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if sub in known:
                    out.add(sub)
                elif node.module in known:
                    out.add(node.module)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imports_of(path, known) - {name} for name, path in modules.items()}


def wrong_way(edges: Iterable[tuple[str, str]]) -> list[str]:
    problems = []
    for src, dst in edges:
        a, b = component(src), component(dst)
        if a is None or b is None or a == b:
            continue
        if b not in ALLOWED[a]:
            problems.append(f"{src} ({a}) imports {dst} ({b})")
    return sorted(problems)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                scc = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    scc.append(member)
                    if member == node:
                        break
                if len(scc) > 1:
                    found.append(sorted(scc))
    return sorted(found)


def test_every_module_has_a_component() -> None:
    missing = [m for m in project_modules() if component(m) is None]
    assert not missing, f"modules outside the architecture table: {missing}"


def test_every_arrow_points_down() -> None:
    graph = import_graph()
    edges = [(src, dst) for src, dsts in graph.items() for dst in dsts]
    problems = wrong_way(edges)
    assert not problems, "wrong-way imports:\n" + "\n".join(problems)


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in found)


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        ("scanner.parsers.cloudformation.loader", "scanner.analysis.delivery"),
        ("scanner.parsers.terraform.loader", "scanner.engine"),
        ("scanner.parsers.terraform.loader", "scanner.parsers.cloudformation.decode"),
        ("scanner.reporters.json_report", "scanner.scan"),
        ("scanner.reporters.text_report", "scanner.cli"),
        ("scanner.regressions", "scanner.scan"),
        ("scanner.regressions", "scanner.reporters.json_report"),
        ("scanner.analysis.delivery", "scanner.engine"),
        ("policies.ct001_multi_region_trail", "scanner.parsers.terraform"),
        ("scanner.model", "scanner.analysis.trails"),
        ("scanner.tri", "scanner.model"),
        ("scanner.results", "scanner.scan"),
        ("scanner.parsers.common", "scanner.parsers.terraform"),
        ("scanner.parsers.common", "scanner.parsers.cloudformation.loader"),
        ("scanner.parsers.common", "scanner.parsers"),
        ("scanner.parsers.cloudformation.loader", "scanner.parsers"),
        ("scanner.parsers.terraform.loader", "scanner.parsers"),
        ("scanner.parsers.cloudformation.records.bucket", "scanner.parsers.terraform.records.bucket"),
        ("scanner.scan", "scanner.parsers.terraform"),
        ("scanner.discovery", "scanner.parsers"),
        ("scanner.parsers.plan", "scanner.parsers.cloudformation.decode"),
        ("scanner.parsers.terraform.records", "scanner.parsers.plan.view"),
        ("scanner.parsers.plan.instance", "scanner.parsers"),
        ("scanner.discovery", "scanner.parsers.plan"),
        ("scanner.scan", "scanner.integrations.cfnlint_bridge"),
        ("scanner.engine", "scanner.policy_tests"),
        ("scanner.integrations.cfnlint_bridge", "scanner.cli"),
        ("scanner.fixing.editors.terraform", "scanner.scan"),
        ("scanner.fixing.editors.cloudformation", "scanner.fixing.run"),
        ("scanner.fixing.run", "scanner.cli"),
        ("policies.ct008_log_file_validation", "scanner.fixing.editors.terraform"),
        ("scanner.scan", "scanner.fixing.run"),
    ],
)
def test_the_table_refuses_upward_arrows(src: str, dst: str) -> None:
    assert wrong_way([(src, dst)])


def test_the_one_door_may_open_both_front_ends() -> None:
    assert component("scanner.parsers") == "parsers.entry"
    assert component("scanner.parsers.common") == "parsers"
    assert component("scanner.parsers.cloudformation.records.trail") == "parsers.cloudformation"
    assert not wrong_way(
        [
            ("scanner.scan", "scanner.parsers"),
            ("scanner.parsers", "scanner.parsers.terraform"),
            ("scanner.parsers", "scanner.parsers.cloudformation"),
            ("scanner.parsers", "scanner.parsers.common"),
            ("scanner.parsers.terraform.loader", "scanner.parsers.common"),
        ]
    )


def test_a_cycle_is_found() -> None:
    graph = {
        "scanner.parsers.terraform.expressions": {"scanner.parsers.terraform.functions"},
        "scanner.parsers.terraform.functions": {"scanner.parsers.terraform.expressions"},
        "scanner.cli": {"scanner.scan"},
    }
    assert cycles(graph) == [
        ["scanner.parsers.terraform.expressions", "scanner.parsers.terraform.functions"]
    ]


def test_imports_inside_functions_count(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from scanner.scan import run_scan\n    return run_scan\n")
    assert imports_of(source, {"scanner.scan"}) == {"scanner.scan"}
