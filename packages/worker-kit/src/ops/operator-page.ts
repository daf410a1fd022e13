/**
 * `operatorPage()`: the worker's operator page, one HTML file, one stylesheet and one small
 * vanilla script (no framework, no external resource), served by the HTTP handler at `/`,
 * `/operator.css` and `/operator.js` under a strict content security policy (no inline script
 * or style). Everything the page shows comes from the handler's JSON routes and is written into
 * the DOM with `textContent` only: the data is treated as hostile.
 *
 * @packageDocumentation
 */
import { workerConfigInvalid } from '../core/errors';

/**
 * Options of {@link operatorPage}.
 *
 * @example
 * ```ts
 * const options: OperatorPageOptions = { title: 'Raffle worker (mainnet)' };
 * ```
 */
export interface OperatorPageOptions {
    /** The page's title and heading (default `Raffle worker`; 1 to 120 characters). */
    readonly title?: string;
}

/**
 * The operator page's three files, given to the HTTP handler's `operatorPage` option.
 *
 * @example
 * ```ts
 * const { html, script, css }: OperatorPage = operatorPage();
 * ```
 */
export interface OperatorPage {
    /** The HTML served at `GET /`; it links `/operator.css` and `/operator.js`. */
    readonly html: string;
    /** The script served at `GET /operator.js`. */
    readonly script: string;
    /** The stylesheet served at `GET /operator.css`. */
    readonly css: string;
}

const CSS = `:root { color-scheme: light dark; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; justify-content: space-between; }
h1 { font-size: 1.4rem; margin: 0; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
section { border: 1px solid #8884; border-radius: 6px; padding: .75rem; margin: .75rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt, .note { color: #888; } dd { margin: 0; font-variant-numeric: tabular-nums; } .note { margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #8883; vertical-align: top; }
.mono { font-family: ui-monospace, monospace; word-break: break-all; }
#status-line { margin: 0; } #status-line.error { color: #d33; font-weight: 600; }
#activity { list-style: none; padding: 0; margin: 0; max-height: 20rem; overflow-y: auto; }
#activity li { padding: .2rem 0; border-bottom: 1px solid #8882; } #activity .action { font-weight: 600; margin: 0 .5rem; }
#activity:empty::before { content: 'Nothing yet since this page opened.'; color: #888; }
form, .controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; } .controls { margin-top: .5rem; }
`;

