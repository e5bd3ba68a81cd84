// Language of the admin UI: pt-BR by default, English on request. The choice
// is remembered in localStorage; a first visit follows the browser's
// preferred languages (navigator.languages, i.e. Accept-Language).
// SQ.t(key, {name: value}) looks a text up in the catalogue of the current
// language (i18n.pt-BR.js, i18n.en.js); a missing key is a bug and is logged.
'use strict';

window.SQ = window.SQ || {};

(function (SQ) {
  const STORAGE_KEY = 'sequencial.lang';
  const catalogues = window.SQ_MESSAGES || {};
  const SUPPORTED = ['pt-BR', 'en'];

  function fromBrowser() {
    const wanted = navigator.languages && navigator.languages.length
      ? navigator.languages : [navigator.language || ''];
    for (const tag of wanted) {
      const lower = String(tag).toLowerCase();
      if (lower.startsWith('pt')) return 'pt-BR';
      if (lower.startsWith('en')) return 'en';
    }
    return 'pt-BR';
  }

  function initial() {
    let stored = null;
    try {
      stored = localStorage.getItem(STORAGE_KEY);
    } catch (e) { /* storage disabled: follow the browser */ }
    return SUPPORTED.includes(stored) ? stored : fromBrowser();
  }

  let lang = initial();

  function lookup(key) {
    const table = catalogues[lang] || {};
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  }

  SQ.t = function t(key, vars) {
    let text = lookup(key);
    if (text === undefined) {
      console.error('i18n: missing text "' + key + '" for ' + lang);
      text = key;
    }
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, (m, name) =>
        Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m);
    }
    return text;
  };
  SQ.t.has = (key) => lookup(key) !== undefined;

  SQ.i18n = {
    supported: SUPPORTED,
    lang: () => lang,
    // BCP 47 tag for Intl formatters.
    locale: () => (lang === 'en' ? 'en-US' : 'pt-BR'),
    set(next) {
      if (!SUPPORTED.includes(next)) return;
      lang = next;
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch (e) { /* not remembered, still switched */ }
      document.documentElement.lang = next;
    },
  };
  document.documentElement.lang = lang;
})(window.SQ);
