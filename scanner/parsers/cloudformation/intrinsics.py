"""Resolve CloudFormation intrinsic functions as far as a template alone allows.

Everything that is fixed by the template and its parameters is computed; what is only
known at deploy time (an import, an SSM parameter, the AZ list) becomes an
``UnknownValue`` whose reason names the function, so a policy can say *why* it cannot
decide instead of guessing. Physical names and ARNs of resources whose name the template
does not set are written with the symbolic ``${LogicalId}`` token of ``scanner.model``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from scanner import arns
from scanner.parsers.cloudformation.decode import PosDict, PosList
from scanner.parsers.common import (
    Concatenation,
    UnknownValue,
    aws_string,
    first_unknown,
    target_of,
    with_target,
    without_target,
)
from scanner.tri import Tri, all_of, any_of, negate


class _NoValue:
    """``Ref: AWS::NoValue``: the property (or list item) is removed."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()

_ACCOUNT = arns.ACCOUNT
_REGION = arns.REGION
PSEUDO: dict[str, Any] = {
    "AWS::AccountId": _ACCOUNT,
    "AWS::Region": _REGION,
    "AWS::StackName": "${AWS::StackName}",
    "AWS::StackId": "${AWS::StackId}",
    "AWS::URLSuffix": "${AWS::URLSuffix}",
    "AWS::Partition": "aws",
    "AWS::NoValue": NO_VALUE,
    "AWS::NotificationARNs": UnknownValue("AWS::NotificationARNs is set when the stack is created"),
}

# Resource type → the property that sets its physical name.
NAME_PROPERTY: dict[str, str] = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::CloudTrail::Trail": "TrailName",
    "AWS::Events::Rule": "Name",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::Logs::MetricFilter": "FilterName",
}

# Types whose ``Ref`` returns the physical name.
_REF_IS_NAME = {
    "AWS::S3::Bucket",
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
    "AWS::CloudTrail::Trail",
    "AWS::Events::Rule",
    "AWS::CloudWatch::Alarm",
    "AWS::KMS::Alias",
    "AWS::Logs::MetricFilter",
}

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


