// The charts page's field picker: a search box, presets, and the fields that have data, grouped by
// device and by what they measure. It only reports the chosen series keys ("device/field"); the page
// keeps them in the URL.
(function () {
  'use strict';

  // What a field measures, from its unit; the order is the order of the groups.
  const CATEGORIES = [
    ['Power', (u) => /^(W|kW|MW|VA|kVA|var)$/.test(u)],
    ['Energy', (u) => /Wh$/.test(u)],
    ['Levels', (u) => u === '%'],
    ['Voltage', (u) => u === 'V'],
    ['Current', (u) => u === 'A'],
    ['Frequency', (u) => u === 'Hz'],
    ['Temperature', (u) => /^°[CF]$|^K$/.test(u)],
    ['Other', () => true],
  ];
  function category(field) { return CATEGORIES.find((c) => c[1](field.unit || ''))[0]; }

  // Presets pick fields by id across every device: the measurements an owner looks at, not the
  // configured limits some inverters report beside them (battery_bulk_voltage_v and the like).
  const PRESETS = {
    Power: (f) => ['pv_power_w', 'load_power_w', 'grid_power_w', 'battery_power_w'].includes(f.id),
    Battery: (f) => ['battery_soc_pct', 'battery_power_w', 'battery_voltage_v', 'battery_current_a', 'battery_temperature_c'].includes(f.id),
    Grid: (f) => /^(grid|ac_input|mains)_(power|voltage|frequency|current)/.test(f.id),
    Temperatures: (f) => /^°[CF]$/.test(f.unit || ''),
  };

  // Numeric fields with a value in the newest samples: the ones a chart can show something for.
  function fieldsWithData(devices, latest, selected) {
    const list = [];
    for (const d of devices) {
      const values = (latest[d.id] || {}).values || {};
      for (const f of d.fields) {
        const key = d.id + '/' + f.id;
        if (f.kind === 'text') continue;
        if (typeof values[f.id] !== 'number' && !selected.includes(key)) continue;
        list.push({ key, device: d, field: f, category: category(f), value: values[f.id] });
      }
    }
    return list;
  }

  // Renders the picker into host. options: { devices, latest, selected: [key], max, onChange(keys) }.
  function create(host, options) {
    const { esc } = window.HelioApp;
    let selected = options.selected.slice();
    const max = options.max || 12;
    const fields = fieldsWithData(options.devices, options.latest, selected);
    const known = options.devices.reduce((n, d) => n + d.fields.filter((f) => f.kind !== 'text').length, 0);
    const byKey = new Map(fields.map((x) => [x.key, x]));
    const groups = options.devices.map((d) => ({ device: d, cats: CATEGORIES.map((c) => c[0]).map((name) => ({
      name, items: fields.filter((x) => x.device === d && x.category === name).sort((a, b) => a.field.name.localeCompare(b.field.name)),
    })).filter((c) => c.items.length) })).filter((g) => g.cats.length);
    const many = options.devices.length > 1;

    host.innerHTML =
      '<div class="picker-top"><label class="picker-search"><span class="visually-hidden">Search fields</span>' +
      '<input type="search" id="field-search" placeholder="Search fields (e.g. battery, voltage)" autocomplete="off"></label>' +
      '<div class="presets" role="group" aria-label="Presets">' + Object.keys(PRESETS).map((p) => '<button type="button" data-preset="' + p + '">' + p + '</button>').join('') +
      '<button type="button" data-preset="">Clear</button></div></div>' +
      '<div class="picker-chosen" aria-live="polite"></div>' +
      '<div class="picker-groups">' + groups.map((g) => '<details class="picker-device" open><summary>' + esc(g.device.name) +
        ' <span class="muted">' + g.cats.reduce((n, c) => n + c.items.length, 0) + ' fields</span></summary>' +
        g.cats.map((c) => '<fieldset class="picker-cat"><legend>' + esc(c.name) + '</legend>' + c.items.map((x) =>
          '<label class="picker-field" data-search="' + esc([x.field.name, x.field.id, x.device.name, x.device.id, c.name, x.field.unit || ''].join(' ').toLowerCase()) + '">' +
          '<input type="checkbox" name="series" value="' + esc(x.key) + '"> <span class="picker-name">' + esc(x.field.name) + '</span>' +
          (x.field.unit ? ' <span class="muted">' + esc(x.field.unit) + '</span>' : '') + '</label>').join('') + '</fieldset>').join('') + '</details>').join('') +
      (groups.length ? '' : '<p class="muted">No field has data yet.</p>') + '</div>' +
      '<p class="picker-count muted" aria-live="polite"></p>';

    const search = host.querySelector('#field-search');
    const count = host.querySelector('.picker-count');
    const label = (key) => { const x = byKey.get(key); return x ? (many ? x.device.name + ' · ' : '') + x.field.name : key; };

    function sync() {
      host.querySelectorAll('input[name=series]').forEach((box) => { box.checked = selected.includes(box.value); });
      host.querySelector('.picker-chosen').innerHTML = selected.length
        ? selected.map((key) => '<button type="button" class="chip" data-remove="' + esc(key) + '" aria-label="Remove ' + esc(label(key)) + '">' + esc(label(key)) + ' ×</button>').join('')
        : '<span class="muted">Nothing chosen: pick fields below or a preset.</span>';
    }
    function filter() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      host.querySelectorAll('.picker-field').forEach((el) => {
        const match = words.every((w) => el.dataset.search.includes(w));
        el.hidden = !match; if (match) shown++;
      });
      host.querySelectorAll('.picker-cat').forEach((el) => { el.hidden = !el.querySelector('.picker-field:not([hidden])'); });
      host.querySelectorAll('.picker-device').forEach((el) => { el.hidden = !el.querySelector('.picker-field:not([hidden])'); if (words.length) el.open = true; });
      count.textContent = (words.length ? shown + ' of ' : '') + fields.length + ' fields with data' + (known > fields.length ? ' (' + (known - fields.length) + ' without data hidden)' : '') +
        '; up to ' + max + ' at once.';
    }
    function change(next) {
      selected = next.slice(0, max);
      sync();
      options.onChange(selected.slice());
    }

    search.addEventListener('input', filter);
    host.addEventListener('change', (e) => {
      if (e.target.name !== 'series') return;
      if (e.target.checked && selected.length >= max) { e.target.checked = false; count.textContent = 'At most ' + max + ' fields at once: remove one first.'; return; }
      change(e.target.checked ? selected.concat([e.target.value]) : selected.filter((k) => k !== e.target.value));
    });
    host.addEventListener('click', (e) => {
      const preset = e.target.closest('[data-preset]');
      if (preset) change(preset.dataset.preset ? fields.filter((x) => PRESETS[preset.dataset.preset](x.field)).map((x) => x.key) : []);
      const chip = e.target.closest('[data-remove]');
      if (chip) change(selected.filter((k) => k !== chip.dataset.remove));
    });
    sync();
    filter();
    return { keysFor: (preset) => fields.filter((x) => PRESETS[preset](x.field)).map((x) => x.key).slice(0, max) };
  }

  window.HelioPicker = { create, category, PRESETS, fieldsWithData };
})();
