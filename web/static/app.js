// btsplan web map: plain JavaScript over Leaflet, drawing btsplan's own
// GeoJSON (there is no base map: nothing is fetched from the internet).
//
// The API it reads (see /openapi.json):
//   GET  /v1/layers                  {layers: [{name, kind, version, current, source, licence, feature_count, geojson}]}
//   GET  <layer.geojson>             FeatureCollection; properties {id, name, category, layer, layer_kind, layer_version, attributes}
//   GET  /v1/proposals.geojson       FeatureCollection + {total, limit, offset}; properties {site_code, carrier, verdict, links{report_html}...}
//   POST /v1/checks, /v1/proposals   a site Feature; answer an Assessment {verdict, findings[]} or
//                                    {id, proposal, assessment}; a problem is application/problem+json
//                                    {title, status, detail, errors[{field, reason}], existing}
'use strict';

(() => {
  const $ = (sel) => document.querySelector(sel);

  // Language of the findings' messages and of the report links opened first.
  const langSelect = $('#lang');
  let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'vi';
  langSelect.value = lang;
  langSelect.addEventListener('change', () => {
    lang = langSelect.value;
    const u = new URL(location.href);
    u.searchParams.set('lang', lang);
    history.replaceState(null, '', u);
    document.documentElement.lang = lang;
    renderProposals();
  });
  document.documentElement.lang = lang;

  // Vietnam until the data says where to look.
  const map = L.map('map', { preferCanvas: true, zoomSnap: 0.25 }).setView([16.0, 106.5], 5);
  L.control.scale({ imperial: false }).addTo(map);
  map.attributionControl.setPrefix('<a href="vendor/leaflet/LICENSE">Leaflet</a>');

  // Zones draw on one canvas (a canvas per pane would hide the clicks of
  // the panes below it); proposals and the site under check are SVG in
  // panes above, so that each marker is an element of its own.
  map.createPane('proposals').style.zIndex = 450;
  map.createPane('site').style.zIndex = 460;
  const proposalRenderer = L.svg({ pane: 'proposals' });
  const siteRenderer = L.svg({ pane: 'site' });

  // Land-use colours follow the usual Vietnamese planning map palette.
  const categoryColour = {
    RDD: '#1b5e20', RPH: '#43a047', RSX: '#81c784', LUC: '#fff176', LUK: '#fff59d', LUN: '#fff9c4',
    HNK: '#ffe082', CLN: '#ffcc80', NTS: '#4fc3f7', ONT: '#f48fb1', ODT: '#f06292', CQP: '#8d6e63',
    CAN: '#a1887f', DGT: '#9e9e9e', DTL: '#4dd0e1', DNL: '#ffb74d', DDT: '#ce93d8', TON: '#ba68c8',
    NTD: '#bdbdbd', SON: '#29b6f6', MNC: '#039be5', DBV: '#90a4ae', DCS: '#cfd8dc',
  };
  const kindColour = {
    landuse: '#9e9d24', protected_area: '#1b5e20', heritage: '#8e24aa', defence: '#6d4c41',
    corridor: '#616161', settlement: '#d81b60', airport: '#3949ab', tower: '#000000',
  };
  // Bottom to top: wide land-use polygons first, points last.
  const kindOrder = ['landuse', 'protected_area', 'heritage', 'defence', 'airport', 'corridor', 'settlement', 'tower'];
  const verdictColour = { APPROVE: '#2f855a', CONDITIONAL: '#d69e2e', CONFLICT: '#c53030' };
  const verdicts = Object.keys(verdictColour);

  const synthetic = /synthetic|giả lập/i;

  function esc(s) {
    return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function fmtM(v) {
    return typeof v === 'number' && Number.isFinite(v) ? `${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} m` : '—';
  }

  // withLang returns an API link with its lang parameter set.
  function withLang(link, l) {
    const u = new URL(link, location.origin);
    u.searchParams.set('lang', l);
    return u.pathname + u.search;
  }

  function reportLinks(link) {
    return `<span class="reports">Báo cáo · Report: ` +
      `<a href="${esc(withLang(link, 'vi'))}" target="_blank" rel="noopener" data-lang="vi">tiếng Việt</a> · ` +
      `<a href="${esc(withLang(link, 'en'))}" target="_blank" rel="noopener" data-lang="en">English</a></span>`;
  }

  // getJSON fetches JSON; a non-2xx answer throws an Error carrying the
  // problem document (or a stand-in when the body is not JSON).
  async function getJSON(url, opts = {}) {
    const r = await fetch(url, {
      ...opts,
      headers: { Accept: 'application/json, application/geo+json, application/problem+json', ...(opts.headers || {}) },
    });
    let body = null;
    try {
      body = await r.json();
    } catch {
      body = null;
    }
    if (!r.ok) {
      const problem = body && typeof body === 'object' ? body : { title: r.statusText, status: r.status };
      const err = new Error(problem.detail || problem.title || `HTTP ${r.status}`);
      err.problem = { status: r.status, ...problem };
      throw err;
    }
    if (body === null) throw new Error(`${url}: the answer is not JSON`);
    return body;
  }

  function problemBox(e) {
    return `<div class="problem">${esc(e.message)}</div>`;
  }

  // ---- Zoning layers -------------------------------------------------

  const zones = []; // {meta, group, visible, byId, row}
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

  async function loadLayers() {
    const el = $('#layers');
    let list;
    try {
      list = await getJSON('/v1/layers');
    } catch (e) {
      el.innerHTML = problemBox(e);
      el.removeAttribute('aria-busy');
      return;
    }
    const current = (list.layers || []).filter((l) => l.current)
      .sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || a.name.localeCompare(b.name));
    el.innerHTML = '';
    el.appendChild(proposalToggle());
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
          layer.on('click', (e) => placeSiteAt(e.latlng));
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

  // ---- Proposals -----------------------------------------------------

  let proposals = { type: 'FeatureCollection', features: [] };
  const shownVerdicts = new Set(verdicts);
  let proposalsVisible = true;

  const proposalGroup = L.geoJSON(null, {
    pointToLayer: (f, latlng) => {
      const v = f.properties.verdict;
      return L.circleMarker(latlng, {
        renderer: proposalRenderer, pane: 'proposals', radius: 8, weight: 2, color: '#fff',
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
  }).addTo(map);

  function proposalToggle() {
    const row = document.createElement('div');
    row.className = 'layer-row';
    row.innerHTML = '<label><input type="checkbox" data-layer="proposals" checked>' +
      '<span class="swatch" style="background:#c53030"></span><span class="name">Hồ sơ đề xuất · Proposals</span></label>';
    row.querySelector('input').addEventListener('change', (ev) => {
      proposalsVisible = ev.target.checked;
      if (proposalsVisible) proposalGroup.addTo(map); else map.removeLayer(proposalGroup);
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
      `${reportLinks(report)}` +
      (p.coverage_png
        ? `<br><button type="button" class="cov-btn" data-geojson="${esc(p.coverage)}" data-png="${esc(p.coverage_png)}">` +
          `Vùng phủ sóng · Coverage ${esc(p.coverage_km2)} km²</button>`
        : '') +
      `</div>`;
  }

  // The coverage of a proposal: its received-level PNG over its bounding
  // box, and the covered area's outline, toggled from the proposal's popup.
  // (The PNG is on a lon/lat grid; over a few tenths of a degree Leaflet's
  // linear stretch in Web Mercator is off by well under a pixel.)
  let coverageLayer = null;
  async function toggleCoverage(btn) {
    if (coverageLayer) {
      map.removeLayer(coverageLayer);
      const same = coverageLayer.options.png === btn.dataset.png;
      coverageLayer = null;
      if (same) return;
    }
    try {
      const self = btn.dataset.geojson.replace(/\.geojson$/, '');
      const c = await getJSON(self);
      const [w, s, e, n] = c.bbox;
      const img = L.imageOverlay(btn.dataset.png, [[s, w], [n, e]], { opacity: 0.6, pane: 'overlayPane' });
      const outline = L.geoJSON(await getJSON(btn.dataset.geojson), { style: { color: '#2b6cb0', weight: 1, fill: false } });
      coverageLayer = L.layerGroup([img, outline], { png: btn.dataset.png }).addTo(map);
    } catch (err) {
      btn.textContent = `coverage: ${err.message || err}`;
    }
  }
  map.on('popupopen', (ev) => {
    const btn = ev.popup.getElement()?.querySelector('.cov-btn');
    if (btn) btn.addEventListener('click', () => toggleCoverage(btn));
  });

  async function loadProposals() {
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

  function renderProposals() {
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

  for (const box of document.querySelectorAll('#legend input[data-verdict]')) {
    box.addEventListener('change', () => {
      if (box.checked) shownVerdicts.add(box.dataset.verdict); else shownVerdicts.delete(box.dataset.verdict);
      renderProposals();
    });
  }

  // ---- The site under check ------------------------------------------

  const form = $('#check');
  const result = $('#result');
  let siteMarker = null;

  // placeSiteAt puts the site under check at a clicked point.
  function placeSiteAt(latlng) {
    form.lon.value = latlng.lng.toFixed(7);
    form.lat.value = latlng.lat.toFixed(7);
    clearProblems();
    result.innerHTML = '<p class="meta">Bấm Kiểm tra hoặc Nộp hồ sơ · Press Check or Submit</p>';
    placeMarker(null);
  }
  map.on('click', (e) => placeSiteAt(e.latlng));
  for (const name of ['lon', 'lat']) form[name].addEventListener('change', () => placeMarker(null));

  function placeMarker(verdict) {
    const lat = parseFloat(form.lat.value);
    const lon = parseFloat(form.lon.value);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return;
    const style = { fillColor: verdictColour[verdict] || '#2b6cb0' };
    if (siteMarker) {
      siteMarker.setLatLng([lat, lon]).setStyle(style);
    } else {
      siteMarker = L.circleMarker([lat, lon], {
        renderer: siteRenderer, pane: 'site', radius: 9, weight: 3, color: '#111', fillOpacity: 0.9,
        className: 'site-marker', interactive: false, ...style,
      }).addTo(map);
    }
  }

  // number sends an empty field as null so that the API names it missing.
  function number(input) {
    const v = input.value.trim();
    if (v === '') return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : v;
  }

  function siteFeature() {
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [number(form.lon), number(form.lat)] },
      properties: {
        carrier: form.carrier.value,
        site_code: form.site_code.value.trim(),
        structure: form.structure.value,
        height_m: number(form.height_m),
      },
    };
  }

  // fieldInputs maps a problem's JSON pointer to the form inputs it names.
  function fieldInputs(pointer) {
    const p = String(pointer || '');
    if (p === '/geometry/coordinates/0') return ['lon'];
    if (p === '/geometry/coordinates/1') return ['lat'];
    if (p.startsWith('/geometry')) return ['lon', 'lat'];
    const m = /^\/properties\/([^/]+)/.exec(p);
    if (m && form.elements[m[1]]) return [m[1]];
    return [];
  }

  function clearProblems() {
    for (const d of form.querySelectorAll('.field-error')) d.textContent = '';
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  function showProblem(e) {
    const p = e.problem || { title: 'Lỗi · Error', detail: e.message };
    const errors = p.errors?.length ? p.errors : (p.field ? [{ field: p.field, reason: p.detail }] : []);
    for (const x of errors) {
      const names = fieldInputs(x.field);
      for (const n of names) form.elements[n].setAttribute('aria-invalid', 'true');
      if (names.length === 0) continue;
      const box = form.querySelector(`.field-error[data-for~="${names[0]}"]`);
      box.insertAdjacentHTML('beforeend', `<div data-field="${esc(x.field)}">${esc(x.reason)}</div>`);
    }
    const list = errors.map((x) => `<li><code>${esc(x.field)}</code>: ${esc(x.reason)}</li>`).join('');
    const existing = p.existing
      ? `<br>Đã có · Existing: <a href="${esc(p.existing)}" target="_blank" rel="noopener">${esc(p.existing)}</a> · ${reportLinks(`${p.existing}/report.html`)}`
      : '';
    result.innerHTML = `<div class="problem" role="alert"><b>${esc(p.title || 'Lỗi · Error')}${p.status ? ` (${esc(p.status)})` : ''}</b>` +
      (list ? `<ul>${list}</ul>` : `<br>${esc(p.detail || e.message)}`) + existing + '</div>';
  }

  function findingHTML(f, i) {
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

  function showAssessment(a, stored) {
    const findings = a.findings || [];
    const head = `<p class="verdict-line"><span class="verdict ${esc(a.verdict)}" id="verdict">${esc(a.verdict)}</span> ` +
      `${findings.length} phát hiện · findings</p>`;
    let storedHTML = '';
    if (stored) {
      storedHTML = `<p class="stored" id="stored" data-id="${esc(stored.id)}">Đã lưu hồ sơ · Stored as proposal ` +
        `<b>#${esc(stored.id)}</b> (r${esc(stored.revision)})<br>${reportLinks(stored.report)}</p>`;
    }
    result.innerHTML = head + storedHTML +
      (findings.length ? findings.map(findingHTML).join('') : '<p>Không có phát hiện · No findings</p>');
    for (const b of result.querySelectorAll('.show-zone')) {
      b.addEventListener('click', () => showZone(findings[Number(b.dataset.i)]));
    }
    placeMarker(a.verdict);
  }

  // showZone frames the zone behind a finding and opens its popup.
  function showZone(f) {
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

  async function send(path) {
    clearProblems();
    placeMarker(null);
    const buttons = form.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    result.innerHTML = '<p class="meta">…</p>';
    try {
      return await getJSON(`${path}?lang=${lang}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(siteFeature()),
      });
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      showAssessment(await send('/v1/checks'), null);
    } catch (e) {
      showProblem(e);
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
      await loadProposals();
    } catch (e) {
      showProblem(e);
    }
  });

  // ---- Start ---------------------------------------------------------

  function fitData() {
    let b = null;
    const add = (x) => { if (x && x.isValid()) b = b ? b.extend(x) : L.latLngBounds(x.getSouthWest(), x.getNorthEast()); };
    for (const z of zones) add(z.group.getBounds());
    add(proposalGroup.getBounds());
    if (b) map.fitBounds(b, { padding: [16, 16] });
  }

  // ---- Session --------------------------------------------------------
  // Every /v1 route needs a signed-in user. Signing in posts the token once;
  // the server keeps it in an HttpOnly cookie, which also authenticates the
  // report pages and coverage images the map opens.

  const signin = $('#signin');
  const whoami = $('#whoami');

  function showUser(p) {
    signin.hidden = true;
    whoami.hidden = false;
    $('#whoami-text').textContent = `${p.name} · ${p.org} · ${(p.roles || []).join(', ')}`;
  }

  function start() {
    Promise.allSettled([loadLayers(), loadProposals()]).then(() => {
      fitData();
      // For the browser test and anyone at the console.
      window.btsplan = { map, zones, proposalGroup };
      document.documentElement.dataset.ready = 'true';
    });
  }

  signin.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = signin.querySelector('.field-error[data-for="token"]');
    err.textContent = '';
    try {
      const p = await getJSON('/v1/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: signin.token.value.trim() }),
      });
      signin.token.value = '';
      showUser(p);
      start();
    } catch (e) {
      err.textContent = e.message;
    }
  });

  $('#signout').addEventListener('click', async () => {
    await fetch('/v1/session', { method: 'DELETE' });
    location.reload();
  });

  getJSON('/v1/session').then((p) => {
    showUser(p);
    start();
  }, () => {
    signin.hidden = false;
    signin.token.focus();
  });
})();
