#!/usr/bin/env bash
# Turn trailscan's exit code into the job's result, with an annotation that says why.
set -uo pipefail

code=${TRAILSCAN_EXIT_CODE:-}
case "$code" in
  0)
    echo "trailscan: no blocking findings"
    exit 0
    ;;
  1)
    echo "::error title=trailscan::blocking findings${INPUT_FAIL_ON:+ at or above '$INPUT_FAIL_ON'}, or a file that could not be parsed (see the log, the job summary and code scanning)"
    exit 1
    ;;
  "")
    echo "::error title=trailscan::the scan step did not run or did not record an exit code"
    exit 2
    ;;
  *)
    echo "::error title=trailscan::trailscan failed with exit code $code (usage error, nothing to scan, or an internal error; see the log)"
    exit "$code"
    ;;
esac
