"""The common trail model: what both IaC front ends produce and all policies read.

Parsers do all the source-level work (values, defaults, spans); policies only ever see
these records. Every checked attribute is an ``Attr`` so that a policy can tell a value
written in the source from a provider default and from something that cannot be known
before apply. UNKNOWN is never true and never false: a policy must not fail on it.

Symbolic values
---------------
Some values are known by identity but not by content before deploy: the name of a bucket
created with ``bucket_prefix``, ``${AWS::AccountId}``, the ARN of a KMS key. Parsers write
such values as strings containing ``${TOKEN}`` placeholders, with one spelling per thing:

* pseudo parameters: ``${AWS::AccountId}``, ``${AWS::Region}``, ``${AWS::StackName}``,
  ``${AWS::URLSuffix}``; ``${AWS::Partition}`` is always replaced by ``aws``. Terraform's
  ``data.aws_caller_identity.*.account_id`` and ``data.aws_region.*.name`` map to the same
  tokens, ``data.aws_partition.*.partition`` to ``aws``.
* a resource whose identifying name is not written in the source: ``${<ref>}`` (e.g.
  ``${aws_s3_bucket.logs}`` or ``${LogBucket}``), so that its id, name and ARN are built
  consistently from the same token (``arn:aws:s3:::${aws_s3_bucket.logs}``). A value that
  refers to a resource whose name is written but cannot be resolved (a variable without a
  default) writes that name with the same token: the value is that resource's, only its
  name is unknown (the resource's own ``name`` attribute stays UNKNOWN, with the reason).

Such a value is EXPLICIT: it was written, it is just symbolic. Links and IAM matching
compare tokens literally (see ``scanner.analysis``). A resource token means something in
its own unit only: two units that both say ``aws_s3_bucket.logs`` have two buckets, so
such a token never matches a record of another unit (``Record.key`` is (unit, ref)).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Generic, Literal, TypeVar

from scanner.tri import Tri
from scanner.valueclass import ValueObject, value_class

T = TypeVar("T")


class Origin(enum.Enum):
    """Where an attribute's value comes from."""

    EXPLICIT = "explicit"
    DEFAULT = "default"
    UNKNOWN = "unknown"


