// Headless Debian Chromium through playwright-core (no browser download),
// with a watcher that records every console error, uncaught page error, CSP
// violation and native dialog, so a test can fail on any of them.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {chromium} = require('playwright-core');

const CHROMIUM = process.env.SEQUENCIAL_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(CHROMIUM + ' is missing: install Debian chromium (scripts/install-deps.sh --test)');
  }
  return chromium.launch({executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu']});
}

// Watches one browser context. `problems` lists what went wrong; `allow(re)`
// lets console errors matching `re` through while `fn` runs (an expected
// 401 or 403 that Chromium reports as "Failed to load resource").
class Watcher {
  constructor() {
    this.problems = [];
    this.allowed = [];
  }

  async attach(context) {
    await context.exposeBinding('__sqReportCsp', (source, text) => {
      this.problems.push('CSP violation: ' + text);
    });
    // Runs before any page script; init scripts are not subject to the CSP.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__sqReportCsp(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
          ' at ' + e.sourceFile + ':' + e.lineNumber);
      });
    });
    context.on('page', (page) => this.watch(page));
  }

  watch(page) {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text() + ' @ ' + (msg.location().url || '');
      if (this.allowed.some((re) => re.test(text))) return;
      this.problems.push('console error: ' + text);
    });
    page.on('pageerror', (err) => this.problems.push('page error: ' + err.message));
    page.on('dialog', async (dialog) => {
      this.problems.push('native dialog (' + dialog.type() + '): ' + dialog.message());
      await dialog.dismiss().catch(() => {});
    });
  }

  async allow(re, fn) {
    this.allowed.push(re);
    try {
      return await fn();
    } finally {
      this.allowed.splice(this.allowed.indexOf(re), 1);
    }
  }

  // Returns and forgets what was recorded.
  take() {
    return this.problems.splice(0);
  }
}

let shot = 0;
async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  shot += 1;
  const file = path.join(ARTIFACTS, String(shot).padStart(2, '0') + '-' + name + '.png');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: file, fullPage: true});
  return file;
}

module.exports = {launch, Watcher, screenshot, ARTIFACTS};
