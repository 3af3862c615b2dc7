// Coverage gaps, village by village: one gap analysis on the map (villages
// coloured by status, the gap polygons, the existing sites) and in a
// sortable village table.
//
//   GET  /v1/gap-analyses                        the analyses, newest first (the picker)
//   GET  /v1/gap-analyses/{id}                   {state, progress, params{carriers}, counts, links,
//                                                official{disagreements, note, …}}
//   GET  /v1/gap-analyses/{id}/villages.geojson  villages; properties {zone_id, name, population,
//                                                coverage{MNC: {status, level_dbm}}, not_spot,
//                                                predicted_status, official{status, date, …}|null,
//                                                agreement, …source}
//   GET  /v1/gap-analyses/{id}/gaps.geojson      gap polygons; properties {id, area_km2}
//   POST /v1/gap-analyses                        {admin_unit} → 202 {id} (analysts, admins)
//   GET  /v1/sites                               the existing networks' sites
//
// The picker lists the analyses (GET /v1/gap-analyses); ?gap=N in the
// page's address opens analysis N (a deep link), else the newest done one
// opens. A village the official gap list classes otherwise than the
// prediction (agreement neither agrees nor not_listed) is ringed.

import { $, $$, esc, fmtNum, html, carrierLabel } from './util.js';
import { request, getJSON, clearProblems, showProblem, problemBox } from './api.js';
import { map, renderers, fitLayers } from './map.js';

const picker = $('#gap-picker');
const starter = $('#gap-start');
const status = $('#gap-status');
const view = $('#gap-view');
const colourSelect = $('#gap-colour');
const tablePane = $('#table-pane');
const table = $('#village-table');

// Colours: red where there is no signal, amber where it is partial, green
// where it is covered.
export const notSpotColour = { total: '#c53030', partial: '#dd6b20', none: '#2f855a' };
export const statusColour = { covered: '#2f855a', lom_song: '#d69e2e', trang_song: '#c53030' };
const notSpotWords = { total: 'không nhà mạng nào · no carrier', partial: 'một số nhà mạng · some carriers', none: 'mọi nhà mạng · every carrier' };
const statusWords = { covered: 'có sóng · covered', lom_song: 'lõm sóng · patchy', trang_song: 'trắng sóng · no signal' };
const statusShort = { covered: 'có sóng', lom_song: 'lõm sóng', trang_song: 'trắng sóng' };
const agreementWords = {
  agrees: 'khớp · agrees',
  predicted_covered_official_gap: 'dự báo có sóng, danh sách báo lõm · predicted covered, listed as a gap',
  predicted_gap_official_covered: 'dự báo lõm, danh sách báo có sóng · predicted a gap, listed as covered',
  not_listed: 'không có trong danh sách · not listed',
};
const notSpotRank = { total: 0, partial: 1, none: 2 };
const statusRank = { trang_song: 0, lom_song: 1, covered: 2 };

const state = {
  analysis: null, // the analysis document
  villages: null, // FeatureCollection
  gaps: null,
  colourBy: '', // '' (not-spot over all carriers) or an MNC
  sort: { key: 'not_spot', dir: 1 },
  selected: null, // zone_id
  byId: new Map(), // zone_id → Leaflet layer
  visible: { villages: true, gaps: true, sites: true },
};

// ---- Layers ------------------------------------------------------------

function villageStatus(p) {
  if (!state.colourBy) return p.not_spot || 'unknown';
  return p.coverage?.[state.colourBy]?.status || 'unknown';
}

function villageColour(p) {
  const s = villageStatus(p);
  return (state.colourBy ? statusColour[s] : notSpotColour[s]) || '#718096';
}

// disagrees: the official list classes the village otherwise than the
// prediction.
function disagrees(p) {
  return Boolean(p.agreement) && p.agreement !== 'agrees' && p.agreement !== 'not_listed';
}