class Severity(enum.IntEnum):
    """Ordered so that ``>=`` compares blocking thresholds."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Span:
    """A 1-based source range; ``path`` is POSIX and relative to the scan root."""

    path: str
    line: int = 1
    column: int = 1
    end_line: int = 0
    end_column: int = 0

    def __post_init__(self) -> None:
        if self.line < 1:
            object.__setattr__(self, "line", 1)
        if self.column < 1:
            object.__setattr__(self, "column", 1)
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)
        if self.end_line == self.line and self.end_column < self.column:
            object.__setattr__(self, "end_column", self.column)


@value_class(kw_only=True)
class Attr(ValueObject, Generic[T]):
    """A checked attribute: value, where it came from, and where it is (or would be)."""

    value: T | None
    origin: Origin
    span: Span
    # Why the value is UNKNOWN (``var.x has no default``). For an EXPLICIT value whose
    # unresolved parts are written as ``${...}`` tokens (an event pattern with one
    # computed value), what those parts are; empty otherwise.
    reason: str = ""
    # The attribute's name as the source spells it (``enable_log_file_validation`` /
    # ``EnableLogFileValidation``), written or not, so messages never guess the format.
    name: str = ""
    # The record this value identifies, when the source names it by reference
    # (``aws_s3_bucket.logs.id``, ``!GetAtt LogGroup.Arn``): its ``ref`` in the same unit.
    # Links follow it whatever the value resolves to, even when the value is UNKNOWN.
    target: str = ""
    # The value is not fully known but certainly not empty (``"${var.prefix}-sns"``): the
    # attribute is set, whatever it turns out to be.
    nonempty: bool = False
    # The input the value comes from, when the attribute is written as exactly a reference
    # to one whose default applies (``var.retention`` of a root module that no tfvars or
    # ``--var`` sets; a CloudFormation parameter no ``--parameter`` or parent stack sets):
    # its name as the source writes the reference, and ``via_span``, the span of the
    # default's declaration. The value is really written there (``trailscan fix`` edits
    # that default rather than the reference).
    via: str = ""
    via_span: Span | None = None

    @staticmethod
    def explicit(value: T, span: Span, name: str = "") -> Attr[T]:
        return Attr(value=value, origin=Origin.EXPLICIT, span=span, name=name)

    @staticmethod
    def default(value: T | None, span: Span, name: str = "") -> Attr[T]:
        return Attr(value=value, origin=Origin.DEFAULT, span=span, name=name)

    @staticmethod
    def unknown(span: Span, reason: str, name: str = "") -> Attr[T]:
        return Attr(value=None, origin=Origin.UNKNOWN, span=span, reason=reason, name=name)

    @property
    def known(self) -> bool:
        return self.origin is not Origin.UNKNOWN

    def why(self, fallback: str = "unresolved") -> str:
        """Why the value is unknown, for a message (``fallback`` when nobody said)."""
        return self.reason or fallback

    def truth(self) -> Tri:
        """Three-valued truth: None when unknown, else ``bool(value)``."""
        if self.origin is Origin.UNKNOWN:
            return None
        return bool(self.value)

    def is_true(self) -> bool:
        return self.truth() is True

    def is_false(self) -> bool:
        return self.truth() is False

    def as_int(self) -> int | None:
        """The value as a whole number (``30`` or ``"30"``, as a CloudFormation parameter
        gives it); None when unknown, absent or not a number, so a caller can tell."""
        value = self.value
        if self.origin is Origin.UNKNOWN or isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return None

    def is_set(self) -> Tri:
        """Three-valued 'has a non-empty value' (None when unknown, unless the value is
        known to be non-empty)."""
        if self.origin is Origin.UNKNOWN:
            return True if self.nonempty else None
        return self.value not in (None, "", (), [], {})


# ---------------------------------------------------------------------------
# Suppressions and parse problems (collected by parsers, applied by the engine)
# ---------------------------------------------------------------------------


@value_class(kw_only=True)
class Suppression(ValueObject):
    """One suppression written next to a resource (comment or CFN Metadata).

    ``source`` is ``trailscan``, ``checkov``, ``trivy`` or ``tfsec``; the other tools'
    suppressions name their own ids (``CKV_AWS_35``, ``AVD-AWS-0015``,
    ``aws-cloudtrail-enable-log-validation``) that the engine maps to policies through
    their aliases.
    """

    ids: tuple[str, ...]
    reason: str
    span: Span
    until: str = ""  # ISO date; after it the suppression stops working
    source: str = "trailscan"


# The ids the engine itself owns (no policy module): written here once, because the
# lowest layer (a parse problem) already needs one of them.
INTERNAL_ERROR = "CT900"
PARSE_ERROR = "CT901"
SUPPRESSION_WITHOUT_REASON = "CT902"
UNUSED_SUPPRESSION = "CT903"
# Problems that mean "something was not checked": never baselined, always reported as errors.
ERROR_IDS: frozenset[str] = frozenset({INTERNAL_ERROR, PARSE_ERROR})


@value_class(kw_only=True)
class ParseProblem(ValueObject):
    """A file (or part of one) that could not be read; becomes a CT901 finding."""

    span: Span
    message: str
    # A limit that was hit is also a CT901, with its message.
    id: str = PARSE_ERROR


# ---------------------------------------------------------------------------
# IAM policy documents
# ---------------------------------------------------------------------------


@value_class(kw_only=True)
class Principal(ValueObject):
    """``kind`` is ``AWS``, ``Service``, ``Federated``, ``CanonicalUser`` or ``*``."""

    kind: str
    value: str


@value_class(kw_only=True)
class Condition(ValueObject):
    """One condition of a statement: an operator, a key and the values it compares with."""

    operator: str  # e.g. StringEquals, ArnLike, StringEqualsIfExists, ForAnyValue:StringLike
    key: str  # e.g. aws:SourceArn (case kept as written)
    values: tuple[str, ...]


@value_class(kw_only=True)
class Statement(ValueObject):
    """One IAM statement. ``None`` for a field means the element is absent.

    ``unknown`` names the parts that could not be resolved statically (empty when the
    statement is fully known); IAM analysis treats such a statement as UNKNOWN rather
    than guessing.
    """

    sid: str = ""
    effect: str  # "Allow" | "Deny"
    principals: tuple[Principal, ...] | None = None
    not_principals: tuple[Principal, ...] | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    conditions: tuple[Condition, ...] = ()
    span: Span
    unknown: tuple[str, ...] = ()


@value_class(kw_only=True)
class PolicyDocument(ValueObject):
    """A resource or identity policy, as its statements; ``unknown`` says why it is partial."""

    statements: tuple[Statement, ...]
    span: Span
    # Non-empty when the document as a whole could not be resolved (then statements may
    # be partial or empty).
    unknown: str = ""


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


@value_class(kw_only=True)
class Record(ValueObject):
    """Common fields of every model record.

    ``ref`` is the Terraform address (``module.audit.aws_cloudtrail.this[0]``) or the
    CloudFormation logical id (prefixed by the nested-stack path, ``Audit.Trail``).
    ``unit`` is the unit's id (root module directory or template path). ``label`` is a
    friendlier name for messages (CDK construct path), empty when ``ref`` is enough.
    """

    ref: str
    span: Span
    unit: str
    kind: str = ""  # resource type as written: aws_cloudtrail / AWS::CloudTrail::Trail
    label: str = ""
    suppressions: tuple[Suppression, ...] = ()
    # refs this record explicitly or implicitly depends on (DependsOn, depends_on,
    # references in its expressions); used by CT011.
    depends_on: tuple[str, ...] = ()
    # Another unit of the same account has a record with this ref (set by
    # ``Model.merge``): two roots that both say ``aws_s3_bucket.logs`` are two buckets,
    # and reports must tell them apart (``subject``).
    shared_ref: bool = False

    @property
    def subject(self) -> str:
        """How reports name the record: its ``ref``, followed by its unit when the ref alone
        is ambiguous in the account (``aws_s3_bucket.logs (staging)``)."""
        return f"{self.ref} ({self.unit})" if self.shared_ref else self.ref

    @property
    def key(self) -> tuple[str, str]:
        """The record's identity in an account: (unit, ref)."""
        return (self.unit, self.ref)


