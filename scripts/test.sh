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
# With no arguments, two runs: the unit tests first, then the integration tests
# (Tests/HeliographIntegrationTests), which start real servers and programs as child processes
# (mosquitto, PostgreSQL, InfluxDB, Prometheus, pymodbus, paho, the heliograph binary itself and the
# short soak), so those do not compete for the 2 cores with the timing-sensitive driver tests. Any
# suite may share a process with any other: children are started by HeliographTesting's ChildProcess
# (see its doc comment for the hang that happened when they were not).
# Every test that needs an outside server or program lives in that one target (Chromium, schemathesis
# and pymodbus too, with the fixtures they share with unit tests in Tests/HeliographWebTesting and
# Tests/HeliographHoymilesTesting).
integration="HeliographIntegrationTests"
# At most this many tests run at once in each run. Unlimited, all ~600 unit tests start together;
# on a machine that other work keeps busy (load 12 on 2 cores) the process then gets so little CPU
# per test that 5 s device timeouts expire in the first 40 s (20-55 failures per run, the run taking
# 250 s); with 16 at a time the same machine ran the unit tests in 130 s with 2 timing failures.
width="${HELIOGRAPH_TEST_WIDTH:-16}"
set +e
: > .build/test-output.txt
if [ "$#" -eq 0 ]; then
    timeout 1200 swift test --skip-build --experimental-maximum-parallelization-width "$width" --skip "$integration" 2>&1 | tee -a .build/test-output.txt
    status=${PIPESTATUS[0]}
    step "Starting the servers the integration tests share (127.0.0.1 only)"
    # shellcheck source=scripts/test-servers.sh
    source scripts/test-servers.sh
    trap stop_test_servers EXIT
    start_test_servers
    step "Running integration tests (real servers and programs)"
    : > .build/integration-output.txt
    timeout 1500 swift test --skip-build --experimental-maximum-parallelization-width "$width" --filter "$integration" 2>&1 | tee .build/integration-output.txt | tee -a .build/test-output.txt
    second=${PIPESTATUS[0]}
    [ "$status" -eq 0 ] && status=$second
else
    timeout 1500 swift test --skip-build --experimental-maximum-parallelization-width "$width" "$@" 2>&1 | tee -a .build/test-output.txt
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
