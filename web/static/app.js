// btsplan web map: plain JavaScript over Leaflet, drawing btsplan's own
// GeoJSON (there is no base map: nothing is fetched from the internet).
'use strict';

const lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'vi';
const map = L.map('map', { preferCanvas: true }).setView([21.9, 104.9], 11);
L.control.scale({ imperial: false }).addTo(map);

// Land-use colours follow the usual Vietnamese planning map palette.
const categoryColour = {
  RDD: '#1b5e20', RPH: '#43a047', RSX: '#81c784', LUC: '#fff176', LUK: '#fff59d', LUN: '#fff9c4',
  HNK: '#ffe082', CLN: '#ffcc80', NTS: '#4fc3f7', ONT: '#f48fb1', ODT: '#f06292', CQP: '#8d6e63',
  CAN: '#a1887f', DGT: '#9e9e9e', DTL: '#4dd0e1', DNL: '#ffb74d', DDT: '#ce93d8', TON: '#ba68c8',
  NTD: '#bdbdbd', SON: '#29b6f6', MNC: '#039be5',
};
const kindColour = {
  protected_area: '#1b5e20', heritage: '#8e24aa', defence: '#6d4c41', corridor: '#616161',
  settlement: '#d81b60', airport: '#3949ab', tower: '#000000',
};

function style(kind) {
  return (f) => {
    const c = categoryColour[f.properties.category] || kindColour[kind] || '#607d8b';
    return { color: c, weight: kind === 'corridor' ? 3 : 1, fillColor: c, fillOpacity: kind === 'landuse' ? 0.35 : 0.2 };
  };
}

function pointStyle(kind) {
  return (f, latlng) => L.circleMarker(latlng, {
    radius: kind === 'tower' ? 6 : 4, color: kindColour[kind] || '#333', weight: 2,
    fillColor: kind === 'tower' ? '#fff' : (kindColour[kind] || '#333'), fillOpacity: 0.9,
  });
}

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function popup(props) {
  const rows = Object.entries(props).filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  return `<table>${rows}</table>`;
}

async function getJSON(url, opts) {
  const r = await fetch(url, opts);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    const err = new Error(body.detail || body.title || r.statusText);
    err.problem = body;
    throw err;
  }
  return body;
}

const overlays = {};
let bounds = null;

async function loadLayers() {
  const el = document.getElementById('layers');
  let list;
  try {
    list = await getJSON('/v1/layers');
  } catch (e) {
    el.innerHTML = `<div class="problem">${esc(e.message)}</div>`;
    return;
  }
  const layers = (list.layers || list.items || list).filter((l) => l.current !== false);
  el.innerHTML = '';
  for (const l of layers) {
    const id = `layer-${l.name}`;
    const row = document.createElement('label');
    row.innerHTML = `<input type="checkbox" id="${esc(id)}" checked> ${esc(l.name)} <small>(${esc(l.kind)}, v${esc(l.version)}, ${esc(l.feature_count)})</small>`;
    el.appendChild(row);
    const group = L.geoJSON(null, { style: style(l.kind), pointToLayer: pointStyle(l.kind),
      onEachFeature: (f, layer) => layer.bindPopup(`<b>${esc(f.properties.name)}</b> ${esc(f.properties.category)}<br>${popup(f.properties.attributes || {})}`) });
    overlays[l.name] = group;
    group.addTo(map);
    fetch(`/v1/layers/${encodeURIComponent(l.name)}.geojson`).then((r) => r.json()).then((fc) => {
      group.addData(fc);
      const b = group.getBounds();
      if (b.isValid()) {
        bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
        map.fitBounds(bounds);
      }
    });
    row.querySelector('input').addEventListener('change', (ev) => {
      if (ev.target.checked) group.addTo(map); else map.removeLayer(group);
    });
  }
}

const proposalLayer = L.geoJSON(null, {
  pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 8, weight: 2, color: '#fff',
    fillColor: verdictColour(f.properties.verdict), fillOpacity: 1 }),
  onEachFeature: (f, layer) => layer.bindPopup(proposalPopup(f)),
}).addTo(map);

function verdictColour(v) {
  return { APPROVE: '#2f855a', CONDITIONAL: '#d69e2e', CONFLICT: '#c53030' }[v] || '#718096';
}