function villageClass(p) {
  return `village v-${p.zone_id} st-${String(villageStatus(p)).replace(/\W/g, '')}${disagrees(p) ? ' disagrees' : ''}` +
    `${p.zone_id === state.selected ? ' selected' : ''}`;
}

// The ring drawn around each village the official list disagrees with.
const disagreeLayer = L.layerGroup();

function drawDisagreements() {
  disagreeLayer.clearLayers();
  for (const f of state.villages?.features || []) {
    const p = f.properties;
    if (!disagrees(p)) continue;
    const ll = f.geometry?.type === 'Point' ? [f.geometry.coordinates[1], f.geometry.coordinates[0]]
      : L.geoJSON(f).getBounds().getCenter();
    disagreeLayer.addLayer(L.circleMarker(ll, {
      renderer: renderers.villages, pane: 'villages', radius: 15, weight: 3, color: '#6b46c1', dashArray: '5 3',
      fill: false, interactive: false, className: `disagreement d-${p.zone_id}`,
    }));
  }
}

const villageLayer = L.geoJSON(null, {
  style: (f) => ({
    renderer: renderers.villages, pane: 'villages', color: '#1a202c', weight: 1,
    fillColor: villageColour(f.properties), fillOpacity: 0.55, className: villageClass(f.properties),
  }),
  pointToLayer: (f, ll) => L.circleMarker(ll, {
    renderer: renderers.villages, pane: 'villages', radius: 8, color: '#1a202c', weight: 1.5,
    fillColor: villageColour(f.properties), fillOpacity: 0.95, className: villageClass(f.properties),
    bubblingMouseEvents: false,
  }),
  onEachFeature: (f, layer) => {
    state.byId.set(f.properties.zone_id, layer);
    layer.bindTooltip(esc(f.properties.name), { direction: 'top', offset: [0, -8] });
    layer.bindPopup(() => villagePopup(f.properties));
    layer.on('click', () => selectVillage(f.properties.zone_id, { fromMap: true }));
  },
});

const gapLayer = L.geoJSON(null, {
  style: () => ({
    renderer: renderers.gapAreas, pane: 'gapareas', color: '#6b46c1', weight: 1.5, dashArray: '4 3',
    fillColor: '#9f7aea', fillOpacity: 0.35, className: 'gap-area',
  }),
  onEachFeature: (f, layer) => layer.bindTooltip(`Vùng lõm · Gap #${esc(f.properties.id)}: ${fmtNum(f.properties.area_km2, 3)} km²`),
});

const siteColour = { '452-04': '#1a365d', '452-02': '#2b6cb0', '452-01': '#0987a0' };
const sitesLayer = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.circleMarker(ll, {
    renderer: renderers.sites, pane: 'sites', radius: 6, weight: 3, color: siteColour[f.properties.carrier] || '#2d3748',
    fillColor: '#fff', fillOpacity: 1, className: 'existing-site',
  }),
  onEachFeature: (f, layer) => {
    const p = f.properties;
    layer.bindTooltip(`${esc(p.site_code)} · ${esc(carrierLabel(p.carrier))} · ${fmtNum(p.height_m)} m`);
  },
});
let sitesLoaded = false;

