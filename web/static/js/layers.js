// The zoning layers (GET /v1/layers and each layer's GeoJSON) and the
// proposals (GET /v1/proposals.geojson) on the map.
//
//   GET  /v1/layers             {layers: [{name, kind, version, current, source, licence, feature_count, geojson}]}
//   GET  <layer.geojson>        FeatureCollection; properties {id, name, category, layer, layer_kind, layer_version, attributes}
//   GET  /v1/proposals.geojson  FeatureCollection + {total, limit, offset}; properties {site_code, carrier, verdict, links{report_html}...}

import { $, esc, fmtM, reportLinks } from './util.js';
import { getJSON, problemBox } from './api.js';
import { map, renderers, mapClicked } from './map.js';

// Land-use colours follow the usual Vietnamese planning map palette.
const categoryColour = {
  RDD: '#1b5e20', RPH: '#43a047', RSX: '#81c784', LUC: '#fff176', LUK: '#fff59d', LUN: '#fff9c4',
  HNK: '#ffe082', CLN: '#ffcc80', NTS: '#4fc3f7', ONT: '#f48fb1', ODT: '#f06292', CQP: '#8d6e63',
  CAN: '#a1887f', DGT: '#9e9e9e', DTL: '#4dd0e1', DNL: '#ffb74d', DDT: '#ce93d8', TON: '#ba68c8',
  NTD: '#bdbdbd', SON: '#29b6f6', MNC: '#039be5', DBV: '#90a4ae', DCS: '#cfd8dc',
};
export const kindColour = {
  landuse: '#9e9d24', protected_area: '#1b5e20', heritage: '#8e24aa', defence: '#6d4c41',
  corridor: '#616161', settlement: '#d81b60', airport: '#3949ab', tower: '#000000',
};
// Bottom to top: wide land-use polygons first, points last.
const kindOrder = ['landuse', 'protected_area', 'heritage', 'defence', 'airport', 'corridor', 'settlement', 'tower'];
export const verdictColour = { APPROVE: '#2f855a', CONDITIONAL: '#d69e2e', CONFLICT: '#c53030' };
const verdicts = Object.keys(verdictColour);

const synthetic = /synthetic|giả lập/i;

export const zones = []; // {meta, group, visible, byId}
const kindRank = (k) => { const i = kindOrder.indexOf(k); return i < 0 ? kindOrder.length : i; };

// restackZones re-adds the visible layers bottom to top, as canvas draws
// in the order layers were added.
function restackZones() {
  for (const z of zones) map.removeLayer(z.group);
  const sorted = [...zones].sort((a, b) => kindRank(a.meta.kind) - kindRank(b.meta.kind) || a.meta.name.localeCompare(b.meta.name));
  for (const z of sorted) if (z.visible) z.group.addTo(map);
}

function zoneStyle(kind) {
  return (f) => {
    const c = (kind === 'landuse' && categoryColour[f.properties.category]) || kindColour[kind] || '#607d8b';
    const line = f.geometry && /LineString/.test(f.geometry.type);
    return {
      color: c, weight: line ? 3 : 1, opacity: 0.9, fillColor: c,
      fillOpacity: kind === 'landuse' ? 0.35 : 0.2, dashArray: kind === 'defence' ? '6 4' : null,
    };
  };
}

function zonePoint(kind) {
  return (f, latlng) => L.circleMarker(latlng, {
    radius: kind === 'tower' ? 6 : 5, color: kindColour[kind] || '#333', weight: 2,
    fillColor: kind === 'tower' ? '#fff' : (kindColour[kind] || '#333'), fillOpacity: 0.9,
  });
}

function zonePopup(meta, f) {
  const p = f.properties || {};
  const attrs = Object.entries(p.attributes || {})
    .filter(([k, v]) => v !== null && typeof v !== 'object' && k !== 'name' && k !== 'category')
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  return `<b>${esc(p.name || '(không tên · unnamed)')}</b><br>` +
    `<span class="meta">${esc(p.category)} · ${esc(meta.kind)} · ${esc(meta.name)} v${esc(meta.version)} · #${esc(p.id ?? f.id)}</span>` +
    (attrs ? `<table class="attrs">${attrs}</table>` : '');
}

