// The timeline: one canvas, rows laid out top to bottom, data fetched per window at the
// canvas's pixel width (the server merges what is narrower than a pixel).
import { dur, tick, bytes, esc, gcolor, getJSON } from './format.js';

const RULER = 24;
const LABEL_W = 180;
const WORK_COLORS = ['#9e9e9e', '#e53935', '#fb8c00', '#b71c1c']; // syscall, assist, sweep, STW
const WORK_NAMES = ['syscall', 'GC mark assist', 'GC incremental sweep', 'stop-the-world'];
const FLOW_COLORS = { go: '#2e7d32', unblock: '#1565c0', network: '#6a1b9a', 'exit blocked syscall': '#757575', timer: '#ef6c00' };
const SERIES_COLORS = {
  'c:goroutines': ['#43a047', '#fb8c00', '#8e24aa'],
  'c:heap': ['#42a5f5', '#0d47a1'],
  'c:threads': ['#26a69a'],
  'c:syscalls': ['#8d6e63'],
};

export class Timeline {
  constructor(canvas, app) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.app = app;
    this.duration = 1;
    this.t0 = 0;
    this.t1 = 1;
    this.rows = [];
    this.scrollY = 0;
    this.data = new Map();
    this.names = {};
    this.regionNames = {};
    this.stwKinds = {};
    this.logs = {};
    this.regionTasks = {};
    this.flows = [];
    this.showFlows = false;
    this.selection = null;
    this.selected = null; // {slice, g, start, end, row}
    this.reqSeq = 0;
    this.drawn = 0;
    this.lastFetchMs = 0;
    this.pending = null;
    canvas.tabIndex = 0;
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement);
    this.installMouse();
  }

  get width() { return Math.max(1, this.cssW - LABEL_W); }
  X(t) { return LABEL_W + (t - this.t0) / (this.t1 - this.t0) * this.width; }
  T(x) { return this.t0 + (x - LABEL_W) / this.width * (this.t1 - this.t0); }

  resize() {
    const r = this.canvas.parentElement.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.cssW = Math.max(200, r.width);
    this.cssH = Math.max(100, r.height);
    this.clampScroll();
    this.canvas.width = Math.round(this.cssW * dpr);
    this.canvas.height = Math.round(this.cssH * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.changed();
  }

  /** Replaces the rows; each row: {id, kind, label, h, sub?, cpu?, regions?, group?, task?}. */
  setRows(rows) {
    let y = 0;
    for (const r of rows) { r.y = y; y += r.h; }
    this.rows = rows;
    this.contentH = y;
    this.byTrack = new Map();
    for (const r of rows) {
      this.byTrack.set(r.id, r);
      if (r.sub) this.byTrack.set(r.sub, r);
    }
    this.clampScroll();
    this.changed();
  }

  setWindow(t0, t1, quiet) {
    const minSpan = 1000;
    let span = Math.max(minSpan, t1 - t0);
    const maxSpan = this.duration * 1.2;
    if (span > maxSpan) span = maxSpan;
    const mid = (t0 + t1) / 2;
    t0 = mid - span / 2;
    t1 = mid + span / 2;
    const lo = -this.duration * 0.1, hi = this.duration * 1.1;
    if (t0 < lo) { t1 += lo - t0; t0 = lo; }
    if (t1 > hi) { t0 -= t1 - hi; t1 = hi; }
    this.t0 = t0;
    this.t1 = t1;
    if (!quiet) this.changed();
  }

  zoom(factor, atX) {
    const x = atX ?? (LABEL_W + this.width / 2);
    const t = this.T(x);
    this.setWindow(t - (t - this.t0) * factor, t + (this.t1 - t) * factor);
  }

  pan(fraction) {
    const d = (this.t1 - this.t0) * fraction;
    this.setWindow(this.t0 + d, this.t1 + d);
  }

  centerOn(t) {
    const half = (this.t1 - this.t0) / 2;
    this.setWindow(t - half, t + half);
  }

  /** Shows [s, e] (relative ns) with some margin if it does not fit the window. */
  reveal(s, e) {
    if (s >= this.t0 && e <= this.t1 && (e - s) > (this.t1 - this.t0) / 500) return;
    const span = Math.max(e - s, 2000);
    if (span < (this.t1 - this.t0) && (e - s) > (this.t1 - this.t0) / 500) this.centerOn((s + e) / 2);
    else this.setWindow(s - span * 0.5, e + span * 0.5);
  }

  scrollBy(dy) {
    this.scrollY += dy;
    this.clampScroll();
    this.changed();
  }

  clampScroll() {
    // Rows can be laid out before the first resize has measured the canvas: without a height,
    // the view is taken as empty (a NaN here would stick and hide every row for good).
    const view = Number.isFinite(this.cssH) ? this.cssH - RULER : 0;
    const maxY = Math.max(0, (this.contentH || 0) - view + 20);
    const y = Number.isFinite(this.scrollY) ? this.scrollY : 0;
    this.scrollY = Math.min(Math.max(0, y), maxY);
  }

  scrollToTrack(id) {
    const r = this.byTrack.get(id);
    if (!r) return false;
    const top = r.y - this.scrollY + RULER;
    if (top < RULER || top + r.h > this.cssH) {
      this.scrollY = r.y - (this.cssH - RULER) / 3;
      this.clampScroll();
    }
    this.changed();
    return true;
  }

  visibleRows() {
    const top = this.scrollY, bottom = this.scrollY + this.cssH - RULER;
    return this.rows.filter(r => r.y + r.h >= top && r.y <= bottom);
  }

  /** Something moved: redraw now, refetch soon. */
  changed() {
    this.changeSeq = (this.changeSeq || 0) + 1;
    // The refetch is scheduled first, so that nothing in drawing can keep the data from coming.
    // Changes are batched for 40 ms; the first data, and anything while the page is hidden (where
    // browsers throttle timers hard), is asked for at once.
    clearTimeout(this.fetchTimer);
    if (!this.fetched || document.hidden) queueMicrotask(() => this.fetch());
    else this.fetchTimer = setTimeout(() => this.fetch(), 40);
    this.draw();
    this.app.onWindowChange?.();
  }

  async fetch() {
    const rows = this.visibleRows();
    const ids = [];
    for (const r of rows) {
      if (r.kind === 'group' || r.kind === 'task' || r.kind === 'more') continue;
      ids.push(r.id);
      if (r.sub) ids.push(r.sub);
      if (r.cpu) ids.push(r.cpu);
      if (r.regions) ids.push(r.regions);
    }
    if (!ids.length) return; // no rows laid out yet
    const seq = ++this.reqSeq;
    const change = this.changeSeq;
    const t0 = Math.round(this.t0), t1 = Math.max(Math.round(this.t1), t0 + 1);
    const width = Math.round(this.width);
    const started = performance.now();
    try {
      {
        const d = await getJSON(`/api/timeline?start=${t0}&end=${t1}&width=${width}&tracks=${encodeURIComponent(ids.join(','))}`);
        if (seq !== this.reqSeq) return;
        for (const [k, v] of Object.entries(d.tracks)) this.data.set(k, v);
        Object.assign(this.names, d.names);
        Object.assign(this.regionNames, d.regionNames);
        Object.assign(this.stwKinds, d.stwKinds);
        Object.assign(this.logs, d.logs);
        Object.assign(this.regionTasks, d.regionTasks);
      }
      if (this.showFlows) {
        const fl = ids.filter(x => x.startsWith('g:'));
        const q = this.app.view === 'goroutine' ? `&tracks=${encodeURIComponent(fl.join(','))}` : '';
        const f = await getJSON(`/api/flows?view=${this.app.view}&start=${t0}&end=${t1}${q}`);
        if (seq !== this.reqSeq) return;
        this.flows = f.flows;
        this.flowsTruncated = f.truncated;
        this.flowsSeq = seq;
      } else {
        this.flows = [];
      }
      this.lastFetchMs = performance.now() - started;
      this.fetched = seq;
      this.doneChange = change;
      this.retries = 0;
      this.draw();
      this.app.onData?.();
    } catch (e) {
      this.app.status('error: ' + e.message);
      // A request that failed (server busy, connection dropped) is tried again a few times,
      // unless a newer one has replaced it.
      this.retries = (this.retries || 0) + 1;
      if (seq === this.reqSeq && this.retries <= 5) {
        clearTimeout(this.fetchTimer);
        this.fetchTimer = setTimeout(() => this.fetch(), 250 * this.retries);
      }
    }
  }

  /** True when the data drawn is the data for the latest window and rows. */
  idle() { return this.doneChange === this.changeSeq; }

  // ---- drawing --------------------------------------------------------------

  draw() {
    const c = this.ctx;
    if (!this.cssW) return;
    c.clearRect(0, 0, this.cssW, this.cssH);
    c.fillStyle = '#fff';
    c.fillRect(0, 0, this.cssW, this.cssH);
    c.save();
    c.beginPath();
    c.rect(0, RULER, this.cssW, this.cssH - RULER);
    c.clip();
    for (const r of this.visibleRows()) this.drawRow(r, RULER + r.y - this.scrollY);
    if (this.showFlows) this.drawFlows();
    c.restore();
    this.drawSelection();
    this.drawRuler();
    this.drawn++;
  }

  drawRow(r, y) {
    const c = this.ctx;
    if (r.stripe) { c.fillStyle = '#fafafb'; c.fillRect(0, y, this.cssW, r.h); }
    c.strokeStyle = '#eee';
    c.beginPath(); c.moveTo(0, y + r.h - 0.5); c.lineTo(this.cssW, y + r.h - 0.5); c.stroke();
    c.save();
    c.beginPath();
    c.rect(LABEL_W, y, this.width, r.h);
    c.clip();
    switch (r.kind) {
      case 'counter': this.drawCounter(r, y); break;
      case 'lane': r.shape === 'instants' ? this.drawInstants(r.id, y + 2, r.h - 4, '#6a1b9a') : this.drawSpans(r, r.id, y + 1, r.h - 2); break;
      case 'proc':
        this.drawSpans(r, r.id, y + 2, 18);
        this.drawSpans(r, r.sub, y + 21, 7);
        if (r.cpu) this.drawInstants(r.cpu, y + r.h - 3, 3, '#000');
        break;
      case 'thread': this.drawSpans(r, r.id, y + 2, r.h - 4); break;
      case 'g':
        this.drawSpans(r, r.id, y + 3, r.h - 5);
        if (r.regions) this.drawSpans(r, r.regions, y, 3);
        break;
      case 'task': this.drawTask(r, y); break;
    }
    c.restore();
    this.drawLabel(r, y);
  }

  drawLabel(r, y) {
    const c = this.ctx;
    c.fillStyle = r.kind === 'group' ? '#f0f0f4' : '#fff';
    c.fillRect(0, y, LABEL_W, r.h - 1);
    c.fillStyle = r.focus ? '#2962ff' : r.kind === 'group' || r.kind === 'more' ? '#333' : '#555';
    c.font = (r.kind === 'group' ? '600 ' : '') + '11px system-ui, sans-serif';
    c.textBaseline = 'middle';
    let label = r.label;
    if (r.kind === 'group') label = (r.open ? '▾ ' : '▸ ') + label + ` (${r.count})`;
    const indent = r.kind === 'g' && r.indent ? 12 : 4;
    c.fillText(fit(c, label, LABEL_W - indent - 4), indent, y + Math.min(r.h / 2, 10));
    c.strokeStyle = '#ddd';
    c.beginPath(); c.moveTo(LABEL_W - 0.5, y); c.lineTo(LABEL_W - 0.5, y + r.h); c.stroke();
  }

  drawSpans(r, id, y, h) {
    const d = this.data.get(id);
    if (!d) return;
    const c = this.ctx;
    const v = d.v;
    const isWork = id.startsWith('w:'), isG = id.startsWith('g:'), isRegion = id.startsWith('r:');
    const lane = id === 'gc' ? '#5c6bc0' : id === 'stw' ? '#c62828' : null;
    c.font = '10px system-ui, sans-serif';
    c.textBaseline = 'middle';
    for (let k = 0; k + 3 < v.length; k += 4) {
      const s = v[k], e = v[k + 1], a = v[k + 2], b = v[k + 3];
      const x0 = this.X(s), x1 = Math.max(this.X(e), x0 + 1);
      if (x1 < LABEL_W || x0 > this.cssW) continue;
      if (a < 0) {
        const busy = Math.min(1, b / Math.max(1, e - s));
        c.fillStyle = `rgba(90,90,110,${0.2 + 0.7 * busy})`;
        c.fillRect(x0, y, x1 - x0, h);
        continue;
      }
      if (isG && b < s) {
        // Runnable: waiting for a proc.
        const rx = this.X(b);
        c.fillStyle = 'rgba(251,140,0,.35)';
        c.fillRect(rx, y + h / 3, x0 - rx, h / 3);
      }
      let color, text = '';
      if (isWork) { color = WORK_COLORS[a & 3]; text = WORK_NAMES[a & 3]; }
      else if (lane) { color = lane; text = id === 'stw' ? (this.stwKinds[a] || 'STW') : 'GC'; }
      else if (isRegion) { color = '#00897b'; text = this.regionNames[a] || ''; }
      else if (isG) { color = gcolor(r.g); }
      else { color = gcolor(b); text = this.names[b] || ''; }
      if (this.selected && this.selected.slice === a && !isWork && !lane && !isRegion) {
        c.fillStyle = '#000';
        c.fillRect(x0 - 1, y - 1, x1 - x0 + 2, h + 2);
      }
      c.fillStyle = color;
      c.fillRect(x0, y, x1 - x0, h);
      if (x1 - x0 > 40 && text && h >= 9) {
        c.fillStyle = '#000';
        c.fillText(fit(c, text, x1 - x0 - 4), Math.max(x0, LABEL_W) + 2, y + h / 2);
      }
    }
  }

  drawInstants(id, y, h, color) {
    const d = this.data.get(id);
    if (!d) return;
    const c = this.ctx;
    c.fillStyle = color;
    const v = d.v;
    for (let k = 0; k + 1 < v.length; k += 2) {
      const x = this.X(v[k]);
      const n = v[k + 1] < 0 ? -v[k + 1] : 1;
      c.globalAlpha = Math.min(1, 0.35 + 0.15 * Math.log2(1 + n));
      c.fillRect(x, y, Math.max(1, Math.min(3, this.width / 2000 + 1)), h);
    }
    c.globalAlpha = 1;
  }

  drawCounter(r, y) {
    const d = this.data.get(r.id);
    if (!d || d.v.length === 0) return;
    const c = this.ctx;
    const v = d.v, st = d.stride, n = st - 1;
    const stacked = r.id === 'c:goroutines';
    let max = 1;
    for (let k = 0; k < v.length; k += st) {
      let s = 0;
      for (let j = 1; j <= n; j++) { if (stacked) s += v[k + j]; else s = Math.max(s, v[k + j]); }
      max = Math.max(max, s);
    }
    r.max = max;
    const colors = SERIES_COLORS[r.id] || ['#888'];
    const H = r.h - 4, base = y + r.h - 2;
    for (let k = 0; k < v.length; k += st) {
      const x0 = Math.max(LABEL_W, this.X(v[k]));
      const x1 = k + st < v.length ? this.X(v[k + st]) : this.cssW;
      if (x1 < LABEL_W) continue;
      let acc = 0;
      for (let j = 1; j <= n; j++) {
        const val = v[k + j];
        if (r.id === 'c:heap' && j === 2) {
          // Heap goal: a line.
          c.fillStyle = colors[1];
          c.fillRect(x0, base - val / max * H, Math.max(1, x1 - x0), 1.2);
          continue;
        }
        const hgt = val / max * H;
        c.fillStyle = colors[j - 1] || '#888';
        c.fillRect(x0, base - (stacked ? acc : 0) - hgt, Math.max(1, x1 - x0), hgt);
        if (stacked) acc += hgt;
      }
    }
    c.fillStyle = '#777';
    c.font = '10px system-ui, sans-serif';
    c.fillText(r.id === 'c:heap' ? bytes(max) : String(max), LABEL_W + 4, y + 8);
  }

  drawTask(r, y) {
    const c = this.ctx;
    const x0 = this.X(r.task.start), x1 = Math.max(this.X(r.task.end), x0 + 1);
    c.fillStyle = r.task.complete ? '#7e57c2' : '#b39ddb';
    c.fillRect(x0, y + 2, x1 - x0, r.h - 4);
    c.fillStyle = '#fff';
    c.font = '10px system-ui, sans-serif';
    if (x1 - x0 > 40) c.fillText(fit(c, `${r.task.name} ${dur(r.task.end - r.task.start)}`, x1 - x0 - 4), Math.max(x0, LABEL_W) + 2, y + r.h / 2);
  }

  rowMid(id) {
    const r = this.byTrack.get(id);
    if (!r) return null;
    return RULER + r.y - this.scrollY + (r.kind === 'proc' ? 11 : r.h / 2);
  }

  drawFlows() {
    const c = this.ctx;
    c.lineWidth = 1;
    for (const f of this.flows) {
      const [ft, from, tt, to, kind] = f;
      const y0 = this.rowMid(from), y1 = this.rowMid(to);
      if (y0 === null || y1 === null) continue;
      const x0 = this.X(ft), x1 = this.X(tt);
      c.strokeStyle = FLOW_COLORS[kind] || '#1565c0';
      c.fillStyle = c.strokeStyle;
      c.beginPath();
      c.moveTo(x0, y0);
      c.lineTo(x1, y1);
      c.stroke();
      const ang = Math.atan2(y1 - y0, x1 - x0);
      c.beginPath();
      c.moveTo(x1, y1);
      c.lineTo(x1 - 6 * Math.cos(ang - 0.4), y1 - 6 * Math.sin(ang - 0.4));
      c.lineTo(x1 - 6 * Math.cos(ang + 0.4), y1 - 6 * Math.sin(ang + 0.4));
      c.fill();
    }
  }

  drawSelection() {
    const c = this.ctx;
    const sel = this.dragSel || this.selection;
    if (!sel) return;
    const x0 = Math.max(LABEL_W, this.X(Math.min(sel.t0, sel.t1))), x1 = Math.min(this.cssW, this.X(Math.max(sel.t0, sel.t1)));
    if (x1 <= x0) return;
    c.fillStyle = 'rgba(41,98,255,.12)';
    c.fillRect(x0, RULER, x1 - x0, this.cssH - RULER);
    c.strokeStyle = 'rgba(41,98,255,.7)';
    c.strokeRect(x0 + 0.5, RULER, x1 - x0 - 1, this.cssH - RULER);
    c.fillStyle = '#2962ff';
    c.font = '11px system-ui, sans-serif';
    c.fillText(dur(Math.abs(sel.t1 - sel.t0)), x0 + 4, RULER + 12);
  }

  drawRuler() {
    const c = this.ctx;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, this.cssW, RULER);
    c.strokeStyle = '#ccc';
    c.beginPath(); c.moveTo(0, RULER - 0.5); c.lineTo(this.cssW, RULER - 0.5); c.stroke();
    const span = this.t1 - this.t0;
    const target = span / this.width * 90;
    let step = Math.pow(10, Math.floor(Math.log10(Math.max(1, target))));
    for (const m of [1, 2, 5, 10]) { if (step * m >= target) { step *= m; break; } }
    c.fillStyle = '#444';
    c.font = '10px system-ui, sans-serif';
    c.textBaseline = 'middle';
    const first = Math.ceil(this.t0 / step) * step;
    for (let t = first; t <= this.t1; t += step) {
      const x = this.X(t);
      c.fillRect(x, RULER - 7, 1, 7);
      c.fillText(tick(t, step), x + 3, 9);
    }
    c.fillStyle = '#777';
    c.fillText(`${dur(Math.round(span))} window`, 4, 9);
  }

  // ---- hit testing and mouse -------------------------------------------------

  rowAt(y) {
    const cy = y - RULER + this.scrollY;
    return this.rows.find(r => cy >= r.y && cy < r.y + r.h) || null;
  }

  /** The span or instant under (x, y), if any. */
  hit(x, y) {
    const r = this.rowAt(y);
    if (!r) return null;
    if (x < LABEL_W) return { row: r, label: true };
    const t = this.T(x), tol = (this.t1 - this.t0) / this.width * 2;
    const ry = y - RULER + this.scrollY - r.y;
    let id = r.id;
    if (r.kind === 'proc' && ry > 20) id = r.sub;
    if (r.kind === 'g' && r.regions && ry < 3) id = r.regions;
    if (r.kind === 'task') return { row: r, task: r.task };
    const d = this.data.get(id);
    if (!d) return { row: r };
    const v = d.v;
    if (d.shape === 'spans') {
      let best = null;
      for (let k = 0; k + 3 < v.length; k += 4) {
        if (t >= v[k] - tol && t <= v[k + 1] + tol) {
          const dist = t < v[k] ? v[k] - t : t > v[k + 1] ? t - v[k + 1] : 0;
          if (!best || dist < best.dist) best = { dist, s: v[k], e: v[k + 1], a: v[k + 2], b: v[k + 3] };
        }
      }
      if (best) return { row: r, track: id, ...best };
    } else if (d.shape === 'instants') {
      for (let k = 0; k + 1 < v.length; k += 2) if (Math.abs(v[k] - t) <= tol) return { row: r, track: id, instant: v[k], label: v[k + 1] };
    }
    return { row: r };
  }

  /** Screen position (canvas CSS pixels) of the middle of a drawn single span on a row. */
  spanPosition(trackId, pred) {
    const d = this.data.get(trackId), r = this.byTrack.get(trackId);
    if (!d || !r) return null;
    const v = d.v;
    for (let k = 0; k + 3 < v.length; k += 4) {
      if (v[k + 2] < 0) continue;
      const x0 = Math.max(LABEL_W, this.X(v[k])), x1 = Math.min(this.cssW, this.X(v[k + 1]));
      if (x1 - x0 < 4) continue;
      const span = { s: v[k], e: v[k + 1], a: v[k + 2], b: v[k + 3] };
      if (pred && !pred(span)) continue;
      const y = RULER + r.y - this.scrollY + (r.kind === 'proc' ? (trackId === r.sub ? 24 : 11) : r.h / 2);
      if (y < RULER || y > this.cssH) return null;
      return { x: (x0 + x1) / 2, y, ...span };
    }
    return null;
  }

  installMouse() {
    const cv = this.canvas;
    let drag = null;
    cv.addEventListener('mousedown', e => {
      cv.focus();
      const p = pos(cv, e);
      drag = { x: p.x, y: p.y, t0: this.t0, t1: this.t1, scrollY: this.scrollY, moved: false, sel: e.shiftKey && p.x > LABEL_W };
      if (drag.sel) this.dragSel = { t0: this.T(p.x), t1: this.T(p.x) };
    });
    window.addEventListener('mousemove', e => {
      if (!drag) return;
      const p = pos(cv, e);
      if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 3) drag.moved = true;
      if (drag.sel) {
        this.dragSel.t1 = this.T(p.x);
        this.draw();
        return;
      }
      const dt = (p.x - drag.x) / this.width * (drag.t1 - drag.t0);
      this.setWindow(drag.t0 - dt, drag.t1 - dt, true);
      this.scrollY = drag.scrollY - (p.y - drag.y);
      this.clampScroll();
      this.changed();
    });
    window.addEventListener('mouseup', e => {
      if (!drag) return;
      const d = drag;
      drag = null;
      if (d.sel) {
        const s = this.dragSel;
        this.dragSel = null;
        if (d.moved && Math.abs(s.t1 - s.t0) > 0) this.app.select(Math.min(s.t0, s.t1), Math.max(s.t0, s.t1));
        this.draw();
        return;
      }
      if (!d.moved) {
        const p = pos(cv, e);
        this.app.clicked(this.hit(p.x, p.y));
      }
    });
    cv.addEventListener('wheel', e => {
      e.preventDefault();
      const p = pos(cv, e);
      if (e.shiftKey || p.x < LABEL_W) { this.scrollBy(e.deltaY); return; }
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) { this.pan(e.deltaX / this.width); return; }
      this.zoom(Math.pow(1.0015, e.deltaY), p.x);
    }, { passive: false });
    cv.addEventListener('mousemove', e => {
      if (drag) return;
      const p = pos(cv, e);
      const h = this.hit(p.x, p.y);
      cv.title = h ? this.tooltip(h) : '';
      cv.style.cursor = h && (h.s !== undefined || h.label || h.task) ? 'pointer' : 'default';
    });
  }

  tooltip(h) {
    if (h.label === true) return h.row.label;
    if (h.task) return `${h.task.name}: ${dur(h.task.end - h.task.start)}`;
    if (h.instant !== undefined && h.track === 'logs' && h.label >= 0) return `log: ${this.logs[h.label]?.text || ''}\nat ${dur(h.instant)}`;
    if (h.instant !== undefined) return `${h.row.label} at ${dur(h.instant)}${h.label < 0 ? ` (${-h.label} events)` : ''}`;
    if (h.s === undefined) return '';
    if (h.a < 0) return `${-h.a} slices, ${dur(h.b)} busy, ${dur(h.s)}–${dur(h.e)}`;
    let what;
    if (h.track.startsWith('w:')) what = `${WORK_NAMES[h.a & 3]} (${this.names[h.b] || ''})`;
    else if (h.track === 'stw') what = this.stwKinds[h.a] || 'STW';
    else if (h.track === 'gc') what = 'GC concurrent mark phase';
    else if (h.track.startsWith('r:')) what = `region ${this.regionNames[h.a] || ''}`;
    else if (h.track.startsWith('g:')) what = h.row.label;
    else what = this.names[h.b] || '';
    return `${what}\n${dur(h.e - h.s)} at ${dur(h.s)}`;
  }
}

function pos(cv, e) {
  const r = cv.getBoundingClientRect();
  return { x: e.clientX - r.left, y: e.clientY - r.top };
}

function fit(c, s, w) {
  if (w <= 0) return '';
  if (c.measureText(s).width <= w) return s;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (c.measureText(s.slice(0, m) + '…').width <= w) lo = m; else hi = m - 1;
  }
  return lo > 0 ? s.slice(0, lo) + '…' : '';
}

export { LABEL_W, RULER, WORK_NAMES };
