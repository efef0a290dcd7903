"""The GitHub Action (``action.yml``), run locally the way the runner would run it.

A small runner executes the composite action's ``run`` steps with bash, substituting the
``${{ ... }}`` expressions it uses, evaluating the steps' ``if:`` conditions, and setting
the environment GitHub sets (``GITHUB_ACTION_PATH``, ``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``, ``GITHUB_PATH``, ``GITHUB_ENV``, ``GITHUB_WORKSPACE``,
``RUNNER_TEMP``). ``uses`` steps stand in for the real actions: setup-python (with
``update-environment: false``) answers with a Python of this machine, actions/cache and
upload-sarif record their inputs. The install step really builds a virtualenv and
``pip install``s this repository (needs the package index), once for the module.
``action.yml`` itself is validated against SchemaStore's schema of action metadata.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION_TEXT = (ROOT / "action.yml").read_text(encoding="utf-8")
ACTION = yaml.safe_load(ACTION_TEXT)
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SCHEMAS = ROOT / "tests" / "schemas"
# The current major version of each action the composite action uses (checked in their
# documentation: setup-python v6, cache v5 and codeql-action v4 run on Node.js 24).
CURRENT = {
    "actions/setup-python": "v6",
    "actions/cache": "v5",
    "github/codeql-action/upload-sarif": "v4",
}
# A Python of this machine for the stand-in setup-python (the one the suite runs under).
BASE_PYTHON = shutil.which(f"python{sys.version_info[0]}.{sys.version_info[1]}") or sys.executable

GOOD = """\
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "logs"
  is_multi_region_trail      = true
  enable_logging             = true
  enable_log_file_validation = true
}
"""
BAD = GOOD.replace("enable_log_file_validation = true", "enable_log_file_validation = false")
BROKEN = 'resource "aws_cloudtrail" "x" {\n'


@dataclass
class Run:
    """What one action run left behind."""

    exit_codes: dict[str, int] = field(default_factory=dict)  # step name -> exit code
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    logs: dict[str, str] = field(default_factory=dict)
    uploads: list[dict[str, str]] = field(default_factory=list)
    caches: list[dict[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    github_path: str = ""
    github_env: str = ""


def _inputs(given: dict[str, str]) -> dict[str, str]:
    declared = ACTION["inputs"]
    unknown = set(given) - set(declared)
    assert not unknown, f"not inputs of the action: {unknown}"
    return {name: given.get(name, str(spec.get("default", ""))) for name, spec in declared.items()}


def _substitute(text: str, ctx: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        expr = m.group(1)
        assert expr in ctx, f"expression the local runner does not know: {expr}"
        return ctx[expr]

    return EXPR.sub(one, text)


def _condition(expr: str, ctx: dict[str, str], failed: bool) -> bool:
    """The expression language as far as action.yml uses it: always(), contexts, string
    literals, ==, !=, &&, ||, parentheses. Missing contexts are '' (GitHub's null)."""
    if not expr:
        return not failed
    names = sorted(set(re.findall(r"[a-z][\w.-]*\.[\w.-]+", expr)), key=len, reverse=True)
    python = expr.replace("&&", " and ").replace("||", " or ").replace("always()", "True")
    values = {}
    for i, name in enumerate(names):
        python = re.sub(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", f"_v{i}", python)
        values[f"_v{i}"] = ctx.get(name, "")
    assert re.fullmatch(r"[\s\w()'=!./-]*", python), python
    return bool(eval(python, {"__builtins__": {}}, values))  # noqa: S307 - our own action.yml


def _read_kv(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def run_action(workspace: Path, runner_temp: Path, installed: Path, event: dict[str, str] | None = None,
               **given: str) -> Run:
    """Run the action's steps; the install step's effect (the trailscan executable) is
    reused from the module fixture, which ran that step for real."""
    inputs = _inputs({k.replace("_", "-"): v for k, v in given.items()})
    summary = runner_temp / "step_summary.md"
    github_path = runner_temp / "github_path"
    github_env = runner_temp / "github_env"
    for path in (summary, github_path, github_env):
        path.touch()
    run = Run()
    ctx = {f"inputs.{k}": v for k, v in inputs.items()}
    ctx["github.action_path"] = str(ROOT)
    ctx["github.repository"] = "acme/infra"
    ctx.update(event or {})
    failed = False
    for index, step in enumerate(ACTION["runs"]["steps"]):
        name = step["name"]
        if not _condition(step.get("if", ""), ctx, failed):
            run.skipped.append(name)
            continue
        if "uses" in step:
            action = step["uses"].rsplit("@", 1)[0]
            with_ = {k: _substitute(str(v), ctx) for k, v in step.get("with", {}).items()}
            if action == "actions/setup-python":
                assert step["with"]["update-environment"] is False
                ctx["steps.python.outputs.python-path"] = BASE_PYTHON
            elif action == "actions/cache":
                run.caches.append(with_)
            elif action.endswith("upload-sarif"):
                run.uploads.append(with_)
            continue
        if name == "Install trailscan":
            ctx["steps.install.outputs.trailscan"] = str(installed)
            continue
        output = runner_temp / f"output_{index}"
        output.touch()
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("GITHUB_", "INPUT_", "PRE_COMMIT", "VIRTUAL_ENV"))
            },
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_PATH": str(github_path),
            "GITHUB_ENV": str(github_env),
            "RUNNER_TEMP": str(runner_temp),
            "RUNNER_OS": "Linux",
            "NO_COLOR": "1",
        }
        env.update({k: _substitute(str(v), ctx) for k, v in step.get("env", {}).items()})
        script = _substitute(step["run"], ctx)
        proc = subprocess.run(
            [shutil.which("bash") or "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        run.exit_codes[name] = proc.returncode
        run.logs[name] = proc.stdout + proc.stderr
        failed = failed or proc.returncode != 0
        if "id" in step:
            for k, v in _read_kv(output).items():
                ctx[f"steps.{step['id']}.outputs.{k}"] = v
                run.outputs[k] = v
    run.summary = summary.read_text(encoding="utf-8")
    run.github_path = github_path.read_text(encoding="utf-8")
    run.github_env = github_env.read_text(encoding="utf-8")
    return run


def _step(name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s["name"] == name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs the action's cache-key and install steps for real (virtualenv + pip install
    of this repository with the Python setup-python would give), and checks that nothing
    leaks into the job: GITHUB_PATH and GITHUB_ENV stay empty."""
    temp = tmp_path_factory.mktemp("runner_temp")
    for name in ("github_path", "github_env", "out_key", "out_install"):
        (temp / name).touch()
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VIRTUAL_ENV", "PIP_"))},
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_PATH": str(temp / "github_path"),
        "GITHUB_ENV": str(temp / "github_env"),
        "RUNNER_TEMP": str(temp),
        "RUNNER_OS": "Linux",
        "TRAILSCAN_PYTHON": BASE_PYTHON,
        "INPUT_INSTALL_CFN_LINT": "false",
    }
    key = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", _step("Cache key for pip's downloads")["run"]],
        env={**base, "GITHUB_OUTPUT": str(temp / "out_key")},
        capture_output=True, text=True, timeout=120, cwd=temp,
    )
    assert key.returncode == 0, key.stderr
    keys = _read_kv(temp / "out_key")
    assert keys["dir"] == f"{temp}/trailscan-pip-cache"
    assert re.fullmatch(r"trailscan-pip-Linux-CPython-3\.\d+\.\d+-[0-9a-f]{16}-light", keys["key"])
    proc = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", _step("Install trailscan")["run"]],
        env={**base, "GITHUB_OUTPUT": str(temp / "out_install"), "PIP_CACHE_DIR": keys["dir"]},
        capture_output=True, text=True, timeout=1800, cwd=temp,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "trailscan " in proc.stdout
    trailscan = Path(_read_kv(temp / "out_install")["trailscan"])
    assert trailscan.is_absolute() and trailscan.exists()
    # Private: nothing on GITHUB_PATH or GITHUB_ENV, and the light install (no cfn-lint).
    assert (temp / "github_path").read_text() == "" and (temp / "github_env").read_text() == ""
    check = subprocess.run(
        [str(trailscan.parent / "python"), "-c", "import importlib.util as u; print(u.find_spec('cfnlint') is None)"],
        capture_output=True, text=True, check=True,
    )
    assert check.stdout.strip() == "True"
    assert Path(keys["dir"]).is_dir()  # pip used the cache directory actions/cache saves
    return trailscan


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "infra").mkdir(parents=True)
    (ws / ".trailscan.toml").write_text('select = ["CT007", "CT008"]\n', encoding="utf-8")
    return ws


def test_action_yml_is_valid_against_the_schema_of_actions() -> None:
    source = json.loads((SCHEMAS / "github-action.SOURCE.json").read_text(encoding="utf-8"))
    raw = (SCHEMAS / "github-action.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == source["sha256"]
    jsonschema.validate(ACTION, json.loads(raw))
    broken = {**ACTION, "runs": {**ACTION["runs"], "steps": [{"name": "x", "run": "true"}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(raw))  # a run step needs a shell


def test_action_metadata_is_consistent() -> None:
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    uses = {s["uses"].rsplit("@", 1)[0]: s["uses"].rsplit("@", 1)[1] for s in steps if "uses" in s}
    assert uses == CURRENT
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            for script in re.findall(r"scripts/action/[\w.-]+", step["run"]):
                assert (ROOT / script).is_file(), script
    for ref in set(re.findall(r"inputs\.([\w-]+)", ACTION_TEXT)):
        assert ref in ACTION["inputs"], f"action.yml uses undeclared input {ref}"
    for name in ACTION["inputs"]:
        assert f"inputs.{name}" in ACTION_TEXT, f"input {name} is declared but never used"
    assert _step("Set up Python for trailscan")["with"]["update-environment"] is False
    upload = _step("Upload SARIF to code scanning")
    assert upload["continue-on-error"] is True
    assert upload["if"].startswith("always() && inputs.upload-sarif == 'true'")
    cache = _step("Restore pip's download cache")
    assert cache["with"]["path"] == "${{ steps.cache-key.outputs.dir }}"
    assert steps[-1]["if"] == "always()"
    assert "GITHUB_PATH" not in (ROOT / "scripts" / "action" / "install.sh").read_text().replace(
        "Nothing goes on GITHUB_PATH", ""
    )
    assert {
        "paths", "fail-on", "soft-fail", "config", "var-files", "exclude", "sarif-file",
        "upload-sarif", "category", "args", "install-cfn-lint", "python-version",
    } == set(ACTION["inputs"])


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_findings_fail_the_job_after_sarif_and_summary(
    installed: Path, workspace: Path, tmp_path: Path
) -> None:
    (workspace / "infra" / "main.tf").write_text(BAD, encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    run = run_action(workspace, temp, installed, paths="infra")
    assert run.exit_codes["Run trailscan"] == 0, run.logs["Run trailscan"]
    assert run.outputs["exit-code"] == "1"
    assert "CT008" in run.logs["Run trailscan"]

    sarif_path = workspace / "trailscan.sarif"
    assert run.outputs["sarif-file"] == "trailscan.sarif"
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["CT008"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "infra/main.tf"
    assert location["region"]["startLine"] == 6

    assert sarif["runs"][0]["automationDetails"]["id"] == "trailscan/"
    assert "CT008" in run.summary
    assert run.uploads == [{"sarif_file": "trailscan.sarif", "category": "trailscan"}]
    assert run.caches and run.caches[0]["path"].endswith("trailscan-pip-cache")
    assert run.github_path == "" and run.github_env == ""
    assert run.exit_codes["Fail on blocking findings"] == 1
    assert "::error title=trailscan::blocking findings" in run.logs["Fail on blocking findings"]


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_clean_scan_passes(installed: Path, workspace: Path, tmp_path: Path) -> None:
    (workspace / "infra" / "main.tf").write_text(GOOD, encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    run = run_action(
        workspace,
        temp,
        installed,
        sarif_file="reports/out.sarif",
        upload_sarif="false",
        category="iac",
    )
    assert run.outputs["exit-code"] == "0"
    assert json.loads((workspace / "reports" / "out.sarif").read_text())["runs"][0]["results"] == []
    assert run.uploads == []
    assert run.summary.strip()
    assert run.exit_codes["Fail on blocking findings"] == 0


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_fail_on_and_quoted_args(installed: Path, workspace: Path, tmp_path: Path) -> None:
    (workspace / "infra" / "main.tf").write_text(BAD, encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    # CT008 is HIGH: failing only on CRITICAL lets the job pass, the finding stays in SARIF.
    run = run_action(
        workspace, temp, installed, fail_on="critical", args="--var 'env=a b' --select CT008"
    )
    assert run.outputs["exit-code"] == "0", run.logs["Run trailscan"]
    assert len(json.loads((workspace / "trailscan.sarif").read_text())["runs"][0]["results"]) == 1
    assert run.exit_codes["Fail on blocking findings"] == 0


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_usage_error_fails_the_job_and_skips_upload(
    installed: Path, workspace: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "runner"
    temp.mkdir()
    run = run_action(workspace, temp, installed, paths="does-not-exist", args="--fail-on nonsense")
    assert run.outputs["exit-code"] == "2"
    assert run.outputs["sarif-file"] == ""
    assert run.uploads == []
    assert run.exit_codes["Fail on blocking findings"] == 2


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_unbalanced_quotes_in_args_are_a_usage_error(
    installed: Path, workspace: Path, tmp_path: Path
) -> None:
    (workspace / "infra" / "main.tf").write_text(GOOD, encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    run = run_action(workspace, temp, installed, args="--var 'oops")
    assert run.outputs["exit-code"] == "2"
    assert "cannot parse the args input" in run.logs["Run trailscan"]
    assert run.exit_codes["Fail on blocking findings"] == 2


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_category_reaches_the_sarif(installed: Path, workspace: Path, tmp_path: Path) -> None:
    (workspace / "infra" / "main.tf").write_text(BAD, encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    run = run_action(workspace, temp, installed, paths="infra", category="iac/prod")
    sarif = json.loads((workspace / "trailscan.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["automationDetails"]["id"] == "iac/prod/"
    assert run.uploads == [{"sarif_file": "trailscan.sarif", "category": "iac/prod"}]


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_fork_pull_request_skips_the_upload_with_a_notice(
    installed: Path, workspace: Path, tmp_path: Path
) -> None:
    (workspace / "infra" / "main.tf").write_text(BAD, encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    fork = {
        "github.event_name": "pull_request",
        "github.event.pull_request.head.repo.full_name": "someone/infra-fork",
    }
    run = run_action(workspace, temp, installed, event=fork, paths="infra")
    assert run.uploads == []
    assert "Upload SARIF to code scanning" in run.skipped
    assert "::notice title=trailscan::SARIF not uploaded" in run.logs[
        "Skip the SARIF upload on a pull request from a fork"
    ]
    assert run.exit_codes["Fail on blocking findings"] == 1
    # A pull request from a branch of the same repository uploads.
    same = {**fork, "github.event.pull_request.head.repo.full_name": "acme/infra"}
    run = run_action(workspace, temp, installed, event=same, paths="infra")
    assert len(run.uploads) == 1
    assert "Skip the SARIF upload on a pull request from a fork" in run.skipped


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_soft_fail_config_and_var_files(installed: Path, workspace: Path, tmp_path: Path) -> None:
    (workspace / "infra" / "main.tf").write_text(
        GOOD.replace("enable_log_file_validation = true", "enable_log_file_validation = var.validate")
        + 'variable "validate" {\n  type = bool\n}\n',
        encoding="utf-8",
    )
    (workspace / "env a.tfvars").write_text("validate = false\n", encoding="utf-8")
    (workspace / "ci.toml").write_text('select = ["CT008"]\nfail_on = "critical"\n', encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    # Without the var file the value is unknown: nothing to report.
    run = run_action(workspace, temp, installed, paths="infra", upload_sarif="false")
    assert run.outputs["exit-code"] == "0"
    run = run_action(workspace, temp, installed, paths="infra", var_files="'env a.tfvars'", upload_sarif="false")
    assert run.outputs["exit-code"] == "1", run.logs["Run trailscan"]
    # The config (fail_on critical) decides; soft-fail never fails the job on findings.
    run = run_action(workspace, temp, installed, paths="infra", var_files="'env a.tfvars'", config="ci.toml")
    assert run.outputs["exit-code"] == "0"
    run = run_action(workspace, temp, installed, paths="infra", var_files="'env a.tfvars'", soft_fail="true")
    assert run.outputs["exit-code"] == "0"
    assert "CT008" in run.logs["Run trailscan"]
    assert run.exit_codes["Fail on blocking findings"] == 0
    (workspace / "infra" / "broken.tf").write_text(BROKEN, encoding="utf-8")
    run = run_action(workspace, temp, installed, paths="infra", fail_on="none", upload_sarif="false")
    assert run.outputs["exit-code"] == "1"  # --fail-on none: a parse error still fails


@pytest.mark.slow  # runs the install step: a virtualenv and pip from the package index
def test_exclude_is_passed_only_when_set(installed: Path, workspace: Path, tmp_path: Path) -> None:
    """The exclude input reaches --exclude, one per word, and trailscan applies it."""
    (workspace / "infra" / "main.tf").write_text(GOOD, encoding="utf-8")
    (workspace / "infra" / "fixtures" / "bad").mkdir(parents=True)
    (workspace / "infra" / "fixtures" / "bad" / "main.tf").write_text(BAD, encoding="utf-8")
    (workspace / "infra" / "legacy-eu").mkdir()
    (workspace / "infra" / "legacy-eu" / "main.tf").write_text(BAD.replace('"main"', '"old"'), encoding="utf-8")
    temp = tmp_path / "runner"
    temp.mkdir()
    run = run_action(workspace, temp, installed, paths="infra", upload_sarif="false")
    assert run.outputs["exit-code"] == "1"
    log = run.logs["Run trailscan"]
    assert "infra/fixtures/bad/main.tf" in log and "infra/legacy-eu/main.tf" in log
    # Only the fixtures excluded: the legacy root still fails the run.
    run = run_action(workspace, temp, installed, paths="infra", exclude="infra/fixtures/", upload_sarif="false")
    log = run.logs["Run trailscan"]
    assert run.outputs["exit-code"] == "1" and "infra/fixtures" not in log, log
    # Both (space-separated, quoted): nothing left to fail.
    run = run_action(
        workspace, temp, installed, paths="infra", exclude="'infra/fixtures/' 'legacy-*'",
        upload_sarif="false",
    )
    assert run.outputs["exit-code"] == "0", run.logs["Run trailscan"]
