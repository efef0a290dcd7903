"""Trails declared in the configuration (``external_trails``) as model records.

An organisation trail of the management account, or Control Tower's trail, records the
events of an account whose own code defines no trail. Declared in the configuration, it
becomes a ``Trail`` of ``Model.external_trails``: the account-wide policies (CT002, CT003,
CT004, CT005, CT013) count it, and the per-resource policies never see it (its bucket,
key and log group are not in the scan). Every property the declaration leaves out is
UNKNOWN, and its span is the declaration in the configuration file.
"""

from __future__ import annotations

import fnmatch

from scanner.config import Config, ExternalTrail
from scanner.model import Attr, DataResource, EventSelector, Span, Trail

# How a declaration's ``management_events`` / ``s3_data_events`` read as a ReadWriteType.
_READ_WRITE = {"all": "All", "read": "ReadOnly", "write": "WriteOnly"}
ALL_BUCKETS = "arn:aws:s3"
KIND = "external_trail"


def external_trail_records(config: Config, account: str, where: str) -> tuple[Trail, ...]:
    """The declared trails that record for ``account``; ``where`` is the configuration
    file's path as reports show it (relative to the scan root)."""
    return tuple(
        _record(trail, where)
        for trail in config.external_trails
        if any(fnmatch.fnmatchcase(account, glob) for glob in trail.accounts)
    )


def _flag(value: bool | None, span: Span, name: str) -> Attr[bool]:
    if value is None:
        return Attr.unknown(span, f"{name} is not declared for this external trail", name)
    return Attr.explicit(value, span, name)


def _global_events(trail: ExternalTrail, span: Span) -> Attr[bool]:
    """Declared, or implied: CloudTrail rejects a multi-region trail without global
    service events (InvalidParameterCombinationException), so one that exists has them."""
    name = "include_global_service_events"
    if trail.include_global_service_events is None and trail.multi_region is True:
        return Attr.explicit(True, span, name)
    return _flag(trail.include_global_service_events, span, name)


def _outside(span: Span, name: str) -> Attr[str]:
    return Attr.unknown(span, "an external trail's settings are outside the scanned code", name)


def _selectors(trail: ExternalTrail, span: Span) -> Attr[tuple[EventSelector, ...]]:
    """Classic selectors that say what the declaration says: management events in the
    declared direction, S3 object events of every bucket in theirs; what is not declared
    is an unresolved selector value, so the answer stays unknown."""
    name = "management_events"
    management = trail.management_events
    if management is None:
        rw = Attr.unknown(span, "management_events is not declared for this external trail", name)
        include = Attr.unknown(span, rw.reason, name)
    elif management == "none":
        rw, include = Attr.explicit("All", span, name), Attr.explicit(False, span, name)
    else:
        rw, include = Attr.explicit(_READ_WRITE[management], span, name), Attr.explicit(True, span, name)
    selectors = [EventSelector(read_write_type=rw, include_management_events=include,
                               data_resources=(), exclude_management_event_sources=(), span=span)]
    s3 = trail.s3_data_events
    if s3 != "none":
        if s3 is None:
            data = DataResource(type="AWS::S3::Object", values=(), span=span,
                                unknown="s3_data_events is not declared for this external trail")
            rw_s3 = Attr.explicit("All", span, "s3_data_events")
        else:
            data = DataResource(type="AWS::S3::Object", values=(ALL_BUCKETS,), span=span)
            rw_s3 = Attr.explicit(_READ_WRITE[s3], span, "s3_data_events")
        selectors.append(EventSelector(
            read_write_type=rw_s3, include_management_events=Attr.explicit(False, span, "s3_data_events"),
            data_resources=(data,), exclude_management_event_sources=(), span=span,
        ))
    return Attr.explicit(tuple(selectors), span, "management_events")


def _record(trail: ExternalTrail, where: str) -> Trail:
    span = Span(path=where, line=trail.line)
    return Trail(
        ref=f"external_trails.{trail.name}",
        span=span,
        unit=where,
        kind=KIND,
        label=trail.name,
        name=Attr.explicit(trail.name, span, "name"),
        s3_bucket_name=_outside(span, "s3_bucket_name"),
        s3_key_prefix=_outside(span, "s3_key_prefix"),
        is_multi_region=_flag(trail.multi_region, span, "multi_region"),
        include_global_service_events=_global_events(trail, span),
        enable_logging=_flag(trail.logging, span, "logging"),
        log_file_validation=Attr.unknown(span, "an external trail's settings are outside the scanned code",
                                         "log_file_validation"),
        kms_key_id=_outside(span, "kms_key_id"),
        cloud_watch_logs_group_arn=_outside(span, "cloud_watch_logs_group_arn"),
        cloud_watch_logs_role_arn=_outside(span, "cloud_watch_logs_role_arn"),
        sns_topic_name=_outside(span, "sns_topic_name"),
        is_organization_trail=_flag(trail.organization, span, "organization"),
        event_selectors=_selectors(trail, span),
        advanced_event_selectors=Attr.default((), span, "advanced_event_selectors"),
    )
