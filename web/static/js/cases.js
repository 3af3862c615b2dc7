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
// The case's papers (the carrier of the case, the reviewers, admins):
//
//   comments      GET/POST …/comments {text, visibility: case|internal (reviewers)}
//   attachments   GET …/attachments, POST …/attachments?filename= (the file as the
//                 body, PDF/PNG/JPEG, X-Checksum-Sha256 computed here), GET …/attachments/{aid}
//   conditions    POST …/conditions/{cid} {status: met|waived, note} with If-Match
//                 (a reviewer of the authority that decided); the carrier of the
//                 case reports evidence: {status: open, evidence_attachment_id,
//                 note}, an attachment it picks or uploads right there
//   letter        GET …/decision-letter.html?lang=vi|en once decided
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
  const decisions = v.decisions.map((d) => decisionHTML(v, d)).join('');
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
    ${decisions ? `<h4>Quyết định · Decisions</h4>${decisions}${letterLinks(v)}` : ''}
    ${earlierHTML(report)}
    <div id="case-actions"></div>
    <div id="case-papers"></div>`;
  wireBack();
  wireFindings(page, findings);
  wireConditions();
  renderActions(v, report);
  renderPapers(v);
}

function letterLinks(v) {
  const link = `/v1/proposals/${v.proposal_id}/decision-letter.html`;
  return `<p class="letter">Văn bản quyết định · Decision letter: ` +
    `<a href="${esc(link)}?lang=vi" target="_blank" rel="noopener" data-lang="vi">tiếng Việt</a> · ` +
    `<a href="${esc(link)}?lang=en" target="_blank" rel="noopener" data-lang="en">English</a></p>`;
}

const basisWords = { zoning: 'quy hoạch · zoning', gap_fill: 'quy hoạch + lấp vùng lõm · zoning + gap fill' };

// earlierHTML lists the assessments the latest one replaced (a
// re-evaluation keeps them), newest first.
function earlierHTML(report) {
  const a = report.assessment || {};
  const xs = report.earlier_assessments || [];
  const basis = `<p class="meta">Cơ sở · Basis: <span id="case-basis" data-basis="${esc(a.basis)}">${esc(basisWords[a.basis] || a.basis || '—')}</span></p>`;
  if (!xs.length) return basis;
  return `${basis}<details class="earlier"><summary>Lần kiểm tra trước · Earlier assessments (${xs.length})</summary><ul>` +
    xs.map((x) => `<li class="earlier-assessment" data-id="${esc(x.id)}"><span class="verdict ${esc(x.verdict)}">${esc(x.verdict)}</span> ` +
      `${esc(basisWords[x.basis] || x.basis)} · r${esc(x.revision)} · ${esc(x.rule_set_version)} · ` +
      `${esc(new Date(x.created_at).toLocaleString('vi-VN'))}</li>`).join('') + '</ul></details>';
}

// ---- Conditions: a reviewer of the deciding authority settles them, the
// carrier of the case reports evidence ------------------------------------

function wireConditions() {
  for (const form of $$('form.condition-evidence', page)) {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      reportEvidence(form);
    });
  }
  for (const form of $$('form.condition-settle', page)) {
    form.addEventListener('submit', (ev) => ev.preventDefault());
    for (const b of $$('button[data-status]', form)) {
      b.addEventListener('click', () => {
        const body = { status: b.dataset.status };
        if (form.note.value.trim()) body.note = form.note.value.trim();
        change(form, form.querySelector('.form-problem'), `conditions/${form.dataset.condition}`, body,
          `điều kiện · condition #${form.dataset.condition}: ${b.dataset.status}`);
      });
    }
  }
}

// reportEvidence posts the attachment form names (a new file is uploaded
// first) as evidence for its condition. Without either the server names
// /evidence_attachment_id, shown next to the picker.
async function reportEvidence(form) {
  const problem = form.querySelector('.form-problem');
  clearProblems(form, problem);
  const body = { status: 'open' };
  if (form.note.value.trim()) body.note = form.note.value.trim();
  const file = form.file.files[0];
  if (file) {
    try {
      body.evidence_attachment_id = (await upload(shown.view.proposal_id, file)).body.id;
    } catch (e) {
      showProblem(form, e, problem);
      return;
    }
  } else if (form.attachment.value) {
    body.evidence_attachment_id = Number(form.attachment.value);
  }
  change(form, problem, `conditions/${form.dataset.condition}`, body,
    `tài liệu cho điều kiện · evidence for condition #${form.dataset.condition}`);
}

