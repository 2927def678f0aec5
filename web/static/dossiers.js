// Dossiers page (/dossiers): the list with filters, order and page kept in the URL
// (?state=&view=&field=&from=&to=&q=&sort=&order=&offset=), 50 rows a page, the total count.
'use strict';

(function () {
  const { App } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  const FILTERS = ['q', 'view', 'state', 'field', 'from', 'to'];
  const PAGE = 50;
  // The orders the server offers (GET /api/dossiers?sort=), and which way a first click sorts.
  const FIRST_ORDER = { filed_at: 'desc', due_at: 'asc', code: 'asc', state: 'asc' };
  let filters = new URLSearchParams();
  let sort = 'filed_at';
  let order = 'desc';
  let offset = 0;
  let total = 0;
  let dossiers = [];

  function fillStates() {
    const select = $('state');
    for (const state of window.I18n.STATES) {
      select.append(h('option', { value: state, dataset: { i18n: 'state.' + state }, text: t('state.' + state) }));
    }
  }

  // The filters, order and page of the URL, shown in the form; values the form does not offer
  // (an old bookmark) are shown as "all" and not sent.
  function readUrl() {
    const params = new URLSearchParams(location.search);
    filters = new URLSearchParams();
    for (const name of FILTERS) {
      const value = (params.get(name) || '').trim();
      const input = $(name);
      input.value = value;
      if (input.value !== value) continue;
      if (value) filters.set(name, value);
    }
    sort = Object.prototype.hasOwnProperty.call(FIRST_ORDER, params.get('sort')) ? params.get('sort') : 'filed_at';
    order = params.get('order') === 'asc' || params.get('order') === 'desc' ? params.get('order') : sort === 'filed_at' ? 'desc' : 'asc';
    offset = Math.max(0, Math.floor(Number(params.get('offset')) || 0));
  }

  // The URL of the list as it is now: filters, then the order and page when not the defaults.
  function listUrl() {
    const query = new URLSearchParams(filters);
    if (sort !== 'filed_at' || order !== 'desc') {
      query.set('sort', sort);
      query.set('order', order);
    }
    if (offset > 0) query.set('offset', String(offset));
    const search = query.toString();
    return '/dossiers' + (search ? '?' + search : '');
  }

  function submitFilters(ev) {
    ev.preventDefault();
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const value = $(name).value.trim();
      if (value) query.set(name, value);
    }
    // New filters start again at the first page, in the same order.
    if (sort !== 'filed_at' || order !== 'desc') {
      query.set('sort', sort);
      query.set('order', order);
    }
    const search = query.toString();
    location.assign('/dossiers' + (search ? '?' + search : ''));
  }

  function dueCell(row) {
    const cell = h('td', { class: 'col-date', dataset: { label: t('col.due_at') } });
    if (!row.due_at) return App.append(cell, '—');
    cell.append(h('time', { datetime: row.due_at, title: App.fmtDateTime(row.due_at), text: App.fmtDate(row.due_at) }));
    if (row.overdue) cell.append(h('div', null, h('span', { class: 'badge bad', text: t('dossiers.overdue') })));
    return cell;
  }

  function rowOf(row) {
    const label = row.code || t('dossiers.no_code', { id: row.id });
    return h(
      'tr',
      { dataset: { id: row.id, state: row.state } },
      h(
        'td',
        { class: 'col-code', dataset: { label: t('col.code') } },
        h('a', { href: '/dossier?id=' + encodeURIComponent(row.id), class: row.code ? 'mono' : null, text: label }),
        h('div', { class: 'sub mono', title: t('col.tracking_number'), text: row.tracking_number || '—' }),
      ),
      h(
        'td',
        { class: 'col-procedure', dataset: { label: t('col.procedure') } },
        row.procedure_name ? App.clampText(row.procedure_name, 'procedure') : h('span', { class: 'muted', text: t('dossiers.no_procedure') }),
      ),
      h('td', { class: 'col-state', dataset: { label: t('col.state') } }, App.stateBadge(row)),
      h('td', { class: 'col-date', dataset: { label: t('col.filed_at') } }, App.dateTimeLines(row.filed_at)),
      dueCell(row),
      h('td', { class: 'col-applicant', dataset: { label: t('col.applicant') } }, row.applicant_name ? App.clampText(row.applicant_name) : '—'),
    );
  }

  function render() {
    App.clear($('dossier-rows')).append(...dossiers.map(rowOf));
    $('dossier-table').hidden = dossiers.length === 0;
    $('list-empty').hidden = dossiers.length > 0;
    $('count').textContent = App.fmtNumber(total);
    App.sortHeaders($('dossier-table'), sort, order, changeSort);
    const pager = $('pager');
    pager.setAttribute('aria-label', t('paging.label'));
    pager.hidden = total === 0;
    $('page-range').textContent = t('paging.range', {
      first: App.fmtNumber(Math.min(offset + 1, total)),
      last: App.fmtNumber(offset + dossiers.length),
      total: App.fmtNumber(total),
    });
    $('page-prev').disabled = offset === 0;
    $('page-next').disabled = offset + dossiers.length >= total;
  }

  async function load() {
    const query = new URLSearchParams(filters);
    query.set('sort', sort);
    query.set('order', order);
    query.set('offset', String(offset));
    query.set('limit', String(PAGE));
    try {
      const answer = await App.get('/api/dossiers?' + query);
      dossiers = answer.dossiers || [];
      total = answer.total ?? dossiers.length;
      // A bookmarked page past the end (dossiers finished since): the last page instead.
      if (!dossiers.length && total > 0 && offset > 0) {
        offset = Math.floor((total - 1) / PAGE) * PAGE;
        history.replaceState(null, '', listUrl());
        return load();
      }
      render();
    } catch (err) {
      App.showError(err);
    }
  }

  // Another order or page: the URL follows (back returns to the previous one), the list reloads.
  async function go(focus) {
    history.pushState(null, '', listUrl());
    await load();
    if (focus) focus();
  }

  function changeSort(column) {
    if (column === sort) order = order === 'asc' ? 'desc' : 'asc';
    else {
      sort = column;
      order = FIRST_ORDER[column];
    }
    offset = 0;
    go(() => {
      const button = $('dossier-table').querySelector(`th[data-sort="${column}"] button`);
      if (button) button.focus();
    });
  }

  function turnPage(step) {
    offset = Math.max(0, offset + step * PAGE);
    go(() => {
      // Keep the keyboard where it was, unless that button is now disabled.
      const button = step > 0 ? $('page-next') : $('page-prev');
      (button.disabled ? $('list-heading') : button).focus();
    });
  }

  async function start() {
    fillStates();
    window.I18n.apply($('state'));
    const session = await App.startStaff(['officer', 'admin']);
    if (!session) return;
    $('dossiers').hidden = false;
    $('list-heading').setAttribute('tabindex', '-1');
    $('filter-form').addEventListener('submit', submitFilters);
    $('page-prev').addEventListener('click', () => turnPage(-1));
    $('page-next').addEventListener('click', () => turnPage(1));
    window.addEventListener('popstate', () => {
      readUrl();
      load();
    });
    document.addEventListener('hoso:lang', render);
    readUrl();
    await load();
  }

  start();
})();
