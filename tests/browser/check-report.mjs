// Opens citykpi's HTML report in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and checks what a reader relies on: the page logs no error, requests
// nothing from the network, and each city's wheel has one coloured segment per category
// with a score (as the JSON report of the same run says) and a hatched one per category
// without. Saves a screenshot of the top of the page.
//
//   NODE_PATH=target/browser-node/node_modules \
//     node tests/browser/check-report.mjs REPORT.html REPORT.json SCREENSHOT.png
//
// Exits 1 with one line per failed check.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

// playwright-core is installed outside the repository (.ci/run: target/browser-node), found
// through NODE_PATH, which `require` honours.
const { chromium } = createRequire(import.meta.url)('playwright-core');

const [html, json, screenshot] = process.argv.slice(2);
if (!html || !json || !screenshot) {
  console.error('usage: check-report.mjs REPORT.html REPORT.json SCREENSHOT.png');
  process.exit(2);
}

// Each city's latest city-year, and its categories with and without a score.
const report = JSON.parse(readFileSync(json, 'utf8'));
const latest = new Map();
for (const cy of report.assessments) {
  if (!latest.has(cy.city) || latest.get(cy.city).year < cy.year) latest.set(cy.city, cy);
}
const expected = [...latest.values()].map((cy) => {
  const categories = cy.summary.filter((s) => s.level === 'category');
  return {
    city: cy.city,
    scored: categories.filter((s) => s.score !== null).length,
    unscored: categories.filter((s) => s.score === null).length,
  };
});

const failures = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 1500 } });
const url = pathToFileURL(path.resolve(html)).href;
page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error: ${m.text()}`); });
page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
page.on('request', (r) => {
  if (r.url() !== url && !r.url().startsWith('data:')) failures.push(`network request: ${r.url()}`);
});
await page.goto(url, { waitUntil: 'load' });

const wheels = await page.$$eval('section.city', (sections) => sections.map((s) => ({
  city: s.querySelector('h2').textContent,
  scored: [...s.querySelectorAll('svg.wheel path.segment[data-level="category"][data-scored="true"]')]
    .filter((p) => /^#[0-9a-f]{6}$/i.test(p.getAttribute('fill'))).length,
  unscored: [...s.querySelectorAll('svg.wheel path.segment[data-level="category"][data-scored="false"]')]
    .filter((p) => p.getAttribute('fill') === 'url(#no-data)').length,
})));
if (wheels.length !== expected.length) {
  failures.push(`${wheels.length} city sections with a wheel, expected ${expected.length}`);
}
for (const want of expected) {
  const got = wheels.find((w) => w.city.startsWith(`${want.city} `));
  if (!got) {
    failures.push(`no wheel for ${want.city}`);
  } else if (got.scored !== want.scored || got.unscored !== want.unscored) {
    failures.push(`${want.city}: ${got.scored} coloured and ${got.unscored} hatched category segments, expected ${want.scored} and ${want.unscored}`);
  } else {
    console.log(`${want.city}: ${got.scored} coloured category segments, ${got.unscored} hatched, as the JSON report says`);
  }
}
await page.screenshot({ path: screenshot });
await browser.close();
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`no console error, no network request; screenshot in ${screenshot}`);
