// DOM helpers for the admin UI. Every piece of text, user-provided or not,
// enters the page through textContent or a text node: nothing here writes
// HTML, so a label like "<script>" is shown as those characters.
'use strict';

window.SQ = window.SQ || {};
window.SQ.pages = window.SQ.pages || {};

(function (SQ) {
  // Properties set as DOM properties rather than attributes.
  const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'required',
    'type', 'name', 'id', 'placeholder', 'min', 'max', 'maxLength', 'step', 'multiple',
    'href', 'src', 'alt', 'title', 'htmlFor', 'autocomplete', 'inputMode', 'pattern', 'rows',
    'download', 'target', 'rel', 'width', 'height', 'open', 'tabIndex']);

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) {
      child.forEach((c) => append(el, c));
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }

  // h('button', {class: 'btn', on: {click: fn}, text: 'Salvar'}, ...children)
  SQ.h = function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'innerHTML' || key === 'outerHTML' || key === 'style') {
        throw new Error('SQ.h: ' + key + ' is not allowed');
      } else if (key === 'class') {
        el.className = value;
      } else if (key === 'text') {
        el.textContent = String(value);
      } else if (key === 'on') {
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
      } else if (key === 'dataset') {
        Object.assign(el.dataset, value);
      } else if (PROPS.has(key)) {
        el[key] = value;
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
    append(el, children);
    return el;
  };

  SQ.clear = function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  };

  SQ.replace = function replace(el, ...children) {
    SQ.clear(el);
    append(el, children);
    return el;
  };

  let toastTimer = null;
  // A short message in the status line (kind: 'ok' | 'error').
  SQ.toast = function toast(message, kind) {
    const box = document.getElementById('toast');
    box.textContent = message;
    box.className = 'toast ' + (kind || 'ok');
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, kind === 'error' ? 8000 : 5000);
  };

  let modalIds = 0;
  // A modal <dialog>; resolves with what `onSubmit` returns, or null when
  // cancelled. `build(close)` returns the body nodes.
  SQ.modal = function modal(title, build, options) {
    const opts = options || {};
    return new Promise((resolve) => {
      let settled = false;
      const dialog = SQ.h('dialog', {class: 'modal ' + (opts.wide ? 'wide' : '')});
      const done = (result) => {
        if (settled) return;
        settled = true;
        dialog.close();
        dialog.remove();
        resolve(result);
      };
      dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(null); });
      modalIds += 1;
      dialog.setAttribute('aria-labelledby', 'modal-title-' + modalIds);
      const heading = SQ.h('div', {class: 'modal-head'},
        SQ.h('h2', {id: 'modal-title-' + modalIds, text: title}),
        SQ.h('button', {type: 'button', class: 'icon-btn', 'aria-label': SQ.t('common.close'),
          text: '×', on: {click: () => done(null)}}));
      dialog.append(heading, SQ.h('div', {class: 'modal-body'}, build(done)));
      document.body.appendChild(dialog);
      dialog.showModal();
      const first = dialog.querySelector('input, select, textarea, .btn.primary');
      if (first) first.focus();
    });
  };

  // Our own confirmation box (no window.confirm: no native dialogs at all).
  SQ.confirm = function confirm(message, confirmLabel) {
    return SQ.modal(SQ.t('common.confirmTitle'), (done) => [
      SQ.h('p', {text: message}),
      SQ.h('div', {class: 'actions'},
        SQ.h('button', {type: 'button', class: 'btn', text: SQ.t('common.cancel'),
          on: {click: () => done(false)}}),
        SQ.h('button', {type: 'button', class: 'btn danger', text: confirmLabel || SQ.t('common.confirm'),
          on: {click: () => done(true)}})),
    ]).then((r) => r === true);
  };

  let fieldIds = 0;
  // A labelled form field: <div><label for>Label</label>input<small>hint</small></div>;
  // the hint describes the input without becoming part of its name.
  SQ.field = function field(label, input, hint) {
    fieldIds += 1;
    if (!input.id) input.id = 'f' + fieldIds;
    const note = hint ? SQ.h('small', {class: 'hint', id: input.id + '-hint', text: hint}) : null;
    if (note) input.setAttribute('aria-describedby', note.id);
    return SQ.h('div', {class: 'field'}, SQ.h('label', {class: 'field-label', htmlFor: input.id, text: label}),
      input.searchBox || null, input, note);
  };

  // Shows an API error on a form: the message next to the named field when
  // the server names one we have, otherwise in a box at the top of the form.
  SQ.showFormError = function showFormError(form, error) {
    SQ.clearFormError(form);
    const message = SQ.errorMessage(error);
    const name = error && error.field ? String(error.field).split(/[.[]/)[0] : '';
    const input = name ? form.querySelector('[name="' + CSS.escape(name) + '"]') : null;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      const note = SQ.h('small', {class: 'field-error', text: message});
      (input.closest('.field') || input.parentNode).appendChild(note);
      input.focus();
    } else {
      form.prepend(SQ.h('div', {class: 'form-error', role: 'alert', text: message}));
    }
  };

  // Puts `text` on the clipboard; false when the browser refuses (then the
  // caller shows the text selected instead).
  SQ.copyText = async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      return false;
    }
  };

  // "Copiar link" and "Compartilhar" for a published link: the clipboard,
  // and the Web Share sheet where the browser has one, else WhatsApp's own
  // share page (wa.me/?text=) in a new tab.
  SQ.shareButtons = function shareButtons(url, title, small) {
    const size = small ? ' small' : '';
    const copy = SQ.h('button', {type: 'button', class: 'btn copy-link' + size, text: SQ.t('share.copy'),
      dataset: {url}, on: {click: async () => {
        if (await SQ.copyText(url)) {
          SQ.toast(SQ.t('share.copied', {url}));
        } else {
          SQ.toast(url);
        }
      }}});
    const fallback = 'https://wa.me/?text=' + encodeURIComponent(url);
    const share = SQ.h('a', {class: 'btn share-link' + size, href: fallback, target: '_blank',
      rel: 'noopener noreferrer', text: SQ.t('share.share'), on: {click: async (e) => {
        if (!navigator.share) return;  // the wa.me link opens
        e.preventDefault();
        try {
          await navigator.share({title: title || '', url});
        } catch (err) { /* cancelled */ }
      }}});
    return [copy, share];
  };

  SQ.clearFormError = function clearFormError(form) {
    form.querySelectorAll('.field-error, .form-error').forEach((n) => n.remove());
    form.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
  };
})(window.SQ);
