"""checkov's ``.checkov.yaml`` ``skip-check`` list, read as trailscan ignores.

A team that decided in checkov's config that, say, ``CKV_AWS_36`` does not apply keeps
that decision when it adds trailscan: each skipped checkov id becomes an ignore of the
trailscan policies that list it as an alias. Ids trailscan has no equivalent for (most of
checkov's catalogue) are simply not ours. checkov also accepts wildcards (``CKV_AWS_*``),
read here as prefixes, and severities, which do not translate (the two tools rate
differently) and are skipped with a warning.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from scanner.policy import PolicySpec

KEYS = ("skip-check", "skip_check")
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
MAX_BYTES = 1 << 20


def _entries(value: object, path: Path) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [p.strip() for v in value for p in str(v).split(",") if p.strip()]
    raise ValueError(f"{path}: skip-check must be a list of check ids or a comma-separated string")


def _matches(entry: str, alias: str) -> bool:
    entry, alias = entry.upper(), alias.upper()
    if entry.endswith("*") and "*" not in entry[:-1]:
        return alias.startswith(entry[:-1])
    return entry == alias


def read_skip_checks(path: Path, catalogue: Sequence[PolicySpec]) -> list[str]:
    """The trailscan policy ids that ``path``'s ``skip-check`` list switches off."""
    import yaml  # here: a scan without a .checkov.yaml never loads PyYAML

    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"{path}: larger than {MAX_BYTES} bytes, not a checkov config")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"checkov config {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if data is None:
        return []
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a checkov config must be a mapping")
    entries: list[str] = []
    for key in KEYS:
        entries += _entries(data.get(key), path)
    ids: list[str] = []
    for entry in entries:
        if entry.upper() in SEVERITIES:
            print(
                f"trailscan: warning: {path}: skip-check severity {entry} is not translated "
                "(use --fail-on or --ignore)",
                file=sys.stderr,
            )
            continue
        for spec in catalogue:
            if any(_matches(entry, alias) for alias in spec.aliases) and spec.id not in ids:
                ids.append(spec.id)
    return ids
