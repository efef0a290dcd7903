"""Find what to scan: Terraform root modules, Terraform plans and CloudFormation templates.

Discovery decides *which* files are ours and which of them are units of their own, never
whether they are compliant. The steps, one module each:

- ``walk``: the file system, classified by name, with ``--exclude``, ``exclude`` in the
  config and ``.gitignore`` applied (for finding roots and templates only: a module or
  nested template that a unit loads is loaded whatever the ignores say, and so are
  tfvars and paths given explicitly);
- ``calls``: which directories a module calls and which templates nest which, read from
  parsed structure (the Terraform outline, the decoded template);
- ``plans``: which JSON files are ``terraform show -json`` output. A plan (or state) in a
  root module's directory was made from that root and is read in its place, so nothing
  is counted twice; an excluded or ignored plan is simply not there, and its root is
  read from its ``.tf`` files;
- ``graph``: the units, so that every file is loaded and, where the graph allows it,
  loaded once (a cycle gets an entry point and its loader reports the cycle).

Given changed files (``--changed-files``, the pre-commit hook), discovery walks the whole
repository around them and keeps the units that load one of them: a staged file in a
local module is checked through every root that calls it, with the caller's values. A
plan is read there only when it is one of the changed files: a root whose ``.tf`` files
changed and whose plan did not is checked from the files, since the plan predates them.
Every limit hit and every file that could not be looked at is a problem (CT901), never a
silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path

from scanner.discovery.calls import follow_nesting, nested_targets, terraform_calls
from scanner.discovery.graph import ancestors, entry_points
from scanner.discovery.ignore import IgnoreFile, Rules, parse_lines
from scanner.discovery.plans import looks_like_plan
from scanner.discovery.walk import (
    CONTENT_KINDS,
    SKIP_DIRS,
    TEMPLATE_SUFFIXES,
    TERRAFORM,
    TERRAFORM_SUFFIXES,
    TERRAGRUNT,
    TFVARS,
    Walker,
    ancestor_gitignores,
    classify_name,
    work_tree_root,
)
from scanner.limits import Limits
from scanner.model import ParseProblem
from scanner.parsers.common import too_large
from scanner.valueclass import ValueObject, value_class

__all__ = [
    "SKIP_DIRS",
    "TEMPLATE_SUFFIXES",
    "TERRAFORM_SUFFIXES",
    "Discovery",
    "Ignores",
    "discover",
    "looks_like_plan",
    "search_root",
]


@value_class(frozen=False)
class Discovery(ValueObject):
    """What a search of the scanned paths found: the units to load and the files that are not."""

    terraform_dirs: list[Path] = field(default_factory=list)
    templates: list[Path] = field(default_factory=list)
    # Terraform plan / state JSON (``terraform show -json``); a plan in a root module's
    # directory replaces that root (it was made from it): the root is not in terraform_dirs.
    plans: list[Path] = field(default_factory=list)
    # Files looked at that are not infrastructure code we read (POSIX, relative to root).
    not_ours: list[str] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


@value_class(kw_only=True)
class Ignores(ValueObject):
    """What the walk leaves out when it looks for roots and templates."""

    # --exclude: gitignore-style, relative to the scan root.
    exclude: tuple[str, ...] = ()
    # ``exclude`` in the configuration: relative to the configuration file's directory.
    config_exclude: tuple[str, ...] = ()
    config_dir: Path | None = None
    # Honour .gitignore files (and .git/info/exclude); --no-gitignore turns it off.
    gitignore: bool = True
    # trailscan's own directories (the cache between runs): never walked, wherever they
    # are. A cache inside the scanned tree holds JSON files the walk would read as
    # candidate plans and templates, and more of them after every run.
    own_dirs: tuple[Path, ...] = ()


def _user_patterns(patterns: Sequence[str], base: Path | str, source: str) -> tuple[IgnoreFile, ...]:
    lines = [p.strip().removeprefix("./") for p in patterns if p.strip()]
    parsed = parse_lines(lines)
    return (IgnoreFile(os.path.realpath(base), parsed, source),) if parsed else ()


def _exclude_rules(ignores: Ignores, root: str) -> Rules:
    excludes = _user_patterns(ignores.exclude, root, "--exclude")
    if ignores.config_exclude:
        excludes += _user_patterns(ignores.config_exclude, ignores.config_dir or root, "config exclude")
    return Rules(excludes=excludes)


def _default_sniff(text: str) -> bool:
    from scanner.parsers.cloudformation import looks_like_template

    return looks_like_template(text)


def _classify_candidates(
    walker: Walker,
    candidates: dict[str, int],
    limits: Limits,
    sniff: Callable[[str], bool],
    result: Discovery,
) -> tuple[list[str], dict[str, set[str]], list[str]]:
    """Read each YAML/JSON candidate once: is it a Terraform plan (a JSON name only), a
    template, and which local templates does it nest? This is the one place that decides
    by content. Returns the templates, their nesting edges and the plans."""
    from scanner.parsers.cloudformation import may_nest_stacks

    templates: list[str] = []
    plans: list[str] = []
    edges: dict[str, set[str]] = {}
    for real in sorted(candidates):
        size = candidates[real]
        where = walker.rel(real)
        if size > limits.max_file_bytes:
            # Too large to read, so nobody can tell it is not a template: say so.
            walker.problem(where, too_large(size, limits.max_file_bytes))
            continue
        try:
            with open(real, "rb") as fh:
                raw = fh.read(limits.max_file_bytes + 1)
        except OSError as exc:
            walker.problem(where, f"cannot be read: {exc.strerror or exc}")
            continue
        if len(raw) > limits.max_file_bytes:  # it grew since the walk
            walker.problem(where, too_large(len(raw), limits.max_file_bytes))
            continue
        text = raw.decode("utf-8", errors="replace")
        if real in walker.found.plan_candidates and looks_like_plan(text):
            plans.append(real)
        elif sniff(text):
            templates.append(real)
            edges[real] = nested_targets(real, text, limits, walker.inside) if may_nest_stacks(text) else set()
        else:
            result.not_ours.append(where)
    return templates, edges, plans


def discover(
    paths: Sequence[Path],
    root: Path,
    limits: Limits,
    sniff: Callable[[str], bool] | None = None,
    *,
    ignores: Ignores | None = None,
    changed: Sequence[Path] | None = None,
) -> Discovery:
    """Walk ``paths`` and decide the units.

    ``sniff(text) -> bool`` tells whether a YAML/JSON text looks like a CloudFormation
    template (default: the CloudFormation front end's). With ``changed`` (files), the
    ``paths`` are the repository to search and only the units that load a changed file
    are kept.
    """
    ignores = ignores or Ignores()
    walker = Walker(root, limits.max_file_bytes, ignores.gitignore,
                    own_dirs=frozenset(os.path.realpath(d) for d in ignores.own_dirs))
    base_rules = _exclude_rules(ignores, walker.root)
    for given in paths:
        if not os.path.lexists(given):
            walker.problem(given.as_posix(), "path does not exist")
        elif given.is_dir():
            rules = base_rules
            if ignores.gitignore:
                inherited = ancestor_gitignores(walker, os.path.realpath(given))
                rules = Rules(base_rules.excludes, inherited.gitignores)
            walker.walk(given, rules)
        else:
            walker.add_explicit(given)
    found = walker.found
    result = Discovery(not_ours=found.not_ours, problems=found.problems)

    tf_targets: set[str] | None = None
    template_targets: set[str] | None = None
    if changed is not None:
        tf_targets, template_targets = set(), set()
        for path in changed:
            real = os.path.realpath(path)
            kind = classify_name(path.name)
            if kind in (TERRAFORM, TFVARS, TERRAGRUNT):
                tf_targets.add(os.path.dirname(real))
            elif kind in CONTENT_KINDS:
                template_targets.add(real)

    if found.terraform_dirs and tf_targets != set():
        calls = terraform_calls(found.terraform_dirs, limits, walker.inside, found.terraform_files,
                                root=walker.root, has_terragrunt=found.has_terragrunt)
        roots = entry_points(calls, found.terraform_dirs)
        if tf_targets is not None:
            wanted = ancestors(calls, tf_targets)
            roots = [r for r in roots if r in wanted]
        result.terraform_dirs = [Path(r) for r in roots]

    if found.candidates and template_targets != set():
        sniff = sniff or _default_sniff
        templates, edges, plans = _classify_candidates(walker, found.candidates, limits, sniff, result)
        follow_nesting(edges, limits, walker.inside)
        roots = entry_points(edges, templates)
        if template_targets is not None:
            wanted = ancestors(edges, template_targets)
            roots = [r for r in roots if r in wanted]
            plans = [p for p in plans if p in template_targets]
        result.templates = [Path(t) for t in roots]
        result.plans = [Path(p) for p in plans]
        _replace_roots(result, plans)

    if changed is not None:
        _keep_changed(walker, result, changed)
    result.not_ours = sorted(set(result.not_ours))
    result.problems.sort(key=lambda p: (p.span.path, p.span.line, p.message))
    return result


def _replace_roots(result: Discovery, plans: Sequence[str]) -> None:
    """A plan in a root module's directory was made from that root: the plan is read in
    its place, so nothing is counted twice (its findings still point at the .tf files)."""
    made_from = {os.path.dirname(p) for p in plans}
    result.terraform_dirs = [d for d in result.terraform_dirs if str(d) not in made_from]


def _keep_changed(walker: Walker, result: Discovery, changed: Sequence[Path]) -> None:
    """In changed-files mode only the changed files are reported on: the rest of the
    repository was read to find their units, not to be judged."""
    mine = {walker.rel(os.path.realpath(p)) for p in changed}
    ours = {walker.rel(os.path.realpath(p)) for p in changed if classify_name(p.name) is not None}
    result.not_ours = [p for p in result.not_ours if p in mine] + sorted(mine - ours)
    result.problems = [p for p in result.problems if p.span.path in mine]


def search_root(files: Sequence[Path], config_source: str = "") -> Path:
    """Where to look for the units that load ``files``: the git work tree that holds
    them (found without running git), else the configuration file's directory, else
    their common directory."""
    dirs = [os.path.realpath(f) if f.is_dir() else os.path.dirname(os.path.realpath(f)) for f in files]
    common = os.path.commonpath(dirs) if dirs else os.path.realpath(".")
    top = work_tree_root(common)
    if top is not None:
        return Path(top)
    if config_source:
        config_dir = os.path.dirname(os.path.realpath(config_source))
        if common == config_dir or common.startswith(config_dir.rstrip(os.sep) + os.sep):
            return Path(config_dir)
    return Path(common)
