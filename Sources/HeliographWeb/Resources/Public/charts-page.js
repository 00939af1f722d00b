// The Charts page: calendar windows in the site's time zone (a day runs midnight to midnight), with
// previous/next, a date picker, zoom and pan; one chart per unit, sharing a crosshair; live samples
// added while the window holds now; setting changes flagged on the time axis. The window and the
// fields are kept in the URL (/charts?period=day&date=2026-01-26&fields=inv1/pv_power_w,…), so a
// reload or a bookmark shows the same view.
(function () {
  'use strict';

  const A = window.HelioAxis;
  const PERIODS = ['day', 'week', 'month', 'year'];
  const TYPES = ['line', 'area', 'bar'];
  const MAX_FIELDS = 12;
  const RAW_SPAN = 3 * A.HOUR;  // zoomed closer than this, the chart shows every sample
  const KEY = /^[a-z0-9_-]{1,64}\/[a-z0-9_]{1,64}$/;

  // The view as the URL holds it; anything malformed falls back to today's default.
  function readView(params) {
    const from = Number(params.get('from')), to = Number(params.get('to'));
    return {
      period: PERIODS.includes(params.get('period')) ? params.get('period') : 'day',
      date: /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') || '') ? params.get('date') : null,
      from: from > 0 && to > from ? from : null, to: from > 0 && to > from ? to : null,
      type: TYPES.includes(params.get('type')) ? params.get('type') : 'line',
      fields: params.has('fields') ? [...new Set(params.get('fields').split(',').filter((k) => KEY.test(k)))].slice(0, MAX_FIELDS) : null,
    };
  }
  function viewURL(v) {
    const p = ['period=' + v.period];
    if (v.date) p.push('date=' + v.date);
    if (v.from && v.to) p.push('from=' + Math.round(v.from), 'to=' + Math.round(v.to));
    if (v.type !== 'line') p.push('type=' + v.type);
    p.push('fields=' + v.fields.map(encodeURIComponent).join(',').replace(/%2F/g, '/'));
    // The path stays as it is (/charts, or /charts/lcars for the LCARS theme).
    return location.pathname + '?' + p.join('&');
  }
  // Navigation (another window, a zoom) is a history entry, so Back returns to it; a field change replaces the entry.
  function writeView(v, push) {
    const url = viewURL(v);
    if (location.pathname + location.search !== url) history[push ? 'pushState' : 'replaceState'](null, '', url);
    localStorage.setItem('heliograph.chart.fields', JSON.stringify(v.fields));
  }

  function windowTitle(v, history, zone) {
    const from = Date.parse(history.from), to = Date.parse(history.to);
    if (v.from && v.to) {
      const sameDay = A.dayKey(from, zone) === A.dayKey(to, zone);
      return A.formatDate(from, zone, { time: true }) + ' – ' + (sameDay ? A.formatClock(to, zone) : A.formatDate(to, zone, { time: true }));
    }
    switch (history.period && history.period.kind) {
      case 'week': return 'Week of ' + A.formatDate(from, zone, { weekday: false }) + ' – ' + A.formatDate(to - 1, zone, { weekday: false });
      case 'month': return A.monthName(from, zone);
      case 'year': return String(new Date(A.toWall(from, zone)).getUTCFullYear());
      default: return A.formatDate(from, zone);
    }
  }

  // A live sample into a chart series: into the newest bucket while it lasts, else as a new point.
  function addLive(s, t, value, bucketMs) {
    const last = s.points[s.points.length - 1];
    if (last && t <= last[0]) return false;
    if (bucketMs && last && t < last[0] + bucketMs) {
      last.n = (last.n || 1) + 1;
      last[1] += (value - last[1]) / last.n;
      last[2] = Math.min(last[2], value); last[3] = Math.max(last[3], value); last[4] = value;
    } else if (bucketMs) {
      const start = last ? last[0] + Math.floor((t - last[0]) / bucketMs) * bucketMs : t;
      s.points.push([start, value, value, value, value]);
    } else {
      s.points.push([t, value]);
    }
    return true;
  }

  async function render(host, argument, params) {
    const { state, api, esc, errorBox, chartSeries } = window.HelioApp;
    const v = readView(params);
    host.innerHTML =
      '<div class="charts-layout"><section class="card charts-main" aria-labelledby="win-title">' +
      '<div class="chart-head"><h2 id="win-title">Charts</h2><span id="win-live" class="pill ok" hidden>live</span></div>' +
      '<div class="chart-toolbar controls">' +
      '<div class="seg" role="group" aria-label="Window">' + PERIODS.map((p) => '<button type="button" data-period="' + p + '">' + p.charAt(0).toUpperCase() + p.slice(1) + '</button>').join('') + '</div>' +
      '<div class="seg"><button type="button" id="win-prev" aria-label="Previous">◀</button>' +
      '<label class="visually-hidden" for="win-date">Date</label><input type="date" id="win-date">' +
      '<button type="button" id="win-next" aria-label="Next">▶</button></div>' +
      '<button type="button" id="win-today">Today</button>' +
      '<span class="seg" id="zoom-controls" hidden><button type="button" id="pan-left" aria-label="Pan back">◀ pan</button>' +
      '<button type="button" id="zoom-reset">Reset zoom</button><button type="button" id="pan-right" aria-label="Pan forward">pan ▶</button></span>' +
      '<label>Type <select id="chart-type">' + TYPES.map((t) => '<option' + (t === v.type ? ' selected' : '') + '>' + t + '</option>').join('') + '</select></label>' +
      '<a id="csv-link" class="button" href="#">Export CSV</a></div>' +
      '<div id="chart-stack"></div>' +
      '<p class="chart-hint muted">Drag across a chart to zoom in; Shift-drag or ←/→ to pan; double-click or 0 to reset.' +
      (state.session && state.session.authenticated ? ' ⚑ marks a setting change.' : ' Sign in to see setting changes marked on the time axis.') + '</p></section>' +
      '<aside class="card picker" aria-labelledby="picker-title"><h2 id="picker-title">Fields</h2><div id="picker"></div></aside></div>';
    const $ = (sel) => host.querySelector(sel);

    // The fields: the URL's, else the last ones used, else the Power preset (or the first two with data).
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem('heliograph.chart.fields') || 'null'); } catch (e) { saved = null; }
    if (!v.fields) {
      const withData = window.HelioPicker.fieldsWithData(state.devices, state.latest, []);
      const power = withData.filter((x) => window.HelioPicker.PRESETS.Power(x.field)).map((x) => x.key);
      v.fields = Array.isArray(saved) && saved.length ? saved.filter((k) => KEY.test(k)).slice(0, MAX_FIELDS)
        : power.length ? power.slice(0, MAX_FIELDS) : withData.slice(0, 2).map((x) => x.key);
    }
    window.HelioPicker.create($('#picker'), {
      devices: state.devices, latest: state.latest, selected: v.fields, max: MAX_FIELDS,
      onChange: (keys) => { v.fields = keys; load(false); },
    });

    let current = null;   // { history, series, charts: [{canvas, options}], from, to, bucketMs }
    let period = null;    // the calendar window last shown, with its neighbours (for ◀ ▶)
    let sequence = 0;
    let markers = null;

    async function settingMarkers() {
      if (markers) return markers;
      if (!(state.session && state.session.authenticated)) return (markers = []);
      try {
        markers = (await api('/api/v1/audit?limit=500')).filter((e) => !e.dryRun).map((e) => ({
          time: Date.parse(e.time), label: e.setting + ' → ' + e.value + ' on ' + e.device + ' (' + e.result + ', by ' + e.actor + ')',
        }));
      } catch (e) { markers = []; }
      return markers;
    }

    function query() {
      const zoomed = v.from && v.to;
      return 'series=' + v.fields.map(encodeURIComponent).join(',') + (zoomed
        ? '&from=' + new Date(v.from).toISOString() + '&to=' + new Date(v.to).toISOString() + (v.to - v.from <= RAW_SPAN ? '&step=raw' : '&step=auto&points=300')
        : '&period=' + v.period + (v.date ? '&date=' + v.date : '') + '&step=auto&points=150');
    }

    function drawAll() {
      if (!current) return;
      for (const c of current.charts) HelioChart.draw(c.canvas, Object.assign(c.options, { now: Date.now() }));
    }
    let redrawPending = false;
    function scheduleRedraw() {
      if (redrawPending) return;
      redrawPending = true;
      setTimeout(() => { redrawPending = false; if (host.isConnected) drawAll(); }, 400);
    }

    async function load(push) {
      const mine = ++sequence;
      writeView(v, push);
      host.querySelectorAll('[data-period]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.period === v.period && !v.from)));
      $('#zoom-controls').hidden = !(v.from && v.to);
      const stack = $('#chart-stack');
      $('#csv-link').href = '/api/v1/history?' + query() + '&format=csv';
      if (!v.fields.length) {
        current = null;
        stack.innerHTML = '<p class="muted empty-chart">No field chosen: pick some under Fields, or a preset (Power, Battery, Grid, Temperatures).</p>';
        return;
      }
      let history;
      try { history = await api('/api/v1/history?' + query()); } catch (e) {
        if (mine === sequence) { stack.innerHTML = ''; stack.appendChild(errorBox(e)); }
        return;
      }
      const flags = await settingMarkers();
      if (mine !== sequence || !host.isConnected) return;  // a newer view was asked for meanwhile
      if (history.timeZone) state.timeZone = history.timeZone;
      const zone = state.timeZone || undefined;
      const from = Date.parse(history.from), to = Date.parse(history.to);
      if (history.period) { period = history.period; $('#win-date').value = v.date || history.period.date; }
      else if (!$('#win-date').value) $('#win-date').value = A.dayKey(from, zone);
      $('#win-title').textContent = windowTitle(v, history, zone);
      const now = Date.now();
      $('#win-live').hidden = !(now >= from && now <= to);

      const series = history.series.map((s, i) => Object.assign(chartSeries(history, s), { device: s.device, field: s.field, color: HelioChart.palette(i) }));
      const units = [...new Set(series.map((s) => s.unit))];
      stack.innerHTML = units.map((u, i) => '<div class="chart-panel"><canvas id="' + (i === 0 ? 'main-chart' : 'chart-' + i) + '" class="chart" data-unit="' + esc(u) + '"></canvas></div>').join('');
      const charts = units.map((u, i) => ({
        canvas: stack.querySelectorAll('canvas')[i],
        options: {
          series: series.filter((s) => s.unit === u), type: v.type, from, to, timeZone: zone, markers: flags, stats: true, group: 'charts', minLeft: 56,
          height: units.length === 1 ? 380 : units.length === 2 ? 280 : 220, title: u || 'values',
          onRange: (a, b) => {
            const span = Math.max(b - a, 2 * A.MINUTE);
            v.from = Math.round(a); v.to = Math.round(a + span); load(true);
          },
          onReset: () => { v.from = v.to = null; load(true); },
        },
      }));
      current = { history, series, charts, from, to, bucketMs: history.bucketSeconds ? history.bucketSeconds * 1000 : null };
      drawAll();
      stack.dataset.step = history.step;
      stack.dataset.from = String(from); stack.dataset.to = String(to);
      if (charts[0]) charts[0].canvas.dataset.step = history.step;
    }

    // Live samples go into the charts while the window holds now.
    let liveCount = 0;
    const onSample = (event) => {
      if (!host.isConnected) { document.removeEventListener('heliograph:sample', onSample); return; }
      const message = event.detail;
      if (!current || message.type !== 'sample' || !message.sample) return;
      const t = Date.parse(message.sample.time);
      if (!(t >= current.from && t <= current.to)) return;
      let added = false;
      for (const s of current.series) {
        const value = s.device === message.sample.device ? message.sample.values[s.field] : undefined;
        if (typeof value === 'number' && addLive(s, t, value, current.bucketMs)) added = true;
      }
      if (!added) return;
      liveCount++;
      const stack = $('#chart-stack');
      stack.dataset.live = String(liveCount); stack.dataset.liveTime = String(t);
      scheduleRedraw();
    };
    document.addEventListener('heliograph:sample', onSample);

    // Toolbar
    host.querySelectorAll('[data-period]').forEach((b) => b.addEventListener('click', () => { v.period = b.dataset.period; v.from = v.to = null; load(true); }));
    const page = (direction) => {
      if (!period) { v.from = v.to = null; load(true); return; }  // opened zoomed from a bookmark: back to its window first
      v.date = direction < 0 ? period.previous : period.next; v.from = v.to = null; load(true);
    };
    $('#win-prev').addEventListener('click', () => page(-1));
    $('#win-next').addEventListener('click', () => page(1));
    $('#win-today').addEventListener('click', () => { v.date = null; v.from = v.to = null; load(true); });
    $('#win-date').addEventListener('change', (e) => { if (!e.target.value) return; v.date = e.target.value; v.from = v.to = null; load(true); });
    $('#zoom-reset').addEventListener('click', () => { v.from = v.to = null; load(true); });
    $('#pan-left').addEventListener('click', () => { const c = $('#main-chart'); if (c) HelioChart.pan(c, -0.5); });
    $('#pan-right').addEventListener('click', () => { const c = $('#main-chart'); if (c) HelioChart.pan(c, 0.5); });
    $('#chart-type').addEventListener('change', (e) => {
      v.type = e.target.value; writeView(v, false);
      if (current) { for (const c of current.charts) c.options.type = v.type; drawAll(); }
    });
    await load(false);
  }

  window.HelioChartsPage = { render, readView, viewURL, addLive };
})();
