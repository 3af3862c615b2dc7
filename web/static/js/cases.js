// The review cases: the list (GET /v1/cases?state=&overdue=true) and one
// case's page (GET /v1/proposals/{id}/case and …/report) with its map,
// signatures, decisions and what the signed-in role may do next:
//
//   carrier   revise (a new revision through the site form), withdraw,
//             resubmit documents           POST …/actions {event, note}
//   reviewer  start review, request documents (same route), sign for its
//             authority                    POST …/signatures {consent, note}
//             and decide                   POST …/decisions {outcome, conditions[{type,
//                                          params}], note, valid_until} with If-Match
//
// Every change sends If-Match with the ETag of the case as it was shown,
// so a case changed meanwhile answers 412 instead of being overwritten;
// the answer is the case as it is now.

import { $, $$, esc, fmtNum, html, reportLinks, stateBadge, stateLabel, caseStates, carrierLabel, carrierNames } from './util.js';
import { request, getJSON, clearProblems, showProblem, problemBox } from './api.js';
import { map, renderers, fitLayers } from './map.js';
import { showCoverage } from './layers.js';
import { findingHTML, wireFindings } from './siteform.js';

const listEl = $('#case-list');
const filter = $('#case-filter');
const page = $('#case-page');
const listSection = $('#case-list-section');

let who = { roles: [], org: '' };
let lang = 'vi';
let hooks = { revise: () => {}, show: () => {} };
let shown = null; // {view, report}

const can = (role) => who.roles.includes(role);

// The case's overlay on the map: the site, the findings' zone parts.
const caseLayer = L.layerGroup();

for (const [k, label] of caseStates) filter.state.add(new Option(label, k));

export function setLang(l) {
  lang = l;
  if (shown) openCase(shown.view.proposal_id);
}

// configure sets who is signed in and what the page may call back:
// revise(feature, case) opens the site form on a revision; show() brings
// the cases tab to the front.
export function configure(principal, h) {
  who = principal;
  hooks = { ...hooks, ...h };
}

// ---- The list ------------------------------------------------------

export async function loadCases() {
  listEl.setAttribute('aria-busy', 'true');
  const q = new URLSearchParams({ limit: '500' });
  if (filter.state.value) q.set('state', filter.state.value);
  if (filter.overdue.checked) q.set('overdue', 'true');
  clearProblems(listSection);
  let items;
  try {
    items = (await getJSON(`/v1/cases?${q}`)).items || [];
  } catch (e) {
    showProblem(listSection, e, listEl);
    listEl.removeAttribute('aria-busy');
    return;
  }
  listEl.innerHTML = '';
  $('#case-count').textContent = `${items.length} hồ sơ · cases` +
    (filter.state.value ? ` · ${stateLabel(filter.state.value)}` : '') + (filter.overdue.checked ? ' · quá hạn · overdue' : '');
  if (items.length === 0) listEl.innerHTML = '<p class="meta empty">Không có hồ sơ nào · No cases</p>';
  for (const k of items) {
    const row = html(`<div class="case-row" tabindex="0" data-proposal="${esc(k.proposal_id)}" data-case="${esc(k.id)}"
        data-state="${esc(k.state)}" data-site-code="${esc(k.site_code)}" data-overdue="${overdue(k.clock)}">
      <div><b>${esc(k.site_code)}</b> <small>${esc(carrierLabel(k.carrier))} · r${esc(k.revision)}</small>
        ${overdue(k.clock) ? '<span class="overdue-badge">QUÁ HẠN · OVERDUE</span>' : ''}</div>
      <div>${stateBadge(k.state)} <small class="meta">${clockText(k.clock)}</small></div>
    </div>`);
    const open = () => openCase(k.proposal_id);
    row.addEventListener('click', open);
    row.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(); });
    listEl.appendChild(row);
  }
  listEl.removeAttribute('aria-busy');
}

// overdue: the clock runs (or is paused) past its due day; a stopped
// clock (a decision, a withdrawal) is no longer waiting on anyone.
function overdue(c) {
  return c.overdue && !c.stopped;
}

