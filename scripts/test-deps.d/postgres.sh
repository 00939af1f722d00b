# PostgreSQL store tests: a real PostgreSQL server (Debian's postgresql, 15 on bookworm). The tests make
# their own cluster with initdb in a temporary directory, as the `postgres` user the package creates
# when they run as root; the cluster the package may start itself is not used.
# Sourced by the test script; idempotent and quiet.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    apt_install postgresql postgresql-contrib || echo "postgres.sh: could not install postgresql" >&2
fi
# The tests start the server through a python3 shim that resets the inherited signal mask.
command -v python3 >/dev/null 2>&1 || apt_install python3