def intrinsic_name(value: Any) -> str | None:
    """The function of a one-key ``{"Ref"|"Fn::*": ...}`` mapping, else None."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value.keys()
        if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
            return key
    return None


def _text(value: Any) -> str:
    return aws_string(value)


# ``Fn::GetAtt`` attributes that name the resource itself (its name, id or ARN), per type:
# a value built from one carries the resource's ref as its ``target`` (see
# ``scanner.parsers.common.RefStr``), whatever the name resolves to.
_IDENTIFYING: dict[str, frozenset[str]] = {
    "AWS::S3::Bucket": frozenset({"Arn"}),
    "AWS::KMS::Key": frozenset({"Arn", "KeyId"}),
    "AWS::Logs::LogGroup": frozenset({"Arn"}),
    "AWS::SNS::Topic": frozenset({"TopicArn", "TopicName"}),
    "AWS::IAM::Role": frozenset({"Arn", "RoleId"}),
    "AWS::IAM::ManagedPolicy": frozenset({"PolicyArn"}),
    "AWS::CloudTrail::Trail": frozenset({"Arn"}),
    "AWS::Events::Rule": frozenset({"Arn"}),
    "AWS::CloudWatch::Alarm": frozenset({"Arn"}),
}
_PSEUDO_CONSTANTS = frozenset({"AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix"})


@dataclass
class Resolver:
    """Resolve values of one template (or nested stack) in its parameter context."""

    path: str
    template: PosDict
    prefix: str = ""  # "" for the top template, "Audit." inside nested stack Audit
    overrides: dict[str, Any] = field(default_factory=dict)
    stacks: dict[str, Resolver] = field(default_factory=dict)
    _conditions: dict[str, Tri] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)
    _params: dict[str, Any] = field(default_factory=dict)

    # -- sections ---------------------------------------------------------------

    def section(self, name: str) -> PosDict:
        value = self.template.get(name)
        return value if isinstance(value, PosDict) else PosDict()

    @property
    def resources(self) -> PosDict:
        return self.section("Resources")

    def resource_type(self, logical: str) -> str:
        body = self.resources.get(logical)
        kind = body.get("Type") if isinstance(body, PosDict) else None
        return kind if isinstance(kind, str) else ""

    def properties(self, logical: str) -> PosDict:
        body = self.resources.get(logical)
        props = body.get("Properties") if isinstance(body, PosDict) else None
        return props if isinstance(props, PosDict) else PosDict()

    def token(self, logical: str) -> str:
        return "${" + self.prefix + logical + "}"

    # -- parameters and conditions ----------------------------------------------

    def parameter(self, name: str) -> Any:
        if name not in self._params:
            key = f"parameter:{name}"
            if key in self._busy:
                return UnknownValue(f"the Default of parameter {name} refers to itself")
            self._busy.add(key)
            try:
                self._params[name] = self._parameter(name)
            finally:
                self._busy.discard(key)
        return self._params[name]

    def _parameter(self, name: str) -> Any:
        decl = self.section("Parameters").get(name)
        kind = decl.get("Type", "String") if isinstance(decl, PosDict) else "String"
        kind = kind if isinstance(kind, str) else "String"
        if kind.startswith("AWS::SSM::Parameter::Value<"):
            return UnknownValue(
                f"parameter {name} is read from SSM Parameter Store at deploy time ({kind})"
            )
        if name in self.overrides:
            value = self.overrides[name]
        elif isinstance(decl, PosDict) and "Default" in decl:
            value = self.resolve(decl["Default"])
        else:
            return UnknownValue(
                f"parameter {name} has no Default and no value was given (--parameter {name}=...)"
            )
        if isinstance(value, UnknownValue):
            return value
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            if isinstance(value, list):
                return value
            return [part.strip() for part in _text(value).split(",")]
        if isinstance(value, list | dict):
            return value
        return with_target(_text(value), target_of(value))

    def condition(self, name: str) -> Tri:
        """Three-valued truth of a named condition (None: cannot be evaluated)."""
        if name in self._conditions:
            return self._conditions[name]
        key = f"condition:{name}"
        if key in self._busy:
            return None
        raw = self.section("Conditions").get(name)
        if raw is None:
            return None
        self._busy.add(key)
        try:
            result = self.evaluate(raw)
        finally:
            self._busy.discard(key)
        self._conditions[name] = result
        return result

    def evaluate(self, raw: Any) -> Tri:
        """A condition expression, in three-valued logic: a part that cannot be evaluated
        decides nothing unless another part does (``Fn::Or`` with a true operand)."""
        if isinstance(raw, bool):
            return raw
        if not isinstance(raw, dict) or len(raw) != 1:
            return None
        (fn, arg) = next(iter(raw.items()))
        if fn == "Condition":
            return self.condition(arg) if isinstance(arg, str) else None
        if fn == "Fn::Not":
            items = arg if isinstance(arg, list) else [arg]
            return negate(self.evaluate(items[0])) if len(items) == 1 else None
        if fn in ("Fn::And", "Fn::Or"):
            if not isinstance(arg, list):
                return None
            # Every operand is evaluated (no short cut), so each named condition is
            # evaluated and cached the same way whatever the others hold.
            results = [self.evaluate(item) for item in arg]
            return all_of(results) if fn == "Fn::And" else any_of(results)
        if fn == "Fn::Equals":
            if not isinstance(arg, list) or len(arg) != 2:
                return None
            left, right = self.resolve(arg[0]), self.resolve(arg[1])
            if first_unknown(left) or first_unknown(right):
                return None
            return _normal(left) == _normal(right)
        return None

    def exists(self, logical: str) -> Tri:
        """Whether a resource is created: its Condition decides (None: unknown)."""
        body = self.resources.get(logical)
        if not isinstance(body, PosDict):
            return False
        cond = body.get("Condition")
        if cond is None:
            return True
        return self.condition(cond) if isinstance(cond, str) else None

    # -- resolution -------------------------------------------------------------

    def resolve(self, raw: Any) -> Any:
        """Fully resolve ``raw``; containers keep their positions, NoValue items go."""
        fn = intrinsic_name(raw)
        if fn is not None:
            return self._call(fn, raw[fn])
        if isinstance(raw, PosDict):
            out = PosDict(raw.pos)
            for key, value in raw.items():
                resolved = self.resolve(value)
                if resolved is NO_VALUE:
                    continue
                out[key] = resolved
                out.key_pos[key] = raw.key_pos.get(key, raw.pos)
                out.val_pos[key] = raw.val_pos.get(key, raw.pos)
            return out
        if isinstance(raw, PosList):
            items = PosList(raw.pos)
            for index, value in enumerate(raw):
                resolved = self.resolve(value)
                if resolved is NO_VALUE:
                    continue
                items.append(resolved)
                items.item_pos.append(raw.item_pos[index] if index < len(raw.item_pos) else raw.pos)
            return items
        if isinstance(raw, dict):
            return {
                k: v for k, v in ((k, self.resolve(v)) for k, v in raw.items()) if v is not NO_VALUE
            }
        if isinstance(raw, list):
            return [v for v in (self.resolve(x) for x in raw) if v is not NO_VALUE]
        return raw

    def shallow(self, raw: Any) -> Any:
        """Resolve only the top: an ``Fn::If`` picks its branch (keeping the branch's
        positions), other functions are resolved fully, plain containers stay raw."""
        fn = intrinsic_name(raw)
        if fn == "Fn::If":
            branch = self._if_branch(raw[fn])
            return branch if isinstance(branch, UnknownValue) else self.shallow(branch)
        if fn is not None:
            return self._call(fn, raw[fn])
        return raw

    def _if_branch(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            return UnknownValue("Fn::If needs [condition, value_if_true, value_if_false]")
        truth = self.condition(arg[0])
        if truth is None:
            when_true, when_false = self.resolve(arg[1]), self.resolve(arg[2])
            if not first_unknown([when_true, when_false]) and _normal(when_true) == _normal(
                when_false
            ):
                return arg[1]
            return UnknownValue(f"Fn::If: condition {arg[0]} cannot be evaluated statically")
        return arg[1] if truth else arg[2]

    def _call(self, fn: str, arg: Any) -> Any:
        handler = _HANDLERS.get(fn)
        if handler is None:
            return UnknownValue(f"{fn} cannot be resolved statically")
        return handler(self, arg)

    # -- references -------------------------------------------------------------

    def ref(self, name: Any) -> Any:
        name = self.resolve(name)
        if not isinstance(name, str):
            return UnknownValue("Ref to a name that cannot be resolved")
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.section("Parameters"):
            return self.parameter(name)
        if name in self.resources:
            missing = self._not_created(name)
            if missing is not None:
                return missing
            kind = self.resource_type(name)
            if kind == "AWS::SNS::Topic":
                return self.get_att(name, "TopicArn")
            if kind == "AWS::IAM::ManagedPolicy":
                return self.get_att(name, "PolicyArn")
            if kind == "AWS::KMS::Alias":
                # An alias stands for the key it targets (when that key is in the unit).
                key = self.resolve(self.properties(name).get("TargetKeyId"))
                return with_target(without_target(self.physical_name(name)), target_of(key))
            if f"name:{name}" in self._busy:
                return self.physical_name(name)  # its own name refers to itself: no token
            value = self.physical_name(name) if kind in _REF_IS_NAME else self.token(name)
            return with_target(value, self.prefix + name, self.token(name))
        return UnknownValue(f"Ref to {name!r}, which is neither a parameter nor a resource")

    def _not_created(self, logical: str) -> UnknownValue | None:
        if self.exists(logical) is False:
            return UnknownValue(f"resource {logical} is not created (its Condition is false)")
        return None

    def physical_name(self, logical: str) -> Any:
        """The resource's name as written, or its ``${LogicalId}`` token."""
        prop = NAME_PROPERTY.get(self.resource_type(logical))
        props = self.properties(logical)
        if prop is None or prop not in props:
            return self.token(logical)
        key = f"name:{logical}"
        if key in self._busy:
            return UnknownValue(f"the name of {logical} refers to itself")
        self._busy.add(key)
        try:
            value = self.resolve(props[prop])
        finally:
            self._busy.discard(key)
        if value is NO_VALUE:
            return self.token(logical)
        if isinstance(value, UnknownValue) or isinstance(value, list | dict):
            return (
                value
                if isinstance(value, UnknownValue)
                else UnknownValue(f"{logical}.{prop} is not a string")
            )
        return _text(value)

    def get_att(self, logical: str, attribute: str) -> Any:
        if logical not in self.resources:
            return UnknownValue(f"Fn::GetAtt on {logical!r}, which is not a resource")
        missing = self._not_created(logical)
        if missing is not None:
            return missing
        kind = self.resource_type(logical)
        if kind == "AWS::CloudFormation::Stack" and attribute.startswith("Outputs."):
            return self._stack_output(logical, attribute.removeprefix("Outputs."))
        builder = _ATTRIBUTES.get((kind, attribute))
        if builder is None:
            return "${" + self.prefix + logical + "." + attribute + "}"
        target = self.prefix + logical if attribute in _IDENTIFYING.get(kind, ()) else ""
        if f"name:{logical}" in self._busy:
            target = ""  # its own name refers to itself: no token stands for it
        name = self.physical_name(logical)
        if isinstance(name, UnknownValue):
            # the name unknown, the value is still this resource's: its token stands in
            shape = builder(self, logical, self.token(logical)) if target else ""
            return with_target(name, target, shape)
        return with_target(builder(self, logical, str(name)), target)

    def _stack_output(self, logical: str, output: str) -> Any:
        child = self.stacks.get(logical)
        if child is None:
            return UnknownValue(
                f"output {output} of nested stack {logical} (its template is not in the scan)"
            )
        outputs = child.section("Outputs")
        entry = outputs.get(output)
        if not isinstance(entry, PosDict) or "Value" not in entry:
            return UnknownValue(f"nested stack {logical} has no output {output}")
        return child.resolve(entry["Value"])

    # -- dependencies -----------------------------------------------------------

    def references(self, raw: Any) -> set[str]:
        """Logical ids of resources that ``raw`` refers to (Ref, GetAtt, Sub)."""
        found: set[str] = set()
        self._collect(raw, found)
        return found

    def _collect(self, raw: Any, found: set[str]) -> None:
        resources = self.resources
        fn = intrinsic_name(raw)
        if fn == "Ref" and isinstance(raw[fn], str) and raw[fn] in resources:
            found.add(raw[fn])
        elif fn == "Fn::GetAtt":
            arg = raw[fn]
            target = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(target, str):
                target = target.split(".", 1)[0]
                if target in resources:
                    found.add(target)
        elif fn == "Fn::Sub":
            arg = raw[fn]
            template, variables = (
                (arg[0], arg[1])
                if isinstance(arg, list) and len(arg) == 2
                else (
                    arg,
                    {},
                )
            )
            if isinstance(template, str):
                local = set(variables) if isinstance(variables, dict) else set()
                for match in _SUB_VAR.finditer(template):
                    var = match.group(1).strip()
                    head = var.split(".", 1)[0]
                    if not var.startswith("!") and var not in local and head in resources:
                        found.add(head)
            self._collect(variables, found)
            return
        if isinstance(raw, dict):
            for value in raw.values():
                self._collect(value, found)
        elif isinstance(raw, list):
            for value in raw:
                self._collect(value, found)


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return _text(value)


