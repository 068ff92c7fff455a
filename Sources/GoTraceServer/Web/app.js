// The timeline page: views, URL state, keys, search; the canvas work is in timeline.js.
import { Timeline, WORK_NAMES } from './timeline.js';
import { Details } from './details.js';
import { dur, esc, bytes, getJSON } from './format.js';

class App {
  constructor() {
    this.timeline = new Timeline(document.getElementById('canvas'), this);
    this.details = new Details(document.getElementById('details'), this);
    this.view = 'proc';
    this.focus = null;   // goroutine ID
    this.task = null;    // task ID
    this.openGroups = new Map(); // group name -> tracks
    this.errors = [];
    window.gotrace = this; // for tests and the console
  }

  status(s) { document.getElementById('status').textContent = s; }

  async start() {
    this.info = await getJSON('/api/info');
    const i = this.info;
    document.getElementById('file').textContent = `${i.file} · ${i.version} · ${dur(i.duration)} · ${i.events.toLocaleString()} events`;
    document.title = `gotrace: ${i.file}`;
    if (i.loss) this.status(i.loss);
    this.timeline.duration = Math.max(1, i.duration);
    this.timeline.setWindow(0, i.duration, true);
    const st = parseHash();
    document.querySelectorAll('#views button').forEach(b => b.addEventListener('click', () => {
      this.focus = null; this.task = null;
      this.setView(b.dataset.view);
    }));
    document.getElementById('flows').addEventListener('change', e => this.setFlows(e.target.checked));
    document.getElementById('help-button').addEventListener('click', () => this.toggleHelp());
    this.installKeys();
    this.installSearch();
    if (st.flows === '1') { document.getElementById('flows').checked = true; this.timeline.showFlows = true; }
    this.focus = st.focus ? Number(st.focus) : null;
    this.task = st.task ? Number(st.task) : null;
    await this.setView(st.view || 'proc', true);
    if (st.t0 !== undefined && st.t1 !== undefined) this.timeline.setWindow(Number(st.t0), Number(st.t1));
    if (st.sel) {
      const [a, b] = st.sel.split('_').map(Number);
      if (b > a) this.select(a, b);
    }
    if (st.slice) this.goToSlice(Number(st.slice), false);
    this.ready = true;
  }

  async setView(view, keepWindow) {
    this.view = view;
    document.querySelectorAll('#views button').forEach(b => b.classList.toggle('active', b.dataset.view === view && !this.focus && !this.task));
    let q = `view=${view}`;
    if (this.focus !== null) q += `&focus=${this.focus}`;
    if (this.task !== null) q += `&task=${this.task}`;
    const t = await getJSON(`/api/tracks?${q}`);
    this.tracks = t;
    const fl = document.getElementById('focus-label');
    fl.textContent = this.focus !== null ? `focused on G${this.focus}` : this.task !== null ? `task ${this.task}` : '';
    this.layout();
    if (!keepWindow) {
      if (t.windowStart !== undefined) {
        const pad = (t.windowEnd - t.windowStart) * 0.05 + 1000;
        this.timeline.setWindow(t.windowStart - pad, t.windowEnd + pad);
      }
    } else if (t.windowStart !== undefined && !parseHash().t0) {
      const pad = (t.windowEnd - t.windowStart) * 0.05 + 1000;
      this.timeline.setWindow(t.windowStart - pad, t.windowEnd + pad);
    }
    this.saveHash();
  }

  layout() {
    const t = this.tracks, rows = [];
    for (const c of t.counters) rows.push({ id: c.id, kind: 'counter', label: c.label, h: 36, series: c.series });
    for (const l of t.lanes) rows.push({ id: l.id, kind: 'lane', shape: l.shape, label: l.label, h: 12 });
    if (t.tasks) for (const k of t.tasks) rows.push({ id: `task:${k.id}`, kind: 'task', label: `${'  '.repeat(k.depth)}T${k.id} ${k.name}`, h: 16, task: k });
    if (this.view === 'proc' && !this.focus && !this.task) {
      t.tracks.forEach((p, i) => rows.push({ id: p.id, sub: p.work, cpu: p.cpu, kind: 'proc', label: p.label, h: 32, stripe: i % 2 }));
    } else if (this.view === 'thread' && !this.focus && !this.task) {
      t.tracks.forEach((p, i) => rows.push({ id: p.id, kind: 'thread', label: p.label, h: 20, stripe: i % 2 }));
    } else if (t.groups) {
      for (const g of t.groups) {
        const open = this.openGroups.get(g.name);
        rows.push({ id: `group:${g.name}`, kind: 'group', label: g.name, count: g.count, open: !!open, h: 18, group: g.name });
        if (open) {
          for (const tr of open.tracks) rows.push(this.gRow(tr, true));
          if (open.tracks.length < open.total) rows.push({ id: `more:${g.name}`, kind: 'more', label: `  … ${open.total - open.tracks.length} more`, h: 16, group: g.name });
        }
      }
    } else {
      for (const tr of t.tracks) rows.push(this.gRow(tr, false));
    }
    this.timeline.setRows(rows);
  }