@value_class(kw_only=True)
class DataResource(ValueObject):
    """A data-event selector's resource type and the values (ARN prefixes) it selects."""

    type: str  # AWS::S3::Object, AWS::Lambda::Function, ... ("" when unresolved)
    values: tuple[str, ...]  # the values that could be resolved
    span: Span
    # Non-empty when the type or some values could not be resolved: the resource exists,
    # but what it selects is only partly known.
    unknown: str = ""


@value_class(kw_only=True)
class EventSelector(ValueObject):
    """A classic event selector."""

    read_write_type: Attr[str]  # All | ReadOnly | WriteOnly (default All)
    include_management_events: Attr[bool]  # default True
    data_resources: tuple[DataResource, ...]
    exclude_management_event_sources: tuple[str, ...]
    span: Span
    # The whole selector comes from a ``dynamic`` block whose iteration is unknown.
    maybe: bool = False


@value_class(kw_only=True)
class FieldSelector(ValueObject):
    """One field of an advanced event selector and the values each operator compares it with."""

    field: str  # eventCategory, readOnly, resources.type, resources.ARN, eventSource, ...
    equals: tuple[str, ...] = ()
    not_equals: tuple[str, ...] = ()
    starts_with: tuple[str, ...] = ()
    not_starts_with: tuple[str, ...] = ()
    ends_with: tuple[str, ...] = ()
    not_ends_with: tuple[str, ...] = ()


@value_class(kw_only=True)
class AdvancedEventSelector(ValueObject):
    """An advanced event selector: its field selectors, all of which an event must meet."""

    name: str
    field_selectors: tuple[FieldSelector, ...]
    span: Span
    maybe: bool = False
    # Some part of the selector could not be resolved.
    unknown: str = ""


