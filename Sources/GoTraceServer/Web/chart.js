// A small line chart on a canvas: log-scale x (durations), linear y in [0, 1]. No library, so
// it works offline (go tool trace's MMU page loads its charts from a CDN).
import { dur } from './format.js';

export class LogChart {
  constructor(canvas, onPick) {
    this.canvas = canvas;
    this.onPick = onPick;
    this.series = [];
    canvas.addEventListener('click', e => {
      const r = canvas.getBoundingClientRect();
      const x = this.xval(e.clientX - r.left);
      if (x && this.onPick) this.onPick(Math.round(x));
    });
    canvas.addEventListener('mousemove', e => {
      const r = canvas.getBoundingClientRect();
      this.hover = e.clientX - r.left;
      this.draw();
    });
  }

  /** series: [{name, color, points: [[x, y], ...], dash?}] */
  set(series, xMin, xMax) {
    this.series = series;
    this.xMin = Math.max(1, xMin);
    this.xMax = Math.max(this.xMin * 10, xMax);
    this.draw();
  }

  get pad() { return { l: 46, r: 12, t: 10, b: 28 }; }
  xpix(x) {
    const p = this.pad, W = this.w - p.l - p.r;
    return p.l + (Math.log(x) - Math.log(this.xMin)) / (Math.log(this.xMax) - Math.log(this.xMin)) * W;
  }
  ypix(y) { const p = this.pad; return p.t + (1 - y) * (this.h - p.t - p.b); }
  xval(px) {
    const p = this.pad, W = this.w - p.l - p.r;
    if (px < p.l || px > this.w - p.r) return null;
    return Math.exp(Math.log(this.xMin) + (px - p.l) / W * (Math.log(this.xMax) - Math.log(this.xMin)));
  }

  draw() {
    const cv = this.canvas, dpr = window.devicePixelRatio || 1;
    this.w = cv.clientWidth; this.h = cv.clientHeight;
    cv.width = this.w * dpr; cv.height = this.h * dpr;
    const c = cv.getContext('2d');
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.fillStyle = '#fff'; c.fillRect(0, 0, this.w, this.h);
    if (!this.series.length) return;
    const p = this.pad;
    c.strokeStyle = '#e6e6e6'; c.fillStyle = '#555'; c.font = '10px system-ui, sans-serif';
    for (let y = 0; y <= 1.0001; y += 0.2) {
      const py = this.ypix(y);
      c.beginPath(); c.moveTo(p.l, py); c.lineTo(this.w - p.r, py); c.stroke();
      c.fillText(y.toFixed(1), 8, py + 3);
    }
    for (let d = Math.pow(10, Math.ceil(Math.log10(this.xMin))); d <= this.xMax; d *= 10) {
      const px = this.xpix(d);
      c.beginPath(); c.moveTo(px, p.t); c.lineTo(px, this.h - p.b); c.stroke();
      c.fillText(dur(d), px - 10, this.h - 10);
    }
    for (const s of this.series) {
      c.strokeStyle = s.color; c.lineWidth = s.width || 1.6;
      c.setLineDash(s.dash || []);
      c.beginPath();
      s.points.forEach(([x, y], i) => { const px = this.xpix(x), py = this.ypix(y); i ? c.lineTo(px, py) : c.moveTo(px, py); });
      c.stroke();
    }
    c.setLineDash([]);
    if (this.hover && this.hover > p.l && this.hover < this.w - p.r) {
      const x = this.xval(this.hover);
      c.strokeStyle = '#999'; c.beginPath(); c.moveTo(this.hover, p.t); c.lineTo(this.hover, this.h - p.b); c.stroke();
      c.fillStyle = '#000';
      let ty = p.t + 12;
      c.fillText(`window ${dur(Math.round(x))}`, this.hover + 6, ty);
      for (const s of this.series) {
        const pt = s.points.reduce((best, q) => Math.abs(Math.log(q[0] / x)) < Math.abs(Math.log(best[0] / x)) ? q : best, s.points[0]);
        ty += 12;
        c.fillStyle = s.color;
        c.fillText(`${s.name}: ${(pt[1] * 100).toFixed(2)}%`, this.hover + 6, ty);
      }
    }
  }
}
