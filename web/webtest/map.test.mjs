// Browser test of the btsplan web map, in headless Chromium driven by
// playwright-core. go test ./web/ runs it against `btsplan serve` over a
// throwaway database loaded by `btsplan demo`:
//
//   node web/webtest/map.test.mjs URL
//
// URL is the server (http://127.0.0.1:PORT) with the demo district loaded
// and nothing else changed but the overdue fixture. The test walks each
// role's flow through the map's own forms and checks every number it sees
// against the API: an admin checks sites on the map; a carrier submits,
// revises and withdraws, runs a best-site search, adopts its first location
// and uploads a PDF to the new case; a reviewer filters the overdue cases,
// opens one, approves it with a condition, the carrier reports evidence for
// it (a file uploaded right there) and the reviewer marks it met; an
// analyst downloads and reads the gap analysis, its villages, its table and
// the official list's disagreement, and opens the carrier's search.
//
// Environment: WEBTEST_TOKEN_ADMIN, _CARRIER, _REVIEWER and _ANALYST (the
// demo users' tokens) and WEBTEST_TOKEN_REVIEWER_<AUTHORITY> (the other
// authorities' reviewers, who sign); WEBTEST_OVERDUE, the site codes of the cases the
// fixture made overdue (comma-separated); CHROMIUM (default
// /usr/bin/chromium); WEBTEST_SCREENSHOTS, the folder for the screenshots
// (default a new temporary folder). It exits 0 when every step passes and
// 1 at the first failure.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = (process.argv[2] || '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node web/webtest/map.test.mjs URL');
  process.exit(2);
}
const origin = new URL(base).origin;
const shots = process.env.WEBTEST_SCREENSHOTS || mkdtempSync(join(tmpdir(), 'btsplan-webtest-'));
mkdirSync(shots, { recursive: true });

const tokens = {};
for (const role of ['admin', 'carrier', 'reviewer', 'analyst']) {
  tokens[role] = process.env[`WEBTEST_TOKEN_${role.toUpperCase()}`] || '';
  if (!tokens[role]) {
    console.error(`WEBTEST_TOKEN_${role.toUpperCase()} is not set`);
    process.exit(2);
  }
}
for (const [k, v] of Object.entries(process.env)) {
  const m = /^WEBTEST_TOKEN_REVIEWER_(\w+)$/.exec(k);
  if (m) tokens[`reviewer:${m[1].replace(/_/g, '-')}`] = v;
}
const overdueCodes = (process.env.WEBTEST_OVERDUE || '').split(',').filter(Boolean).sort();

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    e.message = `${name}: ${e.message}`;
    throw e;
  }
  console.log(`ok   ${name} (${Date.now() - t0} ms)`);
}

// api is the test's own view of the API, as role.
async function api(role, path, opts = {}) {
  const r = await fetch(base + path, { ...opts, headers: { Authorization: `Bearer ${tokens[role]}`, ...(opts.headers || {}) } });
  assert.equal(r.status, opts.status || 200, `${opts.method || 'GET'} ${path} as ${role}`);
  return r.json();
}

const sortedCodes = (items) => items.map((k) => k.site_code).sort();
// inside reports whether pt is inside a GeoJSON Polygon's rings (even-odd).
function inside(pt, rings) {
  let c = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) c = !c;
    }
  }
  return c;
}

// distM is a flat-earth distance in metres, good enough at district scale.
function distM(a, b) {
  const k = Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * k, a[1] - b[1]) * 111320;
}

function segDistM(p, a, b) {
  const k = Math.cos((p[1] * Math.PI) / 180);
  const ax = (a[0] - p[0]) * k, ay = a[1] - p[1], bx = (b[0] - p[0]) * k, by = b[1] - p[1];
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(ax + t * dx, ay + t * dy) * 111320;
}

// parkPoint picks a point well inside the park: as far as it can from the
// park's edge and from every proposal, so that a click there hits the park
// and no proposal marker.
function parkPoint(park, proposals) {
  const polys = park.geometry.type === 'MultiPolygon' ? park.geometry.coordinates : [park.geometry.coordinates];
  const all = polys.flat(2);
  const [minX, maxX] = [Math.min(...all.map((c) => c[0])), Math.max(...all.map((c) => c[0]))];
  const [minY, maxY] = [Math.min(...all.map((c) => c[1])), Math.max(...all.map((c) => c[1]))];
  let best = null;
  for (let i = 1; i < 40; i++) {
    for (let j = 1; j < 40; j++) {
      const p = [minX + ((maxX - minX) * i) / 40, minY + ((maxY - minY) * j) / 40];
      if (!polys.some((rings) => inside(p, rings))) continue;
      let score = Infinity;
      for (const rings of polys) for (const ring of rings) for (let k = 1; k < ring.length; k++) score = Math.min(score, segDistM(p, ring[k - 1], ring[k]));
      for (const q of proposals) score = Math.min(score, distM(p, q));
      if (!best || score > best.score) best = { p, score };
    }
  }
  assert.ok(best && best.score > 150, `no point well inside the park (best ${JSON.stringify(best)})`);
  return best.p;
}

const profile = mkdtempSync(join(tmpdir(), 'btsplan-chromium-'));
let context;
let page;
const problems = [];
let failed = false;

// signIn signs the browser in through the map's form as role and waits
// for the page to be ready.
async function signIn(role) {
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForSelector('#signin:not([hidden])');
  await page.fill('#signin input[name=token]', tokens[role]);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#whoami:not([hidden])');
  await page.waitForSelector('html[data-ready="true"]');
}

async function signOut() {
  await page.click('#signout');
  await page.waitForSelector('#signin:not([hidden])');
}

async function tab(name) {
  await page.click(`#tabs [data-tab="${name}"]`);
  await page.waitForSelector(`#tab-${name}:not([hidden])`);
}

async function visibleTabs() {
  return page.$$eval('#tabs [data-tab]:not([hidden])', (bs) => bs.map((b) => b.dataset.tab));
}

// caseRows waits for the case list to settle and returns its rows.
async function caseRows() {
  await page.waitForSelector('#case-list:not([aria-busy])');
  return page.$$eval('#case-list .case-row', (rs) => rs.map((r) => ({
    proposal: Number(r.dataset.proposal), state: r.dataset.state, site_code: r.dataset.siteCode, overdue: r.dataset.overdue === 'true',
  })));
}

// clickMapAt centres the map on [lon, lat] at zoom and clicks there.
async function clickMapAt(pt, zoom = 14) {
  const at = await page.evaluate(([p, z]) => {
    const { map } = window.btsplan;
    map.setView([p[1], p[0]], z, { animate: false });
    return map.latLngToContainerPoint([p[1], p[0]]);
  }, [pt, zoom]);
  await page.locator('#map').click({ position: { x: at.x, y: at.y } });
}

