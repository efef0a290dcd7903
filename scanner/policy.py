"""What a policy author imports: ``@policy``, the outcomes a policy yields, ``judge``.

A policy is a function ``(model: Model) -> Iterable[Fail | Pass | Unknown]`` decorated
with ``@policy``. The decorator only attaches metadata (and, optionally, a fix that the
``fix`` command applies); it registers nothing, so importing a policy never changes a
global registry and tests can load one policy alone. Loading, selecting and running
policies is the engine's job (``scanner.engine``).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scanner.model import Model, Severity, Span
from scanner.tri import Tri

# ---------------------------------------------------------------------------
# What a policy yields
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Related:
    """Another location that explains a finding (the trail's bucket, key, filter...)."""

    label: str  # "bucket", "kms key", "log group", "metric filter", "trail", ...
    ref: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Fail:
    """The policy is violated for ``subject`` (a record ref or ``account:<name>``)."""

    subject: str
    span: Span
    message: str
    related: tuple[Related, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Pass:
    subject: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Unknown:
    """The policy cannot decide for ``subject``: something it needs is UNKNOWN."""

    subject: str
    span: Span
    reason: str
    related: tuple[Related, ...] = ()


Outcome = Fail | Pass | Unknown
PolicyFunc = Callable[[Model], Iterable[Outcome]]
# A fix: given the model and one of the policy's failures, the edits that repair it (the
# ``fix`` command defines the edit vocabulary and applies them; no fix yields nothing).
FixFunc = Callable[[Model, Fail], Iterable[object]]


def judge(
    *,
    subject: str,
    span: Span,
    verdict: Tri,
    unknown: str,
    fail: str | Callable[[], str],
    related: tuple[Related, ...] = (),
) -> Outcome:
    """Turn one three-valued verdict into an outcome, the same way for every policy.

    ``None`` (cannot be decided statically) is always ``Unknown`` with its reason, never a
    pass or a fail; ``fail`` may be a callable so the message is only built when needed.
    """
    if verdict is None:
        return Unknown(subject=subject, span=span, reason=unknown or "unresolved", related=related)
    if verdict:
        return Pass(subject=subject, span=span)
    return Fail(subject=subject, span=span, message=fail() if callable(fail) else fail, related=related)


# ---------------------------------------------------------------------------
# Policy metadata
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySpec:
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
        doc = textwrap.dedent(func.__doc__ or "").strip()
        title, _, body = doc.partition("\n")
        body = textwrap.dedent(body).strip()
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
