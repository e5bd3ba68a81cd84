// End-to-end test of Organizar > Seletivo and Geolocalizado in headless
// Chromium against the real server (issue 16): the Seletivo wizard (anchor ->
// entries with title, description and photo -> page title, random order ->
// Finalizar), the clock button on its entries, the chooser page a customer
// sees at 390 px (no horizontal scroll, lazy photo, initials), the
// Geolocalizado wizard with a malformed region reported on its own row, and
// both reports in Relatórios. Screenshots at 1280 px and 390 px go to
// tests/e2e/artifacts/.
'use strict';

const {describe, it, before, after, afterEach} = require('node:test');
const assert = require('node:assert/strict');
const {startServer, ADMIN_EMAIL, ADMIN_PASSWORD} = require('./support/server');
const {launch, Watcher, screenshot} = require('./support/browser');

// Wednesday 2026-11-25 12:00 in São Paulo.
const NOW = new Date('2026-11-25T15:00:00Z');
const LINKS = [
  {slug: 'loja', phone: '551133330000', label: 'Loja Centro'},
  {slug: 'vendas', phone: '5511999990001', label: 'Vendas'},
  {slug: 'suporte', phone: '5511999990002', label: 'Suporte'},
  {slug: 'brasil', phone: '551133330001', label: 'Matriz Brasil'},
  {slug: 'sp', phone: '5511999990003', label: 'Equipe SP'},
  {slug: 'pt', phone: '351912345678', label: 'Lisboa'},
];

