"""The CIS monitoring items (CT401-CT415): are these CloudTrail events watched?

One matcher for fifteen policies: each policy module declares its title and its event set
(sample CloudTrail records, from ``scanner.analysis.cloudtrail_events``) and calls
``monitor`` with them.

An event is *watched* when either

* a trail that is logging and records it (management events, the event's read/write
  kind, its source not excluded) sends it to a CloudWatch Logs group in scope, a metric
  filter on that group matches it, and the filter's metric (name + namespace) has an
  alarm with at least one action (``actions_enabled`` not false); or
* an enabled EventBridge rule with at least one target matches it (as EventBridge wraps
  the record) and some logging trail records it -- EventBridge only receives "AWS API
  Call via CloudTrail" events when a trail does.

The item is satisfied when, for one trail, every required event is watched; several
filters (and rules) may share the work. Everything is three-valued: a filter pattern that
cannot be decided, a filter whose log group is unresolved, an alarm whose only action is
an SNS topic without a subscription in scope (CIS requires a subscriber, which may be
confirmed outside the code) all make an event *maybe* watched, which gives ``Unknown``
rather than a pass or a failure. A pattern that does not parse matches nothing
(CloudWatch Logs rejects it) and is named in the message, never guessed at.

Verdicts (one per account): ``Pass`` for the first trail (model order) that watches
everything; otherwise the trail closest to it (fewest missing, then fewest undecided
events) gives ``Fail`` listing the events nothing matches, or ``Unknown``. No trail at all
gives nothing (CT003's job). No trail sending to CloudWatch Logs and no rule covering the
events gives ``Fail`` at the first trail's ``cloud_watch_logs_group_arn``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from scanner.analysis import cloudtrail_events, links, trails
from scanner.analysis.event_pattern import as_eventbridge_event, event_rule_matches
from scanner.model import Alarm, Attr, EventRule, LogGroup, MetricFilter, Model, Origin, Span, Trail
from scanner.policy import Fail, Outcome, Pass, Related, judge
from scanner.tri import Tri, all_of, any_of
from scanner.valueclass import ValueObject, value_class

if TYPE_CHECKING:
    from scanner.analysis.filter_pattern import FilterPatternError, Node

# ``filter_pattern`` (and its regular-expression engine) is imported by the functions that
# read a metric filter's pattern: a scan with no metric filter never loads it.

Event = Mapping[str, Any]

MAX_LISTED = 20  # events named in one message before "and N more"
MAX_NOTES = 10  # notes in one message before "and N more"


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def parsed_pattern(text: str) -> Node | FilterPatternError:
    """Parse once per distinct pattern text (15 policies ask about the same filters)."""
    from scanner.analysis.filter_pattern import FilterPatternError, parse

    try:
        return parse(text)
    except FilterPatternError as exc:
        return exc


def trail_records(trail: Trail, event: Event) -> Tri:
    """Whether the trail delivers this management event at all."""
    coverage = trails.management_coverage(trail)
    kind = coverage.read if event.get("readOnly") is True else coverage.write
    source = str(event.get("eventSource", ""))
    not_excluded = source not in coverage.excluded
    return all_of((trails.is_logging(trail), kind, not_excluded))


@value_class(frozen=False)
class Notes(ValueObject):
    """Why something that looks like monitoring does not count; kept in first-seen order,
    each once."""

    items: dict[str, None] = field(default_factory=dict)

    def add(self, text: str) -> None:
        self.items.setdefault(text, None)

    def extend(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add(text)

    def listing(self) -> str:
        """The notes for a message: the first few, then how many more."""
        texts = list(self.items)
        shown = texts[:MAX_NOTES]
        more = len(texts) - len(shown)
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


# What does not depend on the events asked about is decided once per model and shared by
# the fifteen policies (``Model.cache``).


def _memo(model: Model, name: str) -> dict[Any, Any]:
    table = model.cache.get(name)
    if not isinstance(table, dict):
        table = {}
        model.cache[name] = table
    return table


def _action_ok(model: Model, alarm: Alarm) -> tuple[Tri, tuple[str, ...]]:
    """Whether the alarm notifies someone when it fires, and the notes that explain a no."""
    table = _memo(model, "monitoring.actions")
    if alarm.key not in table:
        notes = Notes()
        table[alarm.key] = (_decide_action(model, alarm, notes), tuple(notes.items))
    return table[alarm.key]  # type: ignore[no-any-return]


def _decide_action(model: Model, alarm: Alarm, notes: Notes) -> Tri:
    if alarm.actions_enabled.is_false():
        notes.add(f"alarm {alarm.subject} has {alarm.actions_enabled.name} = false")
        return False
    if alarm.actions.origin is Origin.UNKNOWN:
        notes.add(f"the actions of alarm {alarm.subject} cannot be resolved ({alarm.actions.why()})")
        return None
    if not alarm.actions.value:
        notes.add(f"alarm {alarm.subject} has no alarm actions")
        return False
    results: list[Tri] = []
    for link in links.topics_of_alarm(model, alarm):
        if link.record is None:
            # an ARN outside the scan (SNS in another account, an SSM / Lambda action)
            results.append(None if link.status is links.LinkStatus.UNKNOWN else True)
        elif link.record.subscriptions:
            results.append(True)
        else:
            notes.add(
                f"SNS topic {link.record.subject} (alarm {alarm.subject}) has no subscription "
                "in the scanned code (CIS requires a subscriber)"
            )
            results.append(None)
    return all_of((alarm.actions_enabled.truth() is not False, any_of(results)))


def _unresolved(*attrs: Attr[Any]) -> str:
    """Why the first of ``attrs`` that cannot be resolved cannot be (for a note)."""
    return next((attr.why() for attr in attrs if not attr.known), "unresolved")


def _alarm_ok(model: Model, metric_filter: MetricFilter) -> tuple[Tri, tuple[str, ...]]:
    """Whether the filter's metric has an alarm with an action (and the notes)."""
    if not (metric_filter.metric_name.known and metric_filter.metric_namespace.known):
        why = _unresolved(metric_filter.metric_name, metric_filter.metric_namespace)
        return None, (f"the metric of filter {metric_filter.subject} cannot be resolved ({why}), "
                      "so whether an alarm watches it cannot be told",)
    namespace = str(metric_filter.metric_namespace.value)
    name = str(metric_filter.metric_name.value)
    table = _memo(model, "monitoring.metrics")
    if (name, namespace) not in table:
        # A metric is the account's, whichever unit's filter or alarm names it: decided
        # once per metric, however many filters feed it.
        table[(name, namespace)] = _decide_metric(model, metric_filter)
    ok, notes, alarmed = table[(name, namespace)]
    if alarmed:
        return ok, notes
    missing = f"metric {namespace}/{name} of filter {metric_filter.subject} has no alarm"
    return ok, (*notes, missing)


