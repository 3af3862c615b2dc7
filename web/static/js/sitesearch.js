// Best-site search on the map (README "Best-site search"):
//
//   POST /v1/site-searches                       {admin_unit | bbox, carrier, n, height_m} → 202 {id, links}
//   GET  /v1/site-searches/{id}                  {state, progress, result, links.self, links.locations_geojson}
//   GET  /v1/site-searches                       the searches the caller may see, newest first
//   GET  /v1/site-searches/{id}/locations.geojson  ranked Points; properties {rank, site_code,
//                                                candidate_kind, marginal_people, cumulative_people,
//                                                villages[], verdict, conditional_findings[], case_id,
//                                                proposal_id, adopt}
//   POST {adopt}                                 (carriers) submits the location → 201 {id}
//
// Carriers (for their own carrier), analysts and admins search; the form
// takes the area as an admin unit (the gap analysis shown, by default) or
// the map's view. The search runs as a job: the form polls links.self
// until it is done, then draws the ranked locations, each with a popup;
// a carrier adopts one with its "Adopt" button, which opens the new case.

import { $, esc, fmtNum, html, carrierLabel, carrierNames } from './util.js';
import { request, getJSON, clearProblems, showProblem, problemBox } from './api.js';
import { map, renderers, fitLayers } from './map.js';

const form = $('#search-form');
const pickerForm = $('#search-picker');
const status = $('#search-status');
const results = $('#search-results');

let who = { roles: [], org: '' };
let hooks = { openCase: () => {}, unit: () => '' };
let shown = null; // {search, fc}

const isCarrier = () => who.roles.includes('carrier');

// mayAdopt: a carrier adopts its own carrier's locations not adopted yet.
function mayAdopt(p) {
  return isCarrier() && p.carrier === who.org && !p.proposal_id;
}

function locationHTML(p) {
  const villages = (p.villages || []).map((v) => `${esc(v.name)} (${fmtNum(v.population)})`).join(', ');
  const findings = (p.conditional_findings || []).map((x) => `<li>${esc(x.message || x.rule_id)}</li>`).join('');
  let action = '';
  if (p.proposal_id) {
    action = `<button type="button" class="small secondary" data-open-case="${esc(p.proposal_id)}">Mở hồ sơ · Open case #${esc(p.proposal_id)}</button>`;
  } else if (mayAdopt(p)) {
    action = `<button type="button" class="small adopt" data-adopt="${esc(p.adopt)}" data-rank="${esc(p.rank)}">Chọn, nộp hồ sơ · Adopt</button>`;
  }
  return `<div class="search-popup" data-rank="${esc(p.rank)}"><b>#${esc(p.rank)} ${esc(p.site_code)}</b>
    <span class="meta">${esc(p.candidate_kind)} · ${esc(p.structure)} ${fmtNum(p.height_m, 1)} m</span><br>
    +<b class="marginal">${fmtNum(p.marginal_people)}</b> người · people (cộng dồn · cumulative ${fmtNum(p.cumulative_people)})<br>
    <span class="verdict ${esc(p.verdict)}">${esc(p.verdict)}</span>
    ${villages ? `<div class="meta">Thôn · Villages: ${villages}</div>` : ''}
    ${findings ? `<ul class="meta findings-short">${findings}</ul>` : ''}
    <div class="search-action">${action}</div><div class="form-problem"></div></div>`;
}

// wireLocation makes the buttons of a location's markup work.
function wireLocation(el) {
  el.querySelector('[data-adopt]')?.addEventListener('click', (ev) => adopt(ev.currentTarget, el));
  el.querySelector('[data-open-case]')?.addEventListener('click', (ev) => hooks.openCase(Number(ev.currentTarget.dataset.openCase)));
}

export const siteSearchLayer = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.circleMarker(ll, {
    renderer: renderers.search, pane: 'search', radius: 11, weight: 3, color: '#1a202c',
    fillColor: '#f6e05e', fillOpacity: 0.95, className: `search-result rank-${Number(f.properties?.rank) || 0}`,
  }),
  onEachFeature: (f, layer) => {
    const p = f.properties || {};
    layer.bindTooltip(String(p.rank ?? ''), { permanent: true, direction: 'center', className: 'search-rank' });
    layer.bindPopup(() => {
      const el = html(locationHTML(p));
      wireLocation(el);
      return el;
    }, { minWidth: 240 });
  },
});

