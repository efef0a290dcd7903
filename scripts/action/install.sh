#!/usr/bin/env bash
# Install trailscan from the action's own checkout into a private virtualenv, made with the
# Python that setup-python installed without touching the job's environment
# (update-environment: false). Nothing goes on GITHUB_PATH or GITHUB_ENV: the following
# steps call trailscan by the absolute path this step outputs, and the job's own python,
# pip and PATH stay exactly as they were. Runs on Linux, macOS and Windows (Git Bash).
set -euo pipefail

python=${TRAILSCAN_PYTHON:?TRAILSCAN_PYTHON (the python-path of setup-python) is not set}
source_dir=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH (the action checkout) is not set}
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/trailscan-venv"

# The light package unless cfn-lint is asked for (--cfn-lint needs it; ~140 MB more).
target="$source_dir"
if [ "${INPUT_INSTALL_CFN_LINT:-false}" = "true" ]; then target="$source_dir[cfn-lint]"; fi

"$python" -m venv "$venv"
if [ -d "$venv/Scripts" ]; then bin="$venv/Scripts"; else bin="$venv/bin"; fi
"$bin/python" -m pip install --disable-pip-version-check --quiet "$target"
"$bin/trailscan" --version
echo "trailscan=$bin/trailscan" >> "$out"
