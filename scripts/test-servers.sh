# shellcheck shell=bash
# Starts the servers the integration tests share, on 127.0.0.1 only, before `swift test`, and passes
# their addresses by environment:
#
#   HELIOGRAPH_TEST_POSTGRES=postgres://heliograph:PASSWORD@127.0.0.1:PORT/heliograph
#   HELIOGRAPH_TEST_MQTT=127.0.0.1:PORT        (anonymous mosquitto, no persistence)
#
# The test helpers (PostgresServer.shared(), Mosquitto.shared() in Tests/HeliographTesting) use them
# when set and start their own when not, so `swift test --filter X` still works alone. Tests that
# stop, restart or configure a server (drills, TLS, users, persistence) still start private ones.
# A server that cannot start is reported and left out (the helpers then start their own).
# Sourced by scripts/test.sh; `stop_test_servers` (run on exit) stops them and removes their files.

test_servers_dir=
test_server_pids=()

stop_test_servers() {
    local pid
    for pid in "${test_server_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    for pid in "${test_server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    test_server_pids=()
    [ -n "$test_servers_dir" ] && rm -rf "$test_servers_dir"
    test_servers_dir=
}

# A TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to $2 seconds until 127.0.0.1:$1 accepts connections.
wait_for_port() {
    local deadline=$(( $(date +%s) + $2 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

start_test_mosquitto() {
    local mosquitto
    mosquitto=$(command -v mosquitto || ls /usr/sbin/mosquitto 2>/dev/null || true)
    [ -n "$mosquitto" ] || { echo "  mosquitto: not installed; the tests start their own or skip"; return 0; }
    local dir="$test_servers_dir/mosquitto" port
    mkdir -p "$dir"
    port=$(free_port)
    {
        echo "listener $port 127.0.0.1"
        echo "allow_anonymous true"
        echo "persistence false"
        echo "max_queued_messages 0"
        echo "log_dest file $dir/mosquitto.log"
        # As root mosquitto would switch to the user "mosquitto", which may not reach the directory.
        if [ "$(id -u)" -eq 0 ]; then echo "user root"; fi
    } > "$dir/mosquitto.conf"
    "$mosquitto" -c "$dir/mosquitto.conf" </dev/null >/dev/null 2>&1 &
    test_server_pids+=("$!")
    if wait_for_port "$port" 10; then
        export HELIOGRAPH_TEST_MQTT="127.0.0.1:$port"
        echo "  mosquitto: HELIOGRAPH_TEST_MQTT=$HELIOGRAPH_TEST_MQTT"
    else
        echo "  mosquitto did not start: $(tail -3 "$dir/mosquitto.log" 2>/dev/null)"
    fi
}

start_test_postgres() {
    local bin=${HELIOGRAPH_PG_BIN:-}
    [ -n "$bin" ] || bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -x "$bin/initdb" ] || { echo "  PostgreSQL: not installed; the tests start their own or skip"; return 0; }
    local dir="$test_servers_dir/postgres" port password="pw-$RANDOM$RANDOM"
    mkdir -p "$dir"
    printf '%s\n' "$password" > "$dir/password"
    # PostgreSQL refuses to run as root: as root, run it as the postgres user the package creates.
    local as=()
    if [ "$(id -u)" -eq 0 ]; then
        local account=postgres
        id "$account" >/dev/null 2>&1 || account=nobody
        chown -R "$account" "$dir"
        as=(setpriv --reuid="$account" --regid="$(id -g "$account")" --clear-groups --)
    fi
    if ! "${as[@]}" "$bin/initdb" -D "$dir/data" -U heliograph --auth=scram-sha-256 --pwfile="$dir/password" \
        -E UTF8 --no-locale --no-sync > "$dir/initdb.log" 2>&1; then
        echo "  PostgreSQL: initdb failed: $(tail -3 "$dir/initdb.log")"
        return 0
    fi
    port=$(free_port)
    "${as[@]}" "$bin/postgres" -D "$dir/data" -p "$port" -h 127.0.0.1 -c unix_socket_directories= -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c log_min_messages=warning \
        </dev/null > "$dir/postgres.log" 2>&1 &
    test_server_pids+=("$!")
    local psql=(env PGPASSWORD="$password" PGCONNECT_TIMEOUT=5 "$bin/psql" -h 127.0.0.1 -p "$port" -U heliograph -v ON_ERROR_STOP=1 -At)
    local deadline=$(( $(date +%s) + 60 ))
    until "${psql[@]}" -d postgres -c "SELECT 1" >/dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "  PostgreSQL did not start: $(tail -3 "$dir/postgres.log")"
            return 0
        fi
        sleep 0.2
    done
    if ! "${psql[@]}" -d postgres -c "CREATE DATABASE heliograph" > "$dir/create.log" 2>&1; then
        echo "  PostgreSQL: CREATE DATABASE failed: $(tail -3 "$dir/create.log")"
        return 0
    fi
    export HELIOGRAPH_TEST_POSTGRES="postgres://heliograph:$password@127.0.0.1:$port/heliograph"
    echo "  PostgreSQL: HELIOGRAPH_TEST_POSTGRES=postgres://heliograph:…@127.0.0.1:$port/heliograph"
}

start_test_servers() {
    test_servers_dir=$(mktemp -d /tmp/heliograph-test-servers.XXXXXX)
    chmod 755 "$test_servers_dir"
    start_test_mosquitto
    start_test_postgres
}
