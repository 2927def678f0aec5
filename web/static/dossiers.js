// Dossiers page (/dossiers): the list with filters kept in the URL (?state=&view=&field=&from=&to=&q=).
'use strict';

(function () {
  const { App } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  const FILTERS = ['q', 'view', 'state', 'field', 'from', 'to'];
  const LIMIT = 200; // the server's default: more means narrowing the filters
  let dossiers = [];

  function fillStates() {
    const select = $('state');
    for (const state of window.I18n.STATES) {
      select.append(h('option', { value: state, dataset: { i18n: 'state.' + state }, text: t('state.' + state) }));
    }
  }

  function filtersFromUrl() {
    const params = new URLSearchParams(location.search);
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const value = (params.get(name) || '').trim();
      const input = $(name);
      input.value = value;
      // A value the select does not offer (an old bookmark) is shown as "all" and not sent.
      if (input.value !== value) continue;
      if (value) query.set(name, value);
    }
    return query;
  }

  function submitFilters(ev) {
    ev.preventDefault();
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const value = $(name).value.trim();
      if (value) query.set(name, value);
    }
    const search = query.toString();
    location.assign('/dossiers' + (search ? '?' + search : ''));
  }

  function dueCell(row) {
    const cell = h('td', null, App.timeEl(row.due_at));
    if (row.overdue) cell.append(' ', h('span', { class: 'badge bad', text: t('dossiers.overdue') }));
    return cell;
  }

  function rowOf(row) {
    const label = row.code || t('dossiers.no_code', { id: row.id });
    return h(
      'tr',
      { dataset: { id: row.id, state: row.state } },
      h('td', null, h('a', { href: '/dossier?id=' + encodeURIComponent(row.id), class: row.code ? 'mono' : null, text: label })),
      h('td', { class: 'mono', text: row.tracking_number || '—' }),
      h(
        'td',
        null,
        row.procedure_name
          ? h('span', { title: row.procedure_code || '' }, row.procedure_name)
          : h('span', { class: 'muted', text: t('dossiers.no_procedure') }),
      ),
      h('td', null, h('span', { class: 'badge', text: App.label('state.', row.state, row.state_label) })),
      h('td', null, App.timeEl(row.filed_at)),
      dueCell(row),
      h('td', { text: row.applicant_name || '—' }),
    );
  }

  function render() {
    App.clear($('dossier-rows')).append(...dossiers.map(rowOf));
    $('dossier-table').hidden = dossiers.length === 0;
    $('list-empty').hidden = dossiers.length > 0;
  }

  async function load(query) {
    try {
      const answer = await App.get('/api/dossiers' + (query.toString() ? '?' + query : ''));
      dossiers = answer.dossiers || [];
      $('count').textContent = App.fmtNumber(answer.count ?? dossiers.length);
      $('list-limited').hidden = dossiers.length < LIMIT;
      render();
    } catch (err) {
      App.showError(err);
    }
  }

  async function start() {
    fillStates();
    window.I18n.apply($('state'));
    const session = await App.startStaff(['officer', 'admin']);
    if (!session) return;
    $('dossiers').hidden = false;
    $('filter-form').addEventListener('submit', submitFilters);
    document.addEventListener('hoso:lang', render);
    await load(filtersFromUrl());
  }

  start();
})();