async function caseState() {
  await page.waitForSelector('#case-page:not([aria-busy]) #case-state');
  return page.locator('#case-state').getAttribute('data-state');
}

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15000);

  // The map must fetch nothing but its own origin, and run without errors.
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`request to another origin: ${u}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A 4xx answer is logged by Chromium itself; the problems the test
    // provokes on purpose are checked on the page instead.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });

  const layers = (await api('admin', '/v1/layers')).layers.filter((l) => l.current);
  const parkLayer = layers.find((l) => l.kind === 'protected_area');
  assert.ok(parkLayer, 'the demo has a current protected_area layer');
  const parkFC = await api('admin', parkLayer.geojson);
  const park = parkFC.features[0];
  const parkName = park.properties.name;
  const proposalFC = await api('admin', '/v1/proposals.geojson?limit=1000');
  const target = parkPoint(park, proposalFC.features.map((f) => f.geometry.coordinates));
  const stamp = Date.now();

  // ---- Admin: the map, its layers and a check -------------------------

  await step('sign-in: a wrong token is refused next to the field, the right one signs in', async () => {
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForSelector('#signin:not([hidden])');
    await page.fill('#signin input[name=token]', 'not-a-token');
    await page.click('#signin button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#signin .field-error').textContent.length > 0);
    assert.equal(await page.locator('#signin input[name=token]').getAttribute('aria-invalid'), 'true');
    await page.fill('#signin input[name=token]', tokens.admin);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#whoami:not([hidden])');
    const cookies = await page.context().cookies();
    const c = cookies.find((k) => k.name === 'btsplan_session');
    assert.ok(c && c.httpOnly && c.sameSite === 'Strict', 'an HttpOnly SameSite=Strict session cookie');
    assert.deepEqual((await visibleTabs()).sort(), ['cases', 'downloads', 'gaps', 'map'], 'an admin sees every tab');
  });

  await step('admin: layers and proposals drawn', async () => {
    await page.waitForSelector('html[data-ready="true"]');
    const n = await page.locator('.leaflet-proposals-pane path.proposal').count();
    assert.ok(n >= 20, `proposal markers = ${n}, want 20+`);
    assert.equal(n, proposalFC.features.length, 'a marker per proposal');
    for (const v of ['APPROVE', 'CONDITIONAL', 'CONFLICT']) {
      const want = proposalFC.features.filter((f) => f.properties.verdict === v).length;
      const got = await page.locator(`path.proposal.verdict-${v}`).count();
      assert.equal(got, want, `${v} markers`);
    }
    const fill = await page.locator('path.proposal.verdict-CONFLICT').first().getAttribute('fill');
    assert.equal(fill, '#c53030', 'CONFLICT marker colour');
    assert.equal(await page.locator('#proposals .prop').count(), n, 'proposal list rows');
    const boxes = await page.locator('#layers input[data-layer]').count();
    assert.equal(boxes, layers.length + 1, 'a checkbox per current layer plus proposals');
    for (const l of layers) {
      const loaded = await page.locator(`#layers .layer-row:has(input[data-layer="${l.name}"])`).getAttribute('data-loaded');
      assert.equal(loaded, String(l.feature_count), `features drawn of ${l.name}`);
    }
  });

  await step('admin: demo data is labelled SYNTHETIC', async () => {
    await page.locator('#synthetic-banner').waitFor({ state: 'visible' });
    assert.match(await page.locator('#synthetic-banner').innerText(), /SYNTHETIC/);
    assert.match(await page.locator('#synthetic-map-label').innerText(), /SYNTHETIC/);
    assert.ok(await page.locator('#layers .synthetic-badge').count() >= 7, 'SYNTHETIC badges on the demo layers');
  });

  await step('admin: the map fits the demo district', async () => {
    const fits = await page.evaluate(([p]) => {
      const { map, zones } = window.btsplan;
      const view = map.getBounds();
      return { zoom: map.getZoom(), park: view.contains(L.latLng(p[1], p[0])), all: zones.every((z) => !z.group.getBounds().isValid() || view.pad(0.01).contains(z.group.getBounds())) };
    }, [target]);
    assert.ok(fits.zoom >= 10, `zoom ${fits.zoom}, want the district, not the country`);
    assert.ok(fits.park && fits.all, `every layer in view: ${JSON.stringify(fits)}`);
    await page.screenshot({ path: join(shots, 'overview.png') });
  });

  await step('admin: layers toggle', async () => {
    const landuse = layers.find((l) => l.kind === 'landuse').name;
    const onMap = () => page.evaluate((name) => window.btsplan.map.hasLayer(window.btsplan.zones.find((z) => z.meta.name === name).group), landuse);
    await page.locator(`#layers input[data-layer="${landuse}"]`).uncheck();
    assert.equal(await onMap(), false, 'landuse hidden');
    await page.locator(`#layers input[data-layer="${landuse}"]`).check();
    assert.equal(await onMap(), true, 'landuse shown');
    await page.locator('#layers input[data-layer="proposals"]').uncheck();
    assert.equal(await page.locator('path.proposal').count(), 0, 'proposals hidden');
    await page.locator('#layers input[data-layer="proposals"]').check();
    assert.ok(await page.locator('path.proposal').count() >= 20, 'proposals shown');
    await page.locator('#legend input[data-verdict="APPROVE"]').uncheck();
    assert.equal(await page.locator('path.proposal.verdict-APPROVE').count(), 0, 'APPROVE filtered out');
    await page.locator('#legend input[data-verdict="APPROVE"]').check();
  });

  await step('admin: a proposal opens with its reports', async () => {
    const f = proposalFC.features.find((x) => x.properties.verdict === 'CONFLICT');
    await page.locator(`#proposals .prop[data-id="${f.properties.id}"]`).click();
    const popup = page.locator('.leaflet-popup .proposal-popup');
    await popup.waitFor();
    assert.match(await popup.innerText(), new RegExp(f.properties.site_code));
    assert.match(await popup.innerText(), /CONFLICT/);
    for (const l of ['vi', 'en']) {
      const href = await popup.locator(`a[data-lang="${l}"]`).getAttribute('href');
      assert.ok(href.endsWith(`lang=${l}`), href);
      const r = await page.request.get(base + href);
      assert.equal(r.status(), 200, href);
      assert.match(r.headers()['content-type'], /text\/html/);
      assert.match(await r.text(), new RegExp(f.properties.site_code));
    }
    await page.evaluate(() => window.btsplan.map.closePopup());
  });

  await step('admin: a proposal with a computed coverage shows it on the map', async () => {
    const f = proposalFC.features.find((x) => x.properties.coverage_png);
    assert.ok(f, 'the demo has a proposal with its coverage computed');
    await page.locator(`#proposals .prop[data-id="${f.properties.id}"]`).click();
    const btn = page.locator('.leaflet-popup .cov-btn');
    await btn.waitFor();
    assert.match(await btn.innerText(), /km²/);
    const png = page.waitForResponse((r) => r.url().endsWith(f.properties.coverage_png));
    await btn.click();
    assert.equal((await png).status(), 200, 'coverage PNG');
    await page.locator('img.leaflet-image-layer').waitFor();
    await page.screenshot({ path: join(shots, 'coverage.png') });
    await btn.click(); // toggles it off again
    await page.waitForFunction(() => document.querySelectorAll('img.leaflet-image-layer').length === 0);
    await page.evaluate(() => window.btsplan.map.closePopup());
  });

  await step('admin: a click in the national park is checked as CONFLICT', async () => {
    await clickMapAt(target);
    const lon = Number(await page.locator('input[name=lon]').inputValue());
    const lat = Number(await page.locator('input[name=lat]').inputValue());
    assert.ok(distM([lon, lat], target) < 30, `form got ${lon},${lat}, clicked ${target}`);
    assert.equal(await page.locator('.leaflet-site-pane path.site-marker').count(), 1, 'site marker placed');
    await page.selectOption('select[name=carrier]', '452-04');
    await page.fill('input[name=site_code]', `WEB-CHECK-${stamp}`);
    await page.selectOption('select[name=structure]', 'A2b');
    await page.fill('input[name=height_m]', '36');
    await page.click('#check-site');
    await page.locator('#verdict').waitFor();
    assert.equal(await page.locator('#verdict').innerText(), 'CONFLICT');
    const text = await page.locator('#result').innerText();
    assert.ok(text.includes(parkName), `the result names ${parkName}:\n${text}`);
    const finding = page.locator('#result .finding.conflict')
      .filter({ has: page.locator('.layer', { hasText: `${parkLayer.name} v${parkLayer.version}` }) }).first();
    assert.ok((await finding.locator('.feature-name').innerText()).includes(parkName), 'feature name');
    assert.match(await finding.locator('.distance').innerText(), /0 m/);
    assert.ok((await finding.locator('.rule').innerText()).length > 0, 'rule');
    assert.ok((await finding.locator('.authority').innerText()).length > 0, 'authority');
    assert.ok((await finding.locator('.legal-basis').innerText()).length > 0, 'legal basis');
    assert.ok((await finding.locator('.msg').innerText()).includes(parkName), 'message');
    await finding.locator('button.show-zone').click();
    await page.locator('.leaflet-popup-content', { hasText: parkName }).waitFor();
    await page.screenshot({ path: join(shots, 'check-conflict.png') });
  });

  await step('admin: the messages follow the language', async () => {
    await page.selectOption('#lang', 'en');
    await page.click('#check-site');
    await page.waitForFunction(() => /Site is/.test(document.querySelector('#result')?.innerText || ''));
    await page.selectOption('#lang', 'vi');
  });

  await step('admin: swapped coordinates and a bad height show field errors', async () => {
    const lon = await page.locator('input[name=lon]').inputValue();
    const lat = await page.locator('input[name=lat]').inputValue();
    await page.fill('input[name=lon]', lat);
    await page.fill('input[name=lat]', lon);
    await page.fill('input[name=height_m]', '-3');
    await page.click('#check-site');
    const coords = page.locator('.field-error[data-for~="lon"]');
    await coords.waitFor({ state: 'visible' });
    assert.match(await coords.innerText(), /swapped/);
    assert.match(await coords.innerText(), /\/geometry\/coordinates/, 'the field pointer is shown next to the field');
    assert.match(await page.locator('.field-error[data-for~="height_m"]').innerText(), /height/);
    assert.equal(await page.locator('input[name=lon]').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('input[name=height_m]').getAttribute('aria-invalid'), 'true');
    const list = await page.locator('#result .problem').innerText();
    assert.match(list, /\/geometry\/coordinates/);
    assert.match(list, /\/properties\/height_m/);
    assert.equal(await page.locator('#verdict').count(), 0, 'no verdict shown for a problem');
    await page.screenshot({ path: join(shots, 'field-errors.png'), fullPage: true });
  });

  await signOut();

  // ---- Carrier: own cases, submit, revise, withdraw ----------------------

  const carrierOrg = (await api('carrier', '/v1/session')).org;
  const siteCode = `WEB-TEST-${stamp}`;
  // A point in the valley, away from every proposal marker.
  const valley = [104.5400, 21.5600];
  let submitted = 0;

  await step('carrier: signs in to its own cases', async () => {
    await signIn('carrier');
    assert.deepEqual(await visibleTabs(), ['cases', 'map', 'gaps'], 'a carrier sees cases, map and gaps');
    assert.equal(await page.locator('#tab-cases').isVisible(), true, 'the cases tab first');
    const want = (await api('carrier', '/v1/cases?limit=500')).items;
    const rows = await caseRows();
    assert.deepEqual(rows.map((r) => r.site_code).sort(), sortedCodes(want), 'the case list is the API list');
    assert.ok(rows.length > 0, 'the carrier has cases');
    for (const r of rows) {
      const k = want.find((x) => x.proposal_id === r.proposal);
      assert.ok(k.carrier === carrierOrg || ['approved', 'approved_with_conditions', 'rejected', 'relocation_requested', 'expired'].includes(k.state),
        `case ${k.site_code} of ${k.carrier} is neither own nor public`);
    }
    await page.selectOption('#case-filter select[name=state]', 'assessed');
    await page.waitForFunction(() => /đã kiểm tra/.test(document.querySelector('#case-count').textContent));
    const assessed = await caseRows();
    assert.deepEqual(assessed.map((r) => r.site_code).sort(), sortedCodes((await api('carrier', '/v1/cases?state=assessed&limit=500')).items), 'state filter');
    assert.ok(assessed.every((r) => r.state === 'assessed'), 'only assessed cases');
    await page.selectOption('#case-filter select[name=state]', '');
  });

  await step('carrier: the map shows only its own proposals, the form only its own carrier', async () => {
    await tab('map');
    await page.waitForSelector('#proposals:not([aria-busy])');
    const mine = await api('carrier', '/v1/proposals.geojson?limit=1000');
    assert.ok(mine.features.every((f) => f.properties.carrier === carrierOrg), 'the API gives only own proposals');
    assert.equal(await page.locator('path.proposal').count(), mine.features.length, 'a marker per own proposal');
    assert.equal(await page.locator('select[name=carrier]').inputValue(), carrierOrg);
    assert.equal(await page.locator('select[name=carrier]').isDisabled(), true, 'a carrier submits only for itself');
    assert.equal(await page.locator('#submit-proposal').isVisible(), true, 'a carrier may submit');
    submitted = mine.features.length;
    // A proposal's popup opens its case.
    const f = mine.features[0];
    await page.locator(`#proposals .prop[data-id="${f.properties.id}"]`).click();
    await page.locator('.leaflet-popup .open-case').click();
    await page.waitForSelector('#tab-cases:not([hidden]) #case-page:not([aria-busy]) .case-head');
    assert.equal(await page.locator('#case-page .case-head').getAttribute('data-proposal'), String(f.properties.id));
    await tab('map');
  });

  await step('carrier: an antenna without EIRP is named next to its field', async () => {
    await clickMapAt(valley);
    await page.fill('input[name=site_code]', siteCode);
    await page.selectOption('select[name=structure]', 'A2b');
    await page.fill('input[name=height_m]', '30');
    await page.click('#add-antenna');
    await page.click('#add-antenna');
    const second = page.locator('#antennas .antenna').nth(1);
    await second.locator('[data-name=azimuth_deg]').fill('180');
    await second.locator('[data-name=eirp_dbm]').fill('');
    await page.click('#submit-proposal');
    const box = second.locator('.field-error');
    await box.waitFor({ state: 'visible' });
    assert.match(await box.innerText(), /\/properties\/antennas\/1\/eirp_dbm/);
    assert.equal(await second.locator('[data-name=eirp_dbm]').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#antennas .antenna').nth(0).locator('[aria-invalid]').count(), 0, 'the first antenna is fine');
    assert.equal(await page.locator('#stored').count(), 0, 'nothing stored');
    await page.screenshot({ path: join(shots, 'carrier-antenna-error.png') });
  });

  let caseProposal = 0;
  await step('carrier: submits the proposal and opens its case', async () => {
    await page.locator('#antennas .antenna').nth(1).locator('[data-name=eirp_dbm]').fill('58');
    await page.click('#submit-proposal');
    const stored = page.locator('#stored');
    await stored.waitFor();
    caseProposal = Number(await stored.getAttribute('data-id'));
    assert.ok(caseProposal > 0);
    const f = await api('carrier', `/v1/proposals/${caseProposal}`);
    assert.equal(f.properties.site_code, siteCode);
    assert.deepEqual(f.properties.antennas.map((a) => [a.azimuth_deg, a.eirp_dbm]), [[0, 60], [180, 58]], 'antennas as entered');
    assert.ok(distM(f.geometry.coordinates, valley) < 30, 'the clicked location');
    await page.waitForFunction((n) => document.querySelectorAll('path.proposal').length === n + 1, submitted);
    await stored.locator('.open-stored-case').click();
    assert.equal(await caseState(), 'assessed');
    assert.match(await page.locator('#case-page h3').innerText(), new RegExp(`${siteCode}.*r1`));
    assert.equal(await page.locator('#case-verdict').innerText(), (await api('carrier', `/v1/proposals/${caseProposal}/assessment`)).verdict);
    const href = await page.locator('#case-page a[data-lang="en"]').getAttribute('href');
    const r = await page.request.get(base + href);
    assert.equal(r.status(), 200, href);
    assert.match(await r.text(), new RegExp(siteCode));
    assert.equal(await page.locator('.leaflet-site-pane path.case-site').count(), 1, 'the case site on the map');
    assert.equal(await page.locator('#case-actions [data-event="start_review"]').count(), 0, 'a carrier cannot start a review');
  });

  await step('carrier: revises the case (a new revision, assessed again)', async () => {
    await page.click('#case-actions [data-do="revise"]');
    await page.waitForSelector('#tab-map:not([hidden]) #revising:not([hidden])');
    assert.equal(await page.locator('input[name=site_code]').inputValue(), siteCode);
    assert.equal(await page.locator('#antennas .antenna').count(), 2, 'the antennas of the revision');
    await page.fill('input[name=height_m]', '24');
    await page.click('#submit-proposal');
    await page.locator('#stored').waitFor();
    assert.match(await page.locator('#stored').innerText(), /r2/);
    const id = Number(await page.locator('#stored').getAttribute('data-id'));
    await page.locator('#stored .open-stored-case').click();
    assert.equal(await caseState(), 'assessed');
    assert.match(await page.locator('#case-page h3').innerText(), /r2/);
    const k = await api('carrier', `/v1/proposals/${id}/case`);
    assert.equal(k.revision, 2);
    assert.equal(k.proposal_id, id);
  });

  await step('carrier: withdraws the case', async () => {
    await page.click('#case-actions [data-do="withdraw"]');
    await page.click('#case-actions .confirm [data-event="withdraw"]');
    await page.waitForFunction(() => document.querySelector('#case-state')?.dataset.state === 'withdrawn');
    assert.match(await page.locator('#case-message').innerText(), /withdrawn|đã rút/);
    const k = await api('carrier', `/v1/proposals/${caseProposal}/case`);
    assert.equal(k.state, 'withdrawn');
    assert.equal(await page.locator('#case-actions [data-do]').count(), 0, 'nothing left to do on a withdrawn case');
    await page.screenshot({ path: join(shots, 'carrier-case.png') });
  });

  let searchId = 0;
  let adopted = 0;
  await step('carrier: runs a best-site search and adopts location 1, which opens its case', async () => {
    await tab('gaps');
    await page.waitForSelector('#gap-view[data-ready="true"]');
    await page.locator('#search-form').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#search-form select[name=mnc]').inputValue(), carrierOrg);
    assert.equal(await page.locator('#search-form select[name=mnc]').isDisabled(), true, 'a carrier searches for itself');
    await page.fill('#search-form input[name=unit]', 'SYN999');
    await page.fill('#search-form input[name=n]', '3');
    await page.click('#search-run');
    await page.waitForSelector('#search-id', { timeout: 120000 });
    searchId = Number(await page.locator('#search-id').innerText());
    const s = await api('carrier', `/v1/site-searches/${searchId}`);
    assert.equal(s.state, 'done');
    assert.equal(s.params.carrier, carrierOrg);
    const fc = await api('carrier', s.links.locations_geojson);
    assert.ok(fc.features.length >= 1, 'the search found a location');
    assert.equal(await page.locator('.leaflet-search-pane path.search-result').count(), fc.features.length, 'a marker per location');
    assert.deepEqual(await page.$$eval('.leaflet-tooltip.search-rank', (ts) => ts.map((t) => t.textContent).sort()),
      fc.features.map((f) => String(f.properties.rank)).sort(), 'the ranks on the markers');
    assert.equal(await page.locator('.covered-people').innerText(), s.result.covered_people.toLocaleString('vi-VN'));
    const first = fc.features.find((f) => f.properties.rank === 1).properties;
    await page.click('#search-results li[data-rank="1"] b');
    const popup = page.locator('.leaflet-popup .search-popup[data-rank="1"]');
    await popup.waitFor();
    assert.match(await popup.innerText(), new RegExp(first.site_code));
    assert.equal(await popup.locator('.marginal').innerText(), first.marginal_people.toLocaleString('vi-VN'));
    await page.screenshot({ path: join(shots, 'carrier-search.png') });
    await popup.locator('button.adopt').click();
    await page.waitForSelector('#tab-cases:not([hidden]) #case-page:not([aria-busy]) .case-head');
    adopted = Number(await page.locator('#case-page .case-head').getAttribute('data-proposal'));
    const after = await api('carrier', s.links.locations_geojson);
    assert.equal(after.features.find((f) => f.properties.rank === 1).properties.proposal_id, adopted, 'location 1 is adopted as the case shown');
    assert.match(await page.locator('#case-page h3').innerText(), new RegExp(first.site_code));
    const rows = await api('carrier', '/v1/cases?limit=500');
    assert.ok(rows.items.some((k) => k.proposal_id === adopted), 'the case is in the carrier\'s list');
    assert.equal(await page.locator(`#search-picker select option[value="${searchId}"]`).count(), 1, 'the search among the earlier ones');
  });

  await step('carrier: uploads a PDF (checksum from the browser) and comments on the new case', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    await page.locator('#upload-form input[name=file]').setInputFiles({ name: 'consent.pdf', mimeType: 'application/pdf', buffer: pdf });
    const sent = page.waitForRequest((r) => r.url().includes(`/v1/proposals/${adopted}/attachments?filename=`) && r.method() === 'POST');
    await page.click('#upload-form button[type=submit]');
    const sum = createHash('sha256').update(pdf).digest('hex');
    assert.equal((await sent).headers()['x-checksum-sha256'], sum, 'the browser sends the SHA-256');
    const row = page.locator('#attachments .attachment');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-sha256'), sum);
    assert.equal(await row.locator('.size').getAttribute('data-bytes'), String(pdf.length));
    const href = await row.locator('a').getAttribute('href');
    const r = await page.request.get(base + href);
    assert.equal(r.status(), 200, href);
    assert.deepEqual(Buffer.from(await r.body()), pdf, 'the download is the upload');
    assert.equal(await page.locator('#comment-form select[name=visibility]').count(), 0, 'a carrier writes no internal comments');
    await page.fill('#comment-form textarea[name=text]', 'Văn bản đồng ý đính kèm.\nConsent letter attached.');
    await page.click('#comment-form button[type=submit]');
    await page.locator('#comments .comment').waitFor();
    assert.match(await page.locator('#comments .comment .text').innerText(), /Consent letter attached/);
    const list = await api('carrier', `/v1/proposals/${adopted}/attachments`);
    assert.deepEqual(list.items.map((a) => [a.filename, a.sha256]), [['consent.pdf', sum]]);
    await page.screenshot({ path: join(shots, 'carrier-papers.png'), fullPage: true });
  });

  await signOut();

  // ---- Reviewer: overdue list, a case, a decision with a condition ---------

  await step('reviewer: filters the overdue cases', async () => {
    await signIn('reviewer');
    assert.deepEqual(await visibleTabs(), ['cases', 'map', 'gaps'], 'a reviewer sees cases, map and gaps');
    await caseRows();
    await page.check('#case-filter input[name=overdue]');
    await page.waitForFunction(() => /quá hạn/.test(document.querySelector('#case-count').textContent));
    const rows = await caseRows();
    const want = (await api('reviewer', '/v1/cases?overdue=true&limit=500')).items;
    assert.ok(overdueCodes.length > 0, 'the fixture made cases overdue');
    assert.deepEqual(sortedCodes(want), overdueCodes, 'the API lists the overdue fixture');
    assert.deepEqual(rows.map((r) => r.site_code).sort(), overdueCodes, 'the page lists the overdue cases');
    assert.ok(rows.every((r) => r.overdue), 'each marked overdue');
    assert.equal(await page.locator('#case-list .overdue-badge').count(), rows.length);
    await page.selectOption('#case-filter select[name=state]', 'assessed');
    await page.waitForFunction(() => /đã kiểm tra/.test(document.querySelector('#case-count').textContent));
    const both = await caseRows();
    assert.deepEqual(both.map((r) => r.site_code).sort(), sortedCodes((await api('reviewer', '/v1/cases?overdue=true&state=assessed&limit=500')).items));
    await page.screenshot({ path: join(shots, 'reviewer-overdue.png') });
  });

  // An overdue case with no signature to collect: the lead authority decides
  // alone. The signed-in carrier's own, so that it reports evidence on it.
  const cases = (await api('reviewer', '/v1/cases?overdue=true&state=assessed&limit=500')).items;
  const chosen = cases.find((k) => k.required_signatures.length === 0 && k.carrier === carrierOrg) ||
    cases.find((k) => k.required_signatures.length === 0) || cases[0];
  assert.ok(chosen, 'an overdue assessed case');

  await step(`reviewer: opens ${chosen.site_code} with its report and map`, async () => {
    await page.click(`#case-list .case-row[data-proposal="${chosen.proposal_id}"]`);
    assert.equal(await caseState(), 'assessed');
    assert.equal(await page.locator('#case-page .case-head .overdue-badge').count(), 1, 'overdue on the page');
    const report = await api('reviewer', `/v1/proposals/${chosen.proposal_id}/report`);
    assert.equal(await page.locator('#case-verdict').innerText(), report.assessment.verdict);
    assert.equal(await page.locator('#case-page .finding').count(), report.assessment.findings.length, 'a finding per finding');
    assert.equal(await page.locator('.leaflet-site-pane path.case-site').count(), 1, 'the site on the map');
    assert.match(await page.locator('#case-page .missing-signatures').innerText(), /No signature missing/);
  });

  await step('reviewer: starts the review', async () => {
    await page.click('#case-actions [data-event="start_review"]');
    await page.waitForFunction(() => document.querySelector('#case-state')?.dataset.state === 'under_review');
    await page.waitForSelector('#decision-form');
  });

  await step('reviewer: a condition without its height is named next to it', async () => {
    await page.selectOption('#decision-form select[name=outcome]', 'approve_with_conditions');
    const cond = page.locator('#decision-form .condition').first();
    await cond.waitFor();
    assert.equal(await cond.locator('[data-name=type]').inputValue(), 'max_height');
    await page.fill('#decision-form textarea[name=note]', 'Đồng ý có điều kiện (web test)');
    await page.click('#decide');
    const box = cond.locator('.field-error');
    await box.waitFor({ state: 'visible' });
    assert.match(await box.innerText(), /\/conditions\/0\/params\/height_m/);
    assert.equal(await cond.locator('[data-param=height_m]').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#decision-form .form-problem').innerText(), /422/);
    assert.equal(await caseState(), 'under_review', 'nothing decided');
    await page.screenshot({ path: join(shots, 'reviewer-condition-error.png') });
  });

  await step('reviewer: a decision on a case changed meanwhile is refused (412) and offers a reload', async () => {
    // Meanwhile documents are requested and resubmitted: the same state, a newer version.
    const post = (role, event) => api(role, `/v1/proposals/${chosen.proposal_id}/actions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ event }) });
    await post('reviewer', 'request_documents');
    assert.equal((await post('carrier', 'resubmit_documents')).state, 'under_review');
    await page.locator('#decision-form .condition').first().locator('[data-param=height_m]').fill('30');
    await page.click('#decide');
    const problem = page.locator('#decision-form .form-problem');
    await problem.locator('button.reload').waitFor();
    assert.match(await problem.innerText(), /412/);
    assert.equal(await caseState(), 'under_review', 'nothing decided');
    await problem.locator('button.reload').click();
    await page.waitForFunction(() => !document.querySelector('#decision-form .form-problem')?.textContent);
    await page.selectOption('#decision-form select[name=outcome]', 'approve_with_conditions');
  });

  await step('reviewer: approves with a condition and sees the state change', async () => {
    const cond = page.locator('#decision-form .condition').first();
    await cond.locator('[data-param=height_m]').fill('30');
    await page.click('#decide');
    await page.waitForFunction(() => document.querySelector('#case-state')?.dataset.state === 'approved_with_conditions');
    const out = page.locator('#case-page .decision .condition-out');
    assert.equal(await out.count(), 1);
    assert.equal(await out.getAttribute('data-type'), 'max_height');
    assert.equal(await out.getAttribute('data-status'), 'open');
    assert.match(await out.innerText(), /height_m=30/);
    const k = await api('reviewer', `/v1/proposals/${chosen.proposal_id}/case`);
    assert.equal(k.state, 'approved_with_conditions');
    assert.deepEqual(k.decisions[0].conditions.map((c) => [c.type, c.params.height_m]), [['max_height', '30']]);
    assert.equal(await page.locator('#decision-form').count(), 0, 'no decision form on a decided case');
    await page.screenshot({ path: join(shots, 'reviewer-decided.png') });
  });

  await signOut();

  await step('carrier: reports evidence for the condition (a file uploaded there, a 412 and reload, then the file picked, and a note)', async () => {
    assert.equal(chosen.carrier, carrierOrg, 'the decided case is the carrier\'s own');
    await signIn('carrier');
    await caseRows();
    await page.click(`#case-list .case-row[data-proposal="${chosen.proposal_id}"]`);
    assert.equal(await caseState(), 'approved_with_conditions');
    const out = page.locator('#case-page .condition-out');
    assert.equal(await out.locator('form.condition-settle').count(), 0, 'a carrier does not mark a condition');
    await out.locator('details.evidence-report summary').click();
    const form = out.locator('form.condition-evidence');
    // Neither an attachment nor a file: the server names the picker.
    await form.locator('button[type=submit]').click();
    const box = form.locator('.field-error');
    await box.waitFor({ state: 'visible' });
    assert.match(await box.innerText(), /\/evidence_attachment_id/);
    assert.equal(await form.locator('select[name=attachment]').getAttribute('aria-invalid'), 'true');
    assert.match(await form.locator('.form-problem').innerText(), /422/);
    await page.locator('#case-page .decision').screenshot({ path: join(shots, 'carrier-evidence-error.png') });
    // Meanwhile the carrier reports a photo through the API: the page's ETag is stale.
    const cid = (await api('carrier', `/v1/proposals/${chosen.proposal_id}/case`)).decisions[0].conditions[0].id;
    const photo = await api('carrier', `/v1/proposals/${chosen.proposal_id}/attachments?filename=site-photo.pdf`, {
      method: 'POST', status: 201, headers: { 'Content-Type': 'application/pdf' }, body: Buffer.from('%PDF-1.4\n% photo\n%%EOF\n') });
    const etag = (await api('carrier', `/v1/proposals/${chosen.proposal_id}/case`)).etag;
    await api('carrier', `/v1/proposals/${chosen.proposal_id}/conditions/${cid}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'If-Match': etag },
      body: JSON.stringify({ status: 'open', evidence_attachment_id: photo.id }) });
    const pdf = Buffer.from('%PDF-1.4\n% height 30 m, as built\n%%EOF\n');
    await form.locator('input[name=file]').setInputFiles({ name: 'as-built.pdf', mimeType: 'application/pdf', buffer: pdf });
    const sent = page.waitForRequest((r) => r.url().includes(`/v1/proposals/${chosen.proposal_id}/attachments?filename=`) && r.method() === 'POST');
    await form.locator('button[type=submit]').click();
    assert.equal((await sent).headers()['x-checksum-sha256'], createHash('sha256').update(pdf).digest('hex'), 'the browser sends the SHA-256');
    const problem = form.locator('.form-problem');
    await problem.locator('button.reload').waitFor();
    assert.match(await problem.innerText(), /412/);
    await problem.locator('button.reload').click();
    // The reloaded page shows the photo as the evidence, and offers the
    // uploaded file in the picker: the carrier picks it and sends again.
    await page.locator('#case-page .condition-out .evidence .evidence-file a').waitFor();
    assert.equal(await page.locator('#case-page .condition-out .evidence .evidence-file a').innerText(), 'site-photo.pdf');
    const att = (await api('carrier', `/v1/proposals/${chosen.proposal_id}/attachments`)).items.find((a) => a.filename === 'as-built.pdf');
    assert.ok(att, 'the uploaded file is among the case\'s attachments');
    await out.locator('details.evidence-report summary').click();
    await page.waitForSelector(`#case-page form.condition-evidence select[name=attachment] option[value="${att.id}"]`, { state: 'attached' });
    await form.locator('select[name=attachment]').selectOption(String(att.id));
    await form.locator('input[name=note]').fill('Bản vẽ hoàn công · as-built drawing');
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('#case-page .condition-out .evidence .evidence-file a')?.textContent === 'as-built.pdf');
    const link = page.locator('#case-page .condition-out .evidence .evidence-file a');
    await link.waitFor();
    assert.equal(await link.innerText(), 'as-built.pdf');
    assert.match(await page.locator('#case-page .condition-out .evidence').innerText(), /as-built drawing/);
    assert.equal(await page.locator('#case-page .condition-out').getAttribute('data-status'), 'open', 'evidence leaves it open');
    const k = await api('carrier', `/v1/proposals/${chosen.proposal_id}/case`);
    assert.equal(k.decisions[0].conditions[0].evidence_attachment_id, att.id);
    assert.equal(k.decisions[0].conditions[0].evidence_note, 'Bản vẽ hoàn công · as-built drawing');
    // The picker now offers it, for the next report.
    assert.ok((await page.$$eval('#case-page form.condition-evidence select[name=attachment] option', (os) => os.map((o) => o.value))).includes(String(att.id)));
    await page.locator('#case-page .decision').screenshot({ path: join(shots, 'carrier-evidence.png') });
  });

  await signOut();

  await step('reviewer: marks the condition met, and the decision letter opens', async () => {
    await signIn('reviewer');
    await caseRows();
    await page.click(`#case-list .case-row[data-proposal="${chosen.proposal_id}"]`);
    assert.equal(await caseState(), 'approved_with_conditions');
    assert.equal(await page.locator('#case-page .condition-out .evidence .evidence-file a').innerText(), 'as-built.pdf', 'the reviewer sees the evidence');
    assert.equal(await page.locator('#case-page form.condition-evidence').count(), 0, 'a reviewer reports no evidence');
    const form = page.locator('#case-page .condition-out form.condition-settle');
    await form.locator('input[name=note]').fill('Đã kiểm tra tại hiện trường · checked on site');
    await form.locator('button[data-status="met"]').click();
    await page.waitForFunction(() => document.querySelector('#case-page .condition-out')?.dataset.status === 'met');
    assert.equal(await page.locator('#case-page form.condition-settle').count(), 0, 'a settled condition has no buttons');
    const k = await api('reviewer', `/v1/proposals/${chosen.proposal_id}/case`);
    assert.equal(k.decisions[0].conditions[0].status, 'met');
    const rep = await api('reviewer', `/v1/proposals/${chosen.proposal_id}/report`);
    assert.deepEqual(await page.$$eval('#case-page .earlier-assessment', (ls) => ls.map((l) => Number(l.dataset.id))),
      rep.earlier_assessments.map((x) => x.id), 'the earlier assessments, newest first');
    assert.equal(await page.locator('#case-basis').getAttribute('data-basis'), rep.assessment.basis);
    for (const l of ['vi', 'en']) {
      const href = await page.locator(`#case-page .letter a[data-lang="${l}"]`).getAttribute('href');
      const r = await page.request.get(base + href);
      assert.equal(r.status(), 200, href);
      assert.match(r.headers()['content-type'], /text\/html/);
    }
    await page.fill('#comment-form textarea[name=text]', 'Ghi chú nội bộ (web test)');
    await page.selectOption('#comment-form select[name=visibility]', 'internal');
    await page.click('#comment-form button[type=submit]');
    await page.locator('#comments .comment.internal').waitFor();
    await page.screenshot({ path: join(shots, 'reviewer-condition-met.png'), fullPage: true });
  });

  let signer = null;
  await step('reviewer: a CONDITIONAL case shows whose signatures are missing', async () => {
    // The list leaves the signatures to each case's page.
    let k = null;
    let view = null;
    for (const x of (await api('reviewer', '/v1/cases?state=assessed&limit=500')).items) {
      view = await api('reviewer', `/v1/proposals/${x.proposal_id}/case`);
      if (view.missing_signatures.length > 0) {
        k = x;
        break;
      }
    }
    assert.ok(k, 'a case that needs another authority');
    await page.evaluate((id) => window.btsplan.openCase(id), k.proposal_id);
    await page.waitForFunction((id) => document.querySelector('#case-page .case-head')?.dataset.proposal === String(id), k.proposal_id);
    const missing = await page.$$eval('#case-page .missing-signatures li', (ls) => ls.map((l) => l.dataset.authority));
    assert.deepEqual(missing, view.missing_signatures);
    assert.ok(missing.length > 0);
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-findings-pane path.finding-zone').length > 0);
    assert.equal(await page.locator('#sign-form').count(), 0, `${view.missing_signatures} sign, not SNNMT`);
    await page.click('#case-actions [data-event="start_review"]');
    await page.waitForFunction(() => document.querySelector('#case-state')?.dataset.state === 'under_review');
    signer = { authority: view.missing_signatures[0], proposal: k.proposal_id, site_code: k.site_code };
  });

  await signOut();

  await step(`${signer.authority} reviewer: signs its consent, and no signature is missing`, async () => {
    const role = `reviewer:${signer.authority}`;
    assert.ok(tokens[role], `WEBTEST_TOKEN_REVIEWER_${signer.authority} is set`);
    await signIn(role);
    await caseRows();
    await page.click(`#case-list .case-row[data-proposal="${signer.proposal}"]`);
    assert.equal(await caseState(), 'under_review');
    assert.equal(await page.locator('#sign-form').count(), 1, 'the sign form');
    assert.equal(await page.locator('#decision-form').count(), 0, 'no decision form: the lead authority decides');
    await page.fill('#sign-form input[name=note]', 'Đồng ý (web test)');
    await page.click('#sign-form button[type=submit]');
    await page.waitForFunction((a) => document.querySelector(`#case-page .signature[data-authority="${a}"]`), signer.authority);
    assert.match(await page.locator(`#case-page .signature[data-authority="${signer.authority}"]`).innerText(), /consents/);
    assert.match(await page.locator('#case-page .missing-signatures').innerText(), /No signature missing/);
    assert.equal(await page.locator('#sign-form').count(), 0, 'signed once');
    const v = await api('reviewer', `/v1/proposals/${signer.proposal}/case`);
    assert.deepEqual(v.missing_signatures, []);
    assert.deepEqual(v.signatures.map((x) => [x.authority, x.consent]), [[signer.authority, true]]);
  });

  await signOut();

  // ---- Analyst: downloads, the gap analysis and its table -----------------

  await step('analyst: the downloads', async () => {
    await signIn('analyst');
    assert.deepEqual(await visibleTabs(), ['cases', 'map', 'gaps', 'downloads'], 'an analyst sees every tab');
    assert.equal(await page.locator('#tab-downloads').isVisible(), true, 'the downloads first');
    await page.waitForSelector('#dl-cases:not([aria-busy])');
    const names = [...new Set((await api('analyst', '/v1/layers')).layers.map((l) => l.name))].sort();
    assert.deepEqual(await page.$$eval('#downloads .dl-layer', (ls) => ls.map((l) => l.dataset.layer).sort()), names, 'a download per layer');
    const hrefs = await page.$$eval('#downloads .dl-layer > a', (as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) {
      const r = await page.request.get(base + href);
      assert.equal(r.status(), 200, href);
      assert.match(r.headers()['content-type'], /geo\+json/, href);
    }
    assert.equal(await page.locator('#downloads a[href^="/v1/proposals.geojson"]').count(), 0, 'no proposals.geojson for an analyst (403)');
    // The case the reviewer decided is public now.
    const row = page.locator(`#dl-cases .dl-case[data-proposal="${chosen.proposal_id}"]`);
    assert.equal(await row.count(), 1, 'the decided case is public');
    const fhref = await row.locator('a[href$="findings.geojson"]').getAttribute('href');
    assert.equal((await page.request.get(base + fhref)).status(), 200, fhref);
    for (const href of ['/openapi.json', '/v1/sites']) {
      assert.equal(await page.locator(`#downloads a[href="${href}"]`).count(), 1, href);
      assert.equal((await page.request.get(base + href)).status(), 200, href);
    }
    await page.screenshot({ path: join(shots, 'analyst-downloads.png') });
  });

  const gap = await api('analyst', '/v1/gap-analyses/1');
  const villages = await api('analyst', '/v1/gap-analyses/1/villages.geojson');
  const gapAreas = await api('analyst', '/v1/gap-analyses/1/gaps.geojson');
  const vs = villages.features.map((f) => f.properties);

  await step('analyst: the demo gap analysis on the map and in the table', async () => {
    await tab('gaps');
    await page.waitForSelector('#gap-view[data-ready="true"]');
    const listed = (await api('analyst', '/v1/gap-analyses')).items.map((a) => String(a.id));
    assert.deepEqual(await page.$$eval('#gap-picker select[name=analysis] option', (os) => os.map((o) => o.value)), listed, 'the picker lists the analyses, newest first');
    if (await page.locator('#gap-id').innerText() !== '1') {
      await page.selectOption('#gap-picker select[name=analysis]', '1');
      await page.waitForFunction(() => document.querySelector('#gap-id')?.textContent === '1');
    }
    assert.equal(await page.locator('#gap-id').innerText(), '1', 'the demo analysis opens');
    assert.equal(vs.length, gap.counts.villages);
    assert.ok(vs.length >= 5, `villages = ${vs.length}`);
    assert.equal(await page.locator('.leaflet-villages-pane path.village').count(), vs.length, 'a marker per village');
    assert.equal(await page.locator('#village-table tbody tr').count(), vs.length, 'a row per village');
    assert.equal(await page.locator('.n-villages').innerText(), String(gap.counts.villages));
    assert.equal(await page.locator('.leaflet-gapareas-pane path.gap-area').count(), gapAreas.features.length, 'a polygon per gap');
    assert.ok(gapAreas.features.length > 0);
    for (const ns of ['total', 'partial', 'none']) {
      const want = vs.filter((p) => p.not_spot === ns).length;
      assert.equal(await page.locator(`path.village.st-${ns}`).count(), want, `${ns} not-spot markers`);
    }
    assert.equal(await page.locator('path.village.st-total').first().getAttribute('fill'), '#c53030', 'a total not-spot is red');
    const carriers = gap.params.carriers;
    assert.deepEqual(await page.$$eval('#village-table thead button.sort', (bs) => bs.map((b) => b.dataset.key).slice(3)),
      [...carriers.map((m) => `carrier:${m}`), 'predicted', 'official', 'agreement'], 'a column per carrier, then predicted against official');
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-sites-pane path.existing-site').length > 0);
  });

  await step('analyst: colour by one carrier', async () => {
    const mnc = '452-04';
    await page.selectOption('#gap-colour', mnc);
    for (const st of ['covered', 'lom_song', 'trang_song']) {
      const want = vs.filter((p) => p.coverage[mnc]?.status === st).length;
      assert.equal(await page.locator(`path.village.st-${st}`).count(), want, `${mnc} ${st} markers`);
      assert.equal(await page.locator(`#gap-legend [data-status="${st}"] .n`).innerText(), String(want), `${st} in the legend`);
    }
    await page.selectOption('#gap-colour', '');
  });

  await step('analyst: the village table sorts', async () => {
    const names = () => page.$$eval('#village-table tbody td.name', (ts) => ts.map((t) => t.textContent));
    const byPop = [...vs].sort((a, b) => b.population - a.population || a.zone_id - b.zone_id).map((p) => p.name);
    await page.click('#village-table thead button[data-key="population"]');
    assert.deepEqual(await names(), byPop, 'most people first');
    assert.equal(await page.locator('#village-table thead th[aria-sort="descending"] button').getAttribute('data-key'), 'population');
    await page.click('#village-table thead button[data-key="population"]');
    const fewest = [...vs].sort((a, b) => a.population - b.population || a.zone_id - b.zone_id).map((p) => p.name);
    assert.deepEqual(await names(), fewest, 'fewest first');
    await page.click('#village-table thead button[data-key="name"]');
    assert.deepEqual(await names(), [...vs].map((p) => p.name).sort((a, b) => a.localeCompare(b, 'vi')), 'by name');
    await page.click('#village-table thead button[data-key="carrier:452-04"]');
    const first = (await names())[0];
    assert.notEqual(vs.find((p) => p.name === first).coverage['452-04'].status, 'covered', 'uncovered first for 452-04');
  });

  await step('analyst: a row shows its village on the map', async () => {
    const v = vs.find((p) => p.not_spot === 'total');
    await page.click(`#village-table tbody tr[data-id="${v.zone_id}"]`);
    await page.waitForSelector(`.leaflet-popup .village-popup[data-id="${v.zone_id}"]`);
    assert.equal(await page.locator('#village-table tbody tr.selected').getAttribute('data-id'), String(v.zone_id));
    assert.equal(await page.locator(`path.village.v-${v.zone_id}.selected`).count(), 1, 'the marker is highlighted');
    assert.match(await page.locator('.leaflet-popup .village-popup').innerText(), new RegExp(v.name.replace(/[()]/g, '.')));
    const inView = await page.evaluate(([lon, lat]) => window.btsplan.map.getBounds().contains([lat, lon]), villages.features.find((f) => f.properties.zone_id === v.zone_id).geometry.coordinates);
    assert.ok(inView, 'the map shows the village');
    await page.screenshot({ path: join(shots, 'gaps.png') });
  });

  await step('analyst: the official list\'s disagreement is marked, with the note verbatim', async () => {
    const o = gap.official;
    assert.ok(o && o.disagreements >= 1, `the demo list disagrees somewhere: ${JSON.stringify(o)}`);
    assert.equal(await page.locator('#gap-official .n-disagreements').innerText(), String(o.disagreements));
    assert.equal(await page.locator('#gap-official .official-note').innerText(), o.note, 'the note verbatim');
    const dis = vs.filter((p) => p.agreement !== 'agrees' && p.agreement !== 'not_listed');
    assert.equal(dis.length, o.disagreements);
    assert.equal(await page.locator('.leaflet-villages-pane path.disagreement').count(), dis.length, 'a ring per disagreement');
    assert.deepEqual(await page.$$eval('#village-table tbody tr.disagrees', (rs) => rs.map((r) => Number(r.dataset.id)).sort()),
      dis.map((p) => p.zone_id).sort(), 'the rows that disagree are marked');
    const v = dis[0];
    await page.click(`#village-table tbody tr[data-id="${v.zone_id}"]`);
    const off = page.locator(`.leaflet-popup .village-popup[data-id="${v.zone_id}"] .official.disagrees`);
    await off.waitFor();
    assert.equal(await off.getAttribute('data-agreement'), v.agreement);
    assert.match(await off.innerText(), new RegExp(v.official.date));
    assert.equal(await page.locator(`#village-table tbody tr[data-id="${v.zone_id}"] td.predicted`).innerText(),
      { covered: 'có sóng', lom_song: 'lõm sóng', trang_song: 'trắng sóng' }[v.predicted_status]);
    await page.screenshot({ path: join(shots, 'gaps-official.png') });
    await page.evaluate(() => window.btsplan.map.closePopup());
  });

  await step('analyst: opens the carrier\'s search (an analyst adopts nothing)', async () => {
    const fc = await api('analyst', `/v1/site-searches/${searchId}/locations.geojson`);
    await page.selectOption('#search-picker select[name=search]', String(searchId));
    await page.click('#search-picker button[type=submit]');
    await page.waitForFunction((id) => document.querySelector('#search-id')?.textContent === String(id), searchId);
    assert.equal(await page.locator('.leaflet-search-pane path.search-result').count(), fc.features.length);
    assert.equal(await page.locator('#search-results button.adopt').count(), 0, 'no Adopt for an analyst');
    assert.equal(await page.locator(`#search-results li[data-rank="1"] [data-open-case="${adopted}"]`).count(), 1, 'location 1 opens its case');
    const toggle = page.locator('#site-search-layer input[data-layer="site-search"]');
    assert.equal(await toggle.isChecked(), true);
    await toggle.uncheck();
    assert.equal(await page.locator('path.search-result').count(), 0, 'toggled off');
    await toggle.check();
    assert.equal(await page.locator('path.search-result').count(), fc.features.length, 'toggled on');
    await page.evaluate(() => window.btsplan.drawSiteSearch(null));
    assert.equal(await page.locator('path.search-result').count(), 0, 'cleared');
  });

  await step('analyst: runs a new gap analysis and it opens when done', async () => {
    await page.fill('#gap-start input[name=admin_unit]', 'NO-SUCH-UNIT');
    await page.click('#gap-start button[type=submit]');
    const err = page.locator('#tab-gaps .field-error[data-for~="admin_unit"]');
    await err.waitFor({ state: 'visible' });
    assert.match(await err.innerText(), /\/admin_unit/);
    await page.fill('#gap-start input[name=admin_unit]', 'SYN999');
    await page.click('#gap-start button[type=submit]');
    await page.waitForFunction(() => Number(document.querySelector('#gap-id')?.textContent) > 1, null, { timeout: 40000 });
    const id = Number(await page.locator('#gap-id').innerText());
    const a = await api('analyst', `/v1/gap-analyses/${id}`);
    assert.equal(a.state, 'done');
    assert.equal(await page.locator('#village-table tbody tr').count(), a.counts.villages);
    assert.match(page.url(), new RegExp(`gap=${id}`));
  });

  await step('no foreign requests, page errors or console errors', async () => {
    assert.deepEqual(problems, []);
  });
  console.log(`screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error(`FAIL ${e.stack || e}`);
  if (problems.length) console.error(`also: ${problems.join('\n      ')}`);
  try {
    if (page) {
      await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true });
      console.error(`screenshot of the failure: ${join(shots, 'failure.png')}`);
    }
  } catch {
    // The browser is gone: the error above says why.
  }
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
