// Heliograph charts: a small canvas renderer for time series (line, area, bar), several series on
// one chart, one y axis per unit (left and right). No dependencies.
(function () {
  'use strict';

  const DAY = 86400000;

  function niceStep(span, target) {
    const raw = span / Math.max(1, target);
    const power = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    const unit = raw / power;
    return (unit < 1.5 ? 1 : unit < 3 ? 2 : unit < 7 ? 5 : 10) * power;
  }

  function yTicks(min, max) {
    if (!(isFinite(min) && isFinite(max))) { min = 0; max = 1; }
    if (min === max) { min -= 1; max += 1; }
    const step = niceStep(max - min, 5);
    const low = Math.floor(min / step) * step;
    const high = Math.ceil(max / step) * step;
    const ticks = [];
    for (let v = low; v <= high + step / 2; v += step) ticks.push(Math.round(v / step) * step);
    return { low, high, ticks };
  }

  const TIME_STEPS = [60e3, 300e3, 900e3, 1800e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY];

  function timeTicks(from, to, width) {
    const target = Math.max(2, Math.floor(width / 90));
    const step = TIME_STEPS.find((s) => (to - from) / s <= target) || 91 * DAY;
    const offset = new Date(from).getTimezoneOffset() * 60e3;
    const ticks = [];
    let t = Math.ceil((from - offset) / step) * step + offset;
    if (step >= 30 * DAY) {
      const d = new Date(from); d.setDate(1); d.setHours(0, 0, 0, 0);
      const months = Math.round(step / (30 * DAY));
      for (d.setMonth(d.getMonth() + 1); d.getTime() <= to; d.setMonth(d.getMonth() + months)) ticks.push(d.getTime());
      return { ticks, step };
    }
    for (; t <= to; t += step) ticks.push(t);
    return { ticks, step };
  }

  function formatTime(t, step) {
    const d = new Date(t);
    if (step < DAY) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    if (step < 30 * DAY) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
    return d.toLocaleDateString([], { month: 'short', year: '2-digit' });
  }

  function formatValue(v) {
    const a = Math.abs(v);
    if (a >= 10000) return (v / 1000).toFixed(a >= 100000 ? 0 : 1) + 'k';
    if (a >= 100 || v === Math.round(v)) return String(Math.round(v));
    return v.toFixed(a >= 10 ? 1 : 2);
  }

  function cssVar(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  // options: { series: [{label, unit, color, points: [[t_ms, value], ...]}], type: 'line'|'area'|'bar', from, to, height }
  function draw(canvas, options) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.parentElement.clientWidth || 600;
    const height = options.height || canvas.clientHeight || 260;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.height = height + 'px';
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const text = cssVar('--chart-text', '#9aa4b2');
    const grid = cssVar('--chart-grid', 'rgba(255,255,255,0.08)');
    const font = '12px ' + cssVar('--chart-font', 'system-ui, sans-serif');
    ctx.font = font;

    const series = (options.series || []).filter((s) => s.points && s.points.length);
    const units = [...new Set((options.series || []).map((s) => s.unit || ''))].slice(0, 2);
    const axes = units.map((unit) => {
      let min = Infinity, max = -Infinity;
      for (const s of series) if ((s.unit || '') === unit) for (const p of s.points) { if (p[1] < min) min = p[1]; if (p[1] > max) max = p[1]; }
      if (options.type !== 'line' && min > 0) min = 0;
      if (options.type !== 'line' && max < 0) max = 0;
      return Object.assign({ unit }, yTicks(min, max));
    });

    const left = 48, right = axes.length > 1 ? 48 : 12, top = 26, bottom = 24;
    const plotW = Math.max(10, width - left - right), plotH = Math.max(10, height - top - bottom);
    let from = options.from, to = options.to;
    if (from == null || to == null) {
      from = Infinity; to = -Infinity;
      for (const s of series) { from = Math.min(from, s.points[0][0]); to = Math.max(to, s.points[s.points.length - 1][0]); }
      if (!isFinite(from)) { to = Date.now(); from = to - DAY; }
      if (from === to) from -= 60e3;
    }
    const x = (t) => left + ((t - from) / (to - from)) * plotW;
    const yOf = (axis) => (v) => top + plotH - ((v - axis.low) / (axis.high - axis.low || 1)) * plotH;

    // grid and axes
    ctx.strokeStyle = grid; ctx.fillStyle = text; ctx.lineWidth = 1;
    if (axes[0]) {
      const y = yOf(axes[0]);
      ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
      for (const v of axes[0].ticks) {
        ctx.beginPath(); ctx.moveTo(left, Math.round(y(v)) + 0.5); ctx.lineTo(left + plotW, Math.round(y(v)) + 0.5); ctx.stroke();
        ctx.fillText(formatValue(v), left - 6, y(v));
      }
      ctx.textAlign = 'left'; ctx.textBaseline = 'top';
      ctx.fillText(axes[0].unit, 4, 4);
    }
    if (axes[1]) {
      const y = yOf(axes[1]);
      ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
      for (const v of axes[1].ticks) ctx.fillText(formatValue(v), left + plotW + 6, y(v));
      ctx.textAlign = 'right'; ctx.textBaseline = 'top';
      ctx.fillText(axes[1].unit, width - 4, 4);
    }
    const tt = timeTicks(from, to, plotW);
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (const t of tt.ticks) {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, top + plotH); ctx.stroke();
      ctx.fillText(formatTime(t, tt.step), px, top + plotH + 6);
    }

    if (!series.length) {
      ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      ctx.fillText('No data in this range', left + plotW / 2, top + plotH / 2);
    }

    // series
    const barSeries = series.length;
    series.forEach((s, index) => {
      const axis = axes.find((a) => a.unit === (s.unit || '')) || axes[0];
      const y = yOf(axis);
      const color = s.color || '#f5b50a';
      ctx.save();
      ctx.beginPath(); ctx.rect(left, top, plotW, plotH); ctx.clip();
      if (options.type === 'bar') {
        const spacing = s.points.length > 1 ? (x(s.points[1][0]) - x(s.points[0][0])) : plotW / 10;
        const slot = Math.max(1, spacing * 0.8 / barSeries);
        const zero = y(Math.max(axis.low, Math.min(axis.high, 0)));
        ctx.fillStyle = color;
        for (const p of s.points) {
          const px = x(p[0]) + index * slot - (slot * barSeries) / 2 + spacing / 2;
          const py = y(p[1]);
          ctx.fillRect(px, Math.min(py, zero), Math.max(1, slot - 1), Math.abs(zero - py));
        }
      } else {
        ctx.beginPath();
        s.points.forEach((p, i) => { const px = x(p[0]), py = y(p[1]); if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py); });
        ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.lineJoin = 'round'; ctx.stroke();
        // A line needs two points; a lone point (the first minute of data) is drawn as a dot.
        if (s.points.length < 3) {
          ctx.fillStyle = color;
          for (const p of s.points) { ctx.beginPath(); ctx.arc(x(p[0]), y(p[1]), 3, 0, Math.PI * 2); ctx.fill(); }
          ctx.beginPath();
          s.points.forEach((p, i) => { if (i === 0) ctx.moveTo(x(p[0]), y(p[1])); else ctx.lineTo(x(p[0]), y(p[1])); });
        }
        if (options.type === 'area') {
          const zero = y(Math.max(axis.low, Math.min(axis.high, 0)));
          ctx.lineTo(x(s.points[s.points.length - 1][0]), zero);
          ctx.lineTo(x(s.points[0][0]), zero);
          ctx.closePath();
          ctx.globalAlpha = 0.22; ctx.fillStyle = color; ctx.fill();
        }
      }
      ctx.restore();
    });

    // legend
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle'; ctx.font = font;
    let lx = left;
    for (const s of options.series || []) {
      const label = s.label + (s.unit ? ' (' + s.unit + ')' : '');
      ctx.fillStyle = s.color || '#f5b50a'; ctx.fillRect(lx, 8, 10, 10);
      ctx.fillStyle = text; ctx.fillText(label, lx + 14, 13);
      lx += ctx.measureText(label).width + 30;
      if (lx > width - 80) break;
    }
    canvas.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
    canvas._helio = { series, from, to, left, plotW, step: tt.step };
    if (!canvas._helioHover) { canvas._helioHover = true; attachTooltip(canvas); }
  }

  // Shows the values nearest the pointer, one line per series.
  function attachTooltip(canvas) {
    const tip = document.createElement('div');
    tip.className = 'chart-tip';
    tip.hidden = true;
    canvas.insertAdjacentElement('afterend', tip);
    const hide = () => { tip.hidden = true; };
    canvas.addEventListener('pointerleave', hide);
    canvas.addEventListener('pointermove', (event) => {
      const state = canvas._helio;
      if (!state || !state.series.length) return hide();
      const rect = canvas.getBoundingClientRect();
      const t = state.from + ((event.clientX - rect.left - state.left) / state.plotW) * (state.to - state.from);
      const lines = [];
      let at = null;
      for (const s of state.series) {
        let best = null;
        for (const p of s.points) if (!best || Math.abs(p[0] - t) < Math.abs(best[0] - t)) best = p;
        if (!best) continue;
        at = at == null ? best[0] : at;
        // The swatch colour is set through the DOM below: the Content-Security-Policy refuses inline style attributes.
        lines.push('<span class="swatch" data-color="' + escapeHTML(s.color || '#f5b50a') + '">■</span> ' + escapeHTML(s.label) + ': ' + formatValue(best[1]) + ' ' + escapeHTML(s.unit || ''));
      }
      if (!lines.length) return hide();
      tip.innerHTML = '<strong>' + new Date(at).toLocaleString() + '</strong><br>' + lines.join('<br>');
      for (const swatch of tip.querySelectorAll('.swatch')) swatch.style.color = swatch.dataset.color;
      tip.hidden = false;
      tip.style.left = Math.min(event.clientX - rect.left + canvas.offsetLeft + 12, canvas.offsetLeft + rect.width - 220) + 'px';
      tip.style.top = (event.clientY - rect.top + canvas.offsetTop + 12) + 'px';
    });
  }

  function escapeHTML(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  window.HelioChart = { draw, yTicks, timeTicks, formatValue };
})();
