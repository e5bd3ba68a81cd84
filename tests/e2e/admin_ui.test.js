// End-to-end test of the admin UI in headless Chromium against the real
// server: login, 4 links, the Sequencial wizard exactly as the seed walks
// through it (Organizar > Sequencial > Novo > Link Âncora > Avançar >
// Adicionar x3 > atendimento fixo > Finalizar), one attendant's hours with
// the clock button, 6 new visitors split 2/2/2 and seen in Relatórios, XSS
// payloads shown as text, a CSRF-less cookie POST refused, API tokens,
// the English switch and logout. Any console error, CSP violation or native
// dialog fails the step that caused it. Screenshots go to tests/e2e/artifacts/.
'use strict';

const {describe, it, before, after, afterEach} = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const {startServer, ADMIN_EMAIL, ADMIN_PASSWORD} = require('./support/server');
const {launch, Watcher, screenshot} = require('./support/browser');

// Wednesday 2026-11-25 12:00 in São Paulo: inside Mon-Fri 09:00-18:00.
const NOW = new Date('2026-11-25T15:00:00Z');
const XSS_LABEL = 'João <img src=x onerror="alert(1)">';
const XSS_MESSAGE = '<script>alert(2)</script> Olá, vim pelo site';
const LINKS = [
  {label: 'Minha Central', slug: 'minhacentral', ddd: '11', number: '3333-0000', message: 'Olá!'},
  {label: XSS_LABEL, slug: 'joao', ddd: '11', number: '99999-0001', message: XSS_MESSAGE},
  {label: 'Maria — vendas', slug: 'maria', ddd: '21', number: '98888-0002', message: 'Oi, Maria!'},
  {label: 'Ana — suporte', slug: 'ana', ddd: '31', number: '97777-0003', message: 'Oi, Ana!'},
];
const phoneOf = (l) => '55' + l.ddd + l.number.replace(/\D/g, '');

// GET without cookies, following no redirect.
function rawGet(baseUrl, path) {
  return new Promise((resolve, reject) => {
    http.get(baseUrl + path, {headers: {'User-Agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile'}},
      (res) => {
        res.resume();
        res.on('end', () => resolve({status: res.statusCode, headers: res.headers}));
      }).on('error', reject);
  });
}

