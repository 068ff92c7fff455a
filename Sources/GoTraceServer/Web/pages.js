// The analysis pages: home, goroutines, profiles, tasks, regions, MMU, GC. Each is rendered
// from the JSON APIs and links into the timeline.
import { dur, esc, bytes, getJSON } from './format.js';
import { FlameGraph } from './flame.js';
import { LogChart } from './chart.js';

const content = document.getElementById('content');
const params = new URLSearchParams(location.search);
const state = { info: null };
window.gotracePage = state; // for tests and the console

const COLORS = {
  'Execution time': '#43a047', 'Sched wait time': '#fb8c00', 'Syscall execution time': '#8d6e63',
  'Block time (syscall)': '#a1887f', 'Unknown time': '#bdbdbd',
};
function color(col) {
  if (COLORS[col]) return COLORS[col];
  let h = 0;
  for (const ch of col) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${200 + h % 120},55%,${50 + h % 20}%)`;
}

const q = s => encodeURIComponent(s);
const tl = hash => `/timeline#${hash}`;
const pct = (x, t) => t > 0 ? (100 * x / t).toFixed(2) + '%' : '';

function status(s) { document.getElementById('status').textContent = s; }

/** A sortable table: cols [{key, label, num, fmt?, html?}], rows of objects. */
function table(id, cols, rows, sortKey, desc = true) {
  const t = document.createElement('table');
  t.className = 'data';
  t.id = id;
  let key = sortKey, down = desc;
  const render = () => {
    const col = cols.find(c => c.key === key);
    const sorted = rows.slice().sort((a, b) => {
      const x = col.sort ? col.sort(a) : a[key], y = col.sort ? col.sort(b) : b[key];
      const r = x < y ? -1 : x > y ? 1 : 0;
      return down ? -r : r;
    });
    t.innerHTML = '<thead><tr>' + cols.map(c =>
      `<th data-key="${esc(c.key)}" class="${c.num ? 'num' : ''} ${c.key === key ? (down ? 'sorted-desc' : 'sorted-asc') : ''}">${esc(c.label)}</th>`).join('') +
      '</tr></thead><tbody>' + sorted.map(r => '<tr>' + cols.map(c => {
        const v = c.html ? c.html(r) : esc(c.fmt ? c.fmt(r[c.key], r) : r[c.key]);
        return `<td class="${c.num ? 'num' : ''}">${v}</td>`;
      }).join('') + '</tr>').join('') + '</tbody>';
  };
  t.addEventListener('click', e => {
    const th = e.target.closest('th');
    if (!th) return;
    if (th.dataset.key === key) down = !down; else { key = th.dataset.key; down = cols.find(c => c.key === key).num !== false; }
    render();
  });
  render();
  return t;
}

function splitBar(columns, total) {
  const parts = Object.entries(columns).filter(([k, v]) => v > 0 && isSplitColumn(k));
  return '<div class="bar" title="' + esc(parts.map(([k, v]) => `${k}: ${dur(v)}`).join('\n')) + '">' +
    parts.map(([k, v]) => `<span style="width:${(100 * v / Math.max(1, total)).toFixed(2)}%;background:${color(k)}"></span>`).join('') + '</div>';
}

function isSplitColumn(k) {
  return k === 'Execution time' || k === 'Sched wait time' || k === 'Syscall execution time' || k.startsWith('Block time') || k === 'Unknown time';
}

function legend(cols) {
  return '<div class="legend">' + cols.filter(isSplitColumn).map(k => `<span><i style="background:${color(k)}"></i>${esc(k)}</span>`).join('') + '</div>';
}

function stackHTML(frames) {
  if (!frames || !frames.length) return '<p class="hint">no stack</p>';
  return '<ol class="stack">' + frames.map(f => `<li>${esc(f.func)}<span class="file">${esc(f.file)}:${f.line}</span></li>`).join('') + '</ol>';
}

// ---- home -------------------------------------------------------------------

