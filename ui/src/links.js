// Links page: one link per attendant (and the anchor links the shop
// publishes). List with QR code, clicks and creation date; create and edit
// in a dialog (country code, DDD and number as separate fields); pause and
// delete.
'use strict';

(function (SQ) {
  const h = SQ.h;

  SQ.loadLinks = async function loadLinks() {
    const data = await SQ.api.get('/links');
    return data.items || [];
  };

  // Total clicks of every link (all time), a few requests at a time. The
  // anchor of a central counts the central's clicks: that is the link the
  // shop publishes, though the clicks land on the attendants' links.
  async function loadClicks(links, anchors, onEach) {
    const queue = links.slice();
    const worker = async () => {
      while (queue.length) {
        const link = queue.shift();
        const scope = anchors.has(link.slug) ? '/centrals/' + anchors.get(link.slug) : '/links/' + link.id;
        try {
          const s = await SQ.api.get(scope + '/stats?by=source');
          onEach(link, s.total);
        } catch (e) {
          onEach(link, null);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  SQ.linkName = (link) => (link && link.label ? link.label : (link ? link.slug : ''));

  function linkForm(link, done) {
    const phone = link ? SQ.splitPhone(link.phone) : {cc: '55', ddd: '', number: ''};
    const v = (x) => (x === undefined || x === null ? '' : x);
    const inputs = {
      label: h('input', {name: 'label', maxLength: 200, value: v(link && link.label),
        placeholder: SQ.t('links.labelPlaceholder')}),
      slug: h('input', {name: 'slug', required: true, maxLength: 64, pattern: '[A-Za-z0-9_-]{1,64}',
        value: v(link && link.slug), placeholder: 'joao', autocomplete: 'off'}),
      cc: h('input', {name: 'phone_cc', class: 'cc', inputMode: 'numeric', maxLength: 4, required: true,
        value: phone.cc, 'aria-label': SQ.t('links.countryCode')}),
      ddd: h('input', {name: 'phone_ddd', class: 'ddd', inputMode: 'numeric', maxLength: 5,
        value: phone.ddd, 'aria-label': SQ.t('links.ddd')}),
      number: h('input', {name: 'phone', class: 'number', inputMode: 'tel', maxLength: 20, required: true,
        value: phone.number, placeholder: '99999-0001', 'aria-label': SQ.t('links.number')}),
      message: h('textarea', {name: 'message', maxLength: 1000, rows: 3,
        placeholder: SQ.t('links.messagePlaceholder')}),
      previewTitle: h('input', {name: 'preview_title', maxLength: 200, value: v(link && link.preview_title)}),
      previewDescription: h('input', {name: 'preview_description', maxLength: 300,
        value: v(link && link.preview_description)}),
      previewImage: h('input', {name: 'preview_image', type: 'url', value: v(link && link.preview_image)}),
    };
    inputs.message.value = v(link && link.message);
    const counter = h('small', {class: 'hint counter'});
    const count = () => { counter.textContent = SQ.t('links.chars', {n: inputs.message.value.length}); };
    inputs.message.addEventListener('input', count);
    count();
    // Suggest a slug from the label while the slug has not been typed in.
    let slugTouched = Boolean(link);
    inputs.slug.addEventListener('input', () => { slugTouched = true; });
    inputs.label.addEventListener('input', () => {
      if (slugTouched) return;
      inputs.slug.value = inputs.label.value.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
        .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
    });

    // What the number looks like to the server's rule (libphonenumber): for
    // Brazil a two-digit DDD then 8 digits (landline) or 9 starting with 9
    // (mobile); elsewhere 8 to 15 digits in all, the server checks the rest.
    const phoneNote = h('small', {class: 'hint phone-check', role: 'status'});
    const checkPhone = () => {
      const cc = SQ.digits(inputs.cc.value);
      const ddd = SQ.digits(inputs.ddd.value);
      const number = SQ.digits(inputs.number.value);
      phoneNote.classList.remove('bad');
      // The server's last word on the number no longer applies once it changes.
      const fieldset = inputs.number.closest('fieldset');
      if (fieldset) fieldset.querySelectorAll('.field-error').forEach((n) => n.remove());
      inputs.number.removeAttribute('aria-invalid');
      if (!number) { phoneNote.textContent = ''; return true; }
      let ok;
      if (cc === '55') {
        ok = /^[1-9][1-9]$/.test(ddd) && (/^[2-5]\d{7}$/.test(number) || /^9\d{8}$/.test(number));
      } else {
        const total = (cc + ddd + number).length;
        ok = cc.length > 0 && total >= 8 && total <= 15;
      }
      phoneNote.textContent = ok ? SQ.t('links.phoneLooksLike', {phone: SQ.formatPhone(cc + ddd + number)})
        : SQ.t(cc === '55' ? 'links.phoneBadBr' : 'error.field.invalid.phone');
      if (!ok) phoneNote.classList.add('bad');
      askServer(cc, ddd, number);
      return ok;
    };
    // Then the server's own rule (the one saving applies), a moment after
    // the typing stops: its verdict and the number in its country's format.
    let asked = 0;
    let timer = null;
    const askServer = (cc, ddd, number) => {
      clearTimeout(timer);
      const mine = ++asked;
      timer = setTimeout(async () => {
        try {
          const r = await SQ.api.get('/phone-check?phone=' + encodeURIComponent(SQ.joinPhone(cc, ddd, number)));
          if (mine !== asked) return;
          phoneNote.classList.toggle('bad', !r.valid);
          phoneNote.textContent = r.valid ? SQ.t('links.phoneLooksLike', {phone: r.formatted}) : SQ.errorMessage(r.error);
          phoneNote.dataset.checked = r.valid ? 'valid' : 'invalid';
        } catch (e) { /* the local check stays */ }
      }, 250);
    };
    [inputs.cc, inputs.ddd, inputs.number].forEach((i) => i.addEventListener('input', () => {
      delete phoneNote.dataset.checked;
      checkPhone();
    }));
    checkPhone();

    // What WhatsApp will show for the published link: the same fallbacks as
    // the server's preview page (title, else the shop's name; never the label).
    const card = {
      title: h('div', {class: 'pv-title'}),
      description: h('div', {class: 'pv-description'}),
      host: h('div', {class: 'pv-host'}),
      image: h('img', {class: 'pv-image', alt: '', hidden: true}),
    };
    const previewCard = h('div', {class: 'preview-card', id: 'preview-card', 'aria-live': 'polite'},
      card.image, h('div', {class: 'pv-text'}, card.title, card.description, card.host));
    const updatePreview = () => {
      card.title.textContent = inputs.previewTitle.value.trim() || SQ.profile.shop_name || SQ.t('links.previewDefaultTitle');
      card.description.textContent = inputs.previewDescription.value.trim() || SQ.t('links.previewDefaultDescription');
      const base = link && link.url ? link.url.replace(/\/[^/]*$/, '') : (SQ.profile.public_url || location.origin);
      card.host.textContent = base.replace(/^https?:\/\//, '') + '/' + (inputs.slug.value.trim() || '…');
      const image = SQ.safeUrl(inputs.previewImage.value.trim());
      card.image.hidden = !/^https?:/i.test(image);
      if (!card.image.hidden) card.image.src = image; else card.image.removeAttribute('src');
    };
    [inputs.previewTitle, inputs.previewDescription, inputs.previewImage, inputs.slug, inputs.label]
      .forEach((i) => i.addEventListener('input', updatePreview));
    updatePreview();

    const submit = h('button', {type: 'submit', class: 'btn primary', text: SQ.t('common.save')});
    const form = h('form', {class: 'form', novalidate: true},
      SQ.field(SQ.t('links.label'), inputs.label, SQ.t('links.labelHint')),
      SQ.field(SQ.t('links.slug'), inputs.slug, SQ.t('links.slugHint')),
      h('fieldset', {class: 'field phone'},
        h('legend', {class: 'field-label', text: SQ.t('links.whatsapp')}),
        h('div', {class: 'phone-row'},
          h('label', {class: 'sub'}, h('span', {text: SQ.t('links.countryCode')}), h('span', {class: 'plus', text: '+'}), inputs.cc),
          h('label', {class: 'sub'}, h('span', {text: SQ.t('links.ddd')}), inputs.ddd),
          h('label', {class: 'sub grow'}, h('span', {text: SQ.t('links.number')}), inputs.number)),
        phoneNote),
      SQ.field(SQ.t('links.message'), inputs.message, null), counter,
      h('div', {class: 'field'}, h('span', {class: 'field-label', text: SQ.t('links.previewCard')}), previewCard),
      h('details', {class: 'more'},
        h('summary', {text: SQ.t('links.preview')}),
        SQ.field(SQ.t('links.previewTitle'), inputs.previewTitle),
        SQ.field(SQ.t('links.previewDescription'), inputs.previewDescription),
        SQ.field(SQ.t('links.previewImage'), inputs.previewImage)),
      h('div', {class: 'actions'},
        h('button', {type: 'button', class: 'btn', text: SQ.t('common.cancel'), on: {click: () => done(null)}}),
        submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      SQ.clearFormError(form);
      const body = {
        label: inputs.label.value.trim(),
        slug: inputs.slug.value.trim(),
        phone: SQ.joinPhone(inputs.cc.value, inputs.ddd.value, inputs.number.value),
        message: inputs.message.value,
        preview_title: inputs.previewTitle.value.trim(),
        preview_description: inputs.previewDescription.value.trim(),
        preview_image: inputs.previewImage.value.trim(),
      };
      if (!SQ.digits(inputs.number.value)) {
        SQ.showFormError(form, {field: 'phone', message: '', code: 'required'});
        return;
      }
      submit.disabled = true;
      try {
        const saved = link ? await SQ.api.patch('/links/' + link.id, body) : await SQ.api.post('/links', body);
        done(saved);
      } catch (err) {
        SQ.showFormError(form, err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  SQ.editLink = function editLink(link) {
    return SQ.modal(link ? SQ.t('links.editTitle', {name: SQ.linkName(link)}) : SQ.t('links.newTitle'),
      (done) => linkForm(link, done), {wide: true});
  };

  function showQr(link) {
    const base = '/' + encodeURIComponent(link.slug) + '/qr';
    return SQ.modal(SQ.t('links.qrTitle', {name: SQ.linkName(link)}), () => [
      h('img', {class: 'qr-big', src: base + '.svg', alt: SQ.t('links.qrAlt', {slug: link.slug})}),
      h('p', {class: 'center'}, h('code', {class: 'url', text: link.url})),
      h('div', {class: 'actions center wrap'},
        SQ.shareButtons(link.url, SQ.profile.shop_name),
        h('a', {class: 'btn', href: base + '.svg', download: link.slug + '-qr.svg', text: SQ.t('links.downloadSvg')}),
        h('a', {class: 'btn', href: base + '.png', download: link.slug + '-qr.png', text: SQ.t('links.downloadPng')})),
    ]);
  }

  function row(link, anchors, refresh) {
    const clicks = h('td', {class: 'num clicks', text: '…', 'data-label': SQ.t('links.clicks')});
    const status = link.active
      ? h('span', {class: 'badge ok', text: SQ.t('links.active')})
      : h('span', {class: 'badge muted', text: SQ.t('links.paused')});
    const url = SQ.safeUrl(link.url);
    const tr = h('tr', {dataset: {slug: link.slug}},
      h('td', {class: 'qr-cell'},
        h('button', {type: 'button', class: 'qr-btn', title: SQ.t('links.qrOpen'),
          'aria-label': SQ.t('links.qrOpen') + ' ' + link.slug, on: {click: () => showQr(link)}},
        h('img', {class: 'qr-thumb', src: '/' + encodeURIComponent(link.slug) + '/qr.svg', alt: '',
          width: 48, height: 48, loading: 'lazy'}))),
      h('td', {},
        h('div', {class: 'strong label', text: link.label || '—'}),
        h('div', {class: 'muted small'},
          url ? h('a', {href: url, target: '_blank', rel: 'noopener noreferrer', text: '/' + link.slug}) : link.slug,
          anchors.has(link.slug) ? h('span', {class: 'badge info', text: SQ.t('links.anchorBadge')}) : null)),
      h('td', {class: 'nowrap', text: SQ.formatPhone(link.phone)}),
      h('td', {class: 'message'}, h('span', {class: 'clamp', text: link.message || ''})),
      clicks,
      h('td', {class: 'nowrap', text: SQ.formatDate(link.created_at)}),
      h('td', {}, status),
      h('td', {class: 'row-actions'},
        SQ.shareButtons(link.url, SQ.profile.shop_name, true),
        h('button', {type: 'button', class: 'btn small', text: SQ.t('common.edit'),
          on: {click: async () => { if (await SQ.editLink(link)) refresh(SQ.t('links.saved')); }}}),
        h('button', {type: 'button', class: 'btn small', text: link.active ? SQ.t('links.pause') : SQ.t('links.resume'),
          on: {click: async () => {
            try {
              await SQ.api.patch('/links/' + link.id, {active: !link.active});
              refresh(link.active ? SQ.t('links.pausedToast') : SQ.t('links.resumedToast'));
            } catch (e) { SQ.toast(SQ.errorMessage(e), 'error'); }
          }}}),
        h('a', {class: 'btn small', dataset: {nav: ''}, href: '/admin/relatorios?' +
          (anchors.has(link.slug) ? 'central=' + anchors.get(link.slug) : 'link=' + link.id),
          text: SQ.t('nav.reports')}),
        h('button', {type: 'button', class: 'btn small danger', text: SQ.t('common.delete'),
          on: {click: async () => {
            if (!await SQ.confirm(SQ.t('links.confirmDelete', {name: SQ.linkName(link)}), SQ.t('common.delete'))) return;
            try {
              await SQ.api.del('/links/' + link.id);
              refresh(SQ.t('links.deleted'));
            } catch (e) {
              SQ.toast(e.status === 409 ? SQ.t('links.deleteAnchor') : SQ.errorMessage(e), 'error');
            }
          }}})));
    return {tr, clicks};
  }

  SQ.pages.links = {
    async render(view) {
      const list = h('div', {class: 'list'});
      const refresh = async (message) => {
        if (message) SQ.toast(message);
        const [links, centrals] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals')]);
        const anchors = new Map((centrals.items || []).map((c) => [c.anchor, c.id]));
        if (!links.length) {
          SQ.replace(list, h('div', {class: 'empty', text: SQ.t('links.empty')}));
          return;
        }
        const rows = links.map((l) => row(l, anchors, refresh));
        SQ.replace(list, h('div', {class: 'table-wrap'}, h('table', {class: 'table stack links-table'},
          h('thead', {}, h('tr', {},
            h('th', {text: SQ.t('links.qr')}), h('th', {text: SQ.t('links.label')}),
            h('th', {text: SQ.t('links.whatsapp')}), h('th', {text: SQ.t('links.message')}),
            h('th', {class: 'num', text: SQ.t('links.clicks')}), h('th', {text: SQ.t('links.created')}),
            h('th', {text: SQ.t('links.status')}), h('th', {text: ''}))),
          h('tbody', {}, rows.map((r) => r.tr)))));
        const byId = new Map(rows.map((r, i) => [links[i].id, r]));
        if (search.value) search.dispatchEvent(new Event('input'));
        loadClicks(links, anchors, (link, total) => {
          byId.get(link.id).clicks.textContent = total === null ? '—' : SQ.formatNumber(total);
        });
      };
      const search = h('input', {type: 'search', id: 'links-search', class: 'search',
        placeholder: SQ.t('links.search'), 'aria-label': SQ.t('links.search')});
      // Hides the rows whose label, slug, number and message do not all
      // contain the words typed.
      search.addEventListener('input', () => {
        const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
        list.querySelectorAll('tbody tr').forEach((tr) => {
          const text = tr.textContent.toLowerCase() + ' ' + SQ.digits(tr.textContent);
          tr.hidden = !words.every((w) => text.includes(w));
        });
      });
      view.append(
        h('div', {class: 'page-head'},
          h('h1', {text: SQ.t('page.links')}),
          search,
          h('button', {type: 'button', class: 'btn primary', id: 'new-link', text: SQ.t('links.new'),
            on: {click: async () => { if (await SQ.editLink(null)) refresh(SQ.t('links.created_toast')); }}})),
        h('p', {class: 'muted intro', text: SQ.t('links.intro')}),
        list);
      await refresh();
    },
  };
})(window.SQ);
