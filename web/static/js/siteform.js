// The site form: check a site (POST /v1/checks, any role), submit it as a
// proposal (POST /v1/proposals, carriers and admins) and revise a case
// (the same POST with the case's site code: a new revision of the case).
//
//   POST /v1/checks, /v1/proposals  a site Feature {geometry: Point [lon, lat],
//        properties {carrier, site_code, structure, height_m, antennas[{azimuth_deg,
//        tilt_deg, band_mhz, eirp_dbm, technology}]}}; answer an Assessment
//        {verdict, findings[]} or {id, proposal, assessment}.

import { $, $$, esc, fmtM, html, reportLinks } from './util.js';
import { request, clearProblems, showProblem } from './api.js';
import { map, renderers, onMapClick } from './map.js';
import { verdictColour, showZone } from './layers.js';

const form = $('#check');
const result = $('#result');
const antennaList = $('#antennas');
let siteMarker = null;
let lang = 'vi';
let revising = null; // {caseId, proposalId, siteCode, revision, done(r)}
let afterSubmit = () => {};

export function setLang(l) {
  lang = l;
}

// placeSiteAt puts the site under check at a clicked point.
function placeSiteAt(latlng) {
  form.lon.value = latlng.lng.toFixed(7);
  form.lat.value = latlng.lat.toFixed(7);
  clearProblems(form);
  result.innerHTML = '<p class="meta">Bấm Kiểm tra hoặc Nộp hồ sơ · Press Check or Submit</p>';
  placeMarker(null);
}

export function activate(on) {
  onMapClick(on ? placeSiteAt : null);
}

for (const name of ['lon', 'lat']) form[name].addEventListener('change', () => placeMarker(null));

function placeMarker(verdict) {
  const lat = parseFloat(form.lat.value);
  const lon = parseFloat(form.lon.value);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return;
  const style = { fillColor: verdictColour[verdict] || '#2b6cb0' };
  if (siteMarker) {
    siteMarker.setLatLng([lat, lon]).setStyle(style);
    if (!map.hasLayer(siteMarker)) siteMarker.addTo(map);
  } else {
    siteMarker = L.circleMarker([lat, lon], {
      renderer: renderers.site, pane: 'site', radius: 9, weight: 3, color: '#111', fillOpacity: 0.9,
      className: 'site-marker', interactive: false, ...style,
    }).addTo(map);
  }
}

// ---- Antennas ------------------------------------------------------

const technologies = ['GSM', 'UMTS', 'LTE', 'NR'];

// addAntenna appends an antenna row (a, when given, fills it).
function addAntenna(a = {}) {
  const num = (name, label, v) => `<input data-name="${name}" type="number" step="any" inputmode="decimal" aria-label="${label}" value="${esc(v)}">`;
  const row = html(`<div class="antenna row-item">
    <div class="row5">
      ${num('azimuth_deg', 'Phương vị · Azimuth (°)', a.azimuth_deg ?? 0)}
      ${num('tilt_deg', 'Góc nghiêng · Tilt (°)', a.tilt_deg ?? 4)}
      ${num('band_mhz', 'Băng tần · Band (MHz)', a.band_mhz ?? 1800).replace('<input', '<input list="bands"')}
      ${num('eirp_dbm', 'EIRP (dBm)', a.eirp_dbm ?? 60)}
      <select data-name="technology" aria-label="Công nghệ · Technology">${technologies.map((t) =>
        `<option${t === (a.technology ?? 'LTE') ? ' selected' : ''}>${t}</option>`).join('')}</select>
    </div>
    <button type="button" class="remove small secondary" title="Bỏ ăng-ten · Remove antenna">×</button>
  </div>`);
  row.querySelector('.remove').addEventListener('click', () => {
    row.remove();
    numberAntennas();
    $('#antenna-head').hidden = antennaList.children.length === 0;
  });
  antennaList.appendChild(row);
  numberAntennas();
  $('#antenna-head').hidden = false;
  return row;
}

// numberAntennas gives each antenna input the JSON pointer of its member,
// so that a problem naming /properties/antennas/1/eirp_dbm lands there.
function numberAntennas() {
  $$('.antenna', antennaList).forEach((row, i) => {
    row.dataset.i = String(i);
    for (const inp of $$('[data-name]', row)) inp.dataset.pointer = `/properties/antennas/${i}/${inp.dataset.name}`;
  });
}

$('#add-antenna').addEventListener('click', () => addAntenna());
antennaList.insertAdjacentHTML('afterend',
  '<datalist id="bands"><option value="700"><option value="900"><option value="1800"><option value="2100"><option value="2600"><option value="3500"></datalist>');

// number sends an empty field as null so that the API names it missing.
function number(input) {
  const v = input.value.trim();
  if (v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

function siteFeature() {
  const antennas = $$('.antenna', antennaList).map((row) => {
    const a = {};
    for (const inp of $$('[data-name]', row)) a[inp.dataset.name] = inp.tagName === 'SELECT' ? inp.value : number(inp);
    return a;
  });
  const props = {
    carrier: form.carrier.value,
    site_code: form.site_code.value.trim(),
    structure: form.structure.value,
    height_m: number(form.height_m),
  };
  if (antennas.length) props.antennas = antennas;
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [number(form.lon), number(form.lat)] }, properties: props };
}

// ---- Results -------------------------------------------------------

