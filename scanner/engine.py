"""Load, select and run policies over one account model.

Policies are plain functions carrying a ``PolicySpec`` (``scanner.policy``).
``load_policies()`` discovers the modules in the ``policies`` package so that importing a
policy never has side effects on a global registry. ``evaluate`` runs them with failure
isolation: a policy that raises costs that policy a CT900 finding, never the scan.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

from scanner.digest import sha256
from scanner.lifetime import for_good
from scanner.model import INTERNAL_ERROR, PARSE_ERROR, Model, Span
from scanner.policy import Fail, PolicySpec, Related, Unknown, spec_of
from scanner.results import (
    BUILTIN_SPECS,
    EngineResult,
    Evaluation,
    Finding,
    Status,
    builtin_finding,
)

POLICY_ID_RE = re.compile(r"^CT\d{3}$")
# Users' own policies (``--policies-dir``): an uppercase prefix of 2-8 letters and three
# digits (``ORG001``); ``CT`` is trailscan's and never a user's.
USER_POLICY_ID_RE = re.compile(r"^(?!CT\d)[A-Z]{2,8}\d{3}$")

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


class PolicyLoadError(ValueError):
    """A policy module that cannot be used: a malformed or duplicate id, missing docs."""


def load_policies(
    package: str = "policies", extra_dirs: Sequence[Path] = ()
) -> tuple[PolicySpec, ...]:
    """Discover every ``@policy`` function in ``package`` (and in each of ``extra_dirs``,
    the users' own policy modules), sorted by id.

    Raises PolicyLoadError on a duplicate or malformed id, so a bad catalogue fails
    loudly at start-up (and in tests) rather than silently shadowing a policy.
    """
    with for_good():  # the policy modules live as long as the process
        pkg = importlib.import_module(package)
        specs: dict[str, PolicySpec] = {}
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package}.{info.name}")
            for spec in _specs_in(module):
                if not POLICY_ID_RE.match(spec.id):
                    raise PolicyLoadError(f"{module.__name__}: malformed policy id {spec.id!r}")
                _add(specs, spec, module.__name__)
        for directory in dict.fromkeys(d.resolve() for d in extra_dirs):
            for spec, where in _user_specs(directory):
                _add(specs, spec, where)
    return tuple(specs[k] for k in sorted(specs))


def _specs_in(module: ModuleType) -> list[PolicySpec]:
    out = []
    for obj in vars(module).values():
        spec = spec_of(obj)
        if spec is not None and spec.module == module.__name__:
            out.append(spec)
    return out


def _add(specs: dict[str, PolicySpec], spec: PolicySpec, where: str) -> None:
    if spec.id in specs or any(b.id == spec.id for b in BUILTIN_SPECS):
        other = specs[spec.id].module if spec.id in specs else "trailscan itself"
        raise PolicyLoadError(f"duplicate policy id {spec.id} in {where} (also in {other})")
    specs[spec.id] = spec


def _user_specs(directory: Path) -> Iterator[tuple[PolicySpec, str]]:
    """Import every ``*.py`` of a user policy directory (this runs the user's code: the
    command line decides whether a directory is trusted, never the scanned tree)."""
    if not directory.is_dir():
        raise PolicyLoadError(f"policies directory {directory} does not exist")
    # One private namespace per directory, so two directories may both have ``rules.py``.
    digest = sha256(str(directory.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    found = False
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"trailscan_user_policies_{digest}.{path.stem}"
        module = _import_file(name, path)
        for spec in _specs_in(module):
            found = True
            where = path.as_posix()
            if not USER_POLICY_ID_RE.match(spec.id):
                raise PolicyLoadError(
                    f"{where}: policy id {spec.id!r} is not in the user range (2-8 uppercase "
                    "letters and 3 digits such as ORG001; CT ids are trailscan's)"
                )
            title = "" if spec.title.startswith("#") else spec.title
            missing = [
                what
                for what, text in (("a title line", title), ("'## Why is this bad?'", spec.why),
                                   ("'## How to fix'", spec.how_to_fix))
                if not text.strip()
            ]
            if missing:
                raise PolicyLoadError(f"{where}: policy {spec.id} docstring lacks {', '.join(missing)}")
            yield spec, where
    if not found:
        raise PolicyLoadError(f"policies directory {directory} holds no @policy function")


def _import_file(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    package = name.rpartition(".")[0]
    if package not in sys.modules:
        sys.modules[package] = ModuleType(package)
    loader_spec = importlib.util.spec_from_file_location(name, path)
    if loader_spec is None or loader_spec.loader is None:
        raise PolicyLoadError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[name] = module
    try:
        loader_spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise PolicyLoadError(f"{path}: import failed: {type(exc).__name__}: {exc}") from exc
    return module


def all_specs(policies: tuple[PolicySpec, ...]) -> tuple[PolicySpec, ...]:
    """Policies plus the engine's own ids, sorted."""
    return tuple(sorted((*policies, *BUILTIN_SPECS), key=lambda s: s.id))


def selector_matches(spec: PolicySpec, selector: str) -> bool:
    """A selector is an id prefix (``CT4`` = all monitoring), a policy name, or one of the
    policy's aliases (``CKV_AWS_36``, ``AVD-AWS-0016``, a tfsec long id), any case."""
    token = selector.strip().upper()
    if not token:
        return False
    return (
        spec.id.upper().startswith(token)
        or spec.name.upper() == token
        or any(a.upper() == token for a in spec.aliases)
    )


def unknown_selectors(specs: Sequence[PolicySpec], selectors: Sequence[str]) -> list[str]:
    """The selectors that match no policy, each with a suggestion where one is close."""
    known = [*specs, *BUILTIN_SPECS]
    vocabulary = sorted({w for s in known for w in (s.id, s.name, *s.aliases)})
    out = []
    for selector in selectors:
        if not selector.strip() or any(selector_matches(s, selector) for s in known):
            continue
        import difflib  # only to suggest a correction: a run without a mistake never pays

        close = difflib.get_close_matches(selector.strip(), vocabulary, n=1, cutoff=0.6)
        if not close:
            upper = {w.upper(): w for w in vocabulary}
            close = [upper[c] for c in difflib.get_close_matches(selector.strip().upper(), upper, n=1)]
        hint = f" (did you mean {close[0]}?)" if close else ""
        out.append(f"{selector.strip()!r}{hint}")
    return out


def select_policies(
    specs: tuple[PolicySpec, ...], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> tuple[PolicySpec, ...]:
    """``--select``/``--ignore`` by id, id prefix, name or alias (see ``selector_matches``)."""

    def hit(spec: PolicySpec, patterns: tuple[str, ...]) -> bool:
        return any(selector_matches(spec, p) for p in patterns)

    out = [s for s in specs if (not select or hit(s, select)) and not hit(s, ignore)]
    return tuple(out)


def _internal_error(spec: PolicySpec, model: Model, exc: BaseException, debug: bool) -> Finding:
    first = model.units[0].files[0] if model.units and model.units[0].files else "."
    if debug:
        import traceback  # only for --debug: a run that never crashes does not pay for it

        detail = "".join(traceback.format_exception(exc))
    else:
        detail = f"{type(exc).__name__}: {exc}"
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
                    status=Status.UNKNOWN,
                    span=None,
                    account=model.account,
                    reason=f"internal error ({INTERNAL_ERROR})",
                )
            )
            continue
        result.evaluations.extend(_not_created(spec, model))
        if not outcomes:
            result.evaluations.append(
                Evaluation(
                    policy=spec.id,
                    subject=f"account:{model.account}",
                    status=Status.NOT_APPLICABLE,
                    span=None,
                    account=model.account,
                    reason=_nothing_created(model) if not model.trails else "",
                )
            )
            continue
        for out in outcomes:
            if isinstance(out, Fail):
                status, reason = Status.FAIL, out.message
            elif isinstance(out, Unknown):
                status, reason = Status.UNKNOWN, out.reason
            else:
                status, reason = Status.PASS, ""
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


# Trails one account-level "nothing to judge" reason names before "and N more".
MAX_NAMED_NOT_CREATED = 5


def _not_created(spec: PolicySpec, model: Model) -> list[Evaluation]:
    """One ``not_applicable`` evaluation per policy for every trail the code declares but
    does not create under the given inputs, with the reason: every policy follows a
    trail's links, so for each of them the trail is why nothing was checked there."""
    return [
        Evaluation(
            policy=spec.id,
            subject=absent.subject,
            status=Status.NOT_APPLICABLE,
            span=absent.span,
            account=model.account,
            reason=f"not created under the given inputs: {absent.reason}",
        )
        for absent in model.not_created
    ]


def _nothing_created(model: Model) -> str:
    """Why an account without trails had nothing to judge, when its code declares some."""
    absent = model.not_created
    if not absent:
        return ""
    shown = "; ".join(f"{a.subject} ({a.reason})" for a in absent[:MAX_NAMED_NOT_CREATED])
    more = len(absent) - MAX_NAMED_NOT_CREATED
    return (
        f"no trail is created under the given inputs: {shown}"
        + (f" and {more} more" if more > 0 else "")
    )


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
