// Browser test of the btsplan web map, in headless Chromium driven by
// playwright-core. go test ./web/ runs it against a throwaway database
// loaded with the demo district:
//
//   node web/webtest/map.test.mjs URL
//
// URL is the API serving the map (http://127.0.0.1:PORT). It needs the
// demo district loaded, and it submits one proposal (site code WEB-TEST-…).
// Environment: CHROMIUM (default /usr/bin/chromium); WEBTEST_SCREENSHOTS,
// the folder for the screenshots (default a new temporary folder).
// It exits 0 when every step passes and 1 at the first failure.

import assert from 'node:assert/strict';
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

// token signs the browser in through the map's form, and the test's own
// requests in with a bearer header.
const token = process.env.WEBTEST_TOKEN || '';

async function api(path) {
  const r = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
}

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
const problems = [];
let failed = false;

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] || (await context.newPage());
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

  const layers = (await api('/v1/layers')).layers.filter((l) => l.current);
  const parkLayer = layers.find((l) => l.kind === 'protected_area');
  assert.ok(parkLayer, 'the demo has a current protected_area layer');
  const parkFC = await api(parkLayer.geojson);
  const park = parkFC.features[0];
  const parkName = park.properties.name;
  const proposalFC = await api('/v1/proposals.geojson?limit=1000');
  const target = parkPoint(park, proposalFC.features.map((f) => f.geometry.coordinates));
  const siteCode = `WEB-TEST-${Date.now()}`;

  await step('sign-in: a wrong token is refused, the right one signs in', async () => {
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForSelector('#signin:not([hidden])');
    await page.fill('#signin input[name=token]', 'not-a-token');
    await page.click('#signin button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#signin .field-error').textContent.length > 0);
    await page.fill('#signin input[name=token]', token);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#whoami:not([hidden])');
    const cookies = await page.context().cookies();
    const c = cookies.find((k) => k.name === 'btsplan_session');
    assert.ok(c && c.httpOnly && c.sameSite === 'Strict', 'an HttpOnly SameSite=Strict session cookie');
  });

  await step('page loads, layers and proposals drawn', async () => {
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

  await step('demo data is labelled SYNTHETIC', async () => {
    await page.locator('#synthetic-banner').waitFor({ state: 'visible' });
    assert.match(await page.locator('#synthetic-banner').innerText(), /SYNTHETIC/);
    assert.match(await page.locator('#synthetic-map-label').innerText(), /SYNTHETIC/);
    assert.ok(await page.locator('#layers .synthetic-badge').count() >= 7, 'SYNTHETIC badges on the demo layers');
  });

  await step('map fits the demo district', async () => {
    const fits = await page.evaluate(([p]) => {
      const { map, zones } = window.btsplan;
      const view = map.getBounds();
      return { zoom: map.getZoom(), park: view.contains(L.latLng(p[1], p[0])), all: zones.every((z) => !z.group.getBounds().isValid() || view.pad(0.01).contains(z.group.getBounds())) };
    }, [target]);
    assert.ok(fits.zoom >= 10, `zoom ${fits.zoom}, want the district, not the country`);
    assert.ok(fits.park && fits.all, `every layer in view: ${JSON.stringify(fits)}`);
    await page.screenshot({ path: join(shots, 'overview.png') });
  });

  await step('layers toggle', async () => {
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

  await step('a proposal opens with its reports', async () => {
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

  await step('a proposal with a computed coverage shows it on the map', async () => {
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
    assert.equal(await page.locator('img.leaflet-image-layer').count(), 0, 'coverage toggled off');
    await page.evaluate(() => window.btsplan.map.closePopup());
  });

  await step('a click in the national park is checked as CONFLICT', async () => {
    // Centre the park point, as an engineer pans to it, then click it.
    const at = await page.evaluate(([p]) => {
      const { map } = window.btsplan;
      map.setView([p[1], p[0]], 14, { animate: false });
      return map.latLngToContainerPoint([p[1], p[0]]);
    }, [target]);
    await page.locator('#map').click({ position: { x: at.x, y: at.y } });
    const lon = Number(await page.locator('input[name=lon]').inputValue());
    const lat = Number(await page.locator('input[name=lat]').inputValue());
    assert.ok(distM([lon, lat], target) < 30, `form got ${lon},${lat}, clicked ${target}`);
    assert.equal(await page.locator('.leaflet-site-pane path.site-marker').count(), 1, 'site marker placed');
    await page.selectOption('select[name=carrier]', '452-04');
    await page.fill('input[name=site_code]', siteCode);
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

  await step('the messages follow the language', async () => {
    await page.selectOption('#lang', 'en');
    await page.click('#check-site');
    await page.waitForFunction(() => /Site is/.test(document.querySelector('#result')?.innerText || ''));
    await page.selectOption('#lang', 'vi');
  });

  await step('submit stores the proposal', async () => {
    const before = await page.locator('path.proposal').count();
    await page.click('#submit-proposal');
    const stored = page.locator('#stored');
    await stored.waitFor();
    const id = await stored.getAttribute('data-id');
    assert.match(id, /^\d+$/);
    assert.match(await stored.innerText(), new RegExp(`#${id}`));
    const href = await stored.locator('a[data-lang="en"]').getAttribute('href');
    const r = await page.request.get(base + href);
    assert.equal(r.status(), 200, href);
    assert.match(await r.text(), new RegExp(siteCode));
    await page.waitForFunction((n) => document.querySelectorAll('path.proposal').length === n + 1, before);
    assert.equal(await page.locator(`#proposals .prop[data-id="${id}"]`).count(), 1, 'listed');
  });

  await step('the same submission again shows the existing proposal', async () => {
    await page.click('#submit-proposal');
    await page.locator('#result .problem').waitFor();
    assert.match(await page.locator('#result .problem').innerText(), /409/);
    assert.equal(await page.locator('#result .problem a[href^="/v1/proposals/"]').count() > 0, true, 'link to the existing proposal');
  });

  await step('swapped coordinates and a bad height show field errors', async () => {
    const lon = await page.locator('input[name=lon]').inputValue();
    const lat = await page.locator('input[name=lat]').inputValue();
    await page.fill('input[name=lon]', lat);
    await page.fill('input[name=lat]', lon);
    await page.fill('input[name=height_m]', '-3');
    await page.click('#check-site');
    const coords = page.locator('.field-error[data-for~="lon"]');
    await coords.waitFor({ state: 'visible' });
    assert.match(await coords.innerText(), /swapped/);
    assert.match(await page.locator('.field-error[data-for~="height_m"]').innerText(), /height/);
    assert.equal(await page.locator('input[name=lon]').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('input[name=height_m]').getAttribute('aria-invalid'), 'true');
    const list = await page.locator('#result .problem').innerText();
    assert.match(list, /\/geometry\/coordinates/);
    assert.match(list, /\/properties\/height_m/);
    assert.equal(await page.locator('#verdict').count(), 0, 'no verdict shown for a problem');
    await page.screenshot({ path: join(shots, 'field-errors.png'), fullPage: true });
  });

  await step('a missing site code on submit is named', async () => {
    await page.fill('input[name=lon]', String(target[0]));
    await page.fill('input[name=lat]', String(target[1]));
    await page.fill('input[name=height_m]', '36');
    await page.fill('input[name=site_code]', '');
    await page.click('#submit-proposal');
    const box = page.locator('.field-error[data-for~="site_code"]');
    await box.waitFor({ state: 'visible' });
    assert.ok((await box.innerText()).length > 0);
    assert.equal(await page.locator('.field-error[data-for~="lon"]').innerText(), '', 'old errors cleared');
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
    const page = context?.pages()[0];
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