function villagePopup(p) {
  const carriers = state.analysis?.params?.carriers || Object.keys(p.coverage || {});
  const rows = carriers.map((m) => {
    const c = p.coverage?.[m] || {};
    return `<tr><th>${esc(carrierLabel(m))}</th><td><span class="chip st-${esc(c.status)}">${esc(statusWords[c.status] || c.status || '—')}</span></td>` +
      `<td class="num">${c.level_dbm == null ? '—' : `${fmtNum(c.level_dbm, 1)}&nbsp;dBm`}</td></tr>`;
  }).join('');
  const o = p.official;
  const official = `<div class="official${disagrees(p) ? ' disagrees' : ''}" data-agreement="${esc(p.agreement)}">` +
    `Dự báo · Predicted: <span class="chip st-${esc(p.predicted_status)}">${esc(statusWords[p.predicted_status] || p.predicted_status || '—')}</span> · ` +
    `Danh sách chính thức · Official: ${o ? `<span class="chip st-${esc(o.status)}">${esc(statusWords[o.status] || o.status)}</span> ` +
      `<span class="meta">(${esc(o.date)}, v${esc(o.list_version)} dòng · line ${esc(o.line)}: ${esc(o.name)})</span>` : '—'}` +
    `<br><b>${esc(agreementWords[p.agreement] || p.agreement || '')}</b></div>`;
  const src = Object.entries(p).filter(([k, v]) => !['zone_id', 'name', 'category', 'population', 'coverage', 'not_spot',
    'predicted_status', 'official', 'agreement'].includes(k) &&
    v !== null && typeof v !== 'object').map(([k, v]) => `${esc(k)}=${esc(v)}`).join(', ');
  return `<div class="village-popup" data-id="${esc(p.zone_id)}"><b>${esc(p.name)}</b> <span class="meta">${esc(p.category)} · #${esc(p.zone_id)}</span><br>` +
    `Dân số · Population: ${fmtNum(p.population)}<br>` +
    `<span class="chip ns-${esc(p.not_spot)}">${esc(notSpotWords[p.not_spot] || p.not_spot)}</span>` +
    `<table class="attrs">${rows}</table>${official}${src ? `<div class="meta">${src}</div>` : ''}</div>`;
}

function redrawVillages() {
  state.byId.clear();
  villageLayer.clearLayers();
  if (state.villages) villageLayer.addData(state.villages);
  drawDisagreements();
  renderLegend();
}

function renderLegend() {
  const words = state.colourBy ? statusWords : notSpotWords;
  const colours = state.colourBy ? statusColour : notSpotColour;
  const counts = {};
  for (const f of state.villages?.features || []) {
    const s = villageStatus(f.properties);
    counts[s] = (counts[s] || 0) + 1;
  }
  $('#gap-legend').innerHTML = Object.keys(colours).map((k) => `<span class="legend-item" data-status="${k}">` +
    `<span class="dot" style="background:${colours[k]}"></span>${esc(words[k])} <b class="n">${counts[k] || 0}</b></span>`).join('');
}

function layerRow(key, label, swatchClass, count) {
  const row = html(`<div class="layer-row"><label><input type="checkbox" data-layer="gap-${key}"${state.visible[key] ? ' checked' : ''}>` +
    `<span class="swatch ${swatchClass}"></span><span class="name">${label} (<span class="count">${count}</span>)</span></label></div>`);
  row.querySelector('input').addEventListener('change', (ev) => {
    state.visible[key] = ev.target.checked;
    showLayers();
  });
  return row;
}

function showLayers() {
  const on = !$('#tab-gaps').hidden && state.villages;
  for (const [key, layer] of [['villages', villageLayer], ['villages', disagreeLayer], ['gaps', gapLayer], ['sites', sitesLayer]]) {
    if (on && state.visible[key]) layer.addTo(map); else map.removeLayer(layer);
  }
  tablePane.hidden = !on;
  map.invalidateSize();
}

// activate shows (or hides) the gap layers and the table with the tab.
export function activate(on) {
  if (on) showLayers();
  else {
    for (const l of [villageLayer, disagreeLayer, gapLayer, sitesLayer]) map.removeLayer(l);
    tablePane.hidden = true;
    map.invalidateSize();
  }
}

// ---- The table -----------------------------------------------------------

