"""Reading one Terraform root module: its files (each directory parsed once), its
variables (defaults < terraform.tfvars < *.auto.tfvars < --var-file < --var), the memo
table every lazy value goes through, and the problems found on the way.

Nothing here knows about module instances or model records; ``instance.py`` builds on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lark import Token, Tree

from scanner.limits import Budget, Limits
from scanner.model import NotCreated, ParseProblem, Span
from scanner.parsers.common import InputLayer, is_within, printable_path, read_text, real_path, relpath
from scanner.parsers.paths import NOT_THERE, entries_of
from scanner.parsers.reads import note_listing, note_probe
from scanner.parsers.terraform.declarations import ModuleSource
from scanner.parsers.terraform.expressions import Evaluator, Scope
from scanner.parsers.terraform.hcl import Attribute, SourceFile, parse_source, read_source
from scanner.parsers.terraform.overrides import is_override_file
from scanner.parsers.terraform.templates import parse_expression
from scanner.parsers.terraform.values import UnknownValue, number_literal

Value = Any
# Lazily evaluated items (locals, variables, outputs...) that may be open at once; deeper
# reference chains are UNKNOWN instead of exhausting the Python stack.
MAX_REFERENCE_DEPTH = 100


# ---------------------------------------------------------------------------
# Parsed files, shared by every unit of a run
# ---------------------------------------------------------------------------


class ParseCache:
    """Each file parsed once per run, whichever roots call the module it belongs to.

    A local module shared by many roots used to be parsed again by each root's loader. The
    parse results are never changed after parsing (declarations are assembled into a new
    ``ModuleSource`` per load, override merges build new blocks), so one result serves
    every loader. A file is read again each time (cheap, and its read is what the cache
    between runs records); the parse is reused only when the text is the same as the one
    parsed, so an edit during the scan is never hidden.
    """

    def __init__(self) -> None:
        self._parsed: dict[tuple[Path, str], tuple[str, SourceFile | ParseProblem]] = {}
        self.parsed = 0  # files parsed (for the tests: how often the parser ran)
        self.reused = 0  # files whose earlier parse was reused

    def read(self, path: Path, rel: str, max_bytes: int) -> SourceFile | ParseProblem:
        text, why = read_text(path, max_bytes)
        if text is None:
            return ParseProblem(span=Span(path=rel), message=why)
        key = (path, rel)
        hit = self._parsed.get(key)
        if hit is not None and hit[0] == text:
            self.reused += 1
            return hit[1]
        parsed = parse_source(rel, text)
        self.parsed += 1
        self._parsed[key] = (text, parsed)
        return parsed



# ---------------------------------------------------------------------------
# The loader: files, memo table, problems
# ---------------------------------------------------------------------------


class Loader:
    """One load: the scan root, the files read (each parsed once), the memo table with cycle
    detection, and the problems found (each reported once)."""

    def __init__(
        self, root: Path, unit_dir: Path, limits: Limits, parses: ParseCache | None = None
    ) -> None:
        self.parses = parses if parses is not None else ParseCache()
        self.root = real_path(root)
        self.unit_dir = real_path(unit_dir)
        base = self._rel_base(self.unit_dir)
        self.unit_rel = self.rel(self.unit_dir) if base is None else printable_path(base or ".")
        self.limits = limits
        # The unit's evaluation budget: every expression, module and resource instance of
        # the unit is charged to it (``scanner.limits``).
        self.budget = Budget(limits)
        self.problems: list[ParseProblem] = []
        self._problem_keys: set[tuple[str, int, str]] = set()
        # Trails declared but not created under the unit's inputs (count = 0...).
        self.not_created: list[NotCreated] = []
        self.files_read: set[str] = set()
        self._sources: dict[Path, ModuleSource] = {}
        self._memo: dict[tuple[Any, ...], Value] = {}
        self._active: list[tuple[tuple[Any, ...], str]] = []
        self._active_keys: set[tuple[Any, ...]] = set()
        self._paths: list[str] = []
        self._attr_spans: list[Span] = []
        self.evaluator = Evaluator(
            max_depth=limits.max_nesting_depth, span_of=self._span_of, on_limit=self._limit_hit,
            budget=self.budget,
        )

    # -- paths ----------------------------------------------------------------------

    def rel(self, path: Path) -> str:
        return relpath(path, self.root)

    def inside_root(self, path: Path) -> bool:
        return is_within(path, self.root)

    def problem(self, span: Span, message: str) -> None:
        key = (span.path, span.line, message)
        if key not in self._problem_keys:
            self._problem_keys.add(key)
            self.problems.append(ParseProblem(span=span, message=message))

    # -- parsing --------------------------------------------------------------------

    def module_files(self, directory: Path) -> list[tuple[Path, str]]:
        """(path, path relative to the scan root) of the ``.tf``/``.tf.json`` files of
        ``directory`` that a load reads, in the order Terraform reads them (the primary
        files, then the override files, each group by name); a file linked from outside
        the scan root is reported and left out. Every one of them counts as read."""
        note_listing(directory)
        entries: list[tuple[str, bool]] = []  # (name, is a symlink)
        try:
            found = entries_of(str(directory))
        except ValueError:
            found = []
        except OSError as exc:
            if exc.errno not in NOT_THERE:
                raise
            found = []  # not a directory, or not there: what ``Path.is_dir`` says no to
        for entry in found:
            name = entry.name
            if (name.endswith(".tf") or name.endswith(".tf.json")) and entry.is_file():
                entries.append((name, entry.is_symlink()))
        entries.sort()
        # ``directory`` is a real path: a plain file in it is where it is, so only a
        # symlink needs resolving (one realpath per link, not two per file).
        base = self._rel_base(directory)
        ordered = [e for e in entries if not is_override_file(e[0])] + [
            e for e in entries if is_override_file(e[0])
        ]
        out = []
        for name, link in ordered:
            path = directory / name
            if link or base is None:
                if not self.inside_root(path):
                    # A symlinked .tf file pointing out of the scan root is never read.
                    where = f"{self.rel(directory)}/{name}".removeprefix("./")
                    self.problem(Span(path=where), "symlink points outside the scanned root; not read")
                    continue
                rel = self.rel(path)
            else:
                rel = printable_path(f"{base}/{name}" if base else name)
            self.files_read.add(rel)
            out.append((path, rel))
        return out

    def _rel_base(self, directory: Path) -> str | None:
        """``directory`` (a real path) relative to the scan root, "" for the root itself;
        None when it is not inside the root."""
        try:
            rel = directory.relative_to(self.root).as_posix()
        except ValueError:
            return None
        return "" if rel == "." else rel

    def source(self, directory: Path) -> ModuleSource:
        directory = real_path(directory)
        cached = self._sources.get(directory)
        if cached is not None:
            return cached
        source = ModuleSource(directory=directory, rel=self.rel(directory))
        self._sources[directory] = source
        for path, rel in self.module_files(directory):
            parsed = self.parses.read(path, rel, self.limits.max_file_bytes)
            if isinstance(parsed, ParseProblem):
                self.problem(parsed.span, parsed.message)
                continue
            for found in parsed.problems:
                self.problem(found.span, found.message)
            if is_override_file(path.name):
                source.merge(parsed, self.problem)
            else:
                source.add(parsed, self.problem)
        return source

    # -- evaluation -----------------------------------------------------------------

    def _limit_hit(self, node: Tree | Token, message: str) -> None:
        span = self._span_of(node) if isinstance(node, Tree) else None
        if span is None and self._paths:
            span = Span(path=self._paths[-1])
        if span is not None:
            self.problem(span, f"{message}; the value is not checked")

    def _span_of(self, node: Tree) -> Span | None:
        if not self._paths:
            return None
        meta = getattr(node, "meta", None)
        if meta is None or getattr(meta, "empty", True):
            return None
        return Span(path=self._paths[-1], line=meta.line, column=meta.column,
                    end_line=meta.end_line, end_column=meta.end_column)

    def eval_attr(self, attribute: Attribute, scope: Scope) -> Value:
        if attribute.conflict:
            return UnknownValue(attribute.conflict)
        self._paths.append(attribute.span.path)
        self._attr_spans.append(attribute.span)
        try:
            return self.evaluator.evaluate(attribute.expr, scope)
        finally:
            self._paths.pop()
            self._attr_spans.pop()

    def memo_value(self, key: tuple[Any, ...], compute: Callable[[], Value], label: str = "") -> Value:
        """``memo`` for a value an expression refers to (a variable, a local, an output):
        handed out again, it is charged its whole size to the budget each time."""
        if key in self._memo:
            value = self._memo[key]
            self.budget.charge_value(value)
            return value
        return self.memo(key, compute, label)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Value], label: str = "") -> Value:
        """Memoised evaluation with cycle detection (a cycle yields UnknownValue)."""
        if key in self._memo:
            return self._memo[key]
        if len(self._active) >= MAX_REFERENCE_DEPTH:
            return UnknownValue(
                f"{label or key[-1]}: references nest deeper than {MAX_REFERENCE_DEPTH} levels"
            )
        if key in self._active_keys:
            start = next((i for i, (k, _) in enumerate(self._active) if k == key), 0)
            cycle = [lbl for _, lbl in self._active[start:] if lbl] + [label or str(key[-1])]
            what = label or str(key[-1])
            message = f"{what} is part of a reference cycle ({' -> '.join(cycle)})"
            if self._attr_spans:
                # Terraform rejects the configuration ("Cycle: ..."): report it, keep UNKNOWN.
                self.problem(self._attr_spans[-1], message)
            return UnknownValue(message)
        self._active.append((key, label))
        self._active_keys.add(key)
        try:
            value = compute()
        finally:
            self._active.pop()
            self._active_keys.discard(key)
        self._memo[key] = value
        return value


# ---------------------------------------------------------------------------
# Root variables: tfvars files, --var-file, --var
# ---------------------------------------------------------------------------


_TFVARS = ("terraform.tfvars", "terraform.tfvars.json")
_AUTO_TFVARS = (".auto.tfvars", ".auto.tfvars.json")


def _tfvars_files(unit_dir: Path) -> list[Path]:
    """terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) lexically (files,
    or links to files; one listing, no ``stat`` per entry)."""
    note_listing(unit_dir)
    found: dict[str, Path] = {}
    try:
        entries = entries_of(str(unit_dir))
    except (OSError, ValueError):
        return []
    for entry in entries:
        name = entry.name
        if (name in _TFVARS or name.endswith(_AUTO_TFVARS)) and entry.is_file():
            found[name] = unit_dir / name
    fixed = [found[name] for name in _TFVARS if name in found]
    return fixed + sorted(path for name, path in found.items() if name not in _TFVARS)


_JSON_BLANK = re.compile(r"[ \t\n\r]*")


def _json_number(text: str) -> Value:
    """JSON numbers as Terraform reads them (exact integers, no float overflow)."""
    return number_literal(text)


def _json_constant(name: str) -> Value:
    raise ValueError(f"{name} is not a JSON number")


def _json_members(text: str) -> list[tuple[str, int, Value]]:
    """(key, offset, value) of each member of the top-level JSON object, in order.

    ``json.loads`` would keep only the last of two equal keys; Terraform rejects the file
    ("Duplicate attribute definition"), so the members are read one by one.
    """
    decoder = json.JSONDecoder(
        parse_float=_json_number, parse_int=_json_number, parse_constant=_json_constant
    )
    i = _JSON_BLANK.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("{", i):
        raise ValueError("variables file is not a JSON object")
    i = _JSON_BLANK.match(text, i + 1).end()  # type: ignore[union-attr]
    members: list[tuple[str, int, Value]] = []
    if text.startswith("}", i):
        i += 1
    else:
        while True:
            if not text.startswith('"', i):
                raise ValueError(f"expected a quoted key at offset {i}")
            key, after = decoder.raw_decode(text, i)
            colon = _JSON_BLANK.match(text, after).end()  # type: ignore[union-attr]
            if not text.startswith(":", colon):
                raise ValueError(f"expected ':' at offset {colon}")
            start = _JSON_BLANK.match(text, colon + 1).end()  # type: ignore[union-attr]
            value, end = decoder.raw_decode(text, start)
            members.append((key, i, value))
            i = _JSON_BLANK.match(text, end).end()  # type: ignore[union-attr]
            if text.startswith(",", i):
                i = _JSON_BLANK.match(text, i + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith("}", i):
                i += 1
                break
            raise ValueError(f"expected ',' or '}}' at offset {i}")
    if text[i:].strip():
        raise ValueError(f"extra data after the object at offset {i}")
    return members


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _read_json_tfvars(loader: Loader, path: Path, rel: str) -> dict[str, Value]:
    text, why = read_text(path, loader.limits.max_file_bytes)
    if text is None:
        loader.problem(Span(path=rel), why)
        return {}
    try:
        members = _json_members(text)
    except (ValueError, RecursionError) as exc:
        message = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        loader.problem(Span(path=rel), f"cannot read variables file: {message}")
        return {}
    values: dict[str, Value] = {}
    first_at: dict[str, str] = {}
    for key, offset, value in members:
        line, column = _position(text, offset)
        at = f"{rel}:{line},{column}"
        if key in first_at:
            loader.problem(
                Span(path=rel, line=line, column=column),
                f'Duplicate attribute definition: the argument "{key}" was already set at '
                f"{first_at[key]}; each argument may be set only once",
            )
            values[key] = UnknownValue(
                f"variable {key} is set more than once in {rel} ({first_at[key]} and line "
                f"{line}); Terraform rejects the file"
            )
            continue
        first_at[key] = at
        values[key] = value
    return values


def _read_tfvars(loader: Loader, path: Path) -> dict[str, Value]:
    rel = loader.rel(path)
    if path.name.endswith(".json"):
        return _read_json_tfvars(loader, path, rel)
    parsed = read_source(path, rel, loader.limits.max_file_bytes)
    if isinstance(parsed, ParseProblem):
        loader.problem(parsed.span, parsed.message)
        return {}
    for found in parsed.problems:  # a variable set twice ("Attribute redefined")
        loader.problem(found.span, found.message)
    return {
        name: loader.eval_attr(attribute, Scope())
        for name, attribute in parsed.body.attributes.items()
    }


def _cli_value(text: str) -> Value:
    """``--var k=v``: an HCL literal if it is one, else the raw string."""
    try:
        node = parse_expression(text)
    except Exception:  # noqa: BLE001 - anything unparsable is a plain string
        return text
    value = Evaluator(max_depth=200).evaluate(node, Scope())
    return text if isinstance(value, UnknownValue) else value


def _typed_value(text: str) -> Value:
    """A configuration value (JSON text of a TOML value), numbers exact as Terraform's."""
    return json.loads(text, parse_int=_json_number, parse_float=_json_number)