function proposalPopup(f) {
  const p = f.properties;
  const id = p.id ?? f.id;
  return `<b>${esc(p.site_code)}</b> · ${esc(p.carrier)}<br>` +
    `<span class="verdict ${esc(p.verdict)}">${esc(p.verdict)}</span> ${esc(p.structure)} ${esc(p.height_m)} m<br>` +
    `<a href="/v1/proposals/${esc(id)}/report.html?lang=${lang}" target="_blank">Báo cáo · Report</a>`;
}

async function loadProposals() {
  const el = document.getElementById('proposals');
  let fc;
  try {
    fc = await getJSON('/v1/proposals.geojson?limit=1000');
  } catch (e) {
    el.innerHTML = `<div class="problem">${esc(e.message)}</div>`;
    return;
  }
  proposalLayer.clearLayers();
  proposalLayer.addData(fc);
  el.innerHTML = '';
  for (const f of fc.features) {
    const p = f.properties;
    const row = document.createElement('div');
    row.className = 'prop';
    row.innerHTML = `<span class="dot ${esc(p.verdict)}"></span>${esc(p.site_code)} <small>${esc(p.carrier)} r${esc(p.revision)}</small>`;
    row.addEventListener('click', () => {
      const [lon, lat] = f.geometry.coordinates;
      map.setView([lat, lon], 15);
      proposalLayer.eachLayer((m) => { if (m.feature === f) m.openPopup(); });
    });
    el.appendChild(row);
  }
}

// Site form: click the map to place the site.
const form = document.getElementById('check');
let siteMarker = null;
map.on('click', (e) => {
  form.lon.value = e.latlng.lng.toFixed(6);
  form.lat.value = e.latlng.lat.toFixed(6);
  placeMarker();
});

function placeMarker() {
  const lat = parseFloat(form.lat.value), lon = parseFloat(form.lon.value);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
  if (siteMarker) siteMarker.setLatLng([lat, lon]); else siteMarker = L.marker([lat, lon]).addTo(map);
}

function siteFeature() {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [parseFloat(form.lon.value), parseFloat(form.lat.value)] },
    properties: {
      carrier: form.carrier.value, site_code: form.site_code.value,
      structure: form.structure.value, height_m: parseFloat(form.height_m.value),
    },
  };
}

function showResult(a) {
  const findings = (a.findings || []).map((f) => `<div class="finding ${esc(f.severity)}">
      <b>${esc(f.rule_id)}</b> · ${esc(f.feature_name || f.layer)} <span class="meta">(${esc(f.category)})</span><br>
      ${esc(f.message)}<br>
      <span class="meta">${esc(f.distance_m?.toFixed?.(1) ?? f.distance_m)} m · ${esc(f.authority || '')} · ${esc(f.legal_basis)}</span></div>`).join('');
  const link = a.id ? ` <a href="/v1/proposals/${esc(a.id)}/report.html?lang=${lang}" target="_blank">Báo cáo · Report</a>` : '';
  document.getElementById('result').innerHTML =
    `<p><span class="verdict ${esc(a.verdict)}">${esc(a.verdict)}</span>${link}</p>${findings || '<p>Không có phát hiện · No findings</p>'}`;
}

function showProblem(e) {
  const p = e.problem || {};
  const fields = (p.errors || []).map((x) => `${esc(x.field)}: ${esc(x.reason)}`).join('<br>');
  document.getElementById('result').innerHTML =
    `<div class="problem"><b>${esc(p.title || 'Error')}</b><br>${esc(p.detail || e.message)}${p.field ? `<br>${esc(p.field)}` : ''}${fields ? `<br>${fields}` : ''}</div>`;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  placeMarker();
  try {
    showResult(await getJSON(`/v1/checks?lang=${lang}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(siteFeature()) }));
  } catch (e) { showProblem(e); }
});

document.getElementById('submit-proposal').addEventListener('click', async () => {
  placeMarker();
  try {
    const r = await getJSON(`/v1/proposals?lang=${lang}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(siteFeature()) });
    const a = r.assessment || r;
    a.id = r.id ?? r.proposal?.id;
    showResult(a);
    loadProposals();
  } catch (e) { showProblem(e); }
});

loadLayers();
loadProposals();
