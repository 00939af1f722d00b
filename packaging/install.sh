#!/bin/sh
# Installs Heliograph: builds a release binary, then installs it with the systemd unit, the udev
# rule, an example configuration and the Grafana dashboards.
#
#   sudo sh packaging/install.sh                 # build and install into /usr/local and /etc
#   DESTDIR=/tmp/root sh packaging/install.sh    # stage into a directory (packagers, tests)
#
# Variables: PREFIX (/usr/local), SYSCONFDIR (/etc), UNITDIR ($SYSCONFDIR/systemd/system),
# UDEVRULESDIR ($SYSCONFDIR/udev/rules.d), DESTDIR (empty), HELIOGRAPH_BINARY (a binary to install
# instead of building one). With an empty DESTDIR and as root it also creates the `heliograph` group
# and reloads udev and systemd; it never overwrites an existing configuration.
set -eu

PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
UNITDIR=${UNITDIR:-$SYSCONFDIR/systemd/system}
UDEVRULESDIR=${UDEVRULESDIR:-$SYSCONFDIR/udev/rules.d}
DESTDIR=${DESTDIR:-}

here=$(cd "$(dirname "$0")" && pwd)
repository=$(dirname "$here")

say() { printf '%s\n' "$*"; }
fail() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

case "$PREFIX" in
/*) ;;
*) fail "PREFIX must be an absolute path, got '$PREFIX'" ;;
esac

if [ -n "${HELIOGRAPH_BINARY:-}" ]; then
    binary=$HELIOGRAPH_BINARY
else
    command -v swift >/dev/null 2>&1 || fail "swift not found; install Swift 6.3 (https://swift.org/install) or set HELIOGRAPH_BINARY"
    say "Building the release binary (takes a while the first time)..."
    (cd "$repository" && swift build -c release --product heliograph)
    binary="$(cd "$repository" && swift build -c release --show-bin-path)/heliograph"
fi
[ -x "$binary" ] || fail "no executable at $binary"

bindir=$PREFIX/bin
configdir=$SYSCONFDIR/heliograph
sharedir=$PREFIX/share/heliograph

say "Installing into ${DESTDIR:-/}"
install -d -m 0755 "$DESTDIR$bindir" "$DESTDIR$UNITDIR" "$DESTDIR$UDEVRULESDIR" "$DESTDIR$sharedir"
install -m 0755 "$binary" "$DESTDIR$bindir/heliograph"

# The unit names the binary by its installed path.
sed "s#/usr/local/bin/heliograph#$bindir/heliograph#g" "$here/systemd/heliograph.service" >"$DESTDIR$UNITDIR/heliograph.service"
chmod 0644 "$DESTDIR$UNITDIR/heliograph.service"
install -m 0644 "$here/udev/60-heliograph.rules" "$DESTDIR$UDEVRULESDIR/60-heliograph.rules"

# Configuration: readable by the service's group only; secrets directory for root only.
install -d -m 0755 "$DESTDIR$configdir"
install -d -m 0700 "$DESTDIR$configdir/secrets"
install -m 0644 "$here/heliograph.example.yaml" "$DESTDIR$sharedir/heliograph.example.yaml"
if [ -e "$DESTDIR$configdir/heliograph.yaml" ]; then
    say "Keeping the existing $configdir/heliograph.yaml"
else
    install -m 0640 "$here/heliograph.example.yaml" "$DESTDIR$configdir/heliograph.yaml"
fi

if [ -d "$here/grafana" ]; then
    install -d -m 0755 "$DESTDIR$sharedir/grafana"
    for dashboard in "$here"/grafana/*.json; do
        [ -e "$dashboard" ] && install -m 0644 "$dashboard" "$DESTDIR$sharedir/grafana/"
    done
fi

if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ]; then
    getent group heliograph >/dev/null 2>&1 || groupadd --system heliograph
    chgrp heliograph "$configdir/heliograph.yaml"
    if command -v udevadm >/dev/null 2>&1; then
        udevadm control --reload || true
        udevadm trigger --subsystem-match=hidraw || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload
    fi
    say ""
    say "Installed. Next:"
    say "  1. heliograph scan                          # find your inverter, copy the snippet"
    say "  2. edit $configdir/heliograph.yaml, then: heliograph config check $configdir/heliograph.yaml"
    say "  3. systemctl enable --now heliograph && journalctl -u heliograph -f"
else
    say ""
    say "Staged. On the target machine, as root: create the group (groupadd --system heliograph),"
    say "chgrp heliograph $configdir/heliograph.yaml, reload udev (udevadm control --reload &&"
    say "udevadm trigger --subsystem-match=hidraw) and systemd (systemctl daemon-reload)."
fi