@value_class(kw_only=True)
class Trail(Record):
    """A CloudTrail trail: where it delivers, what it records and how it protects its logs."""

    name: Attr[str]
    s3_bucket_name: Attr[str]
    s3_key_prefix: Attr[str]  # DEFAULT None when absent
    is_multi_region: Attr[bool]  # default False
    include_global_service_events: Attr[bool]  # default True
    enable_logging: Attr[bool]  # TF default True; CFN IsLogging is required (no default)
    log_file_validation: Attr[bool]  # default False
    kms_key_id: Attr[str]  # DEFAULT None when absent
    cloud_watch_logs_group_arn: Attr[str]  # DEFAULT None when absent
    cloud_watch_logs_role_arn: Attr[str]  # DEFAULT None when absent
    sns_topic_name: Attr[str]  # DEFAULT None when absent
    is_organization_trail: Attr[bool]  # default False
    # DEFAULT () when absent (then CloudTrail records all management events, read+write).
    event_selectors: Attr[tuple[EventSelector, ...]]
    advanced_event_selectors: Attr[tuple[AdvancedEventSelector, ...]]


@value_class(kw_only=True)
class NotCreated(Record):
    """A trail the code declares that is not created under the given inputs (``count =
    0``, an empty ``for_each``, a false CloudFormation ``Condition``, a module called with
    ``count = 0``). No policy judges it; reports say that it exists and why nothing was
    checked (``reason``: ``count = 0 (var.enabled = false)``, ``Condition IsProd is
    false``)."""

    reason: str


@value_class(kw_only=True)
class EventDataStore(Record):
    """A CloudTrail Lake event data store (``aws_cloudtrail_event_data_store`` /
    ``AWS::CloudTrail::EventDataStore``): it records CloudTrail events selected by advanced
    event selectors into a queryable store instead of delivering log files, so it counts
    where it records the same events as a trail (account coverage, global service events,
    S3 data events) and has its own encryption (CT009)."""

    name: Attr[str]
    is_multi_region: Attr[bool]  # default True
    is_organization: Attr[bool]  # default False
    # Whether it ingests live events (TF: ``suspend`` not true; CFN: ``IngestionEnabled``,
    # default True).
    ingestion_enabled: Attr[bool]
    # DEFAULT () when absent: the store then records all management events, read and write.
    advanced_event_selectors: Attr[tuple[AdvancedEventSelector, ...]]
    kms_key_id: Attr[str]  # DEFAULT None: encrypted with a key CloudTrail owns
    retention_days: Attr[int]  # default 2557 days (seven years)
    termination_protection: Attr[bool]  # default True


@value_class(kw_only=True)
class LifecycleTransition(ValueObject):
    """A lifecycle rule's move of objects to another storage class after ``days``."""

    storage_class: str
    days: Attr[int]


@value_class(kw_only=True)
class LifecycleRule(ValueObject):
    """A bucket lifecycle rule: which objects it applies to, when they move and expire."""

    id: str
    enabled: Attr[bool]
    # Key prefix the rule applies to; "" = whole bucket. UNKNOWN when a filter cannot be
    # resolved. Tag / size filters narrow further: ``narrowed`` is True then.
    prefix: Attr[str]
    narrowed: bool
    transitions: tuple[LifecycleTransition, ...]
    expiration_days: Attr[int]  # DEFAULT None when the rule does not expire objects
    span: Span
    maybe: bool = False


@value_class(kw_only=True)
class PublicAccessBlock(ValueObject):
    """A bucket's public access block, each of its four settings as read."""

    block_public_acls: Attr[bool]
    block_public_policy: Attr[bool]
    ignore_public_acls: Attr[bool]
    restrict_public_buckets: Attr[bool]
    span: Span


