# Hoymiles/Modbus TCP tests check our codec against pymodbus, a Modbus TCP server we did not write.
python3 -c 'import pymodbus' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check 'pymodbus>=3.10,<3.17' >/dev/null 2>&1 || true
