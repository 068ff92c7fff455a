// An interactive flame graph (root on top): click a frame to zoom into it, click the root to
// zoom out, search to highlight, hover for totals. Drawn as positioned divs, only those at
// least a pixel wide.
import { esc } from './format.js';

export class FlameGraph {
  /** nodes: [name, parent, value, count] with parents before children; fmt formats a value. */
  constructor(el, nodes, fmt, onZoom) {
    this.el = el;
    this.fmt = fmt;
    this.onZoom = onZoom;
    this.names = nodes.map(n => n[0]);
    this.parent = nodes.map(n => n[1]);
    this.value = nodes.map(n => n[2]);
    this.count = nodes.map(n => n[3]);
    this.kids = nodes.map(() => []);
    this.depth = nodes.map(() => 0);
    for (let i = 1; i < nodes.length; i++) {
      const p = this.parent[i];
      if (p >= 0) { this.kids[p].push(i); this.depth[i] = this.depth[p] + 1; }
    }
    for (const k of this.kids) k.sort((a, b) => this.names[a] < this.names[b] ? -1 : this.names[a] > this.names[b] ? 1 : 0);
    this.focus = 0;
    this.query = '';
    el.addEventListener('click', e => {
      const d = e.target.closest('div[data-node]');
      if (d) this.zoom(Number(d.dataset.node));
    });
  }

  zoom(i) {
    this.focus = i;
    this.render();
    this.onZoom?.(i);
  }

  search(q) {
    this.query = q;
    this.render();
  }

  /** Total value of the frames matching the search, counted once per path. */
  matched() {
    if (!this.query) return 0;
    let total = 0;
    const walk = (i) => {
      if (this.names[i].includes(this.query)) { total += this.value[i]; return; }
      for (const k of this.kids[i]) walk(k);
    };
    walk(0);
    return total;
  }

  render() {
    const W = this.el.clientWidth || 1000;
    const root = this.focus;
    const total = Math.max(1, this.value[root]);
    const base = this.depth[root];
    const out = [];
    let maxDepth = 0;
    // Ancestors of the focus, full width, so one can zoom back out.
    for (let a = this.parent[root], d = base - 1; a >= 0; a = this.parent[a], d--) {
      out.push(this.box(a, 0, W, base - d - 1, total, true));
    }
    const ancestors = out.length;
    const place = (i, x, w, depth) => {
      if (w < 1) return;
      maxDepth = Math.max(maxDepth, depth);
      out.push(this.box(i, x, w, depth + ancestors, total, false));
      let cx = x;
      for (const k of this.kids[i]) {
        const kw = w * this.value[k] / Math.max(1, this.value[i]);
        place(k, cx, kw, depth + 1);
        cx += kw;
      }
    };
    place(root, 0, W, 0);
    this.el.style.height = ((maxDepth + ancestors + 1) * 16 + 2) + 'px';
    this.el.innerHTML = out.join('');
  }

  box(i, x, w, row, total, ancestor) {
    const name = this.names[i];
    const pct = (100 * this.value[i] / Math.max(1, this.value[0])).toFixed(2);
    const hue = this.hash(name) % 60 + 10;
    const cls = this.query ? (name.includes(this.query) ? 'match' : 'dim') : '';
    const title = `${name}\n${this.fmt(this.value[i])} (${pct}% of all), ${this.count[i]} samples`;
    return `<div data-node="${i}" class="${cls}" style="left:${x.toFixed(1)}px;top:${row * 16}px;width:${w.toFixed(1)}px;` +
      `background:hsl(${hue},${ancestor ? 20 : 85}%,${ancestor ? 85 : 62}%)" title="${esc(title)}">${w > 30 ? esc(name) : ''}</div>`;
  }

  hash(s) {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
    return h;
  }
}
