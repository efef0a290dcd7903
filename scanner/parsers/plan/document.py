"""What a ``terraform show -json`` document says, in the shapes the plan front end uses.

Two documents come out of ``terraform show -json`` (format_version ``1.x``):

* a **plan** (``terraform show -json plan.out``): ``resource_changes`` holds each resource
  instance's planned values (``change.after``), which of them are known only after apply
  (``after_unknown``) and which are sensitive (``after_sensitive``); data sources read
  while planning are in ``prior_state``; ``configuration`` holds the modules as written
  (module calls, and per resource the expressions' ``references`` and ``depends_on``);
* a **state** (``terraform show -json`` of a state): ``values`` holds what was applied,
  every value known, sensitive ones listed in ``sensitive_values``.

Resources that the plan deletes are gone after apply and are left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import field
from typing import Any

from scanner.parsers.plan.jsonpos import PosDict
from scanner.valueclass import ValueObject, value_class

# ``module.a["k"].module.b[0].`` steps at the start of an address.
_MODULE_STEP = re.compile(r'module\.([A-Za-z_][A-Za-z0-9_-]*)(\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\])?\.')


class NotAPlan(ValueError):
    """The document is JSON but not a plan or state Terraform wrote."""


@value_class(frozen=False)
class PlanResource(ValueObject):
    """One resource or data source instance as the plan (or state) has it."""

    address: str  # module.a["k"].aws_x.y[0]
    module: str  # module.a["k"] ("" in the root module)
    path: tuple[str, ...]  # the static module path: ("a",)
    mode: str  # "resource" | "data"
    type: str
    name: str
    index: int | str | None
    values: dict[str, Any]
    unknown: Any  # after_unknown: True, False or the structure of ``values`` with bools
    sensitive: Any  # after_sensitive / sensitive_values, same shape
    entry: PosDict  # its object in the document (for a position in the plan file)
    action: str  # create, update, replace, no-op, read, state

    @property
    def local_address(self) -> str:
        """The address inside its module: ``aws_x.y`` / ``data.aws_x.y`` (no index)."""
        return f"{'data.' if self.mode == 'data' else ''}{self.type}.{self.name}"


@value_class(frozen=False)
class ModuleConfig(ValueObject):
    """One module of ``configuration`` (the root or a module call's ``module``)."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # local address →
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)  # call name → module_call
    outputs: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)

    def child(self, name: str) -> ModuleConfig | None:
        call = self.calls.get(name)
        body = call.get("module") if isinstance(call, dict) else None
        return module_config(body) if isinstance(body, dict) else None


@value_class(frozen=False)
class PlanDocument(ValueObject):
    kind: str  # "plan" | "state"
    format_version: str
    terraform_version: str
    resources: list[PlanResource]
    variables: dict[str, Any]  # root variable values (plan only)
    config: ModuleConfig | None  # None for a state
    provider_config: dict[str, Any]
    _configs: dict[tuple[str, ...], ModuleConfig | None] = field(default_factory=dict)

    def config_at(self, path: tuple[str, ...]) -> ModuleConfig | None:
        """The configuration of the module at static path ``path`` (memoised)."""
        if path in self._configs:
            return self._configs[path]
        if not path:
            found = self.config
        else:
            parent = self.config_at(path[:-1])
            found = parent.child(path[-1]) if parent is not None else None
        self._configs[path] = found
        return found


def module_config(body: dict[str, Any]) -> ModuleConfig:
    resources = {}
    for item in body.get("resources") or ():
        if isinstance(item, dict) and isinstance(item.get("address"), str):
            resources[item["address"]] = item
    calls = body.get("module_calls")
    outputs = body.get("outputs")
    variables = body.get("variables")
    return ModuleConfig(
        resources=resources,
        calls=calls if isinstance(calls, dict) else {},
        outputs=outputs if isinstance(outputs, dict) else {},
        variables=variables if isinstance(variables, dict) else {},
    )


def split_module(address: str) -> tuple[str, tuple[str, ...], tuple[int | str | None, ...], str]:
    """``module.a["k"].aws_x.y[0]`` → (``module.a["k"]``, ("a",), ("k",), ``aws_x.y[0]``)."""
    names: list[str] = []
    keys: list[int | str | None] = []
    pos = 0
    while True:
        m = _MODULE_STEP.match(address, pos)
        if m is None:
            break
        names.append(m.group(1))
        raw = m.group(2)
        keys.append(None if raw is None else (int(raw[1:-1]) if raw[1] != '"' else json.loads(raw[1:-1])))
        pos = m.end()
    return address[: max(pos - 1, 0)], tuple(names), tuple(keys), address[pos:]


