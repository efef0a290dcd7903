"""Project configuration: ``[tool.trailscan]`` in ``pyproject.toml`` or ``.trailscan.toml``.

The file is found by walking up from the scanned path to the repository root, so running
trailscan from any directory of a repository gives the same verdicts. Unknown keys are an
error with a suggestion, because a misspelt key that is silently ignored is a control
that silently does not apply.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import json
import re
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Any

from scanner.limits import Limits
from scanner.model import Settings, Severity
from scanner.valueclass import ValueObject, value_class


class ConfigError(ValueError):
    """A configuration problem the user must fix (exit code 2)."""


# TOML integers are 64-bit; tomllib reads any size. A larger value is an error, not a
# number that later overflows a read size or a C integer deep inside a parser.
MAX_INT = 2**63 - 1


@value_class(kw_only=True)
class ConfigSuppression(ValueObject):
    """A suppression that lives in the config file (for findings with no line to annotate)."""

    id: str
    paths: tuple[str, ...] = ("**",)  # globs matched against the finding's path
    resource: str = ""  # optional: only this resource (fnmatch pattern)
    reason: str = ""
    until: str = ""


@value_class(kw_only=True)
class InputsEntry(ValueObject):
    """``[[tool.trailscan.inputs]]``: values for the roots and templates whose unit id
    matches one of ``paths`` (globs, matched like ``accounts``). Files are relative to the
    configuration file. ``variables`` hold each TOML value as JSON text (its type kept);
    ``parameters`` hold CloudFormation's text form (lists comma-joined, booleans lowercase).
    """

    paths: tuple[str, ...]
    var_files: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()
    parameter_files: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()

    def matches(self, unit_id: str) -> bool:
        return matches_unit(unit_id, self.paths)


# The values ``management_events`` and ``s3_data_events`` of an external trail take.
EVENT_DIRECTIONS = ("all", "read", "write", "none")


@value_class(kw_only=True)
class ExternalTrail(ValueObject):
    """``[[tool.trailscan.external_trails]]``: a trail that exists outside the scanned
    code (an organisation trail of the management account, Control Tower's trail). A
    property left out is UNKNOWN: the account-wide policies then cannot count on it."""

    name: str
    # Account names (globs) it records for; every account by default.
    accounts: tuple[str, ...] = ("*",)
    multi_region: bool | None = None
    logging: bool | None = None
    include_global_service_events: bool | None = None
    management_events: str | None = None  # one of EVENT_DIRECTIONS
    s3_data_events: str | None = None  # one of EVENT_DIRECTIONS
    organization: bool | None = None
    # Where its table starts in the configuration file (1 when it cannot be told).
    line: int = 1


def matches_unit(unit_id: str, globs: tuple[str, ...]) -> bool:
    """A unit id (root directory or template path, relative to the scan root) against path
    globs: ``prod/*`` matches ``prod/eu``; a directory glob ending in ``/`` matches too."""
    return any(fnmatch.fnmatch(unit_id, g) or fnmatch.fnmatch(unit_id + "/", g) for g in globs)


@value_class(kw_only=True)
class Config(ValueObject):
    """The project configuration, every key with its default when absent."""

    # Policy ids or prefixes to run (empty = all) / to skip.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # Lowest severity that makes the exit code 1.
    fail_on: Severity = Severity.LOW
    # Account grouping: {} = the whole scan is one account; "per-unit" = every root
    # module / template is its own account; or {name: [path globs]}.
    accounts: dict[str, tuple[str, ...]] | str = field(default_factory=dict)
    # What policies read (each of its fields is a top-level key of the table).
    settings: Settings = field(default_factory=Settings)
    suppressions: tuple[ConfigSuppression, ...] = ()
    # trivy/tfsec ignore comments have no reason: when true they are CT902 and do not
    # suppress, like a trailscan comment without one.
    require_reasons: bool = False
    # Path of a baseline file (relative to the config file).
    baseline: str = ""
    limits: Limits = field(default_factory=Limits)
    # Directories of the user's own policy modules (relative to the config file). They run
    # Python: honoured only from a --config file outside the scanned paths (the CLI checks).
    policies_dirs: tuple[str, ...] = ()
    # Paths not searched for roots and templates: gitignore-style patterns, relative to
    # the config file (a module or nested template a unit loads is still read).
    exclude: tuple[str, ...] = ()
    # Variables and parameters per root or template, in the order written.
    inputs: tuple[InputsEntry, ...] = ()
    # Trails that exist outside the scanned code, for the account-wide policies.
    external_trails: tuple[ExternalTrail, ...] = ()
    # Where the configuration was read from ("" = built-in defaults).
    source: str = ""


SETTING_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Settings))
# Every key of the table, in the order the dataclasses declare them.
KEYS: tuple[str, ...] = tuple(
    key
    for f in fields(Config)
    if f.name != "source"
    for key in (SETTING_KEYS if f.name == "settings" else (f.name,))
)


def _did_you_mean(key: str, options: tuple[str, ...]) -> str:
    import difflib  # only for a mistake: a valid configuration never pays for it

    close = difflib.get_close_matches(key, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _str_tuple(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{key} must be a string or a list of strings")


def _int(value: Any, key: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{key} must be an integer >= {minimum}")
    if value > MAX_INT:
        raise ConfigError(f"{key} must be at most {MAX_INT} (a 64-bit integer)")
    return value


def _suppressions(value: Any) -> tuple[ConfigSuppression, ...]:
    if not isinstance(value, list):
        raise ConfigError("suppressions must be a list of tables ([[tool.trailscan.suppressions]])")
    allowed = ("id", "paths", "path", "resource", "reason", "until")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ConfigError(f"suppressions[{i}] must be a table")
        for k in item:
            if k not in allowed:
                raise ConfigError(f"suppressions[{i}]: unknown key {k!r}{_did_you_mean(k, allowed)}")
        if not isinstance(item.get("id"), str) or not item["id"].strip():
            raise ConfigError(f"suppressions[{i}]: 'id' is required (a policy id, alias or pattern)")
        for k in ("resource", "reason", "until"):
            if k in item and not isinstance(item[k], str | _dt.date):
                raise ConfigError(f"suppressions[{i}].{k} must be a string")
        paths = item.get("paths", item.get("path", "**"))
        # TOML has a date type: accept `until = 2027-03-31` as well as the quoted form.
        until = str(item.get("until", "")).strip()
        if until:
            try:
                _dt.date.fromisoformat(until)
            except ValueError:
                raise ConfigError(
                    f"suppressions[{i}].until must be a date YYYY-MM-DD, not {until!r}"
                ) from None
        out.append(
            ConfigSuppression(
                id=item["id"].strip().upper(),
                paths=_str_tuple(paths, f"suppressions[{i}].paths"),
                resource=str(item.get("resource", "")),
                reason=str(item.get("reason", "")).strip(),
                until=until,
            )
        )
    return tuple(out)


def _table_list(value: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(f"{key} must be a list of tables ([[tool.trailscan.{key}]])")
    return value


def _check_keys(item: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for k in item:
        if k not in allowed:
            raise ConfigError(f"{where}: unknown key {k!r}{_did_you_mean(str(k), allowed)}")


def _json_value(value: Any, where: str) -> str:
    """A TOML value as JSON text, its type kept (dates and times become their ISO text)."""

    def plain(v: Any, depth: int) -> Any:
        if depth > 50:
            raise ConfigError(f"{where} nests too deeply")
        if isinstance(v, bool | str) or v is None:
            return v
        if isinstance(v, int):
            return _int(v, where, -MAX_INT)
        if isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                raise ConfigError(f"{where} must be a finite number")
            return v
        if isinstance(v, list):
            return [plain(x, depth + 1) for x in v]
        if isinstance(v, dict):
            return {str(k): plain(x, depth + 1) for k, x in v.items()}
        return str(v.isoformat()) if hasattr(v, "isoformat") else str(v)

    return json.dumps(plain(value, 0), sort_keys=True, ensure_ascii=False)


def _parameter_text(value: Any, where: str) -> str:
    """A TOML value as CloudFormation receives a parameter: text, lists comma-joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(_int(value, where, -MAX_INT))
    if isinstance(value, str | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool)
                                       for v in value):
        return ",".join(str(v) for v in value)
    raise ConfigError(f"{where} must be a string, number, boolean or a list of strings")


def _named_values(value: Any, where: str, convert: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of name = value")
    return tuple((str(k), convert(v, f"{where}.{k}")) for k, v in value.items())


def _inputs(value: Any) -> tuple[InputsEntry, ...]:
    allowed = ("paths", "path", "var_files", "variables", "parameter_files", "parameters")
    out = []
    for i, item in enumerate(_table_list(value, "inputs")):
        where = f"inputs[{i}]"
        _check_keys(item, allowed, where)
        if "paths" not in item and "path" not in item:
            raise ConfigError(f"{where}: 'paths' is required (globs of root directories or templates)")
        out.append(
            InputsEntry(
                paths=_str_tuple(item.get("paths", item.get("path")), f"{where}.paths"),
                var_files=_str_tuple(item.get("var_files", []), f"{where}.var_files"),
                variables=_named_values(item.get("variables", {}), f"{where}.variables", _json_value),
                parameter_files=_str_tuple(item.get("parameter_files", []), f"{where}.parameter_files"),
                parameters=_named_values(item.get("parameters", {}), f"{where}.parameters", _parameter_text),
            )
        )
    return tuple(out)


def _external_trails(value: Any) -> tuple[ExternalTrail, ...]:
    flags = ("multi_region", "logging", "include_global_service_events", "organization")
    directions = ("management_events", "s3_data_events")
    allowed = ("name", "accounts", *flags, *directions)
    out = []
    names: set[str] = set()
    for i, item in enumerate(_table_list(value, "external_trails")):
        where = f"external_trails[{i}]"
        _check_keys(item, allowed, where)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' is required (the trail's name)")
        if name in names:
            raise ConfigError(f"{where}: another external trail is named {name!r}")
        names.add(name)
        kwargs: dict[str, Any] = {"name": name.strip()}
        if "accounts" in item:
            kwargs["accounts"] = _str_tuple(item["accounts"], f"{where}.accounts")
        for flag in flags:
            if flag in item:
                if not isinstance(item[flag], bool):
                    raise ConfigError(f"{where}.{flag} must be true or false")
                kwargs[flag] = item[flag]
        for key in directions:
            if key in item:
                text = item[key].lower() if isinstance(item[key], str) else item[key]
                if text not in EVENT_DIRECTIONS:
                    raise ConfigError(f"{where}.{key} must be one of {', '.join(EVENT_DIRECTIONS)}")
                kwargs[key] = text
        out.append(ExternalTrail(**kwargs))
    return tuple(out)


def _settings(data: dict[str, Any]) -> Settings:
    """The keys policies read; the ones the table does not set keep ``Settings``' defaults."""
    kwargs: dict[str, Any] = {}
    if "require_trail" in data:
        if not isinstance(data["require_trail"], bool):
            raise ConfigError("require_trail must be true or false")
        kwargs["require_trail"] = data["require_trail"]
    for key in ("min_retention_days", "min_log_group_retention_days"):
        if key in data:
            kwargs[key] = _int(data[key], key, 1)
    if "security_group_events" in data:
        value = data["security_group_events"]
        value = value.lower() if isinstance(value, str) else value
        if value not in ("all", "ec2"):
            raise ConfigError('security_group_events must be "all" or "ec2"')
        kwargs["security_group_events"] = value
    return Settings(**kwargs)


def parse_config(data: dict[str, Any], source: str = "") -> Config:
    """Validate a ``[tool.trailscan]`` table."""
    for key in data:
        if key not in KEYS:
            raise ConfigError(f"{source or 'config'}: unknown key {key!r}{_did_you_mean(key, KEYS)}")
    kwargs: dict[str, Any] = {"source": source}
    if "select" in data:
        kwargs["select"] = _str_tuple(data["select"], "select")
    if "ignore" in data:
        kwargs["ignore"] = _str_tuple(data["ignore"], "ignore")
    if "fail_on" in data:
        try:
            kwargs["fail_on"] = Severity.parse(str(data["fail_on"]))
        except ValueError as exc:
            raise ConfigError(f"fail_on: {exc}") from None
    if "accounts" in data:
        acc = data["accounts"]
        if acc == "per-unit":
            kwargs["accounts"] = "per-unit"
        elif isinstance(acc, dict):
            kwargs["accounts"] = {
                str(k): _str_tuple(v, f"accounts.{k}") for k, v in sorted(acc.items())
            }
        else:
            raise ConfigError('accounts must be "per-unit" or a table of name = [path globs]')
    kwargs["settings"] = _settings(data)
    if "suppressions" in data:
        kwargs["suppressions"] = _suppressions(data["suppressions"])
    if "require_reasons" in data:
        if not isinstance(data["require_reasons"], bool):
            raise ConfigError("require_reasons must be true or false")
        kwargs["require_reasons"] = data["require_reasons"]
    if "baseline" in data:
        if not isinstance(data["baseline"], str):
            raise ConfigError("baseline must be a path (string), relative to the config file")
        kwargs["baseline"] = data["baseline"]
    if "exclude" in data:
        kwargs["exclude"] = _str_tuple(data["exclude"], "exclude")
    if "policies_dirs" in data:
        kwargs["policies_dirs"] = _str_tuple(data["policies_dirs"], "policies_dirs")
    if "inputs" in data:
        kwargs["inputs"] = _inputs(data["inputs"])
    if "external_trails" in data:
        kwargs["external_trails"] = _external_trails(data["external_trails"])
    if "limits" in data:
        limits = data["limits"]
        if not isinstance(limits, dict):
            raise ConfigError("limits must be a table")
        for k in limits:
            if k not in Limits.keys():
                raise ConfigError(f"limits: unknown key {k!r}{_did_you_mean(k, Limits.keys())}")
        kwargs["limits"] = Limits(**{k: _int(v, f"limits.{k}", 1) for k, v in limits.items()})
    return Config(**kwargs)


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's table; every way it can fail is a ``ConfigError`` naming the file."""
    import tomllib  # only when there is a file: most runs have none

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise ConfigError(f"{path}: not valid UTF-8 (byte 0x{bad} at offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: arrays or tables nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        detail = "an integer has too many digits" if "digits" in str(exc) else str(exc)
        raise ConfigError(f"{path}: {detail}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _trailscan_table(data: dict[str, Any]) -> Any:
    """``data["tool"]["trailscan"]`` when both are tables that hold it, else None."""
    tool = data.get("tool")
    if isinstance(tool, dict) and "trailscan" in tool:
        return tool["trailscan"]
    return None


def find_config(start: Path) -> Path | None:
    """Nearest ``.trailscan.toml`` or ``pyproject.toml`` with a trailscan table."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        candidate = directory / ".trailscan.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            if _trailscan_table(_read_toml(pyproject)) is not None:
                return pyproject
        if (directory / ".git").exists():
            break
    return None


def load_config(path: Path | None) -> Config:
    """Read a config file (``None`` = defaults)."""
    if path is None:
        return Config()
    data: Any = _read_toml(path)
    table = _trailscan_table(data)
    if path.name == "pyproject.toml":
        if "tool" in data and not isinstance(data["tool"], dict):
            raise ConfigError(f"{path}: [tool] must be a table")
        data = {} if table is None else table
    elif table is not None:
        data = table
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.trailscan] must be a table")
    config = parse_config(data, source=str(path))
    if config.external_trails:
        lines = _array_table_lines(path, "external_trails")
        trails = tuple(
            replace(t, line=lines[i]) if i < len(lines) else t
            for i, t in enumerate(config.external_trails)
        )
        config = replace(config, external_trails=trails)
    return config


_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*(?:tool\s*\.\s*trailscan\s*\.\s*)?([A-Za-z0-9_]+)\s*\]\]")


def _array_table_lines(path: Path, key: str) -> list[int]:
    """The lines where each ``[[...key]]`` table of the file starts (for reports that
    point at a declaration in the configuration); empty when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [
        number for number, line in enumerate(text.splitlines(), 1)
        if (m := _ARRAY_TABLE.match(line)) and m.group(1) == key
    ]
