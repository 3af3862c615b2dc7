// Small helpers every part of the web map shares.

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function fmtM(v) {
  return typeof v === 'number' && Number.isFinite(v) ? `${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} m` : '—';
}

export function fmtNum(v, digits = 0) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('vi-VN', { maximumFractionDigits: digits }) : '—';
}

// withLang returns an API link with its lang parameter set.
export function withLang(link, l) {
  const u = new URL(link, location.origin);
  u.searchParams.set('lang', l);
  return u.pathname + u.search;
}

export function reportLinks(link) {
  return `<span class="reports">Báo cáo · Report: ` +
    `<a href="${esc(withLang(link, 'vi'))}" target="_blank" rel="noopener" data-lang="vi">tiếng Việt</a> · ` +
    `<a href="${esc(withLang(link, 'en'))}" target="_blank" rel="noopener" data-lang="en">English</a></span>`;
}

// The carriers by MNC, for labels (the API speaks codes).
export const carrierNames = {
  '452-01': 'MobiFone', '452-02': 'VinaPhone', '452-04': 'Viettel', '452-05': 'Vietnamobile', '452-07': 'Gmobile',
};

export function carrierLabel(mnc) {
  return carrierNames[mnc] ? `${mnc} ${carrierNames[mnc]}` : String(mnc ?? '');
}

// The case states (planning/workflow.go), in lifecycle order, with words.
export const caseStates = [
  ['draft', 'nháp · draft'],
  ['submitted', 'đã nộp · submitted'],
  ['assessed', 'đã kiểm tra · assessed'],
  ['under_review', 'đang thẩm định · under review'],
  ['documents_requested', 'chờ bổ sung · documents requested'],
  ['approved', 'chấp thuận · approved'],
  ['approved_with_conditions', 'chấp thuận có điều kiện · approved with conditions'],
  ['rejected', 'từ chối · rejected'],
  ['relocation_requested', 'yêu cầu dời vị trí · relocation requested'],
  ['withdrawn', 'đã rút · withdrawn'],
  ['expired', 'hết hiệu lực · expired'],
];

export function stateLabel(s) {
  const x = caseStates.find(([k]) => k === s);
  return x ? x[1] : String(s ?? '');
}

export function stateBadge(s, id) {
  return `<span class="state state-${esc(s)}"${id ? ` id="${esc(id)}"` : ''} data-state="${esc(s)}">${esc(stateLabel(s))}</span>`;
}

// html builds an element from markup (one root element).
export function html(markup) {
  const t = document.createElement('template');
  t.innerHTML = markup.trim();
  return t.content.firstElementChild;
}
