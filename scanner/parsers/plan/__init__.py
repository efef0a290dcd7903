"""Terraform plan front end: ``terraform show -json`` output (a plan or a state) → ``Model``.

A plan knows what the ``.tf`` files alone cannot: variable values as the run had them,
``count``/``for_each`` expanded, data sources read, remote modules included. It is read as
the Terraform front end reads a root module, by the same record mappers
(``scanner.parsers.terraform.records``), through a view over the planned values
(``view.PlanView``):

* values from ``resource_changes`` (``after``) or the state's ``values``; what the plan
  knows only after apply (``after_unknown``) is UNKNOWN with the attribute named, unless the
  ``.tf`` files are in the scan and say how it is built (``modules``); values the plan marks
  sensitive are never read (UNKNOWN, reason "sensitive");
* references, ``depends_on`` and module calls from ``configuration``; module addresses are
  kept (``module.a["k"].aws_x.y[0]``); ``Attr.target`` names the resource a value is made
  of, followed through module inputs and outputs;
* source positions from the ``.tf`` files when the plan sits in the root module's directory
  (``plan.json`` next to ``main.tf``, which is also how a plan replaces the root it was made
  from in a scan), else the resource's entry in the plan file. A plan file may hold
  secrets in clear text: the unit lists it in ``Unit.sealed_files`` so no report quotes it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scanner.limits import Limits
from scanner.model import Model, ParseProblem, Span, Unit
from scanner.parsers.common import is_within, read_text, relpath
from scanner.parsers.plan.document import NotAPlan, read_document
from scanner.parsers.plan.instance import PlanInstance
from scanner.parsers.plan.jsonpos import JsonError, Lines, decode
from scanner.parsers.plan.modules import Plan
from scanner.parsers.plan.sources import Sources, has_terraform_files
from scanner.parsers.plan.symbols import symbols_of
from scanner.parsers.terraform.loader import Loader
from scanner.parsers.terraform.records import build_model

__all__ = ["load_plan", "root_of_plan"]

FORMAT = "terraform-plan"


def root_of_plan(path: Path, root: Path) -> Path | None:
    """The root module a plan file was made from, when its files are in the scan: the
    directory the plan sits in, if it holds ``.tf`` files."""
    directory = path.resolve().parent
    if is_within(directory, root) and has_terraform_files(directory):
        return directory
    return None


def load_plan(path: Path, root: Path, *, limits: Limits | None = None) -> Model:
    """Load one plan or state JSON file; never raises on bad input."""
    limits = limits or Limits()
    rel = relpath(path, root)
    text, why = read_text(path, limits.max_file_bytes)
    if text is None:
        return _failed(rel, Span(path=rel), why)
    try:
        data = decode(text)
    except JsonError as exc:
        return _failed(rel, Span(path=rel, line=exc.line, column=exc.column),
                       f"not valid JSON: {exc.message}")
    try:
        document = read_document(data)
    except NotAPlan as exc:
        return _failed(rel, Span(path=rel), f"not a Terraform plan or state: {exc}")
    root_dir = root_of_plan(path, root)
    loader = Loader(root, root_dir or path.resolve().parent, limits)
    plan = Plan(document, symbols_of(document), Sources(loader, root_dir, document), loader,
                rel, Lines(text))
    model = Model()
    try:
        instances = [
            PlanInstance(plan, plan.module(_prefix(r.module)), r) for r in document.resources
        ]
        plan.index(instances)
        unit = Unit(id=rel, format=FORMAT, files=(rel,), sealed_files=(rel,))
        model = build_model(unit, [i for i in instances if i.mode == "resource"])
    except RecursionError:
        loader.problem(Span(path=rel), "plan is nested too deeply to evaluate")
    except Exception as exc:  # noqa: BLE001 - a front-end bug must not end the scan
        loader.problem(Span(path=rel), f"internal error while reading the plan: "
                                       f"{type(exc).__name__}: {exc}")
    # The .tf files read for positions belong to the unit: findings point into them.
    files = (rel, *sorted(set(loader.files_read) - {rel}))
    unit = Unit(id=rel, format=FORMAT, files=files, sealed_files=(rel,))
    return replace(model, units=(unit,), problems=tuple(loader.problems))


def _prefix(module: str) -> str:
    return f"{module}." if module else ""


def _failed(rel: str, span: Span, message: str) -> Model:
    unit = Unit(id=rel, format=FORMAT, files=(rel,), sealed_files=(rel,))
    return Model(units=(unit,), problems=(ParseProblem(span=span, message=message),))