async function adopt(button, scope) {
  const problem = scope.querySelector('.form-problem');
  clearProblems(scope, problem);
  button.disabled = true;
  try {
    const r = await request(button.dataset.adopt, { method: 'POST' });
    map.closePopup();
    status.innerHTML = `<span class="stored">Đã nộp vị trí · Adopted location #${esc(button.dataset.rank)}: hồ sơ · proposal #${esc(r.body.id)}</span>`;
    if (shown) reloadLocations(shown.search);
    hooks.openCase(r.body.id);
  } catch (e) {
    button.disabled = false;
    showProblem(scope, e, problem);
  }
}

let toggle = null;

// drawSiteSearch draws a FeatureCollection of ranked locations (rank 1
// first), replacing the ones drawn before, shows the layer and returns
// how many it drew. null clears it.
export function drawSiteSearch(fc) {
  siteSearchLayer.clearLayers();
  const feats = (fc?.features || []).filter((f) => f?.geometry?.type === 'Point')
    .sort((a, b) => a.properties.rank - b.properties.rank);
  siteSearchLayer.addData({ type: 'FeatureCollection', features: feats });
  if (toggle) {
    toggle.disabled = feats.length === 0;
    toggle.checked = feats.length > 0;
    toggle.closest('.layer-row').querySelector('.count').textContent = String(feats.length);
  }
  if (feats.length) siteSearchLayer.addTo(map); else map.removeLayer(siteSearchLayer);
  results.innerHTML = '';
  for (const f of feats) {
    const li = html(`<li class="search-location" data-rank="${esc(f.properties.rank)}">${locationHTML(f.properties)}</li>`);
    wireLocation(li);
    li.querySelector('b').addEventListener('click', () => showLocation(f.properties.rank));
    results.appendChild(li);
  }
  return feats.length;
}

// showLocation opens the popup of location rank on the map.
export function showLocation(rank) {
  for (const l of siteSearchLayer.getLayers()) {
    if (l.feature.properties.rank === rank) {
      map.setView(l.getLatLng(), Math.max(map.getZoom(), 13));
      l.openPopup();
    }
  }
}

// siteSearchToggle returns the layer's row for a layer list.
export function siteSearchToggle() {
  const row = document.createElement('div');
  row.className = 'layer-row';
  row.innerHTML = '<label><input type="checkbox" data-layer="site-search" disabled>' +
    '<span class="swatch search"></span><span class="name">Kết quả tìm vị trí · Site-search results (<span class="count">0</span>)</span></label>';
  toggle = row.querySelector('input');
  const n = siteSearchLayer.getLayers().length;
  toggle.disabled = n === 0;
  toggle.checked = map.hasLayer(siteSearchLayer);
  row.querySelector('.count').textContent = String(n);
  toggle.addEventListener('change', () => {
    if (toggle.checked) siteSearchLayer.addTo(map); else map.removeLayer(siteSearchLayer);
  });
  return row;
}

// ---- Running and opening searches ---------------------------------------

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
let opening = 0;

function searchLabel(s) {
  const area = s.params?.admin_unit || (s.params?.bbox || []).map((x) => x.toFixed(3)).join(', ') || `${(s.params?.village_ids || []).length} villages`;
  return `#${s.id} · ${carrierLabel(s.params?.carrier)} · ${area} · n=${s.params?.n} · ${s.state}`;
}

// openSearch follows search id (its document's links) until it is done,
// then draws its locations.
export async function openSearch(id) {
  const mine = ++opening;
  let s;
  for (;;) {
    try {
      s = await getJSON(`/v1/site-searches/${id}`);
    } catch (e) {
      if (mine === opening) status.innerHTML = problemBox(e);
      return;
    }
    if (mine !== opening) return;
    if (!['queued', 'running', 'retrying'].includes(s.state)) break;
    status.innerHTML = `Tìm kiếm · Search ${esc(id)}: <b data-state="${esc(s.state)}">${esc(s.state)}</b> ` +
      `<progress max="1" value="${esc(s.progress?.fraction || 0)}"></progress> ${esc(s.progress?.done)}/${esc(s.progress?.total)}`;
    await sleep(700);
  }
  if (s.state !== 'done') {
    status.innerHTML = `Tìm kiếm · Search ${esc(id)}: <b data-state="${esc(s.state)}">${esc(s.state)}</b> ${esc(s.error || '')}`;
    return;
  }
  await reloadLocations(s, mine);
}