# ---------------------------------------------------------------------------
# Functions
# ---------------------------------------------------------------------------


def _fn_ref(r: Resolver, arg: Any) -> Any:
    return r.ref(arg)


def _fn_get_att(r: Resolver, arg: Any) -> Any:
    if isinstance(arg, str):
        logical, _, attribute = arg.partition(".")
    elif isinstance(arg, list) and len(arg) == 2:
        logical, attribute = arg[0], r.resolve(arg[1])
    else:
        return UnknownValue("Fn::GetAtt needs [resource, attribute]")
    if not isinstance(logical, str) or not isinstance(attribute, str) or not attribute:
        return UnknownValue("Fn::GetAtt with an attribute that cannot be resolved")
    return r.get_att(logical, attribute)


def _fn_sub(r: Resolver, arg: Any) -> Any:
    variables: Any = {}
    template = arg
    if isinstance(arg, list):
        if len(arg) != 2:
            return UnknownValue("Fn::Sub needs a string or [string, {variables}]")
        template, variables = arg
        variables = r.resolve(variables)
        if isinstance(variables, UnknownValue):
            return variables
    if not isinstance(template, str) or not isinstance(variables, dict):
        return UnknownValue("Fn::Sub needs a string template")
    parts = Concatenation()
    position = 0
    for match in _SUB_VAR.finditer(template):
        parts.literal(template[position : match.start()])
        position = match.end()
        var = match.group(1).strip()
        if var.startswith("!"):
            parts.literal("${" + var[1:] + "}")
            continue
        if var in variables:
            value = variables[var]
        elif "." in var and var.split(".", 1)[0] in r.resources:
            logical, _, attribute = var.partition(".")
            value = r.get_att(logical, attribute)
        else:
            value = r.ref(var)
        if isinstance(value, UnknownValue):
            value = UnknownValue(
                f"Fn::Sub ${{{var}}}: {value.reason}", value.target, value.nonempty, value.shape
            )
        elif value is NO_VALUE or isinstance(value, list | dict):
            value = UnknownValue(f"Fn::Sub ${{{var}}} is not a string")
        parts.value(value, constant=var in _PSEUDO_CONSTANTS)
    parts.literal(template[position:])
    return parts.result()