def _decide_metric(model: Model, metric_filter: MetricFilter) -> tuple[Tri, tuple[str, ...], bool]:
    notes = Notes()
    alarms = links.alarms_for(model, metric_filter)
    results: list[Tri] = []
    for alarm in alarms:
        ok, texts = _action_ok(model, alarm)
        results.append(ok)
        notes.extend(texts)
    undecided = links.alarms_undecided(model)
    if undecided:
        results.append(None)  # an alarm whose metric cannot be resolved may be on this one
        if not alarms or not any(r is True for r in results):
            first = undecided[0]
            why = _unresolved(first.metric_name, first.namespace)
            others = f" and {len(undecided) - 1} other alarms" if len(undecided) > 1 else ""
            notes.add(f"the metric of alarm {first.subject}{others} cannot be resolved ({why}): "
                      "it may be this one")
    return any_of(results), tuple(notes.items), bool(alarms)


def _filter_matcher(model: Model, metric_filter: MetricFilter) -> tuple[Any, str]:
    """``event -> Tri`` for the filter's pattern (a broken pattern matches nothing), and
    the note that says it does not parse."""
    pattern = metric_filter.pattern
    if pattern.origin is Origin.UNKNOWN:
        return (lambda event: None), ""
    from scanner.analysis.filter_pattern import FilterPatternError, matches

    node = parsed_pattern(str(pattern.value or ""))
    if isinstance(node, FilterPatternError):
        note = f"pattern of filter {metric_filter.subject} does not parse: {node}"
        return (lambda event: False), note
    return (lambda event: matches(node, event)), ""


def _rule_usable(rule: EventRule, notes: Notes) -> Tri:
    if rule.enabled.is_false():
        notes.add(f"EventBridge rule {rule.subject} is disabled")
        return False
    if not rule.targets:
        notes.add(f"EventBridge rule {rule.subject} has no target")
        return False
    return rule.enabled.truth()