function clockText(c) {
  if (c.stopped) return 'đã dừng · stopped';
  if (c.paused) return `tạm dừng · paused, ${c.remaining} ngày còn lại · days left`;
  if (!c.due) return '';
  return c.overdue
    ? `hạn · due ${esc(c.due)}, quá · over by ${-c.remaining || 0} ngày làm việc · working days`
    : `hạn · due ${esc(c.due)}, còn · ${c.remaining} ngày làm việc · working days left`;
}

filter.addEventListener('change', () => loadCases());
filter.addEventListener('submit', (ev) => { ev.preventDefault(); loadCases(); });

// ---- One case ------------------------------------------------------

export function isOpen() {
  return shown !== null;
}

export function closeCase() {
  shown = null;
  page.hidden = true;
  page.innerHTML = '';
  listSection.hidden = false;
  map.removeLayer(caseLayer);
  showCoverage(null);
}

// openCase shows the case of proposal id (any revision of it).
export async function openCase(id, message) {
  hooks.show();
  listSection.hidden = true;
  page.hidden = false;
  page.setAttribute('aria-busy', 'true');
  page.innerHTML = '<p class="meta">…</p>';
  let view, report;
  try {
    view = await getJSON(`/v1/proposals/${id}/case`);
    report = await getJSON(`/v1/proposals/${view.proposal_id}/report?lang=${lang}`);
  } catch (e) {
    page.innerHTML = backButton() + problemBox(e);
    wireBack();
    page.removeAttribute('aria-busy');
    return;
  }
  shown = { view, report };
  renderCase(view, report, message);
  drawCase(report);
  page.removeAttribute('aria-busy');
}

function backButton() {
  return '<button type="button" class="small secondary back">← Danh sách · List</button>';
}

function wireBack() {
  page.querySelector('.back').addEventListener('click', () => {
    closeCase();
    loadCases();
  });
}

function renderCase(v, report, message) {
  const a = report.assessment || {};
  const findings = a.findings || [];
  const p = report.proposal?.properties || {};
  const sigs = v.signatures.map((s) => `<li class="signature" data-authority="${esc(s.authority)}">${esc(s.authority)}: ` +
    `${s.consent ? 'đồng ý · consents' : 'không đồng ý · refuses'} <span class="meta">(${esc(s.signer)}${s.note ? `, ${esc(s.note)}` : ''})</span></li>`).join('');
  const missing = v.missing_signatures.map((m) => `<li data-authority="${esc(m)}">${esc(m)}</li>`).join('');
  const decisions = v.decisions.map(decisionHTML).join('');
  page.innerHTML = `${backButton()}
    <div class="case-head" data-proposal="${esc(v.proposal_id)}" data-case="${esc(v.id)}" data-etag="${esc(v.etag)}">
      <h3>${esc(v.site_code)} <small>${esc(carrierLabel(v.carrier))} · r${esc(v.revision)} · #${esc(v.proposal_id)}</small></h3>
      <p>${stateBadge(v.state, 'case-state')}
        ${overdue(v.clock) ? '<span class="overdue-badge">QUÁ HẠN · OVERDUE</span>' : ''}</p>
      <p class="meta">Thời hạn · Clock: ${esc(v.clock.working_days)} ngày làm việc · working days${v.clock.started
        ? `, từ · from ${esc(v.clock.started)}` : ''}. ${clockText(v.clock)}</p>
      <div id="case-message" aria-live="polite">${message ? `<p class="stored">${esc(message)}</p>` : ''}</div>
    </div>
    <h4>Kết quả kiểm tra · Assessment</h4>
    <p class="verdict-line"><span class="verdict ${esc(a.verdict)}" id="case-verdict">${esc(a.verdict)}</span>
      ${findings.length} phát hiện · findings · <span class="meta">${esc(p.structure)} · ${fmtNum(p.height_m, 1)} m ·
      ${(p.antennas || []).length} ăng-ten · antennas</span></p>
    <p>${reportLinks(`/v1/proposals/${v.proposal_id}/report.html`)} ·
      <a href="/v1/proposals/${esc(v.proposal_id)}/report?lang=${esc(lang)}" target="_blank" rel="noopener">JSON</a> ·
      <a href="/v1/proposals/${esc(v.proposal_id)}/findings.geojson" download="findings-${esc(v.proposal_id)}.geojson">findings.geojson</a></p>
    <p class="meta">Bộ quy tắc · Rule set ${esc(report.rule_set_version)}${report.coverage ? ` · vùng phủ · coverage ${fmtNum(report.coverage.area_km2, 1)} km²` : ''}</p>
    <details class="findings"${findings.length && findings.length <= 3 ? ' open' : ''}><summary>Phát hiện · Findings (${findings.length})</summary>
      ${findings.map(findingHTML).join('') || '<p class="meta">Không có · None</p>'}</details>
    <h4>Chữ ký · Signatures</h4>
    <p class="meta">Cần · Required: ${v.required_signatures.length ? v.required_signatures.map(esc).join(', ') : '— (không · none)'}</p>
    ${sigs ? `<ul class="signatures">${sigs}</ul>` : ''}
    <div class="missing-signatures">${missing
      ? `<b>Còn thiếu · Missing:</b><ul>${missing}</ul>`
      : '<span class="meta">Không thiếu chữ ký nào · No signature missing</span>'}</div>
    ${decisions ? `<h4>Quyết định · Decisions</h4>${decisions}` : ''}
    <div id="case-actions"></div>`;
  wireBack();
  wireFindings(page, findings);
  renderActions(v, report);
}

