"""What both front ends share: paths relative to the scan root, size-limited reads,
unresolved values, and IAM policy documents written as plain data.

Policy documents: both front ends end up with the same shape, JSON-like Python data (from
``jsonencode``, a heredoc, ``aws_iam_policy_document`` or a CloudFormation
``PolicyDocument``) in which some leaves could not be resolved. Parsing it in one place
keeps the IAM conventions (string-or-list elements, ``"Principal": "*"``, stringified
condition values) identical for Terraform and CloudFormation.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from scanner import arns
from scanner.model import Condition, PolicyDocument, Principal, Span, Statement
from scanner.parsers.paths import real_path, real_str
from scanner.parsers.reads import note_file
from scanner.valueclass import ValueObject, value_class

# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------


def relpath(path: Path, root: Path) -> str:
    """POSIX path of ``path`` relative to ``root`` (``.`` for the root itself).

    A path outside the root is given relative to it (``../x``): reports never show an
    absolute path of the machine that ran the scan.
    """
    if os.name == "nt":  # case-insensitive comparison: leave it to pathlib
        real, real_root = real_path(path), real_path(root)
        try:
            rel = real.relative_to(real_root).as_posix()
        except ValueError:
            rel = Path(os.path.relpath(real, real_root)).as_posix()
        return printable_path(rel) or "."
    real, real_root = real_str(os.fspath(path)), real_str(os.fspath(root))
    if real == real_root:
        return "."
    inside = real_root if real_root.endswith("/") else real_root + "/"
    rel = real[len(inside):] if real.startswith(inside) else os.path.relpath(real, real_root)
    return printable_path(rel) or "."


def printable_path(text: str) -> str:
    """A file name that is not valid UTF-8 (the OS hands it over with surrogate escapes)
    shown with U+FFFD in its place: every report is valid UTF-8, whatever the disk holds."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def link_relpath(path: Path, root: Path) -> str:
    """Where a (possibly symlinked, looping or escaping) entry sits under ``root``: its
    parent directory resolved, its own name kept, so a problem with a link is reported
    at the link and never at the file outside the root that it points to."""
    if not path.name:
        return relpath(path, root)
    return f"{relpath(path.parent, root)}/{printable_path(path.name)}".removeprefix("./")


def is_within(path: Path, root: Path) -> bool:
    """Whether ``path`` (symlinks followed) lies inside ``root``."""
    try:
        real_path(path).relative_to(real_path(root))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def too_large(size: int, max_bytes: int) -> str:
    """The one message for a file over the size limit."""
    return f"file too large ({size} bytes; limit max_file_bytes = {max_bytes}); not read"