  gRow(tr, indent) {
    const g = Number(tr.id.slice(2));
    return { id: tr.id, kind: 'g', label: tr.label, h: 18, g, goid: tr.goid, regions: tr.regions, indent,
             focus: this.tracks.focus === tr.id };
  }

  async toggleGroup(name, more) {
    const cur = this.openGroups.get(name);
    if (cur && !more) { this.openGroups.delete(name); this.layout(); return; }
    const offset = cur ? cur.tracks.length : 0;
    const t = await getJSON(`/api/tracks?view=goroutine&group=${encodeURIComponent(name)}&offset=${offset}&limit=500`);
    this.openGroups.set(name, { tracks: (cur ? cur.tracks : []).concat(t.tracks), total: t.total });
    this.layout();
  }

  setFlows(on) {
    this.timeline.showFlows = on;
    document.getElementById('flows').checked = on;
    this.timeline.changed();
    this.saveHash();
  }

  focusGoroutine(goid) {
    this.focus = goid;
    this.task = null;
    this.setView('goroutine');
  }

  focusTask(id) {
    this.task = id;
    this.focus = null;
    this.setView('goroutine');
  }

  select(t0, t1) {
    this.timeline.selection = { t0, t1 };
    this.timeline.draw();
    this.details.showSelection(t0, t1).catch(e => this.status(e.message));
    this.saveHash();
  }

  clearSelection() {
    this.timeline.selection = null;
    this.timeline.selected = null;
    this.details.clear();
    this.timeline.draw();
    this.saveHash();
  }

  async clicked(h) {
    if (!h) return;
    if (h.row.kind === 'group' || h.row.kind === 'more') { this.toggleGroup(h.row.group, h.row.kind === 'more'); return; }
    if (h.task) { this.details.el.innerHTML = `<h3>T${h.task.id} ${esc(h.task.name)}</h3><p>${dur(h.task.end - h.task.start)}${h.task.complete ? '' : ' (incomplete)'}</p>`; return; }
    if (h.label === true && h.row.kind === 'g') { this.focusGoroutine(h.row.goid); return; }
    if (h.instant !== undefined && h.track === 'logs' && h.label >= 0) {
      const l = this.timeline.logs[h.label] || {};
      this.details.showLog(l, h.instant);
      return;
    }
    if (h.s === undefined) return;
    if (h.a < 0) {
      this.details.showMerged(-h.a, h.b, h.s, h.e);
      this.timeline.setWindow(h.s - (h.e - h.s) * 0.1, h.e + (h.e - h.s) * 0.1);
      return;
    }
    const t = h.track;
    if (t.startsWith('p:') || t.startsWith('t:') || t.startsWith('g:')) {
      if (t.startsWith('t:') && h.a >= (this.info.slices)) {
        this.details.showWork('syscall without a proc', this.timeline.names[h.b], h.s, h.e);
        return;
      }
      this.goToSlice(h.a, false);
    } else if (t.startsWith('w:')) {
      this.details.showWork(WORK_NAMES[h.a & 3], this.timeline.names[h.b], h.s, h.e);
    } else if (t === 'gc' || t === 'stw') {
      this.details.showWork(t === 'gc' ? 'GC concurrent mark phase' : `stop-the-world (${this.timeline.stwKinds[h.a] || ''})`, '', h.s, h.e);
    } else if (t.startsWith('r:')) {
      this.details.showWork(`region ${this.timeline.regionNames[h.a] || ''}`, h.row.label, h.s, h.e, this.timeline.regionTasks[h.a]);
    }
  }

  /** Selects slice i: details, highlight, and brings it into view. */
  async goToSlice(i, reveal = true) {
    try {
      const d = await this.details.showSlice(i);
      this.timeline.selected = { slice: i, g: d.g, start: d.start, end: d.end, goid: d.goid };
      if (reveal) this.timeline.reveal(d.start, d.end);
      const track = this.view === 'proc' && !this.focus && !this.task ? `p:${this.info.procs.indexOf(d.proc)}` :
        this.view === 'thread' && !this.focus && !this.task ? null : `g:${d.g}`;
      if (track) this.timeline.scrollToTrack(track);
      this.timeline.draw();
      this.saveHash();
      return d;
    } catch (e) {
      this.status(e.message);
    }
  }