function decisionHTML(d) {
  const conds = d.conditions.map((c) => `<li class="condition-out" data-type="${esc(c.type)}" data-status="${esc(c.status)}">` +
    `<b>${esc(conditionLabel(c.type))}</b> ${Object.entries(c.params || {}).map(([k, x]) => `${esc(k)}=${esc(x)}`).join(', ')} ` +
    `<span class="cond-status ${esc(c.status)}">${esc(c.status)}</span>${c.note ? ` <span class="meta">${esc(c.note)}</span>` : ''}</li>`).join('');
  return `<div class="decision" data-outcome="${esc(d.outcome)}">${stateBadge(d.outcome)}
    <span class="meta">${esc(d.authority)} · ${esc(d.reviewer)} · ${esc(new Date(d.signed).toLocaleString('vi-VN'))}
    ${d.valid_until ? ` · hiệu lực đến · valid until ${esc(d.valid_until)}` : ''}</span>
    ${d.note ? `<div>${esc(d.note)}</div>` : ''}${conds ? `<ul>${conds}</ul>` : ''}</div>`;
}

// drawCase puts the case on the map: its site, the parts of the zones
// its findings name (GeoJSON from …/findings.geojson) and, when it has
// one, its coverage.
async function drawCase(report) {
  caseLayer.clearLayers();
  caseLayer.addTo(map);
  const f = report.proposal;
  const pid = f.properties.id ?? f.id;
  const site = L.geoJSON(f, {
    pointToLayer: (_, ll) => L.circleMarker(ll, {
      renderer: renderers.site, pane: 'site', radius: 10, weight: 3, color: '#111',
      fillColor: { APPROVE: '#2f855a', CONDITIONAL: '#d69e2e', CONFLICT: '#c53030' }[report.assessment?.verdict] || '#2b6cb0',
      fillOpacity: 0.95, className: 'case-site',
    }),
  }).bindTooltip(esc(f.properties.site_code), { permanent: true, direction: 'right', offset: [10, 0], className: 'case-site-label' });
  caseLayer.addLayer(site);
  const layers = [site];
  try {
    const fc = await getJSON(`/v1/proposals/${pid}/findings.geojson?lang=${lang}`);
    const fl = L.geoJSON(fc, {
      style: (x) => ({
        renderer: renderers.findings, pane: 'findings', weight: 2,
        color: x.properties.severity === 'conflict' ? '#c53030' : '#d69e2e', fillOpacity: 0.25,
        className: `finding-zone severity-${String(x.properties.severity).replace(/\W/g, '')}`,
      }),
      pointToLayer: (x, ll) => L.circleMarker(ll, { renderer: renderers.findings, pane: 'findings', radius: 6, className: 'finding-zone' }),
      onEachFeature: (x, l) => l.bindTooltip(esc(x.properties.feature_name || x.properties.layer)),
    });
    caseLayer.addLayer(fl);
    layers.push(fl);
  } catch (e) {
    $('#case-message')?.insertAdjacentHTML('beforeend', problemBox(e));
  }
  if (report.coverage) {
    try {
      await showCoverage(report.coverage);
    } catch (e) {
      $('#case-message')?.insertAdjacentHTML('beforeend', problemBox(e));
    }
  } else {
    await showCoverage(null);
  }
  fitLayers(layers, { maxZoom: 15, padding: [40, 40] });
}

