#!/usr/bin/env bash
# Install trailscan from the action's own checkout into a private virtualenv and put its
# scripts on PATH for the following steps. Runs on Linux, macOS and Windows (Git Bash).
set -euo pipefail

source_dir=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH (the action checkout) is not set}
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/trailscan-venv"

python -m venv "$venv"
if [ -d "$venv/Scripts" ]; then bin="$venv/Scripts"; else bin="$venv/bin"; fi
"$bin/python" -m pip install --disable-pip-version-check --quiet "$source_dir"
"$bin/trailscan" --version
echo "$bin" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
