"""SARIF 2.1.0 (``--format sarif``), built to what GitHub code scanning actually uses.

GitHub ignores most of SARIF but rejects or mis-files results on a few details (see the
project's ecosystem notes): repository-relative URIs, lines >= 1, a string
``security-severity`` with the ``security`` tag, no empty ``helpUri``, stable rule ids and a
``primaryLocationLineHash`` per result. Suppressed results are left out unless asked for,
because GitHub ignores ``suppressions`` and would open alerts for them.

Nothing machine-dependent goes into the file (no absolute paths, no times), so two runs
over the same tree give identical bytes and a SARIF diff in review means a real change.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from scanner.digest import sha256
from scanner.model import ERROR_IDS, INTERNAL_ERROR, Severity, Span
from scanner.policy import PolicySpec
from scanner.reporters import RenderOptions
from scanner.reporters.common import (
    SourceFiles,
    has_file,
    message_with_resource,
    spec_index,
    visible_findings,
)
from scanner.reporters.jsontext import indented_json
from scanner.results import Finding, ScanResult

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/trailscan/trailscan"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "trailscan/v1"
MAX_DESCRIPTION = 1024
MAX_TAGS = 20

LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# GitHub buckets: Critical > 9.0, High 7.0-8.9, Medium 4.0-6.9, Low 0.1-3.9.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _slug(text: str) -> str:
    return "-".join(text.lower().replace("/", " ").split())


def _rule_from_spec(spec: PolicySpec) -> dict[str, Any]:
    tags = ["security", "cloudtrail", "iac"]
    tags += [f"{_slug(framework)}/{control}" for framework, control in spec.controls]
    tags += list(spec.aliases)
    engine_id = spec.func is None
    return {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": _clip(spec.title)},
        "fullDescription": {"text": _clip(spec.why or spec.title)},
        "help": {
            "text": f"{spec.title}\n\n{spec.doc.strip()}".strip(),
            "markdown": spec.help_markdown,
        },
        "defaultConfiguration": {"level": LEVEL[spec.severity]},
        "properties": {
            "tags": tags[:MAX_TAGS],
            # Policies decide only on what is statically known (UNKNOWN never fails), so
            # their findings are proofs; the engine's own diagnostics are merely reliable.
            "precision": "high" if engine_id else "very-high",
            "security-severity": SECURITY_SEVERITY[spec.severity],
        },
    }


def _rule_from_finding(finding: Finding) -> dict[str, Any]:
    """A rule for an id that no policy owns (cfn-lint's E3002 under ``--cfn-lint``)."""
    text = finding.title or finding.id
    return {
        "id": finding.id,
        "name": finding.name or finding.id,
        "shortDescription": {"text": _clip(text)},
        "fullDescription": {"text": _clip(text)},
        "help": {
            "text": finding.fix or text,
            "markdown": f"# {finding.id} {text}\n\n{finding.fix or text}\n",
        },
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {
            "tags": ["security", "cloudformation", _slug(finding.name or "external")],
            "precision": "high",
            "security-severity": SECURITY_SEVERITY[finding.severity],
        },
    }


def build_rules(result: ScanResult, findings: list[Finding]) -> list[dict[str, Any]]:
    """Every enabled policy, the engine ids and any foreign id that a finding uses, by id.

    Listing rules that did not fire lets GitHub close alerts for them and tells a reader
    what was checked."""
    specs = spec_index(result)
    rules = {pid: _rule_from_spec(spec) for pid, spec in specs.items()}
    for f in findings:
        if f.id not in rules:
            rules[f.id] = _rule_from_finding(f)
    return [rules[k] for k in sorted(rules)]


def artifact_uri(path: str) -> str:
    """Repository-relative, ``/``-separated, percent-encoded (RFC 3986 path segments)."""
    return quote(path, safe="/-._~!$&'()*+,;=:@")


def _region(span: Span, sources: SourceFiles) -> dict[str, int]:
    end_line = max(span.end_line, span.line)
    end_column = span.end_column
    if end_line == span.line and end_column <= span.column:
        # A point span: underline to the end of the line's text so the annotation shows
        # something (SARIF end columns are exclusive).
        text = sources.line(span.path, span.line)
        end_column = max(len(text.rstrip()) + 1, span.column + 1) if text else span.column + 1
    return {
        "startLine": max(span.line, 1),
        "startColumn": max(span.column, 1),
        "endLine": end_line,
        "endColumn": max(end_column, 1),
    }


def _physical(span: Span, sources: SourceFiles) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": artifact_uri(span.path), "uriBaseId": SRCROOT},
        "region": _region(span, sources),
    }


