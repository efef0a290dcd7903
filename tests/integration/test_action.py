"""The GitHub Action (``action.yml``), run locally the way the runner would run it.

A small runner executes the composite action's ``run`` steps with bash, substituting the
``${{ ... }}`` expressions it uses and setting the environment GitHub sets
(``GITHUB_ACTION_PATH``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_PATH``,
``GITHUB_WORKSPACE``, ``RUNNER_TEMP``); ``uses`` steps (setup-python, upload-sarif) are
checked for their inputs instead of being run. The install step really builds a virtualenv
and ``pip install``s this repository (needs the package index), once for the module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

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


@dataclass
class Run:
    """What one action run left behind."""

    exit_codes: dict[str, int] = field(default_factory=dict)  # step name -> exit code
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    logs: dict[str, str] = field(default_factory=dict)
    uploads: list[dict[str, str]] = field(default_factory=list)


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


def _read_kv(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def run_action(workspace: Path, runner_temp: Path, installed: Path, **given: str) -> Run:
    """Run the action's steps; the install step's effect (``installed`` on GITHUB_PATH) is
    reused from the module fixture, which ran that step for real."""
    inputs = _inputs({k.replace("_", "-"): v for k, v in given.items()})
    summary = runner_temp / "step_summary.md"
    github_path = runner_temp / "github_path"
    summary.touch()
    github_path.write_text(f"{installed}\n", encoding="utf-8")
    run = Run()
    ctx = {f"inputs.{k}": v for k, v in inputs.items()}
    ctx["github.action_path"] = str(ROOT)
    for index, step in enumerate(ACTION["runs"]["steps"]):
        name = step["name"]
        condition = step.get("if", "")
        if "uses" in step:
            if "upload-sarif" in step["uses"]:
                # always() && inputs.upload-sarif == 'true' && sarif-file != ''
                if inputs["upload-sarif"] == "true" and ctx.get("steps.scan.outputs.sarif-file"):
                    run.uploads.append(
                        {k: _substitute(str(v), ctx) for k, v in step["with"].items()}
                    )
            continue
        if name == "Install trailscan":
            continue
        if condition and condition != "always()":
            raise AssertionError(f"unexpected condition on {name}: {condition}")
        if not condition and any(code != 0 for code in run.exit_codes.values()):
            continue  # an earlier step failed: GitHub skips steps without always()
        output = runner_temp / f"output_{index}"
        output.touch()
        extra_path = [p for p in github_path.read_text().splitlines() if p]
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("GITHUB_", "INPUT_", "PRE_COMMIT"))
            },
            "PATH": os.pathsep.join([*reversed(extra_path), os.environ["PATH"]]),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_PATH": str(github_path),
            "RUNNER_TEMP": str(runner_temp),
            "NO_COLOR": "1",
        }
        env.update({k: _substitute(str(v), ctx) for k, v in step.get("env", {}).items()})
        script = _substitute(step["run"], ctx)
        proc = subprocess.run(
            [
                shutil.which("bash") or "bash",
                "--noprofile",
                "--norc",
                "-eo",
                "pipefail",
                "-c",
                script,
            ],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        run.exit_codes[name] = proc.returncode
        run.logs[name] = proc.stdout + proc.stderr
        if "id" in step:
            for k, v in _read_kv(output).items():
                ctx[f"steps.{step['id']}.outputs.{k}"] = v
                run.outputs[k] = v
    run.summary = summary.read_text(encoding="utf-8")
    return run


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs the action's install step for real (virtualenv + pip install of this repo)."""
    temp = tmp_path_factory.mktemp("runner_temp")
    (temp / "github_path").touch()
    step = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Install trailscan")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VIRTUAL_ENV"))},
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_PATH": str(temp / "github_path"),
        "RUNNER_TEMP": str(temp),
    }
    proc = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=temp,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "trailscan " in proc.stdout
    (bin_dir,) = [p for p in (temp / "github_path").read_text().splitlines() if p]
    assert (Path(bin_dir) / "trailscan").exists()
    return Path(bin_dir)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "infra").mkdir(parents=True)
    (ws / ".trailscan.toml").write_text('select = ["CT007", "CT008"]\n', encoding="utf-8")
    return ws


def test_action_metadata_is_consistent() -> None:
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            for script in re.findall(r"scripts/action/[\w.-]+", step["run"]):
                assert (ROOT / script).is_file(), script
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for ref in set(re.findall(r"inputs\.([\w-]+)", text)):
        assert ref in ACTION["inputs"], f"action.yml uses undeclared input {ref}"
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["if"].startswith("always() && inputs.upload-sarif == 'true'")
    assert steps[-1]["if"] == "always()"
    assert {
        "paths",
        "fail-on",
        "sarif-file",
        "upload-sarif",
        "category",
        "args",
        "python-version",
    } <= set(ACTION["inputs"])


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

    assert "CT008" in run.summary
    assert run.uploads == [{"sarif_file": "trailscan.sarif", "category": "trailscan"}]
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