async function home() {
  const i = state.info;
  const card = (label, value, id) => `<div class="card" ${id ? `id="${id}"` : ''}><small>${esc(label)}</small><b>${esc(value)}</b></div>`;
  content.innerHTML = `<h1>${esc(i.file)}</h1>
    ${i.loss ? `<p class="warn" id="loss">Partial trace: ${esc(i.loss)}</p>` : ''}
    <div class="cards" id="glance">
      ${card('Format', i.version)}${card('Duration', dur(i.duration), 'card-duration')}${card('File', bytes(i.fileBytes))}
      ${card('Events', i.events.toLocaleString(), 'card-events')}${card('Goroutines', i.goroutines.toLocaleString(), 'card-goroutines')}
      ${card('Procs', i.procs.length)}${card('Threads', i.threads)}${card('GC cycles', i.gcCycles, 'card-gc')}
      ${card('STW pauses', i.stwPauses)}${card('Worst STW pause', dur(i.worstSTW), 'card-stw')}
      ${card('CPU samples', i.cpuSamples)}${card('Tasks / regions / logs', `${i.tasks} / ${i.regions} / ${i.logs}`)}
    </div>
    <h2>Timeline</h2><ul class="links">
      <li><a href="${tl('view=proc')}">by proc</a> · <a href="${tl('view=thread')}">by thread</a> · <a href="${tl('view=goroutine')}">by goroutine</a></li></ul>
    <h2>Analyses</h2><ul class="links">
      <li><a href="/goroutines">Goroutine analysis</a>: goroutines by start function, their time split and distributions</li>
      <li>Profiles:
        <a href="/profile?kind=net">network blocking</a> (<a href="/pprof?kind=net">pprof</a>) ·
        <a href="/profile?kind=sync">synchronization blocking</a> (<a href="/pprof?kind=sync">pprof</a>) ·
        <a href="/profile?kind=syscall">syscalls</a> (<a href="/pprof?kind=syscall">pprof</a>) ·
        <a href="/profile?kind=sched">scheduler latency</a> (<a href="/pprof?kind=sched">pprof</a>) ·
        <a href="/profile?kind=cpu">CPU samples</a> (<a href="/pprof?kind=cpu">pprof</a>)</li>
      <li><a href="/tasks">User-defined tasks</a> · <a href="/regions">User-defined regions</a></li>
      <li><a href="/mmu">Minimum mutator utilization</a></li>
      <li><a href="/gc">GC cycles and stop-the-world pauses</a></li>
    </ul>`;
}

// ---- goroutines -------------------------------------------------------------

async function goroutines() {
  if (params.has('group')) return goroutineGroup(params.get('group'));
  const d = await getJSON('/api/goroutine-groups');
  const cols = new Set();
  for (const g of d.groups) for (const k of Object.keys(g.columns)) cols.add(k);
  const rows = d.groups.map(g => ({
    name: g.name, label: g.label, count: g.count, execTime: g.execTime, execShare: g.execShare,
    median: g.columns['Total time']?.median || 0, p99: g.columns['Total time']?.p99 || 0, max: g.columns['Total time']?.max || 0,
    columns: Object.fromEntries(Object.entries(g.columns).map(([k, v]) => [k, v.sum])),
  }));
  content.innerHTML = `<h1>Goroutines</h1><p>${d.goroutines.toLocaleString()} goroutines in ${d.groups.length} groups; total execution time ${dur(d.totalExecTime)}.
    Click a column to sort; a group to see its goroutines.</p>${legend([...cols])}`;
  content.appendChild(table('groups-table', [
    { key: 'label', label: 'Start location', num: false, html: r => `<a href="/goroutines?group=${q(r.name)}">${esc(r.label)}</a>` },
    { key: 'count', label: 'Count', num: true },
    { key: 'execTime', label: 'Total execution time', num: true, fmt: dur },
    { key: 'execShare', label: 'Exec %', num: true, fmt: v => (100 * v).toFixed(2) + '%' },
    { key: 'split', label: 'Time split (all goroutines of the group)', num: true, sort: r => r.columns['Total time'] || 0,
      html: r => splitBar(r.columns, r.columns['Total time'] || 0) },
    { key: 'median', label: 'Total time median', num: true, fmt: dur },
    { key: 'p99', label: 'p99', num: true, fmt: dur },
    { key: 'max', label: 'max', num: true, fmt: dur },
  ], rows, 'execTime'));
}