def _fn_join(r: Resolver, arg: Any) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return UnknownValue("Fn::Join needs [delimiter, [values]]")
    delimiter, values = r.resolve(arg[0]), r.resolve(arg[1])
    if isinstance(delimiter, UnknownValue) or isinstance(values, UnknownValue):
        unknown = delimiter if isinstance(delimiter, UnknownValue) else values
        return UnknownValue(f"Fn::Join: {unknown.reason}")
    if not isinstance(values, list) or not isinstance(delimiter, str):
        return UnknownValue("Fn::Join needs a string delimiter and a list")
    if any(isinstance(v, list | dict) for v in values):
        return UnknownValue("Fn::Join of a value that is not a string")
    raw = arg[1] if isinstance(arg[1], list) and len(arg[1]) == len(values) else None
    parts = Concatenation()
    for index, value in enumerate(values):
        if index:
            parts.literal(delimiter)
        item = raw[index] if raw is not None else None
        if raw is not None and intrinsic_name(item) is None and isinstance(item, str):
            parts.literal(_text(value))  # written in the template
        elif isinstance(value, UnknownValue):
            parts.value(UnknownValue(
                f"Fn::Join: {value.reason}", value.target, value.nonempty, value.shape
            ))
        else:
            pseudo = intrinsic_name(item) == "Ref" and item["Ref"] in _PSEUDO_CONSTANTS
            parts.value(value, constant=pseudo)
    return parts.result()


