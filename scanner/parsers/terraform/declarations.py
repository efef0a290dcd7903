"""The declarations of one module directory, as Terraform assembles them from its files.

A name declared twice (a resource, data source, module call, variable, output or local,
in one file or in two files of the directory) is an error in Terraform: it is a CT901 at
the second declaration with Terraform's wording. What is used then:

* a variable, output or local value declared twice is UNKNOWN: it is one value, Terraform
  would deploy neither, and guessing one of them could pass or fail a policy on a value
  that never exists;
* a resource, data source or module call declared twice keeps its *first* declaration
  (the one Terraform's message names as "already declared"): a whole block cannot be made
  unknown without hiding everything else it declares, and the CT901 already fails the run.

Override files (``overrides.py``) are merged after all primary files, in name order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from pathlib import Path

from scanner.model import Span, Suppression
from scanner.parsers.terraform.hcl import Attribute, Block, SourceFile, where
from scanner.parsers.terraform.overrides import merge_block
from scanner.parsers.terraform.suppressions import CommentIndex, for_block, scan_comments
from scanner.valueclass import ValueObject, value_class

# kind -> (headline, detail) of Terraform's error for a second declaration; {t} is the
# resource type, {n} the name, {at} where the first one is.
_DUPLICATE = {
    "resource": ('Duplicate resource "{t}" configuration',
                 'a {t} resource named "{n}" was already declared at {at}; resource names '
                 "must be unique per type in each module"),
    "data": ('Duplicate data "{t}" configuration',
             'a {t} data resource named "{n}" was already declared at {at}; resource names '
             "must be unique per type in each module"),
    "module": ("Duplicate module call",
               'a module call named "{n}" was already defined at {at}; module calls must '
               "have unique names within a module"),
    "variable": ("Duplicate variable declaration",
                 'a variable named "{n}" was already declared at {at}; variable names must '
                 "be unique within a module"),
    "output": ("Duplicate output definition",
               'an output named "{n}" was already defined at {at}; output names must be '
               "unique within a module"),
    "locals": ("Duplicate local value definition",
               'a local value named "{n}" was already defined at {at}; local value names '
               "must be unique within a module"),
}
# kind -> Terraform's error for an override block with nothing to merge into.
_MISSING = {
    "resource": ("Missing resource to override",
                 'there is no {t} resource named "{n}"; an override file can only override '
                 "a resource block defined in a primary configuration file"),
    "data": ("Missing data resource to override",
             'there is no {t} data resource named "{n}"; an override file can only override '
             "a data block defined in a primary configuration file"),
    "module": ("Missing module call to override",
               'there is no module call named "{n}"; an override file can only override a '
               "module call that was defined in a primary configuration file"),
    "variable": ("Missing base variable declaration to override",
                 'there is no variable named "{n}"; an override file can only override a '
                 "variable that was already declared in a primary configuration file"),
    "output": ("Missing base output definition to override",
               'there is no output named "{n}"; an override file can only override an '
               "output that was already defined in a primary configuration file"),
    "locals": ("Missing base local value definition to override",
               'there is no local value named "{n}"; an override file can only override a '
               "local value that was already defined in a primary configuration file"),
}
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1}


def _message(table: dict[str, tuple[str, str]], kind: str, key: tuple[str, ...], at: str) -> str:
    headline, detail = table[kind]
    rtype = key[0] if len(key) == 2 else ""
    fields = {"t": rtype, "n": key[-1], "at": at}
    return f"{headline.format(**fields)}: {detail.format(**fields)}"


@value_class(frozen=False)
class ModuleSource(ValueObject):
    """The declarations of one module directory (parsed once, instantiated many times)."""

    directory: Path
    rel: str
    files: list[SourceFile] = field(default_factory=list)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    resource_types: set[str] = field(default_factory=set)
    block_file: dict[int, SourceFile] = field(default_factory=dict)
    # ("variable" | "output", name) -> why its value is UNKNOWN (declared twice)
    conflicts: dict[tuple[str, str], str] = field(default_factory=dict)
    # merged block id -> the override blocks merged into it (their comments count too)
    _overrides: dict[int, list[tuple[SourceFile, Block]]] = field(default_factory=dict)
    _merged: list[Block] = field(default_factory=list)  # kept alive: their ids are keys
    _comments: dict[str, CommentIndex] = field(default_factory=dict)

    # -- tables -----------------------------------------------------------------

    def _table(self, kind: str) -> dict[tuple[str, str], Block] | dict[str, Block]:
        return {"resource": self.resources, "data": self.data, "module": self.modules,
                "variable": self.variables, "output": self.outputs}[kind]

    @staticmethod
    def _key(block: Block) -> tuple[str, ...] | None:
        count = _LABELS.get(block.type)
        if count is None or len(block.labels) != count:
            return None
        return block.labels

    # -- primary files ------------------------------------------------------------

    def add(self, file: SourceFile, problem: Callable[[Span, str], None]) -> None:
        """Declarations of a primary file; a second declaration of a name is reported."""
        self.files.append(file)
        for block in file.body.blocks:
            self.block_file[id(block)] = file
            if block.type == "locals":
                self._add_locals(block, problem)
                continue
            key = self._key(block)
            if key is None:
                continue
            table = self._table(block.type)
            lookup = key if len(key) == 2 else key[0]
            first = table.get(lookup)  # type: ignore[call-overload]
            if first is None:
                table[lookup] = block  # type: ignore[index]
                if block.type == "resource":
                    self.resource_types.add(key[0])
                continue
            message = _message(_DUPLICATE, block.type, key, where(first.header))
            problem(block.header, message)
            if block.type in ("variable", "output"):
                self.conflicts[(block.type, key[0])] = (
                    f"{block.type} {key[0]} is declared more than once "
                    f"({where(first.header)} and {where(block.header)}); Terraform rejects "
                    "the configuration"
                )

    def _add_locals(self, block: Block, problem: Callable[[Span, str], None]) -> None:
        for name, attribute in block.attributes.items():
            first = self.locals.get(name)
            if first is None:
                self.locals[name] = attribute
                continue
            problem(attribute.span, _message(_DUPLICATE, "locals", (name,), where(first.span)))
            if not first.conflict:
                self.locals[name] = Attribute(
                    name=name, expr=first.expr, span=first.span,
                    conflict=f"local.{name} is defined more than once ({where(first.span)} "
                    f"and {where(attribute.span)}); Terraform rejects the configuration",
                )

    # -- override files -----------------------------------------------------------

    def merge(self, file: SourceFile, problem: Callable[[Span, str], None]) -> None:
        """Merge an override file's blocks into the declarations they override."""
        self.files.append(file)
        for block in file.body.blocks:
            if block.type == "locals":
                for name, attribute in block.attributes.items():
                    if name not in self.locals:
                        problem(attribute.span, _message(_MISSING, "locals", (name,), ""))
                    else:
                        self.locals[name] = attribute
                continue
            key = self._key(block)
            if key is None:
                continue
            table = self._table(block.type)
            lookup = key if len(key) == 2 else key[0]
            base = table.get(lookup)  # type: ignore[call-overload]
            if base is None:
                problem(block.header, _message(_MISSING, block.type, key, ""))
                continue
            merged = merge_block(base, block, merge_lifecycle=block.type in ("resource", "data"))
            table[lookup] = merged  # type: ignore[index]
            self._merged.append(merged)
            self.block_file[id(merged)] = self.block_file[id(base)]
            earlier = self._overrides.get(id(base), [])
            self._overrides[id(merged)] = [*earlier, (file, block)]

    # -- suppression comments ---------------------------------------------------------

    def _comments_of(self, file: SourceFile) -> CommentIndex:
        if file.path not in self._comments:
            self._comments[file.path] = scan_comments(file.path, file.text)
        return self._comments[file.path]

    def suppressions(self, block: Block) -> tuple[Suppression, ...]:
        """Comments in or directly above the block, and in or above its override blocks."""
        file = self.block_file.get(id(block))
        if file is None:
            return ()
        found = list(for_block(self._comments_of(file), block.span.line, block.span.end_line))
        for over_file, over in self._overrides.get(id(block), ()):
            found.extend(
                for_block(self._comments_of(over_file), over.span.line, over.span.end_line)
            )
        return tuple(found)
