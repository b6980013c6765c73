// Opens citykpi's HTML report in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and checks what a reader relies on:
// - the page logs no error and requests nothing from the network;
// - each city's wheel has one coloured segment per category with a score, a dotted one per
//   category with values but no score ("reported, no target") and a hatched one per category
//   with no value ("not reported"), as the JSON report of the same run says, and a legend
//   under it with both marks;
// - at 1 200 px the page has no horizontal scrollbar and no table cell's text spills out;
// - printed on A4 portrait (print media, the printable width of 186 mm) every table's right
//   edge is within the printable width and no cell's text spills out, so no column is cut.
// Saves a screenshot of the top of the page at 1 200 px and the A4 PDF.
//
//   NODE_PATH=target/browser-node/node_modules \
//     node tests/browser/check-report.mjs REPORT.html REPORT.json SCREENSHOT.png REPORT.pdf
//
// Exits 1 with one line per failed check.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

// playwright-core is installed outside the repository (.ci/run: target/browser-node), found
// through NODE_PATH, which `require` honours.
const { chromium } = createRequire(import.meta.url)('playwright-core');

const [html, json, screenshot, pdf] = process.argv.slice(2);
if (!html || !json || !screenshot || !pdf) {
  console.error('usage: check-report.mjs REPORT.html REPORT.json SCREENSHOT.png REPORT.pdf');
  process.exit(2);
}

// The window a council member reads in, and A4's printable width at the report's 12 mm
// margins (@page in src/report/html/mod.rs), in CSS pixels (96 a inch).
const WINDOW = 1200;
const A4_PRINTABLE = Math.floor(((210 - 2 * 12) / 25.4) * 96);

// Each city's latest city-year, and its categories: scored, with values but no score, without values.
const report = JSON.parse(readFileSync(json, 'utf8'));
const latest = new Map();
for (const cy of report.assessments) {
  if (!latest.has(cy.city) || latest.get(cy.city).year < cy.year) latest.set(cy.city, cy);
}
const expected = [...latest.values()].map((cy) => {
  const categories = cy.summary.filter((s) => s.level === 'category');
  const reported = (code) => cy.kpis.some((k) => k.category === code && k.value !== null);
  const unscored = categories.filter((s) => s.score === null);
  return {
    city: cy.city,
    scored: categories.length - unscored.length,
    noTarget: unscored.filter((s) => reported(s.code)).length,
    notReported: unscored.filter((s) => !reported(s.code)).length,
  };
});

const failures = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: WINDOW, height: 1400 } });
const url = pathToFileURL(path.resolve(html)).href;
page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error: ${m.text()}`); });
page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
page.on('request', (r) => {
  if (r.url() !== url && !r.url().startsWith('data:')) failures.push(`network request: ${r.url()}`);
});
await page.goto(url, { waitUntil: 'load' });

// The wheels and their legends.
const wheels = await page.$$eval('section.city', (sections) => sections.map((s) => {
  const count = (state, fill) => [...s.querySelectorAll(`svg.wheel path.segment[data-level="category"][data-state="${state}"]`)]
    .filter((p) => fill.test(p.getAttribute('fill'))).length;
  const legend = s.querySelector('.wheel-legend');
  return {
    city: s.querySelector('h2').textContent,
    scored: count('scored', /^#[0-9a-f]{6}$/i),
    noTarget: count('no-target', /^url\(#no-target\)$/),
    notReported: count('not-reported', /^url\(#no-data\)$/),
    legend: legend ? legend.textContent : '',
  };
}));
// Above its limit of cities the report gives the scores only, and says so.
const scoresOnly = (await page.textContent('body')).match(/more than \d+, so this report shows their scores only/);
if (scoresOnly) console.log(`${expected.length} cities: ${scoresOnly[0]}`);
if (wheels.length !== (scoresOnly ? 0 : expected.length)) {
  failures.push(`${wheels.length} city sections with a wheel, expected ${expected.length}`);
}
for (const want of scoresOnly ? [] : expected) {
  const got = wheels.find((w) => w.city.startsWith(`${want.city} `));
  if (!got) {
    failures.push(`no wheel for ${want.city}`);
    continue;
  }
  for (const state of ['reported, no target', 'not reported']) {
    if (!got.legend.includes(state)) failures.push(`${want.city}: the wheel's legend lacks "${state}"`);
  }
  const counts = (w) => `${w.scored} coloured, ${w.noTarget} dotted and ${w.notReported} hatched`;
  if (got.scored !== want.scored || got.noTarget !== want.noTarget || got.notReported !== want.notReported) {
    failures.push(`${want.city}: ${counts(got)} category segments, expected ${counts(want)}`);
  } else {
    console.log(`${want.city}: ${counts(got)} category segments, as the JSON report says; legend with both marks`);
  }
}

if (!expected.some((w) => w.noTarget > 0) || !expected.some((w) => w.notReported > 0)) {
  failures.push('the data gives no category reported without a score, or none not reported: the wheel\'s two marks go unchecked');
}

// Whether the page fits `width`: no horizontal scrollbar, every table within it, no cell
// whose content is wider than the cell.
async function fits(what, width) {
  const found = await page.evaluate((width) => {
    const d = document.documentElement;
    const problems = [];
    if (d.scrollWidth > d.clientWidth) problems.push(`the page is ${d.scrollWidth} px wide, the window ${d.clientWidth} px`);
    const tables = [...document.querySelectorAll('table')];
    tables.forEach((t, i) => {
      const right = t.getBoundingClientRect().right;
      if (right > width + 0.5) problems.push(`table ${i + 1} (${t.className || 'no class'}) ends at ${right.toFixed(0)} px`);
    });
    const spilled = [...document.querySelectorAll('th, td')].filter((c) => c.scrollWidth > c.clientWidth + 1);
    if (spilled.length) {
      const c = spilled[0];
      problems.push(`${spilled.length} cells' content is wider than the cell, e.g. "${c.textContent.slice(0, 40)}" (${c.scrollWidth} px in ${c.clientWidth} px)`);
    }
    return { problems, tables: tables.length };
  }, width);
  for (const p of found.problems) failures.push(`${what}: ${p}`);
  if (!found.problems.length) console.log(`${what}: no horizontal overflow; ${found.tables} tables, every cell's content within its column`);
}

await fits(`at ${WINDOW} px`, WINDOW);
await page.screenshot({ path: screenshot });

// Print: the layout at A4's printable width in print media, then the PDF itself.
await page.emulateMedia({ media: 'print' });
await page.setViewportSize({ width: A4_PRINTABLE, height: 1000 });
await fits(`printed on A4 (${A4_PRINTABLE} px)`, A4_PRINTABLE);
await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
await browser.close();

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`no console error, no network request; screenshot in ${screenshot}, A4 PDF in ${pdf}`);
