#!/usr/bin/env python3
"""Drives the Heliograph dashboard in real headless Chromium (Debian chromium + chromium-driver,
through selenium) and checks what a person would see: every page renders data, live samples
arrive over the WebSocket within a second, a command round-trips and shows its outcome, and the
browser console stays free of errors. Screenshots of every page, both themes, desktop and phone
width, go to --artifacts.

Either point it at a running server (--url) or let it start one (--start 'heliograph demo ...'
with {port} in the command). Everything stays on 127.0.0.1.
"""
import argparse
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import traceback
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait as SeleniumWait

# Live samples re-render parts of the page several times a second, so an element found a moment
# ago may be gone: waits retry on stale or missing elements, and reads go through one script call.
TRANSIENT = (StaleElementReferenceException, NoSuchElementException)


def WebDriverWait(driver, seconds):
    return SeleniumWait(driver, seconds, ignored_exceptions=TRANSIENT)


def retry(action, attempts=10):
    for attempt in range(attempts):
        try:
            return action()
        except TRANSIENT:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def texts(driver, selector):
    return driver.execute_script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", selector)

results = []


def check(name):
    def wrap(fn):
        def run(*args):
            started = time.time()
            try:
                fn(*args)
                results.append((name, True, ""))
                print(f"  ✔ {name} ({time.time() - started:.1f} s)", flush=True)
            except Exception as error:  # report and continue with the next check
                results.append((name, False, repr(error)))
                print(f"  ✘ {name}: {error!r}", flush=True)
                traceback.print_exc()
        return run
    return wrap


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not become ready in {seconds} s")


def api(url, path):
    with urllib.request.urlopen(url + path, timeout=5) as r:
        return json.loads(r.read())


def api_with_token(url, path, token):
    request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=5) as r:
        return json.loads(r.read())


def console_collector(driver, errors):
    """A function that adds the browser console's errors since its last call to `errors`."""
    def collect():
        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                errors.append(entry.get("message", ""))
    return collect


def run_steps(driver, steps, console_errors, collect_console):
    """Runs each check, gathering the console's errors after each; then checks there were none and closes the browser."""
    for step in steps:
        step()
        collect_console()

    @check("no console errors")
    def console():
        assert not console_errors, console_errors

    console()
    driver.quit()