def _fn_select(r: Resolver, arg: Any) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return UnknownValue("Fn::Select needs [index, [values]]")
    index, values = r.resolve(arg[0]), r.resolve(arg[1])
    for part in (index, values):
        if isinstance(part, UnknownValue):
            return UnknownValue(f"Fn::Select: {part.reason}")
    try:
        position = int(index)
    except (TypeError, ValueError):
        return UnknownValue(f"Fn::Select index {index!r} is not a number")
    if not isinstance(values, list) or not 0 <= position < len(values):
        return UnknownValue(f"Fn::Select index {position} is out of range")
    return values[position]


def _fn_split(r: Resolver, arg: Any) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        return UnknownValue("Fn::Split needs [delimiter, string]")
    delimiter, source = r.resolve(arg[0]), r.resolve(arg[1])
    unknown = first_unknown([delimiter, source])
    if unknown is not None:
        return UnknownValue(f"Fn::Split: {unknown.reason}")
    if not isinstance(delimiter, str) or not delimiter or isinstance(source, list | dict):
        return UnknownValue("Fn::Split needs a delimiter and a string")
    return _text(source).split(delimiter)


def _fn_find_in_map(r: Resolver, arg: Any) -> Any:
    if not isinstance(arg, list) or len(arg) not in (3, 4):
        return UnknownValue("Fn::FindInMap needs [map, top-level key, second-level key]")
    keys = [r.resolve(a) for a in arg[:3]]
    unknown = first_unknown(keys)
    if unknown is not None:
        return UnknownValue(f"Fn::FindInMap: {unknown.reason}")
    names = [_text(k) for k in keys]
    level: Any = r.section("Mappings")
    for name in names:
        level = level.get(name) if isinstance(level, dict) else None
    if level is None:
        if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
            return r.resolve(arg[3]["DefaultValue"])
        return UnknownValue(f"Fn::FindInMap: no entry {'/'.join(names)} in Mappings")
    return r.resolve(level)


def _fn_if(r: Resolver, arg: Any) -> Any:
    branch = r._if_branch(arg)
    return branch if isinstance(branch, UnknownValue) else r.resolve(branch)


def _fn_base64(r: Resolver, arg: Any) -> Any:
    return r.resolve(arg)


def _fn_length(r: Resolver, arg: Any) -> Any:
    value = r.resolve(arg)
    if isinstance(value, UnknownValue):
        return UnknownValue(f"Fn::Length: {value.reason}")
    return len(value) if isinstance(value, list) else UnknownValue("Fn::Length of a non-list")


