"""Policy registry and evaluation.

A policy is a function ``(model: Model) -> Iterable[Fail | Pass | Unknown]`` decorated
with ``@policy``. The decorator only attaches metadata; ``load_policies()`` discovers the
modules in the ``policies`` package so that importing a policy never has side effects on
a global registry (tests can load one policy alone).
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
import textwrap
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from scanner.model import Model, Severity, Span

POLICY_ID_RE = re.compile(r"^CT\d{3}$")


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


def judge(
    *,
    subject: str,
    span: Span,
    verdict: bool | None,
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
) -> Callable[[PolicyFunc], PolicyFunc]:
    """Attach metadata to a policy function; registers nothing."""

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
        )
        func.__trailscan_policy__ = spec  # type: ignore[attr-defined]
        return func

    return wrap


# Engine-owned ids that have no policy module but appear in reports and `list`.
BUILTIN_SPECS: tuple[PolicySpec, ...] = tuple(
    PolicySpec(
        id=pid,
        name=name,
        severity=sev,
        title=title,
        doc=f"## Why is this bad?\n{why}\n\n## How to fix\n{fix}",
        why=why,
        how_to_fix=fix,
        references="",
        controls=(),
        aliases=(),
        formats=("terraform", "cloudformation"),
        func=None,
        module="scanner.engine",
    )
    for pid, name, sev, title, why, fix in (
        (
            "CT900",
            "internal-error",
            Severity.HIGH,
            "A policy failed with an internal error",
            "A policy raised an exception, so its verdict for this account is missing: the "
            "scan is incomplete and a real problem may be hidden.",
            "Report the message (run with `--debug` for the traceback); the other policies "
            "ran normally.",
        ),
        (
            "CT901",
            "parse-error",
            Severity.HIGH,
            "A file could not be parsed",
            "A template that cannot be read is a template that is not checked: the trail, "
            "bucket or key it defines is invisible to every policy.",
            "Fix the syntax error at the reported line (the parser's message says what it "
            "expected), or exclude the file if it is not infrastructure code.",
        ),
        (
            "CT902",
            "suppression-without-reason",
            Severity.LOW,
            "A suppression has no reason",
            "A suppression without a reason cannot be reviewed; it does not suppress.",
            "Terraform: `# trailscan:ignore CT008 <reason>`. CloudFormation: "
            "`Metadata: {trailscan: {ignore: [{id: CT008, reason: ...}]}}`.",
        ),
        (
            "CT903",
            "unused-suppression",
            Severity.LOW,
            "A suppression matched no finding",
            "A stale suppression hides nothing today but will silently hide a future "
            "finding on the same resource.",
            "Remove the suppression (or fix its id).",
        ),
    )
)


def load_policies(package: str = "policies") -> tuple[PolicySpec, ...]:
    """Discover every ``@policy`` function in ``package``, sorted by id.

    Raises ValueError on a duplicate or malformed id, so a bad catalogue fails loudly
    at start-up (and in tests) rather than silently shadowing a policy.
    """
    pkg = importlib.import_module(package)
    specs: dict[str, PolicySpec] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for obj in vars(module).values():
            spec = getattr(obj, "__trailscan_policy__", None)
            if not isinstance(spec, PolicySpec) or spec.module != module.__name__:
                continue
            if not POLICY_ID_RE.match(spec.id):
                raise ValueError(f"{module.__name__}: malformed policy id {spec.id!r}")
            if spec.id in specs or any(b.id == spec.id for b in BUILTIN_SPECS):
                raise ValueError(f"duplicate policy id {spec.id} in {module.__name__}")
            specs[spec.id] = spec
    return tuple(specs[k] for k in sorted(specs))


def all_specs(policies: tuple[PolicySpec, ...]) -> tuple[PolicySpec, ...]:
    """Policies plus the engine's own ids, sorted."""
    return tuple(sorted((*policies, *BUILTIN_SPECS), key=lambda s: s.id))


def select_policies(
    specs: tuple[PolicySpec, ...], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> tuple[PolicySpec, ...]:
    """``--select``/``--ignore`` by id or id prefix (``CT4`` = all monitoring)."""

    def hit(spec: PolicySpec, patterns: tuple[str, ...]) -> bool:
        return any(spec.id.upper().startswith(p.strip().upper()) for p in patterns if p.strip())

    out = [s for s in specs if (not select or hit(s, select)) and not hit(s, ignore)]
    return tuple(out)


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    id: str
    name: str
    severity: Severity
    title: str
    message: str
    resource: str
    span: Span
    account: str = "default"
    related: tuple[Related, ...] = ()
    suppressed: bool = False
    suppression: str = ""  # how it was suppressed: "inline: <reason>", "baseline", ...
    fix: str = ""

    @property
    def fingerprint(self) -> str:
        """Stable across edits that move lines: id + path + resource, never the line."""
        key = f"{self.id}\x00{self.span.path}\x00{self.resource}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.span.path,
            self.span.line,
            self.span.column,
            self.id,
            self.resource,
            self.message,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    policy: str
    subject: str
    status: str  # pass | fail | unknown | suppressed | not_applicable
    span: Span | None
    account: str = "default"
    reason: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        return (self.policy, self.account, self.subject, self.status)


@dataclass(slots=True)
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)


