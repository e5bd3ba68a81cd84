// Organizar > Geolocalizado: centrals whose anchor sends each customer to
// the member serving their region (country BR, state BR-SP, city
// BR-SP/Campinas; the most specific wins), else to the anchor's own number
// (the matriz). Built by SQ.modeCentrals (seletivo.js): the same list, clock
// button, wizard, edit and delete as Sequencial, with each member's regions.
'use strict';

(function (SQ) {
  const h = SQ.h;

  // "BR-SP, BR-SP/Campinas" <-> ["BR-SP", "BR-SP/Campinas"] (also one per line).
  const parseRegions = (text) => text.split(/[,\n;]/).map((r) => r.trim()).filter((r) => r);

  SQ.modeCentrals({
    mode: 'geo',
    base: '/admin/geolocalizado',
    prefix: 'geo.',
    pages: {list: 'geo', create: 'geoNew', edit: 'geoEdit'},
    memberTitle: (member, name) => name,
    memberDetail: (member) => (member.regions || []).join(', '),
    badges: () => [SQ.t('geo.matrizBadge')],
    memberFields(member) {
      const label = SQ.t('geo.regions');
      const input = h('input', {type: 'text', class: 'entry-regions', value: (member.regions || []).join(', '),
        'aria-label': label, placeholder: 'BR-SP, BR-SP/Campinas, PT', dataset: {field: 'regions'},
        autocomplete: 'off'});
      return {
        nodes: [h('label', {class: 'mode-field wide'}, h('span', {class: 'muted small', text: label}), input,
          h('small', {class: 'hint', text: SQ.t('geo.regionsHint')}))],
        read: () => ({regions: parseRegions(input.value)}),
      };
    },
    options() {
      return {nodes: [h('p', {class: 'notice', text: SQ.t('geo.matrizHint')})], read: () => ({})};
    },
  });
})(window.SQ);