// showEvidence names each condition's evidence by its attachment (a link
// to it) and offers the attachments in the carrier's evidence pickers.
function showEvidence(items) {
  const byID = new Map(items.map((a) => [String(a.id), a]));
  for (const el of $$('.evidence-file[data-attachment]', page)) {
    const a = byID.get(el.dataset.attachment);
    if (a) el.innerHTML = `<a href="${esc(a.download)}" download="${esc(a.filename)}">${esc(a.filename)}</a>`;
  }
  for (const sel of $$('form.condition-evidence select[name=attachment]', page)) {
    const keep = sel.value;
    sel.length = 1;
    for (const a of items) sel.add(new Option(`${a.filename} (#${a.id})`, String(a.id)));
    sel.value = keep;
  }
}

// ---- Comments and attachments ----------------------------------------

function seesPapers(v) {
  return can('reviewer') || can('admin') || (can('carrier') && v.carrier === who.org);
}

async function renderPapers(v) {
  const box = $('#case-papers');
  if (!seesPapers(v)) return;
  const writes = can('reviewer') || (can('carrier') && v.carrier === who.org);
  box.innerHTML = `<h4>Trao đổi · Comments</h4><div id="comments" class="list" aria-busy="true"></div>
    ${writes ? `<form id="comment-form" novalidate>
      <label>Ý kiến · Comment <textarea name="text" rows="2" data-pointer="/text"></textarea></label>
      ${can('reviewer') ? `<label>Ai xem · Visible to <select name="visibility" data-pointer="/visibility">
        <option value="case">Hồ sơ (cả nhà mạng) · The case (the carrier too)</option>
        <option value="internal">Nội bộ cơ quan · Internal (reviewers only)</option></select></label>` : ''}
      <div class="form-problem"></div>
      <button type="submit" class="small">Gửi · Post</button></form>` : ''}
    <h4>Tài liệu · Attachments</h4><div id="attachments" class="list" aria-busy="true"></div>
    ${writes ? `<form id="upload-form" novalidate>
      <label>Tệp PDF, PNG, JPEG · File <input name="file" type="file" accept="application/pdf,image/png,image/jpeg" data-pointer="filename"></label>
      <div class="form-problem"></div>
      <button type="submit" class="small">Tải lên · Upload</button></form>` : ''}`;
  const pid = v.proposal_id;
  const cf = $('#comment-form');
  cf?.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const problem = cf.querySelector('.form-problem');
    clearProblems(cf, problem);
    const body = { text: cf.text.value };
    if (cf.visibility) body.visibility = cf.visibility.value;
    try {
      await request(`/v1/proposals/${pid}/comments`, { method: 'POST', body });
      cf.text.value = '';
      await loadComments(pid);
    } catch (e) {
      showProblem(cf, e, problem);
    }
  });
  const uf = $('#upload-form');
  uf?.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const problem = uf.querySelector('.form-problem');
    clearProblems(uf, problem);
    const file = uf.file.files[0];
    if (!file) {
      showProblem(uf, { problem: { title: 'Chưa chọn tệp · No file chosen', errors: [{ field: 'filename', reason: 'chọn một tệp · choose a file' }] } }, problem);
      return;
    }
    try {
      await upload(pid, file);
      uf.reset();
      await loadAttachments(pid);
    } catch (e) {
      showProblem(uf, e, problem);
    }
  });
  await Promise.all([loadComments(pid), loadAttachments(pid)]);
}

