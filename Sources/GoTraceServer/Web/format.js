// Formatting helpers shared by the pages.

/** A duration in ns as go users read it: 0, 850ns, 12.5µs, 3.25ms, 1.5s. */
export function dur(ns) {
  if (ns === 0) return '0';
  const a = Math.abs(ns);
  const sign = ns < 0 ? '-' : '';
  if (a < 1e3) return sign + a + 'ns';
  if (a < 1e6) return sign + trim(a / 1e3) + 'µs';
  if (a < 1e9) return sign + trim(a / 1e6) + 'ms';
  return sign + trim(a / 1e9) + 's';
}

function trim(x) {
  return (x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3)).replace(/\.?0+$/, '');
}

/** A time offset from the trace start for the ruler, at a precision fit for the tick step. */
export function tick(ns, step) {
  if (step >= 1e9) return (ns / 1e9).toFixed(0) + 's';
  if (step >= 1e8) return (ns / 1e9).toFixed(1) + 's';
  if (step >= 1e6) return (ns / 1e6).toFixed(step >= 1e7 ? 0 : 0) + 'ms';
  if (step >= 1e5) return (ns / 1e6).toFixed(1) + 'ms';
  if (step >= 1e3) return (ns / 1e3).toFixed(step >= 1e4 ? 0 : 0) + 'µs';
  if (step >= 1e2) return (ns / 1e3).toFixed(1) + 'µs';
  return ns + 'ns';
}

export function bytes(b) {
  if (b < 1024) return b + ' B';
  if (b < 1 << 20) return (b / 1024).toFixed(1) + ' KiB';
  if (b < 1 << 30) return (b / 1048576).toFixed(1) + ' MiB';
  return (b / 1073741824).toFixed(2) + ' GiB';
}

export function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** A stable colour per goroutine (dense index). */
export function gcolor(g) {
  const h = ((g * 2654435761) >>> 0) % 360;
  return `hsl(${h},62%,58%)`;
}

export async function getJSON(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}
