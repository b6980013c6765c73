// Opens citykpi's results by SDG (`assess --by sdg --format html`) in headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core) and checks what a reader relies on:
// - the page logs no error and requests nothing from the network;
// - each city-year's section has the 17 goal tiles, each in the state the JSON report of the
//   same run (`--by sdg --format json`) gives it: coloured where its roll-up has a band, grey
//   where its KPIs have no score, hatched where no KPI informs it;
// - at 1 200 px the page has no horizontal scrollbar and no table cell's text spills out;
// - printed on A4 portrait (print media, the printable width of 186 mm) every table and the
//   tiles are within the printable width and no cell's text spills out.
// Saves the A4 PDF.
//
//   NODE_PATH=target/browser-node/node_modules \
//     node tests/browser/check-sdg.mjs SDG.html SDG.json SDG.pdf
//
// Exits 1 with one line per failed check.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const { chromium } = createRequire(import.meta.url)('playwright-core');

const [html, json, pdf] = process.argv.slice(2);
if (!html || !json || !pdf) {
  console.error('usage: check-sdg.mjs SDG.html SDG.json SDG.pdf');
  process.exit(2);
}

const WINDOW = 1200;
const A4_PRINTABLE = Math.floor(((210 - 2 * 12) / 25.4) * 96);

const report = JSON.parse(readFileSync(json, 'utf8'));
const expected = report.assessments.map((cy) => cy.goals.map((g) => {
  if (!g.informed) return 'uninformed';
  return g.band === null ? 'not-scored' : 'scored';
}).join(' '));

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

const sections = await page.$$eval('section.sdg-city', (all) => all.map((s) => ({
  heading: s.querySelector('h2').textContent,
  tiles: [...s.querySelectorAll('svg.sdg-tiles g[data-goal]')].map((g) => ({
    state: g.getAttribute('data-state'),
    fill: g.querySelector('rect').getAttribute('fill'),
    label: g.querySelector('text').textContent,
  })),
})));
if (sections.length !== expected.length) {
  failures.push(`${sections.length} city-year sections, the JSON report has ${expected.length}`);
}
sections.forEach((s, i) => {
  const states = s.tiles.map((t) => t.state).join(' ');
  const labels = s.tiles.map((t) => t.label).join(' ');
  if (labels !== Array.from({ length: 17 }, (_, n) => n + 1).join(' ')) failures.push(`${s.heading}: tiles labelled ${labels}`);
  if (states !== expected[i]) failures.push(`${s.heading}: tiles ${states}, the JSON report says ${expected[i]}`);
  const wrongFill = s.tiles.filter((t) => (t.state === 'uninformed') !== /^url\(#sdg-hatch-\d+\)$/.test(t.fill));
  if (wrongFill.length) failures.push(`${s.heading}: goal ${wrongFill[0].label} is ${wrongFill[0].state} with fill ${wrongFill[0].fill}`);
  if (!failures.length) {
    const count = (state) => s.tiles.filter((t) => t.state === state).length;
    console.log(`${s.heading}: ${count('scored')} coloured, ${count('not-scored')} grey and ${count('uninformed')} hatched goals, as the JSON report says`);
  }
});

async function fits(what, width) {
  const found = await page.evaluate((width) => {
    const d = document.documentElement;
    const problems = [];
    if (d.scrollWidth > d.clientWidth) problems.push(`the page is ${d.scrollWidth} px wide, the window ${d.clientWidth} px`);
    const boxes = [...document.querySelectorAll('table, svg.sdg-tiles')];
    boxes.forEach((t, i) => {
      const right = t.getBoundingClientRect().right;
      if (right > width + 0.5) problems.push(`${t.tagName.toLowerCase()} ${i + 1} ends at ${right.toFixed(0)} px`);
    });
    const spilled = [...document.querySelectorAll('th, td')].filter((c) => c.scrollWidth > c.clientWidth + 1);
    if (spilled.length) {
      const c = spilled[0];
      problems.push(`${spilled.length} cells' content is wider than the cell, e.g. "${c.textContent.slice(0, 40)}" (${c.scrollWidth} px in ${c.clientWidth} px)`);
    }
    return { problems, boxes: boxes.length };
  }, width);
  for (const p of found.problems) failures.push(`${what}: ${p}`);
  if (!found.problems.length) console.log(`${what}: no horizontal overflow; ${found.boxes} tables and tile rows within the width`);
}

await fits(`at ${WINDOW} px`, WINDOW);
await page.emulateMedia({ media: 'print' });
await page.setViewportSize({ width: A4_PRINTABLE, height: 1000 });
await fits(`printed on A4 (${A4_PRINTABLE} px)`, A4_PRINTABLE);
await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
await browser.close();

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`no console error, no network request; A4 PDF in ${pdf}`);