def _internal_error(spec: PolicySpec, model: Model, exc: BaseException, debug: bool) -> Finding:
    builtin = {b.id: b for b in BUILTIN_SPECS}["CT900"]
    first = model.units[0].files[0] if model.units and model.units[0].files else "."
    span = Span(path=first)
    detail = "".join(traceback.format_exception(exc)) if debug else f"{type(exc).__name__}: {exc}"
    return Finding(
        id="CT900",
        name=builtin.name,
        severity=builtin.severity,
        title=builtin.title,
        message=f"policy {spec.id} failed on account {model.account!r}: {detail}".strip(),
        resource=f"account:{model.account}",
        span=span,
        account=model.account,
        fix=builtin.how_to_fix,
    )


def evaluate(
    specs: tuple[PolicySpec, ...], model: Model, *, strict: bool = False, debug: bool = False
) -> EngineResult:
    """Run every policy over one account model."""
    result = EngineResult()
    for spec in specs:
        if spec.func is None:
            continue
        try:
            outcomes = list(spec.func(model))
        except Exception as exc:  # a policy bug must never crash the scan
            result.findings.append(_internal_error(spec, model, exc, debug))
            result.evaluations.append(
                Evaluation(
                    policy=spec.id,
                    subject=f"account:{model.account}",
                    status="unknown",
                    span=None,
                    account=model.account,
                    reason="internal error (CT900)",
                )
            )
            continue
        if not outcomes:
            result.evaluations.append(
                Evaluation(
                    policy=spec.id,
                    subject=f"account:{model.account}",
                    status="not_applicable",
                    span=None,
                    account=model.account,
                )
            )
            continue
        for out in outcomes:
            if isinstance(out, Fail):
                status, reason = "fail", out.message
            elif isinstance(out, Unknown):
                status, reason = "unknown", out.reason
            else:
                status, reason = "pass", ""
            result.evaluations.append(
                Evaluation(
                    policy=spec.id,
                    subject=out.subject,
                    status=status,
                    span=out.span,
                    account=model.account,
                    reason=reason,
                )
            )
            if isinstance(out, Fail) or (strict and isinstance(out, Unknown)):
                message = out.message if isinstance(out, Fail) else (
                    f"cannot be verified statically: {out.reason} (--strict)"
                )
                result.findings.append(
                    Finding(
                        id=spec.id,
                        name=spec.name,
                        severity=spec.severity,
                        title=spec.title,
                        message=message,
                        resource=out.subject,
                        span=out.span,
                        account=model.account,
                        related=out.related,
                        fix=spec.how_to_fix,
                    )
                )
    return result


def problem_findings(model: Model) -> list[Finding]:
    """CT901 findings for every file problem the parsers recorded."""
    builtin = {b.id: b for b in BUILTIN_SPECS}
    out = []
    seen: set[tuple[str, str, int, str]] = set()
    for p in model.problems:
        # Discovery and a parser may both refuse the same file (a symlink out of the
        # root): one finding per problem, not one per component that noticed it.
        key = (p.id, p.span.path, p.span.line, p.message)
        if key in seen:
            continue
        seen.add(key)
        spec = builtin.get(p.id, builtin["CT901"])
        out.append(
            Finding(
                id=spec.id,
                name=spec.name,
                severity=spec.severity,
                title=spec.title,
                message=p.message,
                resource=p.span.path,
                span=p.span,
                account=model.account,
                fix=spec.how_to_fix,
            )
        )
    return out


def builtin_finding(pid: str, *, message: str, resource: str, span: Span, account: str) -> Finding:
    """A finding for one of the engine's own ids (CT900-CT903)."""
    spec = {b.id: b for b in BUILTIN_SPECS}[pid]
    return Finding(
        id=spec.id,
        name=spec.name,
        severity=spec.severity,
        title=spec.title,
        message=message,
        resource=resource,
        span=span,
        account=account,
        fix=spec.how_to_fix,
    )


def with_suppression(finding: Finding, how: str) -> Finding:
    return replace(finding, suppressed=True, suppression=how)
