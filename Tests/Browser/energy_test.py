#!/usr/bin/env python3
"""The Energy page and the dashboard's today-kWh in real headless Chromium (the helpers of
browser_test.py). Given two servers over the same day, one with a tariff and one without, and the
figures worked out by hand for that day (--expected, JSON), it checks that the page shows them, that
previous/next and the period tabs move the period, that the money block appears only with a tariff,
and that the dashboard's power-flow nodes show today's kWh as the API gives them. Screenshots of the
Energy page and the dashboard at 1440x900 and 390x844 in both themes go to --artifacts.
"""
import argparse
import json
import os
import sys
import time

from selenium.webdriver.common.by import By

import browser_test as bt
from browser_test import WebDriverWait, check, texts


def kwh_text(value):
    """The page's kWh format (energy.js kwh())."""
    a = abs(value)
    text = f"{value:.0f}" if a >= 100 else f"{value:.1f}" if a >= 10 else f"{value:.2f}"
    return text.lstrip("-") + " kWh" if float(text) == 0 else text + " kWh"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="server with a tariff")
    parser.add_argument("--url-without-tariff", required=True)
    parser.add_argument("--expected", required=True, help="hand-computed figures of the day, JSON")
    parser.add_argument("--artifacts", default="artifacts/browser-energy")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    for url in (args.url, args.url_without_tariff):
        bt.wait_http(url, 60)
    run_checks(args, json.loads(args.expected))
    passed = sum(1 for r in bt.results if r[1])
    failed = len(bt.results) - passed
    print(f"energy browser: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not bt.results else 0)


def run_checks(args, expected):
    url = args.url
    date = expected["date"]
    driver = bt.make_driver(1440, 900)
    wait = WebDriverWait(driver, 20)
    console_errors = []

    def shot(name):
        time.sleep(0.3)  # let the canvas settle
        driver.save_screenshot(os.path.join(args.artifacts, name + ".png"))

    def energy_loaded(period, first_day):
        # The page has asked the API and drawn the answer for this period (the view is replaced on
        # every route, so a stale one cannot match once the address has changed).
        wait.until(lambda d: d.execute_script(
            "const v = document.getElementById('view'); return v && v.dataset.page === 'energy' && v.dataset.period === arguments[0]"
            " && v.dataset.firstDay === arguments[1] && new URLSearchParams(location.search).get('period') === arguments[0] && !!v.querySelector('#energy-flows')",
            period, first_day))

    def open_energy(base, period, day, first_day):
        driver.get(f"{base}/energy?period={period}&date={day}")
        energy_loaded(period, first_day)

    def flows():
        return driver.execute_script(
            "return Object.fromEntries([...document.querySelectorAll('#energy-flows tr[data-flow]')].map(r => [r.dataset.flow,"
            " {kwh: r.dataset.kwh, text: r.querySelector('.kwh').textContent, provenance: r.querySelector('.provenance').textContent}]))")

    def node_kwh():
        # Each node's kWh lines; the <title> child is the tooltip.
        return dict(driver.execute_script(
            "return [...document.querySelectorAll('#flow .node-kwh')].map(t => [t.dataset.role, [...t.querySelectorAll('tspan')].map(s => s.textContent)])"))

    def bar_rows():
        return driver.execute_script(
            "return [...document.querySelectorAll('#energy-bar-table tbody tr')].map(r => ({key: r.dataset.bar,"
            " pv: (r.querySelector('td[data-flow=pv]') || {}).textContent}))")

    @check("the Energy page shows the hand-computed kWh of the day, their sources and coverage")
    def day_figures():
        open_energy(url, "day", date, date)
        shown = flows()
        for flow, value in expected["flows"].items():
            row = shown[flow]
            assert abs(float(row["kwh"]) - value) <= 0.0005, (flow, row, value)
            assert row["text"] == kwh_text(round(value, 3)), (flow, row["text"], kwh_text(value))
        for flow, source in expected["sources"].items():
            words = {"counter": "device counter", "integrated": "integrated from power"}[source]
            assert shown[flow]["provenance"] == f"{words}, 100 % covered", (flow, shown[flow])
        print(f"    flows: { {f: r['text'] for f, r in shown.items()} }")
        title = driver.title
        assert title.startswith("Energy · ") and "2026" in title and title.endswith("· Heliograph"), title
        # 24 hour bars; the counter rose 1 kWh in each hour from 08:00 to 16:00.
        rows = bar_rows()
        assert len(rows) == 24, rows
        assert [r["pv"] for r in rows] == ["0.00 kWh"] * 8 + ["1.00 kWh"] * 8 + ["0.00 kWh"] * 8, rows
        assert int(driver.find_element(By.ID, "energy-bars").get_attribute("data-points") or 0) > 0

    @check("self-sufficiency and self-consumption are shown as hand-computed")
    def ratios():
        shown = dict(driver.execute_script(
            "return [...document.querySelectorAll('.ratio')].map(r => [r.dataset.ratio, [r.querySelector('.ratio-value').textContent, Number(r.querySelector('meter').value)]])"))
        for name, share in expected["ratios"].items():
            text, meter = shown[name]
            assert text == f"{share * 100:.1f} %", (name, text, share)
            assert abs(meter - share) < 0.0001, (name, meter, share)

    @check("with a tariff the page shows cost, earnings and savings")
    def tariff():
        shown = dict(driver.execute_script(
            "return [...document.querySelectorAll('#energy-tariff .money-item')].map(m => [m.dataset.money, [Number(m.dataset.value), m.querySelector('strong').textContent]])"))
        for name, value in expected["money"].items():
            number, text = shown[name]
            assert abs(number - value) < 0.0001, (name, number, value)
            assert f"{value:.2f}" in text, (name, text, value)
        assert not driver.find_elements(By.ID, "energy-no-tariff")
        print(f"    money: { {k: v[1] for k, v in shown.items()} }")

    @check("previous and next move the day; the tabs switch to week, month and year")
    def paging():
        open_energy(url, "day", date, date)
        driver.find_element(By.ID, "energy-next").click()
        energy_loaded("day", "2026-01-16")
        assert driver.execute_script("return location.pathname + location.search") == "/energy?period=day&date=2026-01-16"
        assert driver.find_element(By.ID, "energy-date").get_attribute("value") == "2026-01-16"
        shown = flows()
        assert shown["pv"]["text"] == "–" and shown["pv"]["provenance"] == "no data", shown["pv"]
        driver.find_element(By.ID, "energy-previous").click()
        energy_loaded("day", date)
        driver.find_element(By.ID, "energy-previous").click()
        energy_loaded("day", "2026-01-14")
        # The date picker jumps straight to a day.
        driver.execute_script("const i = document.getElementById('energy-date'); i.value = arguments[0]; i.dispatchEvent(new Event('change'))", date)
        energy_loaded("day", date)
        driver.find_element(By.CSS_SELECTOR, ".segmented a[data-period=week]").click()
        energy_loaded("week", "2026-01-12")  # the ISO week holding Thursday 15 January starts on Monday 12
        rows = bar_rows()
        assert len(rows) == 7 and rows[3]["key"] == date and rows[3]["pv"] == "8.00 kWh", rows
        assert flows()["pv"]["text"] == "8.00 kWh"
        driver.find_element(By.ID, "energy-next").click()
        energy_loaded("week", "2026-01-19")
        driver.find_element(By.CSS_SELECTOR, ".segmented a[data-period=month]").click()
        energy_loaded("month", "2026-01-01")
        assert len(bar_rows()) == 31
        driver.find_element(By.CSS_SELECTOR, ".segmented a[data-period=year]").click()
        energy_loaded("year", "2026-01-01")
        rows = bar_rows()
        assert len(rows) == 12 and rows[0]["pv"] == "8.00 kWh", rows
        # The year also holds the fixture's today (for the dashboard), so only January is the day alone.
        assert flows()["pv"]["kwh"] != "" and float(flows()["pv"]["kwh"]) >= expected["flows"]["pv"], flows()["pv"]
        driver.find_element(By.ID, "energy-previous").click()
        energy_loaded("year", "2025-01-01")
        shot("energy-year-previous")

    @check("without a tariff the money block says how to set one")
    def no_tariff():
        open_energy(args.url_without_tariff, "day", date, date)
        block = driver.find_element(By.ID, "energy-no-tariff").text
        assert "No tariff is set" in block and "tariff:" in block and "import_price:" in block, block
        assert not driver.find_elements(By.ID, "energy-tariff")
        # The energy itself is the same.
        assert abs(float(flows()["pv"]["kwh"]) - expected["flows"]["pv"]) <= 0.0005
        driver.execute_script("document.getElementById('energy-money').scrollIntoView({block: 'end'})")
        shot("energy-no-tariff-modern-1440x900")

    @check("every control on the Energy page has a name")
    def labelled():
        open_energy(url, "day", date, date)
        unnamed = driver.execute_script("""
            return [...document.querySelectorAll('#view a, #view button, #view input')].filter(e => {
              const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
              return !(e.getAttribute('aria-label') || e.textContent.trim() || label.trim());
            }).map(e => e.outerHTML)""")
        assert not unnamed, unnamed

    @check("the dashboard's power-flow nodes show today's kWh from the API")
    def dashboard_kwh():
        driver.get(f"{url}/")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#flow .node-kwh[data-role=pv]"))
        today = bt.api(url, "/api/v1/energy?period=day")["site"]["flows"]
        shown = node_kwh()
        tooltips = driver.execute_script("return [...document.querySelectorAll('#flow .node-kwh title')].map(t => t.textContent)")
        assert len(tooltips) == 4 and all(t.startswith("Today: ") and "covered" in t for t in tooltips), tooltips
        for role in ("pv", "load"):
            assert shown[role] == [kwh_text(today[role]["kwh"])], (role, shown[role], today[role])
        assert today["pv"]["kwh"] > 0, today["pv"]
        assert shown["grid"] == ["+" + kwh_text(today["grid_import"]["kwh"]), "−" + kwh_text(today["grid_export"]["kwh"])], shown
        assert shown["battery"] == ["+" + kwh_text(today["battery_charge"]["kwh"]), "−" + kwh_text(today["battery_discharge"]["kwh"])], shown
        print(f"    nodes: {shown}")

    @check("Energy page and dashboard at 1440x900 and 390x844 in both themes, without sideways scrolling")
    def screenshots():
        for theme in ["modern", "lcars"]:
            for width, height in [(1440, 900), (390, 844)]:
                driver.set_window_size(width, height)
                for page, ready in [(f"energy?period=day&date={date}&", lambda d: d.find_elements(By.CSS_SELECTOR, "#energy-tariff")),
                                    ("dashboard", lambda d: d.find_elements(By.CSS_SELECTOR, "#flow .node-kwh"))]:
                    driver.get(f"{url}/{page}" + ("" if page.endswith("&") else "?") + f"theme={theme}")
                    wait.until(lambda d: d.execute_script("return document.documentElement.dataset.theme") == theme)
                    wait.until(ready)
                    driver.execute_script("window.scrollTo(0, 0)")  # a page change without a reload keeps the previous page's scroll
                    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                    name = page.split("?")[0]  # the shot is named after the path, not its query
                    shot(f"{name}-{theme}-{width}x{height}")
                    if name == "energy":  # the flows, ratios and money below the fold
                        driver.execute_script("document.getElementById('energy-money').scrollIntoView({block: 'end'})")
                        shot(f"{name}-{theme}-{width}x{height}-lower")
                    assert overflow <= 1, f"{name} is {overflow}px wider than the window at {width}x{height} in {theme}"
        driver.execute_script("localStorage.setItem('heliograph.theme', 'modern')")

    bt.run_steps(driver, [day_figures, ratios, tariff, paging, no_tariff, labelled, dashboard_kwh, screenshots],
                 console_errors, bt.console_collector(driver, console_errors))


if __name__ == "__main__":
    main()
