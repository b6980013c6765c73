// Opens citykpi's verification report (`citykpi report verification --format html`) in
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and checks that it
// prints: the page logs no error and requests nothing from the network; it has one benchmark
// wheel per city-year; printed on A4 portrait (print media, the printable width of 186 mm)
// every table ends within the printable width and no cell's text spills out. Writes the A4 PDF;
// .ci/run then checks its page count and the nine section headings in its text (pdftotext).
//
//   NODE_PATH=target/browser-node/node_modules \
//     node tests/browser/check-verification.mjs REPORT.html REPORT.pdf
//
// Exits 1 with one line per failed check.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const { chromium } = createRequire(import.meta.url)('playwright-core');

const [html, pdf] = process.argv.slice(2);
if (!html || !pdf) {
  console.error('usage: check-verification.mjs REPORT.html REPORT.pdf');
  process.exit(2);
}

// A4's printable width at the report's 12 mm margins, in CSS pixels (96 a inch).
const A4_PRINTABLE = Math.floor(((210 - 2 * 12) / 25.4) * 96);

const failures = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: A4_PRINTABLE, height: 1000 } });
const url = pathToFileURL(path.resolve(html)).href;
page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error: ${m.text()}`); });
page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
page.on('request', (r) => {
  if (r.url() !== url && !r.url().startsWith('data:')) failures.push(`network request: ${r.url()}`);
});
await page.goto(url, { waitUntil: 'load' });
await page.emulateMedia({ media: 'print' });

const found = await page.evaluate((width) => {
  const problems = [];
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
  const sections = document.querySelectorAll('section.vr').length;
  const wheels = document.querySelectorAll('section.vr svg.wheel').length;
  return { problems, tables: tables.length, sections, wheels };
}, A4_PRINTABLE);
for (const p of found.problems) failures.push(`printed on A4 (${A4_PRINTABLE} px): ${p}`);
if (found.sections === 0 || found.wheels !== found.sections) {
  failures.push(`${found.sections} city-year sections and ${found.wheels} wheels: expected one wheel each`);
}
if (!found.problems.length) {
  console.log(`printed on A4 (${A4_PRINTABLE} px): ${found.sections} city-year(s), each with its wheel; ${found.tables} tables, every cell's content within its column`);
}
await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
await browser.close();

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`no console error, no network request; A4 PDF in ${pdf}`);
