"""``AWS::IAM::Role`` → ``Role``, with every identity policy that reaches it.

A role's permissions come from its inline ``Policies``, the ``ManagedPolicyArns`` it
lists (a customer-managed ``AWS::IAM::ManagedPolicy`` in the unit, by ARN) and the
separate ``AWS::IAM::Policy`` / ``ManagedPolicy`` / ``RolePolicy`` resources that name
it. A managed policy from outside the unit leaves the permissions incomplete.
"""

from __future__ import annotations

import functools

from scanner.model import Attr, PolicyDocument, Role
from scanner.parsers.attachments import Attachments, attach, known_names
from scanner.parsers.cloudformation.decode import PosDict
from scanner.parsers.cloudformation.intrinsics import NO_VALUE
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope, derived
from scanner.parsers.cloudformation.values import Unresolved
from scanner.parsers.common import UnknownValue, target_of

KIND = "AWS::IAM::Role"
MANAGED_POLICY_KIND = "AWS::IAM::ManagedPolicy"
POLICY_KIND = "AWS::IAM::Policy"
ROLE_POLICY_KIND = "AWS::IAM::RolePolicy"


class _Policies:
    """The unit's standalone IAM policies, each resolved once, when a role first asks."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._documents: dict[str, PolicyDocument] = {}

    def document(self, res: Resource) -> PolicyDocument:
        if res.ref not in self._documents:
            self._documents[res.ref] = self.scope.policy_document(res)
        return self._documents[res.ref]

    @functools.cached_property
    def managed(self) -> dict[str, PolicyDocument]:
        """``PolicyArn`` (and ref) of each customer-managed policy → its document."""
        out: dict[str, PolicyDocument] = {}
        for res in self.scope.of(MANAGED_POLICY_KIND):
            out[res.ref] = self.document(res)
            arn = res.resolver.get_att(res.logical, "PolicyArn")
            if isinstance(arn, str):
                out[str(arn)] = self.document(res)
        return out

    @functools.cached_property
    def attached(self) -> Attachments[Resource]:
        """Role → the policy resources naming it (by reference, else by name), by ref."""
        kinds = (POLICY_KIND, MANAGED_POLICY_KIND, ROLE_POLICY_KIND)
        found = [res for kind in kinds for res in self.scope.of(kind)]
        dependents: list[tuple[Resource, str, object]] = []
        for res in sorted(found, key=lambda r: r.ref):
            if res.kind == ROLE_POLICY_KIND:
                dependents.append((res, "RoleName", res.resolver.resolve(res.props.get("RoleName"))))
            else:
                value = res.resolver.resolve(res.props.get("Roles"))
                dependents.append((res, "Roles", value if isinstance(value, list | UnknownValue) else []))
        owners = [(ref, known_names(n)) for ref, n in self.names.items()]
        return attach(owners, dependents)

    @functools.cached_property
    def names(self) -> dict[str, Attr[str]]:
        return {res.ref: self.scope.name_attr(res, "RoleName") for res in self.scope.of(KIND)}

    def attached_to(self, role_ref: str) -> list[PolicyDocument]:
        # a policy may list a role twice
        found = {res.ref: res for res in self.attached.of(role_ref)}
        return [self.document(res) for res in found.values()]


def roles(scope: Scope) -> tuple[Role, ...]:
    policies = _Policies(scope)
    return tuple(role(scope, res, policies) for res in scope.of(KIND))


def role(scope: Scope, res: Resource, policies: _Policies) -> Role:
    vals, props = scope.values(res), res.props
    name = policies.names[res.ref]
    arn = derived(name, res.resolver.get_att(res.logical, "Arn"), "Arn")
    documents: list[PolicyDocument] = []
    complete = True
    try:
        for item, _span in vals.items(props, "Policies"):
            if isinstance(item, PosDict) and "PolicyDocument" in item:
                documents.append(
                    vals.policy(item["PolicyDocument"], vals.key_span(item, "PolicyDocument"))
                )
            else:
                complete = False
    except Unresolved:
        complete = False
    managed = policies.managed
    if "ManagedPolicyArns" in props:
        value = res.resolver.resolve(props["ManagedPolicyArns"])
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is NO_VALUE:
                continue
            key = target_of(item) or (str(item) if isinstance(item, str) else "")
            if key in managed:
                documents.append(managed[key])
            else:
                complete = False
    for doc in policies.attached_to(res.ref):
        if doc not in documents:
            documents.append(doc)
    if policies.attached.maybe(res.ref):
        complete = False  # a policy whose role cannot be told may be this role's
    return Role(
        **record_fields(scope, res),
        name=name,
        arn=arn,
        trust_policy=scope.policy_attr(res, props, "AssumeRolePolicyDocument"),
        permission_policies=tuple(documents),
        permissions_complete=complete,
    )