// loadLayers draws every current layer and lists it with a toggle; it
// returns the layer list (for the downloads).
export async function loadLayers({ withProposals }) {
  const el = $('#layers');
  let list;
  try {
    list = await getJSON('/v1/layers');
  } catch (e) {
    el.innerHTML = problemBox(e);
    el.removeAttribute('aria-busy');
    return [];
  }
  const current = (list.layers || []).filter((l) => l.current)
    .sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || a.name.localeCompare(b.name));
  el.innerHTML = '';
  if (withProposals) el.appendChild(proposalToggle());
  if (current.length === 0) {
    el.insertAdjacentHTML('beforeend', '<p class="meta">Chưa có lớp nào · No layers loaded</p>');
  }
  const synth = current.filter((l) => synthetic.test(`${l.licence || ''} ${l.source || ''}`));
  if (synth.length > 0) showSynthetic(synth);

  await Promise.all(current.map(async (meta) => {
    const z = { meta, visible: true, byId: new Map() };
    z.group = L.geoJSON(null, {
      style: zoneStyle(meta.kind),
      pointToLayer: zonePoint(meta.kind),
      attribution: [meta.source, meta.licence].filter(Boolean).map(esc).join(' · '),
      onEachFeature: (f, layer) => {
        z.byId.set(f.properties?.id ?? f.id, layer);
        // The popup stops the click from reaching the map, so the zone
        // places the site itself; autoPan off keeps the view still.
        layer.bindPopup(() => zonePopup(meta, f), { autoPan: false });
        layer.on('click', (e) => mapClicked(e.latlng));
      },
    });
    zones.push(z);
    const isSynth = synth.includes(meta);
    const colour = kindColour[meta.kind] || '#607d8b';
    const row = document.createElement('div');
    row.className = 'layer-row';
    row.innerHTML = `<label><input type="checkbox" data-layer="${esc(meta.name)}" checked>` +
      `<span class="swatch" style="background:${esc(colour)}"></span>` +
      `<span class="name">${esc(meta.name)}</span>${isSynth ? ' <span class="synthetic-badge">SYNTHETIC</span>' : ''}</label>` +
      `<div class="meta">${esc(meta.kind)} · v${esc(meta.version)} · <span class="count">${esc(meta.feature_count)}</span> đối tượng · features` +
      `${meta.source || meta.licence ? `<br>${esc(meta.source)}${meta.licence ? ` · ${esc(meta.licence)}` : ''}` : ''}</div>`;
    row.querySelector('input').addEventListener('change', (ev) => {
      z.visible = ev.target.checked;
      restackZones();
    });
    el.appendChild(row);
    try {
      const fc = await getJSON(meta.geojson || `/v1/layers/${encodeURIComponent(meta.name)}.geojson?version=${meta.version}`);
      z.group.addData(fc);
      row.dataset.loaded = String((fc.features || []).length);
    } catch (e) {
      row.insertAdjacentHTML('beforeend', problemBox(e));
      row.dataset.loaded = 'error';
    }
  }));
  restackZones();
  el.removeAttribute('aria-busy');
  return list.layers || [];
}

function showSynthetic(layers) {
  const banner = $('#synthetic-banner');
  banner.hidden = false;
  const sources = [...new Set(layers.map((l) => [l.source, l.licence].filter(Boolean).join(' · ')))];
  $('#synthetic-layers').textContent = `${layers.length} lớp · layers: ${sources.join('; ')}`;
  const label = L.control({ position: 'topright' });
  label.onAdd = () => {
    const d = L.DomUtil.create('div', 'synthetic-map-label');
    d.id = 'synthetic-map-label';
    d.textContent = 'SYNTHETIC · DỮ LIỆU GIẢ LẬP';
    d.title = 'Demo data generated by btsplan, not real data';
    return d;
  };
  label.addTo(map);
}

// showZone frames the zone behind a finding and opens its popup.
export function showZone(f) {
  const z = zones.find((x) => x.meta.name === f.layer);
  const layer = z && z.byId.get(f.feature_id);
  if (!layer) return;
  if (!z.visible) {
    z.visible = true;
    $(`#layers input[data-layer="${CSS.escape(z.meta.name)}"]`).checked = true;
    restackZones();
  }
  if (layer.getBounds) map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 16 });
  else map.setView(layer.getLatLng(), 15);
  layer.openPopup();
}

// ---- Proposals -----------------------------------------------------

let proposals = { type: 'FeatureCollection', features: [] };
const shownVerdicts = new Set(verdicts);

export const proposalGroup = L.geoJSON(null, {
  pointToLayer: (f, latlng) => {
    const v = f.properties.verdict;
    return L.circleMarker(latlng, {
      renderer: renderers.proposals, pane: 'proposals', radius: 8, weight: 2, color: '#fff',
      fillColor: verdictColour[v] || '#718096', fillOpacity: 1,
      className: `proposal verdict-${String(v).replace(/\W/g, '')}`,
      // A click on a proposal opens it; it does not move the site under check.
      bubblingMouseEvents: false,
    });
  },
  onEachFeature: (f, layer) => {
    layer.bindPopup(() => proposalPopup(f));
    layer.bindTooltip(esc(f.properties.site_code), { direction: 'top', offset: [0, -8] });
  },
});

function proposalToggle() {
  const row = document.createElement('div');
  row.className = 'layer-row';
  row.innerHTML = '<label><input type="checkbox" data-layer="proposals" checked>' +
    '<span class="swatch" style="background:#c53030"></span><span class="name">Hồ sơ đề xuất · Proposals</span></label>';
  row.querySelector('input').addEventListener('change', (ev) => {
    if (ev.target.checked) proposalGroup.addTo(map); else map.removeLayer(proposalGroup);
  });
  return row;
}

