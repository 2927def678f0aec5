// Checks of web/ that need no server: the pages obey the Content-Security-Policy (no inline
// scripts, styles or event handlers), the scripts never parse data as HTML, every referenced
// /static/ file exists, and every dictionary key the pages use exists in Vietnamese and English
// (and every key is used).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const PAGES = ['index', 'mailroom', 'dossiers', 'dossier', 'dispatch', 'reports', 'admin', 'tra-cuu'];
const NAME = /^[a-z0-9_.-]+$/;

export function loadDictionaries(webDir) {
  const source = fs.readFileSync(path.join(webDir, 'static', 'i18n.js'), 'utf8');
  const stubElement = { matches: () => false, querySelectorAll: () => [] };
  const sandbox = {
    window: {},
    localStorage: { getItem: () => null, setItem: () => {} },
    document: { ...stubElement, documentElement: {} },
    CustomEvent: class {},
  };
  vm.runInNewContext(source, sandbox, { filename: 'i18n.js' });
  return sandbox.window.I18n.DICTIONARIES;
}

// Returns a list of problems (empty when all is well).
export function staticChecks(webDir) {
  const problems = [];
  const staticDir = path.join(webDir, 'static');
  const staticFiles = fs.readdirSync(staticDir);
  for (const name of [...fs.readdirSync(webDir), ...staticFiles]) {
    if (!NAME.test(name)) problems.push(`file name not lowercase [a-z0-9_.-]: ${name}`);
  }
  const scripts = staticFiles.filter((f) => f.endsWith('.js'));
  const dicts = loadDictionaries(webDir);
  const viKeys = new Set(Object.keys(dicts.vi));
  const enKeys = new Set(Object.keys(dicts.en));
  for (const key of viKeys) if (!enKeys.has(key)) problems.push(`i18n: "${key}" has no English text`);
  for (const key of enKeys) if (!viKeys.has(key)) problems.push(`i18n: "${key}" has no Vietnamese text`);
  const namespaces = new Set([...viKeys].map((k) => k.split('.')[0]));
  const used = new Map();
  const use = (key, where) => used.set(key, used.get(key) || where);

  for (const page of PAGES) {
    const file = path.join(webDir, page + '.html');
    if (!fs.existsSync(file)) {
      problems.push(`missing page ${page}.html`);
      continue;
    }
    const html = fs.readFileSync(file, 'utf8');
    if (/<script(?![^>]*\ssrc=)[^>]*>/i.test(html)) problems.push(`${page}.html: inline <script>`);
    if (/<style[\s>]/i.test(html)) problems.push(`${page}.html: <style> element`);
    if (/\sstyle\s*=/i.test(html)) problems.push(`${page}.html: style= attribute`);
    const handler = /<[^>]*\s(on[a-z]+)\s*=/i.exec(html);
    if (handler) problems.push(`${page}.html: inline event handler ${handler[1]}=`);
    if (!/<meta name="viewport"/.test(html)) problems.push(`${page}.html: no viewport meta`);
    if (!/<html lang="vi">/.test(html)) problems.push(`${page}.html: not <html lang="vi">`);
    for (const m of html.matchAll(/(?:src|href)="\/static\/([^"]+)"/g)) {
      if (!staticFiles.includes(m[1])) problems.push(`${page}.html: /static/${m[1]} does not exist`);
    }
    for (const m of html.matchAll(/data-i18n(?:-placeholder|-aria-label)?="([^"]+)"/g)) use(m[1], page + '.html');
  }

  for (const script of scripts) {
    const source = fs.readFileSync(path.join(staticDir, script), 'utf8');
    for (const bad of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function']) {
      if (source.includes(bad)) problems.push(`${script}: uses ${bad}`);
    }
    if (script === 'i18n.js') continue;
    for (const m of source.matchAll(/'([a-z_]+(?:\.[a-z0-9_]+)*\.?)'/g)) {
      const literal = m[1];
      if (!literal.includes('.') || !namespaces.has(literal.split('.')[0])) continue;
      use(literal, script);
    }
  }
  for (const [key, where] of used) {
    const known = key.endsWith('.') ? [...viKeys].some((k) => k.startsWith(key)) : viKeys.has(key);
    if (!known) problems.push(`i18n: ${where} uses "${key}", which the dictionary lacks`);
  }
  const prefixes = [...used.keys()].filter((k) => k.endsWith('.'));
  for (const key of viKeys) {
    if (!used.has(key) && !prefixes.some((p) => key.startsWith(p))) problems.push(`i18n: "${key}" is never used`);
  }
  return problems;
}