async function goroutineGroup(name) {
  const d = await getJSON(`/api/goroutine-group?name=${q(name)}`);
  const cols = Object.keys(d.distributions).filter(c => c !== 'Total time');
  content.innerHTML = `<h1>Goroutines: ${esc(d.label)}</h1>
    <p>${d.count} goroutines; execution ${dur(d.execTime)} (${pct(d.execTime, d.totalExecTime)} of all). <a href="/goroutines">All groups</a> ·
      <a href="/profile?kind=sync&group=${q(d.name)}">its blocking profile</a> · <a href="/profile?kind=sched&group=${q(d.name)}">its scheduler latency</a></p>
    <h2>Distribution over the group</h2>`;
  const drows = ['min', 'median', 'p99', 'max'].map(s => Object.assign({ stat: s }, Object.fromEntries(Object.entries(d.distributions).map(([k, v]) => [k, v[s]]))));
  content.appendChild(table('group-distribution', [{ key: 'stat', label: '', num: false }].concat(
    ['Total time'].concat(cols).map(c => ({ key: c, label: c, num: true, fmt: dur }))), drows, 'stat', false));
  const h = document.createElement('h2');
  h.textContent = 'Goroutines';
  content.appendChild(h);
  content.insertAdjacentHTML('beforeend', legend(cols));
  const rows = d.goroutines.map(g => Object.assign({ id: g.id, total: g.total, columns: g.columns }, g.columns));
  content.appendChild(table('goroutines-table', [
    { key: 'id', label: 'Goroutine', num: true, html: r => `<a href="/goroutine?id=${r.id}">${r.id}</a> <a href="${tl(`view=goroutine&focus=${r.id}`)}" title="focused timeline">⧉</a>` },
    { key: 'total', label: 'Total', num: true, fmt: dur },
    { key: 'split', label: 'Time split', num: true, sort: r => r.columns['Execution time'] || 0, html: r => splitBar(r.columns, r.total) },
  ].concat(cols.map(c => ({ key: c, label: c, num: true, fmt: v => dur(v || 0) }))), rows, 'total'));
}

async function goroutine() {
  const id = params.get('id');
  const g = await getJSON(`/api/goroutine-summary?id=${q(id)}`);
  const cols = Object.keys(g.columns);
  content.innerHTML = `<h1>Goroutine ${g.id}: ${esc(g.label)}</h1>
    <p><a href="${tl(`view=goroutine&focus=${g.id}`)}" id="goroutine-timeline">Focused timeline</a> ·
      <a href="/goroutines?group=${q(g.name)}">its group</a></p>
    <table class="data" id="goroutine-facts"><tbody>
      <tr><td>Created</td><td>${g.created >= 0 ? dur(g.created) : '—'}</td></tr>
      <tr><td>Started</td><td>${dur(g.start)}</td></tr><tr><td>Ended</td><td>${dur(g.end)}</td></tr>
      <tr><td>Total</td><td>${dur(g.total)}</td></tr></tbody></table>
    <h2>Time split</h2>${splitBar(g.columns, g.total)}${legend(cols)}
    <table class="data" id="goroutine-columns"><tbody>${cols.map(c => `<tr><td>${esc(c)}</td><td class="num">${dur(g.columns[c])}</td><td class="num">${pct(g.columns[c], g.total)}</td></tr>`).join('')}</tbody></table>
    <h2>Regions</h2>${g.regions.length ? '' : '<p class="hint">none</p>'}`;
  if (g.regions.length) {
    content.appendChild(table('goroutine-regions', [
      { key: 'name', label: 'Region', num: false },
      { key: 'task', label: 'Task', num: true },
      { key: 'start', label: 'Start', num: true, html: r => `<a href="${tl(`view=goroutine&focus=${g.id}&t0=${r.start}&t1=${r.end}`)}">${dur(r.start)}</a>` },
      { key: 'duration', label: 'Duration', num: true, fmt: dur },
    ], g.regions.map(r => Object.assign({ duration: r.end - r.start }, r)), 'start', false));
  }
  content.insertAdjacentHTML('beforeend', `<h2>Start stack</h2>${stackHTML(g.startStack)}<h2>End stack</h2>${stackHTML(g.endStack)}`);
}

