// Heliograph chart axes: nice value ticks with the decimals their step needs and units scaled to
// fit (1.5 kW, not 1500 W; 229.8 V, not "230" five times), time ticks on the site's calendar (local
// midnights, month starts) and dates no one can misread ("26 Jan 2026"). Pure functions, no drawing,
// so the browser tests call them directly.
(function () {
  'use strict';

  const MINUTE = 60e3, HOUR = 3600e3, DAY = 86400e3;
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

  // ---------- values ----------

  // A step of 1, 2, 2.5 or 5 times a power of ten that cuts `span` into about `target` parts.
  function niceStep(span, target) {
    const raw = span / Math.max(1, target);
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const unit = raw / power;
    return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10) * power;
  }

  // Decimals a step needs so that neighbouring ticks read differently (0.25 → 2, 0.2 → 1, 50 → 0).
  function decimalsFor(step) {
    for (let d = 0; d < 6; d++) {
      const scaled = step * Math.pow(10, d);
      if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
    }
    return 6;
  }

  // Watts and watt-hours get a prefix once they reach a thousand, so ticks stay short.
  const PREFIXABLE = { W: true, Wh: true, VA: true, var: true, kW: 'W', kWh: 'Wh' };
  function scaleUnit(unit, maxAbs) {
    let base = unit, factor = 1;
    if (typeof PREFIXABLE[unit] === 'string') { base = PREFIXABLE[unit]; factor = 1e-3; }  // kW: back to W first
    if (!PREFIXABLE[base]) return { unit: unit || '', factor: 1 };
    const watts = maxAbs / factor;
    if (watts >= 1e6) return { unit: 'M' + base, factor: factor * 1e6 };
    if (watts >= 1e3 || factor !== 1) return { unit: 'k' + base, factor: factor * 1e3 };  // never below the unit given (0.5 kWh stays kWh)
    return { unit: base, factor: 1 };
  }

  // Ticks for values between min and max (already scaled): { low, high, step, decimals, ticks }.
  // A flat series (230 V all day) gets a small range around its value instead of one repeated label.
  function valueTicks(min, max, target) {
    target = target || 5;
    if (!(isFinite(min) && isFinite(max))) { min = 0; max = 1; }
    if (min > max) { const t = min; min = max; max = t; }
    if (min === 0 && max === 0) max = 1;  // all zero (PV at night): 0 to 1, not negative ticks
    if (max - min < Math.abs(max) * 1e-9 || max === min) {
      const pad = Math.abs(min) >= 1 ? Math.max(1, Math.pow(10, Math.floor(Math.log10(Math.abs(min))) - 1)) : 1;
      min -= pad; max += pad;
    }
    const step = niceStep(max - min, target);
    const low = Math.floor(min / step + 1e-9) * step;
    const high = Math.ceil(max / step - 1e-9) * step;
    const decimals = decimalsFor(step);
    const ticks = [];
    for (let i = 0; low + i * step <= high + step / 2 && i < 100; i++) ticks.push(Number((low + i * step).toFixed(decimals)));
    return { low: ticks[0], high: ticks[ticks.length - 1], step, decimals, ticks };
  }

  function formatNumber(v, decimals) {
    const text = Math.abs(v) < Math.pow(10, -decimals) / 2 ? (0).toFixed(decimals) : v.toFixed(decimals);
    return text.replace('-', '−');
  }

  // A value for a tooltip or legend: scaled like an axis, with three significant digits or more.
  function formatValue(v, unit) {
    if (v == null || !isFinite(v)) return '–';
    const scale = scaleUnit(unit || '', Math.abs(v));
    const s = v / scale.factor, a = Math.abs(s);
    const decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a === 0 ? 0 : 3;
    return formatNumber(s, decimals) + (scale.unit ? ' ' + scale.unit : '');
  }

  // ---------- time in the site's zone ----------

  const formatters = {};
  function partsFormatter(zone) {
    const key = zone || '';
    if (!formatters[key]) {
      formatters[key] = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone || undefined, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      });
    }
    return formatters[key];
  }

  // Milliseconds to add to a UTC instant to get the wall-clock time in `zone` (browser's zone when none).
  function zoneOffset(t, zone) {
    const p = {};
    for (const part of partsFormatter(zone).formatToParts(new Date(t))) p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
    return wall - Math.floor(t / 1000) * 1000;
  }
  // The wall clock as a UTC-based number (read it with getUTC*), and back.
  function toWall(t, zone) { return t + zoneOffset(t, zone); }
  function fromWall(w, zone) {
    let t = w - zoneOffset(w, zone);
    t = w - zoneOffset(t, zone);
    return t;
  }
  function two(n) { return (n < 10 ? '0' : '') + n; }

  // "Thu 26 Jan 2026"; with time: "Thu 26 Jan 2026, 14:05" (seconds when asked).
  function formatDate(t, zone, options) {
    options = options || {};
    const w = new Date(toWall(t, zone));
    let text = (options.weekday === false ? '' : WEEKDAYS[w.getUTCDay()] + ' ') + w.getUTCDate() + ' ' + MONTHS[w.getUTCMonth()] + ' ' + w.getUTCFullYear();
    if (options.time) text += ', ' + two(w.getUTCHours()) + ':' + two(w.getUTCMinutes()) + (options.seconds ? ':' + two(w.getUTCSeconds()) : '');
    return text;
  }
  function formatClock(t, zone) { const w = new Date(toWall(t, zone)); return two(w.getUTCHours()) + ':' + two(w.getUTCMinutes()); }
  // The local day as YYYY-MM-DD (what the date picker and the API take).
  function dayKey(t, zone) { const w = new Date(toWall(t, zone)); return w.getUTCFullYear() + '-' + two(w.getUTCMonth() + 1) + '-' + two(w.getUTCDate()); }
  function monthName(t, zone) { const w = new Date(toWall(t, zone)); return MONTH_NAMES[w.getUTCMonth()] + ' ' + w.getUTCFullYear(); }

  // Tick spacings, smallest first; months and years are calendar steps, not fixed lengths.
  const TIME_STEPS = [
    { unit: 'minute', n: 1, ms: MINUTE }, { unit: 'minute', n: 5, ms: 5 * MINUTE }, { unit: 'minute', n: 10, ms: 10 * MINUTE },
    { unit: 'minute', n: 15, ms: 15 * MINUTE }, { unit: 'minute', n: 30, ms: 30 * MINUTE },
    { unit: 'hour', n: 1, ms: HOUR }, { unit: 'hour', n: 2, ms: 2 * HOUR }, { unit: 'hour', n: 3, ms: 3 * HOUR },
    { unit: 'hour', n: 6, ms: 6 * HOUR }, { unit: 'hour', n: 12, ms: 12 * HOUR },
    { unit: 'day', n: 1, ms: DAY }, { unit: 'day', n: 2, ms: 2 * DAY }, { unit: 'week', n: 1, ms: 7 * DAY }, { unit: 'week', n: 2, ms: 14 * DAY },
    { unit: 'month', n: 1, ms: 30.5 * DAY }, { unit: 'month', n: 2, ms: 61 * DAY }, { unit: 'month', n: 3, ms: 91 * DAY }, { unit: 'month', n: 6, ms: 182 * DAY },
    { unit: 'year', n: 1, ms: 365 * DAY }, { unit: 'year', n: 2, ms: 730 * DAY }, { unit: 'year', n: 5, ms: 1826 * DAY },
  ];

  // Ticks between from and to for a plot `width` px wide, on the calendar of `zone`:
  // { ticks: [ms], step: {unit, n, ms}, labels: [text] }. Labels name the date where the day changes.
  function timeTicks(from, to, width, zone) {
    const target = Math.max(2, Math.floor(width / 60));  // a label ("06:00", "26 Jan") is 35–45 px wide
    const step = TIME_STEPS.find((s) => (to - from) / s.ms <= target) || TIME_STEPS[TIME_STEPS.length - 1];
    const ticks = [];
    const w0 = toWall(from, zone);
    if (step.unit === 'minute' || step.unit === 'hour') {
      // Steps that divide a day: multiples of the step counted from local midnight.
      for (let w = Math.ceil(w0 / step.ms) * step.ms, i = 0; i < 400; w += step.ms, i++) {
        const t = fromWall(w, zone);
        if (t > to) break;
        if (toWall(t, zone) !== w) continue;  // 02:00 on the spring-forward night never happens
        if (t >= from && ticks[ticks.length - 1] !== t) ticks.push(t);
      }
    } else {
      const d = new Date(w0);
      d.setUTCHours(0, 0, 0, 0);
      if (step.unit === 'month' || step.unit === 'year') d.setUTCDate(1);
      if (step.unit === 'year') d.setUTCMonth(0);
      if (step.unit === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));  // Mondays
      for (let i = 0; i < 400; i++) {
        const t = fromWall(d.getTime(), zone);
        if (t > to) break;
        const keep = step.unit === 'month' ? d.getUTCMonth() % step.n === 0
          : step.unit === 'year' ? d.getUTCFullYear() % step.n === 0
          : step.unit === 'day' ? Math.round(d.getTime() / DAY) % step.n === 0 : true;
        if (t >= from && keep) ticks.push(t);
        if (step.unit === 'day') d.setUTCDate(d.getUTCDate() + 1);
        else if (step.unit === 'week') d.setUTCDate(d.getUTCDate() + 7 * step.n);
        else if (step.unit === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
        else d.setUTCFullYear(d.getUTCFullYear() + 1);
      }
    }
    return { ticks, step, labels: ticks.map((t, i) => timeLabel(t, step, zone, i === 0 ? null : ticks[i - 1])) };
  }

  function timeLabel(t, step, zone, previous) {
    const w = new Date(toWall(t, zone));
    const midnight = w.getUTCHours() === 0 && w.getUTCMinutes() === 0;
    if (step.unit === 'minute' || step.unit === 'hour') {
      // The clock, except where a new day starts: there the date, so a two-day view is not read as one.
      return midnight ? w.getUTCDate() + ' ' + MONTHS[w.getUTCMonth()] : two(w.getUTCHours()) + ':' + two(w.getUTCMinutes());
    }
    if (step.unit === 'day' || step.unit === 'week') {
      const newYear = previous != null && new Date(toWall(previous, zone)).getUTCFullYear() !== w.getUTCFullYear();
      return w.getUTCDate() + ' ' + MONTHS[w.getUTCMonth()] + (newYear ? ' ' + w.getUTCFullYear() : '');
    }
    if (step.unit === 'month') return MONTHS[w.getUTCMonth()] + (w.getUTCMonth() === 0 || previous == null ? ' ' + w.getUTCFullYear() : '');
    return String(w.getUTCFullYear());
  }

  window.HelioAxis = {
    MINUTE, HOUR, DAY, niceStep, decimalsFor, scaleUnit, valueTicks, formatNumber, formatValue,
    zoneOffset, toWall, fromWall, formatDate, formatClock, dayKey, monthName, timeTicks,
  };
})();