// upload sends file as the body, with its SHA-256 (crypto.subtle, which
// the browser offers on https and localhost only; elsewhere the server
// computes it alone).
async function upload(pid, file) {
  const bytes = await file.arrayBuffer();
  const headers = { 'Content-Type': file.type || 'application/octet-stream' };
  if (globalThis.crypto?.subtle) {
    const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    headers['X-Checksum-Sha256'] = [...sum].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return request(`/v1/proposals/${pid}/attachments?filename=${encodeURIComponent(file.name)}`, { method: 'POST', raw: bytes, headers });
}

async function loadComments(pid) {
  const el = $('#comments');
  if (!el) return;
  try {
    const items = (await getJSON(`/v1/proposals/${pid}/comments`)).items || [];
    el.innerHTML = items.map((k) => `<div class="comment${k.visibility === 'internal' ? ' internal' : ''}" data-id="${esc(k.id)}" data-visibility="${esc(k.visibility)}">` +
      `<div class="meta">${esc(k.author)} · ${esc(k.organization)} · ${esc(new Date(k.created).toLocaleString('vi-VN'))}` +
      `${k.visibility === 'internal' ? ' · <b>nội bộ · internal</b>' : ''}</div><div class="text"></div></div>`).join('') ||
      '<p class="meta empty">Chưa có · None yet</p>';
    // Text as text: line breaks kept by CSS, nothing parsed as markup.
    $$('.comment', el).forEach((d, i) => { d.querySelector('.text').textContent = items[i].text; });
  } catch (e) {
    el.innerHTML = problemBox(e);
  }
  el.removeAttribute('aria-busy');
}

function fmtBytes(n) {
  if (n >= 1 << 20) return `${fmtNum(n / (1 << 20), 1)} MiB`;
  if (n >= 1 << 10) return `${fmtNum(n / (1 << 10), 1)} KiB`;
  return `${fmtNum(n)} B`;
}

async function loadAttachments(pid) {
  const el = $('#attachments');
  if (!el) return;
  try {
    const items = (await getJSON(`/v1/proposals/${pid}/attachments`)).items || [];
    showEvidence(items);
    el.innerHTML = items.map((a) => `<div class="attachment" data-id="${esc(a.id)}" data-sha256="${esc(a.sha256)}">` +
      `<a href="${esc(a.download)}" download="${esc(a.filename)}">${esc(a.filename)}</a> ` +
      `<span class="meta">${esc(a.content_type)} · <span class="size" data-bytes="${esc(a.size_bytes)}">${fmtBytes(a.size_bytes)}</span> · ` +
      `${esc(a.uploader)} (${esc(a.organization)}) · ${esc(new Date(a.created).toLocaleString('vi-VN'))}</span>` +
      `<div class="meta sha">SHA-256 <code>${esc(a.sha256)}</code></div></div>`).join('') ||
      '<p class="meta empty">Chưa có · None yet</p>';
  } catch (e) {
    el.innerHTML = problemBox(e);
  }
  el.removeAttribute('aria-busy');
}

function decisionHTML(v, d) {
  // A reviewer of the authority that decided settles an open condition;
  // the carrier of the case reports evidence for it.
  const settles = can('reviewer') && who.org === d.authority;
  const reports = can('carrier') && who.org === v.carrier && v.state === 'approved_with_conditions';
  const conds = d.conditions.map((c) => `<li class="condition-out" data-id="${esc(c.id)}" data-type="${esc(c.type)}" data-status="${esc(c.status)}">` +
    `<b>${esc(conditionLabel(c.type))}</b> ${Object.entries(c.params || {}).map(([k, x]) => `${esc(k)}=${esc(x)}`).join(', ')} ` +
    `<span class="cond-status ${esc(c.status)}">${esc(c.status)}</span>${c.note ? ` <span class="meta">${esc(c.note)}</span>` : ''}` +
    `${c.status_note ? ` <span class="meta">· ${esc(c.status_note)}</span>` : ''}` +
    (c.evidence_attachment_id ? `<div class="evidence meta">Tài liệu · Evidence: <span class="evidence-file" data-attachment="${esc(c.evidence_attachment_id)}">` +
      `#${esc(c.evidence_attachment_id)}</span>${c.evidence_note ? ` · <span class="evidence-note">${esc(c.evidence_note)}</span>` : ''}</div>` : '') +
    (reports && c.status === 'open' ? evidenceFormHTML(c) : '') +
    (settles && c.status === 'open' ? `<form class="condition-settle row-form" data-condition="${esc(c.id)}" novalidate>
      <input name="note" placeholder="Ghi chú · Note" data-pointer="/note" autocomplete="off">
      <button type="button" class="small" data-status="met">Đã đáp ứng · Met</button>
      <button type="button" class="small secondary" data-status="waived">Miễn · Waive</button>
      <div class="form-problem"></div></form>` : '') + '</li>').join('');
  return `<div class="decision" data-outcome="${esc(d.outcome)}">${stateBadge(d.outcome)}
    <span class="meta">${esc(d.authority)} · ${esc(d.reviewer)} · ${esc(new Date(d.signed).toLocaleString('vi-VN'))}
    ${d.valid_until ? ` · hiệu lực đến · valid until ${esc(d.valid_until)}` : ''}</span>
    ${d.note ? `<div>${esc(d.note)}</div>` : ''}${conds ? `<ul>${conds}</ul>` : ''}</div>`;
}

// evidenceFormHTML is the carrier's report of evidence for condition c:
// one of the case's attachments (filled in when they load) or a new file.
function evidenceFormHTML(c) {
  return `<details class="evidence-report"><summary>Báo cáo tài liệu · Report evidence</summary>
    <form class="condition-evidence" data-condition="${esc(c.id)}" novalidate>
      <label>Tài liệu đã có · An attachment <select name="attachment" data-pointer="/evidence_attachment_id">
        <option value="">— chọn · choose —</option></select></label>
      <label>hoặc tệp mới · or a new file (PDF, PNG, JPEG) <input name="file" type="file" accept="application/pdf,image/png,image/jpeg" data-pointer="filename"></label>
      <label>Ghi chú · Note <input name="note" data-pointer="/note" autocomplete="off"></label>
      <div class="form-problem"></div>
      <button type="submit" class="small">Gửi · Send</button></form></details>`;
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
