"""JUnit XML (``--format junit``) for CI test-report widgets (GitLab, Jenkins, Azure).

One ``<testsuite>`` per policy and one ``<testcase>`` per evaluation (policy x subject),
so the widget shows what passed as well as what failed — a scan that checked nothing
must not look like a green one. Undecidable (unknown), not-applicable and suppressed
evaluations are ``<skipped>`` with the reason. Findings that belong to no evaluation
(parse errors, internal errors, suppression hygiene, cfn-lint) go to a final
``trailscan`` suite; parse and internal errors are ``<error>``: the file or policy was
not checked at all, which is different from a check that failed.

No timestamps, host names or durations: identical scans give identical bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from scanner.model import ERROR_IDS
from scanner.reporters import RenderOptions
from scanner.reporters.common import has_file, spec_index
from scanner.results import Evaluation, Finding, ScanResult, Status

ENGINE_SUITE = "trailscan"
# Characters XML 1.0 cannot carry at all (even escaped); a message quoting a binary file
# must not make the whole report unreadable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _location(finding: Finding) -> str:
    span = finding.span
    return f"{span.path}:{span.line}:{span.column}" if has_file(span) else "(no file)"


def _subject(policy: str, account: str, subject: str) -> str:
    scope = f"[{account}] " if account != "default" else ""
    return f"{policy} {scope}{subject}"


def _detail(finding: Finding) -> str:
    lines = [
        f"{_location(finding)}: {finding.id} [{finding.severity.name}] {finding.message}",
        f"resource: {finding.resource}",
    ]
    if finding.account != "default":
        lines.append(f"account: {finding.account}")
    lines += [f"related: {r.label} {r.ref} at {r.span.path}:{r.span.line}" for r in finding.related]
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    return "\n".join(lines) + "\n"


def _outcome(case: ET.Element, finding: Finding | None, evaluation: Evaluation | None) -> str:
    """Attach the child element that says how the case went; returns the count bucket."""
    if finding is not None and finding.suppressed:
        ET.SubElement(case, "skipped", message=f"suppressed ({finding.suppression_text or 'yes'})")
        return "skipped"
    if finding is not None:
        tag = "error" if finding.id in ERROR_IDS else "failure"
        node = ET.SubElement(case, tag, message=finding.message, type=finding.severity.name)
        node.text = _detail(finding)
        return "errors" if tag == "error" else "failures"
    assert evaluation is not None
    status = evaluation.status
    if status is Status.PASS:
        return "passed"
    if status is Status.UNKNOWN:
        message = f"unknown: {evaluation.reason}" if evaluation.reason else "unknown"
    elif status is Status.NOT_APPLICABLE:
        message = "not applicable: nothing in scope for this policy"
    elif status is Status.FAIL:
        # A failing evaluation whose finding was removed (baseline) or suppressed.
        message = "suppressed"
    else:
        word = status.value
        message = f"{word}: {evaluation.reason}" if evaluation.reason else word
    ET.SubElement(case, "skipped", message=message)
    return "skipped"


def _match(
    evaluation: Evaluation, pool: dict[tuple[str, str, str], list[Finding]]
) -> Finding | None:
    """The finding an evaluation produced (the same span first, then any for the subject)."""
    candidates = pool.get((evaluation.policy, evaluation.account, evaluation.subject), [])
    for i, f in enumerate(candidates):
        if evaluation.span is not None and f.span == evaluation.span:
            return candidates.pop(i)
    if evaluation.status in (Status.FAIL, Status.SUPPRESSED) and candidates:
        return candidates.pop(0)
    return None


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=name)


def _close(suite: ET.Element, counts: dict[str, int]) -> None:
    total = sum(counts.values())
    suite.set("tests", str(total))
    for key in ("failures", "errors", "skipped"):
        suite.set(key, str(counts.get(key, 0)))


def build_tree(result: ScanResult, options: RenderOptions) -> ET.Element:
    specs = spec_index(result)
    pool: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        pool[(f.id, f.account, f.resource)].append(f)

    root = ET.Element("testsuites", name="trailscan")
    totals: dict[str, int] = defaultdict(int)
    by_policy: dict[str, list[Evaluation]] = defaultdict(list)
    for e in result.evaluations:
        by_policy[e.policy].append(e)

    for pid in sorted(by_policy):
        spec = specs.get(pid)
        suite = _suite(root, f"{pid} {spec.name}" if spec else pid)
        counts: dict[str, int] = defaultdict(int)
        for e in by_policy[pid]:
            case = ET.SubElement(
                suite,
                "testcase",
                name=_subject(pid, e.account, e.subject),
                classname=f"trailscan.{pid}",
            )
            if e.span is not None and has_file(e.span):
                case.set("file", e.span.path)
                case.set("line", str(e.span.line))
            counts[_outcome(case, _match(e, pool), e)] += 1
        _close(suite, counts)
        for k, v in counts.items():
            totals[k] += v

    leftovers = sorted(
        (
            f
            for group in pool.values()
            for f in group
            if options.show_suppressed or not f.suppressed
        ),
        key=Finding.sort_key,
    )
    if leftovers:
        suite = _suite(root, ENGINE_SUITE)
        counts = defaultdict(int)
        for f in leftovers:
            case = ET.SubElement(
                suite,
                "testcase",
                name=_subject(f.id, f.account, f.resource),
                classname=f"trailscan.{f.id}",
            )
            if has_file(f.span):
                case.set("file", f.span.path)
                case.set("line", str(f.span.line))
            counts[_outcome(case, f, None)] += 1
        _close(suite, counts)
        for k, v in counts.items():
            totals[k] += v
    _close(root, totals)
    return root


def _sanitise(element: ET.Element) -> None:
    for node in element.iter():
        for key, value in node.attrib.items():
            node.set(key, _clean(value))
        if node.text:
            node.text = _clean(node.text)


def render(result: ScanResult, options: RenderOptions) -> str:
    tree = build_tree(result, options)
    _sanitise(tree)
    ET.indent(tree, space="  ")
    body = ET.tostring(tree, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
