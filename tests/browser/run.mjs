#!/usr/bin/env node
// Browser tests of the desk's web pages, against a real `hoso demo` (a simulated month on a fresh
// database, then serving), driven through Debian's chromium with playwright-core.
//
//   node tests/browser/run.mjs --hoso build/bin/hoso --samples samples --out /tmp/shots
//       [--web-dir web]   serve the pages from this folder (HOSO_WEB_DIR) instead of the binary's
//
// Prints one line per test and `browser tests: N passed, M failed`; exits 0 only if all pass.
// HOSO_CHROMIUM overrides the browser (default /usr/bin/chromium); HOSO_START_TIMEOUT_MS the wait
// for the demo to print its URLs and logins (default 120000).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { findEnglish, selfCheck } from './english_text.mjs';
import { loadDictionaries, staticChecks } from './static_checks.mjs';

const { chromium } = await import('playwright-core').catch(() => {
  console.error('run.mjs: playwright-core is not installed: run `npm ci --prefix tests/browser` first');
  process.exit(2);
});

const HERE = path.dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = Number(process.env.HOSO_START_TIMEOUT_MS) || 120_000;
const STEP_TIMEOUT_MS = 20_000;

// ---- arguments -------------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { webDir: null };
  const names = { '--hoso': 'hoso', '--samples': 'samples', '--out': 'out', '--web-dir': 'webDir', '--only': 'only' };
  for (let i = 0; i < argv.length; i += 1) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) usage(`unknown or incomplete argument: ${argv[i]}`);
    i += 1;
    args[key] = key === 'only' ? new RegExp(argv[i]) : path.resolve(argv[i]);
  }
  for (const key of ['hoso', 'samples', 'out']) if (!args[key]) usage(`--${key} is required`);
  if (!fs.existsSync(args.hoso)) usage(`no hoso binary at ${args.hoso}`);
  if (!fs.existsSync(path.join(args.samples, 'envelopes', 'truth.tsv'))) usage(`no envelopes/truth.tsv in ${args.samples}`);
  return args;
}

function usage(message) {
  console.error(`run.mjs: ${message}`);
  console.error('usage: node tests/browser/run.mjs --hoso BIN --samples DIR --out SCREENSHOT_DIR [--web-dir DIR] [--only REGEX]');
  console.error('  --only REGEX  runs the tests whose names match (and the demo\'s start), e.g. --only "^(16|21)"');
  process.exit(2);
}

// ---- small helpers ---------------------------------------------------------------------------

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// The UPU S10 check digit of 8 digits (weights 8 6 4 2 3 5 9 7; 11 - sum % 11; 10 -> 0, 11 -> 5).
function s10CheckDigit(digits) {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

function randomS10() {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return { digits, valid: `RR${digits}${s10CheckDigit(digits)}VN` };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A grey-scale PNG whose pixel (x, y) is shade(x, y) (0 black, 255 white).
function greyPng(width, height, shade) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y += 1) {
    rows[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x += 1) rows[y * (width + 1) + 1 + x] = shade(x, y);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// A grey-scale PNG of a plain sheet with a faint border: no code to read on it.
function blankPng(width, height) {
  return greyPng(width, height, (x, y) => (x < 4 || y < 4 || x >= width - 4 || y >= height - 4 ? 0x90 : 0xf4));
}

// Code 128 bar and space widths of each symbol value (0-102), start B (104) and stop.
const CODE128 = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 ' +
  '122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 ' +
  '322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 ' +
  '112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 ' +
  '331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 ' +
  '112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 ' +
  '124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 ' +
  '411311 113141 114131 311141 411131 211412 211214 211232'
).split(' ');

// The modules (true = bar) of `text` as Code 128 set B.
function code128Modules(text) {
  const values = [...text].map((c) => c.charCodeAt(0) - 32);
  const check = values.reduce((sum, v, i) => sum + v * (i + 1), 104) % 103;
  const widths = [104, ...values, check].map((v) => CODE128[v]).join('') + '2331112';
  const modules = [];
  [...widths].forEach((w, i) => modules.push(...Array(Number(w)).fill(i % 2 === 0)));
  return modules;
}

// An envelope with two labels, each a Code 128 of a different tracking number, one above the other.
function twoLabelPng(first, second) {
  const module = 3;
  const bars = [code128Modules(first), code128Modules(second)];
  const width = Math.max(...bars.map((b) => b.length)) * module + 160;
  const height = 520;
  return greyPng(width, height, (x, y) => {
    const label = y >= 60 && y < 200 ? 0 : y >= 320 && y < 460 ? 1 : -1;
    if (label < 0) return 0xfa;
    const at = Math.floor((x - 80) / module);
    return x >= 80 && bars[label][at] ? 0x10 : 0xfa;
  });
}

// A sample envelope with exactly one Code 128 tracking number in the truth file (a plain photo).
function pickEnvelope(samples) {
  const lines = fs.readFileSync(path.join(samples, 'envelopes', 'truth.tsv'), 'utf8').trim().split('\n').slice(1);
  const numbers = new Map();
  for (const line of lines) {
    const [file, format, text] = line.split('\t');
    if (format !== 'Code128') continue;
    numbers.set(file, numbers.has(file) ? null : text);
  }
  const rank = (file) => (file.startsWith('plain-') ? 0 : 1);
  const ordered = [...numbers].filter(([, n]) => n).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  check(ordered.length, 'no envelope with one tracking number in truth.tsv');
  const [file, number] = ordered[0];
  return { file: path.join(samples, 'envelopes', file), number };
}

// Keys that would be personal data (or staff's words) in the citizen's answer; the procedure's
// name is the only "name" it may have.
const PERSONAL_KEYS = [
  'applicant', 'name', 'full_name', 'id_number', 'old_id_number', 'phone', 'address', 'return_address',
  'birth_date', 'actor', 'reason', 'missing',
];
const ALLOWED_PATHS = ['$.procedure.name'];

function personalKeys(value, at = '$') {
  if (Array.isArray(value)) return value.flatMap((v, i) => personalKeys(v, `${at}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = `${at}.${k}`;
    return [...(PERSONAL_KEYS.includes(k) && !ALLOWED_PATHS.includes(here) ? [here] : []), ...personalKeys(v, here)];
  });
}

// ---- the demo desk ---------------------------------------------------------------------------

// Starts `hoso demo` and waits for the desk's URL, the three demo logins and the citizen lookup
// URL on its standard output.
let startedDemo = null;

function startDemo(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoso-browser-'));
  const env = { ...process.env };
  if (args.webDir) env.HOSO_WEB_DIR = args.webDir;
  const child = spawn(args.hoso, ['--log-level', 'warn', 'demo', '--dir', path.join(dir, 'desk'), '--port', '0'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stopping it also stops what it started
  });
  let output = '';
  const found = { dir, child, logins: {} };
  startedDemo = found;
  return new Promise((resolve, reject) => {
    const fail = (message) => {
      clearTimeout(timer);
      signalDemo(child, 'SIGTERM');
      reject(new Error(`${message}\n--- hoso demo output so far ---\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`hoso demo did not print the desk URL, the demo logins and a lookup URL within ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    const scan = () => {
      const lookup = /(http:\/\/127\.0\.0\.1:\d+)\/tra-cuu\?\S*ma=\S+/.exec(output);
      if (lookup) found.lookupUrl = lookup[0];
      const desk = /(http:\/\/127\.0\.0\.1:\d+)\/(?=\s|$)/m.exec(output);
      if (desk) found.base = desk[1];
      for (const m of output.matchAll(/^\s*(officer|mailroom|admin):\s+(\S+)\s*\/\s*(\S+)\s*$/gm)) {
        found.logins[m[1]] = { login: m[2], password: m[3] };
      }
      if (found.base && found.lookupUrl && Object.keys(found.logins).length === 3) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', (chunk) => {
      output += chunk;
      scan();
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (err) => fail(`cannot start ${args.hoso}: ${err.message}`));
    child.on('exit', (code, signal) => fail(`hoso demo ended early (exit ${code}, signal ${signal})`));
  });
}

// Signals the demo's process group (hoso and any helper it started).
function signalDemo(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (e) {
    // already gone
  }
}

// SIGTERM, then SIGKILL after 10 s if it is still there.
function stopDemo(demo) {
  if (!demo) return Promise.resolve();
  return new Promise((resolve) => {
    const { child } = demo;
    const done = () => {
      clearTimeout(killer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve();
    };
    const killer = setTimeout(() => signalDemo(child, 'SIGKILL'), 10_000);
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', done);
    signalDemo(child, 'SIGTERM');
  });
}

async function waitForHealth(base) {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(base + '/api/health');
      if (res.ok) return;
    } catch (e) {
      // not listening yet
    }
    check(Date.now() < until, `${base}/api/health never answered 200`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---- the test run ----------------------------------------------------------------------------

const results = [];
let currentTest = '';
let onlyTests = null; // --only: a RegExp of the test names to run; the others are skipped

async function test(name, fn) {
  if (onlyTests && !onlyTests.test(name) && !name.startsWith('start')) {
    console.log(`skip  ${name}: not chosen by --only`);
    return;
  }
  return runTest(name, fn);
}


async function runTest(name, fn) {
  const started = Date.now();
  currentTest = name;
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok    ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name}: ${err.message.split('\n').join('\n      ')}`);
  }
}

function skip(name, why) {
  console.log(`skip  ${name}: ${why}`);
}

// Runs in the page: what it shows a reader, as [{ where, text }]: the rendered text of the body
// (alert and status regions included), the window's title, and the tooltips, placeholders, labels
// and alternative texts of the elements on screen, with the <title> of drawn charts.
function visibleTexts() {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const texts = [{ where: 'text', text: document.body ? document.body.innerText : '' }];
  texts.push({ where: 'window title', text: document.title });
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], img[alt]')) {
    if (!shown(el)) continue;
    for (const attr of ['title', 'placeholder', 'aria-label', 'alt']) {
      const value = el.getAttribute(attr);
      if (value) texts.push({ where: `${attr} of <${el.localName}${el.id ? '#' + el.id : ''}>`, text: value });
    }
  }
  for (const title of document.querySelectorAll('svg title')) {
    if (title.parentElement && shown(title.parentElement)) texts.push({ where: 'chart title', text: title.textContent });
  }
  for (const input of document.querySelectorAll('input[readonly], output')) {
    if (shown(input) && input.value) texts.push({ where: `value of <${input.localName}${input.id ? '#' + input.id : ''}>`, text: input.value });
  }
  return { lang: document.documentElement.lang, texts };
}

// The English sentences Vietnamese pages showed during the run (see english_text.mjs), and pages
// that were not in Vietnamese when looked at.
const english = { detectorOk: false, looks: 0, findings: [], problems: [] };

class Session {
  constructor(browser, demo, out) {
    this.browser = browser;
    this.demo = demo;
    this.out = out;
    this.shots = 0;
    // The session cookies of each role's last login: the demo lets an address log in 10 times a
    // minute, fewer than the tests' pages need, so a test reuses the role's session when it is
    // still valid and logs in through the form only when it is not (logged out, password changed).
    this.cookies = {};
  }

  // Reads every text the page shows (it must be in Vietnamese) and keeps the English sentences
  // among them, with the page and the action that led there.
  async look(page, action) {
    const url = new URL(page.url());
    const where = url.pathname;
    const id = url.pathname === '/dossier' && url.searchParams.get('id');
    const label = `${currentTest.split(' ')[0]} ${action}${id ? ` (dossier #${id})` : ''}`;
    const seen = await page.evaluate(visibleTexts);
    english.looks += 1;
    if (!/^vi\b/.test(seen.lang || '')) {
      english.problems.push(`${where}, after ${label}: the page is in "${seen.lang}", not Vietnamese`);
      return;
    }
    for (const { where: part, text } of seen.texts) {
      for (const found of findEnglish(text)) english.findings.push({ page: where, action: label, part, ...found });
    }
  }

  // A fresh browser context (no cookies) with a page that records script errors, CSP violations
  // and dialogs (an alert() would mean injected script ran).
  async context(viewport = { width: 1280, height: 900 }, storageState = undefined) {
    const context = await this.browser.newContext({ baseURL: this.demo.base, viewport, storageState });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    page.problems = [];
    const watch = (p) => {
      p.on('pageerror', (err) => page.problems.push(`script error on ${p.url()}: ${err.message}`));
      p.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) page.problems.push(`CSP violation on ${p.url()}: ${msg.text()}`);
      });
      p.on('dialog', (dialog) => {
        page.problems.push(`a dialog opened on ${p.url()}: ${dialog.message()}`);
        dialog.dismiss().catch(() => {});
      });
    };
    watch(page);
    context.on('page', (p) => p !== page && watch(p));
    return { context, page };
  }

  // A screenshot, and a look at the page's text (every screenshot follows an action).
  async shot(page, name, { look = true } = {}) {
    this.shots += 1;
    const file = path.join(this.out, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (look) await this.look(page, name);
  }

  async login(page, role) {
    const { login, password } = this.demo.logins[role];
    const home = role === 'mailroom' ? '/mailroom' : '/dossiers';
    if (this.cookies[role]) {
      await page.context().addCookies(this.cookies[role]);
      const session = await page.request.get('/api/session', { headers: { Accept: 'application/json' } });
      const who = session.status() === 200 ? await session.json() : null;
      if (who && who.user && who.user.role === role) {
        await page.goto(home);
        await page.waitForSelector('#user-name');
        await this.look(page, `back as ${role}`);
        return;
      }
      await page.context().clearCookies();
      delete this.cookies[role];
    }
    await page.goto('/');
    await page.fill('#login', login);
    await page.fill('#password', password);
    await this.shot(page, `login-${role}`);
    await page.press('#password', 'Enter');
    // The home page, or the login page's alert saying why not.
    await page.waitForFunction(
      (path) => location.pathname === path || (document.getElementById('alert') || {}).textContent,
      home,
    );
    check(new URL(page.url()).pathname === home, `login as ${login} failed: ${await page.innerText('#alert').catch(() => '')}`);
    await page.waitForSelector('#user-name');
    const shownRole = await page.getAttribute('#user-role', 'data-role');
    check(shownRole === role, `the header shows role ${shownRole}, expected ${role}`);
    this.cookies[role] = await page.context().cookies();
    await this.look(page, `log in as ${role}`);
  }
}

