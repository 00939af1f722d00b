// Heliograph dashboard. Plain JS, no framework: page paths (router.js), one live WebSocket with a polling
// fallback, our own charts (chart.js). Every value shown comes from /api/v1.
(function () {
  'use strict';

  const RANGES = { '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3, '1y': 365 * 86400e3 };
  const state = {
    devices: [], latest: {}, flow: null, session: null, live: 'connecting',
    token: sessionStorage.getItem('heliograph.token') || '', lastSampleAt: 0, pollTimer: null, socket: null, page: null,
  };

  // ---------- helpers ----------
  const $ = (sel, root) => (root || document).querySelector(sel);
  function esc(v) { return String(v == null ? '' : v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }
  function headers(extra) {
    const h = Object.assign({ Accept: 'application/json' }, extra || {});
    if (state.token) h.Authorization = 'Bearer ' + state.token;
    return h;
  }
  async function api(path, options) {
    options = options || {};
    const response = await fetch(path, { method: options.method || 'GET', headers: headers(options.body ? { 'Content-Type': 'application/json' } : {}), body: options.body ? JSON.stringify(options.body) : undefined });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: { message: text } }; }
    if (!response.ok) {
      const err = new Error((data && data.error && data.error.message) || response.statusText);
      err.status = response.status; err.body = data; throw err;
    }
    return data;
  }
  function fieldMeta(deviceId, fieldId) {
    const d = state.devices.find((x) => x.id === deviceId);
    return d && d.fields.find((f) => f.id === fieldId);
  }
  function fmt(value, field) {
    if (value == null) return '–';
    if (typeof value === 'boolean') return value ? 'on' : 'off';
    if (typeof value !== 'number') return esc(value);
    const p = field && field.precision != null ? Math.min(field.precision, 3) : 1;
    return value.toFixed(p) + (field && field.unit ? ' ' + esc(field.unit) : '');
  }
  function watts(w) {
    if (w == null) return '–';
    const a = Math.abs(w);
    return a >= 1000 ? (a / 1000).toFixed(2) + ' kW' : Math.round(a) + ' W';
  }
  function ago(time) {
    const s = Math.round((Date.now() - new Date(time).getTime()) / 1000);
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }
  function toast(message, kind) {
    const el = document.createElement('div');
    el.className = 'toast ' + (kind || '');
    el.textContent = message;
    document.body.appendChild(el);
    setTimeout(() => el.remove(), 5000);
  }

  // ---------- live data ----------
  function setLive(mode) {
    state.live = mode;
    const el = $('#live-status');
    el.textContent = mode; el.className = 'pill ' + (mode === 'live' ? 'ok' : mode === 'polling' ? 'warn' : '');
  }
  function applySample(sample) {
    const known = state.latest[sample.device] || { device: sample.device, values: {} };
    state.latest[sample.device] = { device: sample.device, time: sample.time, values: Object.assign({}, known.values, sample.values) };
    state.lastSampleAt = Date.now();
  }
  function connectLive() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = proto + '//' + location.host + '/api/v1/live' + (state.token ? '?token=' + encodeURIComponent(state.token) : '');
    let socket;
    try { socket = new WebSocket(url); } catch (e) { startPolling(); return; }
    state.socket = socket;
    socket.onopen = () => { setLive('live'); stopPolling(); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'hello') (message.samples || []).forEach(applySample);
      if (message.type === 'sample' && message.sample) applySample(message.sample);
      state.flow = message.flow;
      document.dispatchEvent(new CustomEvent('heliograph:sample', { detail: message }));
      refreshLiveParts();
    };
    socket.onclose = () => {
      state.socket = null;
      setLive('polling');
      startPolling();
      setTimeout(connectLive, 5000);
    };
  }
  function startPolling() {
    if (state.pollTimer) return;
    const poll = async () => {
      try {
        const [latest, flow] = await Promise.all([api('/api/v1/latest'), api('/api/v1/flow')]);
        latest.forEach(applySample); state.flow = flow; refreshLiveParts();
      } catch (e) { setLive('offline'); }
    };
    poll();
    state.pollTimer = setInterval(poll, 5000);
  }
  function stopPolling() { clearInterval(state.pollTimer); state.pollTimer = null; }

  // Parts of the current page that follow live data.
  function refreshLiveParts() {
    if (state.page === 'dashboard') { renderFlow(); renderSolarNow(); refreshTodayKwh(); }
    if (state.page === 'devices') renderDeviceValues();
    if (state.page === 'battery') renderBatteryLive();
    $('#clock').textContent = state.lastSampleAt ? 'last sample ' + new Date(state.lastSampleAt).toLocaleTimeString() : 'waiting for data';
  }

  // ---------- dashboard ----------
  function flowLine(id, active, reverse, label) {
    return '<path id="' + id + '" class="flow-line' + (active ? ' active' : '') + (reverse ? ' reverse' : '') + '" d="' + label + '"/>';
  }
  function renderFlow() {
    const host = $('#flow');
    if (!host) return;
    const f = state.flow || {};
    const pv = f.pvW, bat = f.batteryW, grid = f.gridW, load = f.loadW;
    const on = (v) => v != null && Math.abs(v) > 5;
    host.innerHTML =
      '<svg viewBox="0 0 400 300" role="img" aria-label="Power flow">' +
      flowLine('line-pv', on(pv), false, 'M200 70 L200 130') +
      flowLine('line-bat', on(bat), bat < 0, 'M180 150 L95 150') +
      flowLine('line-grid', on(grid), !(grid < 0), 'M220 150 L305 150') +
      flowLine('line-load', on(load), false, 'M200 170 L200 230') +
      '<circle class="hub" cx="200" cy="150" r="20"/>' +
      node(200, 40, 'pv', 'Solar', watts(pv), '') +
      node(60, 150, 'battery', 'Battery', watts(bat), bat == null ? '' : (bat > 5 ? 'charging' : bat < -5 ? 'discharging' : 'idle') + (f.batterySocPct != null ? ' · ' + Math.round(f.batterySocPct) + '%' : '')) +
      node(340, 150, 'grid', 'Grid', watts(grid), grid == null ? '' : grid > 5 ? 'importing' : grid < -5 ? 'exporting' : 'idle') +
      node(200, 260, 'load', 'Home', watts(load), '') +
      '</svg>';
    const tiles = $('#tiles');
    if (tiles) {
      tiles.innerHTML = [['PV', watts(pv), 'pv'], ['Battery', f.batterySocPct != null ? Math.round(f.batterySocPct) + ' %' : '–', 'battery'], ['Grid', watts(grid), 'grid'], ['Load', watts(load), 'load']]
        .map((t) => '<div class="tile tile-' + t[2] + '"><div class="label">' + t[0] + '</div><div class="value" data-role="' + t[2] + '">' + t[1] + '</div></div>').join('');
    }
  }
  // Today's kWh per node (energy.js asks at most once a minute); drawn again when it changed.
  function refreshTodayKwh() {
    if (!window.HelioEnergy) return;
    HelioEnergy.todayKwh(api).then((flows) => { if (flows !== state.todayKwh) { state.todayKwh = flows; renderFlow(); } }).catch(() => {});
  }
  function node(x, y, role, title, value, note) {
    // Today's kWh under the live watts (energy.js), with where it came from in the tooltip.
    return '<g class="node node-' + role + '" transform="translate(' + x + ',' + y + ')">' +
      '<circle r="36"/><text class="node-title" y="-12">' + esc(title) + '</text>' +
      '<text class="node-value" y="2" data-role="' + role + '">' + esc(value) + '</text>' +
      (window.HelioEnergy ? HelioEnergy.nodeKwhSVG(state.todayKwh, role, 15) : '') +
      (note ? '<text class="node-note" y="50">' + esc(note) + '</text>' : '') + '</g>';
  }
  async function dashboard(view) {
    view.innerHTML =
      '<section class="grid two"><div class="card"><h2>Power flow</h2><div id="flow" class="flow"></div></div>' +
      '<div class="card"><h2>Now</h2><div id="tiles" class="tiles"></div><h3>Today</h3><canvas id="dash-chart" class="chart"></canvas></div></section>' +
      '<section class="card"><h2>Daily energy (30 days)</h2><canvas id="energy-chart" class="chart"></canvas></section>' +
      (solarEstimate() ? '<section class="card" id="solar-card"><h2>Solar output: actual vs expected (24 h)</h2><p id="solar-now" class="muted"></p><canvas id="solar-chart" class="chart"></canvas></section>' : '');
    renderFlow();
    refreshTodayKwh();
    drawSolar();
    const series = [];
    for (const d of state.devices) for (const f of d.fields) if (['pv_power_w', 'load_power_w', 'grid_power_w', 'battery_power_w'].includes(f.id)) series.push(d.id + '/' + f.id);
    if (series.length) drawHistory($('#dash-chart'), series.slice(0, 8), 'day', 'area');
    const producer = state.devices.find((d) => d.fields.some((f) => f.id === 'pv_power_w'));
    if (producer) {
      try {
        const energy = await api('/api/v1/energy/daily?device=' + encodeURIComponent(producer.id));
        const points = energy.days.map((d) => [new Date(d.day + 'T12:00:00').getTime(), d.kwh]);
        HelioChart.draw($('#energy-chart'), { series: [{ label: producer.name + ' PV', unit: 'kWh', points }], type: 'bar', from: Date.now() - 31 * 86400e3, to: Date.now(), height: 200, timeZone: siteZone() });
      } catch (e) { const chart = $('#energy-chart'); if (chart) chart.replaceWith(errorBox(e)); }  // gone when the page changed meanwhile
    }
  }

  // ---------- expected solar output ----------
  function solarEstimate() { return state.devices.find((d) => d.kind === 'solar-estimate'); }
  function renderSolarNow() {
    const d = solarEstimate(), el = $('#solar-now');
    if (!d || !el) return;
    const s = state.latest[d.id];
    if (!s) { el.textContent = 'no estimate yet'; return; }
    const v = s.values, parts = [];
    if (v.actual_pv_power_w !== undefined) parts.push('actual ' + fmt(v.actual_pv_power_w, fieldMeta(d.id, 'actual_pv_power_w')));
    if (v.expected_pv_power_w !== undefined) parts.push('expected ' + fmt(v.expected_pv_power_w, fieldMeta(d.id, 'expected_pv_power_w')));
    if (v.sun_output_pct !== undefined) parts.push('<strong>' + Math.round(v.sun_output_pct) + ' % of expected</strong>');
    if (v.sun_elevation_deg !== undefined) parts.push('sun ' + Number(v.sun_elevation_deg).toFixed(1) + '° high');
    if (v.cloud_cover_pct !== undefined) parts.push(Math.round(v.cloud_cover_pct) + ' % cloud');
    if (v.sunrise !== undefined && v.sunset !== undefined) parts.push('sunrise ' + esc(v.sunrise) + ', sunset ' + esc(v.sunset));
    el.innerHTML = parts.join(' · ');
  }
  function drawSolar() {
    const d = solarEstimate(), canvas = $('#solar-chart');
    if (!d || !canvas) return;
    renderSolarNow();
    drawHistory(canvas, [d.id + '/actual_pv_power_w', d.id + '/expected_pv_power_w'], '24h', 'line');
  }

  // ---------- automation ----------
  async function automationPage(view) {
    view.innerHTML = '<section class="card"><h2>Load switches</h2><div id="switches"><p class="muted">Loading…</p></div></section>' +
      '<section class="card"><h2>Switching decisions</h2><div id="decisions"></div></section>' +
      '<section class="card"><h2>Alerts</h2><div id="alerts-active"></div><h3>History</h3><div id="alerts-history"></div></section>';
    const when = (t) => esc(t ? new Date(t).toLocaleString() : '–');
    try {
      const sw = await api('/api/v1/switches?limit=50');
      $('#switches').innerHTML = sw.switches.length ? '<div class="table-wrap"><table id="switch-table"><thead><tr><th>Switch</th><th>State</th><th>Since</th><th>Topic</th><th>Rule</th></tr></thead><tbody>' +
        sw.switches.map((x) => '<tr data-switch="' + esc(x.id) + '"><td>' + esc(x.id) + '</td><td class="' + (x.on === true ? 'ok' : x.on === false ? 'muted' : '') + '">' + (x.on === true ? 'on' : x.on === false ? 'off' : 'unknown') +
          '</td><td>' + when(x.since) + '</td><td><code>' + esc(x.topic) + '</code></td><td>' + esc(x.rule) + '</td></tr>').join('') + '</tbody></table></div>'
        : '<p class="muted">No load switches configured (switches: in the configuration).</p>';
      $('#decisions').innerHTML = sw.decisions.length ? '<div class="table-wrap"><table id="decision-table"><thead><tr><th>Time</th><th>Switch</th><th>Action</th><th>Reason</th><th>Result</th></tr></thead><tbody>' +
        sw.decisions.map((x) => '<tr class="' + esc(x.result) + '"><td>' + when(x.time) + '</td><td>' + esc(x.switchID) + '</td><td>' + (x.on ? 'on' : 'off') + '</td><td>' + esc(x.reason) + '</td><td>' + esc(x.result) + (x.message ? ': ' + esc(x.message) : '') + '</td></tr>').join('') +
        '</tbody></table></div>' : '<p class="muted">No decisions yet.</p>';
    } catch (e) { $('#switches').innerHTML = ''; $('#switches').appendChild(errorBox(e)); }
    try {
      const al = await api('/api/v1/alerts?limit=100');
      const row = (x) => '<tr class="' + esc(x.state) + ' ' + esc(x.severity) + '"><td>' + when(x.time) + '</td><td>' + esc(x.rule) + '</td><td>' + esc(x.severity) + '</td><td>' + esc(x.state) + '</td><td>' + esc(x.message) + '</td><td>' + (x.notified ? 'sent' : 'suppressed') + '</td></tr>';
      const table = (id, list) => '<div class="table-wrap"><table id="' + id + '"><thead><tr><th>Time</th><th>Rule</th><th>Severity</th><th>State</th><th>Message</th><th>Notification</th></tr></thead><tbody>' + list.map(row).join('') + '</tbody></table></div>';
      $('#alerts-active').innerHTML = !al.configured ? '<p class="muted">No alert rules configured (alerts: in the configuration).</p>'
        : al.active.length ? table('alerts-active-table', al.active) : '<p class="ok">No alert is firing.</p>';
      $('#alerts-history').innerHTML = al.history.length ? table('alerts-history-table', al.history) : '<p class="muted">Nothing raised yet.</p>';
    } catch (e) { $('#alerts-active').innerHTML = ''; $('#alerts-active').appendChild(errorBox(e)); }
  }

  // ---------- charts ----------
  // The site's time zone, from the first history answer; chart axes and windows are laid out in it.
  function siteZone() { return state.timeZone || undefined; }
  // How far apart live points may be before the line breaks: 2.5 times the series' spacing, which is its
  // bucket or, for a device polled less often than once a bucket, the points' typical distance (as the
  // server reckons its gaps), so history read every few minutes is not all gaps.
  function gapMs(history, points) {
    if (!history.bucketSeconds) return null;
    const distances = points.slice(1).map((p, i) => p[0] - points[i][0]).sort((a, b) => a - b);
    const typical = distances.length >= 2 ? distances[Math.floor((distances.length - 1) / 2)] : 0;
    return Math.max(history.bucketSeconds * 1000, typical) * 2.5;
  }
  // One history series as a chart series: named, with its unit and the gaps the server found.
  function chartSeries(history, s) {
    const d = state.devices.find((x) => x.id === s.device);
    const f = fieldMeta(s.device, s.field);
    return {
      key: s.device + '/' + s.field, label: (state.devices.length > 1 && d ? d.name + ' ' : '') + (f ? f.name : s.field), unit: s.unit || (f && f.unit) || '',
      points: s.points, gaps: s.gaps || [], raw: history.step === 'raw', gapMs: gapMs(history, s.points),
    };
  }
  // Draws series over a window: `range` is '24h', '7d' … (ending now) or a calendar period ('day' = today, midnight to midnight).
  async function drawHistory(canvas, series, range, type) {
    const period = ['day', 'week', 'month', 'year'].includes(range) ? range : null;
    const to = Date.now(), from = to - (RANGES[range] || RANGES['24h']);
    const query = 'series=' + encodeURIComponent(series.join(',')) + (period ? '&period=' + period : '&from=' + new Date(from).toISOString() + '&to=' + new Date(to).toISOString()) + '&step=auto';
    try {
      const history = await api('/api/v1/history?' + query);
      if (history.timeZone) state.timeZone = history.timeZone;
      HelioChart.draw(canvas, {
        type, from: Date.parse(history.from), to: Date.parse(history.to), timeZone: siteZone(), now: Date.now(),
        series: history.series.map((s) => chartSeries(history, s)),
      });
      canvas.dataset.step = history.step;
      return query;
    } catch (e) { canvas.replaceWith(errorBox(e)); return query; }
  }

  // ---------- devices ----------
  function devicesPage(view, id) {
    if (id) return deviceDetail(view, id);
    view.innerHTML = '<section class="grid cards">' + state.devices.map((d) =>
      '<a class="card device" href="/devices/' + encodeURIComponent(d.id) + '"><h2>' + esc(d.name) + ' <span class="pill ' + (d.online ? 'ok' : 'bad') + '">' + (d.online ? 'online' : 'offline') + '</span></h2>' +
      '<p class="muted">' + esc(d.manufacturer) + ' ' + esc(d.model) + (d.serial ? ' · ' + esc(d.serial) : '') + '</p>' +
      '<dl class="values" data-device="' + esc(d.id) + '"></dl></a>').join('') + '</section>' +
      (state.devices.length ? '' : '<p class="muted">No devices yet.</p>');
    renderDeviceValues();
  }
  function renderDeviceValues() {
    document.querySelectorAll('dl.values[data-device]').forEach((dl) => {
      const id = dl.dataset.device, sample = state.latest[id], device = state.devices.find((d) => d.id === id);
      if (!sample || !device) { dl.innerHTML = '<dt>no data yet</dt>'; return; }
      const limit = dl.classList.contains('all') ? Infinity : 8;
      dl.innerHTML = device.fields.filter((f) => sample.values[f.id] !== undefined).slice(0, limit)
        .map((f) => '<dt>' + esc(f.name) + '</dt><dd data-field="' + esc(f.id) + '">' + fmt(sample.values[f.id], f) + '</dd>').join('') +
        '<dt>updated</dt><dd>' + esc(ago(sample.time)) + '</dd>';
    });
  }
  function deviceDetail(view, id) {
    const d = state.devices.find((x) => x.id === id);
    if (!d) { view.innerHTML = '<p class="error">No device ' + esc(id) + '</p>'; return; }
    const numeric = d.fields.filter((f) => f.kind !== 'text');
    view.innerHTML = '<section class="grid two"><div class="card"><h2>' + esc(d.name) + '</h2>' +
      '<p class="muted">' + esc(d.kind) + ' · ' + esc(d.manufacturer) + ' ' + esc(d.model) + (d.firmware ? ' · firmware ' + esc(d.firmware) : '') + '</p>' +
      '<dl class="values all" data-device="' + esc(d.id) + '"></dl></div>' +
      '<div class="card"><h2>History (24 h)</h2><select id="detail-field">' + numeric.map((f) => '<option value="' + esc(f.id) + '">' + esc(f.name) + '</option>').join('') + '</select>' +
      '<canvas id="detail-chart" class="chart"></canvas>' +
      (d.settings.length ? '<p><a href="/commands">Change settings…</a></p>' : '') + '</div></section>';
    renderDeviceValues();
    const draw = () => numeric.length && drawHistory($('#detail-chart'), [d.id + '/' + $('#detail-field').value], '24h', 'area');
    $('#detail-field').addEventListener('change', draw);
    draw();
  }

  // ---------- battery ----------
  function batteryDevices() { return state.devices.filter((d) => d.fields.some((f) => f.id === 'battery_soc_pct' || f.id === 'battery_voltage_v')); }
  function renderBatteryLive() {
    for (const d of batteryDevices()) {
      const s = state.latest[d.id]; const el = document.getElementById('battery-' + d.id);
      if (!el || !s) continue;
      const soc = s.values.battery_soc_pct, p = s.values.battery_power_w;
      el.querySelector('.gauge-fill').style.width = Math.max(0, Math.min(100, soc || 0)) + '%';
      el.querySelector('.gauge-label').textContent = soc != null ? Math.round(soc) + ' %' : '–';
      el.querySelector('.battery-values').innerHTML = ['battery_power_w', 'battery_voltage_v', 'battery_current_a', 'battery_temperature_c']
        .filter((f) => s.values[f] !== undefined).map((f) => '<dt>' + esc((fieldMeta(d.id, f) || { name: f }).name) + '</dt><dd>' + fmt(s.values[f], fieldMeta(d.id, f)) + '</dd>').join('') +
        '<dt>state</dt><dd>' + (p == null ? '–' : p > 5 ? 'charging' : p < -5 ? 'discharging' : 'idle') + '</dd>';
    }
  }
  function batteryPage(view) {
    const list = batteryDevices();
    view.innerHTML = list.length ? list.map((d) => '<section class="card" id="battery-' + esc(d.id) + '"><h2>' + esc(d.name) + '</h2>' +
      '<div class="gauge"><div class="gauge-fill"></div><span class="gauge-label">–</span></div><dl class="values battery-values"></dl>' +
      '<canvas class="chart" id="soc-' + esc(d.id) + '"></canvas></section>').join('') : '<p class="muted">No battery reported.</p>';
    renderBatteryLive();
    for (const d of list) {
      const fields = ['battery_soc_pct', 'battery_power_w'].filter((f) => d.fields.some((x) => x.id === f));
      drawHistory(document.getElementById('soc-' + d.id), fields.map((f) => d.id + '/' + f), '24h', 'line');
    }
  }

  // ---------- house ----------
  async function housePage(view) {
    try {
      const house = await api('/api/house');
      const card = (s) => { const d = state.devices.find((x) => x.id === s.device);
        return '<div class="card"><h2>' + esc(d ? d.name : s.device) + '</h2><dl class="values">' +
          Object.keys(s.values).sort().map((k) => '<dt>' + esc((fieldMeta(s.device, k) || { name: k }).name) + '</dt><dd>' + fmt(s.values[k], fieldMeta(s.device, k)) + '</dd>').join('') + '</dl><p class="muted">' + esc(ago(s.time)) + '</p></div>'; };
      view.innerHTML = '<h2 class="section">Weather</h2><section class="grid cards">' + (house.weather.map(card).join('') || '<p class="muted">No weather source.</p>') + '</section>' +
        '<section class="card" id="forecast-card" hidden><h2>Forecast</h2><canvas id="forecast-chart" class="chart"></canvas></section>' +
        '<h2 class="section">House sensors</h2><section class="grid cards">' + (house.sensors.map(card).join('') || '<p class="muted">No house sensors.</p>') + '</section>';
      drawForecast();
    } catch (e) { view.innerHTML = ''; view.appendChild(errorBox(e)); }
  }
  async function drawForecast() {
    let forecast;
    try { forecast = (await api('/api/v1/weather/forecast')).forecasts[0]; } catch (e) { return; }  // the weather cards already show the source
    const canvas = $('#forecast-chart');
    if (!forecast || !forecast.hours.length || !canvas) return;
    $('#forecast-card').hidden = false;
    const hours = forecast.hours, t = (h) => Date.parse(h.time);
    const series = (label, unit, key, color) => ({ label, unit, color, points: hours.filter((h) => h[key] != null).map((h) => [t(h), h[key]]) });
    const list = hours.some((h) => h.expectedPVPowerW != null)
      ? [series('Expected PV', 'W', 'expectedPVPowerW', HelioChart.palette(0)), series('Cloud cover', '%', 'cloudCoverPct', HelioChart.palette(1))]
      : [series('Temperature', '°C', 'temperatureC', HelioChart.palette(3)), series('Cloud cover', '%', 'cloudCoverPct', HelioChart.palette(1))];
    HelioChart.draw(canvas, { type: 'line', from: t(hours[0]), to: t(hours[hours.length - 1]), series: list, timeZone: siteZone() });
  }

  // ---------- commands ----------
  // Each control shows the setting's current value as read from the device and starts from it; a
  // change is checked against the range here (the server stays the authority), confirmed old → new,
  // and its outcome said in plain words.
  function settingText(x, value) {
    if (value == null) return 'unknown';
    if (typeof value === 'boolean') return value ? 'on' : 'off';
    if (typeof value === 'number') return String(value) + (x.unit ? ' ' + x.unit : '');
    return String(value);
  }
  function nowLabel(x) {
    return x.state === 'read'
      ? 'now: <strong>' + esc(settingText(x, x.value)) + '</strong>, read <span data-read-at="' + esc(x.readAt) + '">' + esc(ago(x.readAt)) + '</span>'
      : 'now: unknown (not read from the device yet)';
  }
  function settingInput(x) {
    const id = 'v-' + Math.random().toString(36).slice(2, 9);
    const known = x.state === 'read';
    const choose = known ? '' : '<option value="" selected disabled>choose…</option>';
    let input;
    if (x.kind === 'choice') {
      input = '<select id="' + id + '" name="value" required>' + choose +
        x.options.map((o) => '<option' + (known && o === x.value ? ' selected' : '') + '>' + esc(o) + '</option>').join('') + '</select>';
    } else if (x.kind === 'number') {
      input = '<input id="' + id + '" name="value" type="number" inputmode="decimal" required min="' + x.min + '" max="' + x.max + '" step="' + (x.step || 'any') +
        '" value="' + (known ? esc(x.value) : '') + '"' + (known ? '' : ' placeholder="' + x.min + '–' + x.max + '"') + '> ' + esc(x.unit || '');
    } else {
      input = '<select id="' + id + '" name="value" required>' + choose +
        [['on', true], ['off', false]].map(([label, on]) => '<option value="' + label + '"' + (known && x.value === on ? ' selected' : '') + '>' + label + '</option>').join('') + '</select>';
    }
    return { id, html: input };
  }
  function settingForm(device, x, signedIn) {
    const input = settingInput(x);
    return '<form class="setting controls" novalidate data-device="' + esc(device) + '" data-setting="' + esc(x.id) + '" data-kind="' + esc(x.kind) + '">' +
      '<label class="setting-name" for="' + input.id + '">' + esc(x.name) + '</label>' + input.html +
      (x.kind === 'number' ? '<span class="muted range">' + x.min + '–' + x.max + (x.step ? ' in steps of ' + x.step : '') + '</span>' : '') +
      '<span class="setting-now muted">' + nowLabel(x) + '</span>' +
      '<label><input type="checkbox" name="dryRun"> dry run</label><button' + (signedIn ? '' : ' disabled title="Sign in to change settings"') + '>Apply</button>' +
      '<output class="outcome" aria-live="polite"></output></form>';
  }
  // The value the form holds, or an error message when it is outside what the setting allows.
  function formValue(form, x) {
    const raw = form.value.value;
    if (raw === '') return { error: 'Choose a value first.' };
    if (x.kind === 'toggle') return { value: raw === 'on' };
    if (x.kind === 'choice') return x.options.includes(raw) ? { value: raw } : { error: 'Choose one of ' + x.options.join(', ') + '.' };
    const n = Number(raw);
    const steps = x.step ? (n - x.min) / x.step : 0;
    if (!Number.isFinite(n) || n < x.min || n > x.max) return { error: x.name + ' must be between ' + x.min + ' and ' + x.max + (x.unit ? ' ' + x.unit : '') + '.' };
    if (x.step && Math.abs(steps - Math.round(steps)) > 1e-6) return { error: x.name + ' goes in steps of ' + x.step + (x.unit ? ' ' + x.unit : '') + ' from ' + x.min + '.' };
    return { value: n };
  }
  // Asks old → new in a dialog; resolves true only on the explicit confirm button.
  function confirmChange(device, x, value) {
    return new Promise((resolve) => {
      const dialog = $('#confirm');
      $('#confirm-text').innerHTML = 'Change <strong>' + esc(x.name) + '</strong> on <strong>' + esc(device) + '</strong>:<br>' +
        '<span class="old">' + esc(settingText(x, x.state === 'read' ? x.value : null)) + '</span> → <span class="new">' + esc(settingText(x, value)) + '</span>';
      const done = (ok) => { dialog.close(); resolve(ok); };
      $('#confirm-yes').onclick = () => done(true);
      $('#confirm-no').onclick = () => done(false);
      dialog.oncancel = (e) => { e.preventDefault(); done(false); };
      dialog.showModal();
      $('#confirm-no').focus();
    });
  }
  async function commandsPage(view) {
    let settings = [];
    try { settings = await api('/api/v1/settings'); } catch (e) { view.appendChild(errorBox(e)); }
    const s = state.session || {};
    const login = s.authenticated
      ? '<p>Signed in as <strong>' + esc(s.caller) + '</strong>' + (s.expires ? ' <span class="muted">until ' + esc(new Date(s.expires).toLocaleString()) + '</span>' : '') +
        ' <button id="logout" type="button">Sign out</button></p>'
      : '<form id="login" class="login" novalidate>' +
        '<label>User <input name="user" autocomplete="username"></label>' +
        '<label>Password <input name="password" type="password" autocomplete="current-password"></label>' +
        '<span class="login-or muted">or</span><label>API token <input name="token" type="password" autocomplete="off"></label>' +
        '<button class="primary">Sign in</button><p id="login-error" class="error" role="alert" hidden></p></form>' +
        '<p class="muted">Sign in to change settings: the current values below are read from the devices.</p>' +
        (s.controlConfigured === false ? '<p class="muted">No users or tokens are configured: control is disabled.</p>' : '');
    view.innerHTML = '<section class="card"><h2>Access</h2>' + login + '</section>' +
      settings.map((d) => '<section class="card"><h2>' + esc(d.device) + '</h2>' + d.settings.map((x) => settingForm(d.device, x, s.authenticated)).join('') + '</section>').join('') +
      (settings.length ? '' : '<p class="muted">No controllable device.</p>') +
      // The audit log names who changed what, so the server shows it to signed-in callers only.
      '<section class="card"><h2>Audit log</h2>' + (s.authenticated ? '<div id="audit"></div>' : '<p class="muted">Sign in to see who changed what.</p>') + '</section>' +
      '<dialog id="confirm" aria-labelledby="confirm-title"><h2 id="confirm-title">Change the setting?</h2><p id="confirm-text"></p>' +
      '<div class="controls"><button id="confirm-no" type="button">Cancel</button><button id="confirm-yes" type="button" class="primary">Apply the change</button></div></dialog>';
    const loginForm = $('#login');
    if (loginForm) loginForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const error = $('#login-error');
      const say = (message) => { error.textContent = message; error.hidden = false; };
      error.hidden = true;
      const token = loginForm.token.value.trim(), user = loginForm.user.value.trim(), password = loginForm.password.value;
      let body;
      if (token) body = { token };
      else if (user && password) body = { user, password };
      else { say('Enter a user name and password, or an API token.'); return; }
      try {
        const r = await api('/api/v1/login', { method: 'POST', body });
        state.token = r.token;
        sessionStorage.setItem('heliograph.token', state.token);
        await loadSession(); toast('Signed in as ' + state.session.caller, 'ok'); route();
      } catch (err) {
        state.token = '';
        // The server says which was wrong (the token, or the user name or password) and when to retry.
        say(err.message ? err.message.charAt(0).toUpperCase() + err.message.slice(1) + '.' : 'Sign-in failed (' + err.status + ').');
      }
    });
    const logout = $('#logout');
    if (logout) logout.addEventListener('click', async () => { try { await api('/api/v1/logout', { method: 'POST' }); } catch (e) {} state.token = ''; sessionStorage.removeItem('heliograph.token'); await loadSession(); route(); });
    const find = (form) => (settings.find((d) => d.device === form.dataset.device) || { settings: [] }).settings.find((x) => x.id === form.dataset.setting);
    view.querySelectorAll('form.setting').forEach((form) => {
      form.value.addEventListener('input', () => { form.dataset.dirty = '1'; });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const out = form.querySelector('.outcome');
        const x = find(form);
        const checked = formValue(form, x);
        if (checked.error) { out.className = 'outcome bad'; out.textContent = 'Not sent: ' + checked.error; return; }
        const dryRun = form.dryRun.checked;
        if (!dryRun && !(await confirmChange(form.dataset.device, x, checked.value))) { out.className = 'outcome'; out.textContent = 'Cancelled; nothing was sent.'; return; }
        out.className = 'outcome pending'; out.textContent = 'sending…';
        try {
          const r = await api('/api/v1/commands', { method: 'POST', body: { device: form.dataset.device, setting: form.dataset.setting, value: checked.value, dryRun } });
          out.className = 'outcome ok';
          if (r.result === 'dry-run') out.textContent = 'Dry run: ' + x.name + ' could be set to ' + settingText(x, checked.value) + '; nothing was sent.';
          else if (r.readBack != null) out.textContent = x.name + ' is now ' + settingText(x, r.readBack) + ' (read back from the inverter).';
          else out.textContent = x.name + ' was sent as ' + settingText(x, checked.value) + '; this device cannot read it back.';
          delete form.dataset.dirty;
          await refreshSettings(form.dataset.device, settings);
        } catch (err) {
          out.className = 'outcome bad';
          out.textContent = (err.status === 422 ? 'Refused: ' : err.status === 401 ? 'Sign in first: ' : (err.status ? err.status + ' ' : '')) + err.message;
        }
        loadAudit();
      });
    });
    loadAudit();
    // Settings changed elsewhere (the inverter's panel, another app) show here within the interval.
    clearInterval(state.settingsTimer);
    state.settingsTimer = setInterval(() => {
      if (state.page !== 'commands') { clearInterval(state.settingsTimer); return; }
      settings.forEach((d) => refreshSettings(d.device, settings).catch(() => {}));
    }, 15000);
  }
  // Re-reads one device's settings: updates the "now" labels, and the inputs nobody is editing.
  async function refreshSettings(device, settings) {
    const fresh = await api('/api/v1/devices/' + encodeURIComponent(device) + '/settings');
    const known = settings.find((d) => d.device === device);
    if (known) known.settings = fresh.settings;
    fresh.settings.forEach((x) => {
      const form = document.querySelector('form.setting[data-device="' + CSS.escape(device) + '"][data-setting="' + CSS.escape(x.id) + '"]');
      if (!form) return;
      form.querySelector('.setting-now').innerHTML = nowLabel(x);
      if (!form.dataset.dirty && x.state === 'read') form.value.value = x.kind === 'toggle' ? (x.value ? 'on' : 'off') : String(x.value);
    });
  }
  async function loadAudit() {
    const host = $('#audit'); if (!host) return;
    try {
      const entries = await api('/api/v1/audit?limit=20');
      host.innerHTML = entries.length ? '<div class="table-wrap"><table><thead><tr><th>Time</th><th>Who</th><th>Device</th><th>Setting</th><th>Value</th><th>Result</th><th>Message</th></tr></thead><tbody>' +
        entries.map((e) => '<tr class="' + esc(e.result) + '"><td>' + esc(new Date(e.time).toLocaleString()) + '</td><td>' + esc(e.actor) + '</td><td>' + esc(e.device) + '</td><td>' + esc(e.setting) + '</td><td>' + esc(e.value) + '</td><td>' + esc(e.result) + '</td><td>' + esc(e.message) + '</td></tr>').join('') +
        '</tbody></table></div>' : '<p class="muted">No changes yet.</p>';
    } catch (e) { host.innerHTML = ''; host.appendChild(errorBox(e)); }
  }

  // "read 12 s ago" stays true while the page is open.
  setInterval(() => document.querySelectorAll('[data-read-at]').forEach((el) => { el.textContent = ago(el.dataset.readAt); }), 5000);

  // ---------- shell ----------
  function errorBox(e) { const p = document.createElement('p'); p.className = 'error'; p.textContent = (e.status ? e.status + ': ' : '') + e.message; return p; }
  async function loadSession() {
    try { state.session = await api('/api/v1/session'); } catch (e) {
      if (e.status === 401) { state.token = ''; sessionStorage.removeItem('heliograph.token'); state.session = await api('/api/v1/session'); }
    }
    $('#who').textContent = state.session && state.session.authenticated ? state.session.caller : 'read-only';
  }
  async function loadDevices() {
    try { state.devices = await api('/api/v1/devices'); } catch (e) { state.devices = []; }
  }
  async function route() {
    // /page/argument?key=value (router.js): the query keeps a page's view (the charts' window and
    // fields, the energy period) in the URL.
    const parts = HelioRouter.parts();
    const search = location.search.replace(/^\?/, '');
    const page = HelioRouter.pages.includes(parts[0]) ? parts[0] : 'dashboard';
    state.page = page;
    document.title = page.charAt(0).toUpperCase() + page.slice(1) + ' · Heliograph';
    document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('current', a.dataset.page === page));
    const old = $('#view');
    const view = old.cloneNode(false); // drops listeners of the previous page
    old.replaceWith(view);
    view.dataset.page = page;
    const pages = { dashboard, energy: (v) => HelioEnergy.page(v, { api, errorBox }), devices: devicesPage, charts: HelioChartsPage.render, battery: batteryPage, house: housePage, commands: commandsPage, automation: automationPage };
    await pages[page](view, parts[1] ? decodeURIComponent(parts[1]) : undefined, new URLSearchParams(search || ''));
    refreshLiveParts();
  }
  function applyTheme(theme) {
    document.documentElement.dataset.theme = theme;
    $('#theme-toggle').textContent = theme === 'lcars' ? 'Modern' : 'LCARS';
    localStorage.setItem('heliograph.theme', theme);
    HelioRouter.themeChanged(theme);
  }

  // What the page modules (charts-page.js, field-picker.js) use of the shell.
  window.HelioApp = { state, api, esc, fieldMeta, errorBox, chartSeries, siteZone };

  async function start() {
    applyTheme(HelioRouter.theme() || localStorage.getItem('heliograph.theme') || 'modern');
    $('#theme-toggle').addEventListener('click', () => { applyTheme(document.documentElement.dataset.theme === 'lcars' ? 'modern' : 'lcars'); route(); });
    await loadSession();
    await loadDevices();
    HelioRouter.listen(route);
    let resizeTimer;
    // Charts are drawn for the window's size, so their pages are drawn again after a resize. Pages of
    // forms are not: redrawing them would throw away what the owner typed (and a sign-in message).
    const redrawnOnResize = ['dashboard', 'energy', 'devices', 'charts', 'battery', 'house'];
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => { if (redrawnOnResize.includes(state.page)) route(); }, 250);
    });
    try { const [latest, flow] = await Promise.all([api('/api/v1/latest'), api('/api/v1/flow')]); latest.forEach(applySample); state.flow = flow; } catch (e) {}
    connectLive();
    await route();
    setInterval(loadDevices, 60000);
    window.heliograph = state; // for the browser tests and for curious users
  }
  start();
})();
