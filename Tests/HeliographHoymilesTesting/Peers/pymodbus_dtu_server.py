"""A Hoymiles DTU stand-in built on pymodbus (a Modbus TCP server we did not write).

Serves the port blocks and DTU serial of the fixture file at the DTU's byte addresses, plus 16
writable registers at 0x3000 for generic client tests. Listens on 127.0.0.1, port 0, prints
"READY <port>" once listening and stops when its standard input closes.

Usage: python3 pymodbus_dtu_server.py FIXTURE.json
"""
import asyncio
import json
import logging
import sys

from pymodbus.datastore import ModbusDeviceContext, ModbusServerContext, ModbusSparseDataBlock
from pymodbus.server import ModbusTcpServer

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


async def main():
    logging.disable(logging.WARNING)
    with open(sys.argv[1], encoding="utf-8") as handle:
        fixture = json.load(handle)
    context = ModbusServerContext(devices=ModbusDeviceContext(hr=ModbusSparseDataBlock(image(fixture))), single=True)
    server = ModbusTcpServer(context, address=("127.0.0.1", 0))
    serving = asyncio.create_task(server.serve_forever())
    while getattr(server, "transport", None) is None or not getattr(server.transport, "sockets", None):
        if serving.done():
            serving.result()
        await asyncio.sleep(0.01)
    port = server.transport.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
