"""A Hoymiles DTU stand-in built on pymodbus (a Modbus TCP server we did not write).

Serves the port blocks and DTU serial of the fixture file at the DTU's byte addresses, plus 16
writable registers at 0x3000 for generic client tests. Listens on 127.0.0.1, port 0, prints
"READY <port>" once listening and stops when its standard input closes.

Usage: python3 pymodbus_dtu_server.py FIXTURE.json
"""
import asyncio
import json
import sys

# The server loop is the register server's (this script's folder is on sys.path when run).
from pymodbus_register_server import serve

def registers(hex_bytes):
    data = bytes.fromhex(hex_bytes.replace(" ", ""))
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def image(fixture):
    values = {}
    blocks = [vector["port_block_hex"] for vector in fixture["test_vectors"] if "port_block_hex" in vector]
    blocks.append(fixture["empty_block_example_hex"])
    for index, block in enumerate(blocks):
        base = 0x1000 + 0x28 * index
        for offset in range(0x28):
            values[base + offset] = 0
        for offset, value in enumerate(registers(block)):
            values[base + offset] = value
    for offset, value in enumerate(registers(fixture["dtu_serial"]["test_vector"]["pdu_data_hex"][3:])):
        values[0x2000 + offset] = value
    for offset in range(16):
        values[0x3000 + offset] = 0
    return values


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        fixture = json.load(handle)
    asyncio.run(serve(image(fixture)))


if __name__ == "__main__":
    main()