def read_document(data: Any) -> PlanDocument:
    """The plan or state in ``data`` (decoded JSON); raises ``NotAPlan``."""
    if not isinstance(data, dict):
        raise NotAPlan("not a JSON object")
    version = data.get("format_version")
    if not isinstance(version, str) or not version.startswith("1."):
        raise NotAPlan(f"unsupported format_version {version!r} (trailscan reads 1.x)")
    terraform = data.get("terraform_version")
    terraform = terraform if isinstance(terraform, str) else ""
    if "planned_values" in data or "resource_changes" in data or "configuration" in data:
        return _plan(data, version, terraform)
    if "values" in data or set(data) <= {"format_version", "terraform_version"}:
        return _state(data, version, terraform)
    raise NotAPlan("neither a plan (planned_values, resource_changes) nor a state (values)")


def _plan(data: dict[str, Any], version: str, terraform: str) -> PlanDocument:
    resources: list[PlanResource] = []
    seen: set[str] = set()
    for item in _dicts(data.get("resource_changes")):
        change = item.get("change")
        if not isinstance(change, dict) or item.get("deposed"):
            continue  # a deposed object is on its way out
        actions = change.get("actions")
        actions = [a for a in actions if isinstance(a, str)] if isinstance(actions, list) else []
        if actions in (["delete"], ["forget"]) or not isinstance(change.get("after"), dict):
            continue
        action = "replace" if set(actions) == {"delete", "create"} else (actions[0] if actions else "")
        resource = _resource(item, change["after"], change.get("after_unknown", False),
                             change.get("after_sensitive", False), action)
        if resource is not None and resource.address not in seen:
            seen.add(resource.address)
            resources.append(resource)
    # Data sources read while planning come from the prior state; a plan without
    # resource_changes has its values in planned_values only.
    prior = data.get("prior_state")
    trees = []
    if isinstance(prior, dict) and isinstance(prior.get("values"), dict):
        trees.append((prior["values"].get("root_module"), "data"))
    if "resource_changes" not in data and isinstance(data.get("planned_values"), dict):
        trees.append((data["planned_values"].get("root_module"), ""))
    for tree, only in trees:
        for item in _walk(tree):
            if only and item.get("mode") != only:
                continue
            values = item.get("values")
            if not isinstance(values, dict):
                continue
            resource = _resource(item, values, False, item.get("sensitive_values", False), "read")
            if resource is not None and resource.address not in seen:
                seen.add(resource.address)
                resources.append(resource)
    config = data.get("configuration")
    root = config.get("root_module") if isinstance(config, dict) else None
    providers = config.get("provider_config") if isinstance(config, dict) else None
    variables = data.get("variables")
    return PlanDocument(
        kind="plan",
        format_version=version,
        terraform_version=terraform,
        resources=resources,
        variables=variables if isinstance(variables, dict) else {},
        config=module_config(root) if isinstance(root, dict) else None,
        provider_config=providers if isinstance(providers, dict) else {},
    )


def _state(data: dict[str, Any], version: str, terraform: str) -> PlanDocument:
    values = data.get("values")
    tree = values.get("root_module") if isinstance(values, dict) else None
    resources = []
    for item in _walk(tree):
        raw = item.get("values")
        if isinstance(raw, dict):
            resource = _resource(item, raw, False, item.get("sensitive_values", False), "state")
            if resource is not None:
                resources.append(resource)
    return PlanDocument(kind="state", format_version=version, terraform_version=terraform,
                        resources=resources, variables={}, config=None, provider_config={})


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _walk(module: Any) -> list[dict[str, Any]]:
    """Every resource object of a ``root_module`` tree (iteratively: no recursion)."""
    out: list[dict[str, Any]] = []
    stack = [module]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict):
            continue
        out.extend(_dicts(current.get("resources")))
        stack.extend(reversed(_dicts(current.get("child_modules"))))
    return out


def _resource(item: dict[str, Any], values: dict[str, Any], unknown: Any, sensitive: Any,
              action: str) -> PlanResource | None:
    address, rtype, name = item.get("address"), item.get("type"), item.get("name")
    if not (isinstance(address, str) and isinstance(rtype, str) and isinstance(name, str)):
        return None
    module, path, _keys, _rest = split_module(address)
    index = item.get("index")
    if not isinstance(index, int | str) or isinstance(index, bool):
        index = None
    return PlanResource(
        address=address,
        module=module,
        path=path,
        mode="data" if item.get("mode") == "data" else "resource",
        type=rtype,
        name=name,
        index=index,
        values=values,
        unknown=unknown,
        sensitive=sensitive,
        entry=item if isinstance(item, PosDict) else PosDict(list(item.items())),
        action=action,
    )