def make_driver(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingOptions", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="base URL of a running server")
    parser.add_argument("--start", help="command that starts a server; {port} is replaced")
    parser.add_argument("--token", default=os.environ.get("HELIOGRAPH_TOKEN", ""), help="API token for the command round trip")
    parser.add_argument("--artifacts", default="artifacts/browser")
    parser.add_argument("--require-command", action="store_true", help="fail when no controllable setting exists")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)

    process = None
    url = args.url
    if args.start:
        port = free_port()
        command = args.start.replace("{port}", str(port))
        log = open(os.path.join(args.artifacts, "server.log"), "w")
        process = subprocess.Popen(shlex.split(command), stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
    if not url:
        parser.error("--url or --start is required")
    try:
        wait_http(url, 60)
        run_checks(url, args)
    finally:
        if process:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    print(f"browser: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not results else 0)


def run_checks(url, args):
    driver = make_driver(1280, 900)
    wait = WebDriverWait(driver, 15)
    shots = args.artifacts
    console_errors = []
    collect_console = console_collector(driver, console_errors)

    def go(page):
        driver.get(f"{url}/{page}")  # every page has a path (router.js)
        wait.until(lambda d: d.execute_script("return window.heliograph && window.heliograph.page === arguments[0]", page.split("/")[0]))

    def shot(name):
        time.sleep(0.3)  # let canvases and CSS transitions settle
        driver.save_screenshot(os.path.join(shots, name + ".png"))

    devices = api(url, "/api/v1/devices")

    @check("dashboard shows the power flow with watts")
    def dashboard():
        go("dashboard")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#flow svg .node-value"))
        wait.until(lambda d: any("W" in t for t in texts(d, ".tile .value")))
        values = texts(driver, "#flow .node-value")
        assert any(v.endswith("W") for v in values), values
        wait.until(lambda d: int(d.find_element(By.ID, "dash-chart").get_attribute("data-points") or 0) > 0)
        shot("dashboard-modern")

    @check("live samples arrive over the WebSocket within a second")
    def live():
        go("dashboard")
        wait.until(lambda d: d.find_element(By.ID, "live-status").text == "live")
        driver.execute_script("""
            window.__lat = [];
            document.addEventListener('heliograph:sample', (e) => {
              if (e.detail.type === 'sample') window.__lat.push(Date.now() - Date.parse(e.detail.sample.time));
            });""")
        WebDriverWait(driver, 20).until(lambda d: len(d.execute_script("return window.__lat")) >= 3)
        latencies = driver.execute_script("return window.__lat")
        print(f"    sample → page latency ms: {latencies}")
        assert min(latencies) < 1000 and sorted(latencies)[len(latencies) // 2] < 1000, latencies

    @check("when the WebSocket drops, the page polls and then reconnects")
    def fallback():
        go("dashboard")
        wait.until(lambda d: d.find_element(By.ID, "live-status").text == "live")
        before = driver.execute_script("window.heliograph.lastSampleAt = 0; window.heliograph.socket.close(); return 0")
        wait.until(lambda d: d.find_element(By.ID, "live-status").text == "polling")
        wait.until(lambda d: d.execute_script("return window.heliograph.lastSampleAt") > before)
        WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "live-status").text == "live")

    @check("devices page lists every device with values")
    def devices_page():
        go("devices")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "a.card.device")) == len(devices))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "dl.values dd[data-field]"))
        shot("devices")
        go("devices/" + devices[0]["id"])
        wait.until(lambda d: int(d.find_element(By.ID, "detail-chart").get_attribute("data-points") or 0) > 0)
        shot("device-detail")

    def chart_view():
        # What the charts page shows: the window (ms), its title, the step, live samples added, the URL.
        return driver.execute_script("""
            const s = document.getElementById('chart-stack'), t = document.getElementById('win-title');
            return s && s.dataset.from ? {from: Number(s.dataset.from), to: Number(s.dataset.to), step: s.dataset.step,
              live: Number(s.dataset.live || 0), title: t.textContent, hash: location.pathname + location.search,
              zone: window.heliograph.timeZone || null} : null""")

    def open_charts(query):
        driver.get(f"{url}/charts?{query}")
        wait.until(lambda d: d.execute_script("return window.heliograph && window.heliograph.page === 'charts'"))
        wait.until(lambda d: chart_view() is not None)
        return chart_view()

    def changed_view(before):
        WebDriverWait(driver, 15).until(lambda d: (chart_view() or before)["from"] != before["from"] or (chart_view() or before)["to"] != before["to"])
        return chart_view()

    def local_clock(t):
        return driver.execute_script("return HelioAxis.formatClock(arguments[0], window.heliograph.timeZone)", t)

    inverter = next(d for d in devices if any(f["id"] == "pv_power_w" for f in d["fields"]))
    pv = inverter["id"] + "/pv_power_w"

    @check("chart axes: nice ticks with the decimals their step needs, scaled units, calendar time ticks, gaps (JS, in Chromium)")
    def tick_algorithm():
        go("dashboard")
        problems = driver.execute_script("""
            const A = HelioAxis, out = [];
            const expect = (name, got, want) => { if (JSON.stringify(got) !== JSON.stringify(want)) out.push(name + ': ' + JSON.stringify(got) + ' != ' + JSON.stringify(want)); };
            expect('mains voltage', A.valueTicks(229.6, 230.4).ticks.map(v => A.formatNumber(v, A.valueTicks(229.6, 230.4).decimals)), ['229.6', '229.8', '230.0', '230.2', '230.4']);
            const flat = A.valueTicks(230, 230); expect('flat 230 V: distinct labels', new Set(flat.ticks.map(v => A.formatNumber(v, flat.decimals))).size, flat.ticks.length);
            expect('quarter steps', A.valueTicks(0, 1.1).decimals, 2);
            expect('kW', A.scaleUnit('W', 4870), {unit: 'kW', factor: 1000});
            expect('W stays', A.scaleUnit('W', 870), {unit: 'W', factor: 1});
            expect('MWh', A.scaleUnit('kWh', 2500).unit, 'MWh');
            expect('volts', A.scaleUnit('V', 230).unit, 'V');
            expect('tooltip value', A.formatValue(1234.5, 'W'), '1.23 kW');
            const zone = 'Europe/Berlin', midnight = Date.parse('2026-01-25T23:00:00Z');
            const day = A.timeTicks(midnight, midnight + 86400e3, 1000, zone);
            expect('a day: local midnight first', day.labels[0], '26 Jan');
            expect('a day: clock ticks', day.labels[1], '02:00');
            expect('two days: the date where the day changes', A.timeTicks(midnight, midnight + 2 * 86400e3, 1000, zone).labels.filter(l => / Jan$/.test(l)), ['26 Jan', '27 Jan', '28 Jan']);
            const year = A.timeTicks(Date.parse('2025-12-31T23:00:00Z'), Date.parse('2026-12-31T23:00:00Z'), 1000, zone);
            expect('a year: months with the year on January', year.labels.slice(0, 3), ['Jan 2026', 'Feb', 'Mar']);
            expect('unambiguous date', A.formatDate(midnight, zone), 'Mon 26 Jan 2026');
            const spring = Date.parse('2026-03-28T23:00:00Z');  // 23 hours: clocks go forward at 02:00
            expect('DST day keeps wall-clock ticks', A.timeTicks(spring, spring + 23 * 3600e3, 600, zone).labels.slice(0, 3), ['29 Mar', '03:00', '06:00']);
            expect('the hour that never happens gets no tick', A.timeTicks(spring, spring + 23 * 3600e3, 800, zone).labels.slice(0, 3), ['29 Mar', '04:00', '06:00']);
            const runs = HelioChart.segments({points: [[0, 1], [60e3, 2], [600e3, 3], [660e3, 4]], gaps: [[60e3, 600e3]]});
            expect('a gap splits the line', runs.map(r => r.length), [2, 2]);
            expect('live points further apart than gapMs split too', HelioChart.segments({points: [[0, 1], [60e3, 2], [900e3, 3]], gapMs: 150e3}).map(r => r.length), [2, 1]);
            expect('nearest in time', HelioChart.nearestIndex([[0], [100], [200]], 149), 1);
            const every4min = [0, 1, 2, 3].map(i => [i * 240e3, i]);
            expect('gapMs: readings every 4 min in 1-min buckets are 2.5 readings apart', HelioApp.chartSeries({bucketSeconds: 60}, {device: 'x', field: 'y', points: every4min}).gapMs, 600e3);
            expect('gapMs: denser readings keep 2.5 buckets', HelioApp.chartSeries({bucketSeconds: 60}, {device: 'x', field: 'y', points: every4min.map(p => [p[0] / 8, p[1]])}).gapMs, 150e3);
            return out;""")
        assert not problems, problems

    @check("charts: calendar windows in site time, previous/next and the date picker change the range shown")
    def chart_windows():
        view = open_charts(f"period=day&fields={pv}")
        span = view["to"] - view["from"]
        assert 23 * 3600e3 <= span <= 25 * 3600e3, view
        assert local_clock(view["from"]) == "00:00" and local_clock(view["to"]) == "00:00", (view, local_clock(view["from"]))
        assert int(driver.find_element(By.ID, "main-chart").get_attribute("data-points") or 0) > 0, "no data today"
        today = view
        retry(lambda: driver.find_element(By.ID, "win-prev").click())
        view = changed_view(today)
        assert view["to"] == today["from"], (view, today)
        assert "date=" in view["hash"] and view["title"] != today["title"], view
        print(f"    {today['title']} → {view['title']} ({view['zone']})")
        retry(lambda: driver.find_element(By.ID, "win-next").click())
        view = changed_view(view)
        assert (view["from"], view["to"]) == (today["from"], today["to"]), (view, today)
        for period, days in [("week", 7), ("month", 28), ("year", 365)]:
            before = chart_view()
            retry(lambda: driver.find_element(By.CSS_SELECTOR, f"[data-period={period}]").click())
            view = changed_view(before)
            assert view["to"] - view["from"] >= days * 86400e3 - 3600e3 and view["from"] <= today["from"] and view["to"] >= today["to"], (period, view)
            assert f"period={period}" in view["hash"], view
        # The date picker: a day in another year.
        before = chart_view()
        driver.execute_script("const i = document.getElementById('win-date'); i.value = '2025-01-27'; i.dispatchEvent(new Event('change', {bubbles: true}))")
        view = changed_view(before)
        assert view["title"] == "2025", view
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "[data-period=day]").click())
        view = changed_view(view)
        assert view["title"] == "Mon 27 Jan 2025" and local_clock(view["from"]) == "00:00", view
        # A reload keeps the window (it is in the URL).
        driver.refresh()
        wait.until(lambda d: chart_view() is not None)
        assert chart_view()["title"] == "Mon 27 Jan 2025", chart_view()

    def canvas_x(t, canvas_id="main-chart"):
        # The offset from the canvas centre (what selenium moves by) of time t.
        return driver.execute_script("""
            const c = document.getElementById(arguments[1]), h = c._helio;
            return h.x(arguments[0]) - c.getBoundingClientRect().width / 2""", t, canvas_id)

    @check("charts: drag to zoom shows a shorter range, Reset zoom goes back; the tooltip names the nearest point, the crosshair is shared")
    def chart_zoom_and_tooltip():
        soc = inverter["id"] + "/battery_soc_pct"
        day = open_charts(f"period=day&fields={pv}" + ("," + soc if any(f["id"] == "battery_soc_pct" for f in inverter["fields"]) else ""))
        canvas = driver.find_element(By.ID, "main-chart")
        points = driver.execute_script("return document.getElementById('main-chart')._helio.series[0].points.map(p => p[0])")
        # From a little before the first point to the last: wide enough to be a drag even when the data
        # covers minutes of the day (the demo just started).
        start, end = max(canvas_x(points[0]) - 60, canvas_x(day["from"]) + 1), canvas_x(points[-1]) + 2
        ActionChains(driver).move_to_element_with_offset(canvas, int(start), 0).click_and_hold() \
            .move_to_element_with_offset(canvas, int(end), 0).release().perform()
        zoomed = changed_view(day)
        assert zoomed["to"] - zoomed["from"] < day["to"] - day["from"] and zoomed["from"] >= day["from"] - 60e3, (zoomed, day)
        assert "from=" in zoomed["hash"] and "Reset" in driver.find_element(By.ID, "zoom-reset").text, zoomed
        print(f"    zoomed to {zoomed['title']} ({zoomed['step']})")
        # Hover 70 % of the way between two points: the tooltip names the point nearest the pointer's time.
        series = driver.execute_script("return document.getElementById('main-chart')._helio.series[0].points.map(p => [p[0], p[1]])")
        middle = len(series) // 2
        a, b = series[middle], series[middle + 1]
        target = a[0] + (b[0] - a[0]) * 0.7
        canvas = driver.find_element(By.ID, "main-chart")
        ActionChains(driver).move_to_element_with_offset(canvas, int(round(canvas_x(target))), 0).perform()
        tip = driver.find_element(By.CSS_SELECTOR, "#main-chart ~ .chart-tip")
        wait.until(lambda d: tip.is_displayed())
        pointer = driver.execute_script("return document.getElementById('main-chart')._hoverTime")
        assert abs(canvas_x(pointer) - canvas_x(target)) <= 2, (pointer, target)
        nearest = min(series, key=lambda p: abs(p[0] - pointer))
        shown = float(tip.get_attribute("data-time"))
        assert shown == nearest[0], (shown, nearest, a, b)
        value = float(driver.execute_script("return document.querySelector('#main-chart ~ .chart-tip .tip-row').dataset.value"))
        assert value == nearest[1], (value, nearest)
        # The other chart on the page (another unit) draws its crosshair at the same time.
        others = driver.execute_script("return [...document.querySelectorAll('#chart-stack canvas.chart')].slice(1).map(c => c._hoverTime)")
        assert all(t == pointer for t in others), (others, pointer)
        print(f"    tooltip: {tip.text!r}")
        shot("charts-tooltip")
        retry(lambda: driver.find_element(By.ID, "zoom-reset").click())
        back = changed_view(zoomed)
        assert (back["from"], back["to"]) == (day["from"], day["to"]), (back, day)

    @check("charts: a live sample appears without a reload while the window holds now")
    def chart_live():
        open_charts(f"period=day&fields={pv}")
        driver.execute_script("window.__sameDocument = true")
        wait.until(lambda d: d.find_element(By.ID, "live-status").text == "live")
        started = time.time() * 1000
        WebDriverWait(driver, 20).until(lambda d: (chart_view()["live"] >= 2 and float(d.execute_script(
            "return document.getElementById('chart-stack').dataset.liveTime || 0")) >= started - 2000))
        assert driver.execute_script("return window.__sameDocument === true"), "the page was reloaded"
        last = driver.execute_script("const p = document.getElementById('main-chart')._helio.series[0].points; return p[p.length - 1][0]")
        assert last >= started - 120e3, (last, started)
        print(f"    {chart_view()['live']} live samples drawn")

    @check("field picker: search filters, presets choose, the selection is kept in the URL across a reload")
    def picker():
        open_charts(f"period=day&fields={pv}")
        boxes = driver.find_elements(By.CSS_SELECTOR, "#picker input[name=series]")
        assert boxes, "no field with data"
        search = driver.find_element(By.ID, "field-search")
        search.send_keys("battery")
        visible = driver.execute_script("return [...document.querySelectorAll('.picker-field')].filter(e => !e.hidden).map(e => e.textContent)")
        assert visible and all("battery" in v.lower() for v in visible), visible
        hidden = driver.execute_script("return [...document.querySelectorAll('.picker-field')].filter(e => e.hidden).length")
        assert hidden > 0, "the search hid nothing"
        shot("charts-picker-search")
        # clear() fires no input event, and a Backspace in an empty box neither: empty it as a person would.
        search.send_keys(Keys.CONTROL, "a")
        search.send_keys(Keys.DELETE)
        wait.until(lambda d: d.execute_script("return [...document.querySelectorAll('.picker-field')].every(e => !e.hidden)"))
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "[data-preset=Battery]").click())
        wait.until(lambda d: "battery_" in d.execute_script("return location.search"))
        chosen = driver.execute_script("return [...document.querySelectorAll('#picker input[name=series]:checked')].map(b => b.value)")
        assert chosen and all("/battery_" in k for k in chosen) and any(k.endswith("/battery_soc_pct") for k in chosen), chosen
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chart-stack canvas")) >= 1)
        # A field by hand, then reload: the same fields are chosen and drawn.
        box = driver.find_element(By.CSS_SELECTOR, f"#picker input[value='{pv}']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        retry(lambda: box.click())
        wait.until(lambda d: pv in d.execute_script("return decodeURIComponent(location.search)"))
        chosen = driver.execute_script("return [...document.querySelectorAll('#picker input[name=series]:checked')].map(b => b.value)")
        driver.refresh()
        wait.until(lambda d: chart_view() is not None)
        again = driver.execute_script("return [...document.querySelectorAll('#picker input[name=series]:checked')].map(b => b.value)")
        assert sorted(again) == sorted(chosen), (again, chosen)
        legend = texts(driver, ".chart-legend li")
        assert len(legend) == len(chosen) and all("min" in t and "max" in t and "mean" in t and "last" in t for t in legend), legend
        # Nothing cut: every legend entry fits inside its chart's width.
        overflow = driver.execute_script("return [...document.querySelectorAll('.chart-legend li')].filter(li => li.scrollWidth > li.clientWidth + 1 || li.getBoundingClientRect().right > li.parentElement.getBoundingClientRect().right + 1).length")
        assert overflow == 0, f"{overflow} legend entries cut"
        print(f"    kept across reload: {again}")
        # Export still serves the chosen fields as CSV.
        href = driver.find_element(By.ID, "csv-link").get_attribute("href")
        with urllib.request.urlopen(href, timeout=10) as r:
            text = r.read().decode()
            assert r.headers["Content-Type"].startswith("text/csv") and text.startswith("time,"), text[:100]

    @check("every chart page in both themes at desktop and phone width: axes, legends, no sideways scrolling")
    def chart_screenshots():
        # Drawn, and drawn for this window size (a resize redraws after a moment).
        drawn = lambda d: d.execute_script("""
            const charts = [...document.querySelectorAll('canvas.chart[data-points]')];
            return charts.length > 0 && charts.every(c => Math.abs(c.width / devicePixelRatio - c.parentElement.clientWidth) <= 1)""")
        fields = ",".join(k for k in [pv, inverter["id"] + "/battery_soc_pct", inverter["id"] + "/load_power_w"] if k.split("/")[1] in [f["id"] for f in inverter["fields"]])
        shots_in_both_themes(f"charts?period=day&fields={fields}", "charts", drawn)
        shots_in_both_themes("dashboard", "dashboard", drawn)
        shots_in_both_themes("devices/" + inverter["id"], "device-detail", drawn)
        if any(f["id"] == "battery_soc_pct" for f in inverter["fields"]):
            shots_in_both_themes("battery", "battery", drawn)

    @check("battery page shows the state of charge")
    def battery():
        go("battery")
        wait.until(lambda d: any("%" in t for t in texts(d, ".gauge-label")))
        shot("battery")

    @check("house and weather page renders")
    def house():
        go("house")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "h2.section"))
        assert not driver.find_elements(By.CSS_SELECTOR, "#view .error")
        shot("house")

    def setting_forms():
        # The page renders once /api/v1/settings answers: either setting forms or a note that there are none.
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "form.setting") or any("No controllable device" in t for t in texts(d, "#view")))
        return driver.find_elements(By.CSS_SELECTOR, "form.setting")

    def controllable():
        # The Commands page with its setting forms; False (after saying so) when the server has none.
        go("commands")
        if setting_forms():
            return True
        if args.require_command:
            raise AssertionError("no controllable setting on this server")
        print("    (no controllable setting; skipped)")
        return False

    def signed_out():
        driver.execute_script("sessionStorage.removeItem('heliograph.token')")
        go("commands")
        driver.refresh()  # the page reads its session once, on load
        wait.until(lambda d: d.execute_script("return window.heliograph && window.heliograph.page === 'commands'"))

    def form_state():
        # What each form shows: its setting, the value it holds, and its "now" label.
        return driver.execute_script("""
            return [...document.querySelectorAll('form.setting')].map(f => ({
              device: f.dataset.device, setting: f.dataset.setting, kind: f.dataset.kind,
              value: f.value.value, now: f.querySelector('.setting-now').textContent }))""")

    def shots_in_both_themes(page, prefix, ready, prepare=lambda: None):
        for theme in ["modern", "lcars"]:
            for width, height in [(1440, 900), (390, 844)]:
                driver.set_window_size(width, height)
                driver.get(f"{url}/{page}" + ("&" if "?" in page else "?") + f"theme={theme}")
                wait.until(lambda d: d.execute_script("return document.documentElement.dataset.theme") == theme)
                wait.until(ready)
                prepare()
                overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                shot(f"{prefix}-{theme}-{width}x{height}")
                assert overflow <= 1, f"{prefix} is {overflow}px wider than the window at {width}x{height} in {theme}"
        driver.execute_script("localStorage.setItem('heliograph.theme', 'modern')")
        driver.set_window_size(1280, 900)

    @check("commands show each setting's current value from the device and start from it")
    def current_settings():
        if not controllable():
            return
        expected = {}
        for device in api(url, "/api/v1/settings"):
            for x in device["settings"]:
                expected[(device["device"], x["id"])] = x
        # The demo's inverters are read on their first poll; wait until every setting has been.
        WebDriverWait(driver, 30).until(lambda d: all(x["state"] == "read" for x in
                                                      [y for dev in api(url, "/api/v1/settings") for y in dev["settings"]]))
        go("devices")
        go("commands")
        setting_forms()
        for (device, setting) in list(expected):
            expected[(device, setting)] = next(y for dev in api(url, "/api/v1/settings") if dev["device"] == device
                                               for y in dev["settings"] if y["id"] == setting)
        for form in form_state():
            x = expected[(form["device"], form["setting"])]
            shown = ("on" if x["value"] else "off") if x["kind"] == "toggle" else str(x["value"])
            if x["kind"] == "number":
                assert float(form["value"]) == float(x["value"]), (form, x)
            else:
                assert form["value"] == shown, (form, x)
            assert form["now"].startswith("now: ") and " read " in form["now"] and "ago" in form["now"], form
        print(f"    {len(expected)} settings pre-filled with their current values, e.g. {form_state()[0]}")

    @check("sign-in refuses a wrong token with a message and accepts a token alone")
    def sign_in():
        signed_out()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#login input[name=token]"))
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "#login").submit())
        wait.until(lambda d: d.find_element(By.ID, "login-error").is_displayed())
        assert "user name and password, or an API token" in driver.find_element(By.ID, "login-error").text
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "#login input[name=token]").send_keys("wrong-token-0123456789abcdef"))
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "#login").submit())
        wait.until(lambda d: "not valid" in d.find_element(By.ID, "login-error").text)
        print(f"    wrong token: {driver.find_element(By.ID, 'login-error').text}")
        assert all(b.get_attribute("disabled") for b in driver.find_elements(By.CSS_SELECTOR, "form.setting button")), "Apply needs a sign-in"

        def unfilled_sign_in():
            # The message for a form with nothing in it, which the page gives without asking the server
            # (more wrong tokens would run into the per-client sign-in limit).
            driver.find_element(By.CSS_SELECTOR, "#login").submit()
            wait.until(lambda d: d.find_element(By.ID, "login-error").is_displayed())
        shots_in_both_themes("commands", "signin", lambda d: d.find_elements(By.CSS_SELECTOR, "#login input[name=token]"), unfilled_sign_in)
        # The browser logs the refused sign-ins it was asked to make; only those are expected.
        expected_refusal = "/api/v1/login - Failed to load resource: the server responded with a status of 401"
        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE" and expected_refusal not in entry.get("message", ""):
                console_errors.append(entry.get("message", ""))
        if not args.token:
            print("    (no --token; the token sign-in is not tried)")
            return
        go("commands")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#login input[name=token]"))
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "#login input[name=token]").send_keys(args.token))
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "#login").submit())
        wait.until(lambda d: any("Signed in as" in t for t in texts(d, "#view")))

    @check("a change is refused before sending when out of range, confirmed old → new, and its outcome said in plain words")
    def command():
        if not controllable():
            return
        assert args.token, "--token is needed for the command round trip"
        wait.until(lambda d: any("Signed in as" in t for t in texts(d, "#view")))
        audit_before = len(api_with_token(url, "/api/v1/audit?limit=1000", args.token))

        # Out of range: refused on the page, nothing sent, no dialog.
        number = next((f for f in form_state() if f["kind"] == "number"), None)
        if number:
            selector = f"form.setting[data-setting='{number['setting']}']"
            driver.execute_script("const f=document.querySelector(arguments[0]); f.value.value = Number(f.value.max) + 1000;", selector)
            retry(lambda: driver.find_element(By.CSS_SELECTOR, selector + " button").click())
            wait.until(lambda d: "Not sent" in d.find_element(By.CSS_SELECTOR, selector + " .outcome").text)
            assert not driver.execute_script("return document.getElementById('confirm').open")
            print(f"    out of range: {driver.find_element(By.CSS_SELECTOR, selector + ' .outcome').text}")

        # A choice: another option, confirmed in the dialog that shows old → new.
        choice = next(f for f in form_state() if f["kind"] in ("choice", "toggle"))
        selector = f"form.setting[data-device='{choice['device']}'][data-setting='{choice['setting']}']"
        old = choice["value"]
        new = driver.execute_script(
            "const s=document.querySelector(arguments[0]).value; const o=[...s.options].find(o => !o.disabled && o.value !== s.value);"
            "s.value=o.value; s.dispatchEvent(new Event('input', {bubbles: true})); return o.value;", selector)
        retry(lambda: driver.find_element(By.CSS_SELECTOR, selector + " button").click())
        wait.until(lambda d: d.execute_script("return document.getElementById('confirm').open"))
        text = driver.find_element(By.ID, "confirm-text").text
        print(f"    confirm: {text!r}")
        assert old in text and new in text and "→" in text, text
        # Cancel first: nothing may reach the device.
        driver.find_element(By.ID, "confirm-no").click()
        wait.until(lambda d: "Cancelled" in d.find_element(By.CSS_SELECTOR, selector + " .outcome").text)
        assert len(api_with_token(url, "/api/v1/audit?limit=1000", args.token)) == audit_before, "a cancelled change reached the gate"
        retry(lambda: driver.find_element(By.CSS_SELECTOR, selector + " button").click())
        wait.until(lambda d: d.execute_script("return document.getElementById('confirm').open"))
        shot("commands-confirm")
        driver.find_element(By.ID, "confirm-yes").click()
        outcome = "return (e => e && [e.className, e.textContent])(document.querySelector(arguments[0] + ' .outcome'))"
        wait.until(lambda d: (d.execute_script(outcome, selector) or ["", ""])[0] in ("outcome ok", "outcome bad"))
        kind, text = driver.execute_script(outcome, selector)
        print(f"    outcome: {text}")
        assert kind == "outcome ok", text
        assert f"is now {new}" in text and "(read back from the inverter)" in text, text
        # The "now" label follows the read-back.
        wait.until(lambda d: f"now: {new}" in d.find_element(By.CSS_SELECTOR, selector + " .setting-now").text)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#audit tbody tr"))
        shot("commands")
        shots_in_both_themes("commands", "commands", lambda d: d.find_elements(By.CSS_SELECTOR, "form.setting .setting-now"))
        # The change is flagged on the charts' time axis, and its tooltip says what changed.
        open_charts(f"period=day&fields={pv}")
        # The newest flag of this setting (the demo's load switch flags its own changes too; the audit
        # log, and so the markers, come newest first, but take the latest time rather than rely on that).
        newest = "const c = document.getElementById('main-chart'), m = c && c._helio ? c._helio.markers.filter(m => m.label.includes(arguments[0])) : []; const n = m.reduce((a, b) => (!a || b.time > a.time ? b : a), null); return n ? [n.label, n.time] : null"
        wait.until(lambda d: d.execute_script(newest, choice["setting"]))
        flag = driver.execute_script(newest, choice["setting"])
        assert new in flag[0], flag
        canvas = driver.find_element(By.ID, "main-chart")
        ActionChains(driver).move_to_element_with_offset(canvas, int(round(canvas_x(flag[1]))), 0).perform()
        wait.until(lambda d: any("⚑" in t for t in texts(d, "#main-chart ~ .chart-tip")))
        shot("charts-setting-marker")
        # Back to read-only for the rest.
        driver.execute_script("sessionStorage.removeItem('heliograph.token')")

    @check("dashboard charts actual against expected solar output")
    def solar():
        if not any(d["kind"] == "solar-estimate" for d in api(url, "/api/v1/devices")):
            print("    (no solar estimate on this server; skipped)")
            return
        go("dashboard")
        wait.until(lambda d: d.find_elements(By.ID, "solar-chart"))
        WebDriverWait(driver, 20).until(lambda d: int(d.find_element(By.ID, "solar-chart").get_attribute("data-points") or 0) > 0)
        wait.until(lambda d: "expected" in d.find_element(By.ID, "solar-now").text)
        shot("dashboard-solar")

    @check("automation page lists switches, decisions and alerts")
    def automation():
        go("automation")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#alerts-active p, #alerts-active table"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#switches p, #switches table"))
        assert not driver.find_elements(By.CSS_SELECTOR, "#view .error")
        alerts = api(url, "/api/v1/alerts")
        text = driver.find_element(By.ID, "alerts-active").text
        if alerts["configured"]:
            assert "No alert is firing" in text or driver.find_elements(By.CSS_SELECTOR, "#alerts-active-table tbody tr"), text
        switches = api(url, "/api/v1/switches")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#switch-table tbody tr")) == len(switches["switches"])
        shot("automation")

    @check("LCARS theme switches and renders")
    def lcars():
        go("dashboard")
        driver.find_element(By.ID, "theme-toggle").click()
        wait.until(lambda d: d.execute_script("return document.documentElement.dataset.theme") == "lcars")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#flow svg .node-value"))
        shot("dashboard-lcars")
        go("charts")
        wait.until(lambda d: int(d.find_element(By.ID, "main-chart").get_attribute("data-points") or 0) > 0)
        colour = driver.execute_script("return getComputedStyle(document.documentElement).getPropertyValue('--series-1').trim()")
        assert colour.lower() == "#ff9900", f"charts do not follow the LCARS palette: {colour}"
        shot("charts-lcars")
        driver.find_element(By.ID, "theme-toggle").click()

    @check("phone width fits without sideways scrolling")
    def phone():
        driver.set_window_size(390, 844)
        for theme in ["modern", "lcars"]:
            driver.get(f"{url}/?theme={theme}")
            wait.until(lambda d: d.execute_script("return document.documentElement.dataset.theme") == theme)
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#flow svg .node-value"))
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            shot(f"phone-dashboard-{theme}")
            assert overflow <= 1, f"page is {overflow}px wider than the phone in {theme}"
        driver.execute_script("localStorage.setItem('heliograph.theme', 'modern')")
        driver.set_window_size(1280, 900)

    def page_state():
        return driver.execute_script("return [window.heliograph && window.heliograph.page, document.documentElement.dataset.theme, location.pathname, location.hash]")

    @check("every page has a URL: /charts and /lcars load directly, reload stays, old #/ links move to the path")
    def page_urls():
        driver.execute_script("localStorage.setItem('heliograph.theme', 'modern')")
        driver.get(f"{url}/charts")
        wait.until(lambda d: page_state()[:3] == ["charts", "modern", "/charts"])
        wait.until(lambda d: d.find_elements(By.ID, "main-chart"))
        driver.refresh()
        wait.until(lambda d: page_state()[:3] == ["charts", "modern", "/charts"])
        # The MPP-Solar dashboard's addresses: /lcars is the dashboard in LCARS, /charts/lcars the charts.
        driver.get(f"{url}/lcars")
        wait.until(lambda d: page_state()[:3] == ["dashboard", "lcars", "/lcars"])
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#flow svg .node-value"))
        assert driver.execute_script("return getComputedStyle(document.querySelector('.lcars-frame')).display") != "none", "LCARS frame not shown"
        driver.get(f"{url}/charts/lcars")
        wait.until(lambda d: page_state()[:3] == ["charts", "lcars", "/charts/lcars"])
        # A nav link is a real path, followed without a reload (the page object survives).
        driver.execute_script("window.__sameDocument = true")
        retry(lambda: driver.find_element(By.CSS_SELECTOR, "#nav a[data-page=battery]").click())
        wait.until(lambda d: page_state()[0] == "battery" and page_state()[2] == "/battery")
        assert driver.execute_script("return window.__sameDocument === true"), "the nav link reloaded the page"
        assert driver.find_element(By.CSS_SELECTOR, "#nav a[data-page=battery]").get_attribute("class") == "current"
        driver.back()
        wait.until(lambda d: page_state()[0] == "charts")
        # Switching back to the modern theme leaves the /lcars address, so a reload keeps the choice.
        retry(lambda: driver.find_element(By.ID, "theme-toggle").click())
        wait.until(lambda d: page_state()[1:3] == ["modern", "/charts"])
        # Old bookmarks: /#/house becomes /house, /?theme=lcars#/devices/<id> keeps the theme and the device.
        driver.get(f"{url}/#/house")
        wait.until(lambda d: page_state() == ["house", "modern", "/house", ""])
        driver.get(f"{url}/?theme=lcars#/devices/{devices[0]['id']}")
        wait.until(lambda d: page_state() == ["devices", "lcars", f"/devices/{devices[0]['id']}", ""])
        wait.until(lambda d: d.find_elements(By.ID, "detail-chart"))
        driver.execute_script("localStorage.setItem('heliograph.theme', 'modern')")
        # An unknown path is a 404 page that points to the real ones.
        driver.get(f"{url}/chartz")
        assert "No page at /chartz" in driver.find_element(By.TAG_NAME, "h1").text
        assert driver.find_elements(By.CSS_SELECTOR, "a[href='/charts']")
        console_errors.extend(e.get("message", "") for e in driver.get_log("browser")
                              if e.get("level") == "SEVERE" and "/chartz" not in e.get("message", ""))

    @check("screenshots of every page in both themes at 1440x900 and 390x844")
    def every_page_shot():
        pages = {
            "dashboard": lambda d: d.find_elements(By.CSS_SELECTOR, "#flow svg .node-value"),
            "devices": lambda d: d.find_elements(By.CSS_SELECTOR, "dl.values dd[data-field]"),
            "charts": lambda d: int(d.find_element(By.ID, "main-chart").get_attribute("data-points") or 0) > 0,
            "battery": lambda d: any("%" in t for t in texts(d, ".gauge-label")),
            "house": lambda d: d.find_elements(By.CSS_SELECTOR, "h2.section"),
            "commands": lambda d: d.find_elements(By.CSS_SELECTOR, "form.setting, #view .card"),
            "automation": lambda d: d.find_elements(By.CSS_SELECTOR, "#alerts-active p, #alerts-active table"),
        }
        for theme in ["modern", "lcars"]:
            for width, height in [(1440, 900), (390, 844)]:
                driver.set_window_size(width, height)
                for page, ready in pages.items():
                    path = "" if page == "dashboard" else page
                    driver.get(f"{url}/{path}" + ("/lcars" if theme == "lcars" else "?theme=modern"))
                    wait.until(lambda d: page_state()[:2] == [page, theme])
                    wait.until(ready)
                    shot(f"page-{page}-{theme}-{width}x{height}")
        driver.execute_script("localStorage.setItem('heliograph.theme', 'modern')")
        driver.set_window_size(1280, 900)

    run_steps(driver, [dashboard, live, fallback, devices_page, tick_algorithm, chart_windows, chart_zoom_and_tooltip, chart_live, picker, chart_screenshots, battery, house, current_settings, sign_in, command, solar, automation, lcars, phone,
                       page_urls, every_page_shot],
              console_errors, collect_console)


if __name__ == "__main__":
    main()
