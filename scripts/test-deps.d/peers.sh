# Independent implementations the drivers are checked against (issue 18): mppsolar (PI30),
# pysolarmanv5 (Solarman V5 / Deye) and hoymiles_modbus (Hoymiles DTU), from PyPI, pinned, in a
# virtualenv of their own: mppsolar pins paho-mqtt 1.x, while the MQTT tests use paho-mqtt 2.x.
# The tests find it at ~/.cache/heliograph/peers (or $HELIOGRAPH_PEERS_PYTHON).
peers_venv="${HOME}/.cache/heliograph/peers"
if ! "$peers_venv/bin/python" -c 'import mppsolar, pysolarmanv5, hoymiles_modbus' >/dev/null 2>&1; then
    # Debian's python3 needs python3-venv for `-m venv` (pyenv's has it built in).
    python3 -c 'import ensurepip' >/dev/null 2>&1 || apt_install python3-venv || true
    rm -rf "$peers_venv"
    python3 -m venv "$peers_venv" >/dev/null 2>&1 \
        && "$peers_venv/bin/python" -m pip install -q --disable-pip-version-check \
            'mppsolar==0.16.56' 'pysolarmanv5==3.0.6' 'hoymiles_modbus==0.10.0' >/dev/null 2>&1 \
        || echo "peers.sh: could not install mppsolar, pysolarmanv5 and hoymiles_modbus" >&2
fi