// ---- profiles -----------------------------------------------------------------

const KINDS = { net: 'Network blocking', sync: 'Synchronization blocking', syscall: 'Syscalls', sched: 'Scheduler latency', cpu: 'CPU samples' };

async function profile() {
  const kind = params.get('kind') || 'sync';
  const region = params.get('region'), group = params.get('group');
  const sel = new URLSearchParams({ kind });
  if (region) sel.set('region', region);
  if (group) sel.set('group', group);
  const regions = await getJSON('/api/regions');
  const types = [...new Set(regions.types.map(t => t.type))];
  content.innerHTML = `<h1>${esc(KINDS[kind] || kind)} profile${region ? ` in regions "${esc(region)}"` : ''}${group ? ` of ${esc(group)} goroutines` : ''}</h1>
    <div class="toolbar">
      <span>${Object.entries(KINDS).map(([k, v]) => k === kind ? `<b>${v}</b>` : `<a href="/profile?${new URLSearchParams(Object.assign(Object.fromEntries(sel), { kind: k }))}">${v}</a>`).join(' · ')}</span>
      <label>Region type <select id="region-select"><option value="">whole trace</option>${types.map(t => `<option ${t === region ? 'selected' : ''}>${esc(t)}</option>`).join('')}</select></label>
      <a id="pprof-download" href="/pprof?${sel}">download pprof</a>
      <input id="flame-search" type="search" placeholder="search functions">
      <span id="flame-match"></span>
    </div><div id="profile-body"><p class="hint">Computing…</p></div>`;
  document.getElementById('region-select').addEventListener('change', e => {
    const p = new URLSearchParams({ kind });
    if (e.target.value) p.set('region', e.target.value);
    location.search = p.toString();
  });
  let d;
  try {
    d = await getJSON(`/api/profile?${sel}`);
  } catch (e) {
    document.getElementById('profile-body').innerHTML = `<p class="warn">${esc(e.message)}</p>`;
    return;
  }
  state.profile = d;
  const fmt = v => kind === 'cpu' ? `${dur(v)} (${Math.round(v / 1e7)} samples)` : dur(v);
  const body = document.getElementById('profile-body');
  if (!d.records) { body.innerHTML = '<p class="hint">No samples.</p>'; return; }
  body.innerHTML = `<p>${d.records} stacks, ${fmt(d.total)} in all. Click a frame to zoom in, the top bar to zoom out.</p>
    <div id="flame"></div><h2>Functions</h2>`;
  const fg = new FlameGraph(document.getElementById('flame'), d.nodes, fmt, i => { state.flameFocus = i; });
  state.flame = fg;
  fg.render();
  window.addEventListener('resize', () => fg.render());
  document.getElementById('flame-search').addEventListener('input', e => {
    fg.search(e.target.value);
    const m = fg.matched();
    document.getElementById('flame-match').textContent = e.target.value ? `matched ${fmt(m)} (${pct(m, d.total)})` : '';
  });
  body.appendChild(table('top-table', [
    { key: 'func', label: 'Function', num: false },
    { key: 'flat', label: 'Flat', num: true, fmt: dur },
    { key: 'flatPct', label: 'Flat %', num: true, fmt: v => v.toFixed(2) + '%' },
    { key: 'cum', label: 'Cum', num: true, fmt: dur },
    { key: 'cumPct', label: 'Cum %', num: true, fmt: v => v.toFixed(2) + '%' },
  ], d.top.map(t => Object.assign({ flatPct: 100 * t.flat / Math.max(1, d.total), cumPct: 100 * t.cum / Math.max(1, d.total) }, t)), 'flat'));
}

