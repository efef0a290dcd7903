"""``aws_iam_role`` → ``Role``: its trust policy and every permission policy it gets
(inline blocks, ``aws_iam_role_policy``, attachments and ``managed_policy_arns`` of
``aws_iam_policy`` resources in the same unit).

A permission whose document cannot be read here (an AWS-managed policy, an unresolved
ARN) makes ``permissions_complete`` false, so policies never pass on a partial view.
"""

from __future__ import annotations

from scanner.model import Attr, PolicyDocument, Role, Span
from scanner.parsers.attachments import Attachments, known_names
from scanner.parsers.terraform.records.attrs import computed, policy_attr
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.values import UnknownValue, Value, target_of
from scanner.valueclass import ValueObject, value_class


def roles(resources: Resources) -> tuple[Role, ...]:
    managed: dict[str, ResourceInstance] = {}  # by ARN, and by ref for references
    for pol in resources.of("aws_iam_policy"):
        managed[pol.ref] = pol
        arn = pol.computed("arn")
        if isinstance(arn, str):
            managed.setdefault(str(arn), pol)
    insts = resources.of("aws_iam_role")
    names = {i.ref: _name_attr(i) for i in insts}
    owners = [(ref, known_names(n)) for ref, n in names.items()]
    links = _Links(
        inline=resources.attach(owners, "aws_iam_role_policy", "role"),
        attachments=resources.attach(owners, "aws_iam_role_policy_attachment", "role"),
        shared=resources.attach(owners, "aws_iam_policy_attachment", "roles"),
    )
    return tuple(_role(resources, i, names[i.ref], managed, links) for i in insts)


@value_class(frozen=False)
class _Links(ValueObject):
    """``aws_iam_role_policy`` and the policy attachments, by role."""

    inline: Attachments[ResourceInstance]
    attachments: Attachments[ResourceInstance]
    # ``aws_iam_policy_attachment``: one managed policy for a list of roles
    shared: Attachments[ResourceInstance]


def _name_attr(inst: ResourceInstance) -> Attr[str]:
    return computed(inst, "name", "name" if inst.view.has("name") else "name_prefix")


def _role(
    resources: Resources, inst: ResourceInstance, name: Attr[str],
    managed: dict[str, ResourceInstance],
    links: _Links,
) -> Role:
    view = inst.view
    name_attr = "name" if view.has("name") else "name_prefix"
    arn = computed(inst, "arn", name_attr)
    docs: list[PolicyDocument] = []
    complete = True
    for inline in view.blocks("inline_policy"):
        complete = _add_doc(docs, policy_attr(inline, "policy")) and complete
    for rp in links.inline.of(inst.ref):
        complete = _add_doc(docs, policy_attr(rp.view, "policy")) and complete
    arns: list[tuple[Value, Span]] = []
    for att in (*links.attachments.of(inst.ref), *links.shared.of(inst.ref)):
        arns.append((att.view.value("policy_arn"), att.view.attr_span("policy_arn")))
    if any(table.maybe(inst.ref, name.known) for table in (links.inline, links.attachments, links.shared)):
        complete = False  # a policy whose role cannot be told may be this role's
    mpa = view.value("managed_policy_arns")
    if isinstance(mpa, UnknownValue):
        complete = False
    elif isinstance(mpa, list):
        arns.extend((a, view.attr_span("managed_policy_arns")) for a in mpa)
    for policy_arn, _span in arns:
        key = target_of(policy_arn) or (str(policy_arn) if isinstance(policy_arn, str) else "")
        pol = managed.get(key)
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
