// The details panel: one slice, a goroutine, runtime work, or a selected time range.
import { dur, esc, getJSON } from './format.js';

function stackHTML(frames) {
  if (!frames || frames.length === 0) return '<p class="hint">no stack</p>';
  return '<ol class="stack">' + frames.map(f =>
    `<li>${esc(f.func)}<span class="file">${esc(f.file)}:${f.line}</span></li>`).join('') + '</ol>';
}

function sliceLink(s, text) {
  return `<a data-slice="${s.slice}" title="${esc(s.name)} at ${dur(s.start)}">${esc(text || s.name)}</a>`;
}

export class Details {
  constructor(el, app) {
    this.el = el;
    this.app = app;
    el.addEventListener('click', e => {
      const a = e.target.closest('a');
      if (!a) return;
      if (a.dataset.slice) this.app.goToSlice(Number(a.dataset.slice));
      else if (a.dataset.focus) this.app.focusGoroutine(Number(a.dataset.focus));
      else if (a.dataset.task) this.app.focusTask(Number(a.dataset.task));
      else if (a.dataset.time) this.app.timeline.centerOn(Number(a.dataset.time));
    });
  }

  clear(msg) { this.el.innerHTML = `<p class="hint">${esc(msg || 'Click a slice for its details. Shift-drag selects a time range.')}</p>`; }

  async showSlice(i) {
    const d = await getJSON(`/api/slice?i=${i}`);
    this.current = d;
    const wake = d.wake;
    let html = `<h3 id="detail-title">${esc(d.title)}</h3>
      <table id="detail-table">
      <tr><td>Start</td><td id="detail-start" data-ns="${d.start}"><a data-time="${d.start}">${dur(d.start)}</a></td></tr>
      <tr><td>Wall duration</td><td id="detail-duration" data-ns="${d.duration}">${dur(d.duration)}</td></tr>
      <tr><td>Proc</td><td>${d.proc >= 0 ? d.proc : '—'}</td></tr>
      <tr><td>Thread</td><td>${d.thread >= 0 ? d.thread : '—'}</td></tr>
      <tr><td>Ended</td><td id="detail-end">${esc(d.endKind)}${d.endReason ? ' (' + esc(d.endReason) + ')' : ''}</td></tr>
      <tr><td>Slice</td><td>${d.index + 1} of ${d.count} of this goroutine
        ${d.prev ? sliceLink(d.prev, '← previous') : ''} ${d.next ? sliceLink(d.next, 'next →') : ''}</td></tr>
      <tr><td>Goroutine</td><td><a data-focus="${d.goid}" id="detail-focus">focus G${d.goid} and related</a></td></tr>
      </table>`;
    html += '<h4>Incoming flow</h4>';
    if (wake) {
      html += `<table id="detail-wake"><tr><td>How</td><td>${esc(wake.kind)}</td></tr>
        <tr><td>When</td><td><a data-time="${wake.time}">${dur(wake.time)}</a>, ${dur(wake.latency)} before it ran</td></tr>`;
      if (wake.name) html += `<tr><td>By</td><td>${wake.slice ? sliceLink(wake.slice, wake.name) : esc(wake.name)}</td></tr>`;
      if (wake.proc >= 0) html += `<tr><td>On proc</td><td>${wake.proc}</td></tr>`;
      html += '</table>' + stackHTML(wake.stack);
    } else {
      html += '<p class="hint">none in the trace (running or runnable at its start)</p>';
    }
    html += `<h4>Outgoing flow</h4>`;
    html += d.woke.length ? '<ul id="detail-woke">' + d.woke.map(s => `<li>${sliceLink(s)} at ${dur(s.ready)}</li>`).join('') + '</ul>'
      : '<p class="hint">it made no goroutine runnable</p>';
    html += `<h4>Start stack</h4><div id="detail-start-stack">${stackHTML(d.startStack)}</div>`;
    html += `<h4>End stack</h4><div id="detail-end-stack">${stackHTML(d.endStack)}</div>`;
    this.el.innerHTML = html;
    return d;
  }

  showWork(kind, gname, start, end, task) {
    this.el.innerHTML = `<h3>${esc(kind)}</h3><table>
      <tr><td>Start</td><td><a data-time="${start}">${dur(start)}</a></td></tr>
      <tr><td>Wall duration</td><td>${dur(end - start)}</td></tr>
      ${gname ? `<tr><td>Goroutine</td><td>${esc(gname)}</td></tr>` : ''}
      ${task ? `<tr><td>Task</td><td><a data-task="${task}">focus task ${task}</a></td></tr>` : ''}</table>`;
  }

  showLog(l, t) {
    this.el.innerHTML = `<h3>User log</h3><table>
      <tr><td>Message</td><td id="detail-log">${esc(l.text || '')}</td></tr>
      <tr><td>At</td><td><a data-time="${t}">${dur(t)}</a></td></tr>
      ${l.goid >= 0 ? `<tr><td>Goroutine</td><td><a data-focus="${l.goid}">G${l.goid}</a></td></tr>` : ''}
      ${l.task ? `<tr><td>Task</td><td><a data-task="${l.task}">focus task ${l.task}</a></td></tr>` : ''}</table>`;
  }

  showMerged(count, busy, start, end) {
    this.el.innerHTML = `<h3>${count} slices</h3><table>
      <tr><td>From</td><td>${dur(start)}</td></tr><tr><td>To</td><td>${dur(end)}</td></tr>
      <tr><td>Busy</td><td>${dur(busy)} (${(100 * busy / Math.max(1, end - start)).toFixed(1)}%)</td></tr></table>
      <p class="hint">Too narrow to draw one by one at this zoom; click again or press W to zoom in.</p>`;
  }

  async showSelection(start, end) {
    const s = await getJSON(`/api/select?start=${Math.round(start)}&end=${Math.round(end)}`);
    const pct = x => (100 * x / Math.max(1, s.duration * Math.max(1, s.procs))).toFixed(1) + '%';
    let html = `<h3 id="selection-title">Selection: ${dur(s.duration)}</h3>
      <table id="selection-table">
      <tr><td>From</td><td>${dur(s.start)}</td></tr><tr><td>To</td><td>${dur(s.end)}</td></tr>
      <tr><td>Running</td><td id="sel-running" data-ns="${s.running}">${dur(s.running)} (${pct(s.running)} of ${s.procs} procs)</td></tr>
      <tr><td>Runnable</td><td>${dur(s.runnable)} (waiting for a proc)</td></tr>
      <tr><td>GC</td><td>${dur(s.gc)} marking, ${dur(s.stw)} stopped</td></tr>`;
    for (const [k, v] of Object.entries(s.work)) if (v) html += `<tr><td>${esc(k)}</td><td>${dur(v)}</td></tr>`;
    html += `<tr><td>Slices</td><td>${s.slices}, ${s.goroutineCount} goroutines${s.approximate ? ' (partial: too many to count)' : ''}</td></tr></table>
      <h4>Goroutines by running time</h4><table id="selection-goroutines">` +
      s.goroutines.map(g => `<tr><td class="num">${dur(g.running)}</td><td><a data-focus="${g.goid}">${esc(g.name)}</a></td></tr>`).join('') +
      '</table>';
    this.el.innerHTML = html;
    return s;
  }
}