# ---------------------------------------------------------------------------
# Coverage per trail
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class Coverage(ValueObject):
    """How one trail (and the account's rules) watch each required event."""

    trail: Trail
    group: LogGroup | None
    span: Span
    subject: str
    results: list[Tri]
    # where the notes come from (shared, never copied per trail): rules, the group's
    # filters, the trail itself
    note_parts: tuple[Iterable[str], ...]
    reason: str = ""  # why the group cannot be followed

    @property
    def notes(self) -> Notes:
        notes = Notes()
        for part in self.note_parts:
            notes.extend(part)
        return notes

    def labels(self, events: Sequence[Event], value: Tri) -> list[str]:
        out: dict[str, None] = {}
        for event, result in zip(events, self.results, strict=True):
            if result is value:
                out.setdefault(cloudtrail_events.event_label(event), None)
        return list(out)

    def rank(self) -> tuple[int, int]:
        return (sum(r is False for r in self.results), sum(r is None for r in self.results))


def _rule_coverage(model: Model, events: Sequence[Event], notes: Notes) -> tuple[list[Tri], list[EventRule]]:
    """Per event: some usable rule matches it (recording by a trail checked separately)."""
    per_event: list[Tri] = [False] * len(events)
    used: list[EventRule] = []
    wrapped = [as_eventbridge_event(e) for e in events]
    for rule in model.event_rules:
        if rule.pattern.origin is Origin.UNKNOWN:
            hits: list[Tri] = [None] * len(events)
        elif not isinstance(rule.pattern.value, dict):
            continue
        else:
            hits = [event_rule_matches(rule.pattern.value, w) for w in wrapped]
        if not any(h is not False for h in hits):
            continue
        if rule.pattern.known and rule.pattern.reason and None in hits:
            notes.add(f"EventBridge rule {rule.subject} has unresolved pattern values "
                      f"({rule.pattern.reason})")
        usable = _rule_usable(rule, notes)
        contributed = False
        for i, hit in enumerate(hits):
            value = all_of((usable, hit))
            per_event[i] = any_of((per_event[i], value))
            contributed = contributed or value is True
        if contributed:
            used.append(rule)
    return per_event, used


@value_class(frozen=False)
class _Watch(ValueObject):
    """Per event, whether some filters (with their alarms) watch it, and their notes."""

    per_event: list[Tri]
    notes: tuple[str, ...]


class _Filters:
    """The filters' answers for one item's events, each filter asked once.

    Filters are grouped the way they reach a log group -- by reference to it, by its name
    (shared by every group of that name), or unplaced (maybe on any group) -- so the work
    per trail is one pass over the events, whatever the number of trails and filters.
    """

    def __init__(self, model: Model, events: Sequence[Event]) -> None:
        self.model = model
        self.events = events
        self._by_name: dict[str, _Watch] = {}
        self._by_group: dict[tuple[str, str], _Watch] = {}
        self._unplaced: _Watch | None = None

    def watch(self, filters: Iterable[MetricFilter], placed: Tri) -> _Watch:
        per_event: list[Tri] = [False] * len(self.events)
        notes = Notes()
        for metric_filter in filters:
            matcher, broken = _filter_matcher(self.model, metric_filter)
            hits = [matcher(e) for e in self.events]
            relevant = any(h is not False for h in hits)
            local: list[str] = [broken] if broken else []
            if relevant:
                alarm, texts = _alarm_ok(self.model, metric_filter)
                local.extend(texts)
                for i, hit in enumerate(hits):
                    per_event[i] = any_of((per_event[i], all_of((placed, hit, alarm))))
            # Notes about filters that watch nothing of this item are noise, except a
            # pattern that does not parse: it may have been meant for this item.
            if relevant or (broken and placed is True):
                notes.extend(local)
        return _Watch(per_event, tuple(notes.items))

    def on_group(self, group: LogGroup) -> list[_Watch]:
        index = links.indexes(self.model)
        if group.key not in self._by_group:
            self._by_group[group.key] = self.watch(index.filters_by_group.get(group.key, ()), True)
        parts = [self._by_group[group.key]]
        for name in (str(group.name.value),) if group.name.known and group.name.value else ():
            key = links.name_key(name, group.unit)
            label = "\0".join(key)
            if label not in self._by_name:
                self._by_name[label] = self.watch(index.filters_by_name.get(key, ()), True)
            parts.append(self._by_name[label])
        if self._unplaced is None:
            self._unplaced = self.watch(links.filters_with_unknown_group(self.model), None)
        parts.append(self._unplaced)
        return parts


