#!/usr/bin/env python3
"""Bytes a browser transfers for the dashboard's page and static files: a first visit (empty cache)
and a repeat visit (the same address opened again), as headless Chromium reports them through the
DevTools protocol (Network.loadingFinished's encodedDataLength: headers plus body as sent on the wire).
API calls and the WebSocket are left out: they are the same before and after and carry live data.

    python3 Tests/Browser/page_bytes.py --url http://127.0.0.1:8080 [--path /charts]

Prints one line per visit and a JSON summary. Everything stays on 127.0.0.1.
"""
import argparse
import json
import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,900", "--no-first-run"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def visit(driver, url):
    driver.get_log("performance")  # drop what came before
    driver.get(url)
    deadline = time.time() + 20
    while time.time() < deadline and not driver.execute_script("return !!(window.heliograph && window.heliograph.page)"):
        time.sleep(0.1)
    time.sleep(1.0)  # late requests (icon) settle
    requests, sizes = {}, {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.responseReceived":
            response = params["response"]
            requests[params["requestId"]] = (response["url"], response["status"], response.get("fromDiskCache") or response.get("fromMemoryCache"))
        elif message["method"] == "Network.requestServedFromCache":
            url_, status, _ = requests.get(params["requestId"], ("?", 0, True))
            requests[params["requestId"]] = (url_, status, True)
        elif message["method"] == "Network.loadingFinished":
            sizes[params["requestId"]] = params.get("encodedDataLength", 0)
    rows = []
    for request_id, (address, status, cached) in requests.items():
        path = address.split("//", 1)[-1].split("/", 1)[-1]
        if path.startswith("api/") or address.startswith("ws"):
            continue
        rows.append({"path": "/" + path, "status": status, "cache": bool(cached), "bytes": 0 if cached else sizes.get(request_id, 0)})
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--path", default="/")
    args = parser.parse_args()
    driver = make_driver()
    driver.execute_cdp_cmd("Network.enable", {})
    try:
        summary = {}
        for name in ["first", "repeat"]:
            rows = visit(driver, args.url + args.path)
            total = sum(r["bytes"] for r in rows)
            summary[name] = {"bytes": total, "requests": rows}
            print(f"{name} visit: {total} bytes on the wire for {len(rows)} files: " +
                  ", ".join(f"{r['path']} {r['status']}{' (cache)' if r['cache'] else ''} {r['bytes']} B" for r in rows))
        print(json.dumps({k: v["bytes"] for k, v in summary.items()}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