def line_hash(sources: SourceFiles, path: str, line: int) -> str | None:
    """``<hash>:<n>``: hash of the line's text without whitespace, and which occurrence
    of that text (counted from the top of the file) it is, like GitHub's upload-sarif.

    It survives edits elsewhere in the file (lines moving) but changes when the offending
    line itself changes, which is what GitHub's alert tracking expects."""
    lines = sources.lines(path)
    if lines is None or not 1 <= line <= len(lines):
        return None

    def key(text: str) -> str:
        return "".join(text.split())

    wanted = key(lines[line - 1])
    occurrence = sum(1 for text in lines[:line] if key(text) == wanted)
    digest = sha256(wanted.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{digest}:{occurrence}"


def _link_text(text: str) -> str:
    """SARIF embedded links are ``[text](id)``; brackets inside the text (``this[0]``)
    must be escaped or the link breaks."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _message(finding: Finding) -> str:
    """The finding's own message first (GitHub may show only the first sentence), then
    links to the related resources."""
    text = message_with_resource(finding)
    links = [
        f"[{_link_text(f'{r.label} {r.ref}')}]({index})"
        for index, r in enumerate(finding.related, start=1)
    ]
    if links:
        stop = "" if text.endswith(".") else "."
        text = f"{text}{stop} Related: {', '.join(links)}."
    return text


def _suppression(finding: Finding) -> dict[str, Any]:
    """A baseline or config entry lives outside the source, everything else in it; the
    justification is the reason given (else how it was suppressed)."""
    waiver = finding.suppression
    external = waiver is not None and waiver.external
    justification = (waiver.reason or waiver.text) if waiver is not None else "suppressed"
    return {
        "kind": "external" if external else "inSource",
        "status": "accepted",
        "justification": justification,
    }


def anchor(finding: Finding, result: ScanResult) -> Span | None:
    """Where GitHub should show the result. An account-level finding without a file
    (``.``) is anchored on the first scanned file: code scanning rejects a result that has
    no artifact location, and the message names the account anyway."""
    if has_file(finding.span):
        return finding.span
    if result.files.scanned:
        return Span(path=result.files.scanned[0])
    return None


def build_result(
    finding: Finding, rule_index: int, sources: SourceFiles, span: Span | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": _message(finding)},
    }
    location: dict[str, Any] = {}
    if span is not None:
        location["physicalLocation"] = _physical(span, sources)
    location["logicalLocations"] = [{"fullyQualifiedName": finding.resource, "kind": "resource"}]
    result["locations"] = [location]
    related = []
    for index, rel in enumerate(finding.related, start=1):
        item: dict[str, Any] = {
            "id": index,
            "message": {"text": f"{rel.label} {rel.ref}"},
        }
        if has_file(rel.span):
            item["physicalLocation"] = _physical(rel.span, sources)
        related.append(item)
    if related:
        result["relatedLocations"] = related
    fingerprints = {FINGERPRINT_KEY: finding.fingerprint}
    result["partialFingerprints"] = fingerprints
    if span is not None:
        hashed = line_hash(sources, span.path, span.line)
        if hashed is not None:
            fingerprints["primaryLocationLineHash"] = hashed
    result["properties"] = {
        "severity": finding.severity.name,
        "resource": finding.resource,
        "account": finding.account,
    }
    if finding.suppressed:
        result["suppressions"] = [_suppression(finding)]
    return result


def _notifications(findings: list[Finding], sources: SourceFiles) -> list[dict[str, Any]]:
    """Parse errors and policy crashes also go to the tool's health report (GitHub's tool
    status page), not only to the alert list."""
    out = []
    for f in findings:
        if f.id not in ERROR_IDS:
            continue
        note: dict[str, Any] = {
            "descriptor": {"id": f.id},
            "level": "error",
            "message": {"text": f.message or f.title},
        }
        if has_file(f.span):
            note["locations"] = [{"physicalLocation": _physical(f.span, sources)}]
        out.append(note)
    return out


def report_dict(result: ScanResult, options: RenderOptions) -> dict[str, Any]:
    findings = visible_findings(result, options.show_suppressed)
    sources = SourceFiles.of(result)
    rules = build_rules(result, findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    driver = {
        "name": "trailscan",
        "semanticVersion": result.version,
        "version": result.version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    crashed = any(f.id == INTERNAL_ERROR for f in result.findings)
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The scan root (the repository checkout when run from its top "
                    "directory); every artifact URI is relative to it."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not crashed,
                "toolExecutionNotifications": _notifications(result.findings, sources),
            }
        ],
        "results": [build_result(f, index[f.id], sources, anchor(f, result)) for f in findings],
    }
    if options.sarif_category:
        category = options.sarif_category
        run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: ScanResult, options: RenderOptions) -> str:
    return indented_json(report_dict(result, options), ensure_ascii=False) + "\n"
