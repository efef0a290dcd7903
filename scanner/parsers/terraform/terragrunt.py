"""A ``terragrunt.hcl`` directory as a Terraform root: the module its ``terraform {
source }`` names, called with its ``inputs``.

Terragrunt copies the source module into a working directory and runs Terraform there
with every ``inputs`` entry set as ``TF_VAR_<name>`` (terragrunt.gruntwork.io, "Inputs").
Terraform reads environment variables first, so the inputs are the *lowest* precedence:
``terraform.tfvars``, ``*.auto.tfvars`` and ``-var``/``-var-file`` all override them.

What is read statically, nothing else:

* ``terraform { source = ... }``: a local path (``../modules/trail``, with terragrunt's
  ``//`` between the copied root and the module's subdirectory, absolute paths from
  ``get_parent_terragrunt_dir()``...) is the module; a remote source (``git::``,
  ``tfr://``, a registry or ``github.com`` address) is read only from a copy terragrunt
  already made in ``.terragrunt-cache`` inside the scan root, and only when there is one
  such copy (never downloaded); otherwise it stays unread, and the unit says so.
* ``include`` blocks whose file is local: the parent's ``terraform`` source when the child
  has none, and its ``inputs``, merged as ``merge_strategy`` says (``shallow``, the
  default: the child's keys win; ``deep``: maps merged recursively, lists concatenated;
  ``no_merge``: not merged); ``expose = true`` makes ``include.<name>.locals`` and
  ``.inputs`` readable. One level, as terragrunt's ``include`` is.
* ``locals``, Terraform's functions, and terragrunt's path functions
  (``find_in_parent_folders``, ``get_terragrunt_dir``, ``get_parent_terragrunt_dir``,
  ``get_original_terragrunt_dir``, ``path_relative_to_include``,
  ``path_relative_from_include``), ``get_env`` with a default (the default, like a
  variable's) and ``get_aws_account_id`` (the account token). Every other terragrunt
  function (``run_cmd``, ``read_terragrunt_config``, ``sops_decrypt_file``...) and every
  ``dependency.<name>.outputs`` value is UNKNOWN: nothing is ever run.
"""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import Any

from lark import Token, Tree

from scanner import arns
from scanner.model import Span
from scanner.parsers.common import is_within
from scanner.parsers.reads import note_listing, note_probe
from scanner.parsers.terraform.expressions import Scope
from scanner.parsers.terraform.hcl import Attribute, Block, SourceFile
from scanner.parsers.terraform.loader import Loader
from scanner.parsers.terraform.values import EvalError, Lazy, Namespace, UnknownValue
from scanner.valueclass import ValueObject, value_class

Value = Any
CONFIG_NAME = "terragrunt.hcl"
CACHE_DIR = ".terragrunt-cache"
# Source addresses go-getter fetches (everything else that names a directory is local).
_REMOTE_PREFIXES = ("git::", "git@", "hg::", "s3::", "gcs::", "http://", "https://", "tfr://",
                    "github.com/", "bitbucket.org/")
MERGE_STRATEGIES = ("shallow", "no_merge", "deep", "deep_map_only")
# Terragrunt functions resolved here; any other terragrunt function is UNKNOWN.
PATH_FUNCTIONS = frozenset({
    "find_in_parent_folders", "get_terragrunt_dir", "get_parent_terragrunt_dir",
    "get_original_terragrunt_dir", "path_relative_to_include", "path_relative_from_include",
    "get_env", "get_aws_account_id",
})
TERRAGRUNT_ONLY = frozenset({
    "run_cmd", "read_terragrunt_config", "sops_decrypt_file", "get_terraform_commands_that_need_vars",
    "get_terraform_commands_that_need_input", "get_terraform_commands_that_need_locking",
    "get_terraform_commands_that_need_parallelism", "get_terraform_command", "get_terraform_cli_args",
    "get_aws_caller_identity_arn", "get_aws_caller_identity_user_id", "get_platform",
    "get_repo_root", "get_path_from_repo_root", "get_path_to_repo_root", "get_working_dir",
    "read_tfvars_file", "mark_as_read", "constraint_check", "get_default_retryable_errors",
    "get_terragrunt_source_cli_flag",
})


def is_terragrunt_dir(directory: Path) -> bool:
    note_probe(directory / CONFIG_NAME)
    return (directory / CONFIG_NAME).is_file()


