// Formatting shared by the pages: phone numbers (country code, DDD and
// number), dates, business-hours summaries, report date ranges.
'use strict';

(function (SQ) {
  // Country calling codes we can split off a stored E.164 number; longest
  // match wins. Anything else keeps all its digits in the number field.
  const COUNTRY_CODES = ['1', '7', '20', '27', '30', '31', '32', '33', '34', '36', '39', '40',
    '41', '43', '44', '45', '46', '47', '48', '49', '51', '52', '53', '54', '55', '56', '57',
    '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86', '90', '91', '92',
    '93', '94', '95', '98', '351', '352', '353', '354', '356', '357', '358', '359', '370',
    '371', '372', '380', '385', '386', '420', '421', '502', '503', '504', '505', '506', '507',
    '509', '591', '593', '595', '597', '598', '852', '853', '886', '971', '972', '974'];

  SQ.digits = (text) => String(text || '').replace(/\D+/g, '');

  // "5511999990001" -> {cc: "55", ddd: "11", number: "999990001"}
  SQ.splitPhone = function splitPhone(phone) {
    const d = SQ.digits(phone);
    let cc = '';
    for (const code of COUNTRY_CODES) {
      if (d.startsWith(code) && code.length > cc.length) cc = code;
    }
    const rest = d.slice(cc.length);
    if (cc === '55' && rest.length >= 10) return {cc, ddd: rest.slice(0, 2), number: rest.slice(2)};
    return {cc, ddd: '', number: rest};
  };

  SQ.joinPhone = (cc, ddd, number) => '+' + SQ.digits(cc) + SQ.digits(ddd) + SQ.digits(number);

  // "+55 (11) 99999-0001"
  SQ.formatPhone = function formatPhone(phone) {
    const p = SQ.splitPhone(phone);
    const n = p.number;
    const grouped = n.length >= 8 ? n.slice(0, n.length - 4) + '-' + n.slice(-4) : n;
    return (p.cc ? '+' + p.cc + ' ' : '+') + (p.ddd ? '(' + p.ddd + ') ' : '') + grouped;
  };

  SQ.formatDate = function formatDate(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    return new Intl.DateTimeFormat(SQ.i18n.locale(), {dateStyle: 'short', timeStyle: 'short'}).format(d);
  };

  SQ.formatDay = function formatDay(ymd) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
    if (!m) return String(ymd);
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return new Intl.DateTimeFormat(SQ.i18n.locale(), {day: '2-digit', month: '2-digit', timeZone: 'UTC'}).format(d);
  };

  SQ.formatNumber = (n) => new Intl.NumberFormat(SQ.i18n.locale()).format(n || 0);

  // Only http(s) and same-origin paths ever become an href or src.
  SQ.safeUrl = function safeUrl(url) {
    const s = String(url || '');
    return /^(https?:\/\/|\/(?!\/))/i.test(s) ? s : '';
  };

  // Weekdays in the order the shop's weeks run (Configurações: Monday first
  // by default, or Sunday).
  SQ.WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  SQ.profile = {shop_name: '', week_start: 'mon', public_url: ''};
  SQ.applyProfile = function applyProfile(settings) {
    if (!settings) return;
    SQ.profile = {shop_name: settings.shop_name || '', week_start: settings.week_start || 'mon',
      public_url: settings.public_url || ''};
    SQ.WEEKDAYS = SQ.profile.week_start === 'sun'
      ? ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
      : ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  };

  function rangesText(ranges) {
    return ranges.map((r) => r[0] + '–' + r[1]).join(', ');
  }

  // "seg–sex 09:00–18:00 · sáb 09:00–13:00" or "24 horas".
  SQ.hoursSummary = function hoursSummary(hours) {
    if (!hours) return SQ.t('hours.always');
    const week = hours.week || {};
    const groups = [];
    for (const day of SQ.WEEKDAYS) {
      const text = rangesText(week[day] || []);
      const last = groups[groups.length - 1];
      if (last && last.text === text) {
        last.to = day;
      } else {
        groups.push({from: day, to: day, text});
      }
    }
    const open = groups.filter((g) => g.text);
    if (!open.length) return SQ.t('hours.closedAllWeek');
    return open.map((g) => {
      const days = g.from === g.to ? SQ.t('day.short.' + g.from)
        : SQ.t('day.short.' + g.from) + '–' + SQ.t('day.short.' + g.to);
      return days + ' ' + g.text;
    }).join(' · ');
  };

  // Local calendar date as YYYY-MM-DD.
  SQ.isoDay = function isoDay(date) {
    const pad = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate());
  };

  // Every day from..to inclusive (YYYY-MM-DD strings), at most `limit`.
  SQ.daysBetween = function daysBetween(from, to, limit) {
    const out = [];
    const parse = (s) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
    };
    let t = parse(from);
    const end = parse(to);
    if (Number.isNaN(t) || Number.isNaN(end)) return out;
    while (t <= end && out.length < (limit || 1000)) {
      out.push(new Date(t).toISOString().slice(0, 10));
      t += 86400000;
    }
    return out;
  };
})(window.SQ);
