// Configurações: users (add, change e-mail or password, delete), API tokens
// (create with a name, shown once, revoke), the shop's public name, default
// time zone, public URL, home URL ("/") and first day of the week.
// Saving the general settings sends only the fields the user changed, so a
// value the server got from a flag is never saved by accident; a saved value
// shows the server's own next to it with a "reset to the server's value" button.
'use strict';

(function (SQ) {
  const h = SQ.h;

  function section(title, intro, ...body) {
    return h('section', {class: 'card settings-section'}, h('h2', {text: title}),
      intro ? h('p', {class: 'muted', text: intro}) : null, body);
  }

  async function usersSection() {
    const list = h('div', {});
    const me = SQ.api.user();
    const refresh = async (message) => {
      if (message) SQ.toast(message);
      const data = await SQ.api.get('/users');
      SQ.replace(list, h('table', {class: 'table stack users-table'},
        h('thead', {}, h('tr', {}, h('th', {text: SQ.t('settings.email')}),
          h('th', {text: SQ.t('links.created')}), h('th', {text: ''}))),
        h('tbody', {}, (data.items || []).map((u) => h('tr', {dataset: {email: u.email}},
          h('td', {}, h('span', {text: u.email}),
            me && me.id === u.id ? h('span', {class: 'badge info', text: SQ.t('settings.you')}) : null),
          h('td', {text: SQ.formatDate(u.created_at)}),
          h('td', {class: 'row-actions'},
            h('button', {type: 'button', class: 'btn small', text: SQ.t('settings.changeEmail'),
              on: {click: () => changeEmail(u).then((ok) => { if (ok) refresh(SQ.t('settings.emailChanged')); })}}),
            h('button', {type: 'button', class: 'btn small', text: SQ.t('settings.changePassword'),
              on: {click: () => changePassword(u).then((ok) => { if (ok) SQ.toast(SQ.t('settings.passwordChanged')); })}}),
            me && me.id === u.id ? null : h('button', {type: 'button', class: 'btn small danger', text: SQ.t('common.delete'),
              on: {click: async () => {
                if (!await SQ.confirm(SQ.t('settings.confirmDeleteUser', {email: u.email}), SQ.t('common.delete'))) return;
                try {
                  await SQ.api.del('/users/' + u.id);
                  refresh(SQ.t('settings.userDeleted'));
                } catch (e) { SQ.toast(SQ.errorMessage(e), 'error'); }
              }}})))))));
    };
    const email = h('input', {type: 'email', name: 'email', required: true, autocomplete: 'off'});
    const password = h('input', {type: 'password', name: 'password', required: true, autocomplete: 'new-password',
      minLength: 10});
    const form = h('form', {class: 'form inline-form', id: 'user-form', novalidate: true},
      SQ.field(SQ.t('settings.email'), email),
      SQ.field(SQ.t('settings.password'), password, SQ.t('settings.passwordHint')),
      h('button', {type: 'submit', class: 'btn primary', text: SQ.t('settings.addUser')}));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      SQ.clearFormError(form);
      try {
        await SQ.api.post('/users', {email: email.value.trim(), password: password.value});
        form.reset();
        refresh(SQ.t('settings.userAdded'));
      } catch (err) { SQ.showFormError(form, err); }
    });
    await refresh();
    return section(SQ.t('settings.users'), SQ.t('settings.usersIntro'), list, form);
  }

  function changeEmail(user) {
    return SQ.modal(SQ.t('settings.changeEmailOf', {email: user.email}), (done) => {
      const email = h('input', {type: 'email', name: 'email', required: true, autocomplete: 'off', value: user.email});
      const form = h('form', {class: 'form', novalidate: true},
        SQ.field(SQ.t('settings.newEmail'), email),
        h('div', {class: 'actions'},
          h('button', {type: 'button', class: 'btn', text: SQ.t('common.cancel'), on: {click: () => done(false)}}),
          h('button', {type: 'submit', class: 'btn primary', text: SQ.t('common.save')})));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        SQ.clearFormError(form);
        try {
          await SQ.api.patch('/users/' + user.id, {email: email.value.trim()});
          done(true);
        } catch (err) { SQ.showFormError(form, err); }
      });
      return form;
    });
  }

  async function changePassword(user) {
    // Your own password needs the current one (the server asks for it).
    const me = await SQ.api.session();
    const own = Boolean(me && me.user && me.user.id === user.id);
    return SQ.modal(SQ.t('settings.changePasswordOf', {email: user.email}), (done) => {
      const password = h('input', {type: 'password', name: 'password', required: true, autocomplete: 'new-password'});
      const current = h('input', {type: 'password', name: 'current_password', required: true, autocomplete: 'current-password'});
      const form = h('form', {class: 'form', novalidate: true},
        own ? SQ.field(SQ.t('settings.currentPassword'), current) : null,
        SQ.field(SQ.t('settings.newPassword'), password, SQ.t('settings.passwordHint')),
        h('div', {class: 'actions'},
          h('button', {type: 'button', class: 'btn', text: SQ.t('common.cancel'), on: {click: () => done(false)}}),
          h('button', {type: 'submit', class: 'btn primary', text: SQ.t('common.save')})));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        SQ.clearFormError(form);
        try {
          const body = {password: password.value};
          if (own) body.current_password = current.value;
          await SQ.api.patch('/users/' + user.id, body);
          done(true);
        } catch (err) { SQ.showFormError(form, err); }
      });
      return form;
    });
  }

  async function tokensSection() {
    const list = h('div', {});
    const shown = h('div', {class: 'token-once', hidden: true, role: 'status'});
    const refresh = async (message) => {
      if (message) SQ.toast(message);
      const data = await SQ.api.get('/tokens');
      const items = data.items || [];
      SQ.replace(list, items.length ? h('table', {class: 'table stack tokens-table'},
        h('thead', {}, h('tr', {}, h('th', {text: SQ.t('settings.tokenName')}),
          h('th', {text: SQ.t('links.created')}), h('th', {text: ''}))),
        h('tbody', {}, items.map((tk) => h('tr', {dataset: {id: String(tk.id)}},
          h('td', {text: tk.name}),
          h('td', {text: SQ.formatDate(tk.created_at)}),
          h('td', {class: 'row-actions'},
            h('button', {type: 'button', class: 'btn small danger', text: SQ.t('settings.revoke'),
              on: {click: async () => {
                if (!await SQ.confirm(SQ.t('settings.confirmRevoke', {name: tk.name}), SQ.t('settings.revoke'))) return;
                try {
                  await SQ.api.del('/tokens/' + tk.id);
                  refresh(SQ.t('settings.revoked'));
                } catch (e) { SQ.toast(SQ.errorMessage(e), 'error'); }
              }}}))))))
        : h('p', {class: 'muted', text: SQ.t('settings.noTokens')}));
    };
    const name = h('input', {name: 'name', required: true, maxLength: 100, placeholder: SQ.t('settings.tokenPlaceholder')});
    const form = h('form', {class: 'form inline-form', id: 'token-form', novalidate: true},
      SQ.field(SQ.t('settings.tokenName'), name),
      h('button', {type: 'submit', class: 'btn primary', text: SQ.t('settings.createToken')}));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      SQ.clearFormError(form);
      try {
        const created = await SQ.api.post('/tokens', {name: name.value.trim()});
        form.reset();
        const value = h('code', {class: 'token-value', text: created.token});
        SQ.replace(shown,
          h('p', {class: 'strong', text: SQ.t('settings.tokenShownOnce', {name: created.name})}),
          value,
          h('button', {type: 'button', class: 'btn small', text: SQ.t('settings.copy'),
            on: {click: async () => {
              try {
                await navigator.clipboard.writeText(created.token);
                SQ.toast(SQ.t('settings.copied'));
              } catch (err) {
                getSelection().selectAllChildren(value);
              }
            }}}));
        shown.hidden = false;
        refresh(SQ.t('settings.tokenCreated'));
      } catch (err) { SQ.showFormError(form, err); }
    });
    await refresh();
    return section(SQ.t('settings.tokens'), SQ.t('settings.tokensIntro'), shown, list, form);
  }

  // Under a field whose saved value is in effect: the server's own value,
  // where it came from, and the button that forgets the saved value.
  function serverNote(key, info, onReset) {
    if (!info || !info.saved) return null;
    return h('div', {class: 'setting-override' + (info.overridden ? ' warning' : ''), dataset: {key}},
      h('small', {text: SQ.t('settings.savedOverrides', {value: info.value,
        source: SQ.t('settings.source.' + info.source)})}),
      h('button', {type: 'button', class: 'btn small', text: SQ.t('settings.resetToServer'),
        on: {click: async () => {
          try {
            await SQ.api.del('/settings/' + key);
            onReset();
          } catch (e) { SQ.toast(SQ.errorMessage(e), 'error'); }
        }}}));
  }

  async function generalSection() {
    const body = h('div', {});
    const render = async (message) => {
      if (message) SQ.toast(message);
      const settings = await SQ.api.get('/settings');
      const server = settings.server || {};
      const zone = SQ.zoneSelect('default_tz', settings.default_tz);
      const url = h('input', {type: 'url', name: 'public_url', required: true, value: settings.public_url || '',
        placeholder: 'https://zap.minhaloja.com.br'});
      const shop = h('input', {name: 'shop_name', maxLength: 100, value: settings.shop_name || '',
        placeholder: SQ.t('settings.shopNamePlaceholder')});
      const home = h('input', {type: 'url', name: 'home_url', value: settings.home_url || '',
        placeholder: 'https://www.minhaloja.com.br'});
      const week = h('select', {name: 'week_start'},
        ['mon', 'sun'].map((d) => h('option', {value: d, selected: (settings.week_start || 'mon') === d,
          text: SQ.t('day.long.' + d)})));
      const reset = () => render(SQ.t('settings.resetDone'));
      const form = h('form', {class: 'form', id: 'general-form', novalidate: true},
        SQ.field(SQ.t('settings.shopName'), shop, SQ.t('settings.shopNameHint')),
        SQ.field(SQ.t('settings.defaultTz'), zone, SQ.t('settings.defaultTzHint')),
        serverNote('default_tz', server.default_tz, reset),
        SQ.field(SQ.t('settings.publicUrl'), url, SQ.t('settings.publicUrlHint')),
        serverNote('public_url', server.public_url, reset),
        SQ.field(SQ.t('settings.homeUrl'), home, SQ.t('settings.homeUrlHint')),
        SQ.field(SQ.t('settings.weekStart'), week, SQ.t('settings.weekStartHint')),
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn primary', text: SQ.t('common.save')})));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        SQ.clearFormError(form);
        // Only what the user changed: an untouched field keeps the server's value.
        const changes = {};
        if (zone.value !== settings.default_tz) changes.default_tz = zone.value;
        if (url.value.trim() !== (settings.public_url || '')) changes.public_url = url.value.trim();
        if (shop.value.trim() !== (settings.shop_name || '')) changes.shop_name = shop.value.trim();
        if (home.value.trim() !== (settings.home_url || '')) changes.home_url = home.value.trim();
        if (week.value !== (settings.week_start || 'mon')) changes.week_start = week.value;
        if (Object.keys(changes).length === 0) {
          SQ.toast(SQ.t('settings.nothingChanged'));
          return;
        }
        try {
          const saved = await SQ.api.patch('/settings', changes);
          SQ.applyProfile(saved);
          render(SQ.t('settings.saved'));
        } catch (err) { SQ.showFormError(form, err); }
      });
      SQ.replace(body, form);
    };
    await render();
    return section(SQ.t('settings.general'), null, body);
  }

  SQ.pages.settings = {
    async render(view) {
      const sections = await Promise.all([generalSection(), usersSection(), tokensSection()]);
      view.append(h('div', {class: 'page-head'}, h('h1', {text: SQ.t('page.settings')})), ...sections);
    },
  };
})(window.SQ);
