// btsplan web map: plain JavaScript modules over Leaflet, drawing
// btsplan's own GeoJSON (there is no base map: nothing is fetched from
// the internet). This file signs the user in and gives each role its
// tabs (see /openapi.json for the API and api/authz.go for who may call
// what):
//
//   carrier   Cases (its own), Map (check, submit, revise), Gaps
//   reviewer  Cases (filtered by state and overdue; a case's page with
//             the report, the map, signatures and the decision form), Map, Gaps
//   analyst   Downloads, Gaps, Map (check), Cases (the public ones)
//   admin     everything
//
// js/util.js and js/api.js are shared helpers; js/map.js the map;
// js/layers.js the zoning layers and proposals; js/siteform.js the site
// form; js/cases.js the cases; js/gaps.js the gap analyses;
// js/sitesearch.js the best-site search; js/downloads.js the downloads.

import { $, $$ } from './js/util.js';
import { getJSON, request, clearProblems, showProblem } from './js/api.js';
import { map, fitLayers } from './js/map.js';
import * as layers from './js/layers.js';
import * as siteForm from './js/siteform.js';
import * as cases from './js/cases.js';
import * as gaps from './js/gaps.js';
import * as search from './js/sitesearch.js';
import { loadDownloads } from './js/downloads.js';

// Language of the findings' messages and of the report links opened first.
const langSelect = $('#lang');
let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'vi';
langSelect.value = lang;
document.documentElement.lang = lang;
siteForm.setLang(lang);
langSelect.addEventListener('change', () => {
  lang = langSelect.value;
  const u = new URL(location.href);
  u.searchParams.set('lang', lang);
  history.replaceState(null, '', u);
  document.documentElement.lang = lang;
  siteForm.setLang(lang);
  cases.setLang(lang);
  layers.renderProposals();
});

// ---- Tabs ------------------------------------------------------------

const tabsByRole = {
  carrier: ['cases', 'map', 'gaps'],
  reviewer: ['cases', 'map', 'gaps'],
  analyst: ['downloads', 'gaps', 'map', 'cases'],
  admin: ['map', 'cases', 'gaps', 'downloads'],
};
let current = null;
let layerList = null; // GET /v1/layers' list, once loaded
let who = null;

function showTab(name) {
  if (current === name) return;
  current = name;
  for (const b of $$('#tabs [data-tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const t of $$('.tab')) t.hidden = t.id !== `tab-${name}`;
  document.body.dataset.tab = name;
  map.closePopup();
  siteForm.activate(name === 'map');
  gaps.activate(name === 'gaps');
  if (name !== 'cases') cases.closeCase();
  if (name === 'cases') cases.loadCases();
  if (name === 'gaps') gaps.openChosen().then(() => search.prefill(gaps.gapState.analysis?.params?.admin_unit));
  if (name === 'downloads' && layerList) loadDownloads({ layers: layerList, who, gapId: gaps.shownId() });
}

for (const b of $$('#tabs [data-tab]')) b.addEventListener('click', () => showTab(b.dataset.tab));

// ---- Start -------------------------------------------------------------

async function start(p) {
  who = p;
  const roles = p.roles || [];
  const has = (...r) => r.some((x) => roles.includes(x));
  const tabs = [...new Set(roles.flatMap((r) => tabsByRole[r] || []))];
  for (const b of $$('#tabs [data-tab]')) b.hidden = !tabs.includes(b.dataset.tab);
  $('#tabs').hidden = false;

  const withProposals = has('carrier', 'reviewer', 'admin');
  $('#proposals-section').hidden = !withProposals;
  if (withProposals) layers.proposalGroup.addTo(map);
  layers.onOpenCase((id) => cases.openCase(id));

  const isCarrier = has('carrier') && !has('admin');
  siteForm.configure({
    canSubmit: has('carrier', 'admin'),
    carrier: isCarrier ? p.org : null,
    onSubmitted: async (id, open) => {
      if (open) {
        cases.openCase(id);
        return;
      }
      if (withProposals) await layers.loadProposals();
    },
  });
  cases.configure(p, {
    show: () => showTab('cases'),
    revise: (feature, v) => {
      showTab('map');
      siteForm.startRevision(feature, { caseId: v.id, proposalId: v.proposal_id });
    },
  });
  gaps.configure({ canStart: has('analyst', 'admin') });
  search.configure(p, { openCase: (id) => cases.openCase(id), unit: () => gaps.gapState.analysis?.params?.admin_unit || '' });
  $('#site-search-layer').appendChild(search.siteSearchToggle());

  showTab(tabs[0] || 'map');
  const [ls] = await Promise.allSettled([
    layers.loadLayers({ withProposals }),
    withProposals ? layers.loadProposals() : Promise.resolve(),
  ]);
  layerList = ls.status === 'fulfilled' ? ls.value : [];
  if (current === 'downloads') loadDownloads({ layers: layerList, who, gapId: gaps.shownId() });
  // Frame the district, unless a case or an analysis framed itself meanwhile.
  if (!cases.isOpen() && !(current === 'gaps' && gaps.opened())) fitLayers([...layers.zones.map((z) => z.group), layers.proposalGroup]);
  // For the browser test and anyone at the console.
  window.btsplan = {
    map, zones: layers.zones, proposalGroup: layers.proposalGroup, who: p, showTab,
    gaps: gaps.gapState, villageLayer: gaps.villageLayer, gapLayer: gaps.gapLayer, selectVillage: gaps.selectVillage,
    openAnalysis: gaps.openAnalysis, drawSiteSearch: search.drawSiteSearch, siteSearchLayer: search.siteSearchLayer,
    openSearch: search.openSearch, caseLayer: cases.caseLayer, openCase: cases.openCase,
  };
  document.documentElement.dataset.ready = 'true';
}

// ---- Session -----------------------------------------------------------
// Every /v1 route needs a signed-in user. Signing in posts the token once;
// the server keeps it in an HttpOnly cookie, which also authenticates the
// report pages and coverage images the map opens.

const signin = $('#signin');

function showUser(p) {
  signin.hidden = true;
  $('#whoami').hidden = false;
  $('#whoami-text').textContent = `${p.name} · ${p.org} · ${(p.roles || []).join(', ')}`;
  document.body.dataset.roles = (p.roles || []).join(' ');
}

signin.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearProblems(signin);
  try {
    const { body } = await request('/v1/session', { method: 'POST', body: { token: signin.token.value.trim() } });
    signin.token.value = '';
    showUser(body);
    start(body);
  } catch (e) {
    // A wrong token is a 401 that names no field: it belongs to the token.
    if (!e.problem?.field && !e.problem?.errors?.length) e.problem = { ...e.problem, field: '/token', detail: e.message };
    showProblem(signin, e);
  }
});

$('#signout').addEventListener('click', async () => {
  await fetch('/v1/session', { method: 'DELETE' });
  const u = new URL(location.href);
  u.searchParams.delete('gap');
  location.replace(u);
});

getJSON('/v1/session').then((p) => {
  showUser(p);
  start(p);
}, () => {
  signin.hidden = false;
  signin.token.focus();
});