def read_text(path: Path, max_bytes: int) -> tuple[str | None, str]:
    """The file's text (UTF-8, a BOM dropped), or ``None`` and why it was not read.

    Every front end reads through here so that a size limit or an unreadable file is
    reported the same way whatever the format, and so that the cache between runs knows
    every file a unit's model depends on (``scanner.parsers.reads``).
    """
    try:
        seen = path.stat()
        if seen.st_size > max_bytes:
            note_file(path, None)
            return None, too_large(seen.st_size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        note_file(path, None)
        return None, f"cannot read file: {exc.strerror or exc}"
    note_file(path, data, seen)
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        return None, f"file is not UTF-8 text (byte {exc.start})"


# ---------------------------------------------------------------------------
# Values that could not be resolved
# ---------------------------------------------------------------------------


@value_class()
class InputLayer(ValueObject):
    """One source of values for a unit's Terraform variables or CloudFormation parameters.

    A unit's layers apply in order, each its ``files`` first (in order), then its
    ``values``; a later value wins. ``typed`` values are JSON text (the configuration file
    keeps TOML's types); otherwise they are command-line text (for Terraform, an HCL
    literal when the text parses as one, as ``terraform plan -var`` reads it). ``source``
    names where the layer comes from, for messages.
    """

    source: str
    files: tuple[Path, ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    typed: bool = False


@value_class()
class UnitInputs(ValueObject):
    """Everything a unit is given from outside its own files, in order of precedence
    (lowest first): a value, so that a cache of loaded units can key on it."""

    terraform: tuple[InputLayer, ...] = ()
    cloudformation: tuple[InputLayer, ...] = ()


@value_class()
class UnknownValue(ValueObject):
    """A value the front end could not resolve statically; ``reason`` says why.

    ``target`` is the ref of the record the value identifies when it was built around a
    reference to that record's identifying attribute (``aws_s3_bucket.logs.id`` whose
    name is a variable): links follow it although the text is unknown. ``nonempty``
    says the value is certainly not empty (a template with literal text, a resource's
    identifier), so "is it set?" questions are decided.
    """

    reason: str = "value is not known before apply"
    target: str = ""
    nonempty: bool = False
    # The value written with ``${<ref>}`` tokens for the names it cannot resolve (see
    # ``scanner.model``), when those names are all that is unknown: the ARN of a log group
    # whose name is a variable is ``arn:...:log-group:${aws_cloudwatch_log_group.g}``.
    # A token stands for one fixed unknown string, so this is the value, symbolically.
    shape: str = ""


class RefStr(str):
    """A known string that identifies a record by reference (``aws_kms_key.k.arn``):
    the text as usual, plus ``target``, the referenced record's ref in the unit.

    A ``str`` subclass so that every string operation keeps working; operations that make
    a new string (concatenation, functions) return plain ``str`` and so drop the target
    unless the evaluator keeps it on purpose (see ``with_target``).
    """

    target: str

    def __new__(cls, text: str, target: str) -> RefStr:
        obj = super().__new__(cls, text)
        obj.target = target
        return obj

    def __reduce__(self) -> tuple[object, ...]:
        return (RefStr, (str(self), self.target))


def target_of(value: object) -> str:
    """The ref a value identifies by reference ('' when it does not)."""
    if isinstance(value, RefStr | UnknownValue):
        return value.target
    return ""


def with_target(value: object, target: str, shape: str = "") -> object:
    """``value`` carrying ``target`` (a string or an unknown); other values unchanged.

    An unknown that identifies a record is certainly non-empty: every identifier a
    provider gives a resource (name, id, ARN) is. ``shape`` is its symbolic form (see
    ``UnknownValue.shape``), when known.
    """
    if not target:
        return value
    if isinstance(value, UnknownValue):
        return UnknownValue(value.reason, target, True, shape or value.shape)
    if isinstance(value, str) and not isinstance(value, RefStr) or (
        isinstance(value, RefStr) and value.target != target
    ):
        return RefStr(str(value), target)
    return value


def without_target(value: object) -> object:
    """``value`` no longer naming a record (a function made a new value out of it)."""
    if isinstance(value, RefStr):
        return str(value)
    if isinstance(value, UnknownValue) and (value.target or value.nonempty or value.shape):
        return UnknownValue(value.reason)
    return value


def symbolic(value: object) -> str | None:
    """The text of a string, or the symbolic form of an unknown that has one (None
    otherwise): what a value compares as when names may be ``${<ref>}`` tokens."""
    if isinstance(value, UnknownValue):
        return value.shape or None
    return str(value) if isinstance(value, str) else None


class Concatenation:
    """A string built from literal text and values (a template, ``format``, ``Fn::Sub``,
    ``Fn::Join``), and what can be said of it when some value is unknown.

    Literal text around exactly one reference to a record (and partition, region or
    account parts) still names that record: the result carries its ``target``. Literal
    text, or a part certainly non-empty, makes an unknown result certainly non-empty.
    When every unknown part has a symbolic form, so does the result (``shape``).
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        # Characters of the text and of the symbolic form so far: what ``result`` would
        # join (``size``), charged against the evaluation budget before it does.
        self.length = 0
        self.shape_length = 0
        self.shapes: list[str] | None = []
        self.targets: list[str] = []
        self.others_constant = True
        self.nonempty = False
        self.unknown: UnknownValue | None = None

    def literal(self, text: str) -> None:
        self.texts.append(text)
        self.length += len(text)
        self.shape_length += len(text)
        if self.shapes is not None:
            self.shapes.append(text)
        self.nonempty = self.nonempty or bool(text)

    def value(self, value: object, constant: bool = False) -> None:
        """A value; ``constant`` when the source wrote a pseudo parameter for it."""
        target = target_of(value)
        if target:
            self.targets.append(target)
        elif not (constant or is_environment_constant(value)):
            self.others_constant = False
        if isinstance(value, UnknownValue):
            self.unknown = self.unknown or value
            self.nonempty = self.nonempty or value.nonempty
            if self.shapes is not None and value.shape:
                self.shapes.append(value.shape)
                self.shape_length += len(value.shape)
            else:
                self.shapes = None
            return
        text = aws_string(value)
        self.texts.append(text)
        self.length += len(text)
        self.shape_length += len(text)
        if self.shapes is not None:
            self.shapes.append(text)
        self.nonempty = self.nonempty or bool(text)

    @property
    def size(self) -> int:
        """Characters of the string ``result`` builds (the text, or the symbolic form)."""
        if self.unknown is not None:
            return self.shape_length if self.shapes is not None else 0
        return self.length

    def result(self) -> object:
        target = self.targets[0] if len(self.targets) == 1 and self.others_constant else ""
        if self.unknown is not None:
            shape = "".join(self.shapes) if self.shapes is not None else ""
            return UnknownValue(self.unknown.reason, target, self.nonempty or bool(target), shape)
        text = "".join(self.texts)
        return RefStr(text, target) if target else text


_REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_CONSTANTS = frozenset({"aws", "aws-cn", "aws-us-gov", "amazonaws.com", arns.ACCOUNT,
                        arns.REGION, "${AWS::URLSuffix}", "${AWS::Partition}"})


def is_environment_constant(value: object) -> bool:
    """A part of an ARN that names where, not what: the partition, region, account or
    DNS suffix. Built around one reference and such parts, a value still names the record
    the reference names (``arn:${partition}:logs:${region}:${account}:log-group:${name}``)."""
    if not isinstance(value, str) or isinstance(value, RefStr):
        return False
    return value in _CONSTANTS or bool(_REGION_RE.match(value) or _ACCOUNT_RE.match(value))


def is_nonempty(value: object) -> bool:
    """Whether a (possibly unknown) value is certainly a non-empty string."""
    if isinstance(value, UnknownValue):
        return value.nonempty
    return isinstance(value, str) and value != ""


class Opaque:
    """A value a front end holds by reference only (a Terraform resource or module
    object): usable in a reference, never as plain data."""

    def describe(self) -> str:
        return "this value"


def first_unknown(value: object) -> UnknownValue | None:
    """The first unknown leaf of a (nested) value, or None when it is fully known."""
    if isinstance(value, UnknownValue):
        return value
    if isinstance(value, Opaque):
        return UnknownValue(f"{value.describe()} cannot be used as a plain value")
    items: Iterable[object]
    if isinstance(value, dict):
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    for item in items:
        found = first_unknown(item)
        if found is not None:
            return found
    return None


def deeper_than(value: object, limit: int) -> bool:
    """Whether ``value`` nests lists and maps more than ``limit`` levels deep (walked
    iteratively, stopping at the first path that does)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            items: Iterable[object] = node.values()
        elif isinstance(node, list | tuple):
            items = node
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((item, depth + 1) for item in items)
    return False


# The token an unresolved part of a data value is written as when the rest of the value
# is still worth reading (``scanner.model``, "Symbolic values"): analyses compare tokens
# literally, so an unresolved leaf decides nothing, while the known parts still decide.
UNRESOLVED_TOKEN = "${unresolved}"


def with_unknowns_as_tokens(value: object, reasons: list[str], depth: int = 0) -> object:
    """A copy of JSON-like ``value`` whose unresolved leaves are ``${...}`` tokens: the
    symbolic shape when there is one, the referenced record's token (``${aws_x.y}``), else
    ``${unresolved}``. Each leaf's reason is appended to ``reasons``.

    An EventBridge pattern with one computed value (``policyId = [aws_organizations_policy
    .x.id]``) keeps its known fields that way, so they can still exclude an event.
    """
    if isinstance(value, UnknownValue):
        reasons.append(value.reason)
        if value.shape:
            return value.shape
        return "${" + value.target + "}" if value.target else UNRESOLVED_TOKEN
    if isinstance(value, Opaque):
        reasons.append(f"{value.describe()} cannot be used as a plain value")
        return UNRESOLVED_TOKEN
    if depth > 200:  # deeper than any decoder lets through; never exhaust the stack
        reasons.append("the value nests too deeply")
        return UNRESOLVED_TOKEN
    if isinstance(value, dict):
        return {str(k): with_unknowns_as_tokens(v, reasons, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [with_unknowns_as_tokens(v, reasons, depth + 1) for v in value]
    return value


class SpannedDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers where it was written, so a statement keeps its line."""

    __slots__ = ("span",)

    def __init__(self, *args: object, span: Span | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.span = span


# ---------------------------------------------------------------------------
# IAM policy documents
# ---------------------------------------------------------------------------


def aws_string(value: object) -> str:
    """Stringify a scalar the way IAM does when it stores a policy (``true``, ``10``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def _strings(value: object) -> tuple[tuple[str, ...], bool]:
    """Strings of a string-or-list element, and whether some item was unknown."""
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    unknown = False
    for item in items:
        if isinstance(item, UnknownValue) and item.shape:
            out.append(item.shape)  # a name known only as its token: symbolic, still known
        elif isinstance(item, UnknownValue):
            unknown = True
        elif isinstance(item, dict | list | tuple):
            unknown = True
        elif item is not None:
            out.append(aws_string(item))
    return tuple(out), unknown


def _principals(value: object) -> tuple[tuple[Principal, ...], bool]:
    if isinstance(value, UnknownValue):
        return (), True
    if isinstance(value, str):
        if value == "*":
            return (Principal(kind="*", value="*"),), False
        # A bare string other than "*" is invalid IAM; keep it as an AWS principal.
        return (Principal(kind="AWS", value=value),), False
    if not isinstance(value, dict):
        return (), True
    out: list[Principal] = []
    unknown = False
    for kind, ids in value.items():
        if isinstance(ids, UnknownValue) and not ids.shape:
            unknown = True
            continue
        names, partial = _strings(ids)
        unknown = unknown or partial
        out.extend(Principal(kind=str(kind), value=name) for name in names)
    return tuple(out), unknown


def _conditions(value: object) -> tuple[tuple[Condition, ...], bool]:
    if isinstance(value, UnknownValue) or not isinstance(value, dict):
        return (), True
    out: list[Condition] = []
    unknown = False
    for operator, block in value.items():
        if not isinstance(block, dict):
            unknown = True
            continue
        for key, values in block.items():
            if isinstance(values, UnknownValue) and not values.shape:
                unknown = True
                continue
            strings, partial = _strings(values)
            unknown = unknown or partial
            out.append(Condition(operator=str(operator), key=str(key), values=strings))
    return tuple(out), unknown


_LIST_ELEMENTS = (
    ("Action", "actions"),
    ("NotAction", "not_actions"),
    ("Resource", "resources"),
    ("NotResource", "not_resources"),
)


def _statement(raw: object, default_span: Span) -> Statement:
    span = getattr(raw, "span", None) or default_span
    if not isinstance(raw, dict):
        return Statement(effect="", span=span, unknown=("Statement",))
    unknown: list[str] = []
    fields: dict[str, object] = {}
    sid = raw.get("Sid", "")
    if isinstance(sid, UnknownValue):
        unknown.append("Sid")
        sid = ""
    effect = raw.get("Effect")
    if isinstance(effect, str) and effect in ("Allow", "Deny"):
        fields["effect"] = effect
    else:
        unknown.append("Effect")
        fields["effect"] = ""
    for key, name in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
        if key in raw and raw[key] is not None:
            principals, partial = _principals(raw[key])
            fields[name] = principals
            if partial:
                unknown.append(key)
    for key, name in _LIST_ELEMENTS:
        if key in raw and raw[key] is not None:
            if isinstance(raw[key], UnknownValue) and not raw[key].shape:
                fields[name] = ()
                unknown.append(key)
                continue
            strings, partial = _strings(raw[key])
            fields[name] = strings
            if partial:
                unknown.append(key)
    if raw.get("Condition") is not None:
        conditions, partial = _conditions(raw["Condition"])
        fields["conditions"] = conditions
        if partial:
            unknown.append("Condition")
    return Statement(
        sid=aws_string(sid),
        span=span,
        unknown=tuple(unknown),
        **fields,  # type: ignore[arg-type]
    )


def policy_document_from_json(
    doc: object, span: Span, unknown_reason: str = ""
) -> PolicyDocument:
    """Parse a policy document given as JSON text or decoded data.

    ``doc`` may be a JSON string, a dict, or an ``UnknownValue``; unresolved leaves are
    ``UnknownValue`` instances and end up in ``Statement.unknown``. ``unknown_reason``
    overrides the reason recorded when the whole document is unknown.
    """
    if isinstance(doc, UnknownValue):
        return PolicyDocument(statements=(), span=span, unknown=unknown_reason or doc.reason)
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError as exc:
            reason = unknown_reason or f"policy is not valid JSON: {exc}"
            return PolicyDocument(statements=(), span=span, unknown=reason)
        except RecursionError:
            reason = unknown_reason or "policy is JSON nested too deeply to decode"
            return PolicyDocument(statements=(), span=span, unknown=reason)
    if not isinstance(doc, dict):
        reason = unknown_reason or "policy document is not a JSON object"
        return PolicyDocument(statements=(), span=span, unknown=reason)
    raw = doc.get("Statement")
    if isinstance(raw, UnknownValue):
        return PolicyDocument(statements=(), span=span, unknown=unknown_reason or raw.reason)
    if raw is None:
        return PolicyDocument(statements=(), span=span)
    items = raw if isinstance(raw, list | tuple) else [raw]
    statements = tuple(_statement(item, span) for item in items)
    size = _document_size(statements)
    if size > MAX_POLICY_CHARACTERS:
        reason = (f"the policy document holds {size} characters, more than any AWS policy "
                  f"accepts ({MAX_POLICY_CHARACTERS}); it is not analysed")
        return PolicyDocument(statements=(), span=span, unknown=reason)
    return PolicyDocument(statements=statements, span=span)


# The largest policy any AWS service accepts (a KMS key policy: 32 KiB; bucket policies
# take 20 KiB, IAM policies less). A document over it cannot be deployed, and refusing it
# here keeps IAM matching linear in what AWS could ever store.
MAX_POLICY_CHARACTERS = 32 * 1024


def _document_size(statements: tuple[Statement, ...]) -> int:
    size = 0
    for st in statements:
        for group in (st.actions, st.not_actions, st.resources, st.not_resources):
            size += sum(len(item) for item in group or ())
        for principals in (st.principals, st.not_principals):
            size += sum(len(p.kind) + len(p.value) for p in principals or ())
        for condition in st.conditions:
            size += len(condition.operator) + len(condition.key)
            size += sum(len(value) for value in condition.values)
    return size
