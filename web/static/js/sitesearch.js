// Site-search results on the map: the place where the ranked locations of
// a best-site search (POST /v1/site-search, issue 9, built separately)
// are drawn. drawSiteSearch takes the answer's GeoJSON FeatureCollection
// of Points, ranked; each feature's properties may carry rank,
// people_covered (or people), villages_covered (or villages), verdict,
// findings and site_code. The layer has its own toggle in the gap tab.
//
// TODO(#9): call drawSiteSearch from a search form once POST
// /v1/site-search exists; until then it is reachable from the console as
// window.btsplan.drawSiteSearch(fc), and the browser test draws a fixture.

import { esc, fmtNum } from './util.js';
import { map, renderers } from './map.js';

export const siteSearchLayer = L.geoJSON(null, {
  pointToLayer: (f, ll) => L.circleMarker(ll, {
    renderer: renderers.search, pane: 'search', radius: 11, weight: 3, color: '#1a202c',
    fillColor: '#f6e05e', fillOpacity: 0.95, className: 'search-result',
  }),
  onEachFeature: (f, layer) => {
    const p = f.properties || {};
    layer.bindTooltip(String(p.rank ?? ''), { permanent: true, direction: 'center', className: 'search-rank' });
    layer.bindPopup(() => `<b>#${esc(p.rank ?? '?')} ${esc(p.site_code || 'Vị trí đề xuất · Suggested location')}</b><br>` +
      `${fmtNum(p.people_covered ?? p.people)} người · people in ${fmtNum(p.villages_covered ?? (Array.isArray(p.villages) ? p.villages.length : p.villages))} ` +
      `thôn · villages${p.verdict ? `<br><span class="verdict ${esc(p.verdict)}">${esc(p.verdict)}</span>` : ''}` +
      (Array.isArray(p.findings) && p.findings.length ? `<br><span class="meta">${p.findings.map((x) => esc(x.rule_id || x.message || x)).join(', ')}</span>` : ''));
  },
});

let toggle = null;

// drawSiteSearch draws a FeatureCollection of ranked locations (rank 1
// first), replacing the ones drawn before, shows the layer and returns
// how many it drew. null clears it.
export function drawSiteSearch(fc) {
  siteSearchLayer.clearLayers();
  const feats = (fc?.features || []).filter((f) => f?.geometry?.type === 'Point')
    .map((f, i) => ({ ...f, properties: { rank: i + 1, ...(f.properties || {}) } }))
    .sort((a, b) => a.properties.rank - b.properties.rank);
  siteSearchLayer.addData({ type: 'FeatureCollection', features: feats });
  if (toggle) {
    toggle.disabled = feats.length === 0;
    toggle.checked = feats.length > 0;
    toggle.closest('.layer-row').querySelector('.count').textContent = String(feats.length);
  }
  if (feats.length) siteSearchLayer.addTo(map); else map.removeLayer(siteSearchLayer);
  return feats.length;
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