// ---- tasks and regions ----------------------------------------------------------

function histogramHTML(id, h, active) {
  if (!h.length) return '<span class="hint">no complete instances</span>';
  const max = Math.max(...h.map(b => b[3]));
  return `<div class="hist" id="${id}">` + h.map(([b, lo, hi, n]) =>
    `<div data-bucket="${b}" class="${b === active ? 'active' : ''}" style="height:${(100 * n / Math.max(1, max)).toFixed(1)}%" title="${dur(lo)} – ${dur(hi)}: ${n}"></div>`).join('') +
    '</div><div class="histaxis">' + h.map(([, lo]) => `<span>${dur(lo)}</span>`).join('') + '</div>';
}

async function tasks() {
  const type = params.get('type'), bucket = params.has('bucket') ? Number(params.get('bucket')) : null;
  const p = new URLSearchParams();
  if (type !== null) p.set('type', type);
  if (bucket !== null) p.set('bucket', bucket);
  const d = await getJSON(`/api/tasks?${p}`);
  content.innerHTML = `<h1>User-defined tasks</h1>${d.types.length ? '' : '<p class="hint">This trace has no tasks.</p>'}
    <table class="data" id="task-types"><thead><tr><th>Task type</th><th class="num">Count</th><th>Duration distribution (click a bar for its tasks)</th></tr></thead><tbody>` +
    d.types.map((t, k) => `<tr><td><a href="/tasks?type=${q(t.type)}">${esc(t.type || '(no type)')}</a></td><td class="num">${t.count}</td>
      <td data-type="${esc(t.type)}">${histogramHTML('hist-' + k, t.histogram, t.type === type ? bucket : null)}</td></tr>`).join('') + '</tbody></table>';
  content.querySelectorAll('.hist div').forEach(div => div.addEventListener('click', () => {
    const t = div.closest('td').dataset.type;
    location.search = new URLSearchParams({ type: t, bucket: div.dataset.bucket }).toString();
  }));
  if (d.tasks) {
    content.insertAdjacentHTML('beforeend', `<h2>Tasks "${esc(type)}"${bucket !== null ? ' in the selected bucket' : ''}: ${d.tasks.length}</h2>`);
    content.appendChild(table('task-list', [
      { key: 'id', label: 'Task', num: true, html: r => `<a href="${tl(`view=goroutine&task=${r.id}`)}">${r.id}</a>` },
      { key: 'start', label: 'Start', num: true, fmt: dur },
      { key: 'duration', label: 'Duration', num: true, fmt: (v, r) => dur(v) + (r.complete ? '' : ' (incomplete)') },
      { key: 'goroutines', label: 'Goroutines', num: false, html: r => r.goroutines.map(g => `<a href="/goroutine?id=${g}">${g}</a>`).join(' ') },
      { key: 'events', label: 'Events', num: false, html: r => '<details><summary>' + r.events.length + ' events</summary><table>' +
        r.events.map(e => `<tr><td class="num">${dur(e.time)}</td><td>G${e.goroutine}</td><td>${esc(e.what)}</td></tr>`).join('') + '</table></details>' },
    ], d.tasks, 'duration'));
  }
}