async function reloadLocations(s, mine = opening) {
  let fc;
  try {
    fc = await getJSON(s.links.locations_geojson);
  } catch (e) {
    status.innerHTML = problemBox(e);
    return;
  }
  if (mine !== opening) return;
  const refit = shown?.search.id !== s.id;
  shown = { search: s, fc };
  const r = s.result || {};
  status.innerHTML = `Tìm kiếm · Search <b id="search-id">${esc(s.id)}</b>: <span data-state="done">done</span> · ` +
    `${esc(carrierLabel(s.params.carrier))} · <b class="n-locations">${fmtNum(r.locations)}</b> vị trí · locations cover ` +
    `<b class="covered-people">${fmtNum(r.covered_people)}</b> / ${fmtNum(r.target_people)} người · people ` +
    `(${fmtNum(r.target_villages)} thôn · target villages)<br><span class="meta">${esc(r.guarantee || '')}</span>`;
  drawSiteSearch(fc);
  if (refit && fc.features?.length) fitLayers([siteSearchLayer], { maxZoom: 13, padding: [40, 40] });
  loadSearches(s.id);
}

// loadSearches fills the picker of earlier searches.
async function loadSearches(keep) {
  let items = [];
  try {
    items = (await getJSON('/v1/site-searches?limit=50')).items || [];
  } catch {
    return;
  }
  pickerForm.hidden = items.length === 0;
  pickerForm.search.innerHTML = items.map((s) => `<option value="${esc(s.id)}">${esc(searchLabel(s))}</option>`).join('');
  if (keep) pickerForm.search.value = String(keep);
}

form.area.addEventListener('change', () => {
  form.querySelector('.search-unit').hidden = form.area.value !== 'admin_unit';
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const scope = form;
  clearProblems(scope, status);
  const body = { carrier: form.mnc.value };
  if (form.area.value === 'bbox') {
    const b = map.getBounds();
    body.bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => Math.round(x * 1e5) / 1e5);
  } else {
    body.admin_unit = form.unit.value.trim() || hooks.unit() || '';
  }
  for (const [k, input] of [['n', form.n], ['height_m', form.mast_m]]) {
    const v = input.value.trim();
    if (v !== '') body[k] = Number(v);
  }
  const run = $('#search-run');
  run.disabled = true;
  try {
    const r = await request('/v1/site-searches', { method: 'POST', body });
    await openSearch(r.body.id);
  } catch (e) {
    showProblem(scope, e, status);
  } finally {
    run.disabled = false;
  }
});

pickerForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const id = Number(pickerForm.search.value);
  if (id > 0) openSearch(id);
});

// configure readies the search for the signed-in principal: carriers
// search for their own carrier, analysts and admins for any; reviewers
// have no searches (the section is hidden). unit() names the admin unit
// of the gap analysis shown; openCase(id) shows a case.
export function configure(principal, h) {
  who = principal;
  hooks = { ...hooks, ...h };
  const may = ['carrier', 'analyst', 'admin'].some((r) => who.roles.includes(r));
  $('#site-search').hidden = !may;
  form.hidden = !may;
  if (!may) return;
  const own = isCarrier() && !who.roles.includes('admin');
  const mncs = own ? [who.org] : Object.keys(carrierNames);
  form.mnc.innerHTML = mncs.map((m) => `<option value="${esc(m)}">${esc(carrierLabel(m))}</option>`).join('');
  form.mnc.disabled = own;
  loadSearches();
}

// prefill puts the gap analysis' admin unit in the form when it is empty.
export function prefill(unit) {
  if (unit && !form.unit.value) form.unit.value = unit;
}
