"""Reads a Hoymiles DTU with hoymiles_modbus (a client we did not write), default settings.

Prints one JSON object: the DTU serial and every port block as the library decodes it.

Usage: python hoymiles_modbus_client.py HOST PORT
"""
import json
import sys

from hoymiles_modbus.client import HoymilesModbusTCP


def main():
    client = HoymilesModbusTCP(sys.argv[1], port=int(sys.argv[2]))
    inverters = [
        {
            "serial_number": data.serial_number,
            "port_number": data.port_number,
            "pv_voltage": float(data.pv_voltage),
            "pv_current": float(data.pv_current),
            "grid_voltage": float(data.grid_voltage),
            "grid_frequency": float(data.grid_frequency),
            "pv_power": float(data.pv_power),
            "today_production": data.today_production,
            "total_production": data.total_production,
            "temperature": float(data.temperature),
            "operating_status": data.operating_status,
            "alarm_code": data.alarm_code,
            "link_status": data.link_status,
        }
        for data in client.inverters
    ]
    print(json.dumps({"dtu": client.dtu, "inverters": inverters}))


if __name__ == "__main__":
    main()