async function regions() {
  const type = params.get('type'), pc = params.get('pc'), bucket = params.has('bucket') ? Number(params.get('bucket')) : null;
  const p = new URLSearchParams();
  if (type !== null) p.set('type', type);
  if (pc !== null) p.set('pc', pc);
  if (bucket !== null) p.set('bucket', bucket);
  const d = await getJSON(`/api/regions?${p}`);
  content.innerHTML = `<h1>User-defined regions</h1>${d.types.length ? '' : '<p class="hint">This trace has no regions.</p>'}
    <table class="data" id="region-types"><thead><tr><th>Region type</th><th>Start location</th><th class="num">Count</th><th>Duration distribution</th><th>Profiles</th></tr></thead><tbody>` +
    d.types.map((t, k) => `<tr><td><a href="/regions?type=${q(t.type)}&pc=${t.pc}">${esc(t.type)}</a></td><td>${esc(t.function)}<br><span class="hint">${esc(t.file)}:${t.line}</span></td>
      <td class="num">${t.count}</td><td data-type="${esc(t.type)}" data-pc="${t.pc}">${histogramHTML('rhist-' + k, t.histogram, t.type === type && String(t.pc) === pc ? bucket : null)}</td>
      <td>${['net', 'sync', 'syscall', 'sched'].map(k => `<a href="/profile?kind=${k}&region=${q(t.type)}">${k}</a>`).join(' ')}</td></tr>`).join('') + '</tbody></table>';
  content.querySelectorAll('.hist div').forEach(div => div.addEventListener('click', () => {
    const td = div.closest('td');
    location.search = new URLSearchParams({ type: td.dataset.type, pc: td.dataset.pc, bucket: div.dataset.bucket }).toString();
  }));
  if (d.regions) {
    const cols = new Set();
    for (const r of d.regions) for (const k of Object.keys(r.columns)) cols.add(k);
    content.insertAdjacentHTML('beforeend', `<h2>Regions "${esc(type)}": ${d.regions.length}</h2>${legend([...cols])}`);
    content.appendChild(table('region-list', [
      { key: 'goroutine', label: 'Goroutine', num: true, html: r => `<a href="/goroutine?id=${r.goroutine}">${r.goroutine}</a>` },
      { key: 'task', label: 'Task', num: true },
      { key: 'start', label: 'Start', num: true, html: r => `<a href="${tl(`view=goroutine&focus=${r.goroutine}&t0=${r.start}&t1=${r.end}`)}">${dur(r.start)}</a>` },
      { key: 'duration', label: 'Duration', num: true, fmt: dur },
      { key: 'split', label: 'Time split', num: true, sort: r => r.columns['Execution time'] || 0, html: r => splitBar(r.columns, r.duration) },
    ].concat([...cols].map(c => ({ key: c, label: c, num: true, sort: r => r.columns[c] || 0, html: r => dur(r.columns[c] || 0) }))), d.regions, 'duration'));
  }
}

// ---- MMU ------------------------------------------------------------------------

