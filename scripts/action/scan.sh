#!/usr/bin/env bash
# Run the scan once for three outputs: the log (text), SARIF for code scanning, and a
# Markdown summary appended to the job summary. The exit code is recorded as a step output
# instead of failing this step, so that the upload and the summary happen on findings too.
set -uo pipefail

trailscan=${TRAILSCAN:?TRAILSCAN (the trailscan path from the install step) is not set}
: "${TRAILSCAN_PYTHON:?TRAILSCAN_PYTHON (the python-path of setup-python) is not set}"
paths=${INPUT_PATHS:-.}
# SARIF automationDetails.id: code scanning reads the category up to the last "/".
category=${INPUT_CATEGORY-trailscan}
if [ -n "$category" ] && [ "${category%/}" = "$category" ]; then category="$category/"; fi
sarif=${INPUT_SARIF_FILE:-trailscan.sarif}
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
summary_md="$tmp/trailscan-summary.md"
words="$tmp/trailscan-words"
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}

finish() {
  echo "exit-code=$1" >> "$out"
  if [ -s "$sarif" ]; then echo "sarif-file=$sarif" >> "$out"; else echo "sarif-file=" >> "$out"; fi
  exit 0
}

# Split paths and extra args like a shell would (quotes respected, no globbing, no command
# substitution): python's shlex, one NUL-terminated word each. Bad quoting is a usage error.
split() {
  "$TRAILSCAN_PYTHON" -c 'import shlex, sys; sys.stdout.write("".join(w + "\0" for w in shlex.split(sys.argv[1])))' "$1" > "$words"
}
if ! split "$paths"; then echo "::error title=trailscan::cannot parse the paths input: $paths"; finish 2; fi
path_args=()
while IFS= read -r -d '' word; do path_args+=("$word"); done < "$words"
if ! split "${INPUT_ARGS:-}"; then echo "::error title=trailscan::cannot parse the args input: ${INPUT_ARGS:-}"; finish 2; fi
extra_args=()
while IFS= read -r -d '' word; do extra_args+=("$word"); done < "$words"
# var-files and exclude: one per line or separated by spaces (quotes respected).
if ! split "${INPUT_VAR_FILES:-}"; then echo "::error title=trailscan::cannot parse the var-files input"; finish 2; fi
while IFS= read -r -d '' word; do extra_args+=(--var-file "$word"); done < "$words"
if ! split "${INPUT_EXCLUDE:-}"; then echo "::error title=trailscan::cannot parse the exclude input"; finish 2; fi
while IFS= read -r -d '' word; do extra_args+=(--exclude "$word"); done < "$words"
rm -f "$words" "$summary_md"
if [ ${#path_args[@]} -eq 0 ]; then path_args=(.); fi
if [ -n "${INPUT_CONFIG:-}" ]; then extra_args+=(--config "$INPUT_CONFIG"); fi
if [ -n "${INPUT_FAIL_ON:-}" ]; then extra_args+=(--fail-on "$INPUT_FAIL_ON"); fi
if [ "${INPUT_SOFT_FAIL:-false}" = "true" ]; then extra_args+=(--exit-zero); fi

mkdir -p "$(dirname "$sarif")"
"$trailscan" scan "${path_args[@]}" \
  --format text \
  --output "sarif=$sarif" \
  --output "markdown=$summary_md" \
  --sarif-category "$category" \
  ${extra_args[@]+"${extra_args[@]}"}
code=$?

if [ -s "$summary_md" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary_md" >> "$GITHUB_STEP_SUMMARY"
fi
finish "$code"
