// Relatórios: pick a central or a link and a date range; totals (each
// compared with the period before), charts (clicks over time, per attendant
// with every member and the closed-hours outcomes so the rows add up, where
// the clicks went, devices, browsers, referrers, sources, UTM source /
// medium / campaign, and countries / regions when the server knows them),
// each with its numbers as a table and a CSV download of the same report.
'use strict';

(function (SQ) {
  const h = SQ.h;
  const PALETTE = ['#128c7e', '#25d366', '#34b7f1', '#f4a261', '#e76f51', '#8e7dbe', '#2a9d8f',
    '#e9c46a', '#6c757d', '#d62828'];

  // Chart.js is loaded on the first visit to this page only (the other
  // pages do not need it); its hashed URL comes from index.html.
  let chartLib = null;
  function loadChartLib() {
    if (window.Chart) return Promise.resolve();
    if (!chartLib) {
      chartLib = new Promise((resolve) => {
        const meta = document.querySelector('meta[name="sq-chart-js"]');
        const script = SQ.h('script', {src: meta ? meta.content : ''});
        script.addEventListener('load', resolve);
        script.addEventListener('error', () => { chartLib = null; resolve(); });  // tables still show the numbers
        document.head.appendChild(script);
      });
    }
    return chartLib;
  }

  const live = [];
  SQ.charts = {
    destroyAll() {
      while (live.length) live.pop().destroy();
    },
  };

  function chart(canvas, kind, labels, values, label) {
    if (!window.Chart) return;
    const horizontal = kind === 'hbar';
    const type = horizontal ? 'bar' : kind;
    const bars = type === 'bar' || type === 'line';
    live.push(new window.Chart(canvas, {
      type,
      data: {
        labels,
        datasets: [{
          label,
          data: values,
          backgroundColor: bars ? '#25d366' : labels.map((_, i) => PALETTE[i % PALETTE.length]),
          borderColor: type === 'line' ? '#128c7e' : '#fff',
          borderWidth: type === 'line' ? 2 : 1,
          fill: false,
          tension: 0.25,
          pointRadius: 2,
        }],
      },
      options: {
        animation: false,
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        plugins: {legend: {display: !bars, position: 'bottom'}},
        scales: bars ? {[horizontal ? 'x' : 'y']: {beginAtZero: true, ticks: {precision: 0}}} : {},
      },
    }));
  }

  function reportPath(scope, from, to, by, format) {
    const q = new URLSearchParams({by});
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    if (format) q.set('format', format);
    if (format === 'csv') {
      // For the spreadsheet the user has: Excel in pt-BR wants ';' and a BOM.
      const pt = SQ.i18n.lang() === 'pt-BR';
      q.set('sep', pt ? 'semicolon' : 'comma');
      q.set('bom', '1');
      q.set('lang', SQ.i18n.lang());
    }
    return '/' + scope + '/stats?' + q.toString();
  }

  // The report dimensions the API offers (the `by` parameter of its OpenAPI
  // document), asked once.
  let offered = null;
  function offeredDimensions() {
    if (!offered) {
      offered = SQ.api.get('/openapi.json').then((doc) => {
        const by = doc && doc.components && doc.components.parameters && doc.components.parameters.by;
        return (by && by.schema && by.schema.enum) || [];
      }).catch(() => []);
    }
    return offered;
  }

  // The period of the same length just before from..to; null for "all time".
  function previousRange(from, to) {
    if (!from || !to) return null;
    const days = SQ.daysBetween(from, to, 1000).length;
    if (!days) return null;
    const start = new Date(from + 'T12:00:00Z');
    const end = new Date(start.getTime() - 86400000);
    const begin = new Date(start.getTime() - days * 86400000);
    return [begin.toISOString().slice(0, 10), end.toISOString().slice(0, 10)];
  }

  // Every click of a central, by where it went: each attendant (all of
  // them, 0 included), the anchor when nobody was available, and the
  // "fora do horário" page; the rows add up to the total.
  function attendantRows(central, report, outcomes, bySlug) {
    const counts = new Map(report.rows.map((r) => [r.key, r.clicks]));
    const rows = central.members.map((m) => ({key: m.link, clicks: counts.get(m.link) || 0,
      label: label('attendant', m.link, bySlug)}));
    const members = new Set(central.members.map((m) => m.link));
    for (const r of report.rows) {
      if (members.has(r.key)) continue;
      rows.push({key: r.key, clicks: r.clicks, label: r.key === central.anchor
        ? SQ.t('reports.anchorFallback', {name: label('attendant', r.key, bySlug)}) : label('attendant', r.key, bySlug)});
    }
    const closed = (outcomes.rows.find((r) => r.key === 'closed_page') || {}).clicks || 0;
    if (closed) rows.push({key: '(closed_page)', clicks: closed, label: SQ.t('reports.key.outcome.closed_page')});
    return rows;
  }

  // A card with a chart, the numbers as a table and the CSV link.
  function chartCard(id, title, type, rows, csvHref, keyLabel, tableOpen) {
    const canvas = h('canvas', {'aria-label': title, role: 'img'});
    const total = rows.reduce((s, r) => s + r.clicks, 0);
    const table = h('table', {class: 'table compact'},
      h('thead', {}, h('tr', {}, h('th', {text: keyLabel}), h('th', {class: 'num', text: SQ.t('reports.clicks')}))),
      h('tbody', {}, rows.map((r) => h('tr', {dataset: {key: r.key}},
        h('td', {class: 'key', text: r.label}), h('td', {class: 'num', text: SQ.formatNumber(r.clicks)})))));
    const card = h('section', {class: 'card chart-card', id},
      h('div', {class: 'chart-head'},
        h('h2', {text: title}),
        h('a', {class: 'btn small', href: csvHref, download: '', text: SQ.t('reports.csv')})),
      total ? h('div', {class: 'chart-box'}, canvas) : h('p', {class: 'empty small', text: SQ.t('reports.noData')}),
      rows.length ? (tableOpen ? table : h('details', {}, h('summary', {text: SQ.t('reports.showTable')}), table)) : null);
    return {card, draw: () => { if (total) chart(canvas, type, rows.map((r) => r.label), rows.map((r) => r.clicks), title); }};
  }

  function label(by, key, bySlug) {
    if (by === 'attendant') {
      const link = bySlug.get(key);
      return link && link.label ? link.label + ' (/' + key + ')' : (key.startsWith('#') ? SQ.t('reports.deletedLink') : '/' + key);
    }
    if (by === 'day') return SQ.formatDay(key);
    if (by === 'hour') return SQ.formatDay(key.slice(0, 10)) + ' ' + key.slice(11, 13) + 'h';
    if (SQ.t.has('reports.key.' + by + '.' + key)) return SQ.t('reports.key.' + by + '.' + key);
    return key === '' ? SQ.t('reports.none') : key;
  }

  function quickRange(kind) {
    const today = new Date();
    const start = new Date(today);
    if (kind === 'today') return [SQ.isoDay(today), SQ.isoDay(today)];
    if (kind === '7') start.setDate(today.getDate() - 6);
    if (kind === '30') start.setDate(today.getDate() - 29);
    if (kind === 'month') start.setDate(1);
    if (kind === 'all') return ['', ''];
    return [SQ.isoDay(start), SQ.isoDay(today)];
  }

  SQ.pages.reports = {
    async render(view, route) {
      const [links, centralsData] = await Promise.all([SQ.loadLinks(), SQ.api.get('/centrals')]);
      const centrals = centralsData.items || [];
      const bySlug = new Map(links.map((l) => [l.slug, l]));
      const q = route.query;
      let target = q.get('central') ? 'central:' + q.get('central') : q.get('link') ? 'link:' + q.get('link') : '';
      if (!target && centrals.length) target = 'central:' + centrals[0].id;
      if (!target && links.length) target = 'link:' + links[0].id;
      let [from, to] = q.has('from') || q.has('to') ? [q.get('from') || '', q.get('to') || ''] : quickRange('30');

      const select = h('select', {name: 'target', id: 'report-target'},
        centrals.length ? h('optgroup', {label: SQ.t('reports.centrals')}, centrals.map((c) =>
          h('option', {value: 'central:' + c.id, selected: target === 'central:' + c.id,
            text: (SQ.linkName(bySlug.get(c.anchor)) || c.anchor) + ' (/' + c.anchor + ')'}))) : null,
        links.length ? h('optgroup', {label: SQ.t('reports.links')}, links.map((l) =>
          h('option', {value: 'link:' + l.id, selected: target === 'link:' + l.id,
            text: SQ.linkName(l) + (l.label ? ' (/' + l.slug + ')' : '')}))) : null);
      const fromInput = h('input', {type: 'date', name: 'from', id: 'report-from', value: from});
      const toInput = h('input', {type: 'date', name: 'to', id: 'report-to', value: to});
      const output = h('div', {class: 'report'});
      const filters = h('form', {class: 'card filters', novalidate: true},
        SQ.field(SQ.t('reports.target'), select),
        SQ.field(SQ.t('reports.from'), fromInput),
        SQ.field(SQ.t('reports.to'), toInput),
        h('div', {class: 'quick'}, ['today', '7', '30', 'month', 'all'].map((kind) =>
          h('button', {type: 'button', class: 'btn small ghost', dataset: {range: kind}, text: SQ.t('reports.range.' + kind),
            on: {click: () => { [fromInput.value, toInput.value] = quickRange(kind); filters.requestSubmit(); }}}))),
        h('button', {type: 'submit', class: 'btn primary', id: 'report-apply', text: SQ.t('reports.apply')}));
      select.addEventListener('change', () => filters.requestSubmit());
      filters.addEventListener('submit', (e) => {
        e.preventDefault();
        const [kind, id] = select.value.split(':');
        const params = new URLSearchParams({[kind]: id, from: fromInput.value, to: toInput.value});
        history.replaceState(null, '', '/admin/relatorios?' + params.toString());
        load(select.value, fromInput.value, toInput.value);
      });

      view.append(h('div', {class: 'page-head'}, h('h1', {text: SQ.t('page.reports')})), filters, output);
      if (!target) {
        output.append(h('div', {class: 'empty', text: SQ.t('reports.nothing')}));
        return;
      }

      async function load(value, f, t) {
        SQ.charts.destroyAll();
        const [kind, id] = value.split(':');
        const scope = (kind === 'central' ? 'centrals/' : 'links/') + id;
        const central = kind === 'central' ? centrals.find((c) => String(c.id) === id) : null;
        // One or two days: clicks per hour; longer ranges: per day.
        const timeBy = f && t && SQ.daysBetween(f, t, 3).length <= 2 ? 'hour' : 'day';
        const dims = [timeBy].concat(kind === 'central' ? ['attendant', 'outcome'] : [],
          ['device', 'browser', 'referrer', 'source', 'utm_source', 'utm_medium', 'utm_campaign']);
        // Countries and regions when this server's API offers them (its
        // OpenAPI document lists them) and has a GeoIP file (a request that
        // fails just leaves them out).
        const optional = (await offeredDimensions()).filter((by) => by === 'country' || by === 'region');
        const previous = previousRange(f, t);
        SQ.replace(output, h('p', {class: 'muted', text: SQ.t('common.loading')}));
        let reports;
        let extra;
        let before = null;
        try {
          [reports, extra, before] = await Promise.all([
            Promise.all(dims.map((by) => SQ.api.get(reportPath(scope, f, t, by)))),
            Promise.all(optional.map((by) => SQ.api.get(reportPath(scope, f, t, by)).catch(() => null))),
            previous ? SQ.api.get(reportPath(scope, previous[0], previous[1], 'source')).catch(() => null) : null,
            loadChartLib()]);
        } catch (e) {
          SQ.replace(output, h('div', {class: 'empty error', role: 'alert', text: SQ.errorMessage(e)}));
          return;
        }
        const byName = new Map(dims.map((by, i) => [by, reports[i]]));
        const days = byName.get(timeBy);
        const rowsOf = (report, by) => report.rows.map((r) => ({key: r.key, clicks: r.clicks, label: label(by, r.key, bySlug)}));
        // Clicks over time: every day (or hour) of the range, zeros included.
        let dayRows = rowsOf(days, timeBy);
        const firstDay = f || (days.rows[0] && days.rows[0].key.slice(0, 10));
        const lastDay = t || (days.rows.length && days.rows[days.rows.length - 1].key.slice(0, 10));
        if (firstDay && lastDay) {
          const counts = new Map(days.rows.map((r) => [r.key, r.clicks]));
          let all = SQ.daysBetween(firstDay, lastDay, 400);
          if (timeBy === 'hour') {
            all = all.flatMap((d) => Array.from({length: 24}, (_, hh) => d + 'T' + String(hh).padStart(2, '0') + ':00'));
          }
          if (all.length && all.length < 400) {
            dayRows = all.map((k) => ({key: k, clicks: counts.get(k) || 0, label: label(timeBy, k, bySlug)}));
          }
        }
        const csv = (by) => '/api/v1' + reportPath(scope, f, t, by, 'csv');
        const compare = (k, n) => {
          if (!before) return null;
          const was = {total: before.total, new: before.new_visitors, returning: before.returning_visitors,
            previews: before.previews}[k] || 0;
          const diff = n - was;
          const text = was === 0 ? SQ.t('reports.compareFromZero', {n: SQ.formatNumber(was)})
            : SQ.t('reports.compare', {pct: (diff >= 0 ? '+' : '') + Math.round(diff * 100 / was) + '%',
              n: SQ.formatNumber(was)});
          return h('div', {class: 'compare small ' + (diff > 0 ? 'up' : diff < 0 ? 'down' : ''), text});
        };
        const totals = h('div', {class: 'totals'},
          [['total', days.total], ['new', days.new_visitors], ['returning', days.returning_visitors],
            ['previews', days.previews]].map(([k, n]) => h('div', {class: 'card total', dataset: {total: k}},
            h('div', {class: 'total-value', text: SQ.formatNumber(n)}),
            h('div', {class: 'muted small', text: SQ.t('reports.total.' + k)}),
            compare(k, n))));
        const cards = [
          chartCard('chart-' + timeBy, SQ.t(timeBy === 'hour' ? 'reports.overTimeHour' : 'reports.overTime'), 'bar',
            dayRows, csv(timeBy), SQ.t(timeBy === 'hour' ? 'reports.hour' : 'reports.day'), false),
        ];
        if (central) {
          cards.push(chartCard('chart-attendant', SQ.t('reports.by.attendant'), 'hbar',
            attendantRows(central, byName.get('attendant'), byName.get('outcome'), bySlug), csv('attendant'),
            SQ.t('reports.keyLabel.attendant'), true));
          cards.push(chartCard('chart-outcome', SQ.t('reports.by.outcome'), 'doughnut',
            rowsOf(byName.get('outcome'), 'outcome'), csv('outcome'), SQ.t('reports.keyLabel.outcome'), true));
        }
        for (const [by, type] of [['device', 'doughnut'], ['browser', 'doughnut'], ['referrer', 'hbar'],
          ['source', 'doughnut'], ['utm_source', 'hbar'], ['utm_medium', 'hbar'], ['utm_campaign', 'hbar']]) {
          cards.push(chartCard('chart-' + by, SQ.t('reports.by.' + by), type, rowsOf(byName.get(by), by), csv(by),
            SQ.t('reports.keyLabel.' + by), true));
        }
        optional.forEach((by, i) => {
          if (extra[i] && extra[i].rows && extra[i].rows.length) {
            cards.push(chartCard('chart-' + by, SQ.t('reports.by.' + by), 'hbar', rowsOf(extra[i], by), csv(by),
              SQ.t('reports.keyLabel.' + by), true));
          }
        });
        SQ.replace(output, totals,
          h('p', {class: 'muted small', text: SQ.t('reports.tzNote', {tz: days.tz || ''}) +
            (previous ? ' ' + SQ.t('reports.compareNote', {from: SQ.formatDay(previous[0]), to: SQ.formatDay(previous[1])}) : '')}),
          h('div', {class: 'charts'}, cards.map((c) => c.card)));
        cards.forEach((c) => c.draw());
      }
      await load(target, from, to);
    },
  };
})(window.SQ);