function sortValue(p, key) {
  switch (key) {
    case 'name': return p.name || '';
    case 'population': return p.population ?? -1;
    case 'not_spot': return notSpotRank[p.not_spot] ?? 9;
    case 'predicted': return statusRank[p.predicted_status] ?? 9;
    case 'official': return p.official ? (statusRank[p.official.status] ?? 9) : 10;
    case 'agreement': return disagrees(p) ? 0 : (p.agreement === 'agrees' ? 1 : 2);
    default: {
      const c = p.coverage?.[key.slice('carrier:'.length)] || {};
      // By status, then by level: the worst first.
      return (statusRank[c.status] ?? 9) * 1000 + (c.level_dbm ?? -999);
    }
  }
}

function renderTable() {
  const carriers = state.analysis.params.carriers || [];
  const cols = [['name', 'Tên · Name'], ['population', 'Dân số · Population'], ['not_spot', 'Không sóng · Not-spot'],
    ...carriers.map((m) => [`carrier:${m}`, esc(carrierLabel(m))]),
    ['predicted', 'Dự báo · Predicted'], ['official', 'Chính thức · Official'], ['agreement', 'So sánh · Agreement']];
  const { key, dir } = state.sort;
  table.tHead.innerHTML = '<tr>' + cols.map(([k, label]) => `<th aria-sort="${k === key ? (dir > 0 ? 'ascending' : 'descending') : 'none'}">` +
    `<button type="button" class="sort" data-key="${esc(k)}">${label}${k === key ? (dir > 0 ? ' ▲' : ' ▼') : ''}</button></th>`).join('') + '</tr>';
  for (const b of $$('button.sort', table.tHead)) {
    b.addEventListener('click', () => {
      state.sort = { key: b.dataset.key, dir: b.dataset.key === state.sort.key ? -state.sort.dir : (b.dataset.key === 'population' ? -1 : 1) };
      renderTable();
    });
  }
  const feats = [...state.villages.features].sort((a, b) => {
    const x = sortValue(a.properties, key);
    const y = sortValue(b.properties, key);
    const c = typeof x === 'string' ? x.localeCompare(y, 'vi') : x - y;
    return c * dir || a.properties.zone_id - b.properties.zone_id;
  });
  table.tBodies[0].innerHTML = feats.map((f) => {
    const p = f.properties;
    const cells = carriers.map((m) => {
      const c = p.coverage?.[m] || {};
      return `<td data-carrier="${esc(m)}" data-status="${esc(c.status)}"><span class="chip st-${esc(c.status)}" title="${esc(c.status)}">${esc(statusShort[c.status] || c.status || '—')}</span> ` +
        `<span class="level">${c.level_dbm == null ? '—' : fmtNum(c.level_dbm, 1)}</span></td>`;
    }).join('');
    const o = p.official;
    const cls = [p.zone_id === state.selected ? 'selected' : '', disagrees(p) ? 'disagrees' : ''].filter(Boolean).join(' ');
    return `<tr data-id="${esc(p.zone_id)}" tabindex="0"${cls ? ` class="${cls}"` : ''} data-agreement="${esc(p.agreement)}">` +
      `<td class="name">${esc(p.name)}</td><td class="population num">${fmtNum(p.population)}</td>` +
      `<td><span class="chip ns-${esc(p.not_spot)}">${esc(p.not_spot)}</span></td>${cells}` +
      `<td class="predicted"><span class="chip st-${esc(p.predicted_status)}">${esc(statusShort[p.predicted_status] || p.predicted_status || '—')}</span></td>` +
      `<td class="official">${o ? `<span class="chip st-${esc(o.status)}">${esc(statusShort[o.status] || o.status)}</span> <span class="meta">${esc(o.date)}</span>` : '—'}</td>` +
      `<td class="agreement">${disagrees(p) ? '<b class="disagree-badge">≠ KHÁC · DISAGREES</b>' : esc(p.agreement === 'agrees' ? '= khớp · agrees' : '')}</td></tr>`;
  }).join('');
  $('#village-count').textContent = `${feats.length} thôn, bản · villages; mức thu dBm · level in dBm`;
}