@value_class(kw_only=True)
class Bucket(Record):
    """An S3 bucket, with what decides whether a trail's logs in it are safe and kept."""

    name: Attr[str]  # concrete or symbolic (``${aws_s3_bucket.x}``)
    arn: Attr[str]
    policy: Attr[PolicyDocument]  # DEFAULT None when the bucket has no policy
    # Ref of the resource that carries the policy: the split policy resource
    # (``aws_s3_bucket_policy.x`` / ``BucketPolicy``) or the bucket itself for an inline
    # policy; "" when there is no policy or the parser could not tell (used by CT011).
    policy_ref: str = ""
    public_access_block: Attr[PublicAccessBlock]  # DEFAULT None when none is attached
    acl: Attr[str]  # canned ACL; DEFAULT "private"
    # Grants from ``access_control_policy`` / ACL grants: grantee URIs or ids.
    acl_grantees: tuple[str, ...] = ()
    lifecycle_rules: Attr[tuple[LifecycleRule, ...]]  # DEFAULT () when none
    logging_target: Attr[str]  # target bucket of server access logging; DEFAULT None
    versioning: Attr[str]  # Enabled | Suspended | Disabled; DEFAULT "Disabled"
    mfa_delete: Attr[bool]  # DEFAULT False
    object_lock: Attr[bool]  # object lock enabled; DEFAULT False
    object_lock_retention_days: Attr[int]  # DEFAULT None


@value_class(kw_only=True)
class AccountPublicAccessBlock(Record):
    """``aws_s3_account_public_access_block`` (applies to every bucket of the account)."""

    settings: PublicAccessBlock


@value_class(kw_only=True)
class KmsKey(Record):
    """A KMS key (or an alias to one): what can use it, and whether it rotates."""

    key_id: Attr[str]  # concrete or symbolic
    arn: Attr[str]
    aliases: tuple[str, ...]  # "alias/name" of every alias pointing at this key
    policy: Attr[PolicyDocument]  # DEFAULT None: the default key policy (root only)
    rotation: Attr[bool]  # default False
    enabled: Attr[bool]  # default True
    key_spec: Attr[str]  # default SYMMETRIC_DEFAULT


@value_class(kw_only=True)
class LogGroup(Record):
    """A CloudWatch Logs group a trail can deliver to; its retention and encryption."""

    name: Attr[str]
    arn: Attr[str]  # without the ``:*`` suffix
    retention_days: Attr[int]  # DEFAULT None = never expire
    kms_key_id: Attr[str]  # DEFAULT None


@value_class(kw_only=True)
class MetricFilter(Record):
    """A metric filter on a log group: the events its pattern turns into a metric."""

    log_group_name: Attr[str]
    pattern: Attr[str]  # the raw pattern text; analysis parses it
    metric_name: Attr[str]
    metric_namespace: Attr[str]


@value_class(kw_only=True)
class Alarm(Record):
    """A CloudWatch alarm on a metric, and whether it notifies anyone."""

    metric_name: Attr[str]
    namespace: Attr[str]
    actions_enabled: Attr[bool]  # default True
    # alarm_actions (+ ok/insufficient-data actions are not counted): ARNs or symbols
    actions: Attr[tuple[str, ...]]


@value_class(kw_only=True)
class Topic(Record):
    """An SNS topic, and who receives what is published to it."""

    name: Attr[str]
    arn: Attr[str]
    subscriptions: tuple[str, ...] = ()  # refs of subscriptions in scope


@value_class(kw_only=True)
class EventRule(Record):
    """An EventBridge rule: the events its pattern matches and where it sends them."""

    name: Attr[str]
    pattern: Attr[dict]  # decoded EventBridge event pattern
    enabled: Attr[bool]  # default True (TF: is_enabled / state; CFN: State)
    targets: tuple[str, ...] = ()  # target ARNs or refs


@value_class(kw_only=True)
class Role(Record):
    """An IAM role: who may assume it and what its policies allow."""

    name: Attr[str]
    arn: Attr[str]
    trust_policy: Attr[PolicyDocument]
    # Every identity policy attached (inline, aws_iam_role_policy, attachments of
    # customer-managed policies in scope). An attached managed policy outside the scan
    # makes ``permissions_complete`` False.
    permission_policies: tuple[PolicyDocument, ...] = ()
    permissions_complete: bool = True


@value_class(kw_only=True)
class Unit(ValueObject):
    """A root module directory or a CloudFormation template (with nested stacks)."""

    id: str  # POSIX path relative to the scan root
    format: str  # "terraform" | "terraform-plan" | "cloudformation"
    files: tuple[str, ...]
    # Module calls (``module.trail``, ``module.a[0].module.b``) whose code could not be read:
    # a remote module ``terraform init`` did not install, a source that is not a literal.
    # Whatever they define (a trail, say) is missing from the unit's records.
    unread_modules: tuple[str, ...] = ()
    # Files of the unit whose text may hold secrets in clear (a Terraform plan JSON carries
    # sensitive values): reports point at them but never quote their lines.
    sealed_files: tuple[str, ...] = ()


