// Organizar > Seletivo: centrals whose anchor shows a chooser page ("Com
// quem você quer falar?") with one entry per member open now. Same shape as
// Sequencial: list with each member's hours (clock button), the "Novo"
// wizard (Link Âncora -> Avançar -> entries with their title, description
// and photo, title of the page, random order, when nobody is available ->
// Finalizar), edit, delete, reports.
//
// SQ.modeCentrals(config) builds the three pages of a mode; geo.js uses it
// for Geolocalizado with its own member fields.
'use strict';

(function (SQ) {
  const h = SQ.h;

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

  // An API error naming members[i]... goes next to row i; others as usual.
  function showError(form, rows, err) {
    const m = err && err.field ? /^members\[(\d+)\](?:\.(\w+))?/.exec(String(err.field)) : null;
    const row = m ? rows.children[Number(m[1])] : null;
    if (!row) {
      SQ.showFormError(form, err);
      return;
    }
    SQ.clearFormError(form);
    const input = (m[2] && row.querySelector('[data-field="' + m[2] + '"]')) || row.querySelector('select');
    input.setAttribute('aria-invalid', 'true');
    row.appendChild(h('small', {class: 'field-error', text: SQ.errorMessage(err) +
      (err.message ? ' (' + err.message + ')' : '')}));
    input.focus();
  }

  SQ.modeCentrals = function modeCentrals(config) {
    const {mode, base, prefix, pages} = config;
    const t = (key, values) => SQ.t(prefix + key, values);

    function breadcrumb(...parts) {
      return h('nav', {class: 'breadcrumb', 'aria-label': 'breadcrumb'},
        h('span', {text: SQ.t('nav.organize')}), h('span', {class: 'sep', text: '›'}),
        parts.length ? h('a', {href: base, dataset: {nav: ''}, text: t('nav')}) : h('span', {text: t('nav')}),
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
            h('span', {class: 'strong member-name', text: config.memberTitle(member, name)}),
            h('span', {class: 'muted small', text: ' /' + member.link}),
            link && !link.active ? h('span', {class: 'badge muted', text: SQ.t('links.paused')}) : null),
          h('div', {class: 'muted small member-detail', text: config.memberDetail(member)}),
          h('div', {class: 'muted small hours-summary', text: SQ.hoursSummary(member.hours)})),
        state);
    }

    function centralCard(central, bySlug, tz, refresh) {
      const anchor = bySlug.get(central.anchor);
      const url = SQ.safeUrl(central.url);
      return h('article', {class: 'card central', dataset: {anchor: central.anchor, mode}},
        h('div', {class: 'central-head'},
          h('div', {},
            h('h2', {text: SQ.linkName(anchor) || central.anchor}),
            h('div', {class: 'muted small'},
              url ? h('a', {href: url, target: '_blank', rel: 'noopener noreferrer', text: url}) : central.anchor)),
          h('div', {class: 'badges'}, config.badges(central).map((text) => h('span', {class: 'badge info', text})))),
        h('h3', {class: 'small-title', text: t('members')}),
        h('ol', {class: 'members'}, central.members.map((m, i) => memberItem(central, m, i, bySlug, tz, refresh))),
        h('div', {class: 'actions'},
          h('a', {class: 'btn', href: base + '/' + central.id, dataset: {nav: ''}, text: SQ.t('common.edit')}),
          h('a', {class: 'btn', href: '/admin/relatorios?central=' + central.id, dataset: {nav: ''},
            text: SQ.t('nav.reports')}),
          h('button', {type: 'button', class: 'btn danger', text: SQ.t('common.delete'),
            on: {click: async () => {
              if (!await SQ.confirm(t('confirmDelete', {name: SQ.linkName(anchor) || central.anchor}),
                SQ.t('common.delete'))) return;
              try {
                await SQ.api.del('/centrals/' + central.id);
                refresh(t('deleted'));
              } catch (e) { SQ.toast(SQ.errorMessage(e), 'error'); }
            }}})));
    }

    SQ.pages[pages.list] = {
      async render(view) {
        const list = h('div', {class: 'centrals'});
        const tzPromise = defaultTz();
        const refresh = async (message) => {
          if (message) SQ.toast(message);
          const [links, centrals, tz] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals'), tzPromise]);
          const bySlug = new Map(links.map((l) => [l.slug, l]));
          const items = (centrals.items || []).filter((c) => c.mode === mode);
          SQ.replace(list, items.length ? items.map((c) => centralCard(c, bySlug, tz, refresh))
            : h('div', {class: 'empty', text: t('empty')}));
        };
        view.append(breadcrumb(),
          h('div', {class: 'page-head'},
            h('h1', {text: t('nav')}),
            h('a', {class: 'btn primary', id: 'new-' + mode, href: base + '/novo', dataset: {nav: ''},
              text: SQ.t('centrals.new')})),
          h('p', {class: 'muted intro', text: t('intro')}),
          list);
        await refresh();
      },
    };

    // Step 2 (and the edit form): members with the mode's fields, options.
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
        const extra = config.memberFields(member || {});
        const row = h('div', {class: 'member-row mode-row'},
          h('span', {class: 'pos'}), select,
          h('button', {type: 'button', class: 'icon-btn', 'aria-label': SQ.t('wizard.removeMember'), text: '×',
            on: {click: () => { row.remove(); sync(); }}}),
          h('div', {class: 'mode-fields'}, extra.nodes));
        row.read = () => ({link: select.value, ...extra.read()});
        row.select = select;
        rows.appendChild(row);
        sync();
        if (focus) select.focus();
      };
      (central ? central.members : []).forEach((m) => addRow(m, false));
      sync();
      const options = config.options(central);

      const submit = h('button', {type: 'submit', class: 'btn primary', id: 'finish', text: submitLabel});
      const form = h('form', {class: 'form wizard-step', novalidate: true},
        h('h2', {text: t('membersTitle')}),
        h('p', {class: 'muted', text: t('membersIntro')}),
        rows, empty,
        h('button', {type: 'button', class: 'btn', id: 'add-member', text: SQ.t('wizard.add'),
          on: {click: () => addRow(null, true)}}),
        options.nodes,
        h('div', {class: 'actions split'},
          onBack ? h('button', {type: 'button', class: 'btn', text: SQ.t('wizard.back'), on: {click: onBack}})
            : h('a', {class: 'btn', href: base, dataset: {nav: ''}, text: SQ.t('common.cancel')}),
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
        submit.disabled = true;
        try {
          await onSubmit({mode, members, ...options.read()});
        } catch (err) {
          showError(form, rows, err);
        } finally {
          submit.disabled = false;
        }
      });
      return form;
    }

    function steps(current) {
      return h('ol', {class: 'steps'},
        h('li', {class: current === 1 ? 'current' : 'done', text: SQ.t('wizard.step1')}),
        h('li', {class: current === 2 ? 'current' : '', text: t('members')}));
    }

    SQ.pages[pages.create] = {
      async render(view) {
        const [links, centrals] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals')]);
        const anchors = new Set((centrals.items || []).map((c) => c.anchor));
        const card = h('div', {class: 'card wizard'});
        view.append(breadcrumb(SQ.t('centrals.new')), h('h1', {text: t('wizardTitle')}), card);
        let anchorSlug = '';

        const stepOne = () => {
          const candidates = links.filter((l) => !anchors.has(l.slug));
          const select = h('select', {name: 'anchor', id: 'anchor', required: true},
            h('option', {value: '', text: SQ.t('wizard.pickLink')}),
            candidates.map((l) => linkOption(l, l.slug === anchorSlug)));
          const form = h('form', {class: 'form wizard-step', novalidate: true},
            h('h2', {text: SQ.t('wizard.anchorTitle')}),
            h('p', {class: 'muted', text: t('anchorIntro')}),
            SQ.field(SQ.t('wizard.anchor'), select),
            links.length < 2 ? h('p', {class: 'notice'}, SQ.t('wizard.needLinks') + ' ',
              h('a', {href: '/admin/links', dataset: {nav: ''}, text: SQ.t('nav.links')})) : null,
            h('div', {class: 'actions split'},
              h('a', {class: 'btn', href: base, dataset: {nav: ''}, text: SQ.t('common.cancel')}),
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
            SQ.toast(t('created'));
            SQ.navigate(base);
          }, SQ.t('wizard.finish'), stepOne);
          SQ.replace(card, steps(2),
            h('p', {class: 'anchor-chosen'}, h('span', {class: 'muted', text: SQ.t('wizard.anchor') + ': '}),
              h('span', {class: 'strong', text: SQ.linkName(anchor)}),
              h('span', {class: 'muted', text: ' /' + anchorSlug})),
            form);
        };
        stepOne();
      },
    };

    SQ.pages[pages.edit] = {
      async render(view, route) {
        const [links, central] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals/' + route.params.id)]);
        const anchor = links.find((l) => l.slug === central.anchor);
        const form = membersStep(links, central.anchor, central, async (input) => {
          await SQ.api.patch('/centrals/' + central.id, input);
          SQ.toast(t('saved'));
          SQ.navigate(base);
        }, SQ.t('common.save'), null);
        view.append(breadcrumb(SQ.linkName(anchor) || central.anchor),
          h('h1', {text: t('editTitle', {name: SQ.linkName(anchor) || central.anchor})}),
          h('div', {class: 'card wizard'},
            h('p', {class: 'anchor-chosen'}, h('span', {class: 'muted', text: SQ.t('wizard.anchor') + ': '}),
              h('span', {class: 'strong', text: SQ.linkName(anchor) || central.anchor}),
              h('span', {class: 'muted', text: ' /' + central.anchor})),
            form));
      },
    };
  };

  // ---- Seletivo ----

  function textInput(field, label, value, attrs) {
    const input = h('input', {type: 'text', class: 'entry-' + field, value: value || '',
      'aria-label': label, placeholder: label, dataset: {field}, ...(attrs || {})});
    return {input, node: h('label', {class: 'mode-field'}, h('span', {class: 'muted small', text: label}), input)};
  }

  const WHEN_CLOSED = ['anchor', 'page', 'ignore_hours'];

  SQ.modeCentrals({
    mode: 'seletivo',
    base: '/admin/seletivo',
    prefix: 'seletivo.',
    pages: {list: 'seletivo', create: 'seletivoNew', edit: 'seletivoEdit'},
    memberTitle: (member, name) => member.title || name,
    memberDetail: (member) => member.description || '',
    badges: (central) => [central.shuffle ? SQ.t('seletivo.shuffleOn') : SQ.t('seletivo.shuffleOff'),
      SQ.t('centrals.whenClosedShort.' + central.when_closed)],
    memberFields(member) {
      const title = textInput('title', SQ.t('seletivo.entryTitle'), member.title, {maxlength: 200});
      const description = textInput('description', SQ.t('seletivo.entryDescription'), member.description,
        {maxlength: 500});
      const photo = textInput('photo_url', SQ.t('seletivo.entryPhoto'), member.photo_url,
        {type: 'url', inputmode: 'url'});
      return {
        nodes: [title.node, description.node, photo.node],
        read: () => ({title: title.input.value.trim(), description: description.input.value.trim(),
          photo_url: photo.input.value.trim()}),
      };
    },
    options(central) {
      const title = h('input', {type: 'text', name: 'title', id: 'seletivo-title', maxlength: 200,
        value: central ? central.title : '', placeholder: SQ.t('seletivo.titlePlaceholder')});
      const shuffle = h('input', {type: 'checkbox', role: 'switch', name: 'shuffle', id: 'shuffle',
        checked: central ? central.shuffle : false});
      const whenClosed = central ? central.when_closed : 'anchor';
      const radios = WHEN_CLOSED.map((value) => h('label', {class: 'radio'},
        h('input', {type: 'radio', name: 'when_closed', value, checked: value === whenClosed}),
        h('span', {}, h('span', {class: 'strong', text: SQ.t('centrals.whenClosed.' + value)}),
          h('small', {class: 'hint block', text: SQ.t('centrals.whenClosedHint.' + value)}))));
      const fieldset = h('fieldset', {class: 'radios'},
        h('legend', {class: 'field-label', text: SQ.t('wizard.whenClosed')}), radios);
      return {
        nodes: [SQ.field(SQ.t('seletivo.pageTitle'), title, SQ.t('seletivo.pageTitleHint')),
          h('div', {class: 'switch-row'},
            h('label', {class: 'switch', htmlFor: 'shuffle'}, shuffle,
              h('span', {class: 'slider', 'aria-hidden': 'true'}),
              h('span', {class: 'strong', text: SQ.t('seletivo.shuffle')})),
            h('p', {class: 'hint', text: SQ.t('seletivo.shuffleHint')})),
          fieldset],
        read: () => {
          const checked = fieldset.querySelector('input[name="when_closed"]:checked');
          return {title: title.value.trim(), shuffle: shuffle.checked,
            when_closed: checked ? checked.value : 'anchor'};
        },
      };
    },
  });
})(window.SQ);