table.tBodies[0].addEventListener('click', (ev) => {
  const tr = ev.target.closest('tr[data-id]');
  if (tr) selectVillage(Number(tr.dataset.id));
});
table.tBodies[0].addEventListener('keydown', (ev) => {
  const tr = ev.target.closest('tr[data-id]');
  if (tr && ev.key === 'Enter') selectVillage(Number(tr.dataset.id));
});

// selectVillage highlights village id in the table and on the map.
export function selectVillage(id, { fromMap = false } = {}) {
  const prev = state.byId.get(state.selected);
  if (prev) {
    prev.getElement()?.classList.remove('selected');
    if (prev.setRadius) prev.setRadius(8);
    prev.setStyle({ weight: prev.setRadius ? 1.5 : 1 });
  }
  state.selected = id;
  for (const tr of $$('tr.selected', table)) tr.classList.remove('selected');
  const tr = table.querySelector(`tr[data-id="${id}"]`);
  if (tr) {
    tr.classList.add('selected');
    if (fromMap) tr.scrollIntoView({ block: 'nearest' });
  }
  const layer = state.byId.get(id);
  if (!layer) return;
  if (layer.setRadius) layer.setRadius(13);
  layer.setStyle({ weight: 4 });
  layer.bringToFront();
  layer.getElement()?.classList.add('selected');
  if (!fromMap) {
    if (layer.getBounds) map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [40, 40] });
    else map.setView(layer.getLatLng(), Math.max(map.getZoom(), 13));
    layer.openPopup();
  }
}

// ---- Picking an analysis -----------------------------------------------

let listed = []; // GET /v1/gap-analyses' items
let listReady = Promise.resolve();

function analysisLabel(a) {
  const area = a.params?.admin_unit || (a.params?.bbox || []).join(', ');
  return `#${a.id} · ${area} · ${a.state} · ${new Date(a.created_at).toLocaleString('vi-VN')}`;
}

// loadList fills the picker with the analyses, newest first, keeping the
// one chosen (or choosing select when given).
async function loadList(select) {
  const keep = select ?? Number(picker.analysis.value);
  try {
    listed = (await getJSON('/v1/gap-analyses?limit=200')).items || [];
  } catch (e) {
    status.innerHTML = problemBox(e);
    listed = [];
  }
  renderList(keep);
}

function renderList(keep) {
  const opts = listed.map((a) => `<option value="${esc(a.id)}" data-state="${esc(a.state)}">${esc(analysisLabel(a))}</option>`);
  // A deep link to an analysis past the list's first page still opens.
  if (keep > 0 && !listed.some((a) => a.id === keep)) opts.push(`<option value="${esc(keep)}">#${esc(keep)}</option>`);
  picker.analysis.innerHTML = opts.join('') || '<option value="">(chưa có · none yet)</option>';
  if (keep > 0) picker.analysis.value = String(keep);
}

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
let opening = 0;

