"""Load, select and run policies over one account model.

Policies are plain functions carrying a ``PolicySpec`` (``scanner.policy``).
``load_policies()`` discovers the modules in the ``policies`` package so that importing a
policy never has side effects on a global registry. ``evaluate`` runs them with failure
isolation: a policy that raises costs that policy a CT900 finding, never the scan.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import traceback

from scanner.model import INTERNAL_ERROR, PARSE_ERROR, Model, Span
from scanner.policy import Fail, PolicySpec, Related, Unknown, spec_of
from scanner.results import (
    BUILTIN_SPECS,
    EngineResult,
    Evaluation,
    Finding,
    builtin_finding,
)

POLICY_ID_RE = re.compile(r"^CT\d{3}$")

# Related locations kept on one finding. An account-wide finding may relate to every trail
# of the account; listing them all would make each such finding as large as the account
# and the report quadratic in it. The rest are counted in the message.
MAX_RELATED = 20


def cap_related(related: tuple[Related, ...], message: str) -> tuple[tuple[Related, ...], str]:
    """At most ``MAX_RELATED`` related locations; the message says how many were left out."""
    if len(related) <= MAX_RELATED:
        return related, message
    more = len(related) - MAX_RELATED
    noun = "location" if more == 1 else "locations"
    return related[:MAX_RELATED], f"{message.rstrip()}\n(and {more} more related {noun} not listed)"


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
            spec = spec_of(obj)
            if spec is None or spec.module != module.__name__:
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


def _internal_error(spec: PolicySpec, model: Model, exc: BaseException, debug: bool) -> Finding:
    first = model.units[0].files[0] if model.units and model.units[0].files else "."
    detail = "".join(traceback.format_exception(exc)) if debug else f"{type(exc).__name__}: {exc}"
    return builtin_finding(
        INTERNAL_ERROR,
        message=f"policy {spec.id} failed on account {model.account!r}: {detail}".strip(),
        resource=f"account:{model.account}",
        span=Span(path=first),
        account=model.account,
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
                    reason=f"internal error ({INTERNAL_ERROR})",
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
                related, message = cap_related(out.related, message)
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
                        related=related,
                        fix=spec.how_to_fix,
                    )
                )
    return result


def problem_findings(model: Model) -> list[Finding]:
    """CT901 findings for every file problem the parsers recorded."""
    out = []
    seen: set[tuple[str, str, int, str]] = set()
    for p in model.problems:
        # Discovery and a parser may both refuse the same file (a symlink out of the
        # root): one finding per problem, not one per component that noticed it.
        key = (p.id, p.span.path, p.span.line, p.message)
        if key in seen:
            continue
        seen.add(key)
        pid = p.id if any(b.id == p.id for b in BUILTIN_SPECS) else PARSE_ERROR
        out.append(
            builtin_finding(pid, message=p.message, resource=p.span.path, span=p.span, account=model.account)
        )
    return out
