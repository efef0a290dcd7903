"""Pieces every reporter shares: one summary, one ordering, one severity vocabulary.

Keeping these in one place is what makes every format tell the same story: the text
summary line, the Markdown headline and the GitHub closing line all count the same way.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Any

from scanner.model import Severity, Span
from scanner.policy import PolicySpec
from scanner.results import BUILTIN_SPECS, Finding, ScanResult, Status
from scanner.valueclass import ValueObject, value_class

SEVERITY_ORDER: tuple[Severity, ...] = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
)

# Source files larger than this are not read for snippets or fingerprints.
MAX_SOURCE_BYTES = 10 * 1024 * 1024


def visible_findings(result: ScanResult, show_suppressed: bool) -> list[Finding]:
    return [f for f in result.findings if show_suppressed or not f.suppressed]


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then the usual (path, line, id) order: what a reader with
    limited room (annotations, a PR comment) should see first."""
    return sorted(findings, key=lambda f: (-int(f.severity), f.sort_key()))


def blocks(result: ScanResult, finding: Finding) -> bool:
    return result.blocks(finding)


def has_file(span: Span) -> bool:
    """Account-level findings may carry no real file (``.``); they get no file location."""
    return bool(span.path) and span.path != "."


def message_with_resource(finding: Finding) -> str:
    """The finding's message, naming its resource when the message does not already."""
    text = (finding.message.strip() or finding.title).rstrip()
    resource = finding.resource
    if resource and resource not in text and resource != finding.span.path:
        text = f"{text.rstrip('.')} ({resource})."
    return text


def spec_index(result: ScanResult) -> dict[str, PolicySpec]:
    """Every id a report may mention: enabled policies plus the engine's own ids."""
    specs = {s.id: s for s in BUILTIN_SPECS}
    specs.update({s.id: s for s in result.policies})
    return specs


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = {s.name.lower(): 0 for s in SEVERITY_ORDER}
    for f in findings:
        counts[f.severity.name.lower()] += 1
    return counts


def summary(result: ScanResult) -> dict[str, Any]:
    """The numbers every format reports (scanned / not ours / failed files included)."""
    active = result.active()
    statuses: dict[str, int] = {}
    for e in result.evaluations:
        statuses[e.status.value] = statuses.get(e.status.value, 0) + 1
    out: dict[str, Any] = {
        "exit_code": result.exit_code(),
        "fail_on": "none" if result.fail_on_none else result.fail_on.name.lower(),
        "findings": len(active),
        "blocking": len(result.blocking()),
        "suppressed": sum(1 for f in result.findings if f.suppressed),
        "by_severity": severity_counts(active),
        "evaluations": dict(sorted(statuses.items())),
        "files": {
            "scanned": len(result.files.scanned),
            "not_ours": len(result.files.not_ours),
            "failed": len(result.files.failed),
        },
        "units": len(result.units),
        "accounts": list(result.accounts),
        "stale_baseline": len(result.stale_baseline),
    }
    not_created = sum(len(m.not_created) for m in result.models)
    if not_created:
        # Trails the code declares that the inputs leave out (count = 0, a false Condition).
        out["trails_not_created"] = not_created
    unread = sum(len(u.unread_modules) for u in result.units)
    if unread:
        # Module calls whose code is not here (a remote source not installed, a terragrunt
        # source outside the root): what they create was not checked.
        out["modules_not_read"] = unread
    if result.evaluations and all(e.status is Status.NOT_APPLICABLE for e in result.evaluations):
        # Every policy found nothing to look at: no trail, nor anything a trail uses. A gate
        # must not read this "ok" as "checked and clean".
        out["nothing_checked"] = True
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(result: ScanResult) -> str:
    """One line that a CI log reader can trust: what was found, what blocks, what was not
    looked at. The 'not ours' and 'failed' counts are there so that a silently skipped
    file is never mistaken for a clean one."""
    data = summary(result)
    active = result.active()
    counts = ", ".join(f"{n} {sev}" for sev, n in data["by_severity"].items() if n)
    files_with = len({f.span.path for f in active if has_file(f.span)})
    head = _plural(data["findings"], "finding")
    if counts:
        head += f" ({counts})"
    head += f" in {_plural(files_with, 'file')}"
    parts = [
        head,
        f"{data['blocking']} blocking at or above {data['fail_on']}",
        f"{data['suppressed']} suppressed",
    ]
    unknown = data["evaluations"].get("unknown", 0)
    if unknown:
        parts.append(f"{unknown} undecidable statically (unknown)")
    not_created = data.get("trails_not_created", 0)
    if not_created:
        noun = "trail" if not_created == 1 else "trails"
        parts.append(f"{not_created} {noun} not created under the given inputs")
    unread = data.get("modules_not_read", 0)
    if unread:
        parts.append(f"{_plural(unread, 'module call')} not read (source not available: "
                     "see `terraform init`)")
    if data.get("nothing_checked"):
        parts.append("nothing checked: no trail, nor any resource a trail uses, in the scanned code")
    if data["stale_baseline"]:
        n = data["stale_baseline"]
        parts.append(f"{n} stale baseline {'entry' if n == 1 else 'entries'}")
    files = data["files"]
    parts.append(
        f"scanned {_plural(files['scanned'], 'file')}, {files['not_ours']} not ours, "
        f"{files['failed']} failed"
    )
    return "; ".join(parts)