def _fn_to_json(r: Resolver, arg: Any) -> Any:
    value = r.resolve(arg)
    unknown = first_unknown(value)
    if unknown is not None:
        return UnknownValue(f"Fn::ToJsonString: {unknown.reason}")
    return json.dumps(value, separators=(",", ":"))


def _fn_import(r: Resolver, arg: Any) -> Any:
    name = r.resolve(arg)
    label = f" {name!r}" if isinstance(name, str) else ""
    return UnknownValue(
        f"Fn::ImportValue{label}: the export of another stack is known only at deploy time"
    )


def _deploy_time(fn: str, what: str) -> Any:
    def handler(r: Resolver, arg: Any) -> Any:
        return UnknownValue(f"{fn}: {what}")

    return handler


def _fn_condition_function(fn: str) -> Any:
    def handler(r: Resolver, arg: Any) -> Any:
        truth = r.evaluate({fn: arg})
        if truth is None:
            return UnknownValue(f"{fn} cannot be evaluated statically")
        return truth

    return handler


_HANDLERS: dict[str, Any] = {
    "Ref": _fn_ref,
    "Fn::GetAtt": _fn_get_att,
    "Fn::Sub": _fn_sub,
    "Fn::Join": _fn_join,
    "Fn::Select": _fn_select,
    "Fn::Split": _fn_split,
    "Fn::FindInMap": _fn_find_in_map,
    "Fn::If": _fn_if,
    "Fn::Base64": _fn_base64,
    "Fn::Length": _fn_length,
    "Fn::ToJsonString": _fn_to_json,
    "Fn::ImportValue": _fn_import,
    "Fn::GetAZs": _deploy_time("Fn::GetAZs", "the Availability Zones are known at deploy time"),
    "Fn::Cidr": _deploy_time("Fn::Cidr", "address blocks are computed at deploy time"),
    "Fn::Transform": _deploy_time("Fn::Transform", "a macro rewrites this value at deploy time"),
    "Fn::GetStackOutputs": _deploy_time("Fn::GetStackOutputs", "read at deploy time"),
    **{fn: _fn_condition_function(fn) for fn in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not")},
}


# ---------------------------------------------------------------------------
# Attributes of resources the model knows
# ---------------------------------------------------------------------------


def _bucket_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.s3_bucket(name)


def _key_id(r: Resolver, logical: str, name: Any) -> Any:
    return r.token(logical)


def _key_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.kms_key(r.token(logical))


def _log_group_arn(r: Resolver, logical: str, name: Any) -> Any:
    # CloudFormation's Arn attribute of a log group ends in ``:*`` (Terraform's does not).
    return arns.log_group(name) + ":*"


def _topic_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.sns_topic(name)


def _iam_path(r: Resolver, logical: str) -> str:
    path = r.resolve(r.properties(logical).get("Path", "/"))
    return path if isinstance(path, str) and path.startswith("/") else "/"


def _role_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.iam_role(name, _iam_path(r, logical))


def _policy_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.iam_policy(name, _iam_path(r, logical))


def _trail_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.cloudtrail_trail(name)


def _rule_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.events_rule(name)


def _alarm_arn(r: Resolver, logical: str, name: Any) -> Any:
    return arns.cloudwatch_alarm(name)


def _same_name(r: Resolver, logical: str, name: Any) -> Any:
    return name


_ATTRIBUTES: dict[tuple[str, str], Any] = {
    ("AWS::S3::Bucket", "Arn"): _bucket_arn,
    ("AWS::S3::Bucket", "DomainName"): lambda r, lg, n: f"{n}.s3.amazonaws.com",
    ("AWS::KMS::Key", "Arn"): _key_arn,
    ("AWS::KMS::Key", "KeyId"): _key_id,
    ("AWS::Logs::LogGroup", "Arn"): _log_group_arn,
    ("AWS::SNS::Topic", "TopicArn"): _topic_arn,
    ("AWS::SNS::Topic", "TopicName"): _same_name,
    ("AWS::IAM::Role", "Arn"): _role_arn,
    ("AWS::IAM::ManagedPolicy", "PolicyArn"): _policy_arn,
    ("AWS::CloudTrail::Trail", "Arn"): _trail_arn,
    ("AWS::Events::Rule", "Arn"): _rule_arn,
    ("AWS::CloudWatch::Alarm", "Arn"): _alarm_arn,
}
