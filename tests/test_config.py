"""Configuration: every key parsed and validated, discovery, and command-line precedence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import build_parser, resolve_config
from scanner.config import (
    KEYS,
    Config,
    ConfigError,
    ConfigSuppression,
    ExternalTrail,
    InputsEntry,
    find_config,
    load_config,
    parse_config,
)
from scanner.limits import Limits
from scanner.model import Settings, Severity

FULL = """\
[tool.trailscan]
select = ["CT0", "CT1"]
ignore = "CT013"
fail_on = "High"
require_trail = true
min_retention_days = 400
min_log_group_retention_days = 90
security_group_events = "EC2"
baseline = ".trailscan-baseline.json"
policies_dirs = ["../org-policies"]
require_reasons = true
exclude = ["tests/fixtures/", "*.generated.tf"]

[tool.trailscan.accounts]
prod = ["envs/prod/**"]
dev = "envs/dev/**"

[tool.trailscan.limits]
max_file_bytes = 2048
max_instances = 10

[[tool.trailscan.suppressions]]
id = "ct002"
paths = ["envs/dev/**"]
reason = "dev accounts are covered by the organization trail"
until = 2027-03-31

[[tool.trailscan.suppressions]]
id = "CT4*"
path = "envs/sandbox"
resource = "account:*"
reason = "sandbox"

[[tool.trailscan.inputs]]
paths = ["envs/*"]
var_files = "envs/common.tfvars"
variables = { enabled = true, retention = 365, tags = { team = "audit" } }

[[tool.trailscan.inputs]]
path = "stacks/trail.yaml"
parameter_files = ["params/prod.json"]
parameters = { MultiRegion = true, Regions = ["eu-west-1", "us-east-1"], Days = 365 }

[[tool.trailscan.external_trails]]
name = "org-trail"
accounts = ["prod", "dev"]
organization = true
multi_region = true
logging = true
include_global_service_events = true
management_events = "All"
s3_data_events = "none"

