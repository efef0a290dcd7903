"""``aws_s3_bucket`` → ``Bucket``, and ``aws_s3_account_public_access_block``.

A bucket is written either inline (provider v3: ``acl``, ``versioning {}``,
``lifecycle_rule {}``... on the bucket) or split (provider v4+: ``aws_s3_bucket_versioning``
and friends). Split resources are merged into the ``Bucket`` they name, matched by the
resolved (possibly symbolic) bucket name; a later one overrides an earlier setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field

from scanner.model import (
    AccountPublicAccessBlock,
    Attr,
    Bucket,
    LifecycleRule,
    LifecycleTransition,
    PolicyDocument,
    PublicAccessBlock,
    Suppression,
)
from scanner.parsers.attachments import known_names
from scanner.parsers.terraform.attributes import MISSING
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.records.attrs import (
    attr,
    bool_attr,
    computed,
    int_attr,
    is_enabled_text,
    known_str,
    policy_attr,
    str_attr,
    to_str,
)
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.values import Value
from scanner.valueclass import ValueObject, value_class

# Canned ACLs as the S3 API spells them; Terraform takes these spellings, any case.
CANNED_ACLS = frozenset({
    "private", "public-read", "public-read-write", "authenticated-read",
    "log-delivery-write", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read",
})
_SIZE_FILTERS = ("object_size_greater_than", "object_size_less_than")


@value_class(frozen=False)
class _BucketParts(ValueObject):
    """What the bucket and the split resources naming it set; None = not written anywhere."""

    inst: ResourceInstance
    name: Attr[str]
    arn: Attr[str]
    policy: Attr[PolicyDocument] | None = None
    policy_ref: str = ""
    pab: Attr[PublicAccessBlock] | None = None
    acl: Attr[str] | None = None
    lifecycle: Attr[tuple[LifecycleRule, ...]] | None = None
    logging: Attr[str] | None = None
    versioning: Attr[str] | None = None
    mfa_delete: Attr[bool] | None = None
    object_lock: Attr[bool] | None = None
    retention: Attr[int] | None = None
    grantees: list[str] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)


def account_public_access_blocks(resources: Resources) -> tuple[AccountPublicAccessBlock, ...]:
    return tuple(
        AccountPublicAccessBlock(**resources.common(i), settings=public_access_block(i.view))
        for i in resources.of("aws_s3_account_public_access_block")
    )


def public_access_block(view: BodyView) -> PublicAccessBlock:
    return PublicAccessBlock(
        block_public_acls=bool_attr(view, "block_public_acls", False),
        block_public_policy=bool_attr(view, "block_public_policy", False),
        ignore_public_acls=bool_attr(view, "ignore_public_acls", False),
        restrict_public_buckets=bool_attr(view, "restrict_public_buckets", False),
        span=view.span,
    )


def buckets(resources: Resources) -> tuple[Bucket, ...]:
    parts: list[_BucketParts] = []
    for inst in resources.of("aws_s3_bucket"):
        part = _BucketParts(
            inst=inst,
            name=computed(inst, "bucket", "bucket"),
            arn=computed(inst, "arn", "bucket"),
        )
        _inline(part)
        parts.append(part)
    owners = [(p.inst.ref, known_names(p.name, p.arn)) for p in parts]
    for rtype, merge, setting in _SPLIT:
        attached = resources.attach(owners, rtype, "bucket")
        for part in parts:
            for inst in attached.of(part.inst.ref):
                merge(part, inst.view)
                if rtype == "aws_s3_bucket_policy":
                    part.policy_ref = inst.ref  # CT011 orders the trail after it
                part.suppressions.extend(inst.own_suppressions())
            maybe = attached.maybe(part.inst.ref, part.name.known)
            if maybe and getattr(part, setting) is None:
                # A split resource whose bucket cannot be told may be this bucket's.
                inst, why = maybe[0]
                setattr(part, setting, Attr.unknown(
                    inst.header, f"{why}; it may configure {part.inst.ref}", rtype
                ))
    return tuple(_bucket(resources, p) for p in parts)


def _bucket(resources: Resources, part: _BucketParts) -> Bucket:
    header = part.inst.header
    common = resources.common(part.inst)
    common["suppressions"] = tuple(
        dict.fromkeys((*common["suppressions"], *part.suppressions))
    )
    # Defaults carry the name a user would write today: the split resource where provider
    # v4+ moved the setting, the attribute otherwise.
    return Bucket(
        **common,
        name=part.name,
        arn=part.arn,
        policy=part.policy or Attr.default(None, header, "policy"),
        policy_ref=part.policy_ref,
        public_access_block=part.pab or Attr.default(
            None, header, "aws_s3_bucket_public_access_block"
        ),
        acl=part.acl or Attr.default("private", header, "acl"),
        acl_grantees=tuple(dict.fromkeys(part.grantees)),
        lifecycle_rules=part.lifecycle or Attr.default(
            (), header, "aws_s3_bucket_lifecycle_configuration"
        ),
        logging_target=part.logging or Attr.default(None, header, "aws_s3_bucket_logging"),
        versioning=part.versioning or Attr.default("Disabled", header, "aws_s3_bucket_versioning"),
        mfa_delete=part.mfa_delete or Attr.default(False, header, "mfa_delete"),
        object_lock=part.object_lock or Attr.default(False, header, "object_lock_enabled"),
        object_lock_retention_days=part.retention or Attr.default(None, header, "default_retention"),
    )


def _canned_acl(value: Value) -> str:
    """The S3 API spelling of a canned ACL; anything else stays as written."""
    text = to_str(value)
    return text.lower() if text.lower() in CANNED_ACLS else text


def _acl(view: BodyView) -> Attr[str]:
    return attr(view, "acl", "private", _canned_acl)


# ---------------------------------------------------------------------------
# Inline shape (settings on aws_s3_bucket itself)
# ---------------------------------------------------------------------------


def _inline(part: _BucketParts) -> None:
    view = part.inst.view
    if view.has("policy"):
        part.policy = policy_attr(view, "policy")
        part.policy_ref = part.inst.ref
    if view.has("acl"):
        part.acl = _acl(view)
    for grant in view.blocks("grant"):
        for key in ("uri", "id"):
            value = known_str(grant.value(key))
            if value:
                part.grantees.append(value)
    for logging in view.blocks("logging"):
        part.logging = str_attr(logging, "target_bucket", source_name="logging.target_bucket")
    for versioning in view.blocks("versioning"):
        enabled = bool_attr(versioning, "enabled", False, source_name="versioning.enabled")
        part.versioning = _versioning_from_bool(enabled)
        part.mfa_delete = bool_attr(versioning, "mfa_delete", False,
                                    source_name="versioning.mfa_delete")
    rules = [_inline_rule(r) for r in view.blocks("lifecycle_rule")]
    if rules:
        part.lifecycle = Attr.explicit(tuple(rules), rules[0].span, "lifecycle_rule")
    if view.has("object_lock_enabled"):
        part.object_lock = bool_attr(view, "object_lock_enabled", False)
    for olc in view.blocks("object_lock_configuration"):
        enabled = olc.value("object_lock_enabled")
        if enabled is not MISSING:
            part.object_lock = attr(olc, "object_lock_enabled", False, is_enabled_text,
                                    source_name="object_lock_configuration.object_lock_enabled")
        _retention(part, olc, "object_lock_configuration.")


def _versioning_from_bool(enabled: Attr[bool]) -> Attr[str]:
    if not enabled.known:
        return Attr.unknown(enabled.span, enabled.reason, enabled.name)
    value = "Enabled" if enabled.value else "Disabled"
    return Attr(value=value, origin=enabled.origin, span=enabled.span, name=enabled.name)


def _inline_rule(view: BodyView) -> LifecycleRule:
    tags = view.value("tags")
    return LifecycleRule(
        id=known_str(view.value("id")) or "",
        enabled=bool_attr(view, "enabled", False),
        prefix=str_attr(view, "prefix", ""),
        narrowed=bool(tags) and tags is not MISSING,
        transitions=_transitions(view),
        expiration_days=_expiration(view),
        span=view.span,
        maybe=view.maybe,
    )


# ---------------------------------------------------------------------------
# Split shape (provider v4+ resources naming the bucket)
# ---------------------------------------------------------------------------


def _split_policy(part: _BucketParts, view: BodyView) -> None:
    part.policy = policy_attr(view, "policy")


def _split_pab(part: _BucketParts, view: BodyView) -> None:
    part.pab = Attr.explicit(public_access_block(view), view.span,
                             "aws_s3_bucket_public_access_block")


def _split_logging(part: _BucketParts, view: BodyView) -> None:
    part.logging = str_attr(view, "target_bucket")


def _split_versioning(part: _BucketParts, view: BodyView) -> None:
    for conf in view.blocks("versioning_configuration"):
        part.versioning = str_attr(conf, "status", "Disabled",
                                   source_name="versioning_configuration.status")
        part.mfa_delete = attr(conf, "mfa_delete", False, is_enabled_text,
                               source_name="versioning_configuration.mfa_delete")


def _split_acl(part: _BucketParts, view: BodyView) -> None:
    if view.has("acl"):
        part.acl = _acl(view)
    for acp in view.blocks("access_control_policy"):
        for grant in acp.blocks("grant"):
            for grantee in grant.blocks("grantee"):
                for key in ("uri", "id", "email_address"):
                    value = known_str(grantee.value(key))
                    if value:
                        part.grantees.append(value)


def _split_object_lock(part: _BucketParts, view: BodyView) -> None:
    part.object_lock = Attr.explicit(True, view.header, "aws_s3_bucket_object_lock_configuration")
    _retention(part, view, "")


def _split_lifecycle(part: _BucketParts, view: BodyView) -> None:
    rules = [_split_rule(r) for r in view.blocks("rule")]
    part.lifecycle = Attr.explicit(tuple(rules), view.span, "rule")


def _split_rule(view: BodyView) -> LifecycleRule:
    status = attr(view, "status", False, is_enabled_text)
    prefix: Attr[str] = str_attr(view, "prefix", "")
    narrowed = False
    for flt in view.blocks("filter"):
        prefix = str_attr(flt, "prefix", "", flt.header, "filter.prefix")
        narrowed = bool(flt.blocks("tag")) or any(flt.has(k) for k in _SIZE_FILTERS)
        for conj in flt.blocks("and"):
            prefix = str_attr(conj, "prefix", "", conj.header, "filter.and.prefix")
            tags = conj.value("tags")
            narrowed = narrowed or bool(tags and tags is not MISSING) or any(
                conj.has(k) for k in _SIZE_FILTERS
            )
        if flt.maybe and prefix.known:
            prefix = Attr.unknown(flt.span, "lifecycle filter from an unknown dynamic block",
                                  "filter")
    return LifecycleRule(
        id=known_str(view.value("id")) or "",
        enabled=status,
        prefix=prefix,
        narrowed=narrowed,
        transitions=_transitions(view),
        expiration_days=_expiration(view),
        span=view.span,
        maybe=view.maybe,
    )


# (split resource type, how it merges, the setting it decides when it may apply).
_SPLIT: tuple[tuple[str, Callable[[_BucketParts, BodyView], None], str], ...] = (
    ("aws_s3_bucket_policy", _split_policy, "policy"),
    ("aws_s3_bucket_public_access_block", _split_pab, "pab"),
    ("aws_s3_bucket_lifecycle_configuration", _split_lifecycle, "lifecycle"),
    ("aws_s3_bucket_logging", _split_logging, "logging"),
    ("aws_s3_bucket_versioning", _split_versioning, "versioning"),
    ("aws_s3_bucket_acl", _split_acl, "acl"),
    ("aws_s3_bucket_object_lock_configuration", _split_object_lock, "object_lock"),
)


# ---------------------------------------------------------------------------
# Shared by both shapes
# ---------------------------------------------------------------------------


def _retention(part: _BucketParts, view: BodyView, path: str) -> None:
    """Object lock default retention in days (``years`` counts 365 days each)."""
    where = f"{path}rule.default_retention."
    for rule in view.blocks("rule"):
        for retention in rule.blocks("default_retention"):
            days = int_attr(retention, "days", source_name=f"{where}days")
            if days.value is None and days.known:
                years = int_attr(retention, "years", source_name=f"{where}years")
                if years.known and years.value is not None:
                    days = Attr.explicit(years.value * 365, years.span, years.name)
                elif not years.known:
                    days = years
            part.retention = days


def _transitions(view: BodyView) -> tuple[LifecycleTransition, ...]:
    out = []
    for t in view.blocks("transition"):
        storage = known_str(t.value("storage_class")) or ""
        days = int_attr(t, "days")
        if days.value is None and days.known and t.has("date"):
            days = Attr.explicit(0, t.attr_span("date"), "date")
        out.append(LifecycleTransition(storage_class=storage, days=days))
    return tuple(out)


def _expiration(view: BodyView) -> Attr[int]:
    for exp in view.blocks("expiration"):
        return int_attr(exp, "days", None, exp.header, "expiration.days")
    return Attr.default(None, view.header, "expiration.days")
