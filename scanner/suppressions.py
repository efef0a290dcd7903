"""Apply inline and config-file suppressions to findings.

Suppressed findings are kept (flagged), never dropped, so every report can show what was
waived and why. A suppression that cannot be reviewed (no reason, bad date) does not
suppress and is reported as CT902; one that waives nothing is reported as CT903, because a
stale waiver would silently hide the next real finding on the same resource.

Rules, in one place:

* Inline suppressions (``Record.suppressions``, collected by the parsers) match a finding
  whose ``resource`` is the record's ``subject`` in the same account, by policy id or by one
  of the policy's aliases (case-insensitive). checkov skips and trivy/tfsec ignores
  (``source`` "checkov", "trivy", "tfsec") match through aliases only in practice, since
  they name those tools' ids; trivy/tfsec ignores have no reason of their own and are
  CT902 under ``require_reasons = true``.
* Config suppressions (``[[tool.trailscan.suppressions]]``) match by id (an fnmatch
  pattern such as ``CT4*``, or an alias), by path glob and optionally by resource pattern.
  They exist for account-level findings that have no line to annotate.
* ``until`` is inclusive: a suppression ``until=2027-03-31`` still works on that day.
* CT903 is reported only for trailscan and config suppressions whose ids name a policy
  that ran in this scan: a deselected policy's suppression is not "unused", and a checkov,
  trivy or tfsec comment may still be needed by that tool itself. A config suppression whose paths match no
  scanned file is out of scope (a pre-commit run on one file), not unused.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import re
from collections.abc import Collection, Iterable
from dataclasses import field, replace
from pathlib import Path

from scanner.config import Config, ConfigSuppression
from scanner.engine import load_policies, select_policies
from scanner.model import SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION, Model, Record, Span, Suppression
from scanner.policy import PolicySpec
from scanner.results import BUILTIN_SPECS, Finding, Waiver, WaiverKind, builtin_finding
from scanner.valueclass import ValueObject, value_class

_HYGIENE_IDS = frozenset({SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION})


@value_class()
class Catalogue(ValueObject):
    """Which ids exist, which ran, and which policy ids an alias stands for."""

    known: frozenset[str]
    ran: frozenset[str]
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)

    @staticmethod
    def build(specs: Iterable[PolicySpec], ran: Collection[str] | None) -> Catalogue:
        specs = tuple(specs)
        aliases: dict[str, set[str]] = {}
        for spec in specs:
            for alias in spec.aliases:
                aliases.setdefault(alias.strip().upper(), set()).add(spec.id)
        known = frozenset({s.id for s in specs} | {b.id for b in BUILTIN_SPECS})
        ran_ids = (
            frozenset(i.upper() for i in ran) if ran is not None else frozenset(s.id for s in specs)
        )
        return Catalogue(
            known=known,
            ran=ran_ids,
            aliases={k: frozenset(v) for k, v in sorted(aliases.items())},
        )

    def resolve(self, name: str) -> frozenset[str]:
        """Policy ids that a suppression id names (its own id, or the policies aliasing it)."""
        key = name.strip().upper()
        found = set(self.aliases.get(key, frozenset()))
        if key in self.known:
            found.add(key)
        return frozenset(found)

    def matches(self, name: str, finding_id: str) -> bool:
        return finding_id.upper() in self.resolve(name)


def _parse_until(text: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _valid_until(text: str) -> bool:
    return not text.strip() or _parse_until(text) is not None


def _expired(text: str, today: _dt.date) -> bool:
    """An empty ``until`` never expires; a malformed one is rejected before this is asked."""
    date = _parse_until(text) if text.strip() else None
    return date is not None and date < today


# Other tools' comments: they name the tools' own ids (mapped through the aliases), and
# trailscan never asks to remove one (the tool may still need it). trivy and tfsec comments
# carry no reason; ``require_reasons`` makes them CT902.
_FOREIGN = frozenset({"checkov", "trivy", "tfsec"})
_REASONLESS = frozenset({"trivy", "tfsec"})


def _kind(s: Suppression) -> WaiverKind:
    return WaiverKind(s.source) if s.source in _FOREIGN else WaiverKind.INLINE


def _label(s: Suppression) -> str:
    return _kind(s).value


def _has_reason(s: Suppression, config: Config) -> bool:
    return bool(s.reason.strip()) and not (config.require_reasons and s.source in _REASONLESS)


def _owner(refs: Collection[str]) -> str:
    """The resource a suppression belongs to: its record, or the module all its records share.

    A suppression on a ``module`` block is attached to every record of that module; its
    CT902/CT903 finding names the module (``module.audit``), the common dotted prefix.
    """
    ordered = sorted(refs)
    if len(ordered) == 1:
        return ordered[0]
    parts = [r.split(".") for r in ordered]
    common: list[str] = []
    for pieces in zip(*parts, strict=False):
        if len(set(pieces)) != 1:
            break
        common.append(pieces[0])
    # Keep whole ``module.<name>`` pairs only: the owner is a module call, not a type.
    keep = 0
    while keep + 1 < len(common) and common[keep] == "module":
        keep += 2
    return ".".join(common[:keep]) or ordered[0]


# ---------------------------------------------------------------------------
# Inline suppressions
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class _InlineIndex(ValueObject):
    """Records by (account, subject: the ref, qualified by its unit when another unit of
    the account has it too), and which records carry each distinct suppression."""

    records: dict[tuple[str, str], list[tuple[Record, frozenset[str]]]] = field(
        default_factory=dict
    )
    owners: dict[Suppression, tuple[str, set[str]]] = field(default_factory=dict)

    @staticmethod
    def build(models: Iterable[Model]) -> _InlineIndex:
        index = _InlineIndex()
        for model in models:
            files_of = {u.id: frozenset(u.files) for u in model.units}
            for record in model.records():
                files = files_of.get(record.unit, frozenset()) | {record.span.path}
                # by the name findings use: two units' records with one ref are two
                index.records.setdefault((model.account, record.subject), []).append(
                    (record, files)
                )
                for sup in record.suppressions:
                    account, refs = index.owners.setdefault(sup, (model.account, set()))
                    refs.add(record.ref)
        return index

    def suppressions_for(self, finding: Finding) -> list[Suppression]:
        candidates = self.records.get((finding.account, finding.resource), [])
        if len(candidates) > 1:
            # The same ref in two units (two root modules both with aws_cloudtrail.main):
            # keep the record(s) of the unit the finding is in.
            narrowed = [c for c in candidates if finding.span.path in c[1]]
            candidates = narrowed or candidates
        found = {s for record, _ in candidates for s in record.suppressions}
        return sorted(found, key=lambda s: (s.span, s.ids, s.reason, s.until, s.source))


# ---------------------------------------------------------------------------
# Config suppressions
# ---------------------------------------------------------------------------


def _path_matches(path: str, patterns: Iterable[str]) -> bool:
    """fnmatch globs (``*`` also crosses ``/``); a bare directory matches what is under it."""
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        if pattern in ("**", "*"):
            return True
        base = pattern.rstrip("/")
        if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, base + "/*"):
            return True
    return False


def _config_id_matches(sup: ConfigSuppression, finding_id: str, catalogue: Catalogue) -> bool:
    pattern = sup.id.strip().upper()
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(finding_id.upper(), pattern)
    return catalogue.matches(pattern, finding_id)


def _config_ids(sup: ConfigSuppression, catalogue: Catalogue) -> frozenset[str]:
    """The policy ids a config suppression can apply to (for the 'unused' check)."""
    pattern = sup.id.strip().upper()
    if any(ch in pattern for ch in "*?["):
        return frozenset(i for i in catalogue.known if fnmatch.fnmatchcase(i, pattern))
    return catalogue.resolve(pattern)


def _config_matches(sup: ConfigSuppression, finding: Finding, catalogue: Catalogue) -> bool:
    if not _config_id_matches(sup, finding.id, catalogue):
        return False
    if not _path_matches(finding.span.path, sup.paths):
        return False
    return not sup.resource or fnmatch.fnmatchcase(finding.resource, sup.resource)


_ENTRY_HEADER = re.compile(r"^\s*\[\[\s*(?:tool\s*\.\s*trailscan\s*\.\s*)?suppressions\s*\]\]")


def _config_lines(source: str, count: int) -> list[int]:
    """Best-effort line of each ``[[...suppressions]]`` entry in the config file (else 1)."""
    lines = [1] * count
    if not source:
        return lines
    try:
        text = Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return lines
    headers = [n for n, line in enumerate(text.splitlines(), 1) if _ENTRY_HEADER.match(line)]
    if len(headers) == count:
        return headers
    return lines


def _config_path(source: str, root: Path | None) -> str:
    if not source:
        return "pyproject.toml"
    path = Path(source)
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


# ---------------------------------------------------------------------------
# Apply
# ---------------------------------------------------------------------------


def apply(
    findings: list[Finding],
    models: list[Model],
    config: Config,
    *,
    today: _dt.date,
    policy_ids: Collection[str] | None = None,
    root: Path | None = None,
    specs: Iterable[PolicySpec] | None = None,
) -> list[Finding]:
    """Mark suppressed findings and add CT902/CT903 for suppressions that need attention.

    ``policy_ids`` are the policies that ran (``None``: the config's selection over the
    whole catalogue); ``root`` makes the config file's path relative like every other
    path; ``specs`` defaults to ``load_policies()`` (for aliases).
    """
    all_specs = tuple(specs) if specs is not None else load_policies()
    if policy_ids is None:

        policy_ids = [s.id for s in select_policies(all_specs, config.select, config.ignore)]
    catalogue = Catalogue.build(all_specs, policy_ids)
    index = _InlineIndex.build(models)

    # Which suppressions are usable at all.
    inline_ok = {s: _has_reason(s, config) and _valid_until(s.until) for s in index.owners}
    config_ok = [bool(c.reason.strip()) and _valid_until(c.until) for c in config.suppressions]

    used_inline: set[tuple[Suppression, str]] = set()  # (suppression, policy id)
    used_config: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        if finding.suppressed or finding.id in _HYGIENE_IDS:
            out.append(finding)
            continue
        how: Waiver | None = None
        expired_on: list[str] = []
        for sup in index.suppressions_for(finding):
            if not inline_ok[sup] or not any(catalogue.matches(i, finding.id) for i in sup.ids):
                continue
            used_inline.add((sup, finding.id.upper()))
            if _expired(sup.until, today):
                expired_on.append(sup.until.strip())
            elif how is None:
                how = Waiver(_kind(sup), sup.reason.strip())
        for i, entry in enumerate(config.suppressions):
            if not config_ok[i] or not _config_matches(entry, finding, catalogue):
                continue
            used_config.add(i)
            if _expired(entry.until, today):
                expired_on.append(entry.until.strip())
            elif how is None:
                how = Waiver(WaiverKind.CONFIG, entry.reason.strip())
        if how is not None:
            out.append(replace(finding, suppressed=True, suppression=how))
        elif expired_on:
            dates = ", ".join(sorted(set(expired_on)))
            out.append(replace(finding, message=f"{finding.message} (suppression expired {dates})"))
        else:
            out.append(finding)

    hygiene = _inline_hygiene(index, used_inline, catalogue, config)
    hygiene = _inline_hygiene(index, used_inline, catalogue, config)
    hygiene += _config_hygiene(config, config_ok, used_config, catalogue, models, root)
    hygiene = _suppress_hygiene(hygiene, config, config_ok, catalogue, today)
    return out + sorted(hygiene, key=Finding.sort_key)


def _inline_hygiene(
    index: _InlineIndex,
    used: set[tuple[Suppression, str]],
    catalogue: Catalogue,
    config: Config,
) -> list[Finding]:
    out: list[Finding] = []
    for sup, (account, refs) in sorted(
        index.owners.items(), key=lambda kv: (kv[0].span, kv[0].ids, kv[0].source)
    ):
        owner = _owner(refs)
        ids = " ".join(sup.ids) or "(no id)"
        if not _has_reason(sup, config):
            fix = (
                f"{sup.source} comments cannot carry one and require_reasons = true; "
                "replace it with a trailscan:ignore comment that says why the risk is accepted."
                if sup.source in _REASONLESS
                else "add why the risk is accepted."
            )
            out.append(
                builtin_finding(
                    SUPPRESSION_WITHOUT_REASON,
                    message=f"{_label(sup)} suppression of {ids} on {owner} has no reason, so it "
                    f"does not suppress anything; {fix}",
                    resource=owner,
                    span=sup.span,
                    account=account,
                )
            )
            continue
        if not _valid_until(sup.until):
            out.append(
                builtin_finding(
                    SUPPRESSION_WITHOUT_REASON,
                    message=f"{_label(sup)} suppression of {ids} on {owner} has an invalid "
                    f"until date {sup.until!r} (expected YYYY-MM-DD), so it does not suppress.",
                    resource=owner,
                    span=sup.span,
                    account=account,
                )
            )
            continue
        if sup.source in _FOREIGN:
            continue  # the other tool may still need it; never ask to remove its comment
        for name in sup.ids:
            targets = catalogue.resolve(name)
            if not targets:
                out.append(
                    builtin_finding(
                        UNUSED_SUPPRESSION,
                        message=f"suppression on {owner} names {name!r}, which is not a trailscan "
                        "policy id or alias (see `trailscan list`); it suppresses nothing.",
                        resource=owner,
                        span=sup.span,
                        account=account,
                    )
                )
                continue
            ran = sorted(targets & catalogue.ran)
            if not ran or any((sup, pid) in used for pid in ran):
                continue
            out.append(
                builtin_finding(
                    UNUSED_SUPPRESSION,
                    message=f"suppression of {name} on {owner} matched no finding; remove it "
                    "before it hides a future one.",
                    resource=owner,
                    span=sup.span,
                    account=account,
                )
            )
    return out


def _config_hygiene(
    config: Config,
    ok: list[bool],
    used: set[int],
    catalogue: Catalogue,
    models: list[Model],
    root: Path | None,
) -> list[Finding]:
    if not config.suppressions:
        return []
    path = _config_path(config.source, root)
    lines = _config_lines(config.source, len(config.suppressions))
    scanned = sorted({f for m in models for u in m.units for f in u.files})
    account = models[0].account if models else "default"
    out: list[Finding] = []
    for i, sup in enumerate(config.suppressions):
        span = Span(path=path, line=lines[i])
        resource = f"config:{sup.id}" + (f":{sup.resource}" if sup.resource else "")
        if not sup.reason.strip():
            out.append(
                builtin_finding(
                    SUPPRESSION_WITHOUT_REASON,
                    message=f"config suppression #{i + 1} of {sup.id} has no reason, so it does "
                    'not suppress anything; add `reason = "..."`.',
                    resource=resource,
                    span=span,
                    account=account,
                )
            )
            continue
        if not ok[i]:
            out.append(
                builtin_finding(
                    SUPPRESSION_WITHOUT_REASON,
                    message=f"config suppression #{i + 1} of {sup.id} has an invalid until date "
                    f"{sup.until!r} (expected YYYY-MM-DD), so it does not suppress.",
                    resource=resource,
                    span=span,
                    account=account,
                )
            )
            continue
        targets = _config_ids(sup, catalogue)
        if (
            i in used
            or (targets and not targets & catalogue.ran)
            or (targets <= _HYGIENE_IDS and targets)
        ):
            continue
        if targets and not any(_path_matches(f, sup.paths) for f in scanned):
            continue  # none of its files were part of this scan
        what = "names no trailscan policy id or alias" if not targets else "matched no finding"
        out.append(
            builtin_finding(
                UNUSED_SUPPRESSION,
                message=f"config suppression #{i + 1} of {sup.id} {what}; remove or fix it.",
                resource=resource,
                span=span,
                account=account,
            )
        )
    return out


def _suppress_hygiene(
    hygiene: list[Finding],
    config: Config,
    ok: list[bool],
    catalogue: Catalogue,
    today: _dt.date,
) -> list[Finding]:
    """Config suppressions may waive CT902/CT903 too (e.g. legacy checkov skips)."""
    out = []
    for finding in hygiene:
        how: Waiver | None = None
        for i, sup in enumerate(config.suppressions):
            if (
                ok[i]
                and not _expired(sup.until, today)
                and _config_matches(sup, finding, catalogue)
            ):
                how = Waiver(WaiverKind.CONFIG, sup.reason.strip())
                break
        out.append(replace(finding, suppressed=True, suppression=how) if how else finding)
    return out
