"""A Modbus TCP server built on pymodbus (a server we did not write) serving a register image.

Holding registers 0 to SIZE-1 are zero except those the image file sets, and all are writable
(functions 0x06 and 0x10). Listens on 127.0.0.1, port 0, prints "READY <port>" once listening and
stops when its standard input closes.

Usage: python3 pymodbus_register_server.py IMAGE.json
IMAGE.json: {"size": 1024, "registers": {"59": 2, "60": 123, ...}} (decimal addresses)
"""
import asyncio
import json
import logging
import sys

from pymodbus.datastore import ModbusDeviceContext, ModbusServerContext, ModbusSparseDataBlock
from pymodbus.server import ModbusTcpServer


async def serve(values):
    """Serves `values` (address -> register) as holding registers until standard input closes."""
    logging.disable(logging.WARNING)
    context = ModbusServerContext(devices=ModbusDeviceContext(hr=ModbusSparseDataBlock(values)), single=True)
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


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        image = json.load(handle)
    values = {address: 0 for address in range(image["size"])}
    for address, value in image["registers"].items():
        values[int(address)] = value
    asyncio.run(serve(values))


if __name__ == "__main__":
    main()