export function findingHTML(f, i) {
  const dist = f.distance_m === 0 ? '0 m (bên trong · inside)' : fmtM(f.distance_m);
  const limit = f.limit_m > 0 ? ` · giới hạn · limit ${fmtM(f.limit_m)}` : '';
  return `<div class="finding ${esc(f.severity)}" data-rule="${esc(f.rule_id)}">
    <div><b class="rule">${esc(f.rule_id)}</b> <span class="sev">${esc(f.severity)}</span>
      <button type="button" class="show-zone" data-i="${i}" title="Xem trên bản đồ · Show on the map">bản đồ · map</button></div>
    <div class="msg">${esc(f.message)}</div>
    <dl>
      <dt>Lớp · Layer</dt><dd class="layer">${esc(f.layer)} v${esc(f.layer_version)}</dd>
      <dt>Đối tượng · Feature</dt><dd class="feature-name">${esc(f.feature_name)} <span class="meta">(${esc(f.category)})</span></dd>
      <dt>Khoảng cách · Distance</dt><dd class="distance">${esc(dist)}${esc(limit)}</dd>
      <dt>Cơ quan · Authority</dt><dd class="authority">${esc(f.authority)}</dd>
      <dt>Căn cứ · Legal basis</dt><dd class="legal-basis">${esc(f.legal_basis)}</dd>
    </dl></div>`;
}

// wireFindings makes each finding's map button frame its zone.
export function wireFindings(root, findings) {
  for (const b of $$('.show-zone', root)) {
    b.addEventListener('click', () => showZone(findings[Number(b.dataset.i)]));
  }
}

function showAssessment(a, stored) {
  const findings = a.findings || [];
  const head = `<p class="verdict-line"><span class="verdict ${esc(a.verdict)}" id="verdict">${esc(a.verdict)}</span> ` +
    `${findings.length} phát hiện · findings</p>`;
  let storedHTML = '';
  if (stored) {
    storedHTML = `<p class="stored" id="stored" data-id="${esc(stored.id)}" data-case="${esc(stored.caseLink)}">Đã lưu hồ sơ · Stored as proposal ` +
      `<b>#${esc(stored.id)}</b> (r${esc(stored.revision)})<br>${reportLinks(stored.report)}` +
      `<br><button type="button" class="small open-stored-case">Xem hồ sơ thẩm định · Open the case</button></p>`;
  }
  result.innerHTML = head + storedHTML +
    (findings.length ? findings.map(findingHTML).join('') : '<p>Không có phát hiện · No findings</p>');
  wireFindings(result, findings);
  const open = result.querySelector('.open-stored-case');
  if (open) open.addEventListener('click', () => afterSubmit(stored.id, true));
  placeMarker(a.verdict);
}

async function send(path) {
  clearProblems(form, result);
  placeMarker(null);
  const buttons = $$('button', form);
  for (const b of buttons) b.disabled = true;
  result.innerHTML = '<p class="meta">…</p>';
  try {
    return (await request(`${path}?lang=${lang}`, { method: 'POST', body: siteFeature() })).body;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    showAssessment(await send('/v1/checks'), null);
  } catch (e) {
    result.innerHTML = '';
    showProblem(form, e, result);
  }
});

$('#submit-proposal').addEventListener('click', async () => {
  try {
    const r = await send('/v1/proposals');
    const p = r.proposal?.properties || {};
    showAssessment(r.assessment, {
      id: r.id, revision: p.revision ?? r.assessment?.revision,
      report: p.links?.report_html || `/v1/proposals/${r.id}/report.html`,
    });
    const wasRevising = revising;
    if (revising) endRevision();
    afterSubmit(r.id, false, wasRevising);
  } catch (e) {
    result.innerHTML = '';
    showProblem(form, e, result);
  }
});

// ---- Roles and revisions --------------------------------------------

// configure fixes the form to what the signed-in user may do: a carrier
// submits only for its own organization; only carriers and admins submit.
// onSubmitted(id, open, revised) runs after a stored submission.
export function configure({ canSubmit, carrier, onSubmitted }) {
  $('#submit-proposal').hidden = !canSubmit;
  if (carrier) {
    if (![...form.carrier.options].some((o) => o.value === carrier)) {
      form.carrier.add(new Option(carrier, carrier));
    }
    form.carrier.value = carrier;
    form.carrier.disabled = true;
  }
  if (canSubmit) $('#site-form-title').textContent = 'Kiểm tra và nộp hồ sơ · Check and submit a site';
  afterSubmit = onSubmitted || (() => {});
}

// startRevision fills the form with proposal feature f (the case's current
// revision) for the carrier to change and submit as a new revision.
export function startRevision(f, caseInfo) {
  revising = caseInfo;
  const p = f.properties;
  const [lon, lat] = f.geometry.coordinates;
  form.lon.value = lon;
  form.lat.value = lat;
  form.carrier.value = p.carrier;
  form.site_code.value = p.site_code;
  form.site_code.readOnly = true;
  form.structure.value = p.structure;
  form.height_m.value = p.height_m;
  antennaList.innerHTML = '';
  $('#antenna-head').hidden = true;
  for (const a of p.antennas || []) addAntenna(a);
  $('#revising').hidden = false;
  $('#revising-code').textContent = p.site_code;
  $('#revising-rev').textContent = `(r${p.revision})`;
  $('#submit-proposal').textContent = 'Nộp bản sửa · Submit revision';
  clearProblems(form, result);
  placeMarker(null);
  map.setView([lat, lon], Math.max(map.getZoom(), 13));
}

function endRevision() {
  revising = null;
  form.site_code.readOnly = false;
  $('#revising').hidden = true;
  $('#submit-proposal').textContent = 'Nộp hồ sơ · Submit';
}

$('#revise-cancel').addEventListener('click', () => {
  endRevision();
  result.innerHTML = '';
});