@value_class(kw_only=True)
class Settings(ValueObject):
    """What the project configuration tells policies (``[tool.trailscan]``).

    The defaults written here are the ones a scan without a configuration file uses;
    ``scanner.config`` only overrides what the file sets.
    """

    require_trail: bool = False  # CT003: an account without a trail fails
    min_retention_days: int = 365  # CT102: shortest S3 lifecycle expiration of trail logs
    min_log_group_retention_days: int = 365  # CT301: shortest log group retention
    # CT410: "all" = the 18 EC2/ElastiCache/RDS/Redshift security-group events; "ec2" =
    # the six CIS names.
    security_group_events: Literal["all", "ec2"] = "all"


@value_class(kw_only=True)
class Model(ValueObject):
    """One account: everything policies may look at."""

    account: str = "default"
    units: tuple[Unit, ...] = ()
    trails: tuple[Trail, ...] = ()
    # Trails declared in the configuration (``external_trails``): they exist outside the
    # scanned code. Only the account-wide policies count them; they are not ``records()``.
    external_trails: tuple[Trail, ...] = ()
    event_data_stores: tuple[EventDataStore, ...] = ()
    # Trails declared but not created under the given inputs (see ``NotCreated``).
    not_created: tuple[NotCreated, ...] = ()
    buckets: tuple[Bucket, ...] = ()
    account_public_access_blocks: tuple[AccountPublicAccessBlock, ...] = ()
    kms_keys: tuple[KmsKey, ...] = ()
    log_groups: tuple[LogGroup, ...] = ()
    metric_filters: tuple[MetricFilter, ...] = ()
    alarms: tuple[Alarm, ...] = ()
    topics: tuple[Topic, ...] = ()
    event_rules: tuple[EventRule, ...] = ()
    roles: tuple[Role, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    settings: Settings = field(default_factory=Settings)
    # Indexes that ``scanner.analysis`` derives from the records, built once per model
    # (links by reference and by name, filters by log group...). Not compared, not copied
    # by ``dataclasses.replace``.
    cache: dict[str, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    def records(self) -> tuple[Record, ...]:
        """Every record, in a stable order."""
        return (
            *self.trails,
            *self.event_data_stores,
            *self.buckets,
            *self.account_public_access_blocks,
            *self.kms_keys,
            *self.log_groups,
            *self.metric_filters,
            *self.alarms,
            *self.topics,
            *self.event_rules,
            *self.roles,
        )

    @staticmethod
    def merge(parts: list[Model] | tuple[Model, ...], account: str = "default") -> Model:
        """Combine unit models into one account model, keeping a deterministic order."""

        units_of: dict[str, set[str]] = {}
        for part in parts:
            for record in (*part.records(), *part.not_created):
                units_of.setdefault(record.ref, set()).add(record.unit)
        shared = {ref for ref, units in units_of.items() if len(units) > 1}

        def cat(name: str) -> tuple:
            items = [x for p in parts for x in getattr(p, name)]
            if shared and name != "units" and name != "problems":
                items = [replace(x, shared_ref=True) if x.ref in shared else x for x in items]
            return tuple(items)

        return Model(
            account=account,
            units=tuple(sorted(cat("units"), key=lambda u: u.id)),
            trails=cat("trails"),
            event_data_stores=cat("event_data_stores"),
            not_created=cat("not_created"),
            buckets=cat("buckets"),
            account_public_access_blocks=cat("account_public_access_blocks"),
            kms_keys=cat("kms_keys"),
            log_groups=cat("log_groups"),
            metric_filters=cat("metric_filters"),
            alarms=cat("alarms"),
            topics=cat("topics"),
            event_rules=cat("event_rules"),
            roles=cat("roles"),
            problems=cat("problems"),
            settings=parts[0].settings if parts else Settings(),
        )
