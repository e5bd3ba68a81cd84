// Business-hours editor of one member of a central (the clock button in
// front of each attendant): per weekday time ranges, time zone, dated
// exceptions. Saves with PUT .../members/{slug}/hours; "24 horas" removes
// the hours with DELETE.
'use strict';

(function (SQ) {
  const h = SQ.h;

  SQ.timeZones = function timeZones(extra) {
    let zones = [];
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch (e) {
      zones = ['America/Sao_Paulo', 'UTC'];
    }
    const all = new Set(zones);
    (extra || []).forEach((z) => { if (z) all.add(z); });
    all.add('UTC');
    return Array.from(all).sort();
  };

  // The server's zones with their countries (GET /time-zones), asked once.
  let zoneList = null;
  function loadZoneList() {
    if (!zoneList) zoneList = SQ.api.get('/time-zones').then((d) => d.items || []).catch(() => null);
    return zoneList;
  }

  const fold = (text) => String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  // "America/Sao_Paulo" -> "Sao Paulo"; "America/Argentina/Buenos_Aires" -> "Buenos Aires".
  const cityOf = (zone) => zone.split('/').pop().replace(/_/g, ' ');

  // Options grouped by country (in the UI's language), Brazil's zones first,
  // each shown as "City (Zone/Name)".
  function groupedOptions(items, current) {
    let names = null;
    try {
      names = new Intl.DisplayNames([SQ.i18n.locale()], {type: 'region'});
    } catch (e) { /* codes instead of names */ }
    const countryName = (code) => (code ? (names ? names.of(code) : code) : SQ.t('tz.other'));
    const groups = new Map();
    for (const item of items) {
      const key = item.country || '';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
    if (current && !items.some((i) => i.zone === current)) groups.set('', (groups.get('') || []).concat([{zone: current, country: ''}]));
    const order = Array.from(groups.keys()).sort((a, b) => {
      const rank = (c) => (c === 'BR' ? 0 : c === '' ? 2 : 1);
      return rank(a) - rank(b) || countryName(a).localeCompare(countryName(b), SQ.i18n.locale());
    });
    return order.map((code) => {
      const country = countryName(code);
      return h('optgroup', {label: country, dataset: {country: code}},
        groups.get(code).sort((a, b) => cityOf(a.zone).localeCompare(cityOf(b.zone))).map((item) =>
          h('option', {value: item.zone, selected: item.zone === current,
            text: cityOf(item.zone) + ' (' + item.zone + ')',
            dataset: {search: fold(country + ' ' + item.zone + ' ' + cityOf(item.zone) + ' ' + (item.comment || ''))}})));
    });
  }

  // A time-zone picker: a <select> grouped by country with Brazil's zones
  // first, and a search box (select.searchBox, placed before it by
  // SQ.field) that keeps only the zones whose city, country or name match.
  SQ.zoneSelect = function zoneSelect(name, current) {
    const select = h('select', {name, class: 'tz-select'}, SQ.timeZones([current]).map((z) =>
      h('option', {value: z, selected: z === current, text: z, dataset: {search: fold(z)}})));
    const search = h('input', {type: 'search', class: 'tz-search', placeholder: SQ.t('tz.search'),
      'aria-label': SQ.t('tz.search'), autocomplete: 'off'});
    search.addEventListener('input', () => {
      const words = fold(search.value).split(/\s+/).filter(Boolean);
      let first = null;
      select.querySelectorAll('option').forEach((o) => {
        o.hidden = !words.every((w) => o.dataset.search.includes(w));
        if (!o.hidden && !first) first = o;
      });
      select.querySelectorAll('optgroup').forEach((g) => {
        g.hidden = !g.querySelector('option:not([hidden])');
      });
      const chosen = select.selectedOptions[0];
      if (first && (!chosen || chosen.hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event('change'));
      }
    });
    select.searchBox = search;
    loadZoneList().then((items) => {
      if (!items || !items.length) return;
      const value = select.value || current;
      SQ.replace(select, groupedOptions(items, value));
      select.value = value;
    });
    return select;
  };

  // <input type=time> cannot show 24:00: an end of 00:00 means midnight.
  const toInputEnd = (t) => (t === '24:00' ? '00:00' : t);
  const fromInputEnd = (t) => (t === '00:00' ? '24:00' : t);

  function rangeRow(range, onRemove) {
    const start = h('input', {type: 'time', class: 'time start', required: true, value: range ? range[0] : '09:00',
      'aria-label': SQ.t('hours.from')});
    const end = h('input', {type: 'time', class: 'time end', required: true, value: range ? toInputEnd(range[1]) : '18:00',
      'aria-label': SQ.t('hours.to')});
    const el = h('div', {class: 'range'}, start, h('span', {class: 'muted', text: '–'}), end,
      h('button', {type: 'button', class: 'icon-btn', 'aria-label': SQ.t('hours.removeRange'), text: '×',
        on: {click: () => { el.remove(); onRemove(); }}}));
    el.read = () => [start.value, fromInputEnd(end.value)];
    return el;
  }

  // A list of ranges with an "add range" button; `closedText` when empty.
  function rangesEditor(ranges, closedText) {
    const list = h('div', {class: 'ranges'});
    const empty = h('span', {class: 'muted closed', text: closedText});
    const sync = () => { empty.hidden = list.children.length > 0; };
    const add = (r) => { list.appendChild(rangeRow(r, sync)); sync(); };
    (ranges || []).forEach(add);
    sync();
    const el = h('div', {class: 'ranges-editor'}, list, empty,
      h('button', {type: 'button', class: 'btn small add-range', text: SQ.t('hours.addRange'),
        on: {click: () => add(null)}}));
    el.read = () => Array.from(list.children).map((r) => r.read());
    return el;
  }

  function exceptionRow(exception, onRemove) {
    const date = h('input', {type: 'date', class: 'date', required: true, value: exception ? exception.date : '',
      'aria-label': SQ.t('hours.exceptionDate')});
    const ranges = rangesEditor(exception ? exception.ranges : [], SQ.t('hours.closedDay'));
    const el = h('div', {class: 'exception'}, date, ranges,
      h('button', {type: 'button', class: 'icon-btn', 'aria-label': SQ.t('hours.removeException'), text: '×',
        on: {click: () => { el.remove(); onRemove(); }}}));
    el.read = () => ({date: date.value, ranges: ranges.read()});
    return el;
  }

  // Opens the editor; resolves true when the hours changed.
  SQ.editHours = async function editHours(central, member, link, defaultTz) {
    const hours = member.hours;
    const name = SQ.linkName(link) || member.link;
    const path = '/centrals/' + central.id + '/members/' + encodeURIComponent(member.link) + '/hours';
    return SQ.modal(SQ.t('hours.title', {name}), (done) => {
      const zone = SQ.zoneSelect('tz', hours ? hours.tz : (defaultTz || 'America/Sao_Paulo'));
      const days = {};
      const weekRows = SQ.WEEKDAYS.map((day) => {
        const template = hours ? (hours.week[day] || []) : (day === 'sat' || day === 'sun' ? [] : [['09:00', '18:00']]);
        days[day] = rangesEditor(template, SQ.t('hours.closedDay'));
        return h('div', {class: 'day-row', dataset: {day}},
          h('span', {class: 'day-name', text: SQ.t('day.long.' + day)}), days[day]);
      });
      const exceptions = h('div', {class: 'exceptions'});
      const noExceptions = h('p', {class: 'muted', text: SQ.t('hours.noExceptions')});
      const syncExceptions = () => { noExceptions.hidden = exceptions.children.length > 0; };
      const addException = (e) => { exceptions.appendChild(exceptionRow(e, syncExceptions)); syncExceptions(); };
      (hours ? hours.exceptions : []).forEach(addException);
      syncExceptions();

      const form = h('form', {class: 'form hours-form', novalidate: true},
        h('p', {class: 'muted', text: hours ? SQ.t('hours.intro') : SQ.t('hours.introAlways')}),
        SQ.field(SQ.t('hours.tz'), zone),
        h('fieldset', {class: 'week'}, h('legend', {text: SQ.t('hours.week')}), weekRows),
        h('fieldset', {class: 'week'}, h('legend', {text: SQ.t('hours.exceptions')}),
          h('p', {class: 'hint', text: SQ.t('hours.exceptionsHint')}),
          exceptions, noExceptions,
          h('button', {type: 'button', class: 'btn small', id: 'add-exception', text: SQ.t('hours.addException'),
            on: {click: () => addException(null)}})),
        h('div', {class: 'actions split'},
          h('button', {type: 'button', class: 'btn', id: 'hours-always', text: SQ.t('hours.setAlways'),
            disabled: !hours,
            on: {click: async () => {
              try {
                await SQ.api.del(path);
                done(true);
              } catch (err) { SQ.showFormError(form, err); }
            }}}),
          h('span', {},
            h('button', {type: 'button', class: 'btn', text: SQ.t('common.cancel'), on: {click: () => done(false)}}),
            h('button', {type: 'submit', class: 'btn primary', text: SQ.t('common.save')}))));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        SQ.clearFormError(form);
        const week = {};
        for (const day of SQ.WEEKDAYS) {
          const ranges = days[day].read();
          if (ranges.length) week[day] = ranges;
        }
        const body = {tz: zone.value, week,
          exceptions: Array.from(exceptions.children).map((x) => x.read())};
        try {
          await SQ.api.put(path, body);
          done(true);
        } catch (err) {
          SQ.showFormError(form, err);
        }
      });
      return form;
    }, {wide: true}).then((r) => r === true);
  };
})(window.SQ);
