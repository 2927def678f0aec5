// Dossiers page (/dossiers): the list with filters, order and page kept in the URL
// (?state=&view=&field=&from=&to=&q=&sort=&order=&offset=), 50 rows a page, the total count;
// quick views with their counts; a search that opens the dossier a scanned or typed number names;
// received dossiers ticked on any page accepted at once under one procedure, their receipts
// printed as one document.
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
  // Received dossiers ticked for accepting, kept across pages: id -> code or number shown.
  const selected = new Map();
  let picker = null;

  // The quick views: a list the desk opens many times a day, and its count (GET /api/workload).
  const QUICK = [
    { key: 'waiting_acceptance', query: 'state=received' },
    { key: 'acceptance_late', query: 'view=accept_late', urgent: true },
    { key: 'supplement_expired', query: 'view=supplement_expired', urgent: true, onlyWhenAny: true },
    { key: 'due_soon', query: 'view=due_soon', urgent: true },
    { key: 'overdue', query: 'view=overdue', urgent: true },
    { key: 'ready', query: 'view=ready' },
    { key: 'waiting_collection', query: 'view=collect' },
  ];

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
      if (input.dataset.day !== undefined) {
        // The URL has the day as the API reads it; the field shows it as the desk writes it.
        const day = App.parseDay(value);
        input.value = day ? App.fmtDate(day) : '';
        if (day) filters.set(name, day);
        continue;
      }
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

  // A search that names one dossier as a whole (a tracking number or dossier code typed or
  // scanned with a hand scanner, which ends with Enter) opens it; anything else lists the matches.
  async function submitFilters(ev) {
    ev.preventDefault();
    const q = $('q').value.trim();
    if (q) {
      try {
        const answer = await App.get('/api/dossiers?limit=1&q=' + encodeURIComponent(q));
        if (answer.key_match) {
          location.assign('/dossier?id=' + encodeURIComponent(answer.key_match));
          return;
        }
      } catch (err) {
        // The list below says what is wrong with the search.
      }
    }
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const input = $(name);
      const value = input.dataset.day !== undefined ? App.dayValue(input) : input.value.trim();
      if (value === null) return;
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

  function selectCell(row, label) {
    const cell = h('td', { class: 'col-select' });
    if (row.state !== 'received') return cell;
    const box = h('input', {
      type: 'checkbox',
      class: 'row-select',
      checked: selected.has(row.id),
      'aria-label': t('bulk.select_one', { dossier: label }),
    });
    box.addEventListener('change', () => {
      if (box.checked) selected.set(row.id, label);
      else selected.delete(row.id);
      renderBulk();
    });
    return App.append(cell, box);
  }

  function rowOf(row) {
    const label = row.code || t('dossiers.no_code', { id: row.id });
    return h(
      'tr',
      { dataset: { id: row.id, state: row.state } },
      selectCell(row, label),
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
    renderBulk();
    renderQuickViews();
    $('close-expired-form').hidden = !(filters.get('view') === 'supplement_expired' && total > 0);
  }

  // ---- closing the dossiers past the supplement period (Decree 118/2025 Art. 19(5)) -------------

  async function closeExpired(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    if (!(await App.confirm(t('expired.confirm', { n: App.fmtNumber(total) }), t('expired.close')))) return;
    try {
      const answer = await App.busy(form, () => App.post('/api/dossiers/close-expired', {}));
      App.clearError();
      const closed = answer.closed || [];
      const box = App.clear($('bulk-result'));
      box.hidden = false;
      box.append(h('p', { id: 'expired-closed', text: t('expired.closed', { n: App.fmtNumber(closed.length) }) }));
      App.workChanged();
      await load();
      box.focus();
    } catch (err) {
      App.showError(err);
    }
  }

  // ---- quick views -----------------------------------------------------------------------------

  function renderQuickViews() {
    const work = App.workload || {};
    const current = new URLSearchParams(location.search);
    const items = QUICK.filter((q) => typeof work[q.key] === 'number' && !(q.onlyWhenAny && work[q.key] === 0)).map((q) => {
      const [name, value] = q.query.split('=');
      const on = current.get(name) === value && [...current.keys()].every((k) => k === name || k === 'sort' || k === 'order' || k === 'offset');
      return h(
        'li',
        null,
        h(
          'a',
          {
            href: '/dossiers?' + q.query,
            id: 'quick-' + q.key,
            class: q.urgent && work[q.key] > 0 ? 'urgent' : null,
            'aria-current': on ? 'true' : null,
            dataset: { count: work[q.key] },
          },
          h('span', { text: t('work.' + q.key) }),
          h('span', { class: 'work-count', text: App.fmtNumber(work[q.key]) }),
        ),
      );
    });
    App.clear($('quick-views')).append(...items);
  }

  // ---- accepting in bulk -------------------------------------------------------------------------

  // The bar shows while dossiers are ticked: how many, the procedure, accept.
  function renderBulk() {
    const boxes = [...$('dossier-rows').querySelectorAll('input.row-select')];
    const all = $('select-all');
    const ticked = boxes.filter((b) => b.checked).length;
    all.disabled = boxes.length === 0;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
    $('bulk-form').hidden = selected.size === 0;
    $('bulk-count').textContent = t('bulk.count', { n: App.fmtNumber(selected.size) });
    $('bulk-accept').textContent = t('bulk.accept_n', { n: App.fmtNumber(selected.size) });
  }

  function selectAll() {
    const on = $('select-all').checked;
    for (const box of $('dossier-rows').querySelectorAll('input.row-select')) {
      if (box.checked !== on) {
        box.checked = on;
        box.dispatchEvent(new Event('change'));
      }
    }
  }

  function clearSelection() {
    selected.clear();
    render();
    $('select-all').focus();
  }

  // The catalogue is read once, when the first dossier is ticked (ticking all fires many changes).
  let pickerReady = null;
  function ensurePicker() {
    pickerReady =
      pickerReady ||
      App.get('/api/procedures').then((answer) => {
        picker = App.procedurePicker({ id: 'bulk-procedure', name: 'procedure', procedures: answer.procedures || [] });
        App.clear($('bulk-picker-slot')).append(picker.element);
      });
    pickerReady.catch(() => {
      pickerReady = null; // a later tick tries again
    });
    return pickerReady;
  }

  async function acceptSelected(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const procedure = picker ? picker.value() : '';
    if (!procedure) {
      App.showError(t('bulk.needs_procedure'));
      if (picker) picker.input.focus();
      return;
    }
    const ids = [...selected.keys()];
    try {
      const answer = await App.busy(form, () => App.post('/api/dossiers/accept', { ids, procedure }));
      App.clearError();
      for (const done of answer.accepted || []) selected.delete(done.id);
      showAccepted(answer);
      App.workChanged();
      await load();
    } catch (err) {
      App.showError(err);
    }
  }

  // What was accepted, the receipts to print as one document, and what was not and why.
  function showAccepted(answer) {
    const accepted = answer.accepted || [];
    const failed = answer.failed || [];
    const box = App.clear($('bulk-result'));
    box.hidden = false;
    box.append(h('p', { id: 'bulk-accepted', text: t('bulk.accepted', { n: App.fmtNumber(accepted.length) }) }));
    if (accepted.length) {
      box.append(
        h(
          'p',
          null,
          h('a', {
            id: 'bulk-receipts',
            class: 'button primary',
            href: '/api/receipts?ids=' + accepted.map((a) => a.id).join(','),
            target: '_blank',
            rel: 'noopener',
            text: t('bulk.print_receipts', { n: App.fmtNumber(accepted.length) }),
          }),
        ),
      );
    }
    if (failed.length) {
      box.append(
        h('p', { text: t('bulk.not_accepted', { n: App.fmtNumber(failed.length) }) }),
        h(
          'ul',
          { id: 'bulk-failed' },
          failed.map((f) => h('li', { text: t('bulk.failed_one', { id: f.id, message: f.message }) })),
        ),
      );
    }
    const link = $('bulk-receipts');
    (link || box).focus();
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
    App.dayFields($('filter-form'));
    $('page-prev').addEventListener('click', () => turnPage(-1));
    $('page-next').addEventListener('click', () => turnPage(1));
    $('select-all').addEventListener('change', selectAll);
    $('bulk-clear').addEventListener('click', clearSelection);
    $('bulk-form').addEventListener('submit', acceptSelected);
    $('close-expired-form').addEventListener('submit', closeExpired);
    // The procedures are read when the first dossier is ticked.
    for (const el of [$('dossier-rows'), $('select-all')]) el.addEventListener('change', () => ensurePicker().catch(App.showError));
    document.addEventListener('hoso:workload', renderQuickViews);
    window.addEventListener('popstate', () => {
      readUrl();
      load();
    });
    document.addEventListener('hoso:lang', render);
    readUrl();
    await load();
    // The desk's first move is a search, often with a hand scanner: the cursor waits there.
    if (!location.hash) $('q').focus();
  }

  start();
})();
