// The admin single-page app: session check, top bar (navigation, language,
// logout) and a small router on location.pathname under /admin.
'use strict';

(function (SQ) {
  const h = SQ.h;
  SQ.pages = SQ.pages || {};

  // path pattern -> page name; :id captures a number.
  const ROUTES = [
    ['/admin/login', 'login'],
    ['/admin/links', 'links'],
    ['/admin/sequencial', 'centrals'],
    ['/admin/sequencial/novo', 'centralNew'],
    ['/admin/sequencial/:id', 'centralEdit'],
    ['/admin/seletivo', 'seletivo'],
    ['/admin/seletivo/novo', 'seletivoNew'],
    ['/admin/seletivo/:id', 'seletivoEdit'],
    ['/admin/geolocalizado', 'geo'],
    ['/admin/geolocalizado/novo', 'geoNew'],
    ['/admin/geolocalizado/:id', 'geoEdit'],
    ['/admin/relatorios', 'reports'],
    ['/admin/configuracoes', 'settings'],
  ];

  function match(pathname) {
    const path = pathname.replace(/\/+$/, '') || '/admin';
    if (path === '/admin') return {page: 'links', params: {}};
    for (const [pattern, page] of ROUTES) {
      const want = pattern.split('/');
      const got = path.split('/');
      if (want.length !== got.length) continue;
      const params = {};
      let ok = true;
      want.forEach((part, i) => {
        if (part === ':id') {
          if (/^\d+$/.test(got[i])) params.id = Number(got[i]); else ok = false;
        } else if (part !== got[i]) {
          ok = false;
        }
      });
      if (ok) return {page, params};
    }
    return {page: 'notFound', params: {}};
  }

  let renderSeq = 0;
  let profileLoaded = false;  // the shop's name and week start (Configurações)

  async function render() {
    const seq = ++renderSeq;
    const route = match(location.pathname);
    route.query = new URLSearchParams(location.search);
    if (route.page !== 'login' && !SQ.api.user()) {
      const session = await SQ.api.session();
      if (seq !== renderSeq) return;
      if (!session) {
        SQ.navigate('/admin/login?next=' + encodeURIComponent(location.pathname + location.search), true);
        return;
      }
    }
    if (route.page !== 'login' && !profileLoaded) {
      profileLoaded = true;
      try {
        SQ.applyProfile(await SQ.api.get('/settings'));
      } catch (e) { /* the defaults stay: Monday first, no shop name */ }
      if (seq !== renderSeq) return;
    }
    renderChrome(route.page);
    const view = document.getElementById('view');
    SQ.clear(view);
    if (SQ.charts) SQ.charts.destroyAll();
    const page = SQ.pages[route.page] || SQ.pages.notFound;
    try {
      await page.render(view, route);
    } catch (e) {
      if (seq !== renderSeq) return;
      if (e instanceof SQ.ApiError && e.status === 401) return;  // already sent to login
      console.error(e);
      SQ.replace(view, h('div', {class: 'empty error', role: 'alert', text: SQ.errorMessage(e)}));
    }
  }

  SQ.navigate = function navigate(url, replace) {
    if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
    return render();
  };
  SQ.refresh = render;

  SQ.onUnauthorized = function onUnauthorized() {
    if (match(location.pathname).page === 'login') return;
    SQ.navigate('/admin/login?next=' + encodeURIComponent(location.pathname + location.search), true);
  };

  function navLink(href, label, active) {
    return h('a', {href, class: active ? 'active' : '', 'aria-current': active ? 'page' : null,
      dataset: {nav: ''}, text: label});
  }

  function renderChrome(page) {
    const bar = document.getElementById('topbar');
    const loggedIn = page !== 'login';
    bar.hidden = !loggedIn;
    document.title = 'Sequencial — ' + SQ.t('page.' + (SQ.t.has('page.' + page) ? page : 'links'));
    if (!loggedIn) return;
    const inCentrals = page === 'centrals' || page === 'centralNew' || page === 'centralEdit';
    const inSeletivo = page.startsWith('seletivo');
    const inGeo = page.startsWith('geo');
    const organize = h('details', {class: 'menu' + (inCentrals || inSeletivo || inGeo ? ' active' : '')},
      h('summary', {text: SQ.t('nav.organize')}),
      h('div', {class: 'menu-items'}, navLink('/admin/sequencial', SQ.t('nav.sequencial'), inCentrals),
        navLink('/admin/seletivo', SQ.t('seletivo.nav'), inSeletivo),
        navLink('/admin/geolocalizado', SQ.t('geo.nav'), inGeo)));
    SQ.replace(document.getElementById('mainnav'),
      navLink('/admin/links', SQ.t('nav.links'), page === 'links'),
      organize,
      navLink('/admin/relatorios', SQ.t('nav.reports'), page === 'reports'),
      navLink('/admin/configuracoes', SQ.t('nav.settings'), page === 'settings'));
    const user = SQ.api.user();
    const other = SQ.i18n.lang() === 'en' ? 'pt-BR' : 'en';
    SQ.replace(document.getElementById('session'),
      h('span', {class: 'who', text: user ? user.email : ''}),
      h('button', {type: 'button', class: 'btn ghost', id: 'lang-switch', lang: other,
        text: SQ.t('lang.switchTo'), on: {click: () => switchLanguage(other)}}),
      h('button', {type: 'button', class: 'btn ghost', id: 'logout', text: SQ.t('nav.logout'),
        on: {click: logout}}));
  }

  SQ.switchLanguage = switchLanguage;
  function switchLanguage(lang) {
    SQ.i18n.set(lang);
    render();
  }

  async function logout() {
    try {
      await SQ.api.logout();
    } catch (e) {
      SQ.toast(SQ.errorMessage(e), 'error');
    }
    SQ.navigate('/admin/login', true);
  }

  SQ.pages.notFound = {
    render(view) {
      view.append(h('h1', {text: SQ.t('page.notFound')}),
        h('p', {}, h('a', {href: '/admin/links', dataset: {nav: ''}, text: SQ.t('nav.links')})));
    },
  };

  // In-app links: <a data-nav href="/admin/..."> navigate without a reload.
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-nav]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    const menu = a.closest('details.menu');
    if (menu) menu.open = false;
    SQ.navigate(a.getAttribute('href'));
  });
  // Close the Organizar menu when clicking elsewhere.
  document.addEventListener('click', (e) => {
    document.querySelectorAll('details.menu[open]').forEach((d) => {
      if (!d.contains(e.target)) d.open = false;
    });
  });
  window.addEventListener('popstate', render);
  render();
})(window.SQ);