const SCRIPT = `'use strict';
(function () {
  var TOKEN_KEY = 'raffle-operator-token';
  var $ = function (id) { return document.getElementById(id); };
  var spendOn = false;
  var pollFailed = false;
  var soon = null;
  var lastSeq = null;

  function token() { try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; } }
  function show(message, isError) { $('status-line').textContent = message; $('status-line').className = isError ? 'error' : ''; }
  function text(value) {
    if (value === null || value === undefined || value === '') return '\\u2014';
    if (typeof value === 'string') return value.length > 300 ? value.slice(0, 300) + '\\u2026' : value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return text(JSON.stringify(value));
  }
  function short(value) { var s = text(value); return s.length > 12 ? s.slice(0, 4) + '\\u2026' + s.slice(-4) : s; }
  function time(ms) { return typeof ms === 'number' && isFinite(ms) ? new Date(ms).toLocaleString() : text(ms); }
  function deadline(s) { try { return new Date(Number(s) * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'; } catch (e) { return text(s); } }

  async function api(path, options) {
    options = options || {};
    var headers = { accept: 'application/json' };
    if (options.admin) {
      if (!token()) throw new Error('Enter the admin token first.');
      headers.authorization = 'Bearer ' + token();
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    var res = await fetch(path, { method: options.method || 'GET', headers: headers, cache: 'no-store', credentials: 'omit',
      body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    var body = await res.json().catch(function () { return null; });
    if (!res.ok) {
      var problem = body && typeof body.error === 'object' && body.error !== null ? body.error : {};
      var error = new Error(typeof problem.message === 'string' ? problem.message.slice(0, 300) : 'HTTP ' + res.status);
      error.status = res.status;
      error.code = String(problem.code || '');
      throw error;
    }
    return body || {};
  }
  function adminProblem(error) {
    if (!token()) return 'No admin token: enter it above to see this panel.';
    if (error.status === 401) return 'The admin token was refused.';
    if (error.code === 'ADMIN_DISABLED') return 'Admin routes are disabled on this worker.';
    return error.message;
  }

  function el(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }
  function cell(row, value, className) { return row.appendChild(el('td', text(value), className)); }
  // A button in the row's last cell that POSTs an admin action, then refreshes.
  function rowAction(tr, label, path, done) {
    var b = tr.insertCell().appendChild(el('button', label));
    b.type = 'button';
    b.addEventListener('click', function () {
      run(b, async function () { await api(path, { method: 'POST', admin: true }); show(done, false); await refreshAll(); });
    });
  }
  async function adminGet(path, noteId, rowsId) {
    try { var body = await api(path, { admin: true }); $(noteId).textContent = ''; return body; }
    catch (e) { $(noteId).textContent = adminProblem(e); $(rowsId).replaceChildren(); return null; }
  }
  function onClick(id, action) { $(id).addEventListener('click', function () { run($(id), action); }); }
  async function run(control, action) {
    control.disabled = true;
    try { await action(); } catch (e) { show(e.message, true); } finally { control.disabled = false; }
  }
  function fill(tbody, items, render, emptyText) {
    tbody.replaceChildren();
    if (items.length === 0) { cell(tbody.insertRow(), emptyText).colSpan = 9; return; }
    items.forEach(function (item) { render(tbody.insertRow(), item); });
  }
  function list(value, max) { return Array.isArray(value) ? value.slice(0, max) : []; }

  async function refreshStatus() {
    var s = await api('/status');
    var w = s.worker || {};
    var q = w.queue || {};
    var a = s.automations;
    [['role', w.role], ['cursor', w.cursor ? w.cursor.slot : null], ['chain', w.chainSlot], ['lag', w.lagSlots],
     ['pending', q.pending], ['in-flight', q.inFlight], ['dead', q.deadLetters],
     ['automations', a ? (a.paused ? 'paused' : a.running ? 'running' : 'stopped') : 'not configured'],
     ['timers', a ? a.timers : null]].forEach(function (f) { $('f-' + f[0]).textContent = text(f[1]); });
    $('automation-controls').hidden = !a;
    spendOn = s.spend !== null && typeof s.spend === 'object';
    $('spend').hidden = !spendOn;
    if (spendOn) usage(s.spend);
  }

  var rafflesAt = 0;
  // The raffles are read from the chain: at most every 5 s unless forced (activity comes in bursts).
  async function refreshRaffles(force) {
    if (!force && Date.now() - rafflesAt < 5000) return;
    rafflesAt = Date.now();
    var body;
    try { body = await api('/raffles'); } catch (e) { if (e.status === 404) { $('raffles').hidden = true; return; } throw e; }
    $('raffles').hidden = false;
    fill($('raffle-rows'), list(body.raffles, 500), function (tr, r) {
      cell(tr, short(r.address), 'mono').title = text(r.address);
      cell(tr, r.status);
      cell(tr, text(r.ticketsSold) + ' / ' + text(r.maxTickets));
      cell(tr, deadline(r.deadline));
      cell(tr, list(r.nextActions, 20).map(text).join(', ') || 'none');
    }, 'No raffles.');
  }

  async function refreshDeadLetters() {
    var body = await adminGet('/admin/dead-letters?limit=100', 'dead-note', 'dead-rows');
    if (body) fill($('dead-rows'), list(body.deadLetters, 100), function (tr, job) {
      tr.dataset.id = text(job.id);
      cell(tr, job.name);
      cell(tr, job.id, 'mono');
      cell(tr, text(job.attempts) + ' / ' + text(job.maxAttempts));
      cell(tr, job.lastError);
      cell(tr, time(job.updatedAt));
      rowAction(tr, 'Redrive', '/admin/dead-letters/' + encodeURIComponent(String(job.id)) + '/redrive', 'Redrove ' + text(job.id) + '.');
    }, 'No dead letters.');
  }

  function usage(value) {
    var dl = $('spend-usage');
    dl.replaceChildren();
    Object.keys(value || {}).slice(0, 40).forEach(function (key) { dl.append(el('dt', text(key)), el('dd', text(value[key]))); });
  }
  async function refreshSpend() {
    if (!spendOn) return;
    var body = await adminGet('/admin/spend', 'hold-note', 'hold-rows');
    if (!body) return;
    if (body.usage && typeof body.usage === 'object') usage(body.usage);
    fill($('hold-rows'), list(body.holds, 200), function (tr, h) {
      cell(tr, short(h.raffle), 'mono').title = text(h.raffle);
      cell(tr, h.action);
      cell(tr, h.reason);
      cell(tr, h.lamports);
      cell(tr, h.tickets);
      cell(tr, time(h.heldAt));
      rowAction(tr, 'Release', '/admin/spend/holds/' + encodeURIComponent(String(h.id)) + '/release', 'Released hold ' + text(h.id) + '.');
    }, 'No holds.');
  }

  async function refreshAll(force) {
    await refreshStatus();
    await Promise.all([refreshRaffles(force), refreshDeadLetters(), refreshSpend()]);
  }
  function refreshSoon() {
    if (soon !== null) return;
    soon = setTimeout(function () { soon = null; refreshAll().catch(function (e) { show(e.message, true); }); }, 300);
  }

  var ticks = 0;
  async function poll() {
    try {
      if (ticks++ % 5 === 0) await refreshAll(); else await refreshStatus();
      $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
      if (pollFailed) show('Connected again.', false);
      pollFailed = false;
    } catch (e) { pollFailed = true; show(e.message, true); }
    setTimeout(poll, 2000);
  }

  function activity(block) {
    var data = block.split('\\n').filter(function (l) { return l.indexOf('data:') === 0; })
      .map(function (l) { return l.slice(5).replace(/^ /, ''); }).join('\\n');
    if (!data) return;
    var entry = null;
    try { entry = JSON.parse(data); } catch (e) { /* not an entry */ }
    if (typeof entry !== 'object' || entry === null) return;
    if (typeof entry.seq === 'number') lastSeq = entry.seq;
    var li = el('li', '');
    li.append(el('span', time(entry.at)), el('span', text(entry.action), 'action'), el('span', short(entry.subject), 'mono'), el('span', ' by ' + text(entry.actor), 'note'));
    li.title = text(entry.data);
    $('activity').prepend(li);
    while ($('activity').children.length > 50) $('activity').lastElementChild.remove();
    refreshSoon();
  }
  // EventSource hands named events (event: <action>) only to listeners of that exact name, and
  // actions are open-ended, so the stream is read with fetch; it resumes after the last seq seen.
  async function follow() {
    var res = await fetch('/events' + (lastSeq === null ? '' : '?after=' + lastSeq), { headers: { accept: 'text/event-stream' }, cache: 'no-store' });
    if (!res.ok || !res.body) throw new Error('Activity stream: HTTP ' + res.status);
    $('activity-state').textContent = 'live';
    var reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    var buffer = '';
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) return;
      buffer = (buffer + chunk.value).replace(/\\r\\n?/g, '\\n');
      if (buffer.length > 1000000) throw new Error('Activity stream: message too large');
      var blocks = buffer.split('\\n\\n');
      buffer = blocks.pop();
      blocks.forEach(activity);
    }
  }
  function followForever() {
    follow().catch(function (e) { show(e.message, true); }).finally(function () {
      $('activity-state').textContent = 'reconnecting';
      setTimeout(followForever, 3000);
    });
  }

  // The token lives in this tab's sessionStorage only (gone when the tab closes), never in the page.
  function tokenState() { $('token-state').textContent = token() ? 'Token set for this tab.' : 'No token: admin panels are locked.'; }
  function setToken(value) {
    try { if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) { show('sessionStorage is not available.', true); }
    tokenState();
    refreshSoon();
  }
  $('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var value = $('token').value.trim();
    $('token').value = '';
    if (value) setToken(value);
  });
  $('forget-token').addEventListener('click', function () { setToken(''); });
  onClick('pause', async function () {
    await api('/admin/automations/pause', { method: 'POST', admin: true, body: { reason: $('pause-reason').value.trim() || undefined } });
    show('Automations paused.', false);
    await refreshStatus();
  });
  onClick('resume', async function () {
    var body = await api('/admin/automations/resume', { method: 'POST', admin: true });
    show('Automations resumed' + (body.report ? '; swept ' + text(body.report.raffles) + ' raffles.' : '.'), false);
    await refreshAll(true);
  });

  tokenState();
  poll();
  followForever();
})();
`;

