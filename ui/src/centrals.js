// Organizar > Sequencial: the centrals (one published anchor link rotating
// over the attendants' links). List with each member's hours (clock button),
// the "Novo" wizard (Link Âncora -> Avançar -> Links de Sequência with
// Adicionar, atendimento fixo, when nobody is available -> Finalizar),
// edit and delete.
'use strict';

(function (SQ) {
  const h = SQ.h;
  const WHEN_CLOSED = ['anchor', 'page', 'ignore_hours'];

  async function defaultTz() {
    try {
      const s = await SQ.api.get('/settings');
      return s.default_tz || 'America/Sao_Paulo';
    } catch (e) {
      return 'America/Sao_Paulo';
    }
  }

  function linkOption(link, selected) {
    return h('option', {value: link.slug, selected,
      text: link.label ? link.label + ' (/' + link.slug + ')' : '/' + link.slug});
  }

  function breadcrumb(...parts) {
    return h('nav', {class: 'breadcrumb', 'aria-label': 'breadcrumb'},
      h('span', {text: SQ.t('nav.organize')}), h('span', {class: 'sep', text: '›'}),
      parts.length ? h('a', {href: '/admin/sequencial', dataset: {nav: ''}, text: SQ.t('nav.sequencial')})
        : h('span', {text: SQ.t('nav.sequencial')}),
      parts.map((p) => [h('span', {class: 'sep', text: '›'}), h('span', {text: p})]));
  }

  function memberItem(central, member, index, bySlug, tz, refresh) {
    const link = bySlug.get(member.link);
    const name = SQ.linkName(link) || member.link;
    const state = member.open_now === undefined ? null
      : h('span', {class: 'badge ' + (member.open_now ? 'ok' : 'muted'),
        text: member.open_now ? SQ.t('centrals.openNow') : SQ.t('centrals.closedNow')});
    return h('li', {class: 'member', dataset: {slug: member.link}},
      h('button', {type: 'button', class: 'clock-btn' + (member.hours ? ' set' : ''),
        title: SQ.t('centrals.hoursOf', {name}), 'aria-label': SQ.t('centrals.hoursOf', {name}),
        on: {click: async () => {
          if (await SQ.editHours(central, member, link, tz)) refresh(SQ.t('hours.saved'));
        }}},
      h('span', {class: 'clock-icon', 'aria-hidden': 'true'})),
      h('span', {class: 'pos', text: String(index + 1)}),
      h('div', {class: 'member-main'},
        h('div', {},
          h('span', {class: 'strong member-name', text: name}),
          h('span', {class: 'muted small', text: ' /' + member.link}),
          member.weight > 1 ? h('span', {class: 'badge info', text: SQ.t('centrals.weightBadge', {n: member.weight})}) : null,
          link && !link.active ? h('span', {class: 'badge muted', text: SQ.t('links.paused')}) : null),
        h('div', {class: 'muted small hours-summary', text: SQ.hoursSummary(member.hours)})),
      state);
  }

  function centralCard(central, bySlug, tz, refresh) {
    const anchor = bySlug.get(central.anchor);
    const url = SQ.safeUrl(central.url);
    return h('article', {class: 'card central', dataset: {anchor: central.anchor}},
      h('div', {class: 'central-head'},
        h('div', {},
          h('h2', {text: SQ.linkName(anchor) || central.anchor}),
          h('div', {class: 'muted small url'},
            url ? h('a', {href: url, target: '_blank', rel: 'noopener noreferrer', text: url}) : central.anchor),
          url ? h('div', {class: 'actions share'}, SQ.shareButtons(url, SQ.profile.shop_name, true)) : null),
        h('div', {class: 'badges'},
          h('span', {class: 'badge ' + (central.fixed ? 'ok' : 'muted'),
            text: central.fixed ? SQ.t('centrals.fixedOn') : SQ.t('centrals.fixedOff')}),
          h('span', {class: 'badge info', text: SQ.t('centrals.whenClosedShort.' + central.when_closed)}))),
      h('h3', {class: 'small-title', text: SQ.t('centrals.members')}),
      h('ol', {class: 'members'}, central.members.map((m, i) => memberItem(central, m, i, bySlug, tz, refresh))),
      h('div', {class: 'actions'},
        h('a', {class: 'btn', href: '/admin/sequencial/' + central.id, dataset: {nav: ''}, text: SQ.t('common.edit')}),
        h('a', {class: 'btn', href: '/admin/relatorios?central=' + central.id, dataset: {nav: ''}, text: SQ.t('nav.reports')}),
        h('button', {type: 'button', class: 'btn danger', text: SQ.t('common.delete'),
          on: {click: async () => {
            if (!await SQ.confirm(SQ.t('centrals.confirmDelete', {name: SQ.linkName(anchor) || central.anchor}),
              SQ.t('common.delete'))) return;
            try {
              await SQ.api.del('/centrals/' + central.id);
              refresh(SQ.t('centrals.deleted'));
            } catch (e) { SQ.toast(SQ.errorMessage(e), 'error'); }
          }}})));
  }

  SQ.pages.centrals = {
    async render(view) {
      const list = h('div', {class: 'centrals'});
      const tzPromise = defaultTz();
      const refresh = async (message) => {
        if (message) SQ.toast(message);
        const [links, centrals, tz] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals'), tzPromise]);
        const bySlug = new Map(links.map((l) => [l.slug, l]));
        const items = (centrals.items || []).filter((c) => !c.mode || c.mode === 'sequencial');
        SQ.replace(list, items.length ? items.map((c) => centralCard(c, bySlug, tz, refresh))
          : h('div', {class: 'empty', text: SQ.t('centrals.empty')}));
      };
      view.append(breadcrumb(),
        h('div', {class: 'page-head'},
          h('h1', {text: SQ.t('page.centrals')}),
          h('a', {class: 'btn primary', id: 'new-central', href: '/admin/sequencial/novo', dataset: {nav: ''},
            text: SQ.t('centrals.new')})),
        h('p', {class: 'muted intro', text: SQ.t('centrals.intro')}),
        list);
      await refresh();
    },
  };

  // Step 2 (and the edit form): members, atendimento fixo, when closed.
  function membersStep(links, anchorSlug, central, onSubmit, submitLabel, onBack) {
    const choices = links.filter((l) => l.slug !== anchorSlug);
    const rows = h('div', {class: 'member-rows'});
    const empty = h('p', {class: 'muted', text: SQ.t('wizard.noMembers')});
    const sync = () => {
      empty.hidden = rows.children.length > 0;
      Array.from(rows.children).forEach((r, i) => { r.querySelector('.pos').textContent = String(i + 1); });
    };
    const addRow = (member, focus) => {
      const select = h('select', {name: 'members', class: 'member-select', 'aria-label': SQ.t('wizard.memberLink'),
        required: true},
      h('option', {value: '', text: SQ.t('wizard.pickLink')}),
      choices.map((l) => linkOption(l, member ? member.link === l.slug : false)));
      const weight = h('input', {type: 'number', class: 'weight', name: 'weight', min: 1, max: 100, step: 1,
        placeholder: '1', value: member && member.weight > 1 ? String(member.weight) : '',
        'aria-label': SQ.t('wizard.weight')});
      const row = h('div', {class: 'member-row'},
        h('span', {class: 'pos'}), select,
        h('label', {class: 'weight-label'}, h('span', {class: 'muted small', text: SQ.t('wizard.weight')}), weight),
        h('button', {type: 'button', class: 'icon-btn', 'aria-label': SQ.t('wizard.removeMember'), text: '×',
          on: {click: () => { row.remove(); sync(); }}}));
      row.read = () => {
        const w = parseInt(weight.value, 10);
        return w > 1 ? {link: select.value, weight: w} : {link: select.value};
      };
      row.select = select;
      rows.appendChild(row);
      sync();
      if (focus) select.focus();
    };
    (central ? central.members : []).forEach((m) => addRow(m, false));
    sync();

    const fixed = h('input', {type: 'checkbox', role: 'switch', name: 'fixed', id: 'fixed',
      checked: central ? central.fixed : false});
    const whenClosed = central ? central.when_closed : 'anchor';
    const radios = WHEN_CLOSED.map((value) => h('label', {class: 'radio'},
      h('input', {type: 'radio', name: 'when_closed', value, checked: value === whenClosed}),
      h('span', {}, h('span', {class: 'strong', text: SQ.t('centrals.whenClosed.' + value)}),
        h('small', {class: 'hint block', text: SQ.t('centrals.whenClosedHint.' + value)}))));

    const submit = h('button', {type: 'submit', class: 'btn primary', id: 'finish', text: submitLabel});
    const form = h('form', {class: 'form wizard-step', novalidate: true},
      h('h2', {text: SQ.t('wizard.membersTitle')}),
      h('p', {class: 'muted', text: SQ.t('wizard.membersIntro')}),
      rows, empty,
      h('button', {type: 'button', class: 'btn', id: 'add-member', text: SQ.t('wizard.add'),
        on: {click: () => addRow(null, true)}}),
      h('div', {class: 'switch-row'},
        h('label', {class: 'switch', htmlFor: 'fixed'}, fixed, h('span', {class: 'slider', 'aria-hidden': 'true'}),
          h('span', {class: 'strong', text: SQ.t('wizard.fixed')})),
        h('p', {class: 'hint', text: SQ.t('wizard.fixedHint')})),
      h('fieldset', {class: 'radios'}, h('legend', {class: 'field-label', text: SQ.t('wizard.whenClosed')}), radios),
      h('div', {class: 'actions split'},
        onBack ? h('button', {type: 'button', class: 'btn', text: SQ.t('wizard.back'), on: {click: onBack}})
          : h('a', {class: 'btn', href: '/admin/sequencial', dataset: {nav: ''}, text: SQ.t('common.cancel')}),
        submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      SQ.clearFormError(form);
      const members = Array.from(rows.children).map((r) => r.read());
      const missing = Array.from(rows.children).find((r) => !r.select.value);
      if (!members.length || missing) {
        SQ.showFormError(form, {code: 'required', field: '', message: ''});
        form.querySelector('.form-error').textContent = SQ.t('wizard.needMembers');
        if (missing) missing.select.focus();
        return;
      }
      const checked = form.querySelector('input[name="when_closed"]:checked');
      submit.disabled = true;
      try {
        await onSubmit({members, fixed: fixed.checked, when_closed: checked ? checked.value : 'anchor'});
      } catch (err) {
        SQ.showFormError(form, err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  function steps(current) {
    return h('ol', {class: 'steps'},
      h('li', {class: current === 1 ? 'current' : 'done', text: SQ.t('wizard.step1')}),
      h('li', {class: current === 2 ? 'current' : '', text: SQ.t('wizard.step2')}));
  }

  SQ.pages.centralNew = {
    async render(view) {
      const [links, centrals] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals')]);
      const anchors = new Set((centrals.items || []).map((c) => c.anchor));
      const card = h('div', {class: 'card wizard'});
      view.append(breadcrumb(SQ.t('centrals.new')), h('h1', {text: SQ.t('wizard.title')}), card);
      let anchorSlug = '';

      const stepOne = () => {
        const candidates = links.filter((l) => !anchors.has(l.slug));
        const select = h('select', {name: 'anchor', id: 'anchor', required: true},
          h('option', {value: '', text: SQ.t('wizard.pickLink')}),
          candidates.map((l) => linkOption(l, l.slug === anchorSlug)));
        const form = h('form', {class: 'form wizard-step', novalidate: true},
          h('h2', {text: SQ.t('wizard.anchorTitle')}),
          h('p', {class: 'muted', text: SQ.t('wizard.anchorIntro')}),
          SQ.field(SQ.t('wizard.anchor'), select),
          links.length < 2 ? h('p', {class: 'notice'}, SQ.t('wizard.needLinks') + ' ',
            h('a', {href: '/admin/links', dataset: {nav: ''}, text: SQ.t('nav.links')})) : null,
          h('div', {class: 'actions split'},
            h('a', {class: 'btn', href: '/admin/sequencial', dataset: {nav: ''}, text: SQ.t('common.cancel')}),
            h('button', {type: 'submit', class: 'btn primary', id: 'next', text: SQ.t('wizard.next')})));
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          SQ.clearFormError(form);
          if (!select.value) {
            SQ.showFormError(form, {code: 'required', field: 'anchor', message: ''});
            return;
          }
          anchorSlug = select.value;
          stepTwo();
        });
        SQ.replace(card, steps(1), form);
        select.focus();
      };

      const stepTwo = () => {
        const anchor = links.find((l) => l.slug === anchorSlug);
        const form = membersStep(links, anchorSlug, null, async (input) => {
          await SQ.api.post('/centrals', {anchor: anchorSlug, ...input});
          SQ.toast(SQ.t('wizard.created'));
          SQ.navigate('/admin/sequencial');
        }, SQ.t('wizard.finish'), stepOne);
        SQ.replace(card, steps(2),
          h('p', {class: 'anchor-chosen'}, h('span', {class: 'muted', text: SQ.t('wizard.anchor') + ': '}),
            h('span', {class: 'strong', text: SQ.linkName(anchor)}), h('span', {class: 'muted', text: ' /' + anchorSlug})),
          form);
      };
      stepOne();
    },
  };

  SQ.pages.centralEdit = {
    async render(view, route) {
      const [links, central] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals/' + route.params.id)]);
      const anchor = links.find((l) => l.slug === central.anchor);
      const form = membersStep(links, central.anchor, central, async (input) => {
        await SQ.api.patch('/centrals/' + central.id, input);
        SQ.toast(SQ.t('centrals.saved'));
        SQ.navigate('/admin/sequencial');
      }, SQ.t('common.save'), null);
      view.append(breadcrumb(SQ.linkName(anchor) || central.anchor),
        h('h1', {text: SQ.t('centrals.editTitle', {name: SQ.linkName(anchor) || central.anchor})}),
        h('div', {class: 'card wizard'},
          h('p', {class: 'anchor-chosen'}, h('span', {class: 'muted', text: SQ.t('wizard.anchor') + ': '}),
            h('span', {class: 'strong', text: SQ.linkName(anchor) || central.anchor}),
            h('span', {class: 'muted', text: ' /' + central.anchor})),
          form));
    },
  };
})(window.SQ);
