#!/usr/bin/env bash
# Where pip keeps its download cache for this action, and the cache key: the runner's OS,
# the exact Python, trailscan's own dependency list (the action's pyproject.toml) and
# whether cfn-lint is installed. Only pip's downloads are cached: never a virtualenv,
# never a parse table, nothing built from the scanned code.
set -euo pipefail

python=${TRAILSCAN_PYTHON:?TRAILSCAN_PYTHON (the python-path of setup-python) is not set}
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
source_dir=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH (the action checkout) is not set}

version=$("$python" -c 'import platform, sys; print(platform.python_implementation() + "-" + ".".join(map(str, sys.version_info[:3])))')
deps=$("$python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:16])' "$source_dir/pyproject.toml")
extra=light
if [ "${INPUT_INSTALL_CFN_LINT:-false}" = "true" ]; then extra=cfn-lint; fi

echo "dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/trailscan-pip-cache" >> "$out"
echo "key=trailscan-pip-${RUNNER_OS:-unknown}-${version}-${deps}-${extra}" >> "$out"
