"""Talks to a Solarman V5 logger with pysolarmanv5 (a client we did not write), default settings.

Runs a list of steps given as JSON and prints one JSON list with each step's result:
["read", START, COUNT] reads holding registers (function 0x03), ["write", REGISTER, VALUE] writes one
(function 0x06), ["write_multiple", START, [VALUES]] writes several (function 0x10). A step the
logger refuses gives {"error": "..."} and the next step runs.

Usage: python pysolarmanv5_client.py HOST PORT LOGGER_SERIAL 'STEPS_JSON'
"""
import json
import sys

from pysolarmanv5 import PySolarmanV5


def main():
    host, port, serial, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
    logger = PySolarmanV5(host, serial, port=port)
    results = []
    try:
        for step in steps:
            try:
                if step[0] == "read":
                    results.append(logger.read_holding_registers(step[1], step[2]))
                elif step[0] == "write":
                    results.append(logger.write_holding_register(step[1], step[2]))
                elif step[0] == "write_multiple":
                    results.append(logger.write_multiple_holding_registers(step[1], step[2]))
                else:
                    results.append({"error": f"unknown step {step[0]}"})
            except Exception as error:  # the logger's refusal is a result, not a crash
                results.append({"error": f"{type(error).__name__}: {error}"})
    finally:
        logger.disconnect()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