async function mmu() {
  const flagNames = [['stw', 1, 'STW'], ['background', 2, 'Background workers'], ['assist', 4, 'Mark assist'], ['sweep', 8, 'Sweep'], ['perproc', 16, 'Per-goroutine'],
    ['once', 32, 'Count each worker run once', 'go tool trace counts a background mark worker twice from its second run on and releases it once, so its utilization drifts down and on a busy trace sticks at 0; this counts each run once (not in go tool trace)']];
  let flags = params.has('flags') ? Number(params.get('flags')) : 7;
  content.innerHTML = `<h1>Minimum mutator utilization</h1>
    <p>For each window length, the lowest fraction of time the program's goroutines could run in any window that long.
      Click the chart to list the worst windows of that length.</p>
    <div class="toolbar" id="mmu-flags">${flagNames.map(([n, b, label, title]) => `<label${title ? ` title="${title}"` : ''}><input type="checkbox" data-bit="${b}" ${flags & b ? 'checked' : ''}> ${label}</label>`).join('')}
      <label><input type="checkbox" id="mmu-percentiles"> Show percentiles</label></div>
    <canvas class="chart" id="mmu-chart" style="width:100%;max-width:1100px;height:360px"></canvas>
    <h2 id="worst-title">Worst windows</h2><div id="worst"></div>`;
  const chart = new LogChart(document.getElementById('mmu-chart'), w => load(w));
  state.chart = chart;
  const load = async (window) => {
    const d = await getJSON(`/api/mmu?flags=${flags}${window ? `&window=${window}` : ''}`);
    state.mmu = d;
    if (!d.curve.length) { document.getElementById('worst').innerHTML = '<p class="hint">No utilization data.</p>'; chart.set([], 1, 10); return; }
    const series = [{ name: 'MMU', color: '#1565c0', width: 2, points: d.curve.map(r => [r[0], r[1]]) }];
    if (document.getElementById('mmu-percentiles').checked) {
      const colors = ['#2e7d32', '#f9a825', '#ef6c00', '#c62828'];
      d.quantiles.forEach((qq, k) => {
        if (k === 0) return;
        series.push({ name: `${(100 * (1 - qq)).toFixed(1)}th percentile`, color: colors[k], dash: [4, 3], points: d.mud.map(r => [r[0], r[k + 1]]) });
      });
    }
    chart.set(series, d.xMin, d.xMax);
    document.getElementById('worst-title').textContent = `Worst windows of ${dur(d.window)}`;
    document.getElementById('worst').innerHTML = '<table class="data" id="worst-table"><thead><tr><th>Start</th><th>Utilization</th></tr></thead><tbody>' +
      d.worst.map(x => `<tr><td><a href="${tl(`view=proc&t0=${x.time}&t1=${x.time + x.duration}&sel=${x.time}_${x.time + x.duration}`)}">${dur(x.time)}</a></td>
        <td class="num">${(100 * x.util).toFixed(2)}%</td></tr>`).join('') + '</tbody></table>';
  };
  document.getElementById('mmu-flags').addEventListener('change', e => {
    if (e.target.dataset.bit) flags = e.target.checked ? flags | Number(e.target.dataset.bit) : flags & ~Number(e.target.dataset.bit);
    history.replaceState(null, '', `/mmu?flags=${flags}`);
    load(state.mmu?.window);
  });
  await load(params.has('window') ? Number(params.get('window')) : null);
}

// ---- GC -------------------------------------------------------------------------

