// The two message catalogues of the admin UI (ui/src/i18n.pt-BR.js and
// ui/src/i18n.en.js) have the same keys, no empty text, the same {placeholders},
// and hold every key the UI scripts ask for with a literal SQ.t('...').
// No browser needed.
'use strict';

const {test} = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const UI = path.join(__dirname, '..', '..', 'ui', 'src');

function catalogues() {
  const sandbox = {window: {}};
  vm.createContext(sandbox);
  for (const file of ['i18n.pt-BR.js', 'i18n.en.js']) {
    vm.runInContext(fs.readFileSync(path.join(UI, file), 'utf8'), sandbox, {filename: file});
  }
  return sandbox.window.SQ_MESSAGES;
}

const placeholders = (text) => (text.match(/\{\w+\}/g) || []).sort();

test('pt-BR and English catalogues have the same keys and placeholders', () => {
  const {'pt-BR': pt, en} = catalogues();
  assert.ok(pt && en, 'both catalogues are defined');
  assert.deepEqual(Object.keys(en).sort(), Object.keys(pt).sort());
  for (const key of Object.keys(pt)) {
    assert.ok(pt[key].trim() && en[key].trim(), 'empty text for ' + key);
    assert.deepEqual(placeholders(en[key]), placeholders(pt[key]), 'placeholders of ' + key);
  }
});

test('every literal SQ.t key used by the UI exists', () => {
  const {'pt-BR': pt} = catalogues();
  const missing = [];
  for (const file of fs.readdirSync(UI).filter((f) => f.endsWith('.js'))) {
    const source = fs.readFileSync(path.join(UI, file), 'utf8');
    for (const m of source.matchAll(/SQ\.t\('([\w.-]+)'\s*[,)]/g)) {
      if (!(m[1] in pt)) missing.push(file + ': ' + m[1]);
    }
  }
  assert.deepEqual(missing, []);
});

test('no UI script writes HTML from strings', () => {
  const offenders = [];
  for (const file of fs.readdirSync(UI).filter((f) => f.endsWith('.js'))) {
    const source = fs.readFileSync(path.join(UI, file), 'utf8');
    for (const re of [/\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /document\.write/, /\beval\(/]) {
      if (re.test(source)) offenders.push(file + ' ' + re);
    }
  }
  assert.deepEqual(offenders, []);
});

// Every error the server can answer, as its stable code (and, for the input
// rules, the field it names), has a sentence in both catalogues: the UI shows
// those (SQ.errorMessage), never the API's English message (issue 18).
const SRC = path.join(__dirname, '..', '..', 'src');

function sources(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (/\.(cpp|h)$/.test(entry.name)) out.push(full);
  }
  return out;
}

function serverErrorCodes() {
  const codes = new Set();
  const errorCpp = fs.readFileSync(path.join(SRC, 'core', 'error.cpp'), 'utf8');
  for (const m of errorCpp.matchAll(/return "([a-z_]+)";/g)) codes.add(m[1]);
  for (const file of sources(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:reply_error|set_json_error)\(\s*\w+,\s*\d{3},\s*"([a-z_]+)"/g)) codes.add(m[1]);
  }
  return codes;
}

// Fields named by the input rules the admin API applies (not the command
// line's: --db, --listen...), plus those whose name is built at run time.
function serverFieldErrors() {
  const found = new Set(['invalid.message', 'invalid.label', 'invalid.preview_title',
    'invalid.preview_description', 'invalid.preview_image', 'invalid.active', 'invalid.fixed']);
  const roots = ['api', 'core', 'routing', 'accounts', path.join('app', 'catalog.cpp'),
    path.join('app', 'settings.cpp')].map((p) => path.join(SRC, p));
  for (const root of roots) {
    const files = fs.statSync(root).isDirectory() ? sources(root) : [root];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/Error::(invalid|conflict)\(\s*"([A-Za-z_]+)/g)) found.add(m[1] + '.' + m[2]);
    }
  }
  // The stores' uniqueness rules (their "invalid" ones, and "out" of
  // `backup`, are the command line's).
  for (const file of sources(path.join(SRC, 'storage'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/Error::conflict\(\s*"([A-Za-z_]+)/g)) {
      if (m[1] !== 'out') found.add('conflict.' + m[1]);
    }
  }
  return found;
}

test('every error code and field the server can return has pt-BR and English text', () => {
  const {'pt-BR': pt, en} = catalogues();
  const codes = serverErrorCodes();
  assert.ok(codes.has('invalid') && codes.has('csrf') && codes.has('busy'), [...codes].join(' '));
  const missing = [];
  for (const code of codes) {
    for (const [lang, table] of [['pt-BR', pt], ['en', en]]) {
      if (!table['error.code.' + code]) missing.push(lang + ' error.code.' + code);
    }
  }
  const fields = serverFieldErrors();
  assert.ok(fields.has('invalid.phone') && fields.has('conflict.slug'), [...fields].join(' '));
  for (const field of fields) {
    for (const [lang, table] of [['pt-BR', pt], ['en', en]]) {
      if (!table['error.field.' + field]) missing.push(lang + ' error.field.' + field);
    }
  }
  assert.deepEqual(missing, []);
});

test('the UI never shows the API message of an error', () => {
  const sandbox = {window: {}, navigator: {languages: ['pt-BR']}, localStorage: {getItem: () => null},
    document: {documentElement: {}}, console: {error() {}, info() {}}};
  vm.createContext(sandbox);
  for (const file of ['i18n.pt-BR.js', 'i18n.en.js', 'i18n.js', 'api.js']) {
    vm.runInContext(fs.readFileSync(path.join(UI, file), 'utf8'), sandbox, {filename: file});
  }
  const SQ = sandbox.window.SQ;
  const text = (code, field, message) => SQ.errorMessage({code, field, message});
  assert.equal(text('invalid', 'slug', 'slug must match [A-Za-z0-9_-]{1,64}'),
    'Slug inválido: use letras, números, - e _ (até 64), sem nomes reservados');
  assert.equal(text('conflict', 'slug', 'slug already in use'), 'Este slug já está em uso');
  assert.equal(text('invalid', 'week.mon[1]', 'end equals start').includes('end equals'), false);
  assert.equal(text('no_such_code', '', 'english words'), 'Algo deu errado. Tente de novo.');
});