describe('admin UI', {timeout: 120000}, () => {
  // The steps build on each other: after a failure the rest are skipped.
  let failed = '';
  const step = (name, fn) => it(name, async (t) => {
    if (failed) {
      t.skip('after the failure of: ' + failed);
      return;
    }
    try {
      await fn(t);
    } catch (e) {
      failed = name;
      throw e;
    }
  });
  let server;
  let browser;
  let context;
  let page;
  const watcher = new Watcher();
  let baseUrl;

  before(async () => {
    [server, browser] = await Promise.all([startServer({now: NOW}), launch()]);
    baseUrl = server.baseUrl;
    context = await browser.newContext({locale: 'pt-BR', baseURL: baseUrl, viewport: {width: 1280, height: 900},
      permissions: ['clipboard-read', 'clipboard-write']});
    await watcher.attach(context);
    page = await context.newPage();
    page.setDefaultTimeout(20000);  // generous: CI machines are shared
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  afterEach(() => {
    const problems = watcher.take();
    assert.deepEqual(problems, [], 'console errors, CSP violations or dialogs:\n' + problems.join('\n'));
  });

  step('serves the UI with strict security headers and immutable hashed assets', async () => {
    const res = await fetch(baseUrl + '/admin');
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    assert.doesNotMatch(html, /\{\{asset:/, 'every asset placeholder is resolved');
    assert.doesNotMatch(html, /<script>|style=/, 'no inline script or style');
    const js = /src="(\/admin\/assets\/app\.[0-9a-f]{8}\.js)"/.exec(html);
    assert.ok(js, 'app.js is referenced by a hashed URL');
    const asset = await fetch(baseUrl + js[1]);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') || '', /immutable/);
  });

  step('refuses a wrong password, then logs in (pt-BR by default)', async () => {
    await watcher.allow(/status of 401/, async () => {
      await page.goto('/admin');
      await page.waitForURL(/\/admin\/login/);
      await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
      await page.getByLabel('Senha').fill('not-the-password');
      await page.getByRole('button', {name: 'Entrar'}).click();
      await page.getByText('E-mail ou senha incorretos.').waitFor();
    });
    assert.equal(await page.getAttribute('html', 'lang'), 'pt-BR');
    await screenshot(page, 'login');
    await page.getByLabel('Senha').fill(ADMIN_PASSWORD);
    await page.getByRole('button', {name: 'Entrar'}).click();
    await page.getByRole('heading', {name: 'Links', level: 1}).waitFor();
    await page.getByText(ADMIN_EMAIL).waitFor();
  });

  step('creates 4 links with country code, DDD and number as separate fields', async () => {
    for (const link of LINKS) {
      await page.getByRole('button', {name: 'Novo link'}).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Identificador').fill(link.label);
      await dialog.getByLabel('Slug (endereço do link)').fill(link.slug);
      assert.equal(await dialog.getByLabel('País').inputValue(), '55');
      await dialog.getByLabel('DDD').fill(link.ddd);
      await dialog.getByLabel('Número').fill(link.number);
      await dialog.getByLabel('Mensagem').fill(link.message);
      if (link.slug === 'ana') await screenshot(page, 'link-form');
      await dialog.getByRole('button', {name: 'Salvar'}).click();
      await page.locator('tr[data-slug="' + link.slug + '"]').waitFor();
    }
    const rows = page.locator('table.links-table tbody tr');
    assert.equal(await rows.count(), 4);
    const maria = page.locator('tr[data-slug="maria"]');
    await maria.getByText('+55 (21) 98888-0002').waitFor();
    const qr = maria.locator('img.qr-thumb');
    assert.equal(await qr.getAttribute('src'), '/maria/qr.svg');
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code image loads');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('td.clicks'))
      .every((td) => td.textContent === '0'));
    await screenshot(page, 'links');
    // The search box narrows the list (by name, slug or digits).
    await page.getByLabel('Buscar link…').fill('98888');
    assert.deepEqual(await page.locator('table.links-table tbody tr:visible').evaluateAll((trs) =>
      trs.map((tr) => tr.dataset.slug)), ['maria']);
    await page.getByLabel('Buscar link…').fill('');
    assert.equal(await page.locator('table.links-table tbody tr:visible').count(), 4);
  });

  step('says so next to the field when a slug is already taken', async () => {
    await page.getByRole('button', {name: 'Novo link'}).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Slug (endereço do link)').fill('Maria');
    await dialog.getByLabel('DDD').fill('11');
    await dialog.getByLabel('Número').fill('99999-0005');
    await watcher.allow(/status of 409/, async () => {
      await dialog.getByRole('button', {name: 'Salvar'}).click();
      await dialog.locator('.field-error').getByText('Este slug já está em uso', {exact: false}).waitFor();
    });
    // Only the catalogue's sentence: no English from the API (issue 18).
    assert.equal(await dialog.locator('.field-error').textContent(), 'Este slug já está em uso');
    assert.equal(await dialog.getByLabel('Slug (endereço do link)').getAttribute('aria-invalid'), 'true');
    await dialog.getByRole('button', {name: 'Cancelar'}).click();
    assert.equal(await page.locator('table.links-table tbody tr').count(), 4);
  });

  step('checks the number per country and previews what WhatsApp will show', async () => {
    await page.getByRole('button', {name: 'Novo link'}).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Identificador').fill('Loja — link do Instagram');
    await dialog.getByLabel('Slug (endereço do link)').fill('insta');
    await dialog.getByLabel('Número').fill('99999-1234');
    // No DDD: the form says so at once, and the server refuses it in Portuguese.
    await dialog.locator('.phone-check.bad').getByText('DDD com 2 dígitos', {exact: false}).waitFor();
    await watcher.allow(/status of 400/, async () => {
      await dialog.getByRole('button', {name: 'Salvar'}).click();
      await dialog.locator('.field-error').waitFor();
    });
    const error = await dialog.locator('.field-error').textContent();
    assert.equal(error, 'Número de WhatsApp inválido para o país: confira o código do país, o DDD (2 dígitos) ' +
      'e o número (8 ou 9 dígitos)');
    await dialog.getByLabel('DDD').fill('11');
    // The server's rule (GET /phone-check, libphonenumber) confirms, in Brazil's format.
    await dialog.locator('.phone-check[data-checked="valid"]').getByText('Será salvo como +55 11 99999-1234').waitFor();
    await dialog.getByLabel('País').fill('351');
    await dialog.getByLabel('DDD').fill('');
    await dialog.getByLabel('Número').fill('912 345 678');
    await dialog.locator('.phone-check[data-checked="valid"]').getByText('Será salvo como +351 912 345 678').waitFor();
    await dialog.getByLabel('Número').fill('912 345');
    await dialog.locator('.phone-check.bad[data-checked="invalid"]').getByText('inválido para o país', {exact: false}).waitFor();
    await dialog.getByLabel('País').fill('55');
    await dialog.getByLabel('DDD').fill('11');
    await dialog.getByLabel('Número').fill('99999-1234');
    assert.equal(await dialog.locator('.field-error').count(), 0, 'the refusal goes once the number changes');
    // The preview card: never the internal label; the preview title when given.
    const card = dialog.locator('#preview-card');
    assert.equal(await card.locator('.pv-title').textContent(), 'Fale conosco no WhatsApp');
    assert.doesNotMatch(await card.textContent(), /Instagram/);
    assert.match(await card.locator('.pv-host').textContent(), /\/insta$/);
    await dialog.getByText('Prévia em redes sociais (opcional)').click();
    await dialog.getByLabel('Título').fill('Promoção de Natal');
    assert.equal(await card.locator('.pv-title').textContent(), 'Promoção de Natal');
    await screenshot(page, 'link-form-preview');
    await dialog.getByRole('button', {name: 'Cancelar'}).click();
  });

  step('copies and shares every published link; the QR dialog too, with SVG and PNG', async () => {
    const row = page.locator('tr[data-slug="maria"]');
    const url = baseUrl + '/maria';
    await row.getByRole('button', {name: 'Copiar link'}).click();
    await page.getByText('Link copiado: ' + url).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    const share = row.getByRole('link', {name: 'Compartilhar'});
    assert.equal(await share.getAttribute('href'), 'https://wa.me/?text=' + encodeURIComponent(url));
    assert.equal(await page.locator('table.links-table .copy-link').count(), 4, 'one per link');
    await row.getByRole('button', {name: 'Ver QR Code maria'}).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', {name: 'Copiar link'}).waitFor();
    await dialog.getByRole('link', {name: 'Compartilhar'}).waitFor();
    for (const [name, type] of [['Baixar SVG', 'image/svg+xml'], ['Baixar PNG', 'image/png']]) {
      const link = dialog.getByRole('link', {name});
      assert.ok(await link.getAttribute('download'));
      const res = await fetch(baseUrl + await link.getAttribute('href'));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), type);
    }
    await screenshot(page, 'qr-dialog');
    await dialog.getByRole('button', {name: 'Fechar'}).click();
  });

  step('shows XSS payloads in labels and messages as text', async () => {
    const row = page.locator('tr[data-slug="joao"]');
    assert.equal(await row.locator('.label').textContent(), XSS_LABEL);
    assert.equal(await row.locator('.message').textContent(), XSS_MESSAGE);
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> made from a label');
    assert.equal(await page.evaluate(() => Array.from(document.scripts).filter((s) => !s.src).length), 0,
      'no inline <script> made from a message');
  });

  step('runs the Sequencial wizard as the seed describes', async () => {
    await page.getByText('Organizar', {exact: true}).click();
    await page.locator('#mainnav').getByRole('link', {name: 'Sequencial'}).click();
    await page.getByRole('heading', {name: 'Sequencial', level: 1}).waitFor();
    await page.getByRole('link', {name: 'Novo', exact: true}).click();
    await page.getByLabel('Link Âncora').selectOption('minhacentral');
    await screenshot(page, 'wizard-anchor');
    await page.getByRole('button', {name: 'Avançar'}).click();
    await page.getByRole('heading', {name: 'Links de Sequência'}).waitFor();
    for (const slug of ['joao', 'maria', 'ana']) {
      await page.getByRole('button', {name: 'Adicionar'}).click();
      await page.locator('.member-row select').last().selectOption(slug);
    }
    await page.getByText('Atendimento fixo', {exact: true}).click();
    assert.equal(await page.locator('#fixed').isChecked(), true);
    assert.equal(await page.locator('input[name="when_closed"][value="anchor"]').isChecked(), true);
    await screenshot(page, 'wizard-members');
    await page.getByRole('button', {name: 'Finalizar'}).click();
    await page.getByRole('heading', {name: 'Minha Central'}).waitFor();
    const members = page.locator('article.central li.member');
    assert.deepEqual(await members.evaluateAll((els) => els.map((e) => e.dataset.slug)), ['joao', 'maria', 'ana']);
    await page.getByText('Atendimento fixo: ligado').waitFor();
    // The published link of the Sequencial: copy and share it from its card.
    assert.equal(await page.locator('article.central .copy-link').getAttribute('data-url'), baseUrl + '/minhacentral');
    await page.locator('article.central').getByRole('link', {name: 'Compartilhar'}).waitFor();
    const central = await page.evaluate(() => fetch('/api/v1/centrals', {credentials: 'same-origin'}).then((r) => r.json()));
    assert.equal(central.items.length, 1);
    assert.equal(central.items[0].anchor, 'minhacentral');
    assert.equal(central.items[0].fixed, true);
  });

  step('sets one attendant\'s hours with the clock button in front of the name', async () => {
    await page.getByRole('button', {name: 'Horário de atendimento de Maria — vendas'}).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', {name: 'Horário de atendimento — Maria — vendas'}).waitFor();
    await dialog.getByLabel('Fuso horário').selectOption('America/Sao_Paulo');
    // Saturday morning too, and closed on Christmas.
    await dialog.locator('.day-row[data-day="sat"] .add-range').click();
    await dialog.locator('.day-row[data-day="sat"] input.start').fill('09:00');
    await dialog.locator('.day-row[data-day="sat"] input.end').fill('13:00');
    await dialog.getByRole('button', {name: 'Adicionar exceção'}).click();
    await dialog.getByLabel('Data').fill('2026-12-25');
    await screenshot(page, 'hours');
    await dialog.getByRole('button', {name: 'Salvar'}).click();
    await page.getByText('Horário salvo.').waitFor();
    const maria = page.locator('li.member[data-slug="maria"]');
    await maria.getByText('seg–sex 09:00–18:00 · sáb 09:00–13:00').waitFor();
    await maria.getByText('Atendendo agora').waitFor();
    const central = await page.evaluate(() => fetch('/api/v1/centrals', {credentials: 'same-origin'}).then((r) => r.json()));
    const hours = central.items[0].members.find((m) => m.link === 'maria').hours;
    assert.equal(hours.tz, 'America/Sao_Paulo');
    assert.deepEqual(hours.week.mon, [['09:00', '18:00']]);
    assert.deepEqual(hours.week.sat, [['09:00', '13:00']]);
    assert.deepEqual(hours.week.sun, []);
    assert.deepEqual(hours.exceptions, [{date: '2026-12-25', ranges: []}]);
    // "Atender 24 horas" takes the hours away again (João: set, then removed).
    const joao = page.locator('li.member[data-slug="joao"]');
    await joao.locator('.clock-btn').click();
    await page.getByRole('dialog').getByRole('button', {name: 'Salvar'}).click();
    await joao.getByText('seg–sex 09:00–18:00').waitFor();
    await joao.locator('.clock-btn').click();
    await page.getByRole('dialog').getByRole('button', {name: 'Atender 24 horas'}).click();
    await joao.getByText('24 horas').waitFor();
    await screenshot(page, 'sequencial');
  });

  step('edits the central: when nobody is available, show the closed page', async () => {
    await page.locator('article.central').getByRole('link', {name: 'Editar'}).click();
    await page.getByRole('heading', {name: 'Editar Sequencial: Minha Central'}).waitFor();
    await page.getByText('Mostrar uma página “fora do horário”').click();
    await page.getByRole('button', {name: 'Salvar'}).click();
    await page.getByText('Fora do horário: página').waitFor();
    // The members and Maria's hours are kept.
    const maria = page.locator('li.member[data-slug="maria"]');
    await maria.getByText('seg–sex 09:00–18:00 · sáb 09:00–13:00').waitFor();
    assert.equal(await page.locator('article.central li.member').count(), 3);
  });

  step('sends 6 new visitors of the anchor link 2 to each attendant', async () => {
    const counts = {};
    for (let i = 0; i < 6; i += 1) {
      const res = await rawGet(baseUrl, '/minhacentral');
      assert.equal(res.status, 302);
      const m = /^https:\/\/wa\.me\/(\d+)/.exec(res.headers.location || '');
      assert.ok(m, 'redirects to wa.me: ' + res.headers.location);
      counts[m[1]] = (counts[m[1]] || 0) + 1;
    }
    const expected = {};
    for (const l of LINKS.slice(1)) expected[phoneOf(l)] = 2;
    assert.deepEqual(counts, expected);
  });

  step('shows 2 clicks per attendant in Relatórios, with a date-range filter and CSV', async () => {
    await page.locator('#mainnav').getByRole('link', {name: 'Relatórios'}).click();
    await page.getByRole('heading', {name: 'Relatórios', level: 1}).waitFor();
    await page.getByLabel('Central ou link').selectOption({label: 'Minha Central (/minhacentral)'});
    await page.getByLabel('De', {exact: true}).fill('2026-11-01');
    await page.getByLabel('Até', {exact: true}).fill('2026-11-30');
    // Clicks are written behind the redirect: apply until all 6 are counted.
    const total = page.locator('[data-total="total"] .total-value');
    for (let i = 0; i < 50; i += 1) {
      await page.getByRole('button', {name: 'Aplicar'}).click();
      await total.waitFor();
      if ((await total.textContent()) === '6') break;
      await page.waitForTimeout(100);
    }
    assert.equal(await total.textContent(), '6');
    const rows = await page.locator('#chart-attendant tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.dataset.key, tr.querySelector('.num').textContent]));
    assert.deepEqual(rows.sort(), [['ana', '2'], ['joao', '2'], ['maria', '2']]);
    assert.equal(await page.locator('[data-total="new"] .total-value').textContent(), '6');
    assert.ok(await page.locator('#chart-day canvas').evaluate((c) => Boolean(window.Chart && window.Chart.getChart(c))),
      'clicks over time chart drawn by Chart.js');
    assert.equal(await page.locator('#chart-device tbody tr[data-key="android"] .num').textContent(), '6');
    // Every breakdown the API has, as a table with a chart; totals compared
    // with the previous period; the attendant rows add up to the total.
    for (const by of ['outcome', 'browser', 'referrer', 'source', 'utm_source', 'utm_medium', 'utm_campaign']) {
      assert.ok(await page.locator('#chart-' + by + ' tbody tr').count() > 0, by + ' table');
    }
    assert.equal(await page.locator('#chart-browser tbody tr[data-key="chrome"] .num').textContent(), '6');
    assert.equal(await page.locator('#chart-outcome tbody tr[data-key="rotation"] .key').textContent(), 'Atendente (rodízio)');
    await page.locator('[data-total="total"] .compare').getByText('Período anterior: 0').waitFor();
    const sum = (await page.locator('#chart-attendant tbody .num').allTextContents()).reduce((a, n) => a + Number(n), 0);
    assert.equal(sum, 6);
    await page.locator('#chart-attendant').getByText('Ver números', {exact: false}).count();
    // Outside the range: nothing.
    await page.getByLabel('De', {exact: true}).fill('2026-10-01');
    await page.getByLabel('Até', {exact: true}).fill('2026-10-31');
    await page.getByRole('button', {name: 'Aplicar'}).click();
    await page.locator('[data-total="total"] .total-value').getByText('0', {exact: true}).waitFor();
    // Every member is listed, at 0 too.
    assert.deepEqual(await page.locator('#chart-attendant tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.dataset.key, tr.querySelector('.num').textContent])),
    [['joao', '0'], ['maria', '0'], ['ana', '0']]);
    // One day: clicks per hour, in São Paulo time (15:00 UTC is 12:00 there).
    await page.getByLabel('De', {exact: true}).fill('2026-11-25');
    await page.getByLabel('Até', {exact: true}).fill('2026-11-25');
    await page.getByRole('button', {name: 'Aplicar'}).click();
    await page.getByRole('heading', {name: 'Cliques por hora'}).waitFor();
    assert.equal(await page.locator('#chart-hour tbody tr').count(), 24);
    assert.equal(await page.locator('#chart-hour tbody tr[data-key="2026-11-25T12:00"] .num').textContent(), '6');
    await page.getByLabel('De', {exact: true}).fill('2026-11-01');
    await page.getByLabel('Até', {exact: true}).fill('2026-11-30');
    await page.getByRole('button', {name: 'Aplicar'}).click();
    await page.locator('[data-total="total"] .total-value').getByText('6', {exact: true}).waitFor();
    await page.getByRole('heading', {name: 'Cliques por dia'}).waitFor();
    const href = await page.locator('#chart-attendant').getByRole('link', {name: 'Baixar CSV'}).getAttribute('href');
    assert.match(href, /format=csv/);
    assert.match(href, /from=2026-11-01/);
    assert.match(href, /sep=semicolon/);
    // For Excel in pt-BR: a BOM, semicolons, Portuguese headers, names beside slugs.
    const csv = await page.evaluate((u) => fetch(u, {credentials: 'same-origin'})
      .then((r) => r.arrayBuffer()).then((b) => Array.from(new Uint8Array(b))), href);
    assert.deepEqual(csv.slice(0, 3), [0xEF, 0xBB, 0xBF]);
    const text = Buffer.from(csv.slice(3)).toString('utf8');
    assert.match(text, /^atendente;nome;cliques\r\n/);
    assert.match(text, /\r\nmaria;Maria — vendas;2\r\n/);
    await screenshot(page, 'relatorios');
    // The links list counts them too: the anchor shows its central's 6.
    await page.locator('#mainnav').getByRole('link', {name: 'Links'}).click();
    await page.waitForFunction(() => document.querySelectorAll('td.clicks').length === 4 &&
      Array.from(document.querySelectorAll('td.clicks')).every((td) => td.textContent !== '…'));
    assert.equal(await page.locator('tr[data-slug="minhacentral"] td.clicks').textContent(), '6');
    for (const slug of ['joao', 'maria', 'ana']) {
      assert.equal(await page.locator('tr[data-slug="' + slug + '"] td.clicks').textContent(), '2');
    }
  });

  step('refuses a cookie-authenticated POST without the CSRF header (403)', async () => {
    const result = await watcher.allow(/status of 403/, () => page.evaluate(async () => {
      const res = await fetch('/api/v1/links', {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({slug: 'csrf', phone: '+55 11 99999-0009'})});
      return {status: res.status, body: await res.json()};
    }));
    assert.equal(result.status, 403);
    assert.equal(result.body.error.code, 'csrf');
    const links = await page.evaluate(() => fetch('/api/v1/links', {credentials: 'same-origin'}).then((r) => r.json()));
    assert.ok(!links.items.some((l) => l.slug === 'csrf'), 'nothing was created');
  });

  step('manages API tokens in Configurações: shown once, works, revoked', async () => {
    await page.locator('#mainnav').getByRole('link', {name: 'Configurações'}).click();
    await page.getByRole('heading', {name: 'Configurações', level: 1}).waitFor();
    await page.locator('#token-form').getByLabel('Nome').fill('integração <b>loja</b>');
    await page.getByRole('button', {name: 'Criar token'}).click();
    const value = page.locator('.token-value');
    await value.waitFor();
    const token = await value.textContent();
    assert.match(token, /^sq_/);
    await page.locator('.tokens-table').getByText('integração <b>loja</b>').waitFor();
    const withToken = () => fetch(baseUrl + '/api/v1/links', {headers: {Authorization: 'Bearer ' + token}});
    assert.equal((await withToken()).status, 200);
    await page.getByLabel('Fuso horário padrão').waitFor();
    assert.equal(await page.getByLabel('Fuso horário padrão').inputValue(), 'America/Sao_Paulo');
    // Saving after changing only the zone saves only the zone: the public URL
    // stays the server's own; the saved zone shows the server's value and a reset.
    const settingsNow = () => page.evaluate(() => fetch('/api/v1/settings', {credentials: 'same-origin'}).then((r) => r.json()));
    // The zone picker: grouped by country, Brazil first, searchable by city or country.
    const zone = page.getByLabel('Fuso horário padrão');
    await page.locator('#general-form optgroup[data-country="BR"]').waitFor({state: 'attached'});
    assert.equal(await page.locator('#general-form select[name="default_tz"] optgroup').first().getAttribute('label'), 'Brasil');
    assert.equal(await zone.locator('option[value="America/Sao_Paulo"]').textContent(), 'Sao Paulo (America/Sao_Paulo)');
    await page.locator('#general-form .tz-search').fill('recife');
    assert.equal(await zone.inputValue(), 'America/Recife');
    assert.equal(await zone.locator('option:not([hidden])').count(), 1);
    await page.locator('#general-form .tz-search').fill('portugal');
    assert.ok(await zone.locator('option:not([hidden])[value="Europe/Lisbon"]').count() === 1, 'found by country name');
    await page.locator('#general-form .tz-search').fill('');
    await zone.selectOption('America/Recife');
    await page.locator('#general-form').getByRole('button', {name: 'Salvar'}).click();
    await page.getByText('Configurações salvas.').waitFor();
    let saved = await settingsNow();
    assert.equal(saved.default_tz, 'America/Recife');
    assert.equal(saved.server.default_tz.saved, true);
    assert.equal(saved.server.public_url.saved, false, 'the untouched public URL was not saved');
    const note = page.locator('.setting-override[data-key="default_tz"]');
    await note.getByText('America/Sao_Paulo', {exact: false}).waitFor();
    await note.getByRole('button', {name: 'Voltar ao valor do servidor'}).click();
    await page.getByText('Valor do servidor restaurado.').waitFor();
    await note.waitFor({state: 'detached'});
    saved = await settingsNow();
    assert.equal(saved.default_tz, 'America/Sao_Paulo');
    assert.equal(saved.server.default_tz.saved, false);
    await page.locator('.users-table').getByText(ADMIN_EMAIL).waitFor();
    // Users: a short password is refused next to the field, then added and deleted.
    const userForm = page.locator('#user-form');
    await userForm.getByLabel('E-mail').fill('maria@example.com');
    await userForm.getByLabel('Senha').fill('curta');
    await watcher.allow(/status of 400/, async () => {
      await userForm.getByRole('button', {name: 'Adicionar usuário'}).click();
      await userForm.locator('.field-error').getByText('pelo menos 10 caracteres', {exact: false}).waitFor();
    });
    await userForm.getByLabel('Senha').fill('senha-da-maria-123');
    await userForm.getByRole('button', {name: 'Adicionar usuário'}).click();
    let row = page.locator('.users-table tr[data-email="maria@example.com"]');
    await row.waitFor();
    await screenshot(page, 'configuracoes');
    // The e-mail can be changed (and the row follows it).
    await row.getByRole('button', {name: 'Alterar e-mail'}).click();
    await page.getByRole('dialog').getByLabel('Novo e-mail').fill('maria.souza@example.com');
    await page.getByRole('dialog').getByRole('button', {name: 'Salvar'}).click();
    await page.getByText('E-mail alterado.').waitFor();
    row = page.locator('.users-table tr[data-email="maria.souza@example.com"]');
    await row.waitFor();
    await row.getByRole('button', {name: 'Excluir'}).click();
    await page.getByRole('dialog').getByRole('button', {name: 'Excluir'}).click();
    await row.waitFor({state: 'detached'});
    await page.locator('.tokens-table').getByRole('button', {name: 'Revogar'}).click();
    await page.getByRole('dialog').getByRole('button', {name: 'Revogar'}).click();
    await page.getByText('Token revogado.').waitFor();
    assert.equal((await withToken()).status, 401);
  });

  step('names the shop, sends "/" to its site, and previews show the shop name (never the label)', async () => {
    await page.locator('#mainnav').getByRole('link', {name: 'Configurações'}).click();
    const form = page.locator('#general-form');
    await form.getByLabel('Nome da loja (público)').fill('Loja da Ana');
    await form.getByLabel('Página inicial (endereço /)').fill('https://loja.example/');
    assert.equal(await form.getByLabel('A semana começa').inputValue(), 'mon');
    await form.getByRole('button', {name: 'Salvar'}).click();
    await page.getByText('Configurações salvas.').waitFor();
    const home = await rawGet(baseUrl, '/');
    assert.equal(home.status, 302);
    assert.equal(home.headers.location, 'https://loja.example');
    const preview = await fetch(baseUrl + '/joao', {headers: {'User-Agent': 'WhatsApp/2.23.20.0 A'}}).then((r) => r.text());
    assert.match(preview, /og:title" content="Loja da Ana"/);
    assert.doesNotMatch(preview, /onerror/, 'the internal label is not shown');
  });

  step('shows the closed page: "amanhã às 9:00", the shop name, Monday first; reports count it', async () => {
    // Everybody gets hours, and the clock moves to Sunday 10:00 in São Paulo.
    const week = {mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']],
      thu: [['09:00', '18:00']], fri: [['09:00', '18:00']], sat: [], sun: []};
    const centralId = await page.evaluate(async (hours) => {
      const session = await fetch('/api/v1/session', {credentials: 'same-origin'}).then((r) => r.json());
      const centrals = await fetch('/api/v1/centrals', {credentials: 'same-origin'}).then((r) => r.json());
      const id = centrals.items[0].id;
      for (const slug of ['joao', 'ana']) {
        const res = await fetch('/api/v1/centrals/' + id + '/members/' + slug + '/hours', {method: 'PUT',
          credentials: 'same-origin', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token},
          body: JSON.stringify({tz: 'America/Sao_Paulo', week: hours, exceptions: []})});
        if (res.status !== 200) throw new Error('hours of ' + slug + ': ' + res.status);
      }
      return id;
    }, week);
    const fs = require('node:fs');
    const path = require('node:path');
    fs.writeFileSync(path.join(server.dir, 'clock'), String(Date.parse('2026-11-29T13:00:00Z') / 1000));
    const closed = await browser.newContext({locale: 'pt-BR', viewport: {width: 1280, height: 900}});
    const p = await closed.newPage();
    await p.goto(baseUrl + '/minhacentral');
    assert.equal(await p.locator('#next-opening').textContent(), 'amanhã às 9:00');
    assert.equal(await p.locator('#shop-name').textContent(), 'Loja da Ana');
    assert.equal(await p.locator('td').first().textContent(), 'Segunda');
    await screenshot(p, 'closed-page');
    await p.setViewportSize({width: 390, height: 844});
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'closed page at 390 px');
    await screenshot(p, 'closed-page-390');
    await closed.close();
    fs.writeFileSync(path.join(server.dir, 'clock'), String(Math.floor(NOW.getTime() / 1000)));
    // The report's attendant table adds up to the total, the closed page included.
    await page.goto('/admin/relatorios?central=' + centralId + '&from=2026-11-01&to=2026-11-30');
    const total = page.locator('[data-total="total"] .total-value');
    for (let i = 0; i < 50; i += 1) {
      await page.getByRole('button', {name: 'Aplicar'}).click();
      await total.waitFor();
      if ((await total.textContent()) === '7') break;
      await page.waitForTimeout(100);
    }
    assert.equal(await total.textContent(), '7');
    await page.locator('#chart-attendant tr[data-key="(closed_page)"]').getByText('Página “fora do horário”').waitFor();
    const sum = (await page.locator('#chart-attendant tbody .num').allTextContents()).reduce((a, n) => a + Number(n), 0);
    assert.equal(sum, 7);
  });

  step('fits every page in a 390 px phone screen (no sideways scrolling)', async () => {
    const central = await page.evaluate(() => fetch('/api/v1/centrals', {credentials: 'same-origin'}).then((r) => r.json()));
    const pages = [['links', '/admin/links', 'Links'], ['sequencial', '/admin/sequencial', 'Sequencial'],
      ['sequencial-edit', '/admin/sequencial/' + central.items[0].id, 'Editar Sequencial: Minha Central'],
      ['sequencial-novo', '/admin/sequencial/novo', 'Novo Sequencial'],
      ['relatorios', '/admin/relatorios', 'Relatórios'], ['configuracoes', '/admin/configuracoes', 'Configurações']];
    // The width, and what sticks out (for the failure message).
    const fits = () => page.evaluate(() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
      wide: Array.from(document.querySelectorAll('body *')).filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))}));
    for (const width of [1280, 390]) {
      await page.setViewportSize({width, height: width === 390 ? 844 : 900});
      for (const [name, url, heading] of pages) {
        await page.goto(url);
        await page.getByRole('heading', {name: heading, level: 1}).waitFor();
        if (name === 'relatorios') await page.locator('.total-value').first().waitFor();
        if (name === 'links') {
          await page.waitForFunction(() => Array.from(document.querySelectorAll('td.clicks')).every((td) => td.textContent !== '…'));
        }
        const size = await fits();
        assert.ok(size.scroll <= size.inner, name + ' at ' + width + ' px: ' + size.scroll + ' > ' + size.inner +
          ' ' + size.wide.join(', '));
        await screenshot(page, name + '-' + width);
      }
    }
    // At 390 px the actions of a link are on screen, and the dialogs fit.
    await page.goto('/admin/links');
    const del = page.locator('tr[data-slug="ana"]').getByRole('button', {name: 'Excluir'});
    const box = await del.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, 'Excluir is on screen: ' + JSON.stringify(box));
    await page.locator('tr[data-slug="ana"]').getByRole('button', {name: 'Copiar link'}).waitFor();
    await page.getByRole('button', {name: 'Novo link'}).click();
    let size = await fits();
    assert.ok(size.scroll <= size.inner, 'link form at 390 px: ' + size.wide.join(', '));
    await screenshot(page, 'link-form-390');
    await page.getByRole('dialog').getByRole('button', {name: 'Cancelar'}).click();
    await page.locator('tr[data-slug="ana"]').getByRole('button', {name: 'Ver QR Code ana'}).click();
    size = await fits();
    assert.ok(size.scroll <= size.inner, 'QR dialog at 390 px: ' + size.wide.join(', '));
    await screenshot(page, 'qr-dialog-390');
    await page.getByRole('dialog').getByRole('button', {name: 'Fechar'}).click();
    await page.setViewportSize({width: 1280, height: 900});
  });

  step('switches to English and remembers it', async () => {
    await page.locator('#mainnav').getByRole('link', {name: 'Links'}).click();
    await page.getByRole('button', {name: 'English'}).click();
    await page.getByRole('button', {name: 'New link'}).waitFor();
    await page.locator('#mainnav').getByRole('link', {name: 'Reports'}).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    await page.getByRole('button', {name: 'Log out'}).waitFor();
    await page.getByText('Organize', {exact: true}).click();
    await page.locator('#mainnav').getByRole('link', {name: 'Sequential'}).click();
    await page.getByText('Sticky attendant: on').waitFor();
    await screenshot(page, 'sequencial-en');
    await page.getByRole('button', {name: 'Português'}).click();
    await page.getByText('Atendimento fixo: ligado').waitFor();
  });

  step('follows the browser language on a first visit (English browser)', async () => {
    const english = await browser.newContext({locale: 'en-US', baseURL: baseUrl});
    await watcher.attach(english);
    const p = await english.newPage();
    await watcher.allow(/status of 401/, async () => {
      await p.goto('/admin/links');
      await p.getByRole('button', {name: 'Log in'}).waitFor();
    });
    assert.equal(await p.getAttribute('html', 'lang'), 'en');
    await english.close();
  });

  step('logs out', async () => {
    await watcher.allow(/status of 401/, async () => {
      await page.getByRole('button', {name: 'Sair'}).click();
      await page.getByRole('button', {name: 'Entrar'}).waitFor();
    });
    const status = await watcher.allow(/status of 401/, async () => {
      const s = await page.evaluate(() => fetch('/api/v1/links', {credentials: 'same-origin'}).then((r) => r.status));
      await page.waitForTimeout(100);  // let Chromium report the 401 inside allow()
      return s;
    });
    assert.equal(status, 401);
  });
});
