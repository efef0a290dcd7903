"""Resource limits that keep a scan bounded on hostile or accidental input.

Each limit is configurable (``[tool.trailscan.limits]``) and every hit is reported as a
CT901 finding that names the limit, so a user never wonders why a file was not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    # Files larger than this are not parsed (CT901 "file too large").
    max_file_bytes: int = 10 * 1024 * 1024
    # YAML alias (``*anchor``) uses per document: a billion-laughs guard.
    max_yaml_aliases: int = 1000
    # Nesting depth of mappings/sequences/blocks/expressions.
    max_nesting_depth: int = 200
    # Depth of nested local modules / nested stacks.
    max_module_depth: int = 16
    # Elements produced by count / for_each for one resource.
    max_instances: int = 1000

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))