// Presses "dispatch" on /dispatch and confirms: the dialog names how many results go and to whom.
async function dispatchSelected(page) {
  const chosen = await page.locator('#ready-rows input[type=checkbox]:checked').count();
  await page.click('#dispatch-submit');
  await page.waitForSelector('#confirm-dialog[open]');
  const question = await page.innerText('#confirm-text');
  check(question.includes(`${chosen} kết quả`), `the confirmation does not say how many (${chosen}): ${question}`);
  await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/api/dispatch'), page.click('#confirm-yes')]);
}

// The dossier step 02 registered from a typed number, as the list's row.
async function typedDossier(page, state) {
  check(state.typedNumber, 'no dossier registered from a typed number in step 02');
  const list = await apiInPage(page, 'GET', '/api/dossiers?q=' + encodeURIComponent(state.typedNumber));
  const row = list.json && list.json.dossiers && list.json.dossiers[0];
  check(row, `no dossier found for ${state.typedNumber}: ${list.text.slice(0, 200)}`);
  return row;
}

// Text folded as the pages search it: lower case, no diacritics.
function fold(text) {
  return String(text || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

// Picks a procedure in the picker `selector` (focused, its list open) by typing two words of a
// name without diacritics, then ArrowDown and Enter. Checks every option left has the words and
// the pick is the hidden value. Returns what was typed, how many options were left, the keystrokes.
async function pickProcedure(page, selector) {
  const options = `${selector}-options [role=option]`;
  const names = await page.locator(`${options} .picker-name`).allInnerTexts();
  // Two words of the shortest name, of 3 letters or more, so that some names have them and some not.
  const name = names.reduce((a, b) => (b.length < a.length ? b : a));
  const typed = fold(name).split(/\s+/).filter((w) => /^[a-z]{3,}$/.test(w)).slice(-2).join(' ');
  check(typed, `no word to type from "${name}"`);
  await page.fill(selector, '');
  await page.type(selector, typed);
  const left = await page.locator(options).allInnerTexts();
  const missing = left.filter((text) => !typed.split(' ').every((w) => fold(text).includes(w)));
  check(missing.length === 0, `options without "${typed}": ${missing.slice(0, 2).join(' | ')}`);
  await page.press(selector, 'ArrowDown');
  await page.press(selector, 'Enter');
  const code = await page.inputValue(`${selector} ~ input[type=hidden]`);
  check(code, `no procedure picked after typing "${typed}"`);
  check((await page.inputValue(selector)).startsWith(code), 'the picker does not show the code picked');
  return { typed, narrowed: left.length, keystrokes: typed.length + 2, code };
}

// Calls the API from inside the page (its cookie, and the CSRF token of GET /api/session).
async function apiInPage(page, method, url, body) {
  return page.evaluate(
    async ([m, u, b]) => {
      const headers = { Accept: 'application/json' };
      const init = { method: m, headers };
      if (m !== 'GET') {
        const session = await (await fetch('/api/session')).json();
        headers['X-CSRF-Token'] = session.csrf_token;
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(b || {});
      }
      const res = await fetch(u, init);
      const text = await res.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = null;
      }
      return { status: res.status, json, text };
    },
    [method, url, body],
  );
}

// The English sentences found, by page, then by the action after which each was first seen (a
// sentence shown again after later actions is listed once, with how many more times).
function englishReport(findings) {
  const byPage = new Map();
  for (const f of findings) {
    if (!byPage.has(f.page)) byPage.set(f.page, new Map());
    const texts = byPage.get(f.page);
    const key = `${f.part}\u0000${f.line}`;
    if (texts.has(key)) texts.get(key).later.add(f.action);
    else texts.set(key, { ...f, later: new Set() });
  }
  const distinct = [...byPage.values()].reduce((n, texts) => n + texts.size, 0);
  const lines = [`${distinct} English sentences shown in Vietnamese mode (${findings.length} sightings):`];
  for (const [page, texts] of byPage) {
    lines.push(`${page}:`);
    const byAction = new Map();
    for (const f of texts.values()) {
      if (!byAction.has(f.action)) byAction.set(f.action, []);
      byAction.get(f.action).push(f);
    }
    for (const [action, list] of byAction) {
      lines.push(`  after ${action}:`);
      for (const f of list) {
        f.later.delete(f.action);
        const again = f.later.size ? ` (shown again after ${f.later.size} later actions)` : '';
        const part = f.part === 'text' ? '' : ` [${f.part}]`;
        const line = f.line.length > 200 ? f.line.slice(0, 200) + '…' : f.line;
        lines.push(`    "${f.run}"${part}${again}`);
        if (line !== f.run) lines.push(`        in: ${line}`);
      }
    }
  }
  return lines.join('\n');
}

// Rows of a list table at most two lines tall: each row's height against two lines of its cells'
// text plus the cells' vertical padding and border. Returns the tallest row and the rows too tall.
async function rowHeights(page, rowsSelector) {
  return page.evaluate((selector) => {
    const rows = [...document.querySelectorAll(selector)];
    let tallest = 0;
    let allowed = 0;
    const tooTall = [];
    for (const row of rows) {
      const cell = row.querySelector('td');
      const style = getComputedStyle(cell);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      const limit = 2 * line + parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) + 2;
      const height = row.getBoundingClientRect().height;
      allowed = limit;
      if (height > tallest) tallest = height;
      if (height > limit + 0.5) tooTall.push(`${row.dataset.id}: ${Math.round(height)} px`);
    }
    return {
      rows: rows.length,
      tallest: Math.round(tallest),
      allowed: Math.round(allowed),
      tooTall,
      pageHeight: document.documentElement.scrollHeight,
      scrollWidth: document.documentElement.scrollWidth,
    };
  }, rowsSelector);
}

// The ids of the rows of the dossier list as shown.
// The pages of a PDF that Chromium printed.
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

// Every file under `dir`, at any depth.
function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

