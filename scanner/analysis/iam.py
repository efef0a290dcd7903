"""Three-valued evaluation of IAM policy documents (bucket, key, trust and role policies).

Policies ask concrete questions -- *may cloudtrail.amazonaws.com s3:PutObject this key with
this context?* -- and need one of three answers: allowed, not allowed, or cannot be told
before deploy. Guessing either way would turn an unresolved ``var.x`` into a false finding
or a false pass, so every helper here returns ``True``/``False``/``None`` and ``None``
propagates (Kleene logic: ``False`` wins an AND, ``True`` wins an OR).

Semantics followed (IAM User Guide, "Policy evaluation logic" and "Condition operators"):

* A request is allowed by a resource policy when some Allow statement applies and no Deny
  statement applies. An applicable Deny always wins.
* Actions and service principals compare case-insensitively, resources and ARNs
  case-sensitively. ``*`` matches any run of characters, ``?`` one character.
* ``NotAction``/``NotResource``/``NotPrincipal`` apply to everything *except* what they list.
  A statement without ``Resource`` (trust policies) applies to every resource.
* Conditions: all operators of a statement AND together, the values of one key OR. When the
  request context lacks the key, the condition is false, except that negated operators
  (``StringNotEquals``, ``StringNotLike``, ``ArnNotLike``...) are then true, ``...IfExists``
  is true, ``Null`` tests presence, ``ForAllValues:`` is true and ``ForAnyValue:`` is false
  (the IAM docs: "If the key that you specify in a policy condition is not present in the
  request context, the values do not match and the condition is false. If the policy
  condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and
  the right key is not present, the condition is true."). An operator not listed in
  ``_BASE_OPERATORS`` makes its statement UNKNOWN: it is never guessed.
* ``Statement.unknown`` (parts the parser could not resolve) makes the statement UNKNOWN
  unless its known parts already exclude the request. ``PolicyDocument.unknown`` means
  statements may be missing: an absent Allow is then UNKNOWN, not False.

Symbolic tokens (see ``scanner.model``): ``${AWS::AccountId}``, ``${aws_s3_bucket.logs}``
and the like stand for one fixed but unknown string. They match as whole units: the same
token on both sides matches, a policy ``*`` may span tokens, but a literal against a token
(``.../AWSLogs/123456789012/*`` against ``.../AWSLogs/${AWS::AccountId}/x``) cannot be decided
and yields ``None`` -- unless no value of the token could make them match, which yields
``False``. Pseudo-parameter tokens (``${AWS::...}``) never contain ``:`` or ``/``, so they
cannot stand for an ARN separator; other tokens may be anything. ``${AWS::Partition}`` is
normalised to ``aws`` on both sides. IAM policy
variables (``${aws:username}``) look the same and are treated the same way, conservatively.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import field

from scanner.model import Condition, PolicyDocument, Principal, Statement
from scanner.tri import Tri
from scanner.tri import all_of as _and
from scanner.tri import any_of as _or
from scanner.tri import negate as _not
from scanner.valueclass import ValueObject, value_class

_TOKEN_RE = re.compile(r"\$\{[^{}]*\}")

# Condition keys that restrict *who* can use an Allow with a public principal. A positive
# operator on one of these (with a concrete value) makes the grant non-public.
LIMITING_CONDITION_KEYS: frozenset[str] = frozenset(
    k.lower()
    for k in (
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalServiceName",
        "aws:userid",
        "aws:username",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
    )
)

# base operator (lower case) -> (kind, negated, case_sensitive, wildcards)
_BASE_OPERATORS: dict[str, tuple[str, bool, bool, bool]] = {
    "stringequals": ("string", False, True, False),
    "stringnotequals": ("string", True, True, False),
    "stringequalsignorecase": ("string", False, False, False),
    "stringnotequalsignorecase": ("string", True, False, False),
    "stringlike": ("string", False, True, True),
    "stringnotlike": ("string", True, True, True),
    "arnequals": ("arn", False, True, True),
    "arnlike": ("arn", False, True, True),
    "arnnotequals": ("arn", True, True, True),
    "arnnotlike": ("arn", True, True, True),
    "bool": ("bool", False, False, False),
    "null": ("null", False, False, False),
}

_POSITIVE_STRING_OPS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
)


# ---------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------


@value_class(kw_only=True)
class Request(ValueObject):
    """One request to authorise. Context keys compare case-insensitively.

    For a resource policy give ``principal_service`` (``cloudtrail.amazonaws.com``) or
    ``principal_arn``; with neither, only statements open to ``*`` can be decided.
    A context value may be a string or a sequence of strings (multi-valued keys).
    """

    principal_service: str | None = None
    principal_arn: str | None = None
    action: str
    resource: str
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict, hash=False)


@value_class(kw_only=True)
class Decision(ValueObject):
    """``allowed`` is None when a statement that could matter cannot be evaluated.

    ``allow_statements``: the Allows that grant the request (or, when none surely does,
    those that may). ``deny_statements``: the Denies that take it away (or may).
    """

    allowed: Tri
    reason: str
    allow_statements: tuple[Statement, ...] = ()
    deny_statements: tuple[Statement, ...] = ()


# ---------------------------------------------------------------------------
# Wildcard matching with symbolic tokens
# ---------------------------------------------------------------------------

_STAR = ("*",)  # unit marking a wildcard; tokens are ("tok", text), characters plain str
_QMARK = ("?",)


def _normalise(text: str) -> str:
    return text.replace("${AWS::Partition}", "aws")


def _units(text: str, *, wildcards: bool, case_sensitive: bool) -> list[object]:
    """Split into units: single characters, whole ``${...}`` tokens, and wildcards."""
    units: list[object] = []
    pos = 0
    text = _normalise(text)
    for m in _TOKEN_RE.finditer(text):
        units.extend(_char_units(text[pos : m.start()], wildcards, case_sensitive))
        units.append(("tok", m.group(0)))
        pos = m.end()
    units.extend(_char_units(text[pos:], wildcards, case_sensitive))
    return units


def _char_units(chunk: str, wildcards: bool, case_sensitive: bool) -> list[object]:
    out: list[object] = []
    for ch in chunk:
        if wildcards and ch == "*":
            if not out or out[-1] is not _STAR:
                out.append(_STAR)
        elif wildcards and ch == "?":
            out.append(_QMARK)
        else:
            out.append(ch if case_sensitive else ch.lower())
    return out


def _is_token(unit: object) -> bool:
    return isinstance(unit, tuple) and unit[0] == "tok"


def _is_pseudo_token(unit: object) -> bool:
    return _is_token(unit) and str(unit[1]).startswith("${AWS::")  # type: ignore[index]


@value_class()
class _ValueMasks(ValueObject):
    """Bit sets over the value's units (bit ``j`` = unit ``j``), so that a pattern unit
    advances every value position at once: matching costs ``len(pattern) × len(value) / 64``
    word operations and ``len(value)`` bits of memory, for any input."""

    size: int
    chars: int  # plain characters
    tokens: int  # ${...} tokens
    pseudo: int  # ${AWS::...} tokens
    separators: int  # ":" and "/"
    equal: dict[object, int]  # unit -> where the value holds exactly that unit

    @classmethod
    def of(cls, value: list[object]) -> _ValueMasks:
        chars = tokens = pseudo = separators = 0
        equal: dict[object, int] = {}
        for j, unit in enumerate(value):
            bit = 1 << j
            equal[unit] = equal.get(unit, 0) | bit
            if _is_token(unit):
                tokens |= bit
                if _is_pseudo_token(unit):
                    pseudo |= bit
            else:
                chars |= bit
                if unit in (":", "/"):
                    separators |= bit
        return cls(len(value), chars, tokens, pseudo, separators, equal)


def _run_closure(states: int, steps: int) -> int:
    """Every state reachable by moving from ``j`` to ``j + 1`` while bit ``j`` of ``steps``
    is set: the carry of the addition runs up each chain of steps and stops one past it."""
    return states | (((states & steps) + steps) ^ steps)


def _unit_match(pattern: list[object], value: list[object]) -> bool:
    """Match where tokens are opaque units: ``*`` spans anything, ``?`` one character."""
    masks = _ValueMasks.of(value)
    everything = (1 << (masks.size + 1)) - 1
    # bit j of reach: the pattern prefix consumed so far can match value[:j]
    reach = 1
    for p in pattern:
        if p is _STAR:
            lowest = reach & -reach
            reach = everything & ~(lowest - 1)
        elif p is _QMARK:
            reach = (reach & masks.chars) << 1
        else:
            reach = (reach & masks.equal.get(p, 0)) << 1
        if not reach:
            return False
    return bool(reach >> masks.size & 1)


def _could_match(pattern: list[object], value: list[object]) -> bool:
    """Whether some values of the tokens (on either side) could make the two match.

    Both sides become automata where a token is "any string"; the product automaton is
    explored over (pattern position i, value position j) states, one row of ``j`` bits per
    ``i``. Moves never decrease ``i``: within a row, a value token (or a pattern "any" that
    fits the value unit) consumes one value unit; from row ``i`` to ``i + 1``, a pattern
    "any" is left, a pattern character or ``?`` consumes a fitting value character, or is
    swallowed by a value token that fits it.

    Pseudo parameters (account id, region, partition, stack name, URL suffix) never
    contain ":" or "/", so such a token cannot stand for an ARN separator: this is what
    lets "...:log-group:X" be a sure mismatch for "...:log-group:X:log-stream:*".
    """

    def is_any(u: object) -> bool:
        return u is _STAR or _is_token(u)

    masks = _ValueMasks.of(value)
    row = 1  # row 0: only (0, 0) before closure
    for p in pattern:
        if is_any(p):
            fits = masks.chars & ~masks.separators if _is_pseudo_token(p) else masks.chars
            row = _run_closure(row, masks.tokens | fits)
            continue  # (i, j) -> (i + 1, j): the "any" matches the empty rest
        row = _run_closure(row, masks.tokens)
        if p is _QMARK:
            consumed, swallowed = masks.chars, masks.tokens
        else:
            consumed = masks.equal.get(p, 0) & masks.chars
            swallowed = masks.tokens & ~masks.pseudo if p in (":", "/") else masks.tokens
        row = ((row & consumed) << 1) | (row & swallowed)
        if not row:
            return False
    row = _run_closure(row, masks.tokens)
    return bool(row >> masks.size & 1)


def wildcard_match(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    """IAM ``*``/``?`` matching; ``${X}`` tokens in either string compare as whole units.

    A ``*`` in the pattern may span tokens of the value; ``?`` never matches a token (its
    length is unknown). This is the two-valued, definite answer: a literal against a
    token is ``False`` here; use ``match_value`` for the three-valued one.
    """
    return _unit_match(
        _units(pattern, wildcards=True, case_sensitive=case_sensitive),
        _units(value, wildcards=False, case_sensitive=case_sensitive),
    )


def match_value(pattern: str, value: str, *, case_sensitive: bool, wildcards: bool = True) -> Tri:
    """Three-valued match: True surely, False for no value of any token, else None."""
    p = _units(pattern, wildcards=wildcards, case_sensitive=case_sensitive)
    v = _units(value, wildcards=False, case_sensitive=case_sensitive)
    if _unit_match(p, v):
        return True
    has_tokens = any(isinstance(u, tuple) and u[0] == "tok" for u in (*p, *v))
    if has_tokens and _could_match(p, v):
        return None
    return False


def _arn_match(pattern: str, value: str) -> Tri:
    """ArnEquals/ArnLike: the six colon-separated parts are matched one by one."""
    p_parts = _normalise(pattern).split(":", 5)
    v_parts = _normalise(value).split(":", 5)
    if len(p_parts) == 6 and len(v_parts) == 6:
        return _and(match_value(a, b, case_sensitive=True) for a, b in zip(p_parts, v_parts, strict=True))
    whole = match_value(pattern, value, case_sensitive=True)
    if _TOKEN_RE.search(pattern) or _TOKEN_RE.search(value):
        # A token may stand for several ARN parts: only a sure match is sure.
        return True if whole is True else None
    if len(p_parts) != len(v_parts):
        return False
    return whole


# ---------------------------------------------------------------------------
# Statement parts
# ---------------------------------------------------------------------------


def _action_matches(statement: Statement, action: str) -> tuple[Tri, str]:
    if statement.actions is not None:
        r = _or(match_value(a, action, case_sensitive=False) for a in statement.actions)
        return r, "" if r is not None else "Action"
    if statement.not_actions is not None:
        r = _not(_or(match_value(a, action, case_sensitive=False) for a in statement.not_actions))
        return r, "" if r is not None else "NotAction"
    return None, "no Action or NotAction"


def _resource_matches(statement: Statement, resource: str) -> tuple[Tri, str]:
    if statement.resources is not None:
        r = _or(match_value(p, resource, case_sensitive=True) for p in statement.resources)
        return r, "" if r is not None else "Resource"
    if statement.not_resources is not None:
        r = _not(_or(match_value(p, resource, case_sensitive=True) for p in statement.not_resources))
        return r, "" if r is not None else "NotResource"
    return True, ""


def _account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) >= 6 and parts[0] == "arn" else None


def _one_principal(principal: Principal, request: Request) -> Tri:
    kind = principal.kind.lower()
    value = principal.value
    if kind == "*" or (kind == "aws" and value == "*"):
        return True
    if kind == "service":
        if request.principal_service is not None:
            return match_value(value, request.principal_service, case_sensitive=False, wildcards=False)
        return False if request.principal_arn is not None else None
    if kind == "aws":
        if request.principal_arn is None:
            return False if request.principal_service is not None else None
        # A bare account id or the account root ARN means every principal of the account.
        root = re.fullmatch(r"arn:aws:iam::([^:]+):root", _normalise(value))
        account = value if re.fullmatch(r"\d{12}|\$\{AWS::AccountId\}", value) else None
        if root is not None:
            account = root.group(1)
        if account is not None:
            req_account = _account_of(_normalise(request.principal_arn))
            if req_account is None:
                return None
            return match_value(account, req_account, case_sensitive=True, wildcards=False)
        return match_value(value, request.principal_arn, case_sensitive=True, wildcards=False)
    # Federated / CanonicalUser principals never are a service or an IAM ARN request.
    if request.principal_service is not None or request.principal_arn is not None:
        return False
    return None


def _principal_matches(statement: Statement, request: Request) -> tuple[Tri, str]:
    if statement.principals is not None:
        r = _or(_one_principal(p, request) for p in statement.principals)
        return r, "" if r is not None else "Principal"
    if statement.not_principals is not None:
        r = _not(_or(_one_principal(p, request) for p in statement.not_principals))
        return r, "" if r is not None else "NotPrincipal"
    return None, "no Principal in a resource policy"


def _context_values(context: Mapping[str, str | Sequence[str]], key: str) -> tuple[str, ...] | None:
    wanted = key.lower()
    for k in sorted(context):
        if k.lower() == wanted:
            v = context[k]
            return (v,) if isinstance(v, str) else tuple(str(x) for x in v)
    return None


def split_operator(operator: str) -> tuple[str, str, bool]:
    """``ForAnyValue:StringLikeIfExists`` -> (``foranyvalue``, ``stringlike``, True)."""
    op = operator.strip()
    qualifier = ""
    if ":" in op:
        qualifier, op = op.split(":", 1)
        qualifier = qualifier.lower()
    if_exists = op.lower().endswith("ifexists")
    if if_exists:
        op = op[: -len("ifexists")]
    return qualifier, op.lower(), if_exists


def evaluate_condition(condition: Condition, context: Mapping[str, str | Sequence[str]]) -> Tri:
    """One condition operator/key pair against the request context."""
    qualifier, base, if_exists = split_operator(condition.operator)
    spec = _BASE_OPERATORS.get(base)
    if spec is None or qualifier not in ("", "foranyvalue", "forallvalues"):
        return None
    kind, negated, case_sensitive, wildcards = spec
    present = _context_values(context, condition.key)
    if kind == "null":
        wants_absent = _or(
            match_value(v, "true", case_sensitive=False, wildcards=False) for v in condition.values
        )
        wants_present = _or(
            match_value(v, "false", case_sensitive=False, wildcards=False) for v in condition.values
        )
        return wants_absent if present is None else wants_present
    if present is None or len(present) == 0:
        if if_exists or qualifier == "forallvalues":
            return True
        if qualifier == "foranyvalue":
            return False
        return negated

    def one(request_value: str) -> Tri:
        if kind == "arn":
            hit = _or(_arn_match(p, request_value) for p in condition.values)
        else:
            hit = _or(
                match_value(p, request_value, case_sensitive=case_sensitive, wildcards=wildcards)
                for p in condition.values
            )
        return _not(hit) if negated else hit

    results = [one(v) for v in present]
    if qualifier == "forallvalues":
        return _and(results)
    if qualifier == "foranyvalue" or len(results) == 1:
        return _or(results)
    return None  # a multi-valued key without a set operator: not modelled


def _conditions_hold(statement: Statement, context: Mapping[str, str | Sequence[str]]) -> Tri:
    return _and(evaluate_condition(c, context) for c in statement.conditions)


def _partly_known(statement: Statement, result: Tri, element: str, negated: str) -> Tri:
    """A list element with an unresolved item (``Resource: [known, <unknown>]``): the known
    items not matching (or, for ``Not*``, not excluding) decide nothing, since the unknown
    item may."""
    if result is False and element in statement.unknown:
        return None
    if result is True and negated in statement.unknown:
        return None
    return result


def _statement_applies(statement: Statement, request: Request, *, identity: bool, context_known: bool) -> Tri:
    """Whether ``statement`` matches ``request`` (its effect aside)."""
    parts: list[Tri] = []
    if not identity:
        parts.append(_partly_known(statement, _principal_matches(statement, request)[0],
                                   "Principal", "NotPrincipal"))
    parts.append(_partly_known(statement, _action_matches(statement, request.action)[0],
                               "Action", "NotAction"))
    parts.append(_partly_known(statement, _resource_matches(statement, request.resource)[0],
                               "Resource", "NotResource"))
    if statement.conditions:
        parts.append(_conditions_hold(statement, request.context) if context_known else None)
    result = _and(parts)
    if result is not False and any(e in _WHOLE_STATEMENT_UNKNOWNS for e in statement.unknown):
        return None
    return result


# Unresolved parts that leave the whole statement undecided. A list element with an
# unresolved item (Principal, Action, Resource and their Not* forms) is decided item by
# item in ``_partly_known``: an Allow whose known Resource matches applies whatever the
# other items are. An unresolved Sid changes nothing.
_WHOLE_STATEMENT_UNKNOWNS = frozenset({"Statement", "Effect", "Condition"})


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------


def _label(statement: Statement) -> str:
    return statement.sid or f"statement at line {statement.span.line}"


def _decide(
    statements: Sequence[Statement],
    request: Request,
    *,
    identity: bool,
    context_known: bool,
    incomplete: str,
) -> Decision:
    allow_sure: list[Statement] = []
    allow_maybe: list[Statement] = []
    deny_sure: list[Statement] = []
    deny_maybe: list[Statement] = []
    for st in statements:
        effect = st.effect.strip().lower()
        r = _statement_applies(st, request, identity=identity, context_known=context_known)
        if effect not in ("allow", "deny"):
            r = None if r is not False else False
            if r is None:
                allow_maybe.append(st)
                deny_maybe.append(st)
            continue
        sure, maybe = (allow_sure, allow_maybe) if effect == "allow" else (deny_sure, deny_maybe)
        if r is True:
            sure.append(st)
        elif r is None:
            maybe.append(st)
    what = f"{request.action} on {request.resource}"
    if deny_sure:
        names = ", ".join(_label(s) for s in deny_sure)
        return Decision(
            allowed=False,
            reason=f"{what} is denied by {names}",
            allow_statements=tuple(allow_sure or allow_maybe),
            deny_statements=tuple(deny_sure),
        )
    if allow_sure:
        names = ", ".join(_label(s) for s in allow_sure)
        if deny_maybe:
            deniers = ", ".join(_label(s) for s in deny_maybe)
            return Decision(
                allowed=None,
                reason=f"{what} is allowed by {names} but may be denied by {deniers}",
                allow_statements=tuple(allow_sure),
                deny_statements=tuple(deny_maybe),
            )
        if incomplete:
            return Decision(
                allowed=None,
                reason=f"{what} is allowed by {names}, but {incomplete} (a Deny may be missing)",
                allow_statements=tuple(allow_sure),
            )
        return Decision(
            allowed=True, reason=f"{what} is allowed by {names}", allow_statements=tuple(allow_sure)
        )
    if allow_maybe:
        allowers = ", ".join(_label(s) for s in allow_maybe)
        return Decision(
            allowed=None,
            reason=f"{what} may be allowed by {allowers} (cannot be decided statically)",
            allow_statements=tuple(allow_maybe),
            deny_statements=tuple(deny_maybe),
        )
    if incomplete:
        return Decision(
            allowed=None,
            reason=f"no known statement allows {what}, but {incomplete}",
            deny_statements=tuple(deny_maybe),
        )
    return Decision(
        allowed=False,
        reason=f"no statement allows {what}",
        deny_statements=tuple(deny_maybe),
    )


def evaluate(document: PolicyDocument | None, request: Request) -> Decision:
    """Resource-policy evaluation: allowed by some Allow and denied by no Deny."""
    if document is None:
        return Decision(allowed=False, reason="there is no policy")
    incomplete = f"the policy is partly unknown ({document.unknown})" if document.unknown else ""
    return _decide(document.statements, request, identity=False, context_known=True, incomplete=incomplete)


def service_can(
    document: PolicyDocument | None,
    service: str,
    action: str,
    resource: str,
    context: Mapping[str, str | Sequence[str]] | None = None,
) -> Decision:
    """Shorthand for a service principal request against a resource policy."""
    return evaluate(
        document,
        Request(principal_service=service, action=action, resource=resource, context=context or {}),
    )


def identity_allows(
    documents: Sequence[PolicyDocument],
    action: str,
    resource: str,
    context: Mapping[str, str | Sequence[str]] | None = None,
) -> Decision:
    """Identity-policy evaluation over all of a role's permission policies.

    Identity policies have no Principal. Without ``context`` the request context is not
    known, so a statement with conditions is UNKNOWN rather than evaluated against an empty
    context.
    """
    statements = [st for doc in documents for st in doc.statements]
    unknown = [doc.unknown for doc in documents if doc.unknown]
    incomplete = f"a policy is partly unknown ({'; '.join(unknown)})" if unknown else ""
    request = Request(action=action, resource=resource, context=context or {})
    return _decide(
        statements,
        request,
        identity=True,
        context_known=context is not None,
        incomplete=incomplete,
    )


# ---------------------------------------------------------------------------
# Public access
# ---------------------------------------------------------------------------


def _is_public_principal(statement: Statement) -> Tri:
    if statement.not_principals is not None:
        return True  # Allow + NotPrincipal: everyone but the few listed
    if statement.principals is None:
        return None
    return _or(
        True if (p.kind == "*" or (p.kind.upper() == "AWS" and p.value == "*")) else False
        for p in statement.principals
    )


def _limits_callers(condition: Condition) -> bool:
    qualifier, base, if_exists = split_operator(condition.operator)
    if if_exists or qualifier == "forallvalues":
        return False
    if condition.key.lower() not in LIMITING_CONDITION_KEYS:
        return False
    if base == "ipaddress":
        return all(v not in ("0.0.0.0/0", "::/0") for v in condition.values) and bool(condition.values)
    if base not in _POSITIVE_STRING_OPS:
        return False
    return bool(condition.values) and all(v.strip("*?") for v in condition.values)


def allows_public_access(document: PolicyDocument) -> tuple[Tri, tuple[Statement, ...]]:
    """Whether some Allow grants ``*`` (or uses NotPrincipal) without a limiting condition."""
    sure: list[Statement] = []
    maybe: list[Statement] = []
    for st in document.statements:
        if st.effect.strip().lower() != "allow":
            if st.effect.strip().lower() != "deny":
                maybe.append(st)
            continue
        public = _is_public_principal(st)
        if public is False:
            continue
        limited = any(_limits_callers(c) for c in st.conditions)
        if limited:
            continue
        if public is True and not st.unknown:
            sure.append(st)
        else:
            maybe.append(st)
    if sure:
        return True, tuple(sure)
    if maybe or document.unknown:
        return None, tuple(maybe)
    return False, ()