[[tool.trailscan.external_trails]]
name = "control-tower"
"""


def test_every_key_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(FULL, encoding="utf-8")
    config = load_config(path)
    assert config == Config(
        select=("CT0", "CT1"),
        ignore=("CT013",),
        fail_on=Severity.HIGH,
        accounts={"dev": ("envs/dev/**",), "prod": ("envs/prod/**",)},
        settings=Settings(
            require_trail=True,
            min_retention_days=400,
            min_log_group_retention_days=90,
            security_group_events="ec2",
        ),
        suppressions=(
            ConfigSuppression(
                id="CT002",
                paths=("envs/dev/**",),
                reason="dev accounts are covered by the organization trail",
                until="2027-03-31",
            ),
            ConfigSuppression(
                id="CT4*", paths=("envs/sandbox",), resource="account:*", reason="sandbox"
            ),
        ),
        require_reasons=True,
        baseline=".trailscan-baseline.json",
        limits=Limits(max_file_bytes=2048, max_instances=10),
        policies_dirs=("../org-policies",),
        exclude=("tests/fixtures/", "*.generated.tf"),
        inputs=(
            InputsEntry(
                paths=("envs/*",),
                var_files=("envs/common.tfvars",),
                variables=(("enabled", "true"), ("retention", "365"), ("tags", '{"team": "audit"}')),
            ),
            InputsEntry(
                paths=("stacks/trail.yaml",),
                parameter_files=("params/prod.json",),
                parameters=(("MultiRegion", "true"), ("Regions", "eu-west-1,us-east-1"), ("Days", "365")),
            ),
        ),
        external_trails=(
            ExternalTrail(
                name="org-trail", accounts=("prod", "dev"), organization=True, multi_region=True,
                logging=True, include_global_service_events=True, management_events="all",
                s3_data_events="none", line=44,
            ),
            ExternalTrail(name="control-tower", line=54),
        ),
        source=str(path),
    )
    # The test above names every key: a new key must be added to it.
    assert set(KEYS) == {
        "select",
        "ignore",
        "fail_on",
        "accounts",
        "require_trail",
        "min_retention_days",
        "min_log_group_retention_days",
        "security_group_events",
        "suppressions",
        "policies_dirs",
        "require_reasons",
        "exclude",
        "baseline",
        "limits",
        "inputs",
        "external_trails",
    }


def test_settings_reach_policies() -> None:
    config = parse_config({"require_trail": True, "min_retention_days": 30})
    assert config.settings == Settings(require_trail=True, min_retention_days=30)
    # What the table does not set keeps the one default, written in ``Settings``.
    assert parse_config({}).settings == Settings() == Config().settings


def test_accounts_per_unit() -> None:
    assert parse_config({"accounts": "per-unit"}).accounts == "per-unit"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fail_onn": "high"}, "unknown key 'fail_onn' (did you mean 'fail_on'?)"),
        ({"suppresions": []}, "did you mean 'suppressions'?"),
        ({"zzz": 1}, "unknown key 'zzz'"),
        ({"select": 3}, "select must be a string or a list of strings"),
        ({"ignore": ["CT1", 2]}, "ignore must be a string or a list of strings"),
        ({"fail_on": "severe"}, "unknown severity 'severe'"),
        ({"accounts": ["a"]}, "accounts must be"),
        ({"accounts": {"prod": 1}}, "accounts.prod must be"),
        ({"require_trail": "yes"}, "require_trail must be true or false"),
        ({"require_reasons": 1}, "require_reasons must be true or false"),
        ({"min_retention_days": 0}, "min_retention_days must be an integer >= 1"),
        ({"min_log_group_retention_days": True}, "must be an integer"),
        ({"security_group_events": "rds"}, "security_group_events must be"),
        ({"security_group_events": 1}, "security_group_events must be"),
        ({"baseline": 1}, "baseline must be a path"),
        ({"limits": 5}, "limits must be a table"),
        ({"limits": {"max_file_byte": 1}}, "did you mean 'max_file_bytes'?"),
        ({"limits": {"max_instances": -1}}, "limits.max_instances must be an integer >= 1"),
        ({"suppressions": {"id": "CT001"}}, "suppressions must be a list"),
        ({"suppressions": ["CT001"]}, "suppressions[0] must be a table"),
        ({"suppressions": [{"reason": "r"}]}, "'id' is required"),
        ({"suppressions": [{"id": " "}]}, "'id' is required"),
        ({"suppressions": [{"id": "CT001", "reson": "r"}]}, "did you mean 'reason'?"),
        (
            {"suppressions": [{"id": "CT001", "reason": ["r"]}]},
            "suppressions[0].reason must be a string",
        ),
        ({"suppressions": [{"id": "CT001", "until": "soon"}]}, "until must be a date YYYY-MM-DD"),
        ({"suppressions": [{"id": "CT001", "paths": [1]}]}, "suppressions[0].paths must be"),
    ],
)
def test_invalid_values_are_errors(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data, source="cfg")
    assert message in str(err.value)


def test_trailscan_toml_top_level_and_tool_table(tmp_path: Path) -> None:
    (tmp_path / ".trailscan.toml").write_text('fail_on = "medium"\n', encoding="utf-8")
    assert load_config(tmp_path / ".trailscan.toml").fail_on is Severity.MEDIUM
    (tmp_path / ".trailscan.toml").write_text(
        '[tool.trailscan]\nfail_on = "critical"\n', encoding="utf-8"
    )
    assert load_config(tmp_path / ".trailscan.toml").fail_on is Severity.CRITICAL


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ".trailscan.toml").write_text("fail_on = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.trailscan\.toml"):
        load_config(tmp_path / ".trailscan.toml")


def test_discovery_walks_up_and_stops_at_git(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    repo = outer / "repo"
    deep = repo / "infra" / "envs" / "prod"
    deep.mkdir(parents=True)
    (outer / ".trailscan.toml").write_text('fail_on = "critical"\n', encoding="utf-8")
    (repo / ".git").mkdir()
    # Nothing inside the repository: the file above the .git directory is not used.
    assert find_config(deep) is None
    # pyproject.toml without a trailscan table is not a config.
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(deep) is None
    (repo / "pyproject.toml").write_text('[tool.trailscan]\nfail_on = "high"\n', encoding="utf-8")
    assert find_config(deep) == (repo / "pyproject.toml").resolve()
    assert find_config(deep / "main.tf") == (repo / "pyproject.toml").resolve()
    # The nearest wins, and .trailscan.toml beats pyproject.toml in the same directory.
    (repo / "infra" / "pyproject.toml").write_text(
        '[tool.trailscan]\nfail_on = "low"\n', encoding="utf-8"
    )
    assert find_config(deep) == (repo / "infra" / "pyproject.toml").resolve()
    (repo / "infra" / ".trailscan.toml").write_text('fail_on = "medium"\n', encoding="utf-8")
    assert find_config(deep) == (repo / "infra" / ".trailscan.toml").resolve()


def test_no_config_means_defaults(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert find_config(tmp_path) is None
    assert load_config(None) == Config()


def _args(*argv: str):
    return build_parser().parse_args(["scan", *argv])


def test_cli_fail_on_overrides_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".trailscan.toml").write_text(
        'fail_on = "high"\nselect = ["CT008"]\n', encoding="utf-8"
    )
    assert resolve_config(_args(str(tmp_path))).fail_on is Severity.HIGH
    config = resolve_config(_args(str(tmp_path), "--fail-on", "critical"))
    assert config.fail_on is Severity.CRITICAL
    assert config.select == ("CT008",)  # the rest of the file still applies


def test_cli_explicit_config(tmp_path: Path) -> None:
    other = tmp_path / "ci.toml"
    other.write_text('fail_on = "medium"\n', encoding="utf-8")
    assert resolve_config(_args(str(tmp_path), "--config", str(other))).fail_on is Severity.MEDIUM
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_config(_args(str(tmp_path), "--config", str(tmp_path / "missing.toml")))


def test_cli_select_replaces_and_ignore_adds(tmp_path: Path) -> None:
    from scanner.cli import scan_options_from_args
    from scanner.scan import run_scan

    (tmp_path / ".git").mkdir()
    (tmp_path / ".trailscan.toml").write_text(
        'select = ["CT00"]\nignore = ["CT001"]\n', encoding="utf-8"
    )
    (tmp_path / "t.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")

    def ran(*argv: str) -> list[str]:
        args = _args(str(tmp_path), *argv)
        result = run_scan(scan_options_from_args(args, resolve_config(args)))
        return [s.id for s in result.policies]

    assert ran() == ["CT002", "CT003", "CT004", "CT005", "CT006", "CT007", "CT008", "CT009"]
    assert ran("--select", "CT1") == ["CT101", "CT102", "CT103", "CT104", "CT105"]
    assert ran("--ignore", "CT002,CT003") == ["CT004", "CT005", "CT006", "CT007", "CT008", "CT009"]


def test_cli_reports_config_errors_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".trailscan.toml").write_text('fail_onn = "high"\n', encoding="utf-8")
    (tmp_path / "main.tf").write_text("", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "unknown key 'fail_onn' (did you mean 'fail_on'?)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_config_baseline_is_relative_to_config_file(tmp_path: Path) -> None:
    from scanner.options import ScanOptions
    from scanner.scan import run_scan

    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "t.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"
    )
    (tmp_path / ".trailscan.toml").write_text(
        'baseline = "missing-baseline.json"\n', encoding="utf-8"
    )
    config = load_config(find_config(tmp_path / "sub"))
    with pytest.raises(ConfigError, match=str(tmp_path / "missing-baseline.json")):
        run_scan(ScanOptions(paths=(tmp_path / "sub",), root=tmp_path, config=config))
