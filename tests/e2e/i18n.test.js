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
