// The downloads of the signed-in role: every layer version as GeoJSON,
// the proposals (for the roles that may list them), the public (decided)
// cases' findings, the gap analyses' layers, the existing sites, and the
// API description. The server offers no OGC API or vector tiles: GeoJSON
// is the one export format.

import { $, esc, fmtNum, stateBadge, carrierLabel } from './util.js';
import { getJSON, problemBox } from './api.js';

function link(href, text, file) {
  return `<a href="${esc(href)}"${file ? ` download="${esc(file)}"` : ' target="_blank" rel="noopener"'} data-download="${esc(href)}">${text}</a>`;
}

// loadDownloads fills the tab. layers is GET /v1/layers' list; who the
// signed-in principal; gapId the analysis of the gap tab (shown, or named
// in its picker), if any.
export async function loadDownloads({ layers, who, gapId }) {
  const el = $('#downloads');
  const roles = who.roles || [];
  const has = (...r) => r.some((x) => roles.includes(x));
  const parts = [];

  const byName = new Map();
  for (const l of layers) {
    if (!byName.has(l.name)) byName.set(l.name, []);
    byName.get(l.name).push(l);
  }
  const rows = [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, versions]) => {
    versions.sort((a, b) => b.version - a.version);
    const cur = versions.find((v) => v.current) || versions[0];
    const older = versions.filter((v) => v !== cur)
      .map((v) => link(v.geojson || `/v1/layers/${encodeURIComponent(name)}.geojson?version=${v.version}`, `v${esc(v.version)}`, `${name}-v${v.version}.geojson`)).join(' ');
    return `<li class="dl-layer" data-layer="${esc(name)}">${link(cur.geojson || `/v1/layers/${encodeURIComponent(name)}.geojson`,
      `${esc(name)}.geojson`, `${name}-v${cur.version}.geojson`)} <span class="meta">${esc(cur.kind)} · v${esc(cur.version)} · ` +
      `${fmtNum(cur.feature_count)} đối tượng · features${cur.licence ? ` · ${esc(cur.licence)}` : ''}</span>` +
      (older ? `<br><span class="meta">Phiên bản cũ · Older versions: ${older}</span>` : '') + '</li>';
  });
  parts.push(`<h3>Lớp quy hoạch · Zoning layers</h3><ul class="downloads">${rows.join('') || '<li class="meta">—</li>'}</ul>`);

  if (has('carrier', 'reviewer', 'admin')) {
    parts.push(`<h3>Hồ sơ đề xuất · Proposals</h3><ul class="downloads"><li>${link('/v1/proposals.geojson?limit=1000', 'proposals.geojson', 'proposals.geojson')}</li></ul>`);
  }

  const gapLinks = gapId
    ? `<li>${link(`/v1/gap-analyses/${gapId}/villages.geojson`, `villages.geojson`, `villages-${gapId}.geojson`)} · ` +
      `${link(`/v1/gap-analyses/${gapId}/gaps.geojson`, 'gaps.geojson', `gaps-${gapId}.geojson`)} · ` +
      `${link(`/v1/gap-analyses/${gapId}/villages`, 'villages (JSON)')} <span class="meta">phân tích · analysis ${esc(gapId)}</span></li>`
    : '<li class="meta">Mở một phân tích ở thẻ Vùng lõm · Open an analysis in the Gaps tab</li>';
  parts.push(`<h3>Vùng lõm sóng · Coverage gaps</h3><ul class="downloads" id="dl-gaps">${gapLinks}` +
    `<li>${link('/v1/sites', 'sites (GeoJSON)', 'sites.geojson')} <span class="meta">trạm hiện có · existing sites</span></li></ul>`);

  parts.push('<h3>Hồ sơ đã quyết định · Decided cases</h3><div id="dl-cases" aria-busy="true"><em>…</em></div>');
  parts.push(`<h3>API</h3><ul class="downloads"><li>${link('/openapi.json', 'openapi.json')}</li>` +
    (has('analyst', 'admin') ? `<li>${link('/metrics', 'metrics')} <span class="meta">Prometheus</span></li>` : '') + '</ul>');
  el.innerHTML = parts.join('');
  el.removeAttribute('aria-busy');

  // The public cases: what a decision made visible to everyone.
  const casesEl = $('#dl-cases');
  try {
    const items = ((await getJSON('/v1/cases?limit=500')).items || [])
      .filter((k) => ['approved', 'approved_with_conditions', 'rejected', 'relocation_requested', 'expired'].includes(k.state));
    casesEl.innerHTML = items.length
      ? `<ul class="downloads">${items.map((k) => `<li class="dl-case" data-proposal="${esc(k.proposal_id)}"><b>${esc(k.site_code)}</b> ` +
        `<small>${esc(carrierLabel(k.carrier))}</small> ${stateBadge(k.state)}<br>` +
        `${link(`/v1/proposals/${k.proposal_id}/findings.geojson`, 'findings.geojson', `findings-${k.proposal_id}.geojson`)} · ` +
        `${link(`/v1/proposals/${k.proposal_id}/report`, 'report (JSON)')} · ${link(`/v1/proposals/${k.proposal_id}/report.html`, 'report (HTML)')}</li>`).join('')}</ul>`
      : '<p class="meta empty">Chưa có quyết định nào · No decisions yet</p>';
  } catch (e) {
    casesEl.innerHTML = problemBox(e);
  }
  casesEl.removeAttribute('aria-busy');
}
