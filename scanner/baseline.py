"""Baselines: accept today's findings, fail only on new ones.

An entry is keyed on (policy id, file path, resource address) and never on a line number,
so unrelated edits that move lines keep it matching, and the same resource address in
another file is a different entry. The file is written one entry per line, sorted, so two
branches that each add entries merge without conflicts.

Parse and limit errors (CT900, CT901) are never written to or hidden by a baseline: they
mean a file was not checked at all, which is not a debt one can accept once and forget.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from scanner.config import ConfigError
from scanner.model import ERROR_IDS, SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION
from scanner.results import Finding, Waiver, WaiverKind

VERSION = 1
NEVER_BASELINED = ERROR_IDS


class BaselineError(ConfigError):
    """A baseline file that cannot be used (exit code 2)."""


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    path: str
    resource: str
    id: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "path": self.path, "resource": self.resource}


def key(finding: Finding) -> Entry:
    return Entry(path=finding.span.path, resource=finding.resource, id=finding.id.upper())


def entries_for(findings: Iterable[Finding]) -> list[Entry]:
    """The baseline for these findings: unsuppressed ones only, deduplicated, sorted."""
    return sorted(
        {key(f) for f in findings if not f.suppressed and f.id.upper() not in NEVER_BASELINED}
    )


def dumps(entries: Iterable[Entry]) -> str:
    """Stable text: one entry per line so that merges touch only the lines that changed."""
    lines = [json.dumps(e.as_dict(), sort_keys=False) for e in sorted(set(entries))]
    if not lines:
        return json.dumps({"version": VERSION, "findings": []}) + "\n"
    body = ",\n    ".join(lines)
    return f'{{\n  "version": {VERSION},\n  "findings": [\n    {body}\n  ]\n}}\n'


_REGENERATE = "regenerate it with `trailscan baseline PATH > FILE`"


def loads(text: str, source: str = "baseline") -> list[Entry]:
    """The entries of a baseline; anything else (not JSON, nested absurdly deep, a number
    with thousands of digits, the wrong shape) is a ``BaselineError``, never a crash."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); {_REGENERATE}"
        ) from None
    except RecursionError:
        raise BaselineError(f"{source}: not a baseline (arrays or objects nested too deeply); {_REGENERATE}") from None
    except ValueError as exc:  # an integer too long to convert
        detail = "a number has too many digits" if "digits" in str(exc) else str(exc)
        raise BaselineError(f"{source}: not a baseline ({detail}); {_REGENERATE}") from None
    if not isinstance(data, dict) or "findings" not in data:
        raise BaselineError(f'{source}: expected an object {{"version": 1, "findings": [...]}}')
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise BaselineError(
            f"{source}: unsupported baseline version {version!r:.40} (expected {VERSION})"
        )
    items = data["findings"]
    if not isinstance(items, list):
        raise BaselineError(f"{source}: 'findings' must be a list")
    out: list[Entry] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BaselineError(f"{source}: findings[{i}] must be an object")
        missing = [k for k in ("id", "path", "resource") if not isinstance(item.get(k), str)]
        if missing:
            raise BaselineError(f"{source}: findings[{i}] needs string {', '.join(missing)}")
        out.append(Entry(path=item["path"], resource=item["resource"], id=item["id"].upper()))
    return sorted(set(out))


def load(path: Path) -> list[Entry]:
    path = Path(path)
    if path.exists() and not path.is_file():  # a directory, or a FIFO that would block
        raise BaselineError(f"baseline {path} is not a regular file")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"baseline {path} is not valid UTF-8 (at offset {exc.start})") from None
    except OSError as exc:
        raise BaselineError(f"baseline {path} cannot be read: {exc.strerror or exc}") from None
    return loads(text, str(path))


def apply(
    findings: list[Finding],
    entries: list[Entry],
    *,
    scanned: Collection[str] | None = None,
    policy_ids: Collection[str] | None = None,
    root: Path | None = None,
) -> tuple[list[Finding], list[dict[str, str]]]:
    """Hide findings recorded in the baseline; return them and the stale entries.

    An entry is stale when it matched nothing *and* this scan could have produced it: its
    file was scanned (or no longer exists under ``root``) and its policy ran. Without
    ``scanned``/``policy_ids`` every unmatched entry is stale. This keeps a pre-commit run
    on one file from calling the rest of the baseline stale.
    """
    wanted = set(entries)
    matched: set[Entry] = set()
    out: list[Finding] = []
    for finding in findings:
        k = key(finding)
        if not finding.suppressed and k in wanted and k.id not in NEVER_BASELINED:
            matched.add(k)
            out.append(replace(finding, suppressed=True, suppression=Waiver(WaiverKind.BASELINE)))
        else:
            out.append(finding)
    ran = {p.upper() for p in policy_ids} | {SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION} if policy_ids is not None else None
    stale = []
    for entry in sorted(wanted - matched):
        if ran is not None and entry.id not in ran:
            continue
        if scanned is not None and entry.path not in scanned:
            gone = root is not None and not (root / entry.path).exists()
            if not gone:
                continue
        stale.append(entry.as_dict())
    return out, stale


def stale_note(stale: list[dict[str, str]]) -> str:
    """The one line the CLI prints on stderr when baseline entries no longer match."""
    if not stale:
        return ""
    n = len(stale)
    what = "entry no longer matches" if n == 1 else "entries no longer match"
    return (
        f"trailscan: {n} baseline {what} any finding (fixed or renamed); "
        "regenerate the baseline with `trailscan baseline`"
    )