// ---- What the role may do -------------------------------------------

const revisable = ['assessed', 'under_review', 'documents_requested', 'relocation_requested', 'expired'];
const withdrawable = ['draft', 'submitted', 'assessed', 'under_review', 'documents_requested', 'relocation_requested'];

function renderActions(v, report) {
  const box = $('#case-actions');
  const parts = [];
  if (can('carrier') && v.carrier === who.org) {
    const buttons = [];
    if (revisable.includes(v.state)) buttons.push('<button type="button" class="small" data-do="revise">Sửa, nộp bản mới · Revise</button>');
    if (v.state === 'documents_requested') buttons.push('<button type="button" class="small" data-event="resubmit_documents">Đã bổ sung tài liệu · Documents resubmitted</button>');
    if (withdrawable.includes(v.state)) buttons.push('<button type="button" class="small danger" data-do="withdraw">Rút hồ sơ · Withdraw</button>');
    if (buttons.length) parts.push(`<h4>Nhà mạng · Carrier</h4><div class="buttons wrap">${buttons.join('')}</div>
      <div class="confirm" hidden>Rút hồ sơ này? Không thể hoàn tác. · Withdraw this case? This cannot be undone.
        <button type="button" class="small danger" data-event="withdraw">Rút · Withdraw</button>
        <button type="button" class="small secondary" data-do="cancel">Không · No</button></div>`);
  }
  if (can('reviewer')) {
    const buttons = [];
    if (v.state === 'assessed') buttons.push('<button type="button" class="small" data-event="start_review">Bắt đầu thẩm định · Start review</button>');
    if (v.state === 'under_review') buttons.push('<button type="button" class="small secondary" data-event="request_documents">Yêu cầu bổ sung tài liệu · Request documents</button>');
    if (buttons.length) {
      parts.push(`<h4>Thẩm định · Review</h4><form class="action-form" novalidate>
        <label>Ghi chú · Note <input name="note" data-pointer="/note" autocomplete="off"></label>
        <div class="buttons wrap">${buttons.join('')}</div></form>`);
    }
    // An authority whose signature the case needs signs; the lead
    // authority (which never appears among them) decides.
    const signer = v.missing_signatures.includes(who.org) || v.signatures.some((s) => s.authority === who.org);
    if (v.state === 'under_review' && v.missing_signatures.includes(who.org)) parts.push(signFormHTML());
    if (v.state === 'under_review' && !signer) parts.push(decisionFormHTML());
  }
  if (parts.length === 0) {
    box.innerHTML = '';
    return;
  }
  box.innerHTML = parts.join('') + '<div class="action-problem" aria-live="polite"></div>';
  const problem = box.querySelector('.action-problem');

  for (const b of $$('[data-event]', box)) {
    b.addEventListener('click', () => {
      const note = box.querySelector('.action-form input[name=note]')?.value.trim() || '';
      const body = { event: b.dataset.event };
      if (note) body.note = note;
      change(box.querySelector('.action-form') || box, problem, 'actions', body, b.textContent.trim());
    });
  }
  box.querySelector('[data-do="revise"]')?.addEventListener('click', () => hooks.revise(report.proposal, v));
  box.querySelector('[data-do="withdraw"]')?.addEventListener('click', () => { box.querySelector('.confirm').hidden = false; });
  box.querySelector('[data-do="cancel"]')?.addEventListener('click', () => { box.querySelector('.confirm').hidden = true; });

  const sign = box.querySelector('#sign-form');
  if (sign) {
    sign.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body = { consent: sign.consent.value === 'true' };
      if (sign.note.value.trim()) body.note = sign.note.value.trim();
      change(sign, sign.querySelector('.form-problem'), 'signatures', body, `${who.org}: ${body.consent ? 'đồng ý · consent' : 'không đồng ý · refusal'}`);
    });
  }
  const dec = box.querySelector('#decision-form');
  if (dec) wireDecisionForm(dec);
}