describe('admin UI: Seletivo and Geolocalizado', {timeout: 120000}, () => {
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
    context = await browser.newContext({locale: 'pt-BR', baseURL: baseUrl, viewport: {width: 1280, height: 900}});
    await watcher.attach(context);
    page = await context.newPage();
    page.setDefaultTimeout(20000);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  afterEach(() => {
    const problems = watcher.take();
    assert.deepEqual(problems, [], 'console errors, CSP violations or dialogs:\n' + problems.join('\n'));
  });

  step('logs in and creates the links', async () => {
    await watcher.allow(/status of 401/, async () => {
      await page.goto('/admin');
      await page.waitForURL(/\/admin\/login/);
    });
    await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
    await page.getByLabel('Senha').fill(ADMIN_PASSWORD);
    await page.getByRole('button', {name: 'Entrar'}).click();
    await page.getByRole('heading', {name: 'Links', level: 1}).waitFor();
    for (const link of LINKS) {
      await page.evaluate((l) => window.SQ.api.post('/links', l), link);
    }
  });

  step('runs the Seletivo wizard from the Organizar menu', async () => {
    await page.locator('#mainnav summary').getByText('Organizar').click();
    await page.locator('#mainnav').getByRole('link', {name: 'Seletivo'}).click();
    await page.getByRole('heading', {name: 'Seletivo', level: 1}).waitFor();
    await page.getByRole('link', {name: 'Novo', exact: true}).click();
    await page.getByLabel('Link Âncora').selectOption('loja');
    await page.getByRole('button', {name: 'Avançar'}).click();
    await page.getByRole('heading', {name: 'Opções da página'}).waitFor();
    const entries = [
      // A photo the server itself serves (no network here): the QR code.
      {slug: 'vendas', title: 'Vendas', description: 'Pedidos e orçamentos', photo: baseUrl + '/vendas/qr.png'},
      {slug: 'suporte', title: 'Suporte <b>técnico</b>', description: '', photo: ''},
    ];
    for (const entry of entries) {
      await page.getByRole('button', {name: 'Adicionar'}).click();
      const row = page.locator('.member-row').last();
      await row.locator('select').selectOption(entry.slug);
      await row.getByLabel('Título da opção').fill(entry.title);
      if (entry.description) await row.getByLabel('Descrição (opcional)').fill(entry.description);
      if (entry.photo) await row.getByLabel('URL da foto (opcional)').fill(entry.photo);
    }
    await page.getByLabel('Título da página').fill('Com quem você quer falar?');
    await screenshot(page, 'seletivo-wizard-1280');
    await page.getByRole('button', {name: 'Finalizar'}).click();
    await page.getByRole('heading', {name: 'Loja Centro'}).waitFor();
    const members = page.locator('article.central li.member');
    assert.deepEqual(await members.evaluateAll((els) => els.map((e) => e.dataset.slug)), ['vendas', 'suporte']);
    await page.getByText('Suporte <b>técnico</b>').waitFor();  // shown as text
    // Every entry has its clock button.
    await page.getByRole('button', {name: 'Horário de atendimento de Vendas'}).waitFor();
    await screenshot(page, 'seletivo-list-1280');
    const centrals = await page.evaluate(() => window.SQ.api.get('/centrals'));
    assert.equal(centrals.items.length, 1);
    assert.equal(centrals.items[0].mode, 'seletivo');
    assert.equal(centrals.items[0].members[0].description, 'Pedidos e orçamentos');
    // The Sequencial page does not list it.
    await page.goto('/admin/sequencial');
    await page.locator('.empty').waitFor();
  });

  step('shows the chooser page on a 390 px phone', async () => {
    const phone = await browser.newContext({locale: 'pt-BR', viewport: {width: 390, height: 844},
      userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36'});
    await watcher.attach(phone);
    const customer = await phone.newPage();
    const res = await customer.goto(baseUrl + '/loja?utm_source=ig');
    assert.equal(res.status(), 200);
    await customer.getByRole('heading', {name: 'Com quem você quer falar?'}).waitFor();
    const hrefs = await customer.locator('a.e').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, [baseUrl + '/vendas?utm_source=ig&via=loja', baseUrl + '/suporte?utm_source=ig&via=loja']);
    await customer.getByText('Suporte <b>técnico</b>').waitFor();
    const photo = customer.locator('a.e img[loading="lazy"]');
    assert.equal(await photo.count(), 1);
    await customer.waitForFunction(() => {
      const img = document.querySelector('a.e img');
      return img.complete && img.naturalWidth > 0;
    });
    assert.equal(await customer.locator('a.e .av').last().textContent(), 'S');  // '<b>técnico' starts with no letter
    assert.ok(await customer.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scroll');
    await screenshot(customer, 'seletivo-chooser-390');
    await phone.close();
  });

  step('runs the Geolocalizado wizard and reports a bad region on its row', async () => {
    await page.locator('#mainnav summary').getByText('Organizar').click();
    await page.locator('#mainnav').getByRole('link', {name: 'Geolocalizado'}).click();
    await page.getByRole('heading', {name: 'Geolocalizado', level: 1}).waitFor();
    await page.getByRole('link', {name: 'Novo', exact: true}).click();
    await page.getByLabel('Link Âncora').selectOption('brasil');
    await page.getByRole('button', {name: 'Avançar'}).click();
    await page.getByRole('heading', {name: 'Quem atende cada região'}).waitFor();
    for (const [slug, regions] of [['sp', 'BR-SP, BR-SP/Campinas'], ['pt', 'Portugal']]) {
      await page.getByRole('button', {name: 'Adicionar'}).click();
      const row = page.locator('.member-row').last();
      await row.locator('select').selectOption(slug);
      await row.getByLabel('Regiões').fill(regions);
    }
    await watcher.allow(/status of 400/, async () => {
      await page.getByRole('button', {name: 'Finalizar'}).click();
      await page.locator('.member-row').nth(1).locator('.field-error').waitFor();
    });
    assert.equal(await page.locator('.member-row').nth(0).locator('.field-error').count(), 0);
    assert.equal(await page.locator('.member-row').nth(1).getByLabel('Regiões').getAttribute('aria-invalid'), 'true');
    await page.locator('.member-row').nth(1).getByLabel('Regiões').fill('PT');
    await page.getByRole('button', {name: 'Finalizar'}).click();
    await page.getByRole('heading', {name: 'Matriz Brasil'}).waitFor();
    await page.getByText('BR-SP, BR-SP/Campinas').waitFor();
    await page.getByRole('button', {name: 'Horário de atendimento de Lisboa'}).waitFor();
    await screenshot(page, 'geo-list-1280');
    await page.setViewportSize({width: 390, height: 844});
    await screenshot(page, 'geo-list-390');
    await page.setViewportSize({width: 1280, height: 900});
  });

  step('lists both in Relatórios', async () => {
    await page.goto('/admin/relatorios');
    await page.locator('option', {hasText: 'Matriz Brasil'}).first().waitFor({state: 'attached'});
    const options = await page.locator('option').evaluateAll((os) => os.map((o) => o.textContent));
    assert.ok(options.some((o) => o.includes('Loja Centro')), options.join(' | '));
    assert.ok(options.some((o) => o.includes('Matriz Brasil')), options.join(' | '));
  });
});