async function shownIds(page) {
  return page.locator('#dossier-rows tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
}


function noProblems(page) {
  check(!page.problems.length, page.problems.join('\n'));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  onlyTests = args.only || null;
  fs.mkdirSync(args.out, { recursive: true });
  // Screenshots of an earlier run would mix with this one's.
  for (const old of fs.readdirSync(args.out).filter((f) => /^\d{2}-[a-z0-9-]+\.png$/.test(f))) {
    fs.rmSync(path.join(args.out, old));
  }
  const webDir = args.webDir || path.resolve(HERE, '..', '..', 'web');
  const state = {};

  await test('00 static: pages follow the CSP, no HTML from data, every text in both languages', async () => {
    const problems = staticChecks(webDir);
    check(!problems.length, problems.join('\n'));
  });

  await test('00 detector: finds English sentences, and none in Vietnamese text or the pages\' dictionary', async () => {
    const problems = selfCheck(loadDictionaries(webDir).vi);
    check(!problems.length, problems.join('\n'));
    english.detectorOk = true;
  });

  let demo = null;
  let browser = null;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoso-browser-files-'));
  const stop = async () => {
    if (browser) await browser.close().catch(() => {});
    await stopDemo(startedDemo);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => stop().then(() => process.exit(130)));
  }

  try {
    await test('start: hoso demo prints the desk, the logins and a lookup URL; /api/health answers', async () => {
      demo = await startDemo(args);
      await waitForHealth(demo.base);
      console.log(`      desk at ${demo.base}, demo folder ${demo.dir}`);
    });
    if (!demo) return;
    browser = await chromium.launch({
      executablePath: process.env.HOSO_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox'],
    });
    const s = new Session(browser, demo, args.out);

    await test('01 mailroom: log in as vanthu, upload a sample envelope in a batch, see it registered', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'mailroom');
        const batchName = `VNPost <b>${Date.now()}</b>`;
        await page.fill('#batch-name', batchName);
        await page.press('#batch-name', 'Enter');
        await page.waitForSelector('#batch-current:not([hidden])');
        check((await page.innerText('#batch-current-name')).includes(batchName), 'the open batch is not shown by name');
        await s.look(page, 'open a batch');
        const envelope = pickEnvelope(args.samples);
        await page.setInputFiles('#files', envelope.file);
        const row = page.locator('.upload-row', { hasText: path.basename(envelope.file) });
        const line = row.locator('.result-line[data-outcome]').first();
        await line.waitFor();
        const outcome = await line.getAttribute('data-outcome');
        await s.shot(page, 'mailroom-upload');
        check(['registered', 'already_registered'].includes(outcome), `outcome ${outcome}: ${await row.innerText()}`);
        const text = await line.innerText();
        check(text.includes(envelope.number), `the row does not show ${envelope.number}: ${text}`);

        // The record is the server's printed document, in a tab of its own.
        const [handover] = await Promise.all([context.waitForEvent('page'), page.click('#batch-record')]);
        await handover.waitForLoadState();
        const record = await handover.innerText('body');
        check(record.includes(batchName), 'the handover record does not name the batch');
        check(record.includes(envelope.number), 'the handover record does not list the envelope');
        check((await handover.locator('tr.envelope').count()) === 1, 'one envelope, not one row');
        const onePdf = await handover.pdf({ preferCSSPageSize: true });
        const onePages = pdfPages(onePdf);
        console.log(`    a batch of one envelope: its handover record prints on ${onePages} A4 page(s)`);
        check(onePages === 1, `the handover record of one envelope prints on ${onePages} pages`);
        await s.shot(handover, 'mailroom-handover-print');
        await handover.close();
        await page.click('#batch-close');
        await page.waitForSelector('#batch-current', { state: 'hidden' });
        await s.look(page, 'close the batch');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('02 mailroom: an envelope without a code waits for a person; a typed number resolves it', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'mailroom');
        const name = `blank-${Date.now()}.png`;
        const file = path.join(workDir, name);
        fs.writeFileSync(file, blankPng(800, 560));
        await page.setInputFiles('#files', file);
        const line = page.locator('.upload-row', { hasText: name }).locator('.result-line[data-outcome]').first();
        await line.waitFor();
        const outcome = await line.getAttribute('data-outcome');
        check(outcome === 'manual', `a blank sheet gave outcome ${outcome}, expected manual`);
        check(/Cần người xử lý/.test(await line.innerText()), 'the row does not say "Cần người xử lý"');
        const item = page.locator('.manual-item', { hasText: name });
        await item.waitFor();
        await s.shot(page, 'mailroom-manual');

        const { digits, valid } = randomS10();
        const wrongDigit = (s10CheckDigit(digits) + 1) % 10;
        const wrong = `RR${digits}${wrongDigit}VN`;
        await item.locator('.resolve-form input').fill(wrong);
        await item.locator('.resolve-form input').press('Enter');
        const alert = item.locator('.alert');
        await page.waitForFunction((el) => el.textContent.trim().length > 0, await alert.elementHandle());
        const message = await alert.innerText();
        await s.shot(page, 'mailroom-wrong-check-digit');
        check(/check digit|chữ số kiểm tra|expected/i.test(message), `the error does not explain the check digit: ${message}`);

        await item.locator('.resolve-form input').fill(valid);
        await item.locator('.resolve-form button[type=submit]').click();
        await page.waitForFunction((n) => document.getElementById('status').textContent.includes(n), valid);
        const resolved = page.locator('.result-line', { hasText: valid }).first();
        await resolved.waitFor();
        const resolvedOutcome = await resolved.getAttribute('data-outcome');
        check(['registered', 'resolved'].includes(resolvedOutcome), `the typed number gave outcome ${resolvedOutcome}`);
        await page.locator('.manual-item', { hasText: name }).waitFor({ state: 'detached' });
        await s.shot(page, 'mailroom-resolved');
        state.typedNumber = valid;

        // A hand scanner's code with a wrong check digit (EB123456785VN is the valid one).
        await page.fill('#typed-code', 'EB123456784VN');
        await Promise.all([
          page.waitForResponse((r) => new URL(r.url()).pathname === '/api/scans/typed'),
          page.press('#typed-code', 'Enter'),
        ]);
        await page.waitForFunction(() => document.getElementById('alert').textContent.trim().length > 0);
        const typedRow = page.locator('.upload-row', { hasText: 'EB123456784VN' }).first();
        check((await typedRow.getAttribute('data-outcome')) === 'error', `a wrong check digit typed gave: ${await typedRow.innerText()}`);
        await s.shot(page, 'mailroom-typed-wrong-check-digit');

        // The header's "Đổi mật khẩu": a wrong current password is refused in the server's words;
        // then to a new password and back, the page staying logged in (the answer renews the
        // session, so the logout below also checks the fresh CSRF token).
        const changePassword = async (current, fresh) => {
          await page.click('#change-password');
          await page.waitForSelector('#password-dialog[open]');
          await page.fill('#current-password', current);
          await page.fill('#new-password-1', fresh);
          await page.fill('#new-password-2', fresh);
          await page.click('#password-submit');
        };
        const demoPassword = s.demo.logins.mailroom.password;
        const newPassword = 'cây-đa-đầu-làng-số-7';
        await changePassword('not-the-password-1', newPassword);
        await page.waitForFunction(() => document.getElementById('password-alert').textContent.trim().length > 0);
        const refusal = await page.innerText('#password-alert');
        await s.shot(page, 'password-wrong-current');
        check(/Mật khẩu hiện tại không đúng/.test(refusal), `a wrong current password showed: ${refusal}`);
        await page.click('#password-cancel');
        for (const [current, fresh] of [[demoPassword, newPassword], [newPassword, demoPassword]]) {
          await changePassword(current, fresh);
          await page.waitForSelector('#password-done');
          await s.shot(page, 'password-changed');
          await page.click('#password-close');
          await page.waitForSelector('#password-dialog', { state: 'detached' });
        }
        const still = await apiInPage(page, 'GET', '/api/session');
        check(still.status === 200, `after changing the password GET /api/session answered ${still.status}`);
        noProblems(page);
        await page.click('#logout');
        await page.waitForURL((url) => url.pathname === '/');
        await page.waitForSelector('#login-form');
        await s.look(page, 'log out');
        const after = await apiInPage(page, 'GET', '/api/session');
        check(after.status === 401, `after logout GET /api/session answered ${after.status}`);
      } finally {
        await context.close();
      }
    });

    await test('03 officer: list, filter received, accept a dossier, open its receipt', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        await page.waitForSelector('#dossier-rows tr');
        const count = await page.locator('#dossier-rows tr').count();
        check(count > 0, 'the dossier list is empty');
        await s.shot(page, 'dossiers');
        await page.selectOption('#state', 'received');
        await page.click('#filter-form button[type=submit]');
        await page.waitForURL((url) => url.searchParams.get('state') === 'received');
        await page.waitForSelector('#dossier-rows tr, #list-empty:not([hidden])');
        const states = await page.locator('#dossier-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.state));
        check(states.length > 0, 'no dossier in state received');
        check(states.every((st) => st === 'received'), `the filter let through states ${[...new Set(states)]}`);
        check((await page.inputValue('#state')) === 'received', 'the state filter is not kept after reload');
        await s.shot(page, 'dossiers-received');
        const typedRow = state.typedNumber ? page.locator('#dossier-rows tr', { hasText: state.typedNumber }) : null;
        const row = typedRow && (await typedRow.count()) ? typedRow.first() : page.locator('#dossier-rows tr').first();
        await row.locator('a').first().click();
        await page.waitForURL((url) => url.pathname === '/dossier');
        await page.waitForSelector('#dossier-state[data-state="received"]');
        await s.shot(page, 'dossier-received');

        await page.click('button[data-action="accept"]');
        // The procedure picker opens with the catalogue and narrows to the words typed.
        await page.waitForSelector('#action-procedure-options [role=option]');
        const offered = await page.locator('#action-procedure-options [role=option]').count();
        check(offered > 0, 'the accept form offers no procedure');
        const words = await pickProcedure(page, '#action-procedure');
        check(words.narrowed >= 1 && words.narrowed < offered, `typing "${words.typed}" left ${words.narrowed} of ${offered} procedures`);
        await s.shot(page, 'dossier-accept-form');
        await page.click('#action-submit');
        await page.waitForSelector('#dossier-state[data-state="accepted"]');
        const code = (await page.innerText('#dossier-code')).trim();
        check(code.length > 0, 'no dossier code after accepting');
        state.acceptedId = Number(new URL(page.url()).searchParams.get('id'));
        await s.shot(page, 'dossier-accepted');

        const receiptLink = page.locator('#documents a[data-kind="receipt"]');
        await receiptLink.waitFor();
        const [receipt] = await Promise.all([context.waitForEvent('page'), receiptLink.click()]);
        await receipt.waitForLoadState();
        const receiptText = await receipt.innerText('body');
        await s.shot(receipt, 'receipt');
        check(receiptText.includes(code) || /PHIẾU|Giấy tiếp nhận/i.test(receiptText), `the receipt shows neither ${code} nor a form title`);
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('04 dispatch: post a ready result back, see its tracking number', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        await page.goto('/dispatch');
        await page.waitForSelector('#ready-table:not([hidden]), #ready-empty:not([hidden])');
        if (await page.locator('#ready-empty:not([hidden])').count()) {
          // Nothing ready in the demo: finish the dossier accepted in step 03.
          check(state.acceptedId, 'no ready dossier and none accepted in step 03');
          for (const action of ['start_processing', 'mark_processed']) {
            const answer = await apiInPage(page, 'POST', `/api/dossiers/${state.acceptedId}/actions/${action}`, {});
            check(answer.status === 200, `${action} answered ${answer.status}: ${answer.text}`);
          }
          await page.reload();
          await page.waitForSelector('#ready-table:not([hidden])');
        }
        await s.shot(page, 'dispatch');
        // The demo's carrier fails 10 % of its answers on purpose: a failed dossier stays ready.
        let number = null;
        for (let attempt = 1; attempt <= 4 && !number; attempt += 1) {
          await page.locator('#ready-rows input[type=checkbox]').first().check();
          await dispatchSelected(page);
          await page.waitForSelector('#dispatch-form:not([aria-busy]) #ready-rows input[type=checkbox], #ready-empty:not([hidden])');
          const alert = await page.innerText('#alert');
          await s.look(page, `dispatch, attempt ${attempt}`);
          check(!alert, `the dispatch failed: ${alert}`);
          await page.waitForSelector('#outcome:not([hidden])');
          const sent = page.locator('#dispatched-table .tracking-number');
          if (await sent.count()) number = (await sent.first().innerText()).trim();
        }
        await s.shot(page, 'dispatch-done');
        check(number && /^[A-Z0-9]{8,}$/.test(number), `no tracking number in the result: ${await page.innerText('#outcome')}`);
        const labels = await page.getAttribute('#labels-link', 'href');
        check(/^\/api\/labels\?ids=\d+/.test(labels), `the labels link is ${labels}`);
        const [sheet] = await Promise.all([context.waitForEvent('page'), page.click('#labels-link')]);
        await sheet.waitForLoadState();
        await s.shot(sheet, 'return-labels');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('05 reports: numbers and SVG charts', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        await page.goto('/reports');
        await page.waitForSelector('#stats .stat');
        await page.waitForSelector('svg.chart');
        const numbers = await page.locator('#stats dd').allInnerTexts();
        check(numbers.length >= 5 && numbers.every((n) => /^[\d.,\s]+$/.test(n)), `the summary is not numbers: ${numbers}`);
        const charts = await page.locator('svg.chart').count();
        check(charts >= 1, 'no chart');
        const titled = await page.locator('svg.chart > title').count();
        check(titled === charts, 'a chart has no <title>');
        const csv = await page.getAttribute('#csv-link', 'href');
        check(csv.startsWith('/api/report.csv'), `the CSV link is ${csv}`);
        await s.shot(page, 'reports');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('06 citizen: the printed lookup URL shows the timeline and no personal data', async () => {
      // The applicant's name, as staff see it, to be sure the public page does not show it.
      let applicantName = null;
      {
        const { context, page } = await s.context();
        try {
          await s.login(page, 'officer');
          const ma = new URL(demo.lookupUrl).searchParams.get('ma');
          const list = await apiInPage(page, 'GET', '/api/dossiers?q=' + encodeURIComponent(ma));
          const id = list.json && list.json.dossiers && list.json.dossiers[0] && list.json.dossiers[0].id;
          if (id) {
            const staff = await apiInPage(page, 'GET', `/api/dossiers/${id}`);
            applicantName = staff.json && staff.json.applicant && staff.json.applicant.full_name;
          }
        } finally {
          await context.close();
        }
      }
      const { context, page } = await s.context();
      try {
        const lookup = new URL(demo.lookupUrl);
        await page.goto(lookup.pathname + lookup.search);
        await page.waitForSelector('#timeline li');
        const url = new URL(page.url());
        check(!url.searchParams.has('mk'), `the lookup code stayed in the address bar: ${page.url()}`);
        check(url.searchParams.get('ma') === lookup.searchParams.get('ma'), 'the code left the address bar');
        const text = await page.innerText('body');
        await s.shot(page, 'citizen-lookup');
        check(/Quá trình xử lý/.test(text), 'no "Quá trình xử lý" on the page');
        check(!/\d{4}-\d{2}-\d{2}T|\[object /.test(text), 'raw ISO times or objects on the page');
        if (applicantName) check(!text.includes(applicantName), "the page shows the applicant's name");
        const query = new URLSearchParams({ code: lookup.searchParams.get('ma'), lookup_code: lookup.searchParams.get('mk') });
        const api = await context.request.get(`/api/public/lookup?${query}`);
        check(api.status() === 200, `the public lookup answered ${api.status()}`);
        const view = await api.json();
        const leaked = personalKeys(view);
        check(!leaked.length, `the public answer has personal keys: ${leaked.join(', ')}`);
        check((await page.locator('#timeline li').count()) === view.timeline.length, 'the page does not show every step');
        check((await page.locator('.shipment').count()) === view.shipments.length, 'the page does not show every shipment');
        const events = view.shipments.reduce((n, sh) => n + sh.events.length, 0);
        check((await page.locator('.shipment tbody tr').count()) === events, 'the page does not show every carrier event');

        await page.goto(`/tra-cuu?ma=${encodeURIComponent(lookup.searchParams.get('ma'))}&mk=WRONG123`);
        await page.waitForFunction(() => document.getElementById('alert').textContent.length > 0);
        const alert = await page.innerText('#alert');
        check(alert.includes('Không tìm thấy hồ sơ với mã này và mã tra cứu này'), `wrong lookup code shows: ${alert}`);
        check(!new URL(page.url()).searchParams.has('mk'), 'the wrong lookup code stayed in the address bar');
        check(!(await page.locator('#site-header nav').count()), 'the public page links to staff pages');
        await s.shot(page, 'citizen-not-found');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('07 no session: the API answers 401 and staff pages go to the login page', async () => {
      const { context, page } = await s.context();
      try {
        const api = await context.request.get('/api/dossiers');
        check(api.status() === 401, `GET /api/dossiers without a session answered ${api.status()}`);
        const body = await api.json().catch(() => null);
        check(body && body.error && body.error.code === 'unauthenticated', `the 401 body is ${JSON.stringify(body)}`);
        await page.goto('/dossiers');
        await page.waitForURL((url) => url.pathname === '/');
        await page.waitForSelector('#login-form');
        await s.shot(page, 'no-session-redirect');
        const post = await context.request.post('/api/dispatch', { data: { ids: [1] } });
        check(post.status() === 401, `POST /api/dispatch without a session answered ${post.status()}`);
        noProblems(page);
      } finally {
        await context.close();
      }
      // A session that ends while a page is open: the login page says so and brings the user back.
      const expiring = await s.context();
      try {
        const { context, page } = expiring;
        await s.login(page, 'officer');
        await page.goto('/dossiers?view=open');
        await page.waitForSelector('#dossier-rows tr');
        const where = new URL(page.url());
        await context.clearCookies(); // what the server sees once a session expired
        await page.click('th[data-sort="code"] button'); // sorting asks the server again
        await page.waitForURL((url) => url.pathname === '/');
        await page.waitForSelector('#status:not(:empty)');
        const said = await page.innerText('#status');
        check(/hết hạn/.test(said), `the login page says: ${said}`);
        await s.shot(page, 'session-expired');
        const { login, password } = s.demo.logins.officer;
        await page.fill('#login', login);
        await page.fill('#password', password);
        await page.press('#password', 'Enter');
        await page.waitForURL((url) => url.pathname === '/dossiers');
        const back = new URL(page.url());
        check(back.search.includes('view=open'), `after logging in again the page is ${back.pathname}${back.search}, not ${where.pathname}${where.search}`);
        s.cookies.officer = await context.cookies();
        await s.look(page, 'back where the session ended');
        noProblems(page);
      } finally {
        await expiring.context.close();
      }
    });

    await test('08 XSS: markup typed by staff shows as text on the dossier page', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        const list = await apiInPage(page, 'GET', '/api/dossiers?state=accepted&limit=1');
        const row = list.json && list.json.dossiers && list.json.dossiers[0];
        check(row, 'no accepted dossier to ask a supplement of');
        await page.goto(`/dossier?id=${row.id}`);
        await page.click('button[data-action="request_supplement"]');
        await s.look(page, 'open the supplement-request form');
        const payload = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script> Bản sao sổ đỏ';
        await page.fill('#action-missing', payload);
        await page.press('#action-missing', 'Enter');
        await page.waitForSelector('#dossier-state[data-state="supplement_requested"]');
        const shown = await page.evaluate((p) => ({
          asText: document.getElementById('history').textContent.includes(p),
          elements: document.querySelectorAll('main img, main script').length,
          flag: window.__xss,
        }), payload);
        await s.shot(page, 'xss-as-text');
        check(shown.flag === undefined, 'injected script ran');
        check(shown.elements === 0, 'the markup became elements');
        check(shown.asText, 'the typed text is not on the page');
        await page.click('button[data-action="supplement_received"]');
        await s.look(page, 'open the supplement-received form');
        await page.click('#action-submit');
        await page.waitForSelector('#dossier-state:not([data-state="supplement_requested"])');
        await s.look(page, 'record the supplement received');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('09 admin: add a user, create an API token shown once, revoke it', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'admin');
        await page.goto('/admin');
        await page.waitForSelector('#user-rows tr');
        await s.look(page, 'open the admin page');
        const login = `thu${Date.now() % 100000}`;
        await page.fill('#new-login', login);
        await page.fill('#new-name', 'Nguyễn Thị <i>Thử</i>');
        await page.fill('#new-title', 'Chuyên viên');
        await page.selectOption('#new-role', 'mailroom');
        await page.fill('#new-password', 'cay-bang-truoc-ngo-1234');
        await page.press('#new-password', 'Enter');
        const row = page.locator('#user-rows tr', { hasText: login });
        await row.waitFor();
        await s.look(page, 'add a user');
        check((await row.innerText()).includes('Nguyễn Thị <i>Thử</i>'), 'the new user\'s name is not shown as typed');
        check((await row.locator('.user-title').innerText()) === 'Chuyên viên', 'the new user\'s title is not listed');
        // The title the forms print under the name is changed in the user's row.
        await row.locator('.user-edit summary').click();
        await row.locator('.user-title-input').fill('Phó Giám đốc Trung tâm');
        await row.locator('.user-title-input').press('Enter');
        await row.locator('.user-title', { hasText: 'Phó Giám đốc Trung tâm' }).waitFor();
        await s.look(page, 'change a user\'s title');
        const name = `Máy quét văn thư ${Date.now() % 100000}`; // a Vietnamese name, as an admin types it
        await page.fill('#token-name', name);
        await page.press('#token-name', 'Enter');
        await page.waitForSelector('#token-once:not([hidden])');
        const token = (await page.innerText('#token-value')).trim();
        check(token.length >= 20, `the new token looks wrong: "${token}"`);
        await s.shot(page, 'admin-token');
        const tokenRow = page.locator('#token-rows tr', { hasText: name });
        check(!(await page.innerText('#tokens-table')).includes(token), 'the token is listed after it was shown');
        // Revoking asks first: cancel keeps the token, confirm revokes it.
        await tokenRow.locator('button').click();
        await page.waitForSelector('#confirm-dialog[open]');
        check((await page.innerText('#confirm-text')).includes(name), 'the confirmation does not name the token');
        await s.look(page, 'asked before revoking a token');
        await page.click('#confirm-no');
        await page.waitForSelector('#confirm-dialog', { state: 'detached' });
        check(!(await tokenRow.locator('.badge.bad').count()), 'a cancelled revocation revoked the token');
        await tokenRow.locator('button').click();
        await page.click('#confirm-yes');
        await tokenRow.locator('.badge.bad').waitFor();
        await s.look(page, 'revoke the token');
        // A role change asks too; cancelling puts the menu back.
        const roleMenu = row.locator('select');
        await roleMenu.selectOption('officer');
        await page.waitForSelector('#confirm-dialog[open]');
        await page.keyboard.press('Escape');
        await page.waitForSelector('#confirm-dialog', { state: 'detached' });
        check((await roleMenu.inputValue()) === 'mailroom', 'a cancelled role change left the menu on the new role');
        // An error goes away once a later action succeeds.
        await page.fill('#new-login', login);  // taken: refused by the server
        await page.fill('#new-name', 'Trùng tên đăng nhập');
        await page.fill('#new-password', 'cay-bang-truoc-ngo-5678');
        await page.press('#new-password', 'Enter');
        await page.waitForSelector('#alert:not(:empty)');
        await page.fill('#token-name', `${name}-2`);
        await page.press('#token-name', 'Enter');
        await page.waitForFunction(() => /“/.test(document.getElementById('status').textContent));
        check((await page.innerText('#alert')) === '', `an old error stays after a success: ${await page.innerText('#alert')}`);
        await page.click('#token-hide');
        await s.look(page, 'hide the token');
        check((await page.innerText('#token-value')) === '', 'the token stays on the page after hiding it');
        // On a phone: no sideways scrolling, and the role menus still show their role.
        await page.setViewportSize({ width: 390, height: 844 });
        await page.reload();
        await page.waitForSelector('#user-rows tr');
        const phone = await page.evaluate(() => ({
          width: document.documentElement.scrollWidth,
          menus: [...document.querySelectorAll('#user-rows select')].map((m) => Math.round(m.getBoundingClientRect().width)),
        }));
        await s.shot(page, 'admin-phone');
        check(phone.width <= 390, `the admin page is ${phone.width} px wide on a 390 px phone`);
        check(phone.menus.every((w) => w >= 100), `role menus are squeezed to ${phone.menus.join(', ')} px`);
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('10 language: the English switch is remembered and the login page is usable on a phone', async () => {
      const context = await browser.newContext({ baseURL: demo.base, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      try {
        await page.goto('/');
        check((await page.innerText('h1')).trim() === 'Đăng nhập', 'the login page is not Vietnamese by default');
        await s.look(page, 'login page on a phone');
        await page.click('.lang-switch');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
        check((await page.innerText('h1')).trim() === 'Log in', 'the switch did not translate the page');
        await page.reload();
        await page.waitForFunction(() => document.documentElement.lang === 'en');
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        check(!wide, 'the login page scrolls sideways on a phone');
        const small = await page
          .locator('button, input')
          .evaluateAll((els) => els.filter((e) => e.offsetParent && e.getBoundingClientRect().height < 40).length);
        check(small === 0, `${small} controls are shorter than 40 px`);
        await s.shot(page, 'login-phone-english', { look: false });
        await page.click('.lang-switch');
        await page.waitForFunction(() => document.documentElement.lang === 'vi');
        await s.look(page, 'switch back to Vietnamese');
      } finally {
        await context.close();
      }
    });

    await test('11 refused move: an action another officer made impossible shows the refusal', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        // A move that needs no field, from a state the demo month has: done twice, the second is refused.
        let row = null;
        let move = null;
        for (const [st, action] of [['in_process', 'request_fees'], ['accepted', 'start_processing']]) {
          const list = await apiInPage(page, 'GET', `/api/dossiers?state=${st}&limit=20`);
          row = ((list.json && list.json.dossiers) || []).find((r) => r.tracking_number !== state.typedNumber);
          move = action;
          if (row) break;
        }
        check(row, 'no dossier in process or accepted to move');
        await page.goto(`/dossier?id=${row.id}`);
        await page.waitForSelector(`#dossier-state[data-state="${row.state}"]`);
        await page.click(`button[data-action="${move}"]`);
        await page.waitForSelector('#action-submit');
        await s.look(page, `open the ${move} form`);
        // Meanwhile another officer makes the move: the page's form is now one move too late.
        const other = await apiInPage(page, 'POST', `/api/dossiers/${row.id}/actions/${move}`, {});
        check(other.status === 200, `the other officer's ${move} answered ${other.status}: ${other.text}`);
        const [answer] = await Promise.all([
          page.waitForResponse((r) => new URL(r.url()).pathname === `/api/dossiers/${row.id}/actions/${move}`),
          page.click('#action-submit'),
        ]);
        check(answer.status() === 409, `${move} twice answered ${answer.status()}`);
        await page.waitForFunction(() => document.getElementById('alert').textContent.trim().length > 0);
        const alert = await page.innerText('#alert');
        check(/Trạng thái hồ sơ không cho phép/.test(alert), `the refused move shows: ${alert}`);
        await s.shot(page, 'dossier-refused-move');
        await page.reload();
        await page.waitForSelector(`#dossier-state:not([data-state="${row.state}"])`);
        await s.look(page, 'reload the dossier after the refused move');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('12 failed dispatch: a result for an applicant without address or phone is not posted', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        const row = await typedDossier(page, state);
        // Step 03 accepted it (or, when the list had newer dossiers, another one): finish it.
        const moves = {
          received: ['accept', 'start_processing', 'mark_processed'],
          accepted: ['start_processing', 'mark_processed'],
          in_process: ['mark_processed'],
        };
        for (const action of moves[row.state] || []) {
          const body = action === 'accept' ? { procedure: (await apiInPage(page, 'GET', `/api/dossiers/${row.id}`)).json.procedures[0].code } : {};
          const answer = await apiInPage(page, 'POST', `/api/dossiers/${row.id}/actions/${action}`, body);
          check(answer.status === 200, `${action} answered ${answer.status}: ${answer.text}`);
        }
        const now = await apiInPage(page, 'GET', `/api/dossiers/${row.id}`);
        check(now.json && now.json.state === 'processed', `dossier #${row.id} (was ${row.state}) is not processed: ${now.text.slice(0, 200)}`);
        await page.goto('/dispatch');
        const box = page.locator(`#ready-rows input[type=checkbox][value="${row.id}"]`);
        await box.waitFor();
        await box.check();
        await s.look(page, 'select a dossier without the applicant\'s address');
        await dispatchSelected(page);
        await page.waitForSelector('#dispatch-failed li');
        const failed = await page.innerText('#dispatch-failed');
        check(failed.includes(row.code || `#${row.id}`), `the failed list does not name the dossier: ${failed}`);
        // Its row says why and is left unticked, so pressing "dispatch" again does not repeat it.
        const rowProblem = page.locator(`#ready-rows tr[data-id="${row.id}"] .row-problem`);
        await rowProblem.waitFor();
        check(/thiếu/.test(await rowProblem.innerText()), `the row says: ${await rowProblem.innerText()}`);
        check(!(await box.isChecked()), 'the failed row is still ticked');
        await s.shot(page, 'dispatch-failed');
        await page.goto(`/dossier?id=${row.id}`);
        await page.waitForSelector('#dossier-state[data-state="processed"]');
        await s.look(page, 'open the dossier that was not posted');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('12b applicant: the failed dispatch links to the applicant form; typed details let the result go by post', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        const row = await typedDossier(page, state);
        check(row.state === 'processed', `the typed envelope's dossier is ${row.state}, not waiting for dispatch`);
        // The dispatch page says what is missing and links to where it is typed.
        await page.goto('/dispatch');
        const box = page.locator(`#ready-rows input[type=checkbox][value="${row.id}"]`);
        await box.waitFor();
        await box.check();
        await dispatchSelected(page);
        const fix = page.locator('#dispatch-failed a.fix-applicant');
        await fix.waitFor();
        const failed = await page.innerText('#dispatch-failed');
        check(/họ tên/.test(failed) && /số điện thoại/.test(failed), `the failure does not say what is missing: ${failed}`);
        check(!/hoso |--/.test(failed), `the failure tells the officer to run a command: ${failed}`);
        await s.look(page, 'a failed dispatch offers to type the receiver');
        await fix.click();
        await page.waitForSelector('#applicant-form');
        check(new URL(page.url()).searchParams.get('id') === String(row.id), `the link opened ${page.url()}`);
        check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'applicant-full_name'), 'the form does not start at the name');
        check(/gửi trả kết quả/.test(await page.innerText('#applicant-missing')), 'the panel does not say the post needs more');
        await s.shot(page, 'dossier-applicant-form');
        // An unusable phone is refused and nothing is kept.
        await page.fill('#applicant-full_name', 'Hoàng Thị Thu Trang');
        await page.fill('#applicant-phone', 'gọi sau');
        await page.click('#applicant-save');
        await page.waitForSelector('#alert:not(:empty)');
        check(/điện thoại/.test(await page.innerText('#alert')), `a bad phone showed: ${await page.innerText('#alert')}`);
        await s.look(page, 'a phone that is not one is refused');
        await page.fill('#applicant-phone', '0905 246 813');
        await page.fill('#applicant-return_address', '18 Hùng Vương, phường Hải Châu, TP. Đà Nẵng');
        await page.press('#applicant-return_address', 'Enter');
        await page.waitForSelector('#applicant-changes li');
        const facts = await page.innerText('#applicant-facts');
        check(facts.includes('Hoàng Thị Thu Trang') && facts.includes('0905246813') && facts.includes('18 Hùng Vương'), `the panel shows: ${facts}`);
        check(!(await page.locator('#applicant-missing').count()), 'the panel still says something is missing');
        const change = await page.innerText('#applicant-changes');
        check(/họ và tên/.test(change) && !change.includes('0905246813'), `the change history shows: ${change}`);
        await s.shot(page, 'dossier-applicant-entered');
        // Now it goes.
        await page.goto('/dispatch');
        await box.waitFor();
        await box.check();
        await dispatchSelected(page);
        await page.waitForSelector('#dispatched-table .tracking-number');
        await s.look(page, 'the result posted once the applicant was typed');
        const labels = await page.getAttribute('#labels-link', 'href');
        const label = await page.request.get(labels);
        check(label.status() === 200, `the label answered ${label.status()}`);
        const labelText = await label.text();
        check(labelText.includes('Hoàng Thị Thu Trang') && labelText.includes('18 Hùng Vương'), 'the label does not carry the typed receiver');
        // The receipt's link opens the demo's own server, the address it really serves.
        const receipt = await page.request.get(`/api/dossiers/${row.id}/documents/receipt`);
        check(receipt.status() === 200, `the receipt answered ${receipt.status()}`);
        const links = [...(await receipt.text()).matchAll(/https?:\/\/[^\s"<]+\/tra-cuu/g)].map((m) => m[0]);
        check(links.length && links.every((l) => l === `${s.demo.base}/tra-cuu`), `the receipt links to ${links.join(' ')}, not ${s.demo.base}`);
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('13 dossier pages: one dossier of each state of the demo month, and the lists', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        const states = await page.evaluate(() => window.I18n.STATES);
        let opened = 0;
        for (const st of states) {
          const list = await apiInPage(page, 'GET', `/api/dossiers?state=${st}&limit=1`);
          const row = list.json && list.json.dossiers && list.json.dossiers[0];
          if (!row) continue;
          await page.goto(`/dossier?id=${row.id}`);
          await page.waitForSelector(`#dossier-state[data-state="${st}"]`);
          await s.look(page, `open a dossier in state ${st}`);
          opened += 1;
        }
        check(opened >= 6, `the demo month has dossiers in only ${opened} states`);
        for (const view of ['open', 'due_soon', 'overdue', 'ready']) {
          await page.goto(`/dossiers?view=${view}`);
          await page.waitForSelector('#dossier-rows tr, #list-empty:not([hidden])');
          await s.look(page, `list the ${view} dossiers`);
        }
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('15 printed forms: receipts print on one A4/A5 page, the handover record is signed by name', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        const list = await apiInPage(page, 'GET', '/api/dossiers?state=result_returned&limit=5');
        const rows = (list.json && list.json.dossiers) || [];
        check(rows.length > 0, 'the demo month has no dossier with a receipt');
        for (const row of rows) {
          await page.goto(`/api/dossiers/${row.id}/documents/receipt`);
          const html = await page.content();
          check(!/demo\.officer|>canbo</.test(html), `receipt of #${row.id} is signed with a login`);
          const pdf = await page.pdf({ preferCSSPageSize: true });
          const pages = pdfPages(pdf);
          check(pages === 1, `the receipt of dossier #${row.id} prints on ${pages} pages`);
        }
        await s.shot(page, 'receipt-printed');
      } finally {
        await context.close();
      }
      const clerk = await s.context();
      try {
        await s.login(clerk.page, 'mailroom');
        // The demo's delivery, as the record both sides sign, printed on A4.
        const listed = await apiInPage(clerk.page, 'GET', '/api/batches');
        const demoBatch = ((listed.json && listed.json.batches) || []).find((b) => /\(demo\)/.test(b.name));
        check(demoBatch, 'the demo month has no handover batch');
        const record = await clerk.context.newPage();
        await record.goto(`/api/batches/${demoBatch.id}/handover`);
        const text = await record.innerText('body');
        check(text.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), 'the handover record has no national heading');
        check(text.includes('Độc lập - Tự do - Hạnh phúc'), 'the handover record has no motto');
        check(text.includes('BIÊN BẢN GIAO NHẬN HỒ SƠ'), 'the handover record has no title');
        check(text.includes('Văn thư Trần Văn Nam'), 'the handover record does not name the clerk');
        check(text.includes('Công chức Văn phòng'), "the handover record does not give the clerk's title");
        check(!/\bvanthu\b/.test(text), 'the handover record shows the login vanthu');
        check(!/\btyped\b/.test(text), 'the handover record shows "typed"');
        const rowCount = await record.locator('tr.envelope').count();
        const total = Number(await record.innerText('#envelopes'));
        check(rowCount > 0 && total === rowCount, `the total ${total} does not match ${rowCount} rows`);
        check(rowCount <= demoBatch.scans, `${rowCount} rows for ${demoBatch.scans} scans`);
        const pdf = await record.pdf({ preferCSSPageSize: true });
        const pages = pdfPages(pdf);
        console.log(`    the demo batch's handover record: ${rowCount} envelopes on ${pages} A4 page(s)`);
        // One line a row: at least 40 rows on each A4 page after the first's headings and parties.
        const most = 1 + Math.ceil(Math.max(0, rowCount - 25) / 40);
        if (pages > most) fs.writeFileSync(path.join(s.out, 'handover-record.pdf'), pdf);
        check(pages <= most, `the demo batch's ${rowCount} envelopes print on ${pages} pages, more than ${most}`);
        await s.shot(record, 'handover-record');
        noProblems(clerk.page);
      } finally {
        await clerk.context.close();
      }
    });

    await test('15b printed forms: every document the demo month printed, to PDF in Chromium, pages by form', async () => {
      const kinds = {
        'form-01': 'Mẫu 01 giấy tiếp nhận',
        'form-02': 'Mẫu 02 yêu cầu bổ sung',
        'form-03': 'Mẫu 03 từ chối',
        'form-04': 'Mẫu 04 xin lỗi, đề nghị gia hạn',
        'form-05': 'Mẫu 05 thông báo dừng giải quyết',
        'form-06': 'Mẫu 06 phiếu kiểm soát',
        'form-07': 'Mẫu 07 sổ theo dõi',
        label: 'nhãn gửi trả',
        labels: 'tờ nhãn gửi trả',
      };
      const files = filesUnder(path.join(startedDemo.dir, 'desk')).filter((f) => f.endsWith('.html'));
      const byKind = new Map();
      for (const file of files) {
        const kind = (/^(form-0\d|labels?)(-\d+|-register)?\.html$/.exec(path.basename(file)) || [])[1];
        if (kind in kinds) byKind.set(kind, [...(byKind.get(kind) || []), file]);
      }
      for (const kind of ['form-01', 'form-02', 'form-03', 'form-04', 'form-05', 'form-06', 'form-07']) check(byKind.has(kind), `the demo printed no ${kinds[kind]}`);
      const { context, page } = await s.context();
      try {
        for (const [kind, all] of byKind) {
          const counts = [];
          let rowsAPage = null;
          // The longest of each kind (the most steps, items and names), where a page break would
          // show, and others spread over the sizes.
          const bySize = [...all].sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
          const chosen = [...new Set([...bySize.slice(0, 4), ...[1, 2, 3, 4].map((i) => bySize[Math.floor((i * (bySize.length - 1)) / 4)])])];
          for (const file of chosen) {
            await page.goto(pathToFileURL(file).href);
            const pages = pdfPages(await page.pdf({ preferCSSPageSize: true }));
            counts.push(pages);
            if (kind === 'form-06') {
              // Up to eight rows on one page, the handovers between units (docs/domain.md §1.4a) and
              // the steps of the history together; a longer sheet goes on, the tables' heads repeated.
              const steps = await page.locator('tr.step').count();
              const handovers = await page.locator('tr.handover').count();
              // The handover table's title and column heads take about two rows more.
              const rows = steps + handovers + (handovers ? 2 : 0);
              const what = `a control sheet of ${steps} steps and ${handovers} handover rows prints on ${pages} pages`;
              check(rows > 8 || pages === 1, what);
              check(pages <= Math.ceil(rows / 8), what);
            }
            if (kind === 'form-07') {
              const rows = await page.locator('tbody tr').count();
              rowsAPage = rows / pages;
              check(pages === 1 || rowsAPage >= 15, `the register prints ${rows} rows on ${pages} pages`);
            }
          }
          console.log(`      ${kinds[kind]}: ${all.length} printed, ${counts.length} to PDF, the longest first: ${counts.join(', ')} page(s)${rowsAPage !== null ? `, ${rowsAPage.toFixed(1)} rows a page` : ''}`);
          if (['form-01', 'form-02', 'form-03', 'form-04', 'form-05', 'label'].includes(kind)) {
            check(counts.every((n) => n === 1), `${kinds[kind]} prints on ${counts.join(', ')} pages, not 1`);
          }
        }
        await s.shot(page, 'printed-register');
      } finally {
        await context.close();
      }
    });

    await test('16 lists at 1366×768: rows of two lines at most, whole procedure names on hover and focus, the real total, paging and sorting', async () => {
      const { context, page } = await s.context({ width: 1366, height: 768 });
      try {
        await s.login(page, 'officer');
        await page.waitForSelector('#dossier-rows tr');
        const list = await rowHeights(page, '#dossier-rows tr');
        console.log(`      list: ${list.rows} rows, tallest ${list.tallest} px (two lines: ${list.allowed} px), page ${list.pageHeight} px high, ${list.scrollWidth} px wide`);
        check(!list.tooTall.length, `rows taller than two lines (${list.allowed} px): ${list.tooTall.join(', ')}`);
        check(list.scrollWidth <= 1366, `the list page is ${list.scrollWidth} px wide at 1366 px`);
        const cutOff = await page.evaluate(() => {
          const table = document.getElementById('dossier-table').getBoundingClientRect();
          return table.right > window.innerWidth ? Math.round(table.right) : 0;
        });
        check(!cutOff, `the table ends at ${cutOff} px, past the window`);
        await s.shot(page, 'list-1366');

        // The longest procedure name shown: cut, whole in its title, and whole when focused.
        const longest = await page.evaluate(() => {
          const cells = [...document.querySelectorAll('#dossier-rows .clamp-procedure')];
          cells.sort((a, b) => b.textContent.length - a.textContent.length);
          const el = cells[0];
          if (!el) return null;
          el.id = 'longest-procedure';
          return { length: el.textContent.length, title: el.title === el.textContent, cut: el.scrollHeight > el.clientHeight + 1, height: el.getBoundingClientRect().height };
        });
        check(longest, 'no procedure name in the list');
        check(longest.title, 'the procedure cell\'s title is not its whole name');
        await page.hover('#longest-procedure');
        check((await page.getAttribute('#longest-procedure', 'title')).length === longest.length, 'the hover title is not the whole name');
        if (longest.cut) {
          await page.focus('#longest-procedure');
          const open = await page.evaluate(() => {
            const el = document.getElementById('longest-procedure');
            return { focused: document.activeElement === el, height: el.getBoundingClientRect().height, whole: el.scrollHeight <= el.clientHeight + 1 || getComputedStyle(el).overflowY === 'auto' };
          });
          check(open.focused, 'the procedure name cannot take the keyboard focus');
          check(open.height > longest.height + 10 && open.whole, `the focused procedure name is not shown whole (${Math.round(longest.height)} -> ${Math.round(open.height)} px)`);
          await s.shot(page, 'list-procedure-focused');
          await page.keyboard.press('Tab');
        }

        // The count is the total of the server, and the range says which part is shown.
        const all = await apiInPage(page, 'GET', '/api/dossiers?limit=1');
        const total = all.json.total;
        check(total > 0, `the API's total is ${total}`);
        const shownCount = Number((await page.innerText('#count')).replace(/\D/g, ''));
        check(shownCount === total, `the count says ${shownCount}, the server counts ${total}`);
        const range = await page.innerText('#page-range');
        const firstPage = await shownIds(page);
        check(firstPage.length === Math.min(50, total), `the first page has ${firstPage.length} rows`);
        check(range.includes(`1–${firstPage.length}`) && range.replace(/\D/g, '').endsWith(String(total)), `the range says "${range}" for ${total} dossiers`);
        console.log(`      count: "${shownCount}", range: "${range}", server total ${total}`);

        if (total > 50) {
          await page.click('#page-next');
          await page.waitForFunction(() => /^51–/.test(document.getElementById('page-range').textContent));
          const secondPage = await shownIds(page);
          check(secondPage.length === Math.min(50, total - 50), `the second page has ${secondPage.length} rows`);
          check(!secondPage.some((id) => firstPage.includes(id)), 'the second page repeats dossiers of the first');
          check(new URL(page.url()).searchParams.get('offset') === '50', `the URL does not keep the page: ${page.url()}`);
          const expected = await apiInPage(page, 'GET', '/api/dossiers?limit=50&offset=50');
          check(JSON.stringify(secondPage) === JSON.stringify(expected.json.dossiers.map((d) => d.id)), 'the second page is not the server\'s second page');
          await s.shot(page, 'list-page-2');
          await page.click('#page-prev');
          await page.waitForFunction(() => /^1–/.test(document.getElementById('page-range').textContent));
        }

        // A click on a column head sorts by it; Enter on a focused head too.
        await page.click('th[data-sort="code"] button');
        await page.waitForSelector('th[data-sort="code"][aria-sort="ascending"]');
        await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'code');
        const byCode = await apiInPage(page, 'GET', '/api/dossiers?sort=code&order=asc&limit=50');
        let shown = await shownIds(page);
        check(JSON.stringify(shown) === JSON.stringify(byCode.json.dossiers.map((d) => d.id)), 'the list sorted by code is not the server\'s order');
        const codes = byCode.json.dossiers.map((d) => d.code).filter(Boolean);
        check(codes.every((c, i) => i === 0 || codes[i - 1] <= c), 'the codes are not in ascending order');
        check((await page.locator('th[aria-sort]').count()) === 1, 'more than one column says it is sorted');
        await page.click('th[data-sort="code"] button');
        await page.waitForSelector('th[data-sort="code"][aria-sort="descending"]');
        await s.shot(page, 'list-sorted-code-desc');
        await page.focus('th[data-sort="due_at"] button');
        await page.keyboard.press('Enter');
        await page.waitForSelector('th[data-sort="due_at"][aria-sort="ascending"]');
        const byDue = await apiInPage(page, 'GET', '/api/dossiers?sort=due_at&order=asc&limit=50');
        shown = await shownIds(page);
        check(JSON.stringify(shown) === JSON.stringify(byDue.json.dossiers.map((d) => d.id)), 'the list sorted by due date is not the server\'s order');
        const dues = byDue.json.dossiers.map((d) => d.due_at).filter(Boolean);
        check(dues.every((d, i) => i === 0 || dues[i - 1] <= d), 'the due dates are not in ascending order');
        check(await page.evaluate(() => document.activeElement && document.activeElement.closest('th[data-sort="due_at"]') !== null), 'the keyboard focus left the column head');
        await s.look(page, 'sort the list by due date');

        // The dispatch table: receiver, phone and return address, within 1366 px, two lines a row.
        await page.goto('/dispatch');
        await page.waitForSelector('#ready-table:not([hidden]), #ready-empty:not([hidden])');
        const heads = await page.locator('#ready-table th').allInnerTexts();
        for (const head of ['Người nhận', 'Điện thoại', 'Địa chỉ gửi trả']) check(heads.some((h) => h.includes(head)), `the dispatch table has no column "${head}"`);
        const ready = await rowHeights(page, '#ready-rows tr[data-id]');
        console.log(`      dispatch: ${ready.rows} rows, tallest ${ready.tallest} px (two lines: ${ready.allowed} px), page ${ready.pageHeight} px high, ${ready.scrollWidth} px wide`);
        check(!ready.tooTall.length, `dispatch rows taller than two lines (${ready.allowed} px): ${ready.tooTall.join(', ')}`);
        check(ready.scrollWidth <= 1366, `the dispatch page is ${ready.scrollWidth} px wide at 1366 px`);
        if (ready.rows) {
          const right = await page.evaluate(() => Math.round(document.getElementById('ready-table').getBoundingClientRect().right));
          check(right <= 1366, `the dispatch table ends at ${right} px`);
        }
        await s.shot(page, 'dispatch-1366');

        // More results ready than a request lists: the page says how many, and one click lists more.
        const readyTotal = (await apiInPage(page, 'GET', '/api/dossiers?view=ready&limit=1')).json.total;
        check(readyTotal > 2, `the demo has ${readyTotal} results ready to post, too few to page through`);
        await page.goto('/dispatch?per_page=2');
        await page.waitForSelector('#ready-load-more');
        const listedIds = () => page.locator('#ready-rows tr[data-id]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)).sort((a, b) => a - b));
        check((await listedIds()).length === 2, `the first request lists ${(await listedIds()).length} rows, not 2`);
        check((await page.innerText('#ready-more')).includes(String(readyTotal)), `the notice does not say ${readyTotal} are ready: ${await page.innerText('#ready-more')}`);
        await page.click('#ready-load-more');
        const expected = Math.min(4, readyTotal);
        await page.waitForFunction((n) => document.querySelectorAll('#ready-rows tr[data-id]').length === n, expected);
        const firstFour = (await apiInPage(page, 'GET', `/api/dossiers?view=ready&limit=${expected}`)).json.dossiers.map((d) => d.id).sort((a, b) => a - b);
        check(JSON.stringify(await listedIds()) === JSON.stringify(firstFour), 'the rows listed after "show more" are not the first ready results');
        check(await page.evaluate(() => document.activeElement && document.activeElement.closest('#ready-rows') !== null), 'the focus did not move to the first row listed');
        console.log(`      dispatch paging: ${readyTotal} ready, 2 a request, ${expected} listed after one click`);
        // The phone test goes on in this session: one more login so soon would be throttled.
        state.officerSession = await context.storageState();
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('17 lists on a 390×844 phone: one card per dossier, no sideways scrolling', async () => {
      const { context, page } = await s.context({ width: 390, height: 844 }, state.officerSession);
      try {
        if (state.officerSession) await page.goto('/dossiers');
        else await s.login(page, 'officer');
        await page.waitForSelector('#dossier-rows tr');
        const cards = await page.evaluate(() => {
          const rows = [...document.querySelectorAll('#dossier-rows tr')];
          return {
            rows: rows.length,
            blocks: rows.filter((r) => getComputedStyle(r).display === 'block').length,
            widest: Math.max(...rows.map((r) => Math.round(r.getBoundingClientRect().right))),
            scrollWidth: document.documentElement.scrollWidth,
            sortButtons: [...document.querySelectorAll('th[data-sort] button')].filter((b) => b.getBoundingClientRect().width > 0).length,
          };
        });
        console.log(`      phone list: ${cards.rows} cards, page ${cards.scrollWidth} px wide, rightmost card edge ${cards.widest} px`);
        check(cards.blocks === cards.rows, `${cards.rows - cards.blocks} rows are not cards`);
        check(cards.scrollWidth <= 390, `the list page scrolls sideways: ${cards.scrollWidth} px wide`);
        check(cards.widest <= 390, `a card reaches ${cards.widest} px`);
        check(cards.sortButtons === 4, `${cards.sortButtons} sort buttons visible on the phone, expected 4`);
        await s.shot(page, 'list-phone');
        if (await page.isEnabled('#page-next')) {
          await page.click('#page-next');
          await page.waitForFunction(() => /^51–/.test(document.getElementById('page-range').textContent));
          check((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'the second page scrolls sideways');
        }
        await page.goto('/dispatch');
        await page.waitForSelector('#ready-table:not([hidden]), #ready-empty:not([hidden])');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        check(width <= 390, `the dispatch page scrolls sideways: ${width} px wide`);
        await s.shot(page, 'dispatch-phone');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('21 accept in bulk: tick the received dossiers, pick the procedure once, accept, print their receipts as one document', async () => {
      // This morning's post: three envelopes the clerk's hand scanner registered.
      const clerk = await s.context();
      try {
        await s.login(clerk.page, 'mailroom');
        for (let i = 0; i < 3; i += 1) {
          const typed = await apiInPage(clerk.page, 'POST', '/api/scans/typed', { code: randomS10().valid });
          check(typed.status < 300, `registering a typed number answered ${typed.status}: ${JSON.stringify(typed.json)}`);
        }
      } finally {
        await clerk.context.close();
      }
      // On a phone: the bar, its button and the procedure picker fit the screen.
      if (state.officerSession) {
        const { context, page } = await s.context({ width: 390, height: 844 }, state.officerSession);
        try {
          await page.goto('/dossiers?state=received');
          await page.waitForSelector('#dossier-rows input.row-select');
          await page.locator('#dossier-rows input.row-select').first().check();
          await page.waitForSelector('#bulk-form:not([hidden])');
          await page.click('#bulk-procedure');
          await page.waitForSelector('#bulk-procedure-options [role=option]');
          const bulk = await page.evaluate(() => {
            const box = (id) => document.getElementById(id).getBoundingClientRect();
            const options = [...document.querySelectorAll('#bulk-procedure-options [role=option]')].slice(0, 5);
            return {
              right: Math.round(Math.max(box('bulk-form').right, box('bulk-accept').right, box('bulk-procedure-options').right, ...options.map((o) => o.getBoundingClientRect().right))),
              left: Math.round(Math.min(box('bulk-form').left, box('bulk-procedure-options').left)),
              tallest: Math.round(Math.max(...options.map((o) => o.getBoundingClientRect().height))),
              scrollWidth: document.documentElement.scrollWidth,
            };
          });
          console.log(`      phone bulk bar: spans ${bulk.left}–${bulk.right} px, picker options up to ${bulk.tallest} px tall`);
          check(bulk.left >= 0 && bulk.right <= 390, `the bulk bar or its picker spans ${bulk.left}–${bulk.right} px on a 390 px phone`);
          check(bulk.scrollWidth <= 390, `the list scrolls sideways with the picker open: ${bulk.scrollWidth} px`);
          check(bulk.tallest < 80, `a picker option is ${bulk.tallest} px tall on the phone`);
          await s.shot(page, 'bulk-phone');
          await page.keyboard.press('Escape');
          noProblems(page);
        } finally {
          await context.close();
        }
      } else {
        skip('21 bulk bar on a phone', 'no officer session from test 16 to reuse');
      }
      const { context, page } = await s.context({ width: 1366, height: 768 });
      let catalogueReads = 0;
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/procedures') catalogueReads += 1;
      });
      let clicks = 0;
      const click = async (selector) => {
        clicks += 1;
        await page.click(selector);
      };
      try {
        await s.login(page, 'officer');
        check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'q'), 'the search box does not have the cursor');
        // The header counts what waits, as the list counts it.
        await page.waitForSelector('#work-waiting_acceptance');
        const waiting = Number(await page.getAttribute('#work-waiting_acceptance', 'data-count'));
        const received = await apiInPage(page, 'GET', '/api/dossiers?state=received&limit=1');
        check(waiting === received.json.total, `the header counts ${waiting} dossiers to accept, the list ${received.json.total}`);
        for (const view of ['overdue', 'due_soon', 'ready']) {
          const counted = Number(await page.getAttribute(`#work-${view}`, 'data-count'));
          const listed = (await apiInPage(page, 'GET', `/api/dossiers?view=${view}&limit=1`)).json.total;
          check(counted === listed, `the header counts ${counted} ${view}, the list ${listed}`);
        }
        check(waiting >= 2, `the demo has ${waiting} dossiers to accept, fewer than 2`);

        await click('#quick-waiting_acceptance');
        await page.waitForURL((url) => url.searchParams.get('state') === 'received');
        await page.waitForSelector('#dossier-rows input.row-select');
        check((await page.getAttribute('#quick-waiting_acceptance', 'aria-current')) === 'true', 'the quick view is not marked as the current one');
        const onPage = await page.locator('#dossier-rows input.row-select').count();
        await click('#select-all');
        await page.waitForSelector('#bulk-form:not([hidden])');
        check((await page.innerText('#bulk-count')).includes(String(onPage)), `the bar does not say ${onPage} are ticked`);
        await s.shot(page, 'bulk-ticked');

        await click('#bulk-procedure');
        await page.waitForSelector('#bulk-procedure-options [role=option]');
        const offered = await page.locator('#bulk-procedure-options [role=option]').count();
        check(offered >= 20, `the picker offers ${offered} procedures`);
        // 1,100-character names: two lines an option, the whole name in its title.
        const tallest = await page.locator('#bulk-procedure-options [role=option]').evaluateAll((os) => Math.max(...os.map((o) => o.getBoundingClientRect().height)));
        check(tallest < 64, `an option of the picker is ${Math.round(tallest)} px tall`);
        await s.shot(page, 'bulk-picker-open');
        const picked = await pickProcedure(page, '#bulk-procedure');
        check(catalogueReads === 1, `ticking ${onPage} dossiers read the catalogue ${catalogueReads} times`);
        await s.shot(page, 'bulk-picked');
        await click('#bulk-accept');
        await page.waitForSelector('#bulk-accepted');
        check((await page.innerText('#bulk-accepted')).includes(String(onPage)), `the result does not say ${onPage} were accepted: ${await page.innerText('#bulk-accepted')}`);
        check(!(await page.locator('#bulk-failed').count()), `some were not accepted: ${await page.locator('#bulk-failed').innerText().catch(() => '')}`);
        await s.shot(page, 'bulk-accepted');

        const [receipts] = await Promise.all([context.waitForEvent('page'), click('#bulk-receipts')]);
        await receipts.waitForLoadState();
        await s.shot(receipts, 'bulk-receipts');
        const sheets = await receipts.locator('.page.form-01').count();
        check(sheets === onPage, `${sheets} receipts in the document for ${onPage} dossiers`);
        const pdf = await receipts.pdf({ preferCSSPageSize: true });
        const pages = pdfPages(pdf);
        if (pages !== onPage) fs.writeFileSync(path.join(s.out, 'bulk-receipts.pdf'), pdf);
        check(pages === onPage, `the ${onPage} receipts print on ${pages} pages`);

        // The counters follow without reloading the page.
        await page.waitForFunction((expected) => Number((document.getElementById('work-waiting_acceptance') || {}).dataset?.count) === expected, waiting - onPage);
        const keystrokes = picked.keystrokes;
        console.log(`    accepting ${onPage} dossiers with their receipts: ${clicks} clicks and ${keystrokes} keystrokes in all (${(clicks / onPage).toFixed(2)} clicks a dossier; one at a time on the dossier page: 7 clicks a dossier)`);
        check(clicks === 5, `accepting a page of dossiers took ${clicks} clicks, not 5`);
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('22 find: a scanned tracking number or code opens its dossier; part of one lists it; days typed dd/mm/yyyy', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        const rows = (await apiInPage(page, 'GET', '/api/dossiers?state=result_returned&limit=5')).json.dossiers;
        const row = rows.find((r) => r.code && /VN$/.test(r.tracking_number || ''));
        check(row, 'no dossier with a code and an S10 tracking number in the demo');
        // A hand scanner types the number and Enter into the focused search box.
        await page.keyboard.type(row.tracking_number);
        await page.keyboard.press('Enter');
        await page.waitForURL((url) => url.pathname === '/dossier' && url.searchParams.get('id') === String(row.id));
        await page.waitForSelector('#dossier-code');
        await s.shot(page, 'scanned-opens-dossier');
        for (const part of [row.tracking_number.slice(0, -2).toLowerCase(), row.code.slice(row.code.indexOf('-') + 1)]) {
          await page.goto('/dossiers');
          await page.fill('#q', part);
          await page.press('#q', 'Enter');
          await page.waitForURL((url) => url.pathname === '/dossiers' && url.searchParams.get('q') === part);
          await page.waitForSelector('#dossier-rows tr, #list-empty:not([hidden])');
          const ids = await shownIds(page);
          check(ids.includes(row.id), `searching "${part}" does not list dossier #${row.id}: ${ids.join(', ')}`);
        }
        await s.shot(page, 'partial-number-listed');

        // An overdue dossier says so on its page; its history names the staff, not their logins.
        await page.goto('/dossiers');
        await page.click('#work-overdue');
        await page.waitForURL((url) => url.searchParams.get('view') === 'overdue');
        await page.locator('#dossier-rows tr a').first().click();
        await page.waitForSelector('#deadline-warning[data-deadline="overdue"]:not([hidden])');
        const officer = s.demo.logins.officer.login;
        const steps = await page.innerText('#history');
        check(!steps.includes(`bởi ${officer}`), `the history names the login ${officer}`);
        await s.shot(page, 'overdue-dossier');

        // Days are typed as the desk writes them, whatever the browser's language.
        await page.goto('/dossiers');
        await page.fill('#from', '1/11/2026');
        await page.fill('#to', '30.11.2026');
        await page.press('#to', 'Enter');
        await page.waitForURL((url) => url.searchParams.get('from') === '2026-11-01' && url.searchParams.get('to') === '2026-11-30');
        await page.waitForSelector('#dossier-rows tr, #list-empty:not([hidden])');
        check((await page.inputValue('#from')) === '01/11/2026', `the "from" field shows ${await page.inputValue('#from')}`);
        const before = page.url();
        await page.fill('#to', '31/02/2026');
        await page.press('#to', 'Enter');
        await page.waitForFunction(() => /31\/02\/2026/.test(document.getElementById('alert').textContent));
        check(page.url() === before, 'a day that does not exist was sent');
        check((await page.getAttribute('#to', 'aria-invalid')) === 'true', 'the wrong day is not marked');
        await s.shot(page, 'wrong-day');
        await page.goto('/reports?from=2026-11-01&to=2026-11-30');
        await page.waitForSelector('#reports:not([hidden])');
        check((await page.inputValue('#from')) === '01/11/2026', `the report's "from" field shows ${await page.inputValue('#from')}`);
        await page.fill('#to', '15/11/2026');
        await page.press('#to', 'Enter');
        await page.waitForURL((url) => url.pathname === '/reports' && url.searchParams.get('to') === '2026-11-15');
        noProblems(page);
      } finally {
        await context.close();
      }
      const clerk = await s.context();
      try {
        await s.login(clerk.page, 'mailroom');
        await clerk.page.waitForSelector('#work-manual_queue');
        const counted = Number(await clerk.page.getAttribute('#work-manual_queue', 'data-count'));
        const queue = (await apiInPage(clerk.page, 'GET', '/api/manual')).json.items.length;
        check(counted === queue, `the header counts ${counted} envelopes to read, the queue has ${queue}`);
        check(!(await clerk.page.locator('#work-waiting_acceptance').count()), 'the clerk sees the officers\' counters');
      } finally {
        await clerk.context.close();
      }
    });

    // Opens a batch by typing its name and Enter; waits until the page shows it open.
    const openBatchNamed = async (page, name) => {
      await page.fill('#batch-name', name);
      await page.press('#batch-name', 'Enter');
      await page.waitForFunction((n) => {
        const shown = document.getElementById('batch-current');
        return !shown.hidden && document.getElementById('batch-current-name').textContent.includes(n);
      }, name);
    };

    // Mailroom tasks, each with the clicks and keystrokes it takes (printed, for the record).
    const effort = (task, clicks, keys, before) =>
      console.log(`      effort: ${task}: ${clicks} clicks, ${keys} keystrokes (before: ${before})`);

    await test('20 mailroom: the hand scanner keeps the field ready, shows each result beside it with its own sound', async () => {
      const { context, page } = await s.context();
      try {
        // Every tone the page starts, in order: "wave:frequency".
        await page.addInitScript(() => {
          window.hosoTones = [];
          const start = OscillatorNode.prototype.start;
          OscillatorNode.prototype.start = function (...args) {
            window.hosoTones.push(`${this.type}:${this.frequency.value}`);
            return start.apply(this, args);
          };
        });
        await s.login(page, 'mailroom');
        const fresh = randomS10().valid;
        const wrong = `${fresh.slice(0, 10)}${(Number(fresh[10]) + 1) % 10}VN`;
        // As a hand scanner does: characters then Enter, three times, without waiting for answers.
        let keys = 0;
        for (const code of [fresh, fresh, wrong]) {
          await page.locator('#typed-code').pressSequentially(code);
          await page.press('#typed-code', 'Enter');
          keys += code.length + 1;
          check(await page.evaluate(() => document.activeElement.id === 'typed-code'), `after scanning ${code} the field lost the focus`);
          check((await page.inputValue('#typed-code')) === '', `the field still holds ${code} after Enter`);
        }
        await page.waitForFunction(() => {
          const lines = [...document.querySelectorAll('#scanner-results .scanner-line')];
          return lines.length === 3 && lines.every((l) => l.dataset.outcome !== 'pending');
        });
        const lines = await page.locator('#scanner-results .scanner-line').evaluateAll((els) =>
          els.map((el) => ({ outcome: el.dataset.outcome, text: el.innerText })),
        );
        await s.shot(page, 'mailroom-scanner');
        // Newest first, beside the field.
        check(lines[0].outcome === 'error' && lines[0].text.includes(wrong), `third scan: ${JSON.stringify(lines[0])}`);
        check(/chữ số kiểm tra|check digit/i.test(lines[0].text), `the wrong check digit is not explained beside the field: ${lines[0].text}`);
        check(lines[1].outcome === 'already_registered' && lines[1].text.includes('Đã đăng ký trước đó'), `second scan: ${JSON.stringify(lines[1])}`);
        check(lines[2].outcome === 'registered' && lines[2].text.includes(fresh), `first scan: ${JSON.stringify(lines[2])}`);
        const tones = await page.evaluate(() => window.hosoTones);
        const expected = ['sine:1320', 'sine:880', 'sine:880', 'square:180'];
        check(JSON.stringify(tones) === JSON.stringify(expected), `tones ${JSON.stringify(tones)}, expected ${JSON.stringify(expected)}`);
        check(await page.evaluate(() => document.activeElement.id === 'typed-code'), 'the field lost the focus when the answers came');
        effort('3 hand-scanner reads', 0, keys, `0 clicks, ${keys} keystrokes, results only in the list below, no sound`);
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('20 mailroom: a batch of files shows n/N with a bar, then new, already registered, needs a person and failed, naming the failed files', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'mailroom');
        const blank = path.join(workDir, `trang-${Date.now()}.png`);
        fs.writeFileSync(blank, blankPng(640, 480));
        const notImage = path.join(workDir, `ghi-chu-${Date.now()}.jpg`);
        fs.writeFileSync(notImage, 'không phải ảnh\n');
        const envelope = pickEnvelope(args.samples);
        const files = [envelope.file, blank, notImage];
        // Every text the overall counter shows, in order.
        await page.evaluate(() => {
          window.hosoCounts = [];
          new MutationObserver(() => window.hosoCounts.push(document.getElementById('upload-count').textContent)).observe(
            document.getElementById('upload-count'),
            { childList: true, characterData: true, subtree: true },
          );
        });
        await page.setInputFiles('#files', files);
        await page.waitForSelector('#upload-summary:not([hidden])');
        await s.shot(page, 'mailroom-upload-summary');
        const counts = await page.evaluate(() => window.hosoCounts);
        check(counts[0] === '0/3 tệp' && counts.at(-1) === '3/3 tệp', `the counter showed ${JSON.stringify(counts)}`);
        check(counts.includes('1/3 tệp') && counts.includes('2/3 tệp'), `the counter skipped a step: ${JSON.stringify(counts)}`);
        const bar = await page.evaluate(() => ({ value: document.getElementById('upload-bar').value, max: document.getElementById('upload-bar').max }));
        check(bar.value === 3 && bar.max === 3, `the bar is at ${bar.value}/${bar.max}`);
        const byOutcome = await page.locator('#upload-counts li').evaluateAll((els) =>
          Object.fromEntries(els.map((el) => [el.dataset.outcome, Number(el.querySelector('strong').textContent)])),
        );
        check(byOutcome.registered + byOutcome.already_registered === 1, `the envelope: ${JSON.stringify(byOutcome)}`);
        check(byOutcome.manual === 1 && byOutcome.failed === 1, `summary ${JSON.stringify(byOutcome)}`);
        const failures = await page.innerText('#upload-failures');
        check(failures.includes(path.basename(notImage)) && /không phải ảnh/.test(failures), `the failed file is not named with why: ${failures}`);
        check(!failures.includes(path.basename(blank)), 'a file waiting for a person is listed as failed');
        effort('upload 3 files and read the summary', 1, 0, '1 click; no overall count, no summary: 3 rows to read one by one');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('20 mailroom: the open batch is on the server, an existing name asks before reopening, past batches reprint', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'mailroom');
        const name = `Bưu điện ${Date.now()}`;
        await openBatchNamed(page, name);
        const first = await apiInPage(page, 'GET', '/api/batches');
        const id = first.json.open.id;
        // Another tab: the batch is found on the server, nothing typed.
        const tab = await context.newPage();
        await tab.goto('/mailroom');
        await tab.waitForSelector('#batch-current:not([hidden])');
        check((await tab.innerText('#batch-current-name')).includes(name), 'a new tab does not show the open batch');
        await s.look(tab, 'open the mailroom in a new tab');
        effort('find the open batch in a new tab', 0, 0, `${name.length} keystrokes + Enter to type its name again, which silently continued it`);
        // A hand scanner's envelope counts in the batch at once, without an upload run.
        await tab.fill('#typed-code', randomS10().valid);
        await tab.press('#typed-code', 'Enter');
        await tab.waitForFunction(() => /\b1 lần quét/.test(document.getElementById('batch-current-scans').textContent));
        await tab.locator('.batch-row', { hasText: name }).filter({ hasText: '1 lần quét' }).waitFor();
        // The open batch's own name typed again keeps it: no question.
        await tab.fill('#batch-name', name);
        await tab.press('#batch-name', 'Enter');
        await tab.waitForFunction((n) => document.getElementById('status').textContent.includes(n), name);
        check(!(await tab.locator('#confirm-dialog[open]').count()), 'the open batch\'s own name asks to reopen it');
        check(/đang mở/.test(await tab.innerText('#status')), `the status: ${await tab.innerText('#status')}`);
        const after = await apiInPage(tab, 'GET', '/api/batches');
        check(after.json.batches.filter((b) => b.name === name).length === 1, 'a second batch of the same name exists');
        check(after.json.open && after.json.open.id === id, 'the open batch changed');
        // Closed, then reopened by name on purpose: the same batch.
        await tab.click('#batch-close');
        await tab.waitForSelector('#batch-current', { state: 'hidden' });
        await tab.fill('#batch-name', name);
        await tab.press('#batch-name', 'Enter');
        await tab.waitForSelector('#confirm-dialog[open]');
        const question = await tab.innerText('#confirm-text');
        check(question.includes(name) && /Mở lại/.test(question), `the question does not name the batch: ${question}`);
        await s.shot(tab, 'mailroom-batch-exists');
        await tab.click('#confirm-yes');
        await tab.waitForFunction((n) => document.getElementById('status').textContent.includes(n), name);
        const reopened = await apiInPage(tab, 'GET', '/api/batches');
        check(reopened.json.open && reopened.json.open.id === id, `reopening gave ${JSON.stringify(reopened.json.open)}, expected #${id}`);
        await tab.click('#batch-close');
        await tab.waitForSelector('#batch-current', { state: 'hidden' });
        // A past batch's record, one click.
        const row = tab.locator('.batch-row', { hasText: name });
        check(/đã đóng/.test(await row.innerText()), `the closed batch is not listed as closed: ${await row.innerText()}`);
        const [reprint] = await Promise.all([context.waitForEvent('page'), row.locator('.batch-reprint').click()]);
        await reprint.waitForLoadState();
        check((await reprint.innerText('body')).includes(name), 'the reprinted record does not name the batch');
        await s.shot(reprint, 'mailroom-batch-reprint');
        effort('reprint a closed batch\'s record', 1, 0, 'not possible once the page had forgotten the batch');
        await reprint.close();
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('20 mailroom: the manual queue\'s image zooms and turns, a code read is one click, the next item gets the focus', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'mailroom');
        // Envelopes with two labels of different numbers: the scanner read both and asks which.
        const envelopes = [0, 1].map((n) => {
          const file = path.join(workDir, `hai-nhan-${n}-${Date.now()}.png`);
          fs.writeFileSync(file, twoLabelPng(randomS10().valid, randomS10().valid));
          return file;
        });
        await page.setInputFiles('#files', envelopes);
        await page.waitForSelector('#upload-summary:not([hidden])');
        const waiting = await page.locator('#upload-counts li[data-outcome="manual"] strong').innerText();
        check(waiting === '2', `two envelopes with two numbers each: ${waiting} wait for a person`);
        await page.waitForSelector('.manual-item .use-code');
        const item = page.locator('.manual-item', { has: page.locator('.use-code') }).first();
        const itemId = await item.getAttribute('data-id');
        const ids = await page.locator('.manual-item').evaluateAll((els) => els.map((el) => el.dataset.id));
        const at = ids.indexOf(itemId);
        const nextId = ids[at + 1] || ids[at - 1];
        check(nextId, 'only one item in the manual queue: the focus test needs two');

        const frame = item.locator('.image-frame');
        const img = frame.locator('img');
        const before = await img.boundingBox();
        await item.locator('.viewer-in').click();
        const zoomed = await img.boundingBox();
        check(zoomed.width > before.width * 1.4, `zoom in: ${before.width} -> ${zoomed.width} px wide`);
        await frame.focus();
        await page.keyboard.press('r');
        const turned = await frame.evaluate((el) => ({ turn: el.dataset.turn, transform: getComputedStyle(el.querySelector('img')).transform }));
        check(turned.turn === '90' && /matrix\(\s*0(\.0+)?(e-\d+)?,\s*1/.test(turned.transform.replace(/-?\d\.\d+e-\d+/g, '0')), `"r" did not turn the image: ${JSON.stringify(turned)}`);
        await page.keyboard.press('0');
        check((await frame.getAttribute('data-zoom')) === '1', 'the key 0 did not reset the view');
        await s.shot(page, 'mailroom-manual-viewer');

        const code = (await item.locator('.use-code').first().locator('xpath=..').locator('.mono').innerText()).trim();
        await item.locator('.use-code').first().click();
        await page.locator(`#manual-${itemId}`).waitFor({ state: 'detached' });
        await page.waitForFunction((n) => document.activeElement && document.activeElement.id === `resolve-${n}`, nextId);
        check((await page.innerText('#status')).includes(code), `the status does not name ${code}`);
        await s.shot(page, 'mailroom-manual-next');
        effort('resolve a manual item with a code the scanner read', 1, 0, `1 click + ${code.length + 1} keystrokes to type it`);
        effort('go on to the next manual item', 0, 0, '1 click');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('20 mailroom: the carrier\'s delivery list is uploaded in the page and compared with the batch', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'mailroom');
        await openBatchNamed(page, `Danh sách ${Date.now()}`);
        const scanned = randomS10().valid;
        const absent = randomS10().valid;
        await page.fill('#typed-code', scanned);
        await page.press('#typed-code', 'Enter');
        await page.waitForSelector('#scanner-results .scanner-line[data-outcome="registered"]');
        const list = path.join(workDir, 'danh-sach-giao.csv');
        fs.writeFileSync(list, `so_hieu\n${scanned}\n${absent}\nEB123456789VN\n`);
        await page.setInputFiles('#manifest-file', list);
        await page.waitForSelector('#manifest-summary:not([hidden]) #manifest-counts');
        const summary = await page.innerText('#manifest-summary');
        await s.shot(page, 'mailroom-manifest');
        check(/có 2 bưu gửi, đã quét 1/.test(summary), `the summary: ${summary}`);
        check(summary.includes(absent) && !summary.split('chưa quét')[1].split('\n')[1].includes(scanned), `the missing number is not listed: ${summary}`);
        check(/Dòng 4/.test(summary) && summary.includes('EB123456789VN'), `the refused line is not named: ${summary}`);
        // The summary follows the language switch.
        await page.click('.lang-switch');
        await page.waitForFunction(() => /the list has 2 items, 1 of them scanned/.test(document.getElementById('manifest-summary').textContent));
        check(/Line 4/.test(await page.innerText('#manifest-summary')), 'the refused line is not in English');
        await page.click('.lang-switch');
        await page.waitForFunction(() => /có 2 bưu gửi, đã quét 1/.test(document.getElementById('manifest-summary').textContent));
        // Another list for the same batch: asked, then replaced.
        const other = randomS10().valid;
        const second = path.join(workDir, 'danh-sach-giao-2.txt');
        fs.writeFileSync(second, `${scanned}\n${absent}\n${other}\n`);
        await page.setInputFiles('#manifest-file', second);
        await page.waitForSelector('#confirm-dialog[open]');
        check(/đã có danh sách giao/.test(await page.innerText('#confirm-text')), `the question: ${await page.innerText('#confirm-text')}`);
        await page.click('#confirm-yes');
        await page.waitForFunction(() => /có 3 bưu gửi, đã quét 1/.test(document.getElementById('manifest-summary').textContent));
        const [handover] = await Promise.all([context.waitForEvent('page'), page.click('#batch-record')]);
        await handover.waitForLoadState();
        const record = await handover.innerText('body');
        check(record.includes(absent) && record.includes(other), 'the handover record does not list the missing numbers');
        await s.shot(handover, 'mailroom-manifest-record');
        await handover.close();
        await page.click('#batch-close');
        await page.waitForSelector('#batch-current', { state: 'hidden' });
        effort('upload the carrier\'s delivery list', 1, 0, 'not in the page: hoso intake --manifest on the server');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('18 reports: J+n transit and failed deliveries on the page; CSV for Excel; an xlsx workbook', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        const day = (d) => d.toISOString().slice(0, 10);
        const from = day(new Date(Date.now() - 60 * 86400e3));
        const to = day(new Date());
        const period = `?from=${from}&to=${to}`;
        await page.goto('/reports' + period);
        await page.waitForSelector('.transit-summary, #transit .empty');
        await page.waitForSelector('#failed-table, #failed-deliveries .empty');
        const report = (await apiInPage(page, 'GET', '/api/report' + period)).json;
        check(report.transit.length > 0, 'the demo month has no delivered shipment to time');
        check(report.failed_deliveries.length > 0, 'the demo month has no failed delivery');
        // Totals per direction, the routes over their limit, and every route behind a disclosure.
        const returns = report.transit.filter((r) => r.direction === 'return');
        const summary = await page.innerText('.transit-summary[data-direction="return"]');
        const shipped = returns.reduce((n, r) => n + r.shipments, 0);
        check(summary.includes(`${shipped} bưu gửi trên ${returns.length} tuyến`), `the return summary says ${summary} (${shipped} shipments, ${returns.length} routes)`);
        const overRoutes = report.transit.filter((r) => r.over_limit > 0).length;
        const overShown = await page.locator('#transit-over-table tbody tr').count();
        check(overShown === overRoutes, `the page lists ${overShown} routes over their limit, the report has ${overRoutes}`);
        check(!(await page.isVisible('#transit-table')), 'every route is shown before asking');
        await page.click('.transit-all summary');
        const routes = await page.locator('#transit-table tbody tr').count();
        check(routes === report.transit.length, `the page shows ${routes} routes, the report has ${report.transit.length}`);
        const limits = await page.locator('#transit-table tbody td:nth-child(4)').allInnerTexts();
        check(limits.some((l) => /^J\+\d+$/.test(l)), `no J+n limit shown: ${limits.slice(0, 5)}`);
        const failed = await page.locator('#failed-table tbody tr').count();
        check(failed === report.failed_deliveries.length, `the page shows ${failed} failed deliveries, the report has ${report.failed_deliveries.length}`);
        const first = report.failed_deliveries[0];
        const firstRow = await page.innerText('#failed-table tbody tr:first-child');
        check(firstRow.includes(first.tracking_number) && firstRow.includes(first.dossier_code), `the first failed delivery row is ${firstRow}`);
        const headings = await page.locator('#transit-heading, #failed-heading').allInnerTexts();
        check(headings.join('|') === 'Thời gian vận chuyển bưu chính (J+n)|Phát kết quả không thành công', `headings: ${headings}`);
        await s.shot(page, 'reports-post');

        // CSV: a byte order mark and the header in the page's language.
        const csvHref = await page.getAttribute('#csv-link', 'href');
        const csvVi = await context.request.get(csvHref, { headers: { 'Accept-Language': 'vi' } });
        const csvBytes = await csvVi.body();
        check(csvBytes[0] === 0xef && csvBytes[1] === 0xbb && csvBytes[2] === 0xbf, 'the CSV has no UTF-8 byte order mark');
        check(csvBytes.toString('utf8', 3).startsWith('phần,nhóm,chỉ tiêu,giá trị\n'), `the Vietnamese CSV starts ${csvBytes.toString('utf8', 3, 60)}`);
        const csvEn = await context.request.get(csvHref, { headers: { 'Accept-Language': 'en' } });
        check((await csvEn.text()).replace(/^\uFEFF/, '').startsWith('section,group,metric,value\n'), 'the English CSV header is not English');

        // The workbook: the link downloads a zip named .xlsx.
        const xlsxHref = await page.getAttribute('#xlsx-link', 'href');
        check(xlsxHref === '/api/report.xlsx' + period, `the Excel link is ${xlsxHref}`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#xlsx-link')]);
        check(/^hoso-report-.*\.xlsx$/.test(download.suggestedFilename()), `the download is named ${download.suggestedFilename()}`);
        const saved = path.join(workDir, 'report.xlsx');
        await download.saveAs(saved);
        const bytes = fs.readFileSync(saved);
        check(bytes.length > 2000 && bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])), `the workbook is not a zip (${bytes.length} bytes)`);
        check(bytes.includes(Buffer.from('xl/worksheets/sheet2.xml')), 'the workbook has no second sheet');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('19 citizen: the desk\'s name, address and hotline; a failed delivery says what to do; no personal data', async () => {
      const hotline = '1900 6868';
      let code = null;
      let lookupCode = null;
      let applicant = null;
      {
        // The admin sets the hotline on the admin page.
        const { context, page } = await s.context();
        try {
          await s.login(page, 'admin');
          await page.goto('/admin');
          await page.waitForFunction(() => document.getElementById('public-url').value !== '');
          check((await page.inputValue('#desk-address')) !== '', 'the admin page does not show the desk address');
          await page.fill('#desk-phone', hotline);
          await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/api/desk' && r.request().method() === 'POST'), page.click('#desk-form button[type=submit]')]);
          await page.waitForFunction(() => document.getElementById('status').textContent.length > 0);
          check((await page.innerText('#alert')).trim() === '', `saving the hotline failed: ${await page.innerText('#alert')}`);
          check((await page.innerText('#status')).includes('đường dây nóng'), `the admin page says ${await page.innerText('#status')}`);
          await s.shot(page, 'admin-desk-contact');
        } finally {
          await context.close();
        }
      }
      {
        // A dossier whose result the post could not deliver, and its receipt's lookup code.
        const { context, page } = await s.context();
        try {
          await s.login(page, 'officer');
          const list = await apiInPage(page, 'GET', '/api/dossiers?state=return_failed&limit=1');
          const row = list.json && list.json.dossiers && list.json.dossiers[0];
          check(row, 'the demo month has no dossier back at the desk after a failed delivery');
          const staff = await apiInPage(page, 'GET', `/api/dossiers/${row.id}`);
          applicant = staff.json.applicant;
          const receipt = await context.request.get(`/api/dossiers/${row.id}/documents/receipt`);
          const html = await receipt.text();
          const url = /class="code lookup-url">([^<]+)</.exec(html);
          const key = /class="code lookup-code">([^<]+)</.exec(html);
          check(url && key, 'the receipt has no lookup URL or code');
          code = new URL(url[1].replace(/&amp;/g, '&')).searchParams.get('ma');
          lookupCode = key[1];
        } finally {
          await context.close();
        }
      }
      const { context, page } = await s.context();
      try {
        await page.goto('/tra-cuu');
        await page.waitForSelector('#desk-contact:not([hidden])');
        check((await page.innerText('#desk-phone')) === hotline, `the page shows the hotline ${await page.innerText('#desk-phone')}`);
        check((await page.getAttribute('#desk-phone', 'href')) === 'tel:19006868', 'the hotline is not a tel: link');
        check((await page.innerText('#desk-name')).length > 0 && (await page.innerText('#desk-address')).length > 0, 'no desk name or address');
        await page.fill('#code', code);
        await page.fill('#lookup-code', lookupCode);
        await page.click('#lookup-submit');
        await page.waitForSelector('#delivery-failed');
        const notice = await page.innerText('#delivery-failed');
        check(notice.includes(`Gọi đường dây nóng ${hotline}`), `the notice does not give the hotline: ${notice}`);
        check(notice.includes('Giấy tiếp nhận hồ sơ') && notice.includes('gửi lại'), `the notice does not say to bring the receipt and that the result is re-sent: ${notice}`);
        await s.shot(page, 'citizen-delivery-failed');
        const text = await page.innerText('body');
        for (const value of [applicant && applicant.full_name, applicant && applicant.phone, applicant && applicant.id_number, applicant && applicant.return_address]) {
          if (value) check(!text.includes(value), `the citizen page shows personal data: ${value}`);
        }
        const desk = await (await context.request.get('/api/public/desk')).json();
        check(Object.keys(desk).sort().join(',') === 'address,name,phone', `the public desk answer has ${Object.keys(desk)}`);
        // The desk's own name, address and phone (public facts of an office), nothing else.
        check(desk.phone === hotline, `the public desk answer has the phone ${desk.phone}`);
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('23 result at the desk: the citizen\'s choice on the dossier page, the waiting list on /dispatch, the handover and its signed record', async () => {
      const { context, page } = await s.context();
      try {
        await s.login(page, 'officer');
        await page.goto('/dispatch');
        await page.waitForSelector('#collect-rows tr');
        await s.shot(page, 'dispatch-waiting-collection');
        const waitingIds = await page.$$eval('#collect-rows tr', (rows) => rows.map((r) => r.dataset.id));
        const readyIds = await page.$$eval('#ready-rows tr[data-id]', (rows) => rows.map((r) => r.dataset.id));
        check(waitingIds.length > 0, 'the demo month leaves no result waiting for the citizen at the desk');
        check(!waitingIds.some((id) => readyIds.includes(id)), 'a result collected at the desk is also listed to post');
        const id = waitingIds[0];
        // "Hand over at the desk" opens the dossier with the handover form.
        await page.click(`#collect-rows tr[data-id="${id}"] a.collect-link`);
        await page.waitForSelector('#collect-form');
        check((await page.inputValue('#result-delivery-choice')) === 'desk', 'the dossier page does not show the choice of the desk');
        check(!(await page.$('a[href="/dispatch"].button.primary')), 'a result collected at the desk is offered for posting');
        // The choice changes both ways while the result is at the desk.
        await page.selectOption('#result-delivery-choice', 'post');
        await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/result-delivery')), page.click('#result-delivery-save')]);
        await page.waitForFunction(() => document.getElementById('status').textContent.includes('qua bưu điện'));
        check(!(await page.$('#collect-open')), 'the handover is still offered for a result going by post');
        await page.selectOption('#result-delivery-choice', 'desk');
        await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/result-delivery')), page.click('#result-delivery-save')]);
        await page.waitForSelector('#collect-open');
        const history = await page.innerText('#history');
        check(history.includes('Đổi cách nhận kết quả'), `the history does not show the change of choice: ${history.slice(0, 300)}`);
        // The handover: an authorised person, the name and ID number typed by the clerk.
        await page.click('#collect-open');
        await page.waitForSelector('#collect-form');
        await page.click('#collect-submit');
        check((await page.innerText('#alert')).includes('Họ tên người nhận'), 'a handover without a name is not refused on the page');
        await page.selectOption('#collect-recipient', 'authorised');
        await page.fill('#collect-name', 'Ngô Thị <i>Thu</i>');
        await page.fill('#collect-id_number', '048199001122');
        await s.shot(page, 'dossier-collect-form');
        await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/collection')), page.click('#collect-submit')]);
        await page.waitForSelector('#collection-record');
        check((await page.innerText('#alert')).trim() === '', `the handover failed: ${await page.innerText('#alert')}`);
        const state = await page.innerText('#facts');
        check(state.includes('Đã trả kết quả'), `the dossier is not returned after the handover: ${state.slice(0, 200)}`);
        check(!(await page.$('#result-delivery-choice')), 'the choice can still change after the result was returned');
        await s.shot(page, 'dossier-collected');
        const href = await page.getAttribute('#collection-record', 'href');
        const record = await context.request.get(href);
        check(record.status() === 200, `the handover record answers ${record.status()}`);
        const html = await record.text();
        for (const part of ['Phiếu giao trả kết quả', 'Ngô Thị &lt;i&gt;Thu&lt;/i&gt;', '048199001122', 'Người nhận kết quả', 'Người giao kết quả', 'Chuyên viên']) {
          check(html.includes(part), `the handover record lacks ${part}`);
        }
        check(!html.includes('<i>Thu</i>'), 'the recipient\'s name is markup in the record');
        const recordPage = await context.newPage();
        await recordPage.goto(href);
        const pdf = await recordPage.pdf({ preferCSSPageSize: true });
        check(pdfPages(pdf) === 1, `the handover record prints on ${pdfPages(pdf)} pages, not one`);
        await recordPage.close();
        // The citizen's lookup, from the receipt's link: the collection step, the desk's address,
        // and nobody's name.
        const receipt = await (await context.request.get(`/api/dossiers/${id}/documents/receipt`)).text();
        const link = /class="code lookup-url">([^<]+)</.exec(receipt);
        check(link, 'the receipt has no lookup link');
        const lookup = new URL(link[1].replace(/&amp;/g, '&'));
        const citizen = await context.newPage();
        await citizen.goto(lookup.pathname + lookup.search);
        await citizen.waitForSelector('#timeline li');
        const place = await citizen.innerText('#collection-place');
        check(place.includes('Kết quả trả tại Trung tâm') && place.includes('giờ làm việc'), `the citizen page says ${place}`);
        check((await citizen.locator('#timeline li[data-step="collected_at_desk"]').count()) === 1, 'the citizen timeline has no collection step');
        const shown = await citizen.innerText('body');
        check(!shown.includes('Ngô Thị') && !shown.includes('048199001122'), 'the citizen page shows the recipient');
        await s.shot(citizen, 'citizen-collected-at-desk');
        await citizen.close();
        // It left the waiting list.
        await page.goto('/dispatch');
        await page.waitForSelector('#collect-table, #collect-empty:not([hidden])');
        const left = await page.$$eval('#collect-rows tr', (rows) => rows.map((r) => r.dataset.id));
        check(!left.includes(id), 'the collected result is still waiting for the citizen');
        noProblems(page);
      } finally {
        await context.close();
      }
    });

    await test('14 Vietnamese pages: no English sentence on any page after any action', async () => {
      console.log(`      ${english.looks} looks at the pages' text, ${english.findings.length} English sentences seen`);
      check(english.detectorOk, 'the detector failed its own check (test 00 detector), so its silence proves nothing');
      check(english.looks >= 40, `only ${english.looks} looks at the pages' text: a scenario stopped early`);
      check(!english.problems.length, english.problems.join('\n'));
      check(!english.findings.length, englishReport(english.findings));
    });
  } finally {
    await stop();
    // Kept for a look when something failed.
    const kept = [workDir, startedDemo && startedDemo.dir].filter(Boolean);
    if (results.every((r) => r.ok)) kept.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
    else console.log(`      kept for inspection: ${kept.join(' ')}`);
  }
}

main()
  .catch((err) => {
    results.push({ name: 'runner', ok: false });
    console.log(`FAIL  runner: ${err.stack || err}`);
  })
  .finally(() => {
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`browser tests: ${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  });
