// Heliograph Energy page: kWh per flow for a day, week, month or year (GET /api/v1/energy), with bars
// of the period's hours, days or months, where each figure came from and how much of the period it
// covers, self-sufficiency and self-consumption, and money when a tariff is set. Also gives the
// dashboard today's kWh per power-flow node. Plain JS; the bars are drawn by chart.js.
(function () {
  'use strict';

  const FLOWS = [
    { id: 'pv', name: 'Solar (PV)', color: 'var(--pv)', chart: '#f5b50a' },
    { id: 'load', name: 'Home (load)', color: 'var(--load)', chart: '#ff7a59' },
    { id: 'grid_import', name: 'Grid import', color: 'var(--grid)', chart: '#4cc3ff' },
    { id: 'grid_export', name: 'Grid export', color: 'var(--grid)', chart: '#9fe0ff' },
    { id: 'battery_charge', name: 'Battery charge', color: 'var(--battery)', chart: '#7ddc6a' },
    { id: 'battery_discharge', name: 'Battery discharge', color: 'var(--battery)', chart: '#c5f0b8' },
  ];
  const PERIODS = ['day', 'week', 'month', 'year'];
  const BAR_NAMES = { day: 'hour', week: 'day', month: 'day', year: 'month' };
  const SOURCES = { counter: 'device counter', integrated: 'integrated from power', derived: 'derived from the balance' };
  const TARIFF_SNIPPET = 'tariff:\n  currency: GBP        # a code or symbol, only shown\n  import_price: 0.28   # per kWh\n  export_price: 0.15   # per kWh';

  function esc(v) { return String(v == null ? '' : v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

  // kWh as people read them: more digits for small figures, never a sign on zero.
  function kwh(value) {
    if (value == null) return '–';
    const a = Math.abs(value);
    const text = a >= 100 ? value.toFixed(0) : a >= 10 ? value.toFixed(1) : value.toFixed(2);
    return (Number(text) === 0 ? text.replace('-', '') : text) + ' kWh';
  }
  function percent(share) { return share == null ? '–' : (share * 100).toFixed(1) + ' %'; }
  // "92 % covered", never rounded up to a whole 100 % that is not.
  function covered(share) { return (share >= 1 ? 100 : Math.min(99, Math.floor(share * 100))) + ' % covered'; }
  // Where a figure came from and how much of the span it covers, said plainly.
  function provenance(flow) {
    if (!flow || flow.source === 'none') return 'no data';
    let text = (SOURCES[flow.source] || flow.source) + ', ' + covered(flow.coverage);
    if (flow.unknownHours > 0.05) text += ' (' + flow.unknownHours.toFixed(1) + ' h unknown)';
    if (flow.skippedCounterSteps) text += ', ' + flow.skippedCounterSteps + ' bad counter step' + (flow.skippedCounterSteps === 1 ? '' : 's') + ' skipped';
    return text;
  }
  function money(value, currency) {
    if (/^[A-Z]{3}$/.test(currency)) {
      try { return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value); } catch (e) { /* unknown code: plain below */ }
    }
    return currency + ' ' + value.toFixed(2);
  }
  function title(answer) {
    const day = (key) => new Date(key + 'T12:00:00Z').toLocaleDateString([], { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    const short = (key) => new Date(key + 'T12:00:00Z').toLocaleDateString([], { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
    if (answer.period === 'day') return day(answer.firstDay);
    if (answer.period === 'week') return 'Week of ' + short(answer.firstDay) + ' – ' + short(answer.lastDay);
    if (answer.period === 'month') return new Date(answer.firstDay + 'T12:00:00Z').toLocaleDateString([], { timeZone: 'UTC', month: 'long', year: 'numeric' });
    return answer.firstDay.slice(0, 4);
  }
  // The label of one bar: the hour of a day view, the day of a week or month, the month of a year.
  function barLabel(period, key) {
    if (period === 'day') return key.slice(11, 16);
    if (period === 'year') return new Date(key + '-15T12:00:00Z').toLocaleDateString([], { timeZone: 'UTC', month: 'short' });
    return new Date(key + 'T12:00:00Z').toLocaleDateString([], { timeZone: 'UTC', weekday: 'short', day: 'numeric' });
  }

  // /energy?period=<period>&date=<date>; either may be missing (today's day view). An old
  // #/energy/<period>/<date> link arrives as /energy/<period>/<date> (router.js) and still works.
  function place() {
    const query = new URLSearchParams(location.search);
    const parts = HelioRouter.parts();
    const period = [query.get('period'), parts[1]].find((p) => PERIODS.includes(p)) || 'day';
    const date = [query.get('date'), parts[2]].find((d) => /^\d{4}-\d{2}-\d{2}$/.test(d || '')) || '';
    return { period, date };
  }
  function href(period, date) { return '/energy?period=' + period + (date ? '&date=' + date : ''); }

  async function page(view, app) {
    const where = place();
    // The shell hands over a copy of the previous view with its attributes: what was shown is not shown now.
    delete view.dataset.period;
    delete view.dataset.firstDay;
    view.innerHTML =
      '<section class="card energy-head"><h2 id="energy-title">Energy</h2>' +
      '<div class="controls energy-controls">' +
      '<div class="segmented" role="group" aria-label="Period">' +
      PERIODS.map((p) => '<a class="button' + (p === where.period ? ' current' : '') + '" data-period="' + p + '" aria-current="' + (p === where.period) + '" href="' + href(p, where.date) + '">' + p.charAt(0).toUpperCase() + p.slice(1) + '</a>').join('') +
      '</div>' +
      '<div class="pager"><button type="button" id="energy-previous">‹ Previous</button>' +
      '<label class="energy-date">Date <input type="date" id="energy-date" name="date" value="' + esc(where.date) + '"></label>' +
      '<button type="button" id="energy-next">Next ›</button></div>' +
      '<a class="button" id="energy-csv" href="#" download>CSV</a></div>' +
      '<p id="energy-note" class="muted"></p></section>' +
      '<div id="energy-body"><p class="muted">Loading…</p></div>';
    let answer;
    try {
      answer = await app.api('/api/v1/energy?period=' + where.period + (where.date ? '&date=' + where.date : ''));
    } catch (e) {
      const body = view.querySelector('#energy-body');
      body.innerHTML = '';
      body.appendChild(app.errorBox(e));
      return;
    }
    if (!view.isConnected) return;
    const heading = title(answer);
    document.title = 'Energy · ' + heading + ' · Heliograph';
    view.querySelector('#energy-title').textContent = 'Energy · ' + heading;
    view.dataset.period = answer.period;
    view.dataset.firstDay = answer.firstDay;
    const dateInput = view.querySelector('#energy-date');
    dateInput.value = answer.date;
    dateInput.addEventListener('change', () => { if (dateInput.value) HelioRouter.navigate(href(answer.period, dateInput.value)); });
    view.querySelector('#energy-previous').setAttribute('aria-label', 'Previous ' + answer.period);
    view.querySelector('#energy-next').setAttribute('aria-label', 'Next ' + answer.period);
    view.querySelector('#energy-previous').addEventListener('click', () => { HelioRouter.navigate(href(answer.period, answer.previous)); });
    view.querySelector('#energy-next').addEventListener('click', () => { HelioRouter.navigate(href(answer.period, answer.next)); });
    view.querySelectorAll('.segmented a').forEach((a) => { a.href = href(a.dataset.period, answer.date); });
    view.querySelector('#energy-csv').href = '/api/v1/energy?period=' + answer.period + '&date=' + answer.date + '&format=csv';
    view.querySelector('#energy-note').textContent = answer.complete
      ? 'Times in ' + answer.timeZone + '.'
      : 'So far: the period is running, and coverage is judged against the ' + answer.elapsedHours.toFixed(1) + ' h elapsed. Times in ' + answer.timeZone + '.';

    const site = answer.site;
    const body = view.querySelector('#energy-body');
    body.innerHTML =
      '<section class="card"><h2>kWh per ' + BAR_NAMES[answer.period] + '</h2><canvas id="energy-bars" class="chart" role="img" aria-label="kWh per ' + BAR_NAMES[answer.period] + '"></canvas>' +
      '<details><summary>As a table</summary>' + barTable(answer) + '</details></section>' +
      '<section class="grid two">' +
      '<div class="card"><h2>Flows</h2>' + flowTable(site.flows) + '</div>' +
      '<div><div class="card" id="energy-ratios"><h2>Self-sufficiency and self-consumption</h2>' + ratios(site.ratios) + '</div>' +
      '<div class="card" id="energy-money"><h2>Cost, earnings and savings</h2>' + moneyBlock(site.money) + '</div></div></section>' +
      (answer.devices.length ? '<section class="card"><h2>Devices</h2>' + deviceTable(answer.devices) + '</section>' : '');
    drawBars(view.querySelector('#energy-bars'), answer);
  }

  function flowTable(flows) {
    // Two columns, the source under the flow's name, so a phone needs no sideways scrolling.
    return '<table id="energy-flows"><thead><tr><th>Flow, source and coverage</th><th class="num">Energy</th></tr></thead><tbody>' +
      FLOWS.map((f) => {
        const flow = flows[f.id];
        const value = flow && flow.kwh != null ? flow.kwh : null;
        return '<tr data-flow="' + f.id + '" data-kwh="' + (value == null ? '' : value) + '" data-source="' + esc(flow ? flow.source : 'none') + '">' +
          '<th scope="row"><span class="swatch swatch-' + f.id + '" aria-hidden="true"></span>' + f.name +
          '<span class="provenance">' + esc(provenance(flow)) + '</span></th><td class="num kwh">' + kwh(value) + '</td></tr>';
      }).join('') + '</tbody></table>';
  }

  function barTable(answer) {
    const shown = FLOWS.filter((f) => answer.bars.some((b) => b.site.flows[f.id]));
    if (!shown.length) return '<p class="muted">No energy known in this period.</p>';
    return '<div class="table-wrap"><table id="energy-bar-table"><thead><tr><th>' + BAR_NAMES[answer.period] + '</th>' +
      shown.map((f) => '<th class="num">' + f.name + '</th>').join('') + '</tr></thead><tbody>' +
      answer.bars.map((b) => '<tr data-bar="' + esc(b.key) + '"><th scope="row">' + esc(barLabel(answer.period, b.key)) + '</th>' +
        shown.map((f) => { const x = b.site.flows[f.id]; return '<td class="num" data-flow="' + f.id + '">' + (x && x.kwh != null ? kwh(x.kwh) : '–') + '</td>'; }).join('') + '</tr>').join('') +
      '</tbody></table></div>';
  }

  function ratios(r) {
    const row = (id, name, share, meaning) => '<div class="ratio" data-ratio="' + id + '"><label for="ratio-' + id + '">' + name + '</label>' +
      '<meter id="ratio-' + id + '" min="0" max="1" value="' + (share == null ? 0 : share) + '"></meter><strong class="ratio-value">' + percent(share) + '</strong>' +
      '<p class="muted">' + meaning + '</p></div>';
    return row('self-sufficiency', 'Self-sufficiency', r.selfSufficiency, 'of the consumption was not bought from the grid') +
      row('self-consumption', 'Self-consumption', r.selfConsumption, 'of the production was used here, not exported');
  }

  function moneyBlock(m) {
    if (!m) {
      return '<div id="energy-no-tariff"><p class="muted">No tariff is set, so cost, earnings and savings are not shown. ' +
        'Add one to the configuration file and restart:</p><pre><code>' + esc(TARIFF_SNIPPET) + '</code></pre>' +
        '<p class="muted">Time-of-use windows are possible too (see the README, Energy).</p></div>';
    }
    const item = (id, name, value, meaning) => '<div class="money-item" data-money="' + id + '" data-value="' + value + '"><span class="muted">' + name + '</span>' +
      '<strong>' + esc(money(value, m.currency)) + '</strong><span class="muted">' + meaning + '</span></div>';
    return '<div id="energy-tariff" class="money">' +
      item('cost', 'Cost', m.cost, 'grid import at its price') +
      item('earnings', 'Earnings', m.earnings, 'export at its price') +
      item('savings', 'Savings', m.savings, 'against buying all the consumption') + '</div>';
  }

  function deviceTable(devices) {
    const shown = FLOWS.filter((f) => devices.some((d) => d.flows[f.id]));
    return '<div class="table-wrap"><table id="energy-devices"><thead><tr><th>Device</th>' + shown.map((f) => '<th class="num">' + f.name + '</th>').join('') + '</tr></thead><tbody>' +
      devices.map((d) => '<tr data-device="' + esc(d.device) + '"><th scope="row">' + esc(d.name || d.device) + (d.parent ? ' <span class="muted">(behind ' + esc(d.parent) + ')</span>' : '') + '</th>' +
        shown.map((f) => { const x = d.flows[f.id]; return '<td class="num" title="' + esc(provenance(x)) + '">' + (x && x.kwh != null ? kwh(x.kwh) : '–') + '</td>'; }).join('') + '</tr>').join('') +
      '</tbody></table></div>';
  }

  function drawBars(canvas, answer) {
    if (!canvas || !window.HelioChart) return;
    // Grouped bars need room: a phone draws production and consumption (the table has every flow).
    const narrow = (canvas.clientWidth || 0) < 600;
    const series = FLOWS.filter((f) => (narrow ? ['pv', 'load'].includes(f.id) : !f.id.startsWith('battery') || answer.bars.some((b) => (b.site.flows[f.id] || {}).kwh > 0)))
      .map((f) => ({
        label: f.name, unit: 'kWh', color: f.chart,
        points: answer.bars.filter((b) => b.site.flows[f.id] && b.site.flows[f.id].kwh != null).map((b) => [Date.parse(b.from), b.site.flows[f.id].kwh]),
      }))
      .filter((s) => s.points.length);
    window.HelioChart.draw(canvas, { series, type: 'bar', from: Date.parse(answer.from), to: Date.parse(answer.to), height: 260 });
  }

  // Today's site kWh per flow for the dashboard's power-flow nodes, asked at most once a minute however
  // often the live samples call (the same answer, the same object, until the minute is over; a failed
  // ask is tried again after the minute too).
  let today = null;
  function todayKwh(api) {
    if (!today || Date.now() - today.at >= 60e3) {
      today = {
        at: Date.now(),
        flows: api('/api/v1/energy?period=day').then((answer) => {
          const flows = {};
          for (const f of FLOWS) flows[f.id] = answer.site.flows[f.id] || null;
          return flows;
        }),
      };
    }
    return today.flows;
  }
  // The kWh lines of a node (role pv, load, grid, battery) and its tooltip; null when nothing is known.
  // Grid and battery have two: in (+: import, charge) and out (−: export, discharge).
  function nodeKwh(flows, role) {
    if (!flows) return null;
    const value = (id) => (flows[id] && flows[id].kwh != null ? flows[id].kwh : null);
    const pair = (inId, outId, inName, outName) => {
      const a = value(inId), b = value(outId);
      if (a == null && b == null) return null;
      return { lines: ['+' + kwh(a), '−' + kwh(b)],
        title: 'Today: ' + inName + ' ' + kwh(a) + ' (' + provenance(flows[inId]) + '), ' + outName + ' ' + kwh(b) + ' (' + provenance(flows[outId]) + ')' };
    };
    if (role === 'pv' || role === 'load') {
      const v = value(role);
      return v == null ? null : { lines: [kwh(v)], title: 'Today: ' + kwh(v) + ' (' + provenance(flows[role]) + ')' };
    }
    if (role === 'grid') return pair('grid_import', 'grid_export', 'imported', 'exported');
    if (role === 'battery') return pair('battery_charge', 'battery_discharge', 'charged', 'discharged');
    return null;
  }
  // The node's kWh as SVG text at `y` (one line under another), '' when nothing is known.
  function nodeKwhSVG(flows, role, y) {
    const today = nodeKwh(flows, role);
    if (!today) return '';
    return '<text class="node-kwh" y="' + y + '" data-role="' + esc(role) + '"><title>' + esc(today.title) + '</title>' +
      today.lines.map((line, i) => '<tspan x="0" dy="' + (i ? 10 : 0) + '">' + esc(line) + '</tspan>').join('') + '</text>';
  }

  window.HelioEnergy = { page, todayKwh, nodeKwh, nodeKwhSVG, kwh };
})();