def root_variables(
    loader: Loader,
    tfvars_dirs: Sequence[Path],
    layers: Sequence[InputLayer],
    lowest: dict[str, Value] | None = None,
) -> dict[str, Callable[[], Value]]:
    """The root module's variables, in Terraform's order of precedence: ``lowest`` (what
    Terraform reads from ``TF_VAR_*``, as terragrunt passes its ``inputs``), then
    ``terraform.tfvars`` and ``*.auto.tfvars`` of ``tfvars_dirs``, then each layer (the
    configuration's ``inputs`` in order, the command line last): its files, its values."""
    values: dict[str, Value] = dict(lowest or {})
    for unit_dir in tfvars_dirs:
        for path in _tfvars_files(unit_dir):
            if not loader.inside_root(path):
                # A symlinked variables file pointing out of the scan root is never read;
                # the user's own --var-file below is read wherever it is.
                where = f"{loader.rel(unit_dir)}/{path.name}".removeprefix("./")
                loader.problem(Span(path=where), "symlink points outside the scanned root; not read")
                continue
            values.update(_read_tfvars(loader, path))
    for layer in layers:
        for path in layer.files:
            note_probe(path)
            if not path.is_file():
                loader.problem(
                    Span(path=path.as_posix()), f"variables file {path} not found ({layer.source})"
                )
                continue
            values.update(_read_tfvars(loader, path))
        for key, text in layer.values:
            values[key] = _typed_value(text) if layer.typed else _cli_value(text)
    return {name: (lambda v=value: v) for name, value in values.items()}