async function gc() {
  const d = await getJSON('/api/gc');
  const total = d.cycles.reduce((s, c) => s + c.duration, 0);
  const stw = d.pauses.reduce((s, p) => s + p.duration, 0);
  content.innerHTML = `<h1>GC</h1><div class="cards">
      <div class="card"><small>GC cycles</small><b id="gc-cycles">${d.cycles.length}</b></div>
      <div class="card"><small>Time in GC mark</small><b>${dur(total)}</b></div>
      <div class="card"><small>STW pauses</small><b id="gc-pauses">${d.pauses.length}</b></div>
      <div class="card"><small>Stopped in all</small><b>${dur(stw)}</b></div>
      <div class="card"><small>Worst pause</small><b>${dur(d.pauses[0]?.duration || 0)}</b></div></div>
    <h2>Stop-the-world pauses, worst first</h2>
    <p>Stop latency: how long the last proc took to stop after the pause began. Expand a pause for the stragglers: the goroutines that were still running, where they yielded.</p>`;
  content.appendChild(table('pause-table', [
    { key: 'kind', label: 'Kind', num: false },
    { key: 'start', label: 'Start', num: true, html: r => `<a href="${tl(`view=proc&t0=${r.start - r.duration * 4 - 10000}&t1=${r.start + r.duration * 5 + 10000}&sel=${r.start}_${r.start + r.duration}`)}">${dur(r.start)}</a>` },
    { key: 'duration', label: 'Duration', num: true, fmt: dur },
    { key: 'stopLatency', label: 'Stop latency', num: true, fmt: dur },
    { key: 'stragglers', label: 'Stragglers', num: true, sort: r => r.stragglers.length, html: r => r.stragglers.length ? '<details><summary>' + r.stragglers.length + '</summary>' +
      r.stragglers.map(s => `<div><b>P${s.proc}</b> <a href="/goroutine?id=${s.goroutine}">G${s.goroutine}</a> ${esc(s.name)}:
        ${s.stopped >= 0 ? `stopped after ${dur(s.stopped)} (${esc(s.how)})` : 'did not stop'}${s.yieldState ? `, went ${esc(s.yieldState)}${s.yieldReason ? ' (' + esc(s.yieldReason) + ')' : ''}` : ''}
        ${stackHTML(s.stack)}</div>`).join('') + '</details>' : '0' },
  ], d.pauses, 'duration'));
  content.insertAdjacentHTML('beforeend', '<h2>GC cycles</h2>');
  content.appendChild(table('cycle-table', [
    { key: 'seq', label: 'Cycle', num: true },
    { key: 'start', label: 'Start', num: true, html: r => `<a href="${tl(`view=proc&t0=${r.start - r.duration * 0.1}&t1=${r.start + r.duration * 1.1}`)}">${dur(r.start)}</a>` },
    { key: 'duration', label: 'Mark phase', num: true, fmt: (v, r) => dur(v) + (r.startsBeforeTrace ? ' (began before the trace)' : '') + (r.endsAfterTrace ? ' (still running at the end)' : '') },
  ], d.cycles, 'start', false));
  content.insertAdjacentHTML('beforeend', '<h2>Mark assist time by goroutine group</h2>');
  if (!d.assists.length) content.insertAdjacentHTML('beforeend', '<p class="hint">No mark assists.</p>');
  else content.appendChild(table('assist-table', [
    { key: 'group', label: 'Start location', num: false, html: r => `<a href="/goroutines?group=${q(r.name)}">${esc(r.group)}</a>` },
    { key: 'goroutines', label: 'Goroutines', num: true },
    { key: 'time', label: 'Mark assist', num: true, fmt: dur },
  ], d.assists, 'time'));
}

// ---- main -----------------------------------------------------------------------

const routes = { '/': home, '/goroutines': goroutines, '/goroutine': goroutine, '/profile': profile, '/tasks': tasks, '/regions': regions, '/mmu': mmu, '/gc': gc };

async function main() {
  state.info = await getJSON('/api/info');
  const i = state.info;
  document.getElementById('file').textContent = `${i.file} · ${i.version} · ${dur(i.duration)}`;
  document.title = `gotrace: ${i.file}`;
  const path = location.pathname;
  document.querySelectorAll('#pages a').forEach(a => { if (a.pathname === path) a.classList.add('active'); });
  status('computing…');
  const stop = watchProgress();
  try {
    await (routes[path] || home)();
  } finally {
    stop();
  }
  status('');
  state.ready = true;
}

/** While a page waits for its analyses, shows how far the server's pass over the trace has
 *  read (a big trace takes a while the first time). Returns the function that stops it. */
function watchProgress() {
  let on = true;
  (async () => {
    while (on) {
      await new Promise(r => setTimeout(r, 500));
      if (!on) break;
      let p;
      try { p = await getJSON('/api/progress'); } catch { continue; }
      if (on && p.busy) status(p.total > 0 ? `${p.what}… ${Math.floor(100 * p.read / p.total)}%` : `${p.what}…`);
    }
  })();
  return () => { on = false; };
}

window.addEventListener('error', e => { (window.gotraceErrors ||= []).push(String(e.message)); });
window.addEventListener('unhandledrejection', e => { (window.gotraceErrors ||= []).push(String(e.reason)); });
main().catch(e => { status(''); content.insertAdjacentHTML('beforeend', `<p class="warn" id="page-error">${esc(e.message)}</p>`); state.ready = true; state.error = e.message; });