function escapeHtml(value: string): string {
    return value.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

function pageHtml(title: string): string {
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="/operator.css">
<script src="/operator.js" defer></script>
</head>
<body>
<header>
  <h1>${title}</h1>
  <span id="updated" class="note">Loading…</span>
</header>
<p id="status-line" role="status" aria-live="polite"></p>
<section id="admin-token">
  <form id="token-form">
    <label for="token">Admin token</label>
    <input id="token" type="password" autocomplete="off" spellcheck="false">
    <button type="submit">Use token</button>
    <button type="button" id="forget-token">Forget</button>
    <span id="token-state" class="note"></span>
  </form>
</section>
<section id="worker">
  <h2>Worker</h2>
  <dl>
    <dt>Role</dt><dd id="f-role">—</dd>
    <dt>Cursor slot</dt><dd id="f-cursor">—</dd>
    <dt>Chain slot</dt><dd id="f-chain">—</dd>
    <dt>Slot lag</dt><dd id="f-lag">—</dd>
    <dt>Jobs pending</dt><dd id="f-pending">—</dd>
    <dt>Jobs in flight</dt><dd id="f-in-flight">—</dd>
    <dt>Dead letters</dt><dd id="f-dead">—</dd>
  </dl>
</section>
<section id="automations">
  <h2>Automations</h2>
  <dl>
    <dt>State</dt><dd id="f-automations">—</dd>
    <dt>Timers</dt><dd id="f-timers">—</dd>
  </dl>
  <div id="automation-controls" class="controls" hidden>
    <input id="pause-reason" placeholder="Pause reason (optional)" maxlength="500">
    <button type="button" id="pause">Pause</button>
    <button type="button" id="resume">Resume</button>
  </div>
</section>
<section id="raffles">
  <h2>Raffles</h2>
  <table>
    <thead><tr><th>Raffle</th><th>Status</th><th>Sold / max</th><th>Deadline</th><th>Next actions</th></tr></thead>
    <tbody id="raffle-rows"></tbody>
  </table>
</section>
<section id="dead-letters">
  <h2>Dead letters</h2>
  <p id="dead-note" class="note"></p>
  <table>
    <thead><tr><th>Name</th><th>Id</th><th>Attempts</th><th>Last error</th><th>Updated</th><th></th></tr></thead>
    <tbody id="dead-rows"></tbody>
  </table>
</section>
<section id="spend" hidden>
  <h2>Spend</h2>
  <dl id="spend-usage"></dl>
  <p id="hold-note" class="note"></p>
  <table>
    <thead><tr><th>Raffle</th><th>Action</th><th>Reason</th><th>Lamports</th><th>Tickets</th><th>Held at</th><th></th></tr></thead>
    <tbody id="hold-rows"></tbody>
  </table>
</section>
<section>
  <h2>Recent activity <span id="activity-state" class="note">connecting</span></h2>
  <ol id="activity"></ol>
</section>
</body>
</html>
`;
}

/**
 * Builds the operator page: worker status (role, cursor and chain slots, lag, queue depths),
 * the automations with Pause / Resume, the raffles, dead letters with Redrive, spend usage and
 * holds with Release, and the recent activity from `GET /events`. Admin panels use a bearer
 * token the operator types in, kept in the tab's `sessionStorage` only.
 *
 * @param options - the page's title
 * @returns the HTML, the script and the stylesheet, for the HTTP handler's `operatorPage` option
 * @throws `RAFFLE_ERROR__INVALID_ARGUMENT` naming `title` when it is not 1 to 120 characters
 * @example
 * ```ts
 * const handler = createWorkerHttpHandler({ worker, store, automations, adminToken, operatorPage: operatorPage({ title: 'Raffles (devnet)' }) });
 * serve({ fetch: handler, hostname: '127.0.0.1', port: 8080 });
 * ```
 */
export function operatorPage(options: OperatorPageOptions = {}): OperatorPage {
    if (typeof options !== 'object' || options === null) throw workerConfigInvalid('options', 'must be an object');
    const title = options.title ?? 'Raffle worker';
    // eslint-disable-next-line no-control-regex
    if (typeof title !== 'string' || title.trim().length === 0 || title.length > 120 || /[\u0000-\u001f\u007f]/.test(title)) {
        throw workerConfigInvalid('title', 'must be a string of 1 to 120 printable characters');
    }
    return { html: pageHtml(escapeHtml(title)), script: SCRIPT, css: CSS };
}
