"""``aws_iam_role`` → ``Role``: its trust policy and every permission policy it gets
(inline blocks, ``aws_iam_role_policy``, attachments and ``managed_policy_arns`` of
``aws_iam_policy`` resources in the same unit).

A permission whose document cannot be read here (an AWS-managed policy, an unresolved
ARN) makes ``permissions_complete`` false, so policies never pass on a partial view.
"""

from __future__ import annotations

from scanner.model import Attr, PolicyDocument, Role, Span
from scanner.parsers.terraform.records.attrs import computed, policy_attr
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.values import UnknownValue, Value


def roles(resources: Resources) -> tuple[Role, ...]:
    managed: dict[str, ResourceInstance] = {}  # by ARN, and by ref for references
    for pol in resources.of("aws_iam_policy"):
        arn = pol.computed("arn")
        if isinstance(arn, str):
            managed.setdefault(arn, pol)
        managed.setdefault(pol.ref, pol)
    return tuple(_role(resources, i, managed) for i in resources.of("aws_iam_role"))


def _role(resources: Resources, inst: ResourceInstance, managed: dict[str, ResourceInstance]) -> Role:
    view = inst.view
    name_attr = "name" if view.has("name") else "name_prefix"
    name = computed(inst, "name", name_attr)
    arn = computed(inst, "arn", name_attr)
    docs: list[PolicyDocument] = []
    complete = True
    for inline in view.blocks("inline_policy"):
        complete = _add_doc(docs, policy_attr(inline, "policy")) and complete
    role_names = {v for v in (name.value,) if isinstance(v, str)}
    for rp in resources.naming("aws_iam_role_policy", "role", inst, role_names):
        complete = _add_doc(docs, policy_attr(rp.view, "policy")) and complete
    arns: list[tuple[Value, Span]] = []
    for att in resources.naming("aws_iam_role_policy_attachment", "role", inst, role_names):
        arn_value = att.view.target("policy_arn") or att.view.value("policy_arn")
        arns.append((arn_value, att.view.attr_span("policy_arn")))
    mpa = view.value("managed_policy_arns")
    if isinstance(mpa, UnknownValue):
        complete = False
    elif isinstance(mpa, list):
        arns.extend((a, view.attr_span("managed_policy_arns")) for a in mpa)
    for policy_arn, _span in arns:
        pol = managed.get(policy_arn) if isinstance(policy_arn, str) else None
        if pol is None:
            complete = False
            continue
        complete = _add_doc(docs, policy_attr(pol.view, "policy")) and complete
    return Role(
        **resources.common(inst),
        name=name,
        arn=arn,
        trust_policy=policy_attr(view, "assume_role_policy"),
        permission_policies=tuple(docs),
        permissions_complete=complete,
    )


def _add_doc(docs: list[PolicyDocument], doc: Attr[PolicyDocument]) -> bool:
    """Add ``doc`` to ``docs``; False when it is (partly) unknown."""
    if doc.known and doc.value is not None:
        docs.append(doc.value)
        return not doc.value.unknown
    if not doc.known:
        docs.append(PolicyDocument(statements=(), span=doc.span, unknown=doc.reason))
        return False
    return True
