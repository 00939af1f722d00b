// Heliograph charts: a small canvas renderer for time series (line, area, bar), one y axis per unit
// (left and right), axes from chart-axis.js. Gaps in the data stay gaps; the legend is HTML below the
// canvas (it wraps, never cuts) with min/max/mean/last of what is shown. Drag across a chart to zoom,
// Shift-drag (or the arrow keys) to pan, double-click (or 0) to reset; charts of one group share a
// crosshair, and the hovered one shows the values nearest in time. No dependencies.
(function () {
  'use strict';

  const A = window.HelioAxis;
  const groups = {};  // group name → Set of canvases sharing a crosshair

  function cssVar(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }
  // The theme's colour for the i-th series (--series-1 … --series-8 in app.css and lcars.css).
  function palette(i) {
    const fallback = ['#f5b50a', '#4cc3ff', '#7ddc6a', '#ff7a59', '#c58cff', '#ffd86b', '#3fd6c2', '#ff5c8a'];
    return cssVar('--series-' + ((i % 8) + 1), fallback[i % 8]);
  }
  function escapeHTML(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  // The index of the point nearest in time to t (points sorted by time), or -1.
  function nearestIndex(points, t) {
    if (!points.length) return -1;
    let lo = 0, hi = points.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (points[mid][0] <= t) lo = mid; else hi = mid; }
    return Math.abs(points[lo][0] - t) <= Math.abs(points[hi][0] - t) ? lo : hi;
  }

  // Runs of points with no gap between them. A gap is a server-named span (series.gaps, [before, after])
  // or, for points added live, a step longer than series.gapMs.
  function segments(s) {
    const starts = new Set((s.gaps || []).map((g) => g[0]));
    const runs = [];
    let run = [];
    s.points.forEach((p, i) => {
      const previous = s.points[i - 1];
      if (previous && (starts.has(previous[0]) || (s.gapMs && p[0] - previous[0] > s.gapMs))) { runs.push(run); run = []; }
      run.push(p);
    });
    if (run.length) runs.push(run);
    return runs;
  }

  // min/max/mean/last of the points between from and to; bucket points carry [t, mean, min, max, last].
  function stats(points, from, to) {
    let min = Infinity, max = -Infinity, sum = 0, n = 0, last = null;
    for (const p of points) {
      if (p[0] < from || p[0] > to) continue;
      min = Math.min(min, p.length > 2 ? p[2] : p[1]);
      max = Math.max(max, p.length > 3 ? p[3] : p[1]);
      sum += p[1]; n++;
      last = p.length > 4 ? p[4] : p[1];
    }
    return n ? { min, max, mean: sum / n, last } : null;
  }

  // Wraps the canvas once: a box holding it, an overlay for the crosshair and selection, the tooltip;
  // the legend follows the box.
  function parts(canvas) {
    if (canvas._parts) return canvas._parts;
    const box = document.createElement('div');
    box.className = 'chart-box';
    canvas.replaceWith(box);
    const overlay = document.createElement('canvas');
    overlay.className = 'chart-overlay';
    overlay.setAttribute('aria-hidden', 'true');
    const tip = document.createElement('div');
    tip.className = 'chart-tip';
    tip.hidden = true;
    tip.setAttribute('role', 'status');
    const legend = document.createElement('ul');
    legend.className = 'chart-legend';
    box.append(canvas, overlay, tip);
    box.after(legend);
    canvas.tabIndex = 0;
    canvas._parts = { box, overlay, tip, legend };
    attach(canvas);
    return canvas._parts;
  }

  // options: { series: [{label, unit, color, points: [[t_ms, value, min?, max?, last?], ...], gaps?, gapMs?}],
  //   type: 'line'|'area'|'bar', from, to, height, timeZone, markers: [{time, label}], stats: bool,
  //   group: name of the charts sharing a crosshair, onRange(from, to) when zoomed or panned (else the
  //   chart zooms into the points it has), home: {from, to} for reset, now: ms to mark,
  //   minLeft: the least left margin (px), so stacked charts line their plots up }
  function draw(canvas, options) {
    const { overlay, legend } = parts(canvas);
    canvas._options = options;
    if (!canvas._home || options.home) canvas._home = options.home || { from: options.from, to: options.to };
    if (options.group) { (groups[options.group] = groups[options.group] || new Set()).add(canvas); canvas._group = options.group; }

    const ratio = window.devicePixelRatio || 1;
    const width = canvas.parentElement.clientWidth || 600;
    const height = options.height || canvas.clientHeight || 260;
    for (const c of [canvas, overlay]) {
      c.width = Math.round(width * ratio); c.height = Math.round(height * ratio);
      c.style.height = height + 'px';  // the width follows the box (CSS), so a narrower window never scrolls sideways before the redraw
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const text = cssVar('--chart-text', '#9aa4b2');
    const grid = cssVar('--chart-grid', 'rgba(255,255,255,0.08)');
    const font = '12px ' + cssVar('--chart-font', 'system-ui, sans-serif');
    const zone = options.timeZone;
    ctx.font = font;

    const all = (options.series || []).map((s, i) => Object.assign({}, s, { color: s.color || palette(i) }));
    const series = all.filter((s) => s.points && s.points.length);
    let from = options.from, to = options.to;
    if (from == null || to == null) {
      from = Infinity; to = -Infinity;
      for (const s of series) { from = Math.min(from, s.points[0][0]); to = Math.max(to, s.points[s.points.length - 1][0]); }
      if (!isFinite(from)) { to = Date.now(); from = to - A.DAY; }
      if (from === to) from -= 60e3;
    }

    // One axis per unit (two at most; further units share the first), ticks over what is visible.
    const units = [...new Set(all.map((s) => s.unit || ''))].slice(0, 2);
    const axes = units.map((unit) => {
      let min = Infinity, max = -Infinity;
      for (const s of series) {
        if ((s.unit || '') !== unit) continue;
        for (const p of s.points) {
          if (p[0] < from || p[0] > to) continue;
          const lo = options.type === 'line' && p.length > 2 ? p[2] : p[1], hi = options.type === 'line' && p.length > 3 ? p[3] : p[1];
          if (lo < min) min = lo; if (hi > max) max = hi;
        }
      }
      if (options.type !== 'line' && isFinite(min) && min > 0) min = 0;
      if (options.type !== 'line' && isFinite(max) && max < 0) max = 0;
      const scale = A.scaleUnit(unit, Math.max(Math.abs(min), Math.abs(max)) || 0);
      const ticks = A.valueTicks(min / scale.factor, max / scale.factor, height < 200 ? 3 : 5);
      return Object.assign({ unit, label: scale.unit, factor: scale.factor }, ticks);
    });
    for (const s of series) s.axis = axes.find((a) => a.unit === (s.unit || '')) || axes[0];

    // Margins wide enough for the longest tick label, so none is cut.
    const labelWidth = (axis) => axis ? Math.max(ctx.measureText(axis.label).width, ...axis.ticks.map((v) => ctx.measureText(A.formatNumber(v, axis.decimals)).width)) : 0;
    const left = Math.max(options.minLeft || 0, Math.ceil(labelWidth(axes[0])) + 12), right = axes[1] ? Math.ceil(labelWidth(axes[1])) + 12 : 14;
    const top = 22, bottom = 24;
    const plotW = Math.max(10, width - left - right), plotH = Math.max(10, height - top - bottom);
    const x = (t) => left + ((t - from) / (to - from)) * plotW;
    const yOf = (axis) => (v) => top + plotH - ((v / axis.factor - axis.low) / (axis.high - axis.low || 1)) * plotH;

    // grid and axes
    ctx.strokeStyle = grid; ctx.fillStyle = text; ctx.lineWidth = 1;
    axes.forEach((axis, side) => {
      const y = (v) => top + plotH - ((v - axis.low) / (axis.high - axis.low || 1)) * plotH;
      ctx.textBaseline = 'middle';
      ctx.textAlign = side === 0 ? 'right' : 'left';
      for (const v of axis.ticks) {
        if (side === 0) { ctx.beginPath(); ctx.moveTo(left, Math.round(y(v)) + 0.5); ctx.lineTo(left + plotW, Math.round(y(v)) + 0.5); ctx.stroke(); }
        ctx.fillText(A.formatNumber(v, axis.decimals), side === 0 ? left - 6 : left + plotW + 6, y(v));
      }
      ctx.textBaseline = 'top';
      ctx.fillText(axis.label, side === 0 ? left - 6 : left + plotW + 6, 2);
    });
    const tt = A.timeTicks(from, to, plotW, zone);
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    let lastRight = -Infinity;
    tt.ticks.forEach((t, i) => {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, top + plotH); ctx.stroke();
      const label = tt.labels[i], w = ctx.measureText(label).width;
      const cx = Math.min(Math.max(px, w / 2 + 1), width - w / 2 - 1);  // the edge labels stay inside
      if (cx - w / 2 > lastRight + 4) { ctx.fillText(label, cx, top + plotH + 6); lastRight = cx + w / 2; }
    });

    if (!series.length) {
      ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      ctx.fillText('No data in this range', left + plotW / 2, top + plotH / 2);
    }

    // Now, when inside the range: the time after it is the future, not missing data.
    const now = options.now;
    if (now != null && now > from && now < to) {
      ctx.save();
      ctx.fillStyle = cssVar('--chart-future', 'rgba(127,127,127,0.07)');
      ctx.fillRect(x(now), top, left + plotW - x(now), plotH);
      ctx.restore();
    }

    // series
    series.forEach((s, index) => {
      const y = yOf(s.axis);
      ctx.save();
      ctx.beginPath(); ctx.rect(left, top, plotW, plotH); ctx.clip();
      if (options.type === 'bar') {
        const spacing = s.points.length > 1 ? (x(s.points[1][0]) - x(s.points[0][0])) : plotW / 10;
        const slot = Math.max(1, spacing * 0.8 / series.length);
        const zero = y(Math.max(s.axis.low, Math.min(s.axis.high, 0)) * s.axis.factor);
        ctx.fillStyle = s.color;
        for (const p of s.points) {
          const px = x(p[0]) + index * slot - (slot * series.length) / 2 + spacing / 2;
          const py = y(p[1]);
          ctx.fillRect(px, Math.min(py, zero), Math.max(1, slot - 1), Math.abs(zero - py));
        }
      } else {
        const zero = y(Math.max(s.axis.low, Math.min(s.axis.high, 0)) * s.axis.factor);
        for (const run of segments(s)) {
          // The spread within each bucket (min to max) as a faint band behind a line.
          if (options.type === 'line' && run[0].length > 3 && series.length <= 4 && run.length > 1) {
            ctx.beginPath();
            run.forEach((p, i) => { if (i === 0) ctx.moveTo(x(p[0]), y(p[3])); else ctx.lineTo(x(p[0]), y(p[3])); });
            for (let i = run.length - 1; i >= 0; i--) ctx.lineTo(x(run[i][0]), y(run[i][2]));
            ctx.closePath(); ctx.globalAlpha = 0.13; ctx.fillStyle = s.color; ctx.fill(); ctx.globalAlpha = 1;
          }
          ctx.beginPath();
          run.forEach((p, i) => { if (i === 0) ctx.moveTo(x(p[0]), y(p[1])); else ctx.lineTo(x(p[0]), y(p[1])); });
          ctx.strokeStyle = s.color; ctx.lineWidth = 1.8; ctx.lineJoin = 'round'; ctx.stroke();
          if (run.length === 1) {  // a lone point between gaps is a dot, not nothing
            ctx.fillStyle = s.color; ctx.beginPath(); ctx.arc(x(run[0][0]), y(run[0][1]), 2.5, 0, Math.PI * 2); ctx.fill();
          }
          if (options.type === 'area' && run.length > 1) {
            ctx.beginPath();
            run.forEach((p, i) => { if (i === 0) ctx.moveTo(x(p[0]), y(p[1])); else ctx.lineTo(x(p[0]), y(p[1])); });
            ctx.lineTo(x(run[run.length - 1][0]), zero); ctx.lineTo(x(run[0][0]), zero); ctx.closePath();
            ctx.globalAlpha = 0.22; ctx.fillStyle = s.color; ctx.fill(); ctx.globalAlpha = 1;
          }
        }
      }
      ctx.restore();
    });

    // Setting changes: a dashed line and a flag on the time axis.
    const markers = (options.markers || []).filter((m) => m.time >= from && m.time <= to);
    if (markers.length) {
      const colour = cssVar('--chart-marker', '#c58cff');
      ctx.save();
      ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.setLineDash([3, 3]);
      for (const m of markers) {
        const px = Math.round(x(m.time)) + 0.5;
        ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, top + plotH); ctx.stroke();
        ctx.beginPath(); ctx.moveTo(px, top + plotH); ctx.lineTo(px - 5, top + plotH + 8); ctx.lineTo(px + 5, top + plotH + 8); ctx.closePath(); ctx.fill();
      }
      ctx.restore();
    }

    renderLegend(legend, all, from, to, options.stats);
    canvas.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
    canvas.dataset.from = String(from); canvas.dataset.to = String(to);
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', (options.title ? options.title + ': ' : '') + all.map((s) => s.label).join(', ') + ' from ' +
      A.formatDate(from, zone, { time: true }) + ' to ' + A.formatDate(to, zone, { time: true }));
    canvas._helio = { series, from, to, left, top, plotW, plotH, zone, markers, x };
    drawOverlay(canvas, canvas._hoverTime);
  }

  function renderLegend(legend, all, from, to, withStats) {
    legend.innerHTML = all.map((s, i) => {
      const st = withStats && s.points ? stats(s.points, from, to) : null;
      const f = (v) => escapeHTML(A.formatValue(v, s.unit));
      return '<li data-series="' + i + '"><span class="swatch" aria-hidden="true"></span><span class="name">' + escapeHTML(s.label) +
        (s.unit ? ' <span class="unit">(' + escapeHTML(s.unit) + ')</span>' : '') + '</span>' +
        (withStats ? (st ? '<span class="stats">' + [['min', st.min], ['max', st.max], ['mean', st.mean], ['last', st.last]].map((x) => '<span class="stat">' + x[0] + ' <b>' + f(x[1]) + '</b></span>').join(' · ') + '</span>'
          : '<span class="stats muted">no data</span>') : '') + '</li>';
    }).join('');
    // Colours through the DOM: the Content-Security-Policy refuses inline style attributes.
    legend.querySelectorAll('li').forEach((li) => { li.querySelector('.swatch').style.background = all[Number(li.dataset.series)].color; });
  }

  // The crosshair at time t (null: none), dots on each series' nearest point, and the selection while dragging.
  function drawOverlay(canvas, t, selection) {
    const h = canvas._helio, overlay = canvas._parts && canvas._parts.overlay;
    if (!h || !overlay) return;
    const ratio = window.devicePixelRatio || 1;
    const ctx = overlay.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, overlay.width / ratio, overlay.height / ratio);
    if (selection) {
      ctx.fillStyle = cssVar('--chart-selection', 'rgba(245,181,10,0.18)');
      ctx.fillRect(Math.min(selection[0], selection[1]), h.top, Math.abs(selection[1] - selection[0]), h.plotH);
    }
    if (t == null || t < h.from || t > h.to) return;
    const px = Math.round(h.x(t)) + 0.5;
    ctx.strokeStyle = cssVar('--chart-crosshair', 'rgba(255,255,255,0.55)'); ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(px, h.top); ctx.lineTo(px, h.top + h.plotH); ctx.stroke();
    for (const hit of nearest(canvas, t)) {
      const y = h.top + h.plotH - ((hit.point[1] / hit.series.axis.factor - hit.series.axis.low) / (hit.series.axis.high - hit.series.axis.low || 1)) * h.plotH;
      ctx.fillStyle = hit.series.color; ctx.beginPath(); ctx.arc(h.x(hit.point[0]), y, 3.5, 0, Math.PI * 2); ctx.fill();
    }
  }

  // Per series, the point nearest in time to t, unless t falls in a gap of that series.
  function nearest(canvas, t) {
    const h = canvas._helio, hits = [];
    for (const s of h.series) {
      const i = nearestIndex(s.points, t);
      if (i < 0) continue;
      const p = s.points[i];
      const inGap = (s.gaps || []).some((g) => t > g[0] && t < g[1]) || (s.gapMs && Math.abs(p[0] - t) > s.gapMs);
      if (p[0] < h.from || p[0] > h.to || inGap) continue;
      hits.push({ series: s, point: p });
    }
    return hits;
  }

  // The tooltip of the hovered chart: the time of the point nearest t, each series' nearest value,
  // and the setting changes within a few pixels.
  function showTip(canvas, t, clientX, clientY) {
    const h = canvas._helio, tip = canvas._parts.tip;
    const hits = nearest(canvas, t);
    const flags = h.markers.filter((m) => Math.abs(h.x(m.time) - h.x(t)) <= 6);
    if (!hits.length && !flags.length) { tip.hidden = true; return; }
    const closest = hits.reduce((best, hit) => (!best || Math.abs(hit.point[0] - t) < Math.abs(best.point[0] - t) ? hit : best), null);
    const at = closest ? closest.point[0] : flags[0].time;
    tip.dataset.time = String(at);
    tip.innerHTML = '<strong>' + escapeHTML(A.formatDate(at, h.zone, { time: true, seconds: closest && closest.series.raw })) + '</strong>' +
      hits.map((hit) => '<div class="tip-row" data-value="' + hit.point[1] + '"><span class="swatch" aria-hidden="true"></span>' + escapeHTML(hit.series.label) + ': <b>' +
        escapeHTML(A.formatValue(hit.point[1], hit.series.unit)) + '</b>' + (hit.point[0] !== at ? ' <span class="muted">at ' + escapeHTML(A.formatClock(hit.point[0], h.zone)) + '</span>' : '') + '</div>').join('') +
      flags.map((m) => '<div class="tip-flag">⚑ ' + escapeHTML(m.label) + '</div>').join('');
    tip.querySelectorAll('.tip-row .swatch').forEach((el, i) => { el.style.background = hits[i].series.color; });
    tip.hidden = false;
    const box = canvas._parts.box.getBoundingClientRect();
    const left = clientX - box.left + 14;
    tip.style.left = Math.max(0, Math.min(left, box.width - tip.offsetWidth - 4)) + 'px';
    tip.style.top = Math.max(0, Math.min(clientY - box.top + 14, box.height - tip.offsetHeight)) + 'px';
  }

  // Every chart of the group draws the crosshair at t; t null clears them.
  function hover(canvas, t) {
    const members = canvas._group ? [...groups[canvas._group]] : [canvas];
    for (const c of members) {
      if (!c.isConnected) { groups[canvas._group].delete(c); continue; }
      c._hoverTime = t;
      drawOverlay(c, t);
      if (c !== canvas || t == null) c._parts.tip.hidden = true;
    }
  }

  // Zoom or pan to [from, to]: the page's onRange (which fetches finer data), or a redraw of what the chart has.
  function setRange(canvas, from, to) {
    const o = canvas._options;
    if (o.onRange) { o.onRange(from, to); return; }
    draw(canvas, Object.assign({}, o, { from, to }));
  }
  function reset(canvas) {
    const home = canvas._home;
    if (canvas._options.onReset) canvas._options.onReset();
    else if (home) draw(canvas, Object.assign({}, canvas._options, { from: home.from, to: home.to }));
  }
  function pan(canvas, fraction) {
    const h = canvas._helio, shift = (h.to - h.from) * fraction;
    setRange(canvas, h.from + shift, h.to + shift);
  }
  function zoom(canvas, factor) {
    const h = canvas._helio, mid = (h.from + h.to) / 2, half = (h.to - h.from) * factor / 2;
    setRange(canvas, mid - half, mid + half);
  }

  function attach(canvas) {
    let drag = null;
    const timeAt = (clientX) => {
      const h = canvas._helio, rect = canvas.getBoundingClientRect();
      return h.from + ((clientX - rect.left - h.left) / h.plotW) * (h.to - h.from);
    };
    const plotX = (clientX) => {
      const h = canvas._helio, rect = canvas.getBoundingClientRect();
      return Math.max(h.left, Math.min(h.left + h.plotW, clientX - rect.left));
    };
    canvas.addEventListener('pointerdown', (e) => {
      if (!canvas._helio || e.button !== 0) return;
      drag = { startX: plotX(e.clientX), startT: timeAt(e.clientX), pan: e.shiftKey, id: e.pointerId };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!canvas._helio) return;
      const t = timeAt(e.clientX);
      if (drag && !drag.pan) { drawOverlay(canvas, null, [drag.startX, plotX(e.clientX)]); return; }
      if (drag && drag.pan) return;
      hover(canvas, t);
      showTip(canvas, t, e.clientX, e.clientY);
    });
    canvas.addEventListener('pointerup', (e) => {
      if (!drag) return;
      const d = drag; drag = null;
      const endX = plotX(e.clientX), endT = timeAt(e.clientX);
      drawOverlay(canvas, null);
      if (Math.abs(endX - d.startX) < 6) return;  // a click, not a drag
      if (d.pan) { const h = canvas._helio, shift = d.startT - endT; setRange(canvas, h.from + shift, h.to + shift); }
      else setRange(canvas, Math.min(d.startT, endT), Math.max(d.startT, endT));
    });
    canvas.addEventListener('pointercancel', () => { drag = null; drawOverlay(canvas, null); });
    canvas.addEventListener('pointerleave', () => { if (!drag) hover(canvas, null); });
    canvas.addEventListener('dblclick', () => reset(canvas));
    canvas.addEventListener('keydown', (e) => {
      const actions = { ArrowLeft: () => pan(canvas, -0.25), ArrowRight: () => pan(canvas, 0.25), '+': () => zoom(canvas, 0.5), '=': () => zoom(canvas, 0.5), '-': () => zoom(canvas, 2), '0': () => reset(canvas), Escape: () => reset(canvas) };
      if (actions[e.key] && canvas._helio) { e.preventDefault(); actions[e.key](); }
    });
  }

  window.HelioChart = { draw, palette, nearestIndex, segments, stats, setRange, reset, pan, zoom, formatValue: A.formatValue };
})();