@value_class(frozen=False)
class SourceFiles(ValueObject):
    """Scanned files read back (once each) for snippets and line fingerprints.

    Reporters must never fail because a file moved or is binary: anything that cannot
    be read gives ``None`` and the report simply goes without the snippet. Nor may they
    read what the scan refused: a path that resolves outside the scan root (a symlink
    pointing out, ``..``) or to anything but a regular file (a FIFO would block) is never
    opened, so a CT901 about such a link shows no snippet of the file it points to. A
    unit's ``sealed_files`` (a Terraform plan JSON, which holds sensitive values in clear)
    are never read back either, by whatever path they are named, so no report can quote
    them.
    """

    root: Path
    _cache: dict[str, list[str] | None] = field(default_factory=dict)
    sealed: frozenset[str] = frozenset()
    _resolved_root: Path | None = None
    _resolved_sealed: frozenset[Path] | None = None

    @staticmethod
    def of(result: ScanResult) -> SourceFiles:
        """The scanned files of ``result``, its units' sealed files excepted."""
        sealed = frozenset(f for unit in result.units for f in unit.sealed_files)
        return SourceFiles(result.root, sealed=sealed)

    def lines(self, path: str) -> list[str] | None:
        if path in self._cache:
            return self._cache[path]
        self._cache[path] = self._read(path)
        return self._cache[path]

    def line(self, path: str, number: int) -> str | None:
        lines = self.lines(path)
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def _inside_root(self, path: str) -> Path | None:
        """The file ``path`` names, fully resolved, if it is a regular file under the root."""
        try:
            if self._resolved_root is None:
                self._resolved_root = self.root.resolve(strict=True)
            target = (self.root / path).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, a NUL
            return None
        if not target.is_relative_to(self._resolved_root) or not target.is_file():
            return None
        return target

    def _sealed_targets(self) -> frozenset[Path]:
        """The sealed files resolved, so a second path to one (``a/../plan.json``, a
        symlink) is refused too."""
        if self._resolved_sealed is None:
            found: set[Path] = set()
            for sealed in self.sealed:
                try:
                    found.add((self.root / sealed).resolve(strict=True))
                except (OSError, RuntimeError, ValueError):
                    continue
            self._resolved_sealed = frozenset(found)
        return self._resolved_sealed

    def _read(self, path: str) -> list[str] | None:
        if not path or path == "." or Path(path).is_absolute() or path in self.sealed:
            return None
        target = self._inside_root(path)
        if target is None or target in self._sealed_targets():
            return None
        try:
            if target.stat().st_size > MAX_SOURCE_BYTES:
                return None
            data = target.read_bytes()
        except (OSError, ValueError):
            return None
        if b"\x00" in data:
            return None
        text = data.decode("utf-8", errors="replace")
        # splitlines() also splits on form feeds and other exotic separators, which
        # would disagree with the parsers' line numbers; split on newlines only.
        return [line.rstrip("\r") for line in text.split("\n")]