@value_class(frozen=False)
class TerragruntRoot(ValueObject):
    """What a ``terragrunt.hcl`` makes of its directory."""

    # The module Terraform runs: a local directory or a copy in .terragrunt-cache;
    # None when it cannot be read (``unread`` says why) or when there is no source (the
    # directory's own .tf files are the module, as terragrunt runs them in place).
    module_dir: Path | None = None
    source: str = ""
    unread: str = ""
    inputs: dict[str, Value] = field(default_factory=dict)
    # Why ``inputs`` as a whole cannot be resolved ("" when it can): then any variable
    # the module's other inputs do not set may come from it.
    inputs_unknown: str = ""
    # Config files read (scan-root relative) and the local files included.
    files: list[str] = field(default_factory=list)
    included: list[Path] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Evaluation context
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class _Config(ValueObject):
    """One parsed config file and where it sits among includes."""

    path: Path
    body: Block
    include_dir: Path | None  # the included parent's directory, seen from this file


class _Dependency(Lazy):
    """``dependency.<name>``: another terragrunt module's outputs, known after its apply."""

    def __init__(self, name: str) -> None:
        self._name = name

    def attr(self, name: str) -> Value:
        if name == "outputs":
            return Namespace(f"dependency.{self._name}.outputs", self._output)
        return UnknownValue(f"dependency.{self._name}.{name} is known only when terragrunt runs")

    def _output(self, name: str) -> Value:
        return UnknownValue(
            f"dependency.{self._name}.outputs.{name} is another terragrunt module's output, "
            "known only after it is applied"
        )

    def describe(self) -> str:
        return f"dependency.{self._name}"


