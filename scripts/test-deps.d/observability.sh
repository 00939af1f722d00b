# Observability tests: Debian's prometheus (promtool checks our /metrics, a real server scrapes it)
# and influxdb 1.x (the InfluxDB sink writes to a real server, through an outage).
# Sourced by the test script; idempotent and quiet. The daemons are only installed here: the tests
# start their own copies on 127.0.0.1 with temporary configs and data directories.
observability_install() {
    if declare -F apt_install >/dev/null; then apt_install "$@"
    else apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; fi
}
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    observability_install prometheus || echo "observability.sh: could not install prometheus (promtool)" >&2
fi
if ! command -v influxd >/dev/null 2>&1; then
    observability_install influxdb || echo "observability.sh: could not install influxdb" >&2
fi
# The packages start their services on install where systemd runs; the tests need none of them.
for service in prometheus influxdb; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
        systemctl stop "$service" >/dev/null 2>&1 || true
    fi
done