// change posts body to the case's route (actions, signatures, decisions)
// with If-Match, then shows the case as it is now. A problem is shown
// next to the inputs of scope it names, and in full in problem.
async function change(scope, problem, route, body, what) {
  const v = shown.view;
  clearProblems(scope, problem);
  for (const b of $$('button', page)) b.disabled = true;
  try {
    const r = await request(`/v1/proposals/${v.proposal_id}/${route}`, { method: 'POST', body, headers: { 'If-Match': v.etag } });
    await openCase(r.body.proposal_id, `Đã ghi · Recorded: ${what}. Trạng thái · State: ${stateLabel(r.body.state)}`);
    loadCases();
  } catch (e) {
    for (const b of $$('button', page)) b.disabled = false;
    showProblem(scope, e, problem);
    if (e.problem?.status === 412) {
      problem.insertAdjacentHTML('beforeend', '<p class="meta">Hồ sơ đã thay đổi: tải lại rồi làm lại. The case has changed: reload it and try again. ' +
        '<button type="button" class="small secondary reload">Tải lại · Reload</button></p>');
      problem.querySelector('.reload').addEventListener('click', () => openCase(v.proposal_id));
    }
  }
}

function signFormHTML() {
  return `<h4>Ký cho · Sign for ${esc(who.org)}</h4><form id="sign-form" novalidate>
    <label>Ý kiến · Opinion <select name="consent" data-pointer="/consent">
      <option value="true">Đồng ý · Consent</option><option value="false">Không đồng ý · Refuse</option></select></label>
    <label>Ghi chú · Note <input name="note" data-pointer="/note" autocomplete="off"></label>
    <div class="form-problem"></div>
    <button type="submit" class="small">Ký · Sign</button></form>`;
}

// ---- The decision form -----------------------------------------------

const conditionTypes = [
  ['max_height', 'Hạ chiều cao · Lower the height', [['height_m', 'Chiều cao tối đa (m) · Max height (m)', 'number']]],
  ['camouflage', 'Ngụy trang · Camouflage', [['style', 'Kiểu · Style (tree, flagpole…)', 'text']]],
  ['share_with_carrier', 'Dùng chung với · Share with carrier', [['carrier', 'Nhà mạng · Carrier', 'carrier']]],
  ['consent_letter', 'Văn bản đồng ý của · Consent letter from', [['authority', 'Cơ quan · Authority', 'text']]],
  ['other', 'Khác · Other', [['text', 'Điều kiện · Condition', 'text']]],
];

function conditionLabel(t) {
  const x = conditionTypes.find(([k]) => k === t);
  return x ? x[1] : t;
}

