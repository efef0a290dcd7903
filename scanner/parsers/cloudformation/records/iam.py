"""``AWS::IAM::Role`` → ``Role``, with every identity policy that reaches it.

A role's permissions come from its inline ``Policies``, the ``ManagedPolicyArns`` it
lists (a customer-managed ``AWS::IAM::ManagedPolicy`` in the unit, by ARN) and the
separate ``AWS::IAM::Policy`` / ``ManagedPolicy`` / ``RolePolicy`` resources that name
it. A managed policy from outside the unit leaves the permissions incomplete.
"""

from __future__ import annotations

import functools

from scanner.model import PolicyDocument, Role
from scanner.parsers.cloudformation.decode import PosDict
from scanner.parsers.cloudformation.intrinsics import NO_VALUE
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope, derived
from scanner.parsers.cloudformation.values import Unresolved

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
        """``PolicyArn`` of each customer-managed policy → its document."""
        out: dict[str, PolicyDocument] = {}
        for res in self.scope.of(MANAGED_POLICY_KIND):
            arn = res.resolver.get_att(res.logical, "PolicyArn")
            if isinstance(arn, str):
                out[arn] = self.document(res)
        return out

    @functools.cached_property
    def attached(self) -> dict[str, list[Resource]]:
        """Role name → the policy resources naming it, by ref."""
        out: dict[str, list[Resource]] = {}
        kinds = (POLICY_KIND, MANAGED_POLICY_KIND, ROLE_POLICY_KIND)
        found = [res for kind in kinds for res in self.scope.of(kind)]
        for res in sorted(found, key=lambda r: r.ref):
            if res.kind == ROLE_POLICY_KIND:
                names = [res.resolver.resolve(res.props.get("RoleName"))]
            else:
                roles = res.resolver.resolve(res.props.get("Roles"))
                names = roles if isinstance(roles, list) else []
            for name in dict.fromkeys(n for n in names if isinstance(n, str)):
                out.setdefault(name, []).append(res)
        return out

    def attached_to(self, role_name: str) -> list[PolicyDocument]:
        return [self.document(res) for res in self.attached.get(role_name, ())]


def roles(scope: Scope) -> tuple[Role, ...]:
    policies = _Policies(scope)
    return tuple(role(scope, res, policies) for res in scope.of(KIND))


def role(scope: Scope, res: Resource, policies: _Policies) -> Role:
    vals, props = scope.values(res), res.props
    name = scope.name_attr(res, "RoleName")
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
            if isinstance(item, str) and item in managed:
                documents.append(managed[item])
            else:
                complete = False
    if name.known:
        for doc in policies.attached_to(str(name.value)):
            if doc not in documents:
                documents.append(doc)
    return Role(
        **record_fields(scope, res),
        name=name,
        arn=arn,
        trust_policy=scope.policy_attr(res, props, "AssumeRolePolicyDocument"),
        permission_policies=tuple(documents),
        permissions_complete=complete,
    )
