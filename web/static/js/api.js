// The API client of the web map, and how its problems are shown.
//
// Every /v1 route needs a signed-in user: the session cookie set by
// POST /v1/session authenticates every request below (and the report
// pages and images the map opens), so no token is kept in the page.
// A problem is application/problem+json {type, title, status, detail,
// field, errors[{field, reason}], existing}: each error names a JSON
// pointer into the body (or a query parameter or header), and the form
// shows it next to the input whose data-pointer it names.

import { $$, esc, reportLinks } from './util.js';

// request sends one API request and returns {body, status, headers}. A
// non-2xx answer throws an Error carrying the problem document (or a
// stand-in when the body is not JSON).
// raw (a Blob or bytes) is sent as it is, with the Content-Type that
// headers give, instead of body as JSON.
export async function request(url, { method = 'GET', body, raw, headers = {}, json = true } = {}) {
  const h = { Accept: 'application/json, application/geo+json, application/problem+json', ...headers };
  const init = { method, headers: h };
  if (raw !== undefined) {
    init.body = raw;
  } else if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(url, init);
  let parsed = null;
  if (r.status !== 204) {
    try {
      parsed = await r.json();
    } catch {
      parsed = null;
    }
  }
  if (!r.ok) {
    const problem = parsed && typeof parsed === 'object' ? parsed : { title: r.statusText, status: r.status };
    const err = new Error(problem.detail || problem.title || `HTTP ${r.status}`);
    err.problem = { status: r.status, ...problem };
    throw err;
  }
  if (json && parsed === null && r.status !== 204) throw new Error(`${url}: the answer is not JSON`);
  return { body: parsed, status: r.status, headers: r.headers };
}

export async function getJSON(url, opts) {
  return (await request(url, opts)).body;
}

export function problemBox(e) {
  return `<div class="problem">${esc(e.message)}</div>`;
}

// problemErrors lists a problem's {field, reason} pairs.
function problemErrors(p) {
  if (p.errors?.length) return p.errors;
  return p.field ? [{ field: p.field, reason: p.detail }] : [];
}

// inputsFor returns the inputs of scope that a problem's field names: the
// one whose data-pointer is the field; else every input below it (a
// problem with /geometry/coordinates names lon and lat); else the input
// whose pointer is the longest prefix of the field.
export function inputsFor(scope, field) {
  const f = String(field || '');
  if (!f) return [];
  const all = $$('[data-pointer]', scope);
  const exact = all.filter((i) => i.dataset.pointer === f);
  if (exact.length) return exact;
  const below = all.filter((i) => i.dataset.pointer.startsWith(f + '/'));
  if (below.length) return below;
  const above = all.filter((i) => f.startsWith(i.dataset.pointer + '/'))
    .sort((a, b) => b.dataset.pointer.length - a.dataset.pointer.length);
  return above.slice(0, 1);
}

// errorBoxFor returns the .field-error box that belongs to input: the
// box naming its name in data-for, else the one of its row, else a new
// one right after its label.
function errorBoxFor(scope, input) {
  const named = input.name && scope.querySelector(`.field-error[data-for~="${CSS.escape(input.name)}"]`);
  if (named) return named;
  const row = input.closest('.row-item');
  if (row) {
    let box = row.querySelector(':scope > .field-error');
    if (!box) {
      box = document.createElement('div');
      box.className = 'field-error';
      row.appendChild(box);
    }
    return box;
  }
  const anchor = input.closest('label') || input;
  let box = anchor.nextElementSibling;
  if (!box || !box.classList.contains('field-error')) {
    box = document.createElement('div');
    box.className = 'field-error';
    anchor.after(box);
  }
  return box;
}

export function clearProblems(scope, general) {
  for (const d of $$('.field-error', scope)) d.textContent = '';
  for (const i of $$('[aria-invalid]', scope)) i.removeAttribute('aria-invalid');
  if (general) general.innerHTML = '';
}

// showProblem marks the inputs of scope that the problem's fields name and
// writes each reason next to them; general (when given) gets the whole
// problem: its title, status, detail and every field pointer. It returns
// the errors that named no input of scope.
export function showProblem(scope, e, general) {
  const p = e.problem || { title: 'Lỗi · Error', detail: e.message };
  const errors = problemErrors(p);
  const unplaced = [];
  for (const x of errors) {
    const inputs = inputsFor(scope, x.field);
    if (inputs.length === 0) {
      unplaced.push(x);
      continue;
    }
    for (const i of inputs) i.setAttribute('aria-invalid', 'true');
    errorBoxFor(scope, inputs[0]).insertAdjacentHTML('beforeend',
      `<div data-field="${esc(x.field)}">${esc(x.reason)} <code class="pointer">${esc(x.field)}</code></div>`);
  }
  if (general) {
    const list = errors.map((x) => `<li><code>${esc(x.field)}</code>: ${esc(x.reason)}</li>`).join('');
    const existing = p.existing
      ? `<br>Đã có · Existing: <a href="${esc(p.existing)}" target="_blank" rel="noopener">${esc(p.existing)}</a> · ${reportLinks(`${p.existing}/report.html`)}`
      : '';
    general.innerHTML = `<div class="problem" role="alert"><b>${esc(p.title || 'Lỗi · Error')}${p.status ? ` (${esc(p.status)})` : ''}</b>` +
      (list ? `<ul>${list}</ul>` : `<br>${esc(p.detail || e.message)}`) + existing + '</div>';
  }
  const first = scope.querySelector('[aria-invalid="true"]');
  if (first) first.scrollIntoView({ block: 'nearest' });
  return unplaced;
}