function decisionFormHTML() {
  return `<h4>Quyết định · Decision</h4><form id="decision-form" novalidate>
    <p class="hint">Cơ quan chủ trì quyết định; các cơ quan khác ký. The lead authority decides; the others sign.</p>
    <label>Kết luận · Outcome <select name="outcome" data-pointer="/outcome">
      <option value="approve">Chấp thuận · Approve</option>
      <option value="approve_with_conditions">Chấp thuận có điều kiện · Approve with conditions</option>
      <option value="reject">Từ chối · Reject</option>
      <option value="request_relocation">Yêu cầu dời vị trí · Request relocation</option>
    </select></label>
    <fieldset class="conditions" hidden><legend>Điều kiện · Conditions</legend>
      <div id="conditions" data-pointer="/conditions"></div>
      <div class="field-error" data-for="conditions"></div>
      <button type="button" id="add-condition" class="small secondary">+ Điều kiện · Add condition</button>
    </fieldset>
    <label class="valid-until">Hiệu lực đến · Valid until <input name="valid_until" type="date" data-pointer="/valid_until"></label>
    <label>Ghi chú · Note <textarea name="note" rows="2" data-pointer="/note"></textarea></label>
    <div class="form-problem"></div>
    <button type="submit" id="decide">Ký quyết định · Sign the decision</button>
  </form>`;
}

function wireDecisionForm(form) {
  const list = form.querySelector('#conditions');
  const sync = () => {
    const o = form.outcome.value;
    form.querySelector('.conditions').hidden = o !== 'approve_with_conditions';
    form.querySelector('.valid-until').hidden = !o.startsWith('approve');
    if (o === 'approve_with_conditions' && list.children.length === 0) addCondition(list);
  };
  form.outcome.addEventListener('change', sync);
  form.querySelector('#add-condition').addEventListener('click', () => addCondition(list));
  sync();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const o = form.outcome.value;
    const body = { outcome: o };
    if (o === 'approve_with_conditions') {
      body.conditions = $$('.condition', list).map((row) => {
        const c = { type: row.querySelector('[data-name="type"]').value, params: {} };
        for (const i of $$('[data-param]', row)) if (i.value.trim() !== '') c.params[i.dataset.param] = i.value.trim();
        const note = row.querySelector('[data-name="note"]').value.trim();
        if (note) c.note = note;
        return c;
      });
    }
    if (o.startsWith('approve') && form.valid_until.value) body.valid_until = form.valid_until.value;
    if (form.note.value.trim()) body.note = form.note.value.trim();
    change(form, form.querySelector('.form-problem'), 'decisions', body, 'quyết định · decision');
  });
}

function addCondition(list) {
  const row = html(`<div class="condition row-item">
    <div class="row2">
      <label>Loại · Type <select data-name="type">${conditionTypes.map(([k, l]) => `<option value="${k}">${esc(l)}</option>`).join('')}</select></label>
      <span class="params"></span>
    </div>
    <label>Ghi chú · Note <input data-name="note" autocomplete="off"></label>
    <button type="button" class="remove small secondary" title="Bỏ điều kiện · Remove condition">×</button>
  </div>`);
  const type = row.querySelector('[data-name="type"]');
  const params = () => {
    const spec = conditionTypes.find(([k]) => k === type.value)[2];
    row.querySelector('.params').innerHTML = spec.map(([k, label, kind]) => `<label>${esc(label)} ${kind === 'carrier'
      ? `<select data-param="${k}">${Object.keys(carrierNames).map((m) => `<option value="${m}">${esc(carrierLabel(m))}</option>`).join('')}</select>`
      : `<input data-param="${k}" type="${kind}" step="any" autocomplete="off">`}</label>`).join('');
    number();
  };
  const number = () => {
    $$('.condition', list).forEach((r, i) => {
      r.querySelector('[data-name="type"]').dataset.pointer = `/conditions/${i}/type`;
      r.querySelector('[data-name="note"]').dataset.pointer = `/conditions/${i}/note`;
      for (const p of $$('[data-param]', r)) p.dataset.pointer = `/conditions/${i}/params/${p.dataset.param}`;
    });
  };
  type.addEventListener('change', params);
  row.querySelector('.remove').addEventListener('click', () => {
    row.remove();
    number();
  });
  list.appendChild(row);
  params();
}

export { caseLayer };