  step(dir) {
    const d = this.details.current;
    if (!d || !this.timeline.selected) return;
    const n = dir < 0 ? d.prev : d.next;
    if (n) this.goToSlice(n.slice);
  }

  onWindowChange() {
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => this.saveHash(), 150);
  }

  onData() {
    const t = this.timeline;
    if (this.info.loss) return;
    this.status(`server ${t.lastFetchMs.toFixed(0)} ms${t.flowsTruncated ? ' · flows truncated: zoom in' : ''}`);
  }

  saveHash() {
    if (!this.ready && !this.tracks) return;
    const t = this.timeline;
    const p = new URLSearchParams();
    p.set('view', this.view);
    if (this.focus !== null) p.set('focus', this.focus);
    if (this.task !== null) p.set('task', this.task);
    p.set('t0', Math.round(t.t0));
    p.set('t1', Math.round(t.t1));
    if (t.selection) p.set('sel', `${Math.round(t.selection.t0)}_${Math.round(t.selection.t1)}`);
    if (t.selected) p.set('slice', t.selected.slice);
    if (t.showFlows) p.set('flows', '1');
    history.replaceState(null, '', '#' + p.toString());
  }

  toggleHelp(force) {
    const h = document.getElementById('help');
    h.hidden = force !== undefined ? !force : !h.hidden;
  }

  installKeys() {
    window.addEventListener('keydown', e => {
      if (e.target.tagName === 'INPUT') {
        if (e.key === 'Escape') { e.target.blur(); document.getElementById('search-results').hidden = true; }
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = this.timeline;
      switch (e.key) {
        case 'w': case 'W': t.zoom(0.7); break;
        case 's': case 'S': t.zoom(1 / 0.7); break;
        case 'a': case 'A': t.pan(-0.2); break;
        case 'd': case 'D': t.pan(0.2); break;
        case 'ArrowLeft': this.step(-1); break;
        case 'ArrowRight': this.step(1); break;
        case 'ArrowUp': t.scrollBy(-40); break;
        case 'ArrowDown': t.scrollBy(40); break;
        case 'PageUp': t.scrollBy(-(t.cssH - 60)); break;
        case 'PageDown': t.scrollBy(t.cssH - 60); break;
        case 'm': case 'M':
          if (t.selected) this.select(t.selected.start, t.selected.end);
          break;
        case 'f': case 'F': this.setFlows(!t.showFlows); break;
        case '0': t.setWindow(0, this.info.duration); break;
        case '?': this.toggleHelp(); break;
        case '/': e.preventDefault(); document.getElementById('search').focus(); break;
        case 'Escape': this.toggleHelp(false); this.clearSelection(); break;
        default: return;
      }
      e.preventDefault();
    });
  }

  installSearch() {
    const input = document.getElementById('search'), box = document.getElementById('search-results');
    let timer;
    const run = async () => {
      const q = input.value.trim();
      if (!q) { box.hidden = true; return; }
      const r = await getJSON(`/api/search?q=${encodeURIComponent(q)}`);
      const items = [];
      for (const g of r.goroutines) items.push(`<div data-goid="${g.goid}">${esc(g.name)}</div>`);
      for (const g of r.groups) items.push(`<div data-group="${esc(g.name)}">${esc(g.name)} <span class="hint">${g.count} goroutines, ${dur(g.execTime)}</span></div>`);
      box.innerHTML = items.join('') || '<div class="hint">no goroutine matches</div>';
      box.hidden = false;
    };
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener('keydown', e => {
      if (e.key === 'Enter') { const first = box.querySelector('div[data-goid],div[data-group]'); if (first) first.click(); }
    });
    box.addEventListener('click', async e => {
      const d = e.target.closest('div');
      if (!d) return;
      box.hidden = true;
      if (d.dataset.goid) this.focusGoroutine(Number(d.dataset.goid));
      else if (d.dataset.group) {
        this.focus = null; this.task = null;
        await this.setView('goroutine', true);
        if (!this.openGroups.has(d.dataset.group)) await this.toggleGroup(d.dataset.group);
        this.timeline.scrollToTrack(`group:${d.dataset.group}`);
      }
    });
  }
}

function parseHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  return Object.fromEntries(p.entries());
}

window.addEventListener('error', e => { (window.gotraceErrors ||= []).push(String(e.message)); });
window.addEventListener('unhandledrejection', e => { (window.gotraceErrors ||= []).push(String(e.reason)); });

const app = new App();
app.start().catch(e => app.status('error: ' + e.message));
export { app, bytes };
