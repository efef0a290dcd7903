"""What every format's editor shares: how an edit is refused, where it lands, and the
read-only view of the other files of the scan an editor may need to look at.

An editor works in two steps. ``plan`` reads the file as the scan saw it and turns one
edit of ``scanner.policy``'s vocabulary into a *step* that names its target by structure
(a block path, a key path), not by line, because other steps may move the lines.
``render`` performs the steps of one file together on its text as scanned, so several
steps on one file (two fixes on one trail) compose, each seeing what the others wrote,
in time that grows with the file and the steps, not with their product.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from scanner.policy import AddAttribute, AddResource, Edit, SetAttribute
from scanner.valueclass import ValueObject, value_class


class Refused(Exception):
    """An edit that cannot be made safely; the message is the reason (``not fixed: ...``)."""


@value_class()
class Step(ValueObject):
    """One planned edit: what an editor will do, and how the log describes it."""

    summary: str  # "enable_logging = true", "add aws_s3_bucket_versioning.logs"
    detail: Any  # the editor's own target description


class FileEditor(Protocol):
    def plan(self, edit: Edit) -> Step:
        """The step for ``edit`` on the file as scanned; raises Refused."""
        ...

    def render(self, steps: list[Step]) -> str:
        """The file's text (as scanned) with ``steps`` done in order; raises Refused."""
        ...


class Planner:
    """The one place an edit of ``scanner.policy``'s vocabulary is dispatched to an
    editor's planning step; each format's editor says how it does each kind."""

    def plan(self, edit: Edit) -> Step:
        """The step for ``edit`` on the file as scanned; raises Refused."""
        if isinstance(edit, SetAttribute):
            if edit.attr.via and edit.attr.via_span is not None:
                return self._plan_default(edit)  # the value comes from a default: change it there
            return self._plan_set(edit)
        if isinstance(edit, AddAttribute):
            return self._plan_add(edit)
        if isinstance(edit, AddResource):
            return self._plan_companion(edit)
        raise Refused(f"unknown edit {type(edit).__name__}")

    def _plan_default(self, edit: SetAttribute) -> Step:
        raise NotImplementedError

    def _plan_set(self, edit: SetAttribute) -> Step:
        raise NotImplementedError

    def _plan_add(self, edit: AddAttribute) -> Step:
        raise NotImplementedError

    def _plan_companion(self, edit: AddResource) -> Step:
        raise NotImplementedError


class Workspace:
    """The scanned files an editor may read (never write): other files of a module, to
    see whether a variable is used elsewhere or a resource name is taken."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._texts: dict[str, str | None] = {}
        # What editors derive from the files once per run (a module's variable references,
        # the resource names taken), so many edits in one module read it once.
        self.memo: dict[tuple[str, ...], Any] = {}

    def read(self, rel: str) -> str | None:
        if rel not in self._texts:
            path = self.root / rel
            try:
                if path.stat().st_size > self.max_bytes:
                    text = None
                else:
                    text = path.read_bytes().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                text = None
            self._texts[rel] = text
        return self._texts[rel]

    def neighbours(self, rel: str, suffixes: Sequence[str]) -> list[str]:
        """Files next to ``rel`` (itself included) whose names end with one of ``suffixes``."""
        folder = PurePosixPath(rel).parent
        try:
            names = sorted(p.name for p in (self.root / folder).iterdir() if p.is_file())
        except OSError:
            return []
        return [
            (folder / name).as_posix() if str(folder) != "." else name
            for name in names
            if name.endswith(tuple(suffixes))
        ]


def target_path(edit: Edit) -> str:
    """The file ``edit`` writes: where the value is written (or its default is)."""
    if isinstance(edit, SetAttribute):
        attr = edit.attr
        if attr.via and attr.via_span is not None:
            return attr.via_span.path
        return attr.span.path
    if isinstance(edit, AddAttribute):
        return edit.attr.span.path
    if isinstance(edit, AddResource):
        return edit.near.span.path
    raise Refused(f"unknown edit {type(edit).__name__}")


def module_prefix(ref: str) -> tuple[str, str]:
    """``module.a[0].aws_kms_key.k`` → (``module.a[0].``, ``aws_kms_key.k``)."""
    prefix, rest = "", ref
    while rest.startswith("module."):
        end = _segment_end(rest, len("module."))
        if end < 0:
            break
        prefix, rest = prefix + rest[: end + 1], rest[end + 1:]
    return prefix, rest


def _segment_end(text: str, start: int) -> int:
    """Index of the first ``.`` at or after ``start`` outside brackets (-1: none)."""
    depth = 0
    for index in range(start, len(text)):
        ch = text[index]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "." and depth == 0:
            return index
    return -1


def stack_prefix(ref: str) -> tuple[str, str]:
    """``Audit.TrailKey`` → (``Audit.``, ``TrailKey``): the nested stack path of a
    CloudFormation logical id."""
    head, dot, tail = ref.rpartition(".")
    return (head + dot, tail) if dot else ("", ref)


def short(text: str, limit: int = 60) -> str:
    """An expression as a log line shows it: one line, at most ``limit`` characters."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 3] + "..."


@value_class()
class Intrinsic(ValueObject):
    """A CloudFormation intrinsic function as a value to write (``Ref``, ``Fn::GetAtt``)."""

    name: str  # "Ref" | "Fn::GetAtt"
    args: tuple[str, ...]


# A value to write into a YAML or JSON document: a scalar, an intrinsic, or a mapping of
# such values (written nested).
DocValue = bool | int | str | Intrinsic | dict[str, Any]