function proposalPopup(f) {
  const p = f.properties;
  const id = p.id ?? f.id;
  const report = p.links?.report_html || `/v1/proposals/${id}/report.html`;
  return `<div class="proposal-popup" data-id="${esc(id)}"><b>${esc(p.site_code)}</b> · ${esc(p.carrier)} · #${esc(id)} r${esc(p.revision)}<br>` +
    `<span class="verdict ${esc(p.verdict)}">${esc(p.verdict)}</span> ${esc(p.status)}<br>` +
    `<span class="meta">${esc(p.structure)} · ${fmtM(p.height_m)} · ${esc(p.admin_unit)}</span><br>` +
    `${reportLinks(report)}<br>` +
    `<button type="button" class="small open-case" data-id="${esc(id)}">Hồ sơ thẩm định · Case</button>` +
    (p.coverage_png
      ? ` <button type="button" class="small cov-btn" data-geojson="${esc(p.coverage)}" data-png="${esc(p.coverage_png)}">` +
        `Vùng phủ sóng · Coverage ${esc(p.coverage_km2)} km²</button>`
      : '') +
    `</div>`;
}

// The coverage of a proposal: its received-level PNG over its bounding
// box, and the covered area's outline. (The PNG is on a lon/lat grid;
// over a few tenths of a degree Leaflet's linear stretch in Web Mercator
// is off by well under a pixel.)
let coverageLayer = null;

// showCoverage draws coverage c ({bbox, links{png, geojson}}) and returns
// its layer; null hides the one shown.
export async function showCoverage(c) {
  if (coverageLayer) map.removeLayer(coverageLayer);
  coverageLayer = null;
  if (!c) return null;
  const [w, s, e, n] = c.bbox;
  const img = L.imageOverlay(c.links.png, [[s, w], [n, e]], { opacity: 0.6, pane: 'overlayPane', className: 'coverage-image' });
  const outline = L.geoJSON(await getJSON(c.links.geojson), { style: { color: '#2b6cb0', weight: 1, fill: false } });
  coverageLayer = L.layerGroup([img, outline], { png: c.links.png }).addTo(map);
  return coverageLayer;
}

async function toggleCoverage(btn) {
  if (coverageLayer && coverageLayer.options.png === btn.dataset.png) {
    await showCoverage(null);
    return;
  }
  try {
    const c = await getJSON(btn.dataset.geojson.replace(/\.geojson$/, ''));
    await showCoverage(c);
  } catch (err) {
    btn.textContent = `coverage: ${err.message || err}`;
  }
}

let openCaseHandler = null;
// onOpenCase sets what the popup's "Case" button does.
export function onOpenCase(fn) {
  openCaseHandler = fn;
}

map.on('popupopen', (ev) => {
  const el = ev.popup.getElement();
  const btn = el?.querySelector('.cov-btn');
  if (btn) btn.addEventListener('click', () => toggleCoverage(btn));
  const cs = el?.querySelector('.open-case');
  if (cs) {
    cs.hidden = !openCaseHandler;
    cs.addEventListener('click', () => {
      map.closePopup();
      openCaseHandler(Number(cs.dataset.id));
    });
  }
});

export async function loadProposals() {
  const el = $('#proposals');
  try {
    proposals = await getJSON('/v1/proposals.geojson?limit=1000');
  } catch (e) {
    el.innerHTML = problemBox(e);
    el.removeAttribute('aria-busy');
    return;
  }
  renderProposals();
  el.removeAttribute('aria-busy');
}

export function renderProposals() {
  const el = $('#proposals');
  const feats = (proposals.features || []).filter((f) => shownVerdicts.has(f.properties.verdict));
  proposalGroup.clearLayers();
  proposalGroup.addData({ type: 'FeatureCollection', features: feats });
  const total = proposals.total ?? proposals.features.length;
  $('#proposals-count').textContent = `${feats.length} / ${total} hồ sơ · proposals` +
    (total > proposals.features.length ? ` (tải ${proposals.features.length} đầu tiên · first ${proposals.features.length} loaded)` : '');
  el.innerHTML = '';
  for (const f of feats) {
    const p = f.properties;
    const row = document.createElement('div');
    row.className = 'prop';
    row.dataset.id = p.id ?? f.id;
    row.tabIndex = 0;
    row.innerHTML = `<span class="dot ${esc(p.verdict)}"></span>${esc(p.site_code)} ` +
      `<small>${esc(p.carrier)} · r${esc(p.revision)} · ${esc(p.verdict)}</small>`;
    const open = () => {
      const [lon, lat] = f.geometry.coordinates;
      map.setView([lat, lon], Math.max(map.getZoom(), 15));
      proposalGroup.eachLayer((m) => { if (m.feature === f) m.openPopup(); });
    };
    row.addEventListener('click', open);
    row.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(); });
    el.appendChild(row);
  }
}

export function proposalCount() {
  return proposals.features.length;
}

for (const box of document.querySelectorAll('#legend input[data-verdict]')) {
  box.addEventListener('change', () => {
    if (box.checked) shownVerdicts.add(box.dataset.verdict); else shownVerdicts.delete(box.dataset.verdict);
    renderProposals();
  });
}
