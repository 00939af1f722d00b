#!/usr/bin/env bash
# Builds Heliograph and runs every test. Works from a clean clone on a fresh machine, with no stdin
# (CI=true): it installs what the tests need first, from scripts/test-deps.d/*.sh.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh --filter Poller # extra arguments go to `swift test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CI="${CI:-false}"
export DEBIAN_FRONTEND=noninteractive
started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

# For test-deps.d snippets: installs Debian packages, running `apt-get update` at most once.
apt_updated=false
apt_install() {
    if [ "$apt_updated" = false ]; then
        apt-get update -qq >/dev/null
        apt_updated=true
    fi
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
export -f apt_install 2>/dev/null || true

step "Installing test dependencies"
shopt -s nullglob
for snippet in scripts/test-deps.d/*.sh; do
    echo "  - $snippet"
    # shellcheck source=/dev/null
    source "$snippet"
done
shopt -u nullglob

step "Toolchain"
swift --version 2>&1 | head -1

step "Building (debug, with tests)"
# Progress lines are hidden; warnings, errors and the summary are kept.
set +e
swift build --build-tests 2>&1 | grep -v -E '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting|Building|Linking|Applying)'
build_status=${PIPESTATUS[0]}
set -e
if [ "$build_status" -ne 0 ]; then
    echo "BUILD FAILED (exit $build_status)"
    exit "$build_status"
fi

step "Running tests"
# With no arguments: in-process suites first, then the end-to-end tests of the binary, so the
# subprocesses those start (and the web's headless Chromium and schemathesis runs, and the short soak
# of the whole daemon) do not compete for the 2 cores with timing-sensitive driver tests.
set +e
: > .build/test-output.txt
status=0
if [ "$#" -eq 0 ]; then
    timeout 1200 swift test --skip-build --skip "HeliographAppTests|ExternalToolTests|HeliographPostgresTests|HeliographFleetTests|HeliographBenchmarksTests" 2>&1 | tee -a .build/test-output.txt
    status=${PIPESTATUS[0]}
    # The PostgreSQL tests run their own server and its tools as child processes; alone, so their
    # children and the other suites' never share one test process.
    for suite in HeliographPostgresTests HeliographFleetTests; do
        step "Running $suite"
        timeout 600 swift test --skip-build --filter "$suite" 2>&1 | tee -a .build/test-output.txt
        phase=${PIPESTATUS[0]}
        [ "$status" -eq 0 ] && status=$phase
    done
    step "Running end-to-end tests (HeliographAppTests, web ExternalToolTests, the short soak)"
    timeout 600 swift test --skip-build --filter "HeliographAppTests|ExternalToolTests|HeliographBenchmarksTests" 2>&1 | tee -a .build/test-output.txt
    second=${PIPESTATUS[0]}
    [ "$status" -eq 0 ] && status=$second
else
    timeout 1500 swift test --skip-build "$@" 2>&1 | tee -a .build/test-output.txt
    status=${PIPESTATUS[0]}
fi
set -e

step "Done"
grep -E 'Test run with [0-9]+ tests? .*(passed|failed)' .build/test-output.txt || true
grep -E '✘ Test .* (failed|recorded an issue)' .build/test-output.txt | head -40 || true
if [ "$status" -ne 0 ]; then
    echo "TESTS FAILED (exit $status)"
fi
exit "$status"
