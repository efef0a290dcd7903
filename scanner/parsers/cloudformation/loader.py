"""Load one CloudFormation template, its parameters and its local nested stacks as a unit.

Detection is by content: a YAML/JSON file is ours when it has typed ``Resources`` (or
claims to be a template with ``AWSTemplateFormatVersion`` or the SAM transform). Any
other YAML/JSON (workflows, manifests, ``package.json``) is silently not ours, and so is a
file that fails to decode unless its text looks like a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.limits import Budget, Limits
from scanner.model import Model, ParseProblem, Span, Unit
from scanner.parsers.cloudformation.decode import DecodeError, PosDict, decode
from scanner.parsers.cloudformation.intrinsics import NO_VALUE, Resolver
from scanner.parsers.cloudformation.records.build import build_model
from scanner.parsers.cloudformation.sniff import NESTED_STACK_TYPES, REMOTE_PREFIXES, looks_like_template
from scanner.parsers.cloudformation.values import Values
from scanner.parsers.common import InputLayer, UnknownValue, read_text, relpath
from scanner.parsers.reads import note_probe

# The only AWSTemplateFormatVersion CloudFormation accepts. Other tools reuse the key with
# their own values (org-formation's ``2010-09-09-OC`` organization files): such a file
# without typed resources is theirs, not a broken template.
TEMPLATE_FORMAT_VERSION = "2010-09-09"


def _classify(doc: Any) -> str | None:
    """``template``, ``claims`` (says it is one but has no typed resources) or None."""
    if not isinstance(doc, PosDict):
        return None
    resources = doc.get("Resources")
    if isinstance(resources, PosDict) and any(
        isinstance(v, PosDict) and isinstance(v.get("Type"), str) for v in resources.values()
    ):
        return "template"
    transform = doc.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    version = doc.get("AWSTemplateFormatVersion", None)
    if (version is not None and str(version).strip() == TEMPLATE_FORMAT_VERSION) or any(
        isinstance(t, str) and t.startswith("AWS::Serverless") for t in transforms
    ):
        return "template" if isinstance(resources, PosDict) else "claims"
    return None


def _sniff_bytes(path: Path) -> bool:
    try:
        return looks_like_template(path.read_bytes().decode("utf-8", "replace"))
    except OSError:
        return False


def _decode(text: str, limits: Limits) -> Any:
    return decode(text, max_aliases=limits.max_yaml_aliases, max_depth=limits.max_nesting_depth,
                  max_alias_bytes=limits.max_string_bytes)


def read_parameter_files(
    files: list[Path], root: Path, limits: Limits
) -> tuple[dict[str, str], list[ParseProblem]]:
    """Both shapes: ``[{"ParameterKey", "ParameterValue"}]`` and ``{"Parameters": {...}}``."""
    values: dict[str, str] = {}
    problems: list[ParseProblem] = []
    for path in files:
        where = relpath(path, root)
        text, why = read_text(path, limits.max_file_bytes)
        if text is None:
            problems.append(ParseProblem(span=Span(path=where), message=why))
            continue
        try:
            doc = _decode(text, limits)
        except DecodeError as exc:
            problems.append(
                ParseProblem(
                    span=Span(path=where, line=exc.line, column=exc.column), message=exc.message
                )
            )
            continue
        if isinstance(doc, list):
            for item in doc:
                if isinstance(item, dict) and "ParameterKey" in item:
                    values[str(item["ParameterKey"])] = _as_text(item.get("ParameterValue"))
            continue
        if isinstance(doc, dict) and isinstance(doc.get("Parameters"), dict):
            for key, value in doc["Parameters"].items():
                values[str(key)] = _as_text(value)
            continue
        problems.append(
            ParseProblem(
                span=Span(path=where),
                message="parameter file is neither a list of ParameterKey/ParameterValue "
                "nor a mapping with Parameters",
            )
        )
    return values, problems


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_as_text(v) for v in value)
    return "" if value is None else str(value)


@dataclass
class _Unit:
    """What loading one template (and its nested ones) accumulates."""

    root: Path
    limits: Limits
    files: list[str] = field(default_factory=list)
    resolvers: list[Resolver] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)
    # Nested templates decoded once per unit (a template nested many times is read once).
    documents: dict[Path, Any] = field(default_factory=dict)
    refused: set[ParseProblem] = field(default_factory=set)


def _load_nested(unit: _Unit, parent: Resolver, parent_file: Path, chain: tuple[Path, ...]) -> None:
    """Load local templates of nested stacks (never a URL: nothing is fetched)."""
    values = Values(parent)
    for logical, body in parent.resources.items():
        if not isinstance(body, PosDict) or parent.exists(logical) is False:
            continue
        kind = body.get("Type")
        prop = NESTED_STACK_TYPES.get(kind) if isinstance(kind, str) else None
        props = body.get("Properties")
        if prop is None or not isinstance(props, PosDict) or prop not in props:
            continue
        location = parent.resolve(props[prop])
        span = values.key_span(props, prop)
        if not isinstance(location, str) or location.startswith(REMOTE_PREFIXES) or not location.strip():
            continue  # remote or unresolvable: outside what a static scan can see
        target = (parent_file.parent / location).resolve()
        if not target.is_relative_to(unit.root.resolve()):
            unit.problems.append(
                ParseProblem(
                    span=span,
                    message=f"nested template {location} is outside the scan root; not loaded",
                )
            )
            continue
        note_probe(target)
        if not target.is_file():
            unit.problems.append(
                ParseProblem(span=span, message=f"nested template {location} not found; not loaded")
            )
            continue
        if target in chain:
            unit.problems.append(
                ParseProblem(span=span, message=f"nested stack cycle: {location} includes itself")
            )
            continue
        if len(chain) > unit.limits.max_module_depth:
            unit.problems.append(
                ParseProblem(
                    span=span,
                    message=f"nested stacks deeper than {unit.limits.max_module_depth} "
                    "(limit max_module_depth); not loaded",
                )
            )
            continue
        raw_params = props.get("Parameters")
        params = parent.resolve(raw_params) if raw_params is not None else {}
        if isinstance(params, UnknownValue) or not isinstance(params, dict):
            params = {}
        overrides = {str(k): v for k, v in params.items() if v is not NO_VALUE}
        child = _load_file(
            unit, target, parent.prefix + logical + ".", overrides, chain + (target,), span
        )
        if child is not None:
            parent.stacks[logical] = child


def _read_nested(unit: _Unit, path: Path, where: str) -> PosDict | None:
    """A nested template's document, decoded once per unit; None (reported once) when it
    cannot be read or is not a template."""
    if path in unit.documents:
        return unit.documents[path]  # type: ignore[no-any-return]
    unit.documents[path] = None
    text, why = read_text(path, unit.limits.max_file_bytes)
    if text is None:
        unit.problems.append(ParseProblem(span=Span(path=where), message=why))
        return None
    try:
        doc = _decode(text, unit.limits)
    except DecodeError as exc:
        unit.problems.append(
            ParseProblem(
                span=Span(path=where, line=exc.line, column=exc.column), message=exc.message
            )
        )
        return None
    kind = _classify(doc)
    if kind != "template":
        unit.problems.append(
            ParseProblem(
                span=Span(path=where), message="not a CloudFormation template: no typed Resources"
            )
        )
        return None
    unit.documents[path] = doc
    return doc  # type: ignore[no-any-return]


def _load_file(
    unit: _Unit, path: Path, prefix: str, overrides: dict[str, Any], chain: tuple[Path, ...],
    span: Span,
) -> Resolver | None:
    where = relpath(path, unit.root)
    doc = _read_nested(unit, path, where)
    if doc is None:
        return None
    resources = doc.get("Resources")
    # Every nested stack costs its resources: a template nesting the same one many times
    # (at every level) is cut once the unit's instances reach the budget.
    if not unit.budget.try_instances(1 + (len(resources) if isinstance(resources, PosDict) else 0)):
        logical = prefix.rstrip(".").rsplit(".", 1)[-1]
        message = unit.budget.instances_message(
            f"nested stack {logical} would bring the unit to more than "
            f"{unit.limits.max_unit_instances} instances")
        problem = ParseProblem(span=span, message=f"{message}; the nested stack is not checked")
        if problem not in unit.refused:  # once per TemplateURL, however often it is nested
            unit.refused.add(problem)
            unit.problems.append(problem)
        return None
    if where not in unit.files:
        unit.files.append(where)
    resolver = Resolver(path=where, template=doc, prefix=prefix, overrides=overrides,
                        budget=unit.budget, problems=unit.problems)
    unit.resolvers.append(resolver)
    _load_nested(unit, resolver, path, chain)
    return resolver


def load_cloudformation(
    path: Path,
    root: Path,
    *,
    parameters: dict[str, str] | None = None,
    parameter_files: list[Path] | None = None,
    layers: Sequence[InputLayer] = (),
    limits: Limits | None = None,
) -> Model | None:
    """Load a template as a unit model; None when the file is not a template at all.

    ``layers`` give its parameters in order of precedence (``InputLayer``, each its files
    then its values); ``parameter_files`` and ``parameters``, when given, apply after them,
    as the command line does. A value a layer gives wins over the parameter's Default.
    """
    limits = limits or Limits()
    if parameter_files or parameters:
        layers = (*layers, InputLayer(source="command line", files=tuple(parameter_files or ()),
                                      values=tuple((parameters or {}).items())))
    where = relpath(path, root)
    unit_of = Unit(id=where, format="cloudformation", files=(where,))
    text, why = read_text(path, limits.max_file_bytes)
    if text is None:
        if "UTF-8" in why and not _sniff_bytes(path):
            return None  # binary or foreign-encoded, and nothing claims it is a template
        return Model(units=(unit_of,), problems=(ParseProblem(span=Span(path=where), message=why),))
    try:
        doc = _decode(text, limits)
    except DecodeError as exc:
        if not looks_like_template(text):
            return None
        problem = ParseProblem(
            span=Span(path=where, line=exc.line, column=exc.column), message=exc.message
        )
        return Model(units=(unit_of,), problems=(problem,))
    kind = _classify(doc)
    if kind is None:
        if isinstance(doc, PosDict) or not looks_like_template(text):
            return None
        message = "the document is not a mapping, but the file looks like a template"
        return Model(
            units=(unit_of,), problems=(ParseProblem(span=Span(path=where), message=message),)
        )
    if kind == "claims":
        message = "the template has no Resources section with typed resources"
        return Model(
            units=(unit_of,), problems=(ParseProblem(span=Span(path=where), message=message),)
        )

    overrides: dict[str, Any] = {}
    problems: list[ParseProblem] = []
    for layer in layers:
        file_values, found = read_parameter_files(list(layer.files), root, limits)
        problems.extend(found)
        overrides.update(file_values)
        overrides.update(layer.values)
    try:
        return _build_unit(path, root, where, doc, overrides, limits, problems)
    except RecursionError:
        message = "expressions nest too deeply to resolve (lower max_nesting_depth)"
        return Model(
            units=(unit_of,), problems=(ParseProblem(span=Span(path=where), message=message),)
        )


def _build_unit(
    path: Path,
    root: Path,
    where: str,
    doc: PosDict,
    overrides: dict[str, Any],
    limits: Limits,
    problems: list[ParseProblem],
) -> Model:
    unit = _Unit(root=root, limits=limits, problems=problems, budget=Budget(limits))
    unit.files.append(where)
    resources = doc.get("Resources")
    unit.budget.add_instances(len(resources) if isinstance(resources, PosDict) else 0)
    resolver = Resolver(path=where, template=doc, overrides=overrides, budget=unit.budget,
                        problems=unit.problems)
    unit.resolvers.append(resolver)
    _load_nested(unit, resolver, path, (path.resolve(),))
    final_unit = Unit(id=where, format="cloudformation", files=tuple(unit.files))
    return build_model(final_unit, unit.resolvers, unit.problems)
