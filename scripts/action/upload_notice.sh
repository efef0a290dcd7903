#!/usr/bin/env bash
# Why the SARIF upload was skipped: a pull request from a fork gets a read-only token, so
# upload-sarif would fail; the findings are in the log, the job summary and the SARIF file.
set -uo pipefail
echo "::notice title=trailscan::SARIF not uploaded to code scanning: pull requests from forks get a read-only token. The findings are in this log and the job summary; ${SARIF_FILE:-the SARIF file} is on disk for an artifact upload."
