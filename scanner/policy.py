"""What a policy author imports: ``@policy``, the outcomes a policy yields, ``judge``.

A policy is a function ``(model: Model) -> Iterable[Fail | Pass | Unknown]`` decorated
with ``@policy``. The decorator only attaches metadata (and, optionally, a fix that the
``fix`` command applies); it registers nothing, so importing a policy never changes a
global registry and tests can load one policy alone. Loading, selecting and running
policies is the engine's job (``scanner.engine``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from typing import Any, TypeVar

from scanner.model import Attr, KmsKey, Model, Origin, Record, Severity, Span
from scanner.tri import Tri
from scanner.valueclass import ValueObject, value_class

# ---------------------------------------------------------------------------
# What a policy yields
# ---------------------------------------------------------------------------


@value_class(kw_only=True)
class Related(ValueObject):
    """Another location that explains a finding (the trail's bucket, key, filter...)."""

    label: str  # "bucket", "kms key", "log group", "metric filter", "trail", ...
    ref: str
    span: Span


@value_class(kw_only=True)
class Fail(ValueObject):
    """The policy is violated for ``subject`` (a record ref or ``account:<name>``)."""

    subject: str
    span: Span
    message: str
    related: tuple[Related, ...] = ()


@value_class(kw_only=True)
class Pass(ValueObject):
    """A policy's verdict that the control holds for ``subject`` (the reports that list
    passes say where)."""

    subject: str
    span: Span


@value_class(kw_only=True)
class Unknown(ValueObject):
    """The policy cannot decide for ``subject``: something it needs is UNKNOWN."""

    subject: str
    span: Span
    reason: str
    related: tuple[Related, ...] = ()


Outcome = Fail | Pass | Unknown
PolicyFunc = Callable[[Model], Iterable[Outcome]]


# ---------------------------------------------------------------------------
# Fixes: what a policy's fix yields (``trailscan fix`` applies it)
# ---------------------------------------------------------------------------
#
# A fix is written once, against the model: it says which attribute of which record must
# take which value. It never writes source text; the editors of ``scanner.fixing`` (one
# per format) turn each edit into the smallest change in the author's style, and the fix
# command re-checks the result before anything is written.


@value_class()
class Reference(ValueObject):
    """A value that names another record of the same unit: the editors write it the way
    the format refers to that record (``aws_kms_key.trail.arn``, ``!GetAtt TrailKey.Arn``)."""

    record: Record
    attribute: str = "arn"  # the model's name of the referenced attribute: "arn" or "id"


FixValue = bool | int | str | Reference


@value_class(kw_only=True)
class SetAttribute(ValueObject):
    """``attr`` of ``record`` is written: its value becomes ``value`` where it is written
    (at ``attr.span``, or at the default it comes from, ``attr.via_span``)."""

    record: Record
    attr: Attr[Any]
    value: FixValue


@value_class(kw_only=True)
class AddAttribute(ValueObject):
    """``attr`` of ``record`` is absent: write it with ``value`` inside the block or mapping
    its span points at (the parsers span an absent attribute at its owner's header and
    name it as it would be written; a dotted name is a path of nested blocks)."""

    record: Record
    attr: Attr[Any]
    value: FixValue


@value_class(kw_only=True)
class AddResource(ValueObject):
    """The source keeps ``attr``'s setting in a resource of its own, and there is none:
    add one of ``kind`` next to ``near``, naming it by reference, with the setting at
    ``value`` (Terraform's ``aws_s3_bucket_versioning`` for a bucket)."""

    kind: str
    near: Record
    attr: Attr[Any]
    value: FixValue


@value_class()
class NotFixed(ValueObject):
    """A failure the fix leaves as it is, and why (reported as ``not fixed: <reason>``)."""

    reason: str


Edit = SetAttribute | AddAttribute | AddResource
# A fix: given the model and one of the policy's failures, the edits that repair it, or
# why it cannot (yielding nothing also means "not fixed").
FixFunc = Callable[[Model, Fail], Iterable[Edit | NotFixed]]

R = TypeVar("R", bound=Record)


def assign(record: Record, attr: Attr[Any], value: FixValue) -> Edit | NotFixed:
    """The edit that gives ``attr`` (an attribute of ``record``) the value ``value``,
    decided from the model alone: change it where it is written, write it where it is
    absent, or add the resource that holds it. An absent setting that the parsers name
    after a resource type extending the record's own (``aws_s3_bucket_versioning`` for an
    ``aws_s3_bucket``) lives in a resource of its own."""
    if attr.origin is Origin.UNKNOWN:
        return NotFixed(f"{attr.name or 'the value'} cannot be resolved statically ({attr.reason})")
    if attr.origin is Origin.EXPLICIT:
        return SetAttribute(record=record, attr=attr, value=value)
    if record.kind and attr.name.startswith(record.kind + "_"):
        return AddResource(kind=attr.name, near=record, attr=attr, value=value)
    return AddAttribute(record=record, attr=attr, value=value)


def point_at_the_one_key(
    record: Record, attr: Attr[Any], keys: Sequence[KmsKey], user: str, purpose: str = ""
) -> Edit | NotFixed:
    """Make ``attr`` name the KMS key a repair may choose: the one key (of ``keys``, those of
    the record's unit that let ``user`` use them ``purpose``) there is. None, or several,
    leave the choice to the author."""
    if len(keys) != 1:
        return NotFixed(
            f"no KMS key of the unit lets {user} use it{purpose}" if not keys else
            f"{len(keys)} KMS keys of the unit let {user} use them: which one is the author's choice"
        )
    return assign(record, attr, Reference(keys[0], "arn"))


def record_of(records: Iterable[R], subject: str) -> R | None:
    """The record a failure names (its ``subject``), or None."""
    return next((r for r in records if r.subject == subject), None)


@value_class(frozen=False)
class Tally(ValueObject):
    """The verdict on one subject, decided from one or more facts: the one door through
    which every outcome is built.

    Every failed fact is reported (each at its own span, with its own message). Without a
    failure, any fact that cannot be decided statically makes the verdict ``Unknown``
    (reasons joined, at the span of the first undecided fact that names one, else at
    ``span``); otherwise the subject passes at ``span``. An unknown never becomes a pass
    or a fail here.
    """

    subject: str
    span: Span  # where a pass (and an unknown without a span of its own) points
    related: tuple[Related, ...] = ()
    fails: list[Fail] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    unknown_span: Span | None = None

    def fail(self, message: str, *, span: Span | None = None) -> None:
        """A fact that fails, reported at ``span`` (else the subject's span)."""
        self.fails.append(
            Fail(subject=self.subject, span=span or self.span, message=message, related=self.related)
        )

    def unknown(self, reason: str, *, span: Span | None = None) -> None:
        """A fact that cannot be decided statically, and why."""
        self.reasons.append(reason or "unresolved")
        if self.unknown_span is None:
            self.unknown_span = span

    def add(
        self,
        verdict: Tri,
        *,
        unknown: str | Callable[[], str],
        fail: str | Callable[[], str],
        span: Span | None = None,
    ) -> None:
        """One three-valued fact; the texts may be callables, built only when needed."""
        if verdict is None:
            self.unknown(unknown() if callable(unknown) else unknown, span=span)
        elif verdict is False:
            self.fail(fail() if callable(fail) else fail, span=span)

    def outcomes(self) -> list[Outcome]:
        if self.fails:
            return list(self.fails)
        if self.reasons:
            span = self.unknown_span or self.span
            reason = "; ".join(self.reasons)
            return [Unknown(subject=self.subject, span=span, reason=reason, related=self.related)]
        return [Pass(subject=self.subject, span=self.span)]


def judge(
    *,
    subject: str,
    span: Span,
    verdict: Tri,
    unknown: str | Callable[[], str],
    fail: str | Callable[[], str],
    related: tuple[Related, ...] = (),
) -> Outcome:
    """Turn one three-valued verdict into an outcome, the same way for every policy.

    ``None`` (cannot be decided statically) is always ``Unknown`` with its reason, never a
    pass or a fail; the texts may be callables so a message is only built when needed.
    """
    tally = Tally(subject=subject, span=span, related=related)
    tally.add(verdict, unknown=unknown, fail=fail)
    return tally.outcomes()[0]


# ---------------------------------------------------------------------------
# Policy metadata
# ---------------------------------------------------------------------------


@value_class(kw_only=True)
class PolicySpec(ValueObject):
    """A policy's metadata, documentation and function, as ``@policy`` records them."""

    id: str
    name: str
    severity: Severity
    title: str
    doc: str  # the whole docstring body (markdown) after the title line
    why: str
    how_to_fix: str
    references: str
    controls: tuple[tuple[str, str], ...]  # (framework, control), e.g. ("CIS v3.0", "3.1")
    aliases: tuple[str, ...]  # other tools' ids: CKV_AWS_67, AVD-AWS-0014
    formats: tuple[str, ...]  # ("terraform", "cloudformation")
    func: PolicyFunc | None
    module: str
    fix: FixFunc | None = None

    @property
    def help_markdown(self) -> str:
        return f"# {self.id} {self.title}\n\n{self.doc}".strip() + "\n"


def _sections(doc: str) -> dict[str, str]:
    out: dict[str, str] = {}
    current = ""
    buf: list[str] = []
    for line in doc.splitlines():
        m = re.match(r"^##\s+(.*?)\s*$", line)
        if m:
            if current:
                out[current] = "\n".join(buf).strip()
            current = m.group(1).rstrip("?").strip().lower()
            buf = []
        else:
            buf.append(line)
    if current:
        out[current] = "\n".join(buf).strip()
    return out


def dedent(text: str) -> str:
    """``textwrap.dedent``: lines of only spaces and tabs emptied, then the indentation
    every other line shares removed. (``textwrap`` compiles its line-wrapping patterns on
    import: 2 ms of every run, for the docstrings of the policies.)"""
    lines = ["" if not line.strip(" \t") else line for line in text.split("\n")]
    indents = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines if line]
    margin = len(os.path.commonprefix(indents)) if indents else 0
    return "\n".join(line[margin:] for line in lines)