// openAnalysis shows analysis id, waiting while it is queued or running.
export async function openAnalysis(id) {
  const mine = ++opening;
  clearProblems(picker.parentElement);
  if (!listed.some((a) => a.id === id) && ![...picker.analysis.options].some((o) => o.value === String(id))) renderList(id);
  picker.analysis.value = String(id);
  status.textContent = '…';
  let a;
  for (;;) {
    try {
      a = await getJSON(`/v1/gap-analyses/${id}`);
    } catch (e) {
      if (mine !== opening) return;
      status.textContent = '';
      showProblem(picker.parentElement, e, status);
      return;
    }
    if (mine !== opening) return;
    if (!['queued', 'running', 'retrying'].includes(a.state)) break;
    status.innerHTML = `Phân tích · Analysis ${esc(id)}: <b data-state="${esc(a.state)}">${esc(a.state)}</b> ` +
      `<progress max="1" value="${esc(a.progress?.fraction || 0)}"></progress> ${esc(a.progress?.done)}/${esc(a.progress?.total)}`;
    await sleep(700);
  }
  if (a.state !== 'done') {
    status.innerHTML = `Phân tích · Analysis ${esc(id)}: <b data-state="${esc(a.state)}">${esc(a.state)}</b> ${esc(a.error || '')}`;
    return;
  }
  let villages, gaps;
  try {
    [villages, gaps] = await Promise.all([getJSON(a.links.villages_geojson), getJSON(a.links.gaps_geojson)]);
  } catch (e) {
    status.innerHTML = problemBox(e);
    return;
  }
  if (mine !== opening) return;
  Object.assign(state, { analysis: a, villages, gaps, selected: null });
  const u = new URL(location.href);
  u.searchParams.set('gap', String(id));
  history.replaceState(null, '', u);
  status.innerHTML = `Phân tích · Analysis <b id="gap-id">${esc(a.id)}</b>: <span data-state="done">done</span> · ` +
    `${esc(a.params.admin_unit || (a.params.bbox || []).join(', '))} · ${esc(new Date(a.done_at || a.created_at).toLocaleString('vi-VN'))}`;
  render();
  if (!sitesLoaded) {
    sitesLoaded = true;
    getJSON('/v1/sites').then((fc) => {
      sitesLayer.addData(fc);
      const c = $('#gap-layers [data-layer="gap-sites"]')?.closest('.layer-row').querySelector('.count');
      if (c) c.textContent = String(fc.features?.length || 0);
    }, () => { sitesLoaded = false; });
  }
  renderOfficial(a.official);
  view.dataset.analysis = String(a.id);
  view.dataset.ready = 'true';
  fitLayers([villageLayer, gapLayer], { maxZoom: 13, padding: [30, 30] });
}

function render() {
  const a = state.analysis;
  const k = a.counts || {};
  view.hidden = false;
  const carriers = a.params.carriers || [];
  colourSelect.innerHTML = '<option value="">Mọi nhà mạng: vùng không sóng · All carriers: not-spot</option>' +
    carriers.map((m) => `<option value="${esc(m)}">${esc(carrierLabel(m))}: có sóng, lõm, trắng · covered, lõm, trắng</option>`).join('');
  if (!carriers.includes(state.colourBy)) state.colourBy = '';
  colourSelect.value = state.colourBy;
  const per = carriers.map((m) => {
    const c = k.carriers?.[m] || {};
    return `<tr><th>${esc(carrierLabel(m))}</th><td>${fmtNum(c.covered)}</td><td>${fmtNum(c.lom_song)}</td><td>${fmtNum(c.trang_song)}</td></tr>`;
  }).join('');
  $('#gap-summary').innerHTML = `<p><b class="n-villages">${fmtNum(k.villages)}</b> thôn, bản · villages, ${fmtNum(k.people)} người · people;
    không nhà mạng nào · no carrier: <b class="n-total">${fmtNum(k.not_spot?.total)}</b> (${fmtNum(k.people_not_spot?.total)} người · people),
    một số · some: <b class="n-partial">${fmtNum(k.not_spot?.partial)}</b>; vùng lõm · gaps ${fmtNum(k.gap_km2, 2)} km²</p>
    <table class="counts"><tr><th></th><th>có sóng · covered</th><th>lõm sóng</th><th>trắng sóng</th></tr>${per}</table>`;
  const layers = $('#gap-layers');
  layers.innerHTML = '';
  layers.append(
    layerRow('villages', 'Thôn, bản · Villages', 'village', state.villages.features.length),
    layerRow('gaps', 'Vùng lõm · Gap polygons', 'gap', state.gaps.features.length),
    layerRow('sites', 'Trạm hiện có · Existing sites', 'site', sitesLayer.getLayers().length),
  );
  $('#gap-links').innerHTML = `Tải · Download: <a href="${esc(a.links.villages_geojson)}" download="villages-${a.id}.geojson">villages.geojson</a> · ` +
    `<a href="${esc(a.links.gaps_geojson)}" download="gaps-${a.id}.geojson">gaps.geojson</a> · ` +
    `<a href="${esc(a.links.villages)}" target="_blank" rel="noopener">villages (JSON)</a>`;
  redrawVillages();
  gapLayer.clearLayers();
  gapLayer.addData(state.gaps);
  renderTable();
  showLayers();
}