class TerragruntScope(Scope):
    """Names a terragrunt file's expressions see: ``local``, ``include`` (exposed
    parents), ``dependency`` (UNKNOWN), and the values of the terragrunt functions the
    file calls (substituted before evaluation)."""

    def __init__(self, reader: _Reader, config: _Config) -> None:
        self.reader = reader
        self.config = config
        self.functions: dict[str, Value] = {}

    def lookup(self, name: str) -> Value:
        if name in self.functions:
            return self.functions[name]
        if name == "local":
            return Namespace("local", lambda n: self.reader.local(self.config, n))
        if name == "include":
            return Namespace("include", self.reader.exposed)
        if name == "dependency":
            return Namespace("dependency", _Dependency)
        if name == "dependencies":
            return UnknownValue("dependencies are other terragrunt modules, known only after apply")
        raise EvalError(f"reference to undeclared name {name!r} in terragrunt.hcl")


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, loader: Loader, directory: Path) -> None:
        self.loader = loader
        self.directory = directory.resolve()  # the terragrunt dir Terraform runs for
        self.result = TerragruntRoot()
        self.includes: dict[str, tuple[_Config, bool, str]] = {}  # label -> (config, expose, strategy)
        self._counter = 0

    # -- files -------------------------------------------------------------------

    def parse(self, path: Path, include_dir: Path | None) -> _Config | None:
        rel = self.loader.rel(path)
        note_probe(path)  # where it leads: a retargeted link may leave the root
        if not self.loader.inside_root(path.resolve()):
            # A symlinked configuration pointing out of the scan root is never read.
            self.loader.problem(Span(path=rel), "symlink points outside the scanned root; not read")
            return None
        # Through the run's parse cache: a parent configuration included by many
        # children is parsed once.
        parsed = self.loader.parses.read(path, rel, self.loader.limits.max_file_bytes)
        if rel not in self.result.files:
            self.result.files.append(rel)
        if not isinstance(parsed, SourceFile):
            self.loader.problem(parsed.span, parsed.message)
            return None
        for found in parsed.problems:
            self.loader.problem(found.span, found.message)
        return _Config(path=path, body=parsed.body, include_dir=include_dir)

    # -- expressions -------------------------------------------------------------

    def evaluate(self, config: _Config, attribute: Attribute) -> Value:
        scope = TerragruntScope(self, config)
        expr = self._substitute(attribute.expr, config, scope)
        return self.loader.eval_attr(
            Attribute(name=attribute.name, expr=expr, span=attribute.span), scope
        )

    def local(self, config: _Config, name: str) -> Value:
        attribute = None
        for block in config.body.children("locals"):
            attribute = block.attributes.get(name, attribute)
        if attribute is None:
            raise EvalError(f"reference to undeclared local value local.{name}")
        return self.loader.memo(
            ("terragrunt-local", str(config.path), name),
            lambda: self.evaluate(config, attribute), f"local.{name}",
        )

    def exposed(self, label: str) -> Value:
        hit = self.includes.get(label)
        if hit is None or not hit[1]:
            raise EvalError(f"include.{label} is not an exposed include (expose = true)")
        parent = hit[0]
        return {
            "locals": Namespace(f"include.{label}.locals", lambda n: self.local(parent, n)),
            "inputs": self.inputs_of(parent),
        }

    def inputs_of(self, config: _Config) -> Value:
        attribute = config.body.attributes.get("inputs")
        if attribute is None:
            return {}
        return self.loader.memo(
            ("terragrunt-inputs", str(config.path)), lambda: self.evaluate(config, attribute), "inputs"
        )

    def _substitute(self, node: Tree | Token, config: _Config, scope: TerragruntScope) -> Tree | Token:
        """``node`` with every terragrunt function call replaced by a name its scope
        resolves to the call's value (the evaluator itself knows Terraform's functions)."""
        if not isinstance(node, Tree):
            return node
        if node.data == "function_call":
            idents = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
            name = "::".join(str(i.children[0]) for i in idents)
            if name in PATH_FUNCTIONS or name in TERRAGRUNT_ONLY:
                args_tree = next(
                    (c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None
                )
                args = [
                    self.loader.evaluator.evaluate(self._substitute(a, config, scope), scope)
                    for a in (args_tree.children if args_tree is not None else [])
                    if isinstance(a, Tree) and a.data != "new_line_or_comment"
                ]
                self._counter += 1
                token = f"__terragrunt_{self._counter}"
                scope.functions[token] = self._call(name, args, config)
                return Tree("identifier", [Token("NAME", token)], node.meta)
        children = [self._substitute(c, config, scope) for c in node.children]
        if all(a is b for a, b in zip(children, node.children, strict=True)):
            return node
        return Tree(node.data, children, node.meta)

    def _call(self, name: str, args: list[Value], config: _Config) -> Value:
        if any(isinstance(a, UnknownValue) for a in args):
            return next(a for a in args if isinstance(a, UnknownValue))
        text = [a for a in args if isinstance(a, str)]
        parent = config.include_dir or self._only_include_dir()
        if name == "get_terragrunt_dir" or name == "get_original_terragrunt_dir":
            return str(self.directory)
        if name == "get_parent_terragrunt_dir":
            return str(parent or self.directory)
        if name == "path_relative_to_include":
            return Path(os.path.relpath(self.directory, parent)).as_posix() if parent else "."
        if name == "path_relative_from_include":
            return Path(os.path.relpath(parent, self.directory)).as_posix() if parent else "."
        if name == "find_in_parent_folders":
            found = self._find_up(text[0] if text else CONFIG_NAME)
            if found is not None:
                return str(found)
            if len(args) > 1:
                return args[1]
            return UnknownValue(
                f"find_in_parent_folders({text[0] if text else ''}): no such file above "
                f"{self.loader.rel(self.directory)} inside the scanned root"
            )
        if name == "get_env":
            if len(args) > 1:
                return args[1]
            key = text[0] if text else "?"
            return UnknownValue(f"get_env({key}) reads the environment of the run")
        if name == "get_aws_account_id":
            return arns.ACCOUNT
        return UnknownValue(f"terragrunt function {name}() is not evaluated statically")

    def _only_include_dir(self) -> Path | None:
        dirs = {c.path.parent for c, _, _ in self.includes.values()}
        return next(iter(dirs)) if len(dirs) == 1 else None

    def _find_up(self, name: str) -> Path | None:
        current = self.directory.parent
        while is_within(current, self.loader.root):
            candidate = current / name
            note_probe(candidate)
            if candidate.is_file():
                return candidate.resolve()
            if current == current.parent or current == self.loader.root:
                break
            current = current.parent
        return None


# ---------------------------------------------------------------------------
# Includes, source, inputs
# ---------------------------------------------------------------------------


def _str(reader: _Reader, config: _Config, block: Block, name: str) -> Value:
    attribute = block.attributes.get(name)
    return reader.evaluate(config, attribute) if attribute is not None else None


def _includes(reader: _Reader, child: _Config) -> None:
    for index, block in enumerate(child.body.children("include")):
        label = block.labels[0] if block.labels else f"include[{index}]"
        raw = _str(reader, child, block, "path")
        if not isinstance(raw, str):
            why = raw.reason if isinstance(raw, UnknownValue) else "path is not a string"
            reader.result.unread = reader.result.unread or f"include {label}: {why}"
            continue
        note_probe(reader.directory / raw)
        path = (reader.directory / raw).resolve()
        if not is_within(path, reader.loader.root):
            reader.loader.problem(block.header, f"include {label}: {raw} is outside the scanned root; not read")
            continue
        if not path.is_file():
            reader.loader.problem(block.header, f"include {label}: {raw} does not exist")
            continue
        parent = reader.parse(path, path.parent)
        if parent is None:
            continue
        expose = _str(reader, child, block, "expose")
        strategy = _str(reader, child, block, "merge_strategy")
        strategy = strategy if isinstance(strategy, str) and strategy in MERGE_STRATEGIES else "shallow"
        reader.includes[label] = (parent, expose is True, strategy)
        reader.result.included.append(path)


def _source(reader: _Reader, configs: list[_Config]) -> tuple[Value, Span | None]:
    """``terraform.source`` of the child, else of the first parent that sets one."""
    for config in configs:
        for block in config.body.children("terraform"):
            attribute = block.attributes.get("source")
            if attribute is not None:
                return reader.evaluate(config, attribute), attribute.span
    return None, None


def _split_subdir(source: str) -> tuple[str, str]:
    """go-getter's ``root//subdir`` (the ``//`` of ``https://`` is not one)."""
    start = source.find("://")
    search_from = start + 3 if start >= 0 else 0
    cut = source.find("//", search_from)
    if cut < 0:
        return source, ""
    return source[:cut], source[cut + 2 :]


def _is_remote(source: str) -> bool:
    return source.startswith(_REMOTE_PREFIXES) or "::" in source or "://" in source


def _module_dir(reader: _Reader, source: str, span: Span | None) -> None:
    result = reader.result
    result.source = source
    if _is_remote(source):
        _cached(reader, source)
        return
    root_part, subdir = _split_subdir(source)
    note_probe(reader.directory / root_part / subdir)
    target = (reader.directory / root_part / subdir).resolve()
    if not is_within(target, reader.loader.root):
        message = f"terragrunt source {source} is outside the scanned root"
        if span is not None:
            reader.loader.problem(span, message)
        result.unread = message
        return
    if not target.is_dir():
        if not source.startswith(("./", "../", "/")):
            _cached(reader, source)  # a registry address written without a scheme
            return
        message = f"terragrunt source {source} does not exist; the module is not checked"
        if span is not None:
            reader.loader.problem(span, message)
        result.unread = message
        return
    result.module_dir = target


def _cached(reader: _Reader, source: str) -> None:
    """A remote source, read from the copy terragrunt made in ``.terragrunt-cache``
    (``<hash>/<hash>/<the source's root>``) when there is exactly one."""
    cache = reader.directory / CACHE_DIR
    _, subdir = _split_subdir(source)
    subdir = subdir.split("?", 1)[0]
    copies: list[Path] = []
    # Every listing and test below is noted: a copy terragrunt adds, removes or replaces
    # changes which module the unit runs.
    note_probe(cache)
    if cache.is_dir() and not cache.is_symlink():
        note_listing(cache)
        for first in sorted(cache.iterdir()):
            if not first.is_dir() or first.is_symlink():
                continue
            note_listing(first)
            for second in sorted(first.iterdir()):
                if second.is_dir() and not second.is_symlink():
                    copy = second / subdir if subdir else second
                    note_probe(copy)
                    copies.append(copy.resolve())
    copies = [c for c in copies if c.is_dir() and is_within(c, reader.loader.root)]
    if len(copies) == 1:
        reader.result.module_dir = copies[0]
        return
    reader.result.unread = (
        f"terragrunt source {source} is remote and terragrunt has not cached it in "
        f"{CACHE_DIR} (run terragrunt init; it is never downloaded)"
        if not copies else
        f"terragrunt source {source}: {len(copies)} copies in {CACHE_DIR}, it cannot be told "
        "which one is current"
    )


def _merge(parent: Value, child: Value, strategy: str) -> Value:
    if strategy == "no_merge":
        return child
    if not isinstance(parent, dict) or not isinstance(child, dict):
        return child
    if strategy == "shallow":
        return {**parent, **child}
    out = dict(parent)
    for key, value in child.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge(old, value, strategy)
        elif strategy == "deep" and isinstance(old, list) and isinstance(value, list):
            out[key] = [*old, *value]
        else:
            out[key] = value
    return out


def read_terragrunt(loader: Loader, directory: Path) -> TerragruntRoot:
    """Read the ``terragrunt.hcl`` of ``directory`` (problems go to ``loader``)."""
    reader = _Reader(loader, directory)
    child = reader.parse(directory / CONFIG_NAME, None)
    if child is None:
        reader.result.unread = f"{loader.rel(directory / CONFIG_NAME)} could not be read"
        return reader.result
    _includes(reader, child)
    merged = [(config, strategy) for config, _, strategy in reader.includes.values()
              if strategy != "no_merge"]
    source, span = _source(reader, [child, *(config for config, _ in merged)])
    if isinstance(source, str) and source.strip():
        _module_dir(reader, source.strip(), span)
    elif isinstance(source, UnknownValue):
        reader.result.unread = f"terragrunt source: {source.reason}"
    # The child is merged onto its parents as their include blocks say.
    inputs: Value = {}
    for config, _ in merged:
        inputs = _merge(inputs, reader.inputs_of(config), "shallow")
    strategies = {strategy for _, strategy in merged}
    strategy = next((s for s in ("deep", "deep_map_only") if s in strategies), "shallow")
    inputs = _merge(inputs, reader.inputs_of(child), strategy)
    if isinstance(inputs, dict):
        reader.result.inputs = {str(k): v for k, v in inputs.items()}
    elif isinstance(inputs, UnknownValue):
        reader.result.inputs_unknown = inputs.reason
    return reader.result
