"""Map the resources of one CloudFormation unit (a template and its nested stacks) to
model records.

Cross-resource pieces that CloudFormation writes as separate resources (bucket policies,
key aliases, SNS subscriptions, IAM policies attached to roles) are matched by their
resolved names across the whole unit, so a bucket policy in a parent stack still lands on
a bucket created in a nested one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scanner import arns
from scanner.model import (
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
    Origin,
    ParseProblem,
    PolicyDocument,
    PublicAccessBlock,
    Role,
    Span,
    Suppression,
    Topic,
    Trail,
    Unit,
)
from scanner.parsers.cloudformation.decode import PosDict, PosList
from scanner.parsers.cloudformation.intrinsics import NO_VALUE, Resolver
from scanner.parsers.cloudformation.values import Unresolved, Values, to_str
from scanner.parsers.common import UnknownValue, first_unknown


@dataclass
class Resource:
    """One resource that exists (or may exist) in a template of the unit."""

    resolver: Resolver
    logical: str
    body: PosDict
    kind: str

    @property
    def ref(self) -> str:
        return self.resolver.prefix + self.logical

    @property
    def props(self) -> PosDict:
        props = self.body.get("Properties")
        return props if isinstance(props, PosDict) else PosDict(self.body.pos)


def iter_resources(resolver: Resolver, problems: list[ParseProblem]) -> Iterator[Resource]:
    """Resources of one template that are not known to be absent, in file order."""
    section = resolver.resources
    values = Values(resolver)
    for logical, body in section.items():
        kind = body.get("Type") if isinstance(body, PosDict) else None
        if not isinstance(body, PosDict) or not isinstance(kind, str):
            problems.append(
                ParseProblem(
                    span=values.key_span(section, logical),
                    message=f"resource {logical} has no Type (every resource needs one)",
                )
            )
            continue
        if resolver.exists(logical) is False:
            continue
        shown = resolver.shallow(body["Properties"]) if "Properties" in body else NO_VALUE
        if not isinstance(shown, PosDict | UnknownValue) and shown is not NO_VALUE:
            problems.append(
                ParseProblem(
                    span=values.key_span(body, "Properties"),
                    message=f"resource {logical}: Properties must be a mapping "
                    "(CloudFormation rejects this template); the resource is not checked",
                )
            )
            continue
        yield Resource(resolver, logical, body, kind)


class UnitBuilder:
    """Builds the records of one unit from the resources of all its templates."""

    def __init__(self, unit: Unit, resources: list[Resource]) -> None:
        self.unit = unit
        self.resources = resources
        self.problems: list[ParseProblem] = []
        self._policies: dict[str, tuple[Resource, Attr[PolicyDocument]]] | None = None

    # -- common ------------------------------------------------------------------

    def _of(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.kind == kind]

    def values(self, res: Resource) -> Values:
        return Values(res.resolver, self.problems)

    def record_fields(self, res: Resource) -> dict[str, Any]:
        section = res.resolver.resources
        vals = self.values(res)
        return {
            "ref": res.ref,
            "span": vals.key_span(section, res.logical),
            "unit": self.unit.id,
            "kind": res.kind,
            "label": self._label(res),
            "suppressions": self._suppressions(res),
            "depends_on": self._depends_on(res),
        }

    def default_span(self, res: Resource) -> Span:
        """Where an absent property is reported: the resource's logical-id key."""
        pos = res.resolver.resources.key_pos.get(res.logical, res.body.pos)
        return self.values(res).span(pos)

    @staticmethod
    def _label(res: Resource) -> str:
        meta = res.body.get("Metadata")
        path = meta.get("aws:cdk:path") if isinstance(meta, PosDict) else None
        return path if isinstance(path, str) else ""

    def _suppressions(self, res: Resource) -> tuple[Suppression, ...]:
        meta = res.body.get("Metadata")
        if not isinstance(meta, PosDict):
            return ()
        vals = self.values(res)
        out: list[Suppression] = []
        for source, section, list_key, reason_key in (
            ("trailscan", "trailscan", "ignore", "reason"),
            ("checkov", "checkov", "skip", "comment"),
        ):
            block = meta.get(section)
            entries = block.get(list_key) if isinstance(block, PosDict) else None
            if not isinstance(entries, PosList):
                continue
            for index, entry in enumerate(entries):
                span = vals.item_span(entries, index)
                if isinstance(entry, str):
                    out.append(Suppression(ids=(entry,), reason="", span=span, source=source))
                    continue
                if not isinstance(entry, PosDict):
                    continue
                raw_ids = entry.get("id", entry.get("ids"))
                ids = raw_ids if isinstance(raw_ids, list) else [raw_ids]
                out.append(
                    Suppression(
                        ids=tuple(str(i) for i in ids if i is not None),
                        reason=str(entry.get(reason_key) or "").strip(),
                        until=str(entry.get("until") or ""),
                        span=span,
                        source=source,
                    )
                )
        return tuple(out)

    def _depends_on(self, res: Resource) -> tuple[str, ...]:
        names: set[str] = set()
        explicit = res.body.get("DependsOn")
        for name in explicit if isinstance(explicit, list) else [explicit]:
            if isinstance(name, str):
                names.add(name)
        names |= res.resolver.references(res.body.get("Properties"))
        names.discard(res.logical)
        return tuple(sorted(res.resolver.prefix + n for n in names))

    def name_attr(self, res: Resource, prop: str) -> Attr[str]:
        """The physical name: written, or the symbolic ``${LogicalId}`` token."""
        attr = self.values(res).scalar(res.props, prop, "str", None, self.default_span(res))
        if attr.origin is Origin.DEFAULT:
            return Attr.explicit(res.resolver.token(res.logical), self.default_span(res), prop)
        return attr

    def derived(self, res: Resource, name: Attr[str], value: Any) -> Attr[str]:
        """An ARN or id computed by the resolver, carrying the name's origin."""
        if not name.known or isinstance(value, UnknownValue):
            reason = value.reason if isinstance(value, UnknownValue) else name.reason
            return Attr.unknown(name.span, reason)
        return Attr.explicit(str(value), name.span)

    def policy_attr(self, res: Resource, props: PosDict, key: str) -> Attr[PolicyDocument]:
        vals = self.values(res)
        if key not in props or vals.node(props, key) is NO_VALUE:
            return Attr.default(None, self.default_span(res), key)
        span = vals.key_span(props, key)
        doc = vals.policy(props[key], span)
        if doc.unknown:
            return Attr.unknown(span, doc.unknown, key)
        return Attr.explicit(doc, span, key)

    # -- build -------------------------------------------------------------------

    def build(self) -> Model:
        builders: list[tuple[str, str, Callable[[Resource], Any]]] = [
            ("trails", "AWS::CloudTrail::Trail", self.trail),
            ("buckets", "AWS::S3::Bucket", self.bucket),
            ("kms_keys", "AWS::KMS::Key", self.kms_key),
            ("log_groups", "AWS::Logs::LogGroup", self.log_group),
            ("metric_filters", "AWS::Logs::MetricFilter", self.metric_filter),
            ("alarms", "AWS::CloudWatch::Alarm", self.alarm),
            ("topics", "AWS::SNS::Topic", self.topic),
            ("event_rules", "AWS::Events::Rule", self.event_rule),
            ("roles", "AWS::IAM::Role", self.role),
        ]
        records: dict[str, tuple[Any, ...]] = {}
        for name, kind, build in builders:
            records[name] = tuple(build(res) for res in self._of(kind))
        return Model(units=(self.unit,), problems=tuple(self.problems), **records)

    # -- CloudTrail ----------------------------------------------------------------

    def trail(self, res: Resource) -> Trail:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)

        def s(key: str) -> Attr[Any]:
            return vals.scalar(props, key, "str", None, dspan)

        def b(key: str, default: bool) -> Attr[Any]:
            return vals.scalar(props, key, "bool", default, dspan)

        logging = b("IsLogging", False)
        if "IsLogging" not in props or vals.node(props, "IsLogging") is NO_VALUE:
            # Required by CloudFormation: a template without it does not deploy.
            logging = Attr.unknown(dspan, "IsLogging is required and missing", "IsLogging")
        return Trail(
            **self.record_fields(res),
            name=self.name_attr(res, "TrailName"),
            s3_bucket_name=s("S3BucketName"),
            s3_key_prefix=s("S3KeyPrefix"),
            is_multi_region=b("IsMultiRegionTrail", False),
            include_global_service_events=b("IncludeGlobalServiceEvents", True),
            enable_logging=logging,
            log_file_validation=b("EnableLogFileValidation", False),
            kms_key_id=s("KMSKeyId"),
            cloud_watch_logs_group_arn=s("CloudWatchLogsLogGroupArn"),
            cloud_watch_logs_role_arn=s("CloudWatchLogsRoleArn"),
            sns_topic_name=s("SnsTopicName"),
            is_organization_trail=b("IsOrganizationTrail", False),
            event_selectors=self._event_selectors(res),
            advanced_event_selectors=self._advanced_selectors(res),
        )

    def _event_selectors(self, res: Resource) -> Attr[tuple[EventSelector, ...]]:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        if vals.node(props, "EventSelectors") is NO_VALUE:
            return Attr.default((), dspan, "EventSelectors")
        span = vals.key_span(props, "EventSelectors")
        try:
            selectors = []
            for item, item_span in vals.items(props, "EventSelectors"):
                if not isinstance(item, PosDict):
                    raise Unresolved("an event selector is not a mapping")
                data = []
                for resource, data_span in vals.items(item, "DataResources"):
                    if not isinstance(resource, PosDict):
                        raise Unresolved("a data resource is not a mapping")
                    kind = vals.scalar(resource, "Type", "str", "", data_span)
                    # The selector certainly exists; a data resource whose type or values
                    # cannot be resolved records that itself (as in Terraform).
                    unknown = "" if kind.known else f"Type: {kind.reason}"
                    try:
                        values = vals.strings(resource, "Values")
                    except Unresolved as exc:
                        values, unknown = (), unknown or exc.reason
                    data.append(
                        DataResource(
                            type=str(kind.value or "") if kind.known else "",
                            values=values,
                            span=data_span,
                            unknown=unknown,
                        )
                    )
                read_write = vals.scalar(item, "ReadWriteType", "str", "All", item_span)
                management = vals.scalar(item, "IncludeManagementEvents", "bool", True, item_span)
                selectors.append(
                    EventSelector(
                        read_write_type=read_write,
                        include_management_events=management,
                        data_resources=tuple(data),
                        exclude_management_event_sources=vals.strings(
                            item, "ExcludeManagementEventSources"
                        ),
                        span=item_span,
                    )
                )
        except Unresolved as exc:
            return Attr.unknown(span, f"EventSelectors: {exc.reason}", "EventSelectors")
        return Attr.explicit(tuple(selectors), span, "EventSelectors")

    _FIELD_KEYS = (
        ("Equals", "equals"),
        ("NotEquals", "not_equals"),
        ("StartsWith", "starts_with"),
        ("NotStartsWith", "not_starts_with"),
        ("EndsWith", "ends_with"),
        ("NotEndsWith", "not_ends_with"),
    )

    def _advanced_selectors(self, res: Resource) -> Attr[tuple[AdvancedEventSelector, ...]]:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        if vals.node(props, "AdvancedEventSelectors") is NO_VALUE:
            return Attr.default((), dspan, "AdvancedEventSelectors")
        span = vals.key_span(props, "AdvancedEventSelectors")
        try:
            items = vals.items(props, "AdvancedEventSelectors")
        except Unresolved as exc:
            return Attr.unknown(
                span, f"AdvancedEventSelectors: {exc.reason}", "AdvancedEventSelectors"
            )
        selectors = []
        for item, item_span in items:
            if not isinstance(item, PosDict):
                return Attr.unknown(
                    span, "AdvancedEventSelectors: a selector is not a mapping", "AdvancedEventSelectors"
                )
            unknown: list[str] = []
            name = vals.scalar(item, "Name", "str", "", item_span)
            fields = []
            try:
                field_items = vals.items(item, "FieldSelectors")
            except Unresolved as exc:
                unknown.append(exc.reason)
                field_items = []
            for raw_field, _field_span in field_items:
                if not isinstance(raw_field, PosDict):
                    unknown.append("a field selector is not a mapping")
                    continue
                field_name = vals.scalar(raw_field, "Field", "str", "", item_span)
                if not field_name.known:
                    unknown.append(field_name.reason)
                    continue
                kwargs: dict[str, tuple[str, ...]] = {}
                for key, attr_name in self._FIELD_KEYS:
                    try:
                        kwargs[attr_name] = vals.strings(raw_field, key)
                    except Unresolved as exc:
                        unknown.append(exc.reason)
                fields.append(FieldSelector(field=str(field_name.value or ""), **kwargs))
            selectors.append(
                AdvancedEventSelector(
                    name=str(name.value or "") if name.known else "",
                    field_selectors=tuple(fields),
                    span=item_span,
                    unknown="; ".join(unknown),
                )
            )
        return Attr.explicit(tuple(selectors), span, "AdvancedEventSelectors")

    # -- S3 ------------------------------------------------------------------------

    def _bucket_policies(self) -> dict[str, tuple[Resource, Attr[PolicyDocument]]]:
        """Resolved bucket name → the first (by ref) BucketPolicy naming it."""
        if self._policies is not None:
            return self._policies
        out: dict[str, tuple[Resource, Attr[PolicyDocument]]] = {}
        self._policies = out
        for res in sorted(self._of("AWS::S3::BucketPolicy"), key=lambda r: r.ref):
            name = res.resolver.resolve(res.props.get("Bucket"))
            if not isinstance(name, str):
                continue
            name = name.removeprefix("arn:aws:s3:::")
            out.setdefault(name, (res, self.policy_attr(res, res.props, "PolicyDocument")))
        return out

    def bucket(self, res: Resource) -> Bucket:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        name = self.name_attr(res, "BucketName")
        arn = self.derived(res, name, arns.s3_bucket(str(name.value)))
        policy: Attr[PolicyDocument] = Attr.default(None, dspan)
        policy_ref = ""
        if name.known and isinstance(name.value, str):
            found = self._bucket_policies().get(name.value)
            if found is not None:
                policy_ref, policy = found[0].ref, found[1]
        fields = self.record_fields(res)
        return Bucket(
            **fields,
            name=name,
            arn=arn,
            policy=policy,
            policy_ref=policy_ref,
            public_access_block=self._public_access_block(res),
            acl=vals.scalar(props, "AccessControl", "str", "private", dspan),
            lifecycle_rules=self._lifecycle(res),
            logging_target=self._logging_target(res, name),
            versioning=self._versioning(res),
            mfa_delete=Attr.default(False, dspan),
            object_lock=self._object_lock(res),
            object_lock_retention_days=self._object_lock_days(res),
        )

    def _block(self, res: Resource, key: str) -> tuple[Any, Span]:
        """A nested-object property, resolved at the top, with its span."""
        vals = self.values(res)
        node = vals.node(res.props, key)
        span = vals.key_span(res.props, key) if key in res.props else self.default_span(res)
        return node, span

    def _public_access_block(self, res: Resource) -> Attr[PublicAccessBlock]:
        vals = self.values(res)
        node, span = self._block(res, "PublicAccessBlockConfiguration")
        if node is NO_VALUE:
            return Attr.default(None, span)
        if isinstance(node, UnknownValue):
            return Attr.unknown(span, f"PublicAccessBlockConfiguration: {node.reason}")
        if not isinstance(node, PosDict):
            return Attr.unknown(span, "PublicAccessBlockConfiguration is not a mapping")

        def flag(key: str) -> Attr[bool]:
            return vals.scalar(node, key, "bool", False, span)

        return Attr.explicit(
            PublicAccessBlock(
                block_public_acls=flag("BlockPublicAcls"),
                block_public_policy=flag("BlockPublicPolicy"),
                ignore_public_acls=flag("IgnorePublicAcls"),
                restrict_public_buckets=flag("RestrictPublicBuckets"),
                span=span,
            ),
            span,
        )

    def _logging_target(self, res: Resource, name: Attr[str]) -> Attr[str]:
        vals = self.values(res)
        node, span = self._block(res, "LoggingConfiguration")
        if node is NO_VALUE:
            return Attr.default(None, span)
        if isinstance(node, UnknownValue):
            return Attr.unknown(span, f"LoggingConfiguration: {node.reason}")
        target = vals.scalar(node, "DestinationBucketName", "str", None, span)
        if target.origin is Origin.DEFAULT:
            # Without a destination, S3 writes access logs into the bucket itself.
            return Attr.explicit(name.value, span) if name.known else name
        return target

    def _versioning(self, res: Resource) -> Attr[str]:
        node, span = self._block(res, "VersioningConfiguration")
        if node is NO_VALUE:
            return Attr.default("Disabled", span)
        if isinstance(node, UnknownValue):
            return Attr.unknown(span, f"VersioningConfiguration: {node.reason}")
        return self.values(res).scalar(node, "Status", "str", "Disabled", span)

    def _object_lock(self, res: Resource) -> Attr[bool]:
        vals, dspan = self.values(res), self.default_span(res)
        enabled = vals.scalar(res.props, "ObjectLockEnabled", "bool", False, dspan)
        if enabled.origin is not Origin.DEFAULT:
            return enabled
        node, span = self._block(res, "ObjectLockConfiguration")
        if isinstance(node, PosDict):
            status = vals.scalar(node, "ObjectLockEnabled", "str", None, span)
            if not status.known:
                return Attr.unknown(status.span, status.reason)
            if status.value is not None:
                return Attr.explicit(status.value == "Enabled", status.span)
        return enabled

    def _object_lock_days(self, res: Resource) -> Attr[int]:
        vals = self.values(res)
        node, span = self._block(res, "ObjectLockConfiguration")
        rule = vals.node(node, "Rule") if isinstance(node, PosDict) else NO_VALUE
        retention = vals.node(rule, "DefaultRetention") if isinstance(rule, PosDict) else NO_VALUE
        if isinstance(retention, UnknownValue):
            return Attr.unknown(span, f"DefaultRetention: {retention.reason}")
        if not isinstance(retention, PosDict):
            return Attr.default(None, span)
        days = vals.scalar(retention, "Days", "int", None, span)
        if days.value is not None or not days.known:
            return days
        years = vals.scalar(retention, "Years", "int", None, span)
        if years.known and years.value is not None:
            return Attr.explicit(int(years.value) * 365, years.span)
        return years

    def _lifecycle(self, res: Resource) -> Attr[tuple[LifecycleRule, ...]]:
        vals = self.values(res)
        node, span = self._block(res, "LifecycleConfiguration")
        if node is NO_VALUE:
            return Attr.default((), span)
        if isinstance(node, UnknownValue):
            return Attr.unknown(span, f"LifecycleConfiguration: {node.reason}")
        try:
            rules = tuple(
                self._lifecycle_rule(res, item, item_span)
                for item, item_span in vals.items(node, "Rules")
            )
        except Unresolved as exc:
            return Attr.unknown(span, f"LifecycleConfiguration: {exc.reason}")
        return Attr.explicit(rules, span)

    def _lifecycle_rule(self, res: Resource, item: Any, span: Span) -> LifecycleRule:
        vals = self.values(res)
        if not isinstance(item, PosDict):
            raise Unresolved("a lifecycle rule is not a mapping")
        status = vals.scalar(item, "Status", "str", None, span)
        enabled: Attr[bool] = (
            Attr.explicit(status.value == "Enabled", status.span)
            if status.known and status.value is not None
            else Attr.unknown(status.span, status.reason or "Status is required and missing")
        )
        prefix = vals.scalar(item, "Prefix", "str", "", span)
        filter_node = vals.node(item, "Filter")
        if isinstance(filter_node, PosDict) and "Prefix" in filter_node:
            prefix = vals.scalar(filter_node, "Prefix", "str", "", span)
        narrowed = any(
            vals.node(item, key) is not NO_VALUE
            for key in ("TagFilters", "ObjectSizeGreaterThan", "ObjectSizeLessThan")
        )
        transitions = []
        raw_transitions = vals.items(item, "Transitions")
        single = vals.node(item, "Transition")
        if isinstance(single, PosDict):
            raw_transitions.append((single, vals.key_span(item, "Transition")))
        for transition, t_span in raw_transitions:
            if not isinstance(transition, PosDict):
                raise Unresolved("a transition is not a mapping")
            storage = vals.scalar(transition, "StorageClass", "str", "", t_span)
            if not storage.known:
                raise Unresolved(storage.reason)
            days = vals.scalar(transition, "TransitionInDays", "int", None, t_span)
            if days.origin is Origin.DEFAULT and "TransitionDate" in transition:
                days = Attr.unknown(t_span, "the transition is set by date, not by age")
            transitions.append(LifecycleTransition(storage_class=str(storage.value), days=days))
        expiration = vals.scalar(item, "ExpirationInDays", "int", None, span)
        if expiration.origin is Origin.DEFAULT and "ExpirationDate" in item:
            expiration = Attr.unknown(span, "the rule expires objects by date, not by age")
        rule_id = vals.scalar(item, "Id", "str", "", span)
        return LifecycleRule(
            id=str(rule_id.value or "") if rule_id.known else "",
            enabled=enabled,
            prefix=prefix,
            narrowed=narrowed,
            transitions=tuple(transitions),
            expiration_days=expiration,
            span=span,
        )

    # -- KMS -----------------------------------------------------------------------

    def kms_key(self, res: Resource) -> KmsKey:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        key_id = res.resolver.token(res.logical)
        arn = res.resolver.get_att(res.logical, "Arn")
        aliases = []
        for alias in self._of("AWS::KMS::Alias"):
            target = alias.resolver.resolve(alias.props.get("TargetKeyId"))
            name = alias.resolver.resolve(alias.props.get("AliasName"))
            if isinstance(name, str) and target in (key_id, arn):
                aliases.append(name)
        return KmsKey(
            **self.record_fields(res),
            key_id=Attr.explicit(key_id, dspan),
            arn=Attr.explicit(str(arn), dspan),
            aliases=tuple(sorted(set(aliases))),
            policy=self.policy_attr(res, props, "KeyPolicy"),
            rotation=vals.scalar(props, "EnableKeyRotation", "bool", False, dspan),
            enabled=vals.scalar(props, "Enabled", "bool", True, dspan),
            key_spec=vals.scalar(props, "KeySpec", "str", "SYMMETRIC_DEFAULT", dspan),
        )

    # -- CloudWatch Logs ----------------------------------------------------------

    def log_group(self, res: Resource) -> LogGroup:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        name = self.name_attr(res, "LogGroupName")
        arn = self.derived(
            res, name, arns.log_group(str(name.value))
        )
        return LogGroup(
            **self.record_fields(res),
            name=name,
            arn=arn,
            retention_days=vals.scalar(props, "RetentionInDays", "int", None, dspan),
            kms_key_id=vals.scalar(props, "KmsKeyId", "str", None, dspan),
        )

    def metric_filter(self, res: Resource) -> MetricFilter:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        transform: Any = NO_VALUE
        t_span = dspan
        try:
            items = vals.items(props, "MetricTransformations")
            if items:
                transform, t_span = items[0]
        except Unresolved as exc:
            transform = UnknownValue(exc.reason)
            t_span = vals.key_span(props, "MetricTransformations")

        def metric(key: str) -> Attr[str]:
            if isinstance(transform, UnknownValue):
                return Attr.unknown(t_span, f"MetricTransformations: {transform.reason}")
            return vals.scalar(transform, key, "str", None, t_span)

        return MetricFilter(
            **self.record_fields(res),
            log_group_name=vals.scalar(props, "LogGroupName", "str", None, dspan),
            pattern=vals.scalar(props, "FilterPattern", "str", None, dspan),
            metric_name=metric("MetricName"),
            metric_namespace=metric("MetricNamespace"),
        )

    def alarm(self, res: Resource) -> Alarm:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        metric_name = vals.scalar(props, "MetricName", "str", None, dspan)
        namespace = vals.scalar(props, "Namespace", "str", None, dspan)
        if metric_name.origin is Origin.DEFAULT:
            # A metric-math alarm names its metric inside Metrics[].MetricStat.Metric.
            try:
                for item, item_span in vals.items(props, "Metrics"):
                    stat = vals.node(item, "MetricStat")
                    inner = vals.node(stat, "Metric") if isinstance(stat, PosDict) else None
                    if isinstance(inner, PosDict):
                        metric_name = vals.scalar(inner, "MetricName", "str", None, item_span)
                        namespace = vals.scalar(inner, "Namespace", "str", None, item_span)
                        break
            except Unresolved as exc:
                metric_name = Attr.unknown(dspan, exc.reason)
                namespace = Attr.unknown(dspan, exc.reason)
        return Alarm(
            **self.record_fields(res),
            metric_name=metric_name,
            namespace=namespace,
            actions_enabled=vals.scalar(props, "ActionsEnabled", "bool", True, dspan),
            actions=self._actions(res),
        )

    def _actions(self, res: Resource) -> Attr[tuple[str, ...]]:
        vals, props = self.values(res), res.props
        if vals.node(props, "AlarmActions") is NO_VALUE:
            return Attr.default((), self.default_span(res))
        span = vals.key_span(props, "AlarmActions")
        value = res.resolver.resolve(props["AlarmActions"])
        if isinstance(value, UnknownValue):
            return Attr.unknown(span, f"AlarmActions: {value.reason}")
        items = value if isinstance(value, list) else [value]
        known = tuple(t for t in (to_str(i) for i in items if not isinstance(i, UnknownValue)) if t)
        unknown = first_unknown(items)
        if not known and unknown is not None:
            return Attr.unknown(span, f"AlarmActions: {unknown.reason}")
        return Attr.explicit(known, span)

    # -- SNS, EventBridge ------------------------------------------------------------

    def topic(self, res: Resource) -> Topic:
        vals, props = self.values(res), res.props
        name = self.name_attr(res, "TopicName")
        arn = self.derived(res, name, res.resolver.get_att(res.logical, "TopicArn"))
        subscriptions = []
        try:
            for index, _ in enumerate(vals.items(props, "Subscription")):
                subscriptions.append(f"{res.ref}.Subscription[{index}]")
        except Unresolved:
            subscriptions.append(f"{res.ref}.Subscription")
        for sub in self._of("AWS::SNS::Subscription"):
            target = sub.resolver.resolve(sub.props.get("TopicArn"))
            if arn.known and target == arn.value:
                subscriptions.append(sub.ref)
        return Topic(
            **self.record_fields(res),
            name=name,
            arn=arn,
            subscriptions=tuple(sorted(subscriptions)),
        )

    def event_rule(self, res: Resource) -> EventRule:
        vals, props, dspan = self.values(res), res.props, self.default_span(res)
        pattern: Attr[dict] = Attr.default(None, dspan)
        if vals.node(props, "EventPattern") is not NO_VALUE:
            span = vals.key_span(props, "EventPattern")
            value = vals.json_object(props, "EventPattern")
            unknown = first_unknown(value)
            if unknown is not None:
                pattern = Attr.unknown(span, f"EventPattern: {unknown.reason}")
            elif isinstance(value, dict):
                pattern = Attr.explicit(value, span)
            else:
                pattern = Attr.unknown(span, "EventPattern is not an object")
        state = vals.scalar(props, "State", "str", "ENABLED", dspan)
        enabled: Attr[bool] = (
            Attr(
                value=str(state.value).upper() != "DISABLED",
                origin=state.origin,
                span=state.span,
            )
            if state.known
            else Attr.unknown(state.span, state.reason)
        )
        targets = []
        try:
            for index, (item, _span) in enumerate(vals.items(props, "Targets")):
                arn = res.resolver.resolve(item.get("Arn")) if isinstance(item, dict) else None
                text = to_str(arn) if not isinstance(arn, UnknownValue) else None
                targets.append(text or f"{res.ref}.Targets[{index}]")
        except Unresolved:
            targets.append(f"{res.ref}.Targets")
        return EventRule(
            **self.record_fields(res),
            name=self.name_attr(res, "Name"),
            pattern=pattern,
            enabled=enabled,
            targets=tuple(targets),
        )

    # -- IAM -------------------------------------------------------------------------

    def role(self, res: Resource) -> Role:
        vals, props = self.values(res), res.props
        name = self.name_attr(res, "RoleName")
        arn = self.derived(res, name, res.resolver.get_att(res.logical, "Arn"))
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
        managed = self._managed_policies()
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
            for doc in self._attached_to(str(name.value)):
                if doc not in documents:
                    documents.append(doc)
        return Role(
            **self.record_fields(res),
            name=name,
            arn=arn,
            trust_policy=self.policy_attr(res, props, "AssumeRolePolicyDocument"),
            permission_policies=tuple(documents),
            permissions_complete=complete,
        )

    def _policy_doc(self, res: Resource) -> PolicyDocument:
        vals = self.values(res)
        span = (
            vals.key_span(res.props, "PolicyDocument")
            if "PolicyDocument" in res.props
            else self.default_span(res)
        )
        return vals.policy(res.props.get("PolicyDocument"), span)

    def _managed_policies(self) -> dict[str, PolicyDocument]:
        out: dict[str, PolicyDocument] = {}
        for res in self._of("AWS::IAM::ManagedPolicy"):
            arn = res.resolver.get_att(res.logical, "PolicyArn")
            if isinstance(arn, str):
                out[arn] = self._policy_doc(res)
        return out

    def _attached_to(self, role_name: str) -> list[PolicyDocument]:
        """Documents of IAM::Policy / ManagedPolicy / RolePolicy naming this role."""
        out = []
        for res in sorted(self.resources, key=lambda r: r.ref):
            if res.kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                roles = res.resolver.resolve(res.props.get("Roles"))
                names = roles if isinstance(roles, list) else []
            elif res.kind == "AWS::IAM::RolePolicy":
                names = [res.resolver.resolve(res.props.get("RoleName"))]
            else:
                continue
            if role_name in names:
                out.append(self._policy_doc(res))
        return out


def resources_of(resolvers: list[Resolver], problems: list[ParseProblem]) -> list[Resource]:
    out: list[Resource] = []
    for resolver in resolvers:
        out.extend(iter_resources(resolver, problems))
    return out


__all__ = ["Resource", "UnitBuilder", "iter_resources", "resources_of"]