colourSelect.addEventListener('change', () => {
  state.colourBy = colourSelect.value;
  redrawVillages();
  if (state.selected != null) selectVillage(state.selected, { fromMap: true });
});

// renderOfficial shows the analysis against the official gap list: the
// counts and the note, verbatim.
function renderOfficial(o) {
  const box = $('#gap-official');
  if (!o) {
    box.innerHTML = '';
    return;
  }
  box.innerHTML = o.list_version == null
    ? '<p class="meta">Chưa nhập danh sách chính thức · No official gap list imported.</p>'
    : `<p>Danh sách chính thức · Official list v${esc(o.list_version)}: ${fmtNum(o.listed)} thôn · villages listed,
      khớp · agree <b class="n-agrees">${fmtNum(o.agrees)}</b>,
      <span class="${o.disagreements ? 'disagree-badge' : ''}">khác · disagree <b class="n-disagreements">${fmtNum(o.disagreements)}</b></span>
      (dự báo có sóng, danh sách báo lõm · predicted covered, listed as a gap ${fmtNum(o.predicted_covered_official_gap)};
      dự báo lõm, danh sách báo có sóng · predicted a gap, listed as covered ${fmtNum(o.predicted_gap_official_covered)});
      không có trong danh sách · not listed ${fmtNum(o.not_listed)}
      (${fmtNum(o.not_listed_predicted_gap)} dự báo lõm · predicted a gap).
      <span class="legend-item"><span class="ring"></span>vòng tím: khác danh sách · purple ring: disagrees with the list</span></p>`;
  if (o.note) box.insertAdjacentHTML('beforeend', `<p class="meta official-note"></p>`);
  const note = box.querySelector('.official-note');
  if (note) note.textContent = o.note;
}

picker.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const id = Number(picker.analysis.value);
  if (Number.isInteger(id) && id > 0) openAnalysis(id);
});
picker.analysis.addEventListener('change', () => {
  const id = Number(picker.analysis.value);
  if (Number.isInteger(id) && id > 0) openAnalysis(id);
});

starter.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const scope = starter.parentElement;
  clearProblems(scope);
  try {
    const r = await request('/v1/gap-analyses', { method: 'POST', body: { admin_unit: starter.admin_unit.value.trim() } });
    await loadList(r.body.id);
    await openAnalysis(r.body.id);
    loadList(r.body.id);
  } catch (e) {
    showProblem(scope, e, status);
  }
});

// configure readies the tab: analysts and admins may start analyses. The
// picker lists the analyses and chooses ?gap=N, else the newest done one.
export function configure({ canStart }) {
  starter.hidden = !canStart;
  const fromURL = Number(new URLSearchParams(location.search).get('gap'));
  listReady = loadList(Number.isInteger(fromURL) && fromURL > 0 ? fromURL : undefined).then(() => {
    if (!(fromURL > 0)) {
      const done = listed.find((a) => a.state === 'done');
      if (done) picker.analysis.value = String(done.id);
    }
  });
}

// openChosen opens the analysis the picker chooses, once it is filled.
export async function openChosen() {
  await listReady;
  const id = Number(picker.analysis.value);
  if (!opened() && Number.isInteger(id) && id > 0) await openAnalysis(id);
}

export function opened() {
  return state.analysis !== null;
}

// shownId is the analysis shown, else the one the picker names.
export function shownId() {
  return state.analysis?.id ?? (Number(picker.analysis.value) || null);
}

export { villageLayer, gapLayer, sitesLayer, state as gapState };