def policy(
    *,
    id: str,  # noqa: A002 - the design names it ``id``
    name: str,
    severity: Severity | str,
    controls: dict[str, str] | None = None,
    aliases: tuple[str, ...] = (),
    formats: tuple[str, ...] = ("terraform", "cloudformation"),
    fix: FixFunc | None = None,
) -> Callable[[PolicyFunc], PolicyFunc]:
    """Attach metadata (and an optional fix) to a policy function; registers nothing."""

    def wrap(func: PolicyFunc) -> PolicyFunc:
        doc = dedent(func.__doc__ or "").strip()
        title, _, body = doc.partition("\n")
        body = dedent(body).strip()
        sections = _sections(body)
        sev = severity if isinstance(severity, Severity) else Severity.parse(severity)
        spec = PolicySpec(
            id=id,
            name=name,
            severity=sev,
            title=title.strip(),
            doc=body,
            why=sections.get("why is this bad", ""),
            how_to_fix=sections.get("how to fix", ""),
            references=sections.get("references", ""),
            controls=tuple(sorted((controls or {}).items())),
            aliases=tuple(aliases),
            formats=tuple(formats),
            func=func,
            module=func.__module__,
            fix=fix,
        )
        setattr(func, SPEC_ATTRIBUTE, spec)
        return func

    return wrap


# Where ``@policy`` keeps a function's spec; ``scanner.engine.load_policies`` reads it.
SPEC_ATTRIBUTE = "__trailscan_policy__"


def spec_of(obj: object) -> PolicySpec | None:
    """The spec ``@policy`` attached to ``obj``, if any."""
    spec = getattr(obj, SPEC_ATTRIBUTE, None)
    return spec if isinstance(spec, PolicySpec) else None
