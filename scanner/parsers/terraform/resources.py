"""Map evaluated Terraform resource instances onto the common model records.

Defaults are the AWS provider's documented ones (``Origin.DEFAULT``, span = the owning
block's header). Split S3 resources (provider v4+) are merged into the ``Bucket`` of the
bucket they name, matched by the resolved (possibly symbolic) bucket name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from scanner.model import (
    AccountPublicAccessBlock,
    AdvancedEventSelector,
    Alarm,
    Attr,
    Bucket,
    DataResource,
    EventRule,
    EventSelector,
    FieldSelector,
    KmsKey,
    LifecycleRule,
    LifecycleTransition,
    LogGroup,
    MetricFilter,
    Model,
    PolicyDocument,
    PublicAccessBlock,
    Role,
    Span,
    Topic,
    Trail,
    Unit,
)
from scanner.parsers.common import policy_document_from_json
from scanner.parsers.terraform.attributes import MISSING
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.module import Instance, ResourceValue
from scanner.parsers.terraform.values import (
    EvalError,
    JsonText,
    UnknownValue,
    first_unknown,
    to_bool,
    to_number,
    to_string,
)

T = TypeVar("T")
Value = Any


# ---------------------------------------------------------------------------
# Attribute conversion
# ---------------------------------------------------------------------------


def _to_int(value: Value) -> int:
    number = to_number(value)
    if not float(number).is_integer():
        raise EvalError(f"{value!r} is not a whole number")
    return int(number)


def _to_str(value: Value) -> str:
    if isinstance(value, list | dict):
        raise EvalError("expected a string, got a collection")
    return to_string(value)


def _to_strs(value: Value) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    hit = first_unknown(items)
    if hit is not None:
        raise _Unknown(hit.reason)
    return tuple(_to_str(v) for v in items if v is not None)


class _Unknown(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def attr(
    view: BodyView,
    name: str,
    default: T | None,
    conv: Callable[[Value], T],
    default_span: Span | None = None,
) -> Attr[T]:
    """One attribute as an ``Attr``: absent or null → DEFAULT, unresolved → UNKNOWN."""
    value = view.value(name)
    if value is MISSING or value is None:
        return Attr.default(default, default_span or view.header, name)
    span = view.attr_span(name)
    if isinstance(value, UnknownValue):
        return Attr.unknown(span, value.reason, name)
    try:
        return Attr.explicit(conv(value), span, name)
    except _Unknown as exc:
        return Attr.unknown(span, exc.reason, name)
    except (EvalError, ValueError, TypeError) as exc:
        return Attr.unknown(span, f"{name}: {exc}", name)


def str_attr(view: BodyView, name: str, default: str | None = None,
             default_span: Span | None = None) -> Attr[str]:
    return attr(view, name, default, _to_str, default_span)


def bool_attr(view: BodyView, name: str, default: bool | None,
              default_span: Span | None = None) -> Attr[bool]:
    return attr(view, name, default, to_bool, default_span)


def int_attr(view: BodyView, name: str, default: int | None = None,
             default_span: Span | None = None) -> Attr[int]:
    return attr(view, name, default, _to_int, default_span)


def plain_strs(view: BodyView, name: str) -> tuple[tuple[str, ...], str]:
    """A list attribute as strings, plus the reason when some part is unknown."""
    value = view.value(name)
    if value is MISSING or value is None:
        return (), ""
    if isinstance(value, UnknownValue):
        return (), value.reason
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    reason = ""
    for item in items:
        hit = first_unknown(item)
        if hit is not None:
            reason = reason or hit.reason
            continue
        try:
            out.append(_to_str(item))
        except EvalError as exc:
            reason = reason or str(exc)
    return tuple(out), reason


def policy_attr(view: BodyView, name: str, default_span: Span | None = None
                ) -> Attr[PolicyDocument]:
    value = view.value(name)
    if value is MISSING or value is None:
        return Attr.default(None, default_span or view.header, name)
    span = view.attr_span(name)
    if isinstance(value, UnknownValue):
        return Attr.unknown(span, value.reason, name)
    return Attr.explicit(policy_from_value(value, span), span, name)


def policy_from_value(value: Value, span: Span) -> PolicyDocument:
    if isinstance(value, JsonText):
        value = value.data
    return policy_document_from_json(value, span)


def _known_str(value: Value) -> str | None:
    return value if isinstance(value, str) else None


# ---------------------------------------------------------------------------
# Record assembly
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _BucketParts:
    inst: Instance
    name: Attr[str]
    arn: Attr[str]
    fields: dict[str, Any] = field(default_factory=dict)
    grantees: list[str] = field(default_factory=list)
    suppressions: list[Any] = field(default_factory=list)


class Mapper:
    def __init__(self, unit: str, instances: list[Instance]) -> None:
        self.unit = unit
        self.instances = instances
        self.by_type: dict[str, list[Instance]] = {}
        for inst in instances:
            self.by_type.setdefault(inst.type, []).append(inst)

    def of(self, rtype: str) -> list[Instance]:
        return self.by_type.get(rtype, [])

    def common(self, inst: Instance) -> dict[str, Any]:
        return {
            "ref": inst.ref,
            "span": inst.block.span,
            "unit": self.unit,
            "kind": inst.type,
            "suppressions": inst.module.suppressions
            + inst.module.source.suppressions(inst.block),
            "depends_on": inst.module.refs_of(inst.block),
        }

    @staticmethod
    def computed(inst: Instance, name: str, written_name: str) -> Attr[str]:
        """An identifying attribute (name/arn/id) from the provider's computation."""
        value = ResourceValue(inst.module, inst, False).attr(name)
        span = inst.view.attr_span(written_name) if inst.view.has(written_name) else (
            inst.block.header
        )
        if isinstance(value, UnknownValue):
            return Attr.unknown(span, value.reason)
        if not isinstance(value, str):
            return Attr.unknown(span, f"{inst.ref}.{name} is not a string")
        return Attr.explicit(value, span)

    # -- model ------------------------------------------------------------------

    def model(self, unit: Unit, problems: tuple[Any, ...]) -> Model:
        buckets = self.buckets()
        keys = self.kms_keys()
        return Model(
            units=(unit,),
            trails=tuple(self.trail(i) for i in self.of("aws_cloudtrail")),
            buckets=buckets,
            account_public_access_blocks=tuple(
                AccountPublicAccessBlock(**self.common(i), settings=self.pab(i.view))
                for i in self.of("aws_s3_account_public_access_block")
            ),
            kms_keys=keys,
            log_groups=tuple(self.log_group(i) for i in self.of("aws_cloudwatch_log_group")),
            metric_filters=tuple(
                self.metric_filter(i) for i in self.of("aws_cloudwatch_log_metric_filter")
            ),
            alarms=tuple(self.alarm(i) for i in self.of("aws_cloudwatch_metric_alarm")),
            topics=self.topics(),
            event_rules=self.event_rules(),
            roles=self.roles(),
            problems=problems,
        )

    # -- CloudTrail -------------------------------------------------------------------

    def trail(self, inst: Instance) -> Trail:
        view = inst.view
        selectors = [self.event_selector(v) for v in view.blocks("event_selector")]
        advanced = [self.advanced_selector(v) for v in view.blocks("advanced_event_selector")]
        return Trail(
            **self.common(inst),
            name=str_attr(view, "name"),
            s3_bucket_name=str_attr(view, "s3_bucket_name"),
            s3_key_prefix=str_attr(view, "s3_key_prefix"),
            is_multi_region=bool_attr(view, "is_multi_region_trail", False),
            include_global_service_events=bool_attr(view, "include_global_service_events", True),
            enable_logging=bool_attr(view, "enable_logging", True),
            log_file_validation=bool_attr(view, "enable_log_file_validation", False),
            kms_key_id=str_attr(view, "kms_key_id"),
            cloud_watch_logs_group_arn=str_attr(view, "cloud_watch_logs_group_arn"),
            cloud_watch_logs_role_arn=str_attr(view, "cloud_watch_logs_role_arn"),
            sns_topic_name=str_attr(view, "sns_topic_name"),
            is_organization_trail=bool_attr(view, "is_organization_trail", False),
            event_selectors=(
                Attr.explicit(tuple(selectors), selectors[0].span, "event_selector")
                if selectors else Attr.default((), view.header, "event_selector")
            ),
            advanced_event_selectors=(
                Attr.explicit(tuple(advanced), advanced[0].span, "advanced_event_selector")
                if advanced else Attr.default((), view.header, "advanced_event_selector")
            ),
        )

    def event_selector(self, view: BodyView) -> EventSelector:
        maybe = view.maybe
        resources = []
        for dr in view.blocks("data_resource"):
            rtype = dr.value("type")
            values, reason = plain_strs(dr, "values")
            if not isinstance(rtype, str):
                reason = reason or (
                    rtype.reason if isinstance(rtype, UnknownValue) else "data resource type is not set"
                )
            # The selector certainly exists; only what this data resource selects is
            # partly unknown, which the data resource itself records.
            resources.append(DataResource(
                type=rtype if isinstance(rtype, str) else "", values=values, span=dr.span,
                unknown=reason or "",
            ))
            maybe = maybe or dr.maybe
        excluded, reason = plain_strs(view, "exclude_management_event_sources")
        return EventSelector(
            read_write_type=str_attr(view, "read_write_type", "All"),
            include_management_events=bool_attr(view, "include_management_events", True),
            data_resources=tuple(resources),
            exclude_management_event_sources=excluded,
            span=view.span,
            maybe=maybe or bool(reason),
        )

    def advanced_selector(self, view: BodyView) -> AdvancedEventSelector:
        unknown: list[str] = []
        name = view.value("name")
        if isinstance(name, UnknownValue):
            unknown.append(name.reason)
        fields = []
        for fs in view.blocks("field_selector"):
            fname = fs.value("field")
            if not isinstance(fname, str):
                unknown.append(
                    fname.reason if isinstance(fname, UnknownValue) else "field is not set"
                )
                fname = ""
            lists: dict[str, tuple[str, ...]] = {}
            for key in ("equals", "not_equals", "starts_with", "not_starts_with",
                        "ends_with", "not_ends_with"):
                values, reason = plain_strs(fs, key)
                if reason:
                    unknown.append(reason)
                lists[key] = values
            if fs.maybe and not view.maybe:
                unknown.append("a dynamic field_selector iterates over an unknown collection")
            fields.append(FieldSelector(field=fname, **lists))
        return AdvancedEventSelector(
            name=name if isinstance(name, str) else "",
            field_selectors=tuple(fields),
            span=view.span,
            maybe=view.maybe,
            unknown="; ".join(dict.fromkeys(unknown)),
        )

    # -- S3 ---------------------------------------------------------------------------

    def pab(self, view: BodyView) -> PublicAccessBlock:
        return PublicAccessBlock(
            block_public_acls=bool_attr(view, "block_public_acls", False),
            block_public_policy=bool_attr(view, "block_public_policy", False),
            ignore_public_acls=bool_attr(view, "ignore_public_acls", False),
            restrict_public_buckets=bool_attr(view, "restrict_public_buckets", False),
            span=view.span,
        )

    def buckets(self) -> tuple[Bucket, ...]:
        parts: list[_BucketParts] = []
        by_name: dict[str, _BucketParts] = {}
        for inst in self.of("aws_s3_bucket"):
            part = _BucketParts(
                inst=inst,
                name=self.computed(inst, "bucket", "bucket"),
                arn=self.computed(inst, "arn", "bucket"),
            )
            self._inline_bucket(part)
            parts.append(part)
            if part.name.known and isinstance(part.name.value, str):
                by_name.setdefault(part.name.value, part)
        for rtype, handler in (
            ("aws_s3_bucket_policy", self._split_policy),
            ("aws_s3_bucket_public_access_block", self._split_pab),
            ("aws_s3_bucket_lifecycle_configuration", self._split_lifecycle),
            ("aws_s3_bucket_logging", self._split_logging),
            ("aws_s3_bucket_versioning", self._split_versioning),
            ("aws_s3_bucket_acl", self._split_acl),
            ("aws_s3_bucket_object_lock_configuration", self._split_object_lock),
        ):
            for inst in self.of(rtype):
                target = _known_str(inst.view.value("bucket"))
                part = by_name.get(target) if target is not None else None
                if part is None:
                    continue
                handler(part, inst.view)
                if rtype == "aws_s3_bucket_policy":
                    part.fields["policy_ref"] = inst.ref  # CT011 orders the trail after it
                part.suppressions.extend(inst.module.source.suppressions(inst.block))
        return tuple(self._bucket(p) for p in parts)

    def _bucket(self, part: _BucketParts) -> Bucket:
        header = part.inst.block.header
        f = part.fields
        common = self.common(part.inst)
        common["suppressions"] = tuple(
            dict.fromkeys((*common["suppressions"], *part.suppressions))
        )
        return Bucket(
            **common,
            name=part.name,
            arn=part.arn,
            policy=f.get("policy") or Attr.default(None, header),
            policy_ref=f.get("policy_ref", ""),
            public_access_block=f.get("pab") or Attr.default(None, header),
            acl=f.get("acl") or Attr.default("private", header),
            acl_grantees=tuple(dict.fromkeys(part.grantees)),
            lifecycle_rules=f.get("lifecycle") or Attr.default((), header),
            logging_target=f.get("logging") or Attr.default(None, header),
            versioning=f.get("versioning") or Attr.default("Disabled", header),
            mfa_delete=f.get("mfa_delete") or Attr.default(False, header),
            object_lock=f.get("object_lock") or Attr.default(False, header),
            object_lock_retention_days=f.get("retention") or Attr.default(None, header),
        )

    def _inline_bucket(self, part: _BucketParts) -> None:
        view = part.inst.view
        f = part.fields
        if view.has("policy"):
            f["policy"] = policy_attr(view, "policy")
            f["policy_ref"] = part.inst.ref
        if view.has("acl"):
            f["acl"] = str_attr(view, "acl", "private")
        for grant in view.blocks("grant"):
            for key in ("uri", "id"):
                value = _known_str(grant.value(key))
                if value:
                    part.grantees.append(value)
        for logging in view.blocks("logging"):
            f["logging"] = str_attr(logging, "target_bucket")
        for versioning in view.blocks("versioning"):
            enabled = bool_attr(versioning, "enabled", False)
            f["versioning"] = _versioning_from_bool(enabled)
            f["mfa_delete"] = bool_attr(versioning, "mfa_delete", False)
        rules = [self._inline_rule(r) for r in view.blocks("lifecycle_rule")]
        if rules:
            f["lifecycle"] = Attr.explicit(tuple(rules), rules[0].span)
        if view.has("object_lock_enabled"):
            f["object_lock"] = bool_attr(view, "object_lock_enabled", False)
        for olc in view.blocks("object_lock_configuration"):
            enabled = olc.value("object_lock_enabled")
            if enabled is not MISSING:
                f["object_lock"] = attr(olc, "object_lock_enabled", False,
                                        lambda v: _to_str(v) == "Enabled")
            self._retention(part, olc)

    def _retention(self, part: _BucketParts, view: BodyView) -> None:
        for rule in view.blocks("rule"):
            for retention in rule.blocks("default_retention"):
                days = int_attr(retention, "days")
                if days.value is None and days.known:
                    years = int_attr(retention, "years")
                    if years.known and years.value is not None:
                        days = Attr.explicit(years.value * 365, years.span)
                    elif not years.known:
                        days = years
                part.fields["retention"] = days

    def _inline_rule(self, view: BodyView) -> LifecycleRule:
        tags = view.value("tags")
        return LifecycleRule(
            id=_known_str(view.value("id")) or "",
            enabled=bool_attr(view, "enabled", False),
            prefix=str_attr(view, "prefix", ""),
            narrowed=bool(tags) and tags is not MISSING,
            transitions=self._transitions(view),
            expiration_days=self._expiration(view),
            span=view.span,
            maybe=view.maybe,
        )

    def _transitions(self, view: BodyView) -> tuple[LifecycleTransition, ...]:
        out = []
        for t in view.blocks("transition"):
            storage = _known_str(t.value("storage_class")) or ""
            days = int_attr(t, "days")
            if days.value is None and days.known and t.has("date"):
                days = Attr.explicit(0, t.attr_span("date"))
            out.append(LifecycleTransition(storage_class=storage, days=days))
        return tuple(out)

    def _expiration(self, view: BodyView) -> Attr[int]:
        for exp in view.blocks("expiration"):
            return int_attr(exp, "days", None, exp.header)
        return Attr.default(None, view.header)

    def _split_policy(self, part: _BucketParts, view: BodyView) -> None:
        part.fields["policy"] = policy_attr(view, "policy")

    def _split_pab(self, part: _BucketParts, view: BodyView) -> None:
        part.fields["pab"] = Attr.explicit(self.pab(view), view.span)

    def _split_logging(self, part: _BucketParts, view: BodyView) -> None:
        part.fields["logging"] = str_attr(view, "target_bucket")

    def _split_versioning(self, part: _BucketParts, view: BodyView) -> None:
        for conf in view.blocks("versioning_configuration"):
            part.fields["versioning"] = str_attr(conf, "status", "Disabled")
            part.fields["mfa_delete"] = attr(conf, "mfa_delete", False,
                                             lambda v: _to_str(v) == "Enabled")

    def _split_acl(self, part: _BucketParts, view: BodyView) -> None:
        if view.has("acl"):
            part.fields["acl"] = str_attr(view, "acl", "private")
        for acp in view.blocks("access_control_policy"):
            for grant in acp.blocks("grant"):
                for grantee in grant.blocks("grantee"):
                    for key in ("uri", "id", "email_address"):
                        value = _known_str(grantee.value(key))
                        if value:
                            part.grantees.append(value)

    def _split_object_lock(self, part: _BucketParts, view: BodyView) -> None:
        part.fields["object_lock"] = Attr.explicit(True, view.header)
        self._retention(part, view)

    def _split_lifecycle(self, part: _BucketParts, view: BodyView) -> None:
        rules = [self._split_rule(r) for r in view.blocks("rule")]
        part.fields["lifecycle"] = Attr.explicit(tuple(rules), view.span)

    def _split_rule(self, view: BodyView) -> LifecycleRule:
        status = attr(view, "status", False, lambda v: _to_str(v) == "Enabled")
        prefix: Attr[str] = str_attr(view, "prefix", "")
        narrowed = False
        for flt in view.blocks("filter"):
            prefix = str_attr(flt, "prefix", "", flt.header)
            narrowed = bool(flt.blocks("tag")) or any(
                flt.has(k) for k in ("object_size_greater_than", "object_size_less_than")
            )
            for conj in flt.blocks("and"):
                prefix = str_attr(conj, "prefix", "", conj.header)
                tags = conj.value("tags")
                narrowed = narrowed or bool(tags and tags is not MISSING) or any(
                    conj.has(k) for k in ("object_size_greater_than", "object_size_less_than")
                )
            if flt.maybe and prefix.known:
                prefix = Attr.unknown(flt.span, "lifecycle filter from an unknown dynamic block")
        return LifecycleRule(
            id=_known_str(view.value("id")) or "",
            enabled=status,
            prefix=prefix,
            narrowed=narrowed,
            transitions=self._transitions(view),
            expiration_days=self._expiration(view),
            span=view.span,
            maybe=view.maybe,
        )

    # -- KMS ----------------------------------------------------------------------

    def kms_keys(self) -> tuple[KmsKey, ...]:
        keys = []
        for inst in self.of("aws_kms_key"):
            view = inst.view
            key_id = self.computed(inst, "key_id", "")
            arn = self.computed(inst, "arn", "")
            policy = policy_attr(view, "policy")
            match = {v for v in (key_id.value, arn.value) if isinstance(v, str)}
            for kp in self.of("aws_kms_key_policy"):
                if _known_str(kp.view.value("key_id")) in match:
                    policy = policy_attr(kp.view, "policy")
            aliases = []
            for alias in self.of("aws_kms_alias"):
                if _known_str(alias.view.value("target_key_id")) in match:
                    name = ResourceValue(alias.module, alias, False).attr("name")
                    if isinstance(name, str):
                        aliases.append(name)
            spec_name = "customer_master_key_spec" if view.has("customer_master_key_spec") else (
                "key_spec"
            )
            keys.append(KmsKey(
                **self.common(inst),
                key_id=key_id,
                arn=arn,
                aliases=tuple(sorted(set(aliases))),
                policy=policy,
                rotation=bool_attr(view, "enable_key_rotation", False),
                enabled=bool_attr(view, "is_enabled", True),
                key_spec=str_attr(view, spec_name, "SYMMETRIC_DEFAULT"),
            ))
        return tuple(keys)

    # -- CloudWatch -----------------------------------------------------------------

    def log_group(self, inst: Instance) -> LogGroup:
        name_attr = "name" if inst.view.has("name") else "name_prefix"
        return LogGroup(
            **self.common(inst),
            name=self.computed(inst, "name", name_attr),
            arn=self.computed(inst, "arn", name_attr),
            retention_days=int_attr(inst.view, "retention_in_days"),
            kms_key_id=str_attr(inst.view, "kms_key_id"),
        )

    def metric_filter(self, inst: Instance) -> MetricFilter:
        view = inst.view
        transforms = view.blocks("metric_transformation")
        if transforms:
            metric_name = str_attr(transforms[0], "name")
            namespace = str_attr(transforms[0], "namespace")
        else:
            metric_name = Attr.default(None, view.header)
            namespace = Attr.default(None, view.header)
        return MetricFilter(
            **self.common(inst),
            log_group_name=str_attr(view, "log_group_name"),
            pattern=str_attr(view, "pattern"),
            metric_name=metric_name,
            metric_namespace=namespace,
        )

    def alarm(self, inst: Instance) -> Alarm:
        view = inst.view
        return Alarm(
            **self.common(inst),
            metric_name=str_attr(view, "metric_name"),
            namespace=str_attr(view, "namespace"),
            actions_enabled=bool_attr(view, "actions_enabled", True),
            actions=attr(view, "alarm_actions", (), _to_strs),
        )

    def topics(self) -> tuple[Topic, ...]:
        out = []
        for inst in self.of("aws_sns_topic"):
            name_attr = "name" if inst.view.has("name") else "name_prefix"
            arn = self.computed(inst, "arn", name_attr)
            subs = sorted(
                s.ref for s in self.of("aws_sns_topic_subscription")
                if isinstance(arn.value, str) and s.view.value("topic_arn") == arn.value
            )
            out.append(Topic(
                **self.common(inst),
                name=self.computed(inst, "name", name_attr),
                arn=arn,
                subscriptions=tuple(subs),
            ))
        return tuple(out)

    def event_rules(self) -> tuple[EventRule, ...]:
        out = []
        for inst in self.of("aws_cloudwatch_event_rule"):
            view = inst.view
            name = self.computed(inst, "name", "name" if view.has("name") else "name_prefix")
            arn = ResourceValue(inst.module, inst, False).attr("arn")
            match = {v for v in (name.value, arn) if isinstance(v, str)}
            targets = []
            for target in self.of("aws_cloudwatch_event_target"):
                if _known_str(target.view.value("rule")) in match:
                    value = target.view.value("arn")
                    targets.append(value if isinstance(value, str) else target.ref)
            if view.has("is_enabled"):
                enabled = bool_attr(view, "is_enabled", True)
            else:
                enabled = attr(view, "state", True, lambda v: _to_str(v).upper() != "DISABLED")
            out.append(EventRule(
                **self.common(inst),
                name=name,
                pattern=attr(view, "event_pattern", None, _pattern),
                enabled=enabled,
                targets=tuple(sorted(set(targets))),
            ))
        return tuple(out)

    # -- IAM --------------------------------------------------------------------------

    def roles(self) -> tuple[Role, ...]:
        managed: dict[str, Instance] = {}
        for pol in self.of("aws_iam_policy"):
            arn = ResourceValue(pol.module, pol, False).attr("arn")
            if isinstance(arn, str):
                managed.setdefault(arn, pol)
        out = []
        for inst in self.of("aws_iam_role"):
            view = inst.view
            name_attr = "name" if view.has("name") else "name_prefix"
            name = self.computed(inst, "name", name_attr)
            arn = self.computed(inst, "arn", name_attr)
            docs: list[PolicyDocument] = []
            complete = True
            for inline in view.blocks("inline_policy"):
                doc = policy_attr(inline, "policy")
                complete = self._add_doc(docs, doc) and complete
            names = {v for v in (name.value,) if isinstance(v, str)}
            for rp in self.of("aws_iam_role_policy"):
                if _known_str(rp.view.value("role")) in names:
                    complete = self._add_doc(docs, policy_attr(rp.view, "policy")) and complete
            arns: list[tuple[Value, Span]] = []
            for att in self.of("aws_iam_role_policy_attachment"):
                if _known_str(att.view.value("role")) in names:
                    arns.append((att.view.value("policy_arn"), att.view.attr_span("policy_arn")))
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
                complete = self._add_doc(docs, policy_attr(pol.view, "policy")) and complete
            out.append(Role(
                **self.common(inst),
                name=name,
                arn=arn,
                trust_policy=policy_attr(view, "assume_role_policy"),
                permission_policies=tuple(docs),
                permissions_complete=complete,
            ))
        return tuple(out)

    @staticmethod
    def _add_doc(docs: list[PolicyDocument], doc: Attr[PolicyDocument]) -> bool:
        if doc.known and doc.value is not None:
            docs.append(doc.value)
            return not doc.value.unknown
        if not doc.known:
            docs.append(PolicyDocument(statements=(), span=doc.span, unknown=doc.reason))
            return False
        return True


def _versioning_from_bool(enabled: Attr[bool]) -> Attr[str]:
    if not enabled.known:
        return Attr.unknown(enabled.span, enabled.reason)
    value = "Enabled" if enabled.value else "Disabled"
    return Attr(value=value, origin=enabled.origin, span=enabled.span)


def _pattern(value: Value) -> dict:  # type: ignore[type-arg]
    import json

    if isinstance(value, JsonText):
        value = value.data
    if isinstance(value, str):
        value = json.loads(value)
    hit = first_unknown(value)
    if hit is not None:
        raise _Unknown(hit.reason)
    if not isinstance(value, dict):
        raise EvalError("event_pattern is not a JSON object")
    return value