def _trail_coverage(
    model: Model,
    trail: Trail,
    events: Sequence[Event],
    rules: list[Tri],
    rule_notes: Notes,
    filters: _Filters,
) -> Coverage | None:
    link = links.log_group_of(model, trail)
    if link.status is links.LinkStatus.UNSET:
        return None
    recorded = [trail_records(trail, e) for e in events]
    if link.record is None:
        reason = (
            f"log group {link.value} of trail {trail.subject} is not defined in the scanned code"
            if link.status is links.LinkStatus.EXTERNAL
            else f"the log group of trail {trail.subject} cannot be resolved: {link.reason}"
        )
        results = [any_of((all_of((rec, None)), all_of((rec, r)))) for rec, r in zip(recorded, rules, strict=True)]
        return Coverage(trail, None, trail.cloud_watch_logs_group_arn.span, trail.subject, results,
                        (rule_notes.items,), reason)
    group = link.record
    parts = filters.on_group(group)
    results = [
        all_of((rec, any_of((*(p.per_event[i] for p in parts), rules[i]))))
        for i, rec in enumerate(recorded)
    ]
    own: list[str] = []
    if trails.is_logging(trail) is False:
        own.append(f"trail {trail.subject} is not logging")
    elif any(rec is False for rec in recorded):
        own.append(f"trail {trail.subject} does not record all of these management events")
    note_parts = (rule_notes.items, *(p.notes for p in parts), own)
    return Coverage(trail, group, group.span, group.subject, results, note_parts)


def _listing(labels: list[str]) -> str:
    shown = labels[:MAX_LISTED]
    more = len(labels) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _related(model: Model, coverage: Coverage) -> tuple[Related, ...]:
    out = [Related(label="trail", ref=coverage.trail.subject, span=coverage.trail.span)]
    if coverage.group is not None:
        out.extend(
            Related(label="metric filter", ref=f.subject, span=f.span)
            for f in links.filters_on(model, coverage.group)
        )
    return tuple(out)


# ---------------------------------------------------------------------------
# The policy body
# ---------------------------------------------------------------------------


def monitor(model: Model, events: Sequence[Event], what: str) -> Iterator[Outcome]:
    """Whether ``events`` (the monitoring item named ``what``) are watched in the account."""
    if not model.trails:
        return
    rule_notes = Notes()
    rules, used_rules = _rule_coverage(model, events, rule_notes)
    recorded_somewhere = [any_of(trail_records(t, e) for t in model.trails) for e in events]
    rule_only = [all_of((r, rec)) for r, rec in zip(rules, recorded_somewhere, strict=True)]

    filters = _Filters(model, events)
    coverages = [
        c
        for c in (
            _trail_coverage(model, t, events, rules, rule_notes, filters) for t in model.trails
        )
        if c is not None
    ]
    for coverage in coverages:
        if all(r is True for r in coverage.results):
            yield Pass(subject=coverage.subject, span=coverage.span)
            return
    if all(r is True for r in rule_only) and used_rules:
        rule = used_rules[0]
        yield Pass(subject=rule.subject, span=rule.span)
        return

    if not coverages:
        first = model.trails[0]
        missing = [
            cloudtrail_events.event_label(e) for e, r in zip(events, rule_only, strict=True) if r is not True
        ]
        extra = f" EventBridge rules do not match: {_listing(missing)}." if used_rules else ""
        notes = f" ({rule_notes.listing()})" if rule_notes.items else ""
        yield Fail(
            subject=first.subject,
            span=first.cloud_watch_logs_group_arn.span,
            message=(
                f"No trail delivers management events to CloudWatch Logs, so {what} cannot be "
                f"monitored with metric filters and alarms (trail {first.subject} has no log "
                f"group).{extra}{notes}"
            ),
            related=tuple(Related(label="trail", ref=t.subject, span=t.span) for t in model.trails),
        )
        return

    best = min(coverages, key=lambda c: c.rank())
    missing = best.labels(events, False)
    best_notes = best.notes
    notes = f" Notes: {best_notes.listing()}." if best_notes.items else ""
    where = (
        f"log group {best.group.subject} of trail {best.trail.subject}"
        if best.group is not None
        else f"the log group of trail {best.trail.subject}"
    )
    reason = best.reason or f"cannot tell whether {_listing(best.labels(events, None))} are watched"
    # Nothing here passes (that was decided above): an event nothing watches fails the
    # item, otherwise some event is only maybe watched.
    yield judge(
        subject=best.subject,
        span=best.span,
        verdict=False if missing else None,
        unknown=f"{reason}.{notes}".replace("..", "."),
        fail=(
            f"No metric filter with an alarm action on {where}, nor an EventBridge rule "
            f"with a target, watches {what}: nothing matches {_listing(missing)}.{notes}"
        ),
        related=_related(model, best),
    )
