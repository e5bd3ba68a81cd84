// Login page: e-mail and password; on success goes to ?next= (an /admin path)
// or the links page.
'use strict';

(function (SQ) {
  const h = SQ.h;

  SQ.pages.login = {
    async render(view, route) {
      const session = SQ.api.knownLoggedOut() ? null : await SQ.api.session();
      const next = route.query.get('next') || '';
      const target = /^\/admin(\/|$)/.test(next) && !next.startsWith('/admin/login') ? next : '/admin/links';
      if (session) {
        SQ.navigate(target, true);
        return;
      }
      const other = SQ.i18n.lang() === 'en' ? 'pt-BR' : 'en';
      const email = h('input', {type: 'email', name: 'email', required: true, autocomplete: 'username'});
      const password = h('input', {type: 'password', name: 'password', required: true,
        autocomplete: 'current-password'});
      const submit = h('button', {type: 'submit', class: 'btn primary', text: SQ.t('login.submit')});
      const form = h('form', {class: 'card login-card', novalidate: true},
        h('div', {class: 'login-brand'},
          h('h1', {text: 'Sequencial'}),
          h('p', {class: 'muted', text: SQ.t('login.tagline')})),
        SQ.field(SQ.t('login.email'), email),
        SQ.field(SQ.t('login.password'), password),
        h('div', {class: 'actions'}, submit),
        h('button', {type: 'button', class: 'btn ghost small', id: 'lang-switch', lang: other,
          text: SQ.t('lang.switchTo'), on: {click: () => SQ.switchLanguage(other)}}));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        SQ.clearFormError(form);
        submit.disabled = true;
        try {
          await SQ.api.login(email.value.trim(), password.value);
          SQ.navigate(target, true);
        } catch (err) {
          SQ.showFormError(form, err.code === 'invalid_credentials' ? {...err, field: ''} : err);
        } finally {
          submit.disabled = false;
        }
      });
      view.append(h('div', {class: 'login-wrap'}, form));
      email.focus();
    },
  };
})(window.SQ);
