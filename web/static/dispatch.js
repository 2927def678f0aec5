// Dispatch page (/dispatch): dossiers whose result is ready, sent back by post in one go, with
// the tracking numbers, failures and skips, and the labels of what was sent; and the results
// waiting for the citizen at the desk ("Chờ công dân đến nhận"), which are never posted.
'use strict';

(function () {
  const { App } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  let ready = [];
  let total = null; // ready dossiers on the server, which may be more than one request lists
  // Rows a request lists (the server's cap); `?per_page=` asks for fewer, e.g. to see the paging.
  const perPage = Math.min(1000, Math.max(1, Number(new URLSearchParams(location.search).get('per_page')) || 1000));
  let outcome = null;
  // Why each dossier of the last dispatch failed, by id: shown on its row, which is left unticked.
  let failedWhy = new Map();

  function checkboxes() {
    return Array.from($('ready-rows').querySelectorAll('input[type=checkbox]'));
  }

  function updateSelection() {
    const boxes = checkboxes().filter((b) => !b.dataset.retry);
    const chosen = boxes.filter((b) => b.checked).length;
    $('select-all').checked = boxes.length > 0 && chosen === boxes.length;
    $('select-all').indeterminate = chosen > 0 && chosen < boxes.length;
    const all = checkboxes().filter((b) => b.checked).length;
    $('dispatch-submit').disabled = all === 0;
    $('selected-count').textContent = all ? t('dispatch.selected', { n: all }) : '';
  }

  // What the carrier needs of the receiver, cut to two lines; "missing" stands out (posting fails).
  function known(text) {
    return text ? App.clampText(text) : h('span', { class: 'badge warn', text: t('dispatch.missing') });
  }

  // A result the post brought back (return_failed) goes out again only when an officer picks it:
  // "select all" takes first-time results only.
  const isRetry = (row) => row.state === 'return_failed';

  function readyRow(row, chosen) {
        const boxId = 'pick-' + row.id;
        const label = row.code || t('dossiers.no_code', { id: row.id });
        return h(
          'tr',
          { dataset: { id: row.id } },
          h(
            'td',
            { class: 'check' },
            h('label', { for: boxId, class: 'visually-hidden', text: t('dispatch.select_one', { code: label }) }),
            h('input', {
              type: 'checkbox',
              id: boxId,
              value: String(row.id),
              dataset: { retry: isRetry(row) ? '1' : '' },
              checked: chosen.has(String(row.id)) && !failedWhy.has(row.id),
              onchange: updateSelection,
            }),
          ),
          h(
            'td',
            { class: 'col-code', dataset: { label: t('col.code') } },
            h('a', { href: '/dossier?id=' + encodeURIComponent(row.id), class: 'mono', text: label }),
            failedWhy.has(row.id) ? h('div', { class: 'row-problem', title: failedWhy.get(row.id), text: failedWhy.get(row.id) }) : null,
          ),
          h('td', { class: 'col-procedure', dataset: { label: t('col.procedure') } }, row.procedure_name ? App.clampText(row.procedure_name, 'procedure') : '—'),
          h('td', { class: 'col-state-narrow', dataset: { label: t('col.state') } }, App.stateBadge(row)),
          h('td', { class: 'col-receiver', dataset: { label: t('col.receiver') } }, known(row.applicant_name)),
          h('td', { class: 'col-phone', dataset: { label: t('col.phone') } }, h('span', { class: 'mono' }, known(row.applicant_phone))),
          h('td', { class: 'col-address', dataset: { label: t('col.return_address') } }, known(row.return_address)),
          h('td', { class: 'col-date', dataset: { label: t('col.due_at') } }, row.due_at ? h('time', { datetime: row.due_at, title: App.fmtDateTime(row.due_at), text: App.fmtDate(row.due_at) }) : '—'),
        );
  }

  function renderReady() {
    const chosen = new Set(checkboxes().filter((b) => b.checked).map((b) => b.value));
    const first = ready.filter((row) => !isRetry(row));
    const again = ready.filter(isRetry);
    App.clear($('ready-rows')).append(
      ...first.map((row) => readyRow(row, chosen)),
      again.length
        ? h('tr', { class: 'group-heading', id: 'retry-heading' }, h('th', { colspan: 8, scope: 'rowgroup', text: t('dispatch.retry_heading', { n: again.length }) }))
        : null,
      ...again.map((row) => readyRow(row, chosen)),
    );
    $('ready-table').hidden = ready.length === 0;
    $('ready-empty').hidden = ready.length > 0;
    $('count').textContent = App.fmtNumber(total ?? ready.length);
    // More ready than one request lists: said, never dropped silently, and one click lists more.
    const more = $('ready-more');
    more.hidden = !(total > ready.length);
    App.clear(more);
    if (!more.hidden) {
      more.append(
        t('dispatch.more', { shown: App.fmtNumber(ready.length), total: App.fmtNumber(total) }),
        ' ',
        h('button', {
          type: 'button',
          id: 'ready-load-more',
          onclick: loadMore,
          text: t('dispatch.load_more', { n: App.fmtNumber(Math.min(perPage, total - ready.length)) }),
        }),
      );
    }
    updateSelection();
  }

  function codeOf(dossierId) {
    const row = ready.find((r) => r.id === dossierId);
    return row && row.code ? row.code : t('dossiers.no_code', { id: dossierId });
  }

  function problemList(key, items) {
    if (!items.length) return null;
    return [
      h('h3', { text: t('dispatch.' + key, { n: items.length }) }),
      h(
        'ul',
        { id: 'dispatch-' + key },
        items.map((p) =>
          h(
            'li',
            null,
            h('a', { href: '/dossier?id=' + encodeURIComponent(p.id), text: codeOf(p.id) }),
            ': ',
            p.message || '',
            // What is missing is typed on the dossier's page, in its applicant panel.
            p.problem === 'applicant_missing'
              ? [' ', h('a', { class: 'button fix-applicant', href: '/dossier?id=' + encodeURIComponent(p.id) + '#sua-nguoi-nop', text: t('dispatch.fix_applicant') })]
              : null,
          ),
        ),
      ),
    ];
  }

  function renderOutcome() {
    const body = App.clear($('outcome-body'));
    $('outcome').hidden = !outcome;
    if (!outcome) return;
    const sent = outcome.dispatched || [];
    body.append(h('h3', { text: t('dispatch.dispatched', { n: sent.length }) }));
    if (sent.length) {
      body.append(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'dispatched-table' },
            App.thead(['col.code', 'col.return_tracking_number']),
            h(
              'tbody',
              null,
              sent.map((s) =>
                h(
                  'tr',
                  null,
                  h('td', null, h('a', { href: '/dossier?id=' + encodeURIComponent(s.id), class: 'mono', text: s.code || '#' + s.id })),
                  h('td', { class: 'mono tracking-number', text: s.tracking_number }),
                ),
              ),
            ),
          ),
        ),
        h(
          'p',
          null,
          h('a', {
            class: 'button primary',
            id: 'labels-link',
            href: '/api/labels?ids=' + sent.map((s) => encodeURIComponent(s.id)).join(','),
            target: '_blank',
            rel: 'noopener',
            text: t('dispatch.labels'),
          }),
        ),
      );
    }
    App.append(body, [problemList('failed', outcome.failed || []), problemList('skipped', outcome.skipped || [])]);
  }

  // Results the citizen collects at the desk (docs/domain.md §1.5): listed apart, never posted.
  let waiting = [];
  let waitingTotal = 0;

  function renderCollect() {
    App.clear($('collect-rows')).append(
      ...waiting.map((row) => {
        const label = row.code || t('dossiers.no_code', { id: row.id });
        const page = '/dossier?id=' + encodeURIComponent(row.id);
        return h(
          'tr',
          { dataset: { id: row.id } },
          h('td', { class: 'col-code', dataset: { label: t('col.code') } }, h('a', { href: page, class: 'mono', text: label })),
          h('td', { class: 'col-procedure', dataset: { label: t('col.procedure') } }, row.procedure_name ? App.clampText(row.procedure_name, 'procedure') : '—'),
          h('td', { class: 'col-state-narrow', dataset: { label: t('col.state') } }, App.stateBadge(row)),
          h('td', { class: 'col-receiver', dataset: { label: t('col.applicant') } }, row.applicant_name || '—'),
          h('td', { class: 'col-date', dataset: { label: t('col.due_at') } }, row.due_at ? h('time', { datetime: row.due_at, title: App.fmtDateTime(row.due_at), text: App.fmtDate(row.due_at) }) : '—'),
          h('td', { class: 'col-action', dataset: { label: t('dispatch.collect_action_col') } }, h('a', { class: 'button collect-link', href: page + '#nhan-ket-qua', text: t('dispatch.collect_action') })),
        );
      }),
    );
    $('collect-table').hidden = waiting.length === 0;
    $('collect-empty').hidden = waiting.length > 0;
    $('collect-count').textContent = App.fmtNumber(waitingTotal);
  }

  async function loadCollect() {
    try {
      const answer = await App.get('/api/dossiers?view=collect&limit=1000&sort=due_at&order=asc');
      waiting = answer.dossiers || [];
      waitingTotal = answer.total ?? waiting.length;
      renderCollect();
    } catch (err) {
      App.showError(err);
    }
  }

  async function readyPage(offset, limit) {
    const answer = await App.get(`/api/dossiers?view=ready&limit=${limit}&offset=${offset}`);
    total = answer.total ?? offset + (answer.dossiers || []).length;
    return answer.dossiers || [];
  }

  // After a dispatch, as many rows as were listed before (those posted have left the list).
  async function load() {
    try {
      ready = await readyPage(0, Math.max(perPage, Math.min(ready.length, 1000)));
      renderReady();
    } catch (err) {
      App.showError(err);
    }
  }

  async function loadMore(ev) {
    try {
      const next = await App.busy($('ready-more'), () => readyPage(ready.length, perPage));
      const known = new Set(ready.map((r) => r.id));
      ready = ready.concat(next.filter((r) => !known.has(r.id)));
      renderReady();
      const first = $('ready-rows').querySelector(`tr[data-id="${next.length ? next[0].id : ''}"] input`);
      if (first) first.focus();
    } catch (err) {
      App.showError(err);
    }
  }

  // "Post 3 results back to: Nguyễn Văn A, Trần Thị B and 1 more?"
  function confirmation(ids) {
    const names = ids.map((id) => {
      const row = ready.find((r) => r.id === id);
      return (row && row.applicant_name) || t('dossiers.no_code', { id });
    });
    const shown = names.slice(0, 5).join(', ');
    const more = names.length > 5 ? t('dispatch.confirm_more', { n: names.length - 5 }) : '';
    return t('dispatch.confirm', { n: ids.length, names: shown + more });
  }

  async function submit(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const ids = checkboxes().filter((b) => b.checked).map((b) => Number(b.value));
    if (!ids.length) return;
    if (!(await App.confirm(confirmation(ids), t('dispatch.confirm_yes', { n: ids.length })))) return;
    try {
      outcome = await App.busy(form, () => App.post('/api/dispatch', { ids }));
    } catch (err) {
      App.showError(err);
      return;
    }
    failedWhy = new Map((outcome.failed || []).map((f) => [f.id, f.message || '']));
    App.clearError();
    renderOutcome();
    $('outcome').focus();
    App.workChanged();
    await load();
  }

  async function start() {
    const session = await App.startStaff(['officer', 'admin']);
    if (!session) return;
    $('dispatch').hidden = false;
    $('select-all').addEventListener('change', (ev) => {
      // All first-time results; results the post brought back stay as the officer left them.
      checkboxes().forEach((b) => {
        if (!b.dataset.retry) b.checked = ev.currentTarget.checked;
      });
      updateSelection();
    });
    $('dispatch-form').addEventListener('submit', submit);
    document.addEventListener('hoso:lang', () => {
      renderReady();
      renderOutcome();
      renderCollect();
    });
    await load();
    await loadCollect();
  }

  start();
})();
