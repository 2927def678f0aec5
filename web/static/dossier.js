// Dossier page (/dossier?id=N): the staff view of one dossier, its allowed actions (with the small
// form an action needs), its printable documents, applicant, history, shipments and scans.
'use strict';

(function () {
  const { App } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  // What each action asks for: fields of the request body.
  const ACTION_FIELDS = {
    accept: ['procedure'],
    request_supplement: ['missing'],
    refuse: ['reason'],
    withdraw: ['reason'],
    stop: ['reason'],
    record_return_failure: ['reason'],
    apologise: ['reason', 'new_date'],
  };

  const id = new URLSearchParams(location.search).get('id') || '';
  let dossier = null;

  function fact(key, ...value) {
    return [h('dt', { text: t(key) }), h('dd', null, ...value)];
  }

  // Overdue, or due within a working day: said above the facts, with the due time.
  function renderDeadline(d) {
    const box = $('deadline-warning');
    box.hidden = !d.deadline;
    if (!d.deadline) return;
    box.className = d.deadline === 'overdue' ? 'notice bad' : 'notice warn';
    box.dataset.deadline = d.deadline;
    box.textContent = t('deadline.' + d.deadline, { due: App.fmtDateTime(d.due_at) });
  }

  // Supplement envelopes joined by intake (supplement_by_post, supplement_unexpected events), by
  // tracking number.
  function supplementEvents(d) {
    return (d.history || []).filter((e) => e.action === 'supplement_by_post' || e.action === 'supplement_unexpected');
  }

  // A supplement that came by post while the dossier was not waiting for one: for an officer to look.
  function renderSupplementWarning(d) {
    const box = $('supplement-warning');
    const unexpected = supplementEvents(d).filter((e) => e.action === 'supplement_unexpected');
    box.hidden = !unexpected.length;
    if (!unexpected.length) return;
    const last = unexpected[unexpected.length - 1];
    const data = last.data && typeof last.data === 'object' ? last.data : {};
    box.textContent = t('supplement.unexpected', { number: data.tracking_number || '', at: App.fmtDateTime(last.at) });
  }

  function renderFacts(d) {
    renderDeadline(d);
    renderSupplementWarning(d);
    const title = d.code ? t('dossier.title_code', { code: d.code }) : t('dossier.title_id', { id: d.id });
    $('dossier-title').textContent = title;
    document.title = title + ' — hoso';
    const inbound = (d.shipments || []).find((s) => s.direction === 'inbound');
    const procedure = d.procedure
      ? [h('span', { text: d.procedure.name }), ' ', h('span', { class: 'muted mono', text: `(${d.procedure.code})` })]
      : [h('span', { class: 'muted', text: t('dossier.no_procedure') })];
    const due = [App.timeEl(d.due_at)];
    if (d.reappointed) due.push(' ', h('span', { class: 'badge warn', text: t('dossier.reappointed') }));
    App.clear($('facts')).append(
      ...fact('dossier.code', d.code ? h('strong', { class: 'mono', id: 'dossier-code', text: d.code }) : t('dossier.no_code')),
      ...fact(
        'dossier.state',
        h('span', {
          class: 'badge',
          id: 'dossier-state',
          dataset: { state: d.state },
          text: App.label('state.', d.state, d.state_label),
        }),
        ' ',
        h('span', { class: 'muted', text: t('dossier.national_status', { code: d.national_status }) }),
      ),
      ...fact('dossier.procedure', ...procedure),
      ...fact('dossier.field', d.procedure ? App.label('field.', d.procedure.field) : '—'),
      ...fact('dossier.tracking_number', inbound ? h('span', { class: 'mono', text: inbound.tracking_number }) : '—'),
      ...fact('dossier.filed_at', App.timeEl(d.filed_at)),
      ...fact('dossier.due_at', ...due),
      ...fact('dossier.supplements', String(d.supplement_count ?? 0)),
      ...fact('dossier.lookup_code', h('span', { class: 'mono', text: d.lookup_code || '—' })),
      ...(d.portal_code ? fact('dossier.portal_code', h('span', { class: 'mono', text: d.portal_code })) : []),
    );
  }

  // ---- actions -------------------------------------------------------------------------------

  function fieldFor(action, name, d) {
    const inputId = 'action-' + name;
    let control;
    if (name === 'procedure') {
      control = App.procedurePicker({
        id: inputId,
        name,
        procedures: d.procedures || [],
        current: d.procedure ? d.procedure.code : '',
      }).element;
    } else if (name === 'new_date') {
      control = h('input', {
        type: 'text',
        id: inputId,
        name,
        required: true,
        autocomplete: 'off',
        inputmode: 'numeric',
        placeholder: t('date.placeholder'),
        dataset: { day: '' },
      });
    } else {
      control = h('input', { type: 'text', id: inputId, name, required: true, autocomplete: 'off' });
    }
    return h('div', { class: 'field' }, h('label', { for: inputId, text: t('action.field.' + name) }), control);
  }

  function openAction(action) {
    const slot = App.clear($('action-form-slot'));
    const fields = ACTION_FIELDS[action] || [];
    const form = h(
      'form',
      { class: 'action-form', id: 'action-form', dataset: { action }, novalidate: true },
      h('h3', { text: App.label('action.', action) }),
      fields.length ? null : h('p', { text: t('action.confirm_text') }),
      fields.map((name) => fieldFor(action, name, dossier)),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', id: 'action-submit', text: t('action.submit') }),
        h('button', { type: 'button', text: t('action.cancel'), onclick: closeAction }),
      ),
    );
    form.addEventListener('submit', (ev) => submitAction(ev, action, fields));
    App.dayFields(form);
    slot.append(form);
    const first = form.querySelector('input, select') || form.querySelector('button[type=submit]');
    first.focus();
  }

  function closeAction() {
    App.clear($('action-form-slot'));
    const first = $('actions').querySelector('button');
    if (first) first.focus();
  }

  async function submitAction(ev, action, fields) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const body = {};
    for (const name of fields) {
      const control = form.elements[name];
      let value = control.value.trim();
      if (control.dataset && control.dataset.day !== undefined && value) {
        value = App.dayValue(control);
        if (value === null) return;
      }
      if (!value) {
        App.showError(t('action.needs', { field: t('action.field.' + name) }));
        // A picker keeps its value in a hidden input: the field typed in takes the focus.
        (control.type === 'hidden' ? form.querySelector('#action-' + name) : control).focus();
        return;
      }
      body[name] = value;
    }
    try {
      const answer = await App.busy(form, () =>
        App.post('/api/dossiers/' + encodeURIComponent(id) + '/actions/' + encodeURIComponent(action), body),
      );
      App.clear($('action-form-slot'));
      App.workChanged();
      await load();
      App.showStatus(t('action.done', { action: App.label('action.', action) }));
      // Accepted late (the clock ran from the post's handover): the server says why, in the page's
      // language; it stays until the next action.
      if (answer && answer.warning) {
        $('action-form-slot').append(h('p', { class: 'notice warn', id: 'action-warning', role: 'alert', text: answer.warning }));
      }
      $('status').focus();
    } catch (err) {
      App.showError(err);
    }
  }

  function renderActions(d) {
    const actions = d.allowed_actions || [];
    App.clear($('actions')).append(
      ...actions.map((action) =>
        h('button', {
          type: 'button',
          class: 'action-button',
          dataset: { action },
          text: App.label('action.', action),
          onclick: () => openAction(action),
        }),
      ),
    );
    // Results go back by post from the dispatch page, for many dossiers at once; a result the
    // citizen collects is handed over here, with who received it.
    const ready = d.state === 'processed' || d.state === 'return_failed';
    if (ready && d.result_delivery === 'desk') {
      $('actions').append(h('button', { type: 'button', class: 'primary', id: 'collect-open', text: t('collect.open'), onclick: openCollection }));
    } else if (ready) {
      $('actions').append(h('a', { class: 'button primary', href: '/dispatch', text: t('dossier.to_dispatch') }));
    }
    $('no-actions').hidden = actions.length > 0 || ready;
  }

  function renderDocuments(d) {
    const docs = d.documents || [];
    App.clear($('documents')).append(
      ...docs.map((kind) =>
        h(
          'li',
          null,
          h('a', {
            class: 'button',
            href: `/api/dossiers/${encodeURIComponent(d.id)}/documents/${encodeURIComponent(kind)}`,
            target: '_blank',
            rel: 'noopener',
            dataset: { kind },
            text: App.label('document.', kind),
          }),
        ),
      ),
    );
    $('no-documents').hidden = docs.length > 0;
  }

  // The file a scan came from; "typed" marks a number typed or read by a hand scanner.
  function fileName(file) {
    return file === 'typed' ? t('scans.typed') : file;
  }

  // ---- applicant, history, shipments, scans ----------------------------------------------------

  // The applicant's details an officer types from the consignment note or the application form,
  // in the order of the form.
  const APPLICANT_FIELDS = [
    { name: 'full_name', required: true, autocomplete: 'name' },
    { name: 'id_number', inputmode: 'numeric' },
    { name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel' },
    { name: 'address', autocomplete: 'street-address' },
    { name: 'return_address', hint: 'applicant.return_address_hint' },
  ];
  // What the post needs to send the result back (as tracking/dispatch.cpp checks).
  function missingForPost(a) {
    const missing = [];
    if (!a || !(a.full_name || '').trim()) missing.push(t('applicant.full_name').toLowerCase());
    if (!a || !(a.phone || '').trim()) missing.push(t('applicant.phone').toLowerCase());
    if (!a || (!(a.address || '').trim() && !(a.return_address || '').trim())) missing.push(t('applicant.return_address').toLowerCase());
    return missing;
  }
  // Name, phone and addresses are on the label once the result is on its way.
  const contactLocked = (d) => d.state === 'return_dispatched';

  function renderApplicant(d) {
    const box = App.clear($('applicant'));
    const a = d.applicant;
    if (!a) {
      box.append(h('p', { class: 'empty', text: t('applicant.none') }));
    } else {
      const rows = [
        ['applicant.full_name', a.full_name],
        ['applicant.id_number', a.id_number],
        ['applicant.old_id_number', a.old_id_number],
        ['applicant.birth_date', a.birth_date ? App.fmtDate(a.birth_date) : ''],
        ['applicant.sex', a.sex],
        ['applicant.address', a.address],
        ['applicant.return_address', a.return_address],
        ['applicant.phone', a.phone],
        ['applicant.source', a.source && App.label('applicant_source.', a.source)],
      ].filter(([, value]) => value);
      box.append(
        h(
          'dl',
          { class: 'facts', id: 'applicant-facts' },
          rows.map(([key, value]) => [h('dt', { text: t(key) }), h('dd', { text: value })]),
        ),
      );
    }
    renderDelivery(d, box);
    const missing = d.result_delivery === 'desk' ? [] : missingForPost(a);
    if (missing.length && !['refused', 'withdrawn', 'stopped', 'result_returned'].includes(d.state)) {
      box.append(h('p', { class: 'notice warn', id: 'applicant-missing', text: t('applicant.missing_for_post', { missing: missing.join(', ') }) }));
    }
    if (contactLocked(d)) {
      box.append(h('p', { class: 'muted', text: t('applicant.locked') }));
    } else {
      box.append(
        h('p', { class: 'no-print' }, h('button', { type: 'button', id: 'applicant-edit', text: t(a ? 'applicant.edit' : 'applicant.add'), onclick: () => openApplicantForm() })),
      );
    }
    box.append(h('div', { id: 'applicant-form-slot' }));
    renderApplicantChanges(d, box);
  }

  // Who changed the details and which fields, never the values (they stay out of the event log).
  function renderApplicantChanges(d, box) {
    const changes = (d.history || []).filter((e) => e.action === 'applicant_updated');
    if (!changes.length) return;
    box.append(
      h('h3', { text: t('applicant.changes') }),
      h(
        'ul',
        { class: 'applicant-changes', id: 'applicant-changes' },
        changes.map((e) => {
          const fields = ((e.data && e.data.fields) || []).map((name) => t('applicant.' + name).toLowerCase());
          return h(
            'li',
            null,
            App.timeEl(e.at),
            ' ',
            t('applicant.change_line', { actor: e.actor_name || e.actor || '—', fields: fields.join(', ') || '—' }),
          );
        }),
      ),
    );
  }

  function openApplicantForm() {
    const slot = App.clear($('applicant-form-slot'));
    const a = dossier.applicant || {};
    const form = h(
      'form',
      { class: 'action-form', id: 'applicant-form', novalidate: true },
      h('h3', { text: t(dossier.applicant ? 'applicant.edit' : 'applicant.add') }),
      h('p', { class: 'muted', text: t('applicant.hint') }),
      APPLICANT_FIELDS.map((f) => {
        const inputId = 'applicant-' + f.name;
        return h(
          'div',
          { class: 'field' },
          h('label', { for: inputId, text: t('applicant.' + f.name) }),
          h('input', {
            type: f.type || 'text',
            id: inputId,
            name: f.name,
            value: a[f.name] || '',
            maxlength: 300,
            required: !!f.required,
            inputmode: f.inputmode || null,
            autocomplete: f.autocomplete || 'off',
          }),
          f.hint ? h('small', { class: 'muted', text: t(f.hint) }) : null,
        );
      }),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', id: 'applicant-save', text: t('applicant.save') }),
        h('button', { type: 'button', text: t('action.cancel'), onclick: closeApplicantForm }),
      ),
    );
    form.addEventListener('submit', submitApplicant);
    slot.append(form);
    // The first field still empty that the post needs, else the name.
    const wanted = ['full_name', 'phone', 'return_address'].find((name) => !(a[name] || '').trim() && !(name === 'return_address' && (a.address || '').trim()));
    form.elements[wanted || 'full_name'].focus();
  }

  function closeApplicantForm() {
    App.clear($('applicant-form-slot'));
    $('applicant-edit').focus();
  }

  async function submitApplicant(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const body = {};
    for (const f of APPLICANT_FIELDS) body[f.name] = form.elements[f.name].value.trim();
    if (!body.full_name) {
      App.showError(t('action.needs', { field: t('applicant.full_name') }));
      form.elements.full_name.focus();
      return;
    }
    try {
      await App.busy(form, () => App.post('/api/dossiers/' + encodeURIComponent(id) + '/applicant', body));
      await load();
      App.showStatus(t('applicant.saved'));
      $('status').focus();
    } catch (err) {
      App.showError(err);
    }
  }

  // ---- the result at the desk or by post, as the citizen chose (docs/domain.md §1.5) -----------

  // "Nhận kết quả: qua bưu điện / tại Trung tâm", changeable until the result leaves or is returned.
  function renderDelivery(d, box) {
    const delivery = d.result_delivery || 'post';
    const closed = d.state === 'return_dispatched' || d.state === 'result_returned';
    const block = h('div', { class: 'result-delivery', id: 'result-delivery', dataset: { delivery } });
    if (closed) {
      block.append(h('p', null, h('strong', { text: t('delivery.label') + ': ' }), h('span', { id: 'result-delivery-value', text: t('delivery.' + delivery) })));
    } else {
      const select = h(
        'select',
        { id: 'result-delivery-choice', name: 'delivery' },
        ['post', 'desk'].map((value) => h('option', { value, selected: value === delivery, text: t('delivery.' + value) })),
      );
      const form = h(
        'form',
        { class: 'inline-form no-print', id: 'result-delivery-form' },
        h('label', { for: 'result-delivery-choice', text: t('delivery.label') }),
        ' ',
        select,
        ' ',
        h('button', { type: 'submit', id: 'result-delivery-save', text: t('delivery.save') }),
      );
      form.addEventListener('submit', submitDelivery);
      block.append(form);
    }
    if (d.collection) {
      const c = d.collection;
      block.append(
        h('p', { id: 'collection-facts' }, App.timeEl(c.at), ' ', t('collect.done_line', { name: c.name, id_number: c.id_number, kind: t('collect.kind.' + c.recipient) })),
      );
    }
    box.append(block);
  }

  async function submitDelivery(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const delivery = form.elements.delivery.value;
    try {
      await App.busy(form, () => App.post('/api/dossiers/' + encodeURIComponent(id) + '/result-delivery', { delivery }));
      App.workChanged();
      await load();
      App.showStatus(t('delivery.saved', { choice: t('delivery.' + delivery) }));
      $('status').focus();
    } catch (err) {
      App.showError(err);
    }
  }

  // Handing the result over at the desk: who receives it (the citizen or an authorised person),
  // the name and ID number typed from their ID document; then the record they sign.
  function openCollection() {
    const slot = App.clear($('action-form-slot'));
    const field = (name, control, hint) =>
      h('div', { class: 'field' }, h('label', { for: 'collect-' + name, text: t('collect.' + name) }), control, hint ? h('small', { class: 'muted', text: t(hint) }) : null);
    const form = h(
      'form',
      { class: 'action-form', id: 'collect-form', novalidate: true },
      h('h3', { text: t('collect.title') }),
      field(
        'recipient',
        h(
          'select',
          { id: 'collect-recipient', name: 'recipient' },
          ['citizen', 'authorised'].map((value) => h('option', { value, text: t('collect.kind.' + value) })),
        ),
      ),
      field('name', h('input', { type: 'text', id: 'collect-name', name: 'name', maxlength: 100, required: true, autocomplete: 'off' })),
      field('id_number', h('input', { type: 'text', id: 'collect-id_number', name: 'id_number', maxlength: 20, required: true, autocomplete: 'off' }), 'collect.id_hint'),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', id: 'collect-submit', text: t('collect.submit') }),
        h('button', { type: 'button', text: t('action.cancel'), onclick: closeAction }),
      ),
    );
    form.addEventListener('submit', submitCollection);
    slot.append(form);
    form.elements.name.focus();
  }

  async function submitCollection(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const body = {
      recipient: form.elements.recipient.value,
      name: form.elements.name.value.trim(),
      id_number: form.elements.id_number.value.trim(),
    };
    for (const name of ['name', 'id_number']) {
      if (!body[name]) {
        App.showError(t('action.needs', { field: t('collect.' + name) }));
        form.elements[name].focus();
        return;
      }
    }
    let answer = null;
    try {
      answer = await App.busy(form, () => App.post('/api/dossiers/' + encodeURIComponent(id) + '/collection', body));
    } catch (err) {
      App.showError(err);
      return;
    }
    App.clear($('action-form-slot'));
    App.workChanged();
    await load();
    App.showStatus(t('collect.done'));
    $('status').append(' ', h('a', { class: 'button primary', id: 'collection-record', href: answer.document, target: '_blank', rel: 'noopener', text: t('collect.print') }));
    $('status').focus();
  }

  // Who handed over and who received, for the n-th handover between units (its event and its
  // row come in the same order): the desk's officer by name, the unit's people as typed.
  function handoverPeople(d, n, e) {
    const row = (d.handovers || [])[n];
    if (!row) return null;
    const officer = e.actor_name || e.actor || '';
    const from = row.from_person || (row.back_to_desk ? '' : officer);
    const to = row.back_to_desk ? officer : row.to_person;
    if (!from && !to) return null;
    return h('div', { class: 'muted history-handover-people' }, t('handover.people', { from: from || '—', to: to || '—' }));
  }

  function renderHistory(d) {
    const list = App.clear($('history'));
    let handovers = 0;
    for (const e of d.history || []) {
      const data = e.data && typeof e.data === 'object' ? e.data : {};
      const handover = e.action === 'transferred' || e.action === 'returned_from_unit' ? handoverPeople(d, handovers++, e) : null;
      list.append(
        h(
          'li',
          { dataset: { action: e.action } },
          App.timeEl(e.at),
          h('strong', { text: App.label('event.', e.action) }),
          e.actor ? h('span', { class: 'muted', title: e.actor, text: ' ' + t('history.by', { actor: e.actor_name || e.actor }) }) : null,
          e.reason ? h('div', { text: e.reason }) : null,
          data.missing ? h('div', { class: 'history-missing' }, t('history.missing') + ' ', data.missing) : null,
          data.due_at ? h('div', { class: 'muted' }, t('history.due') + ' ', App.timeEl(data.due_at)) : null,
          // The citizen's choice of how the result goes back: from -> to.
          e.action === 'result_delivery_changed' && data.from && data.to
            ? h('div', { class: 'muted history-delivery' }, t('delivery.change', { from: t('delivery.' + data.from), to: t('delivery.' + data.to) }))
            : null,
          e.action === 'result_returned' && data.via === 'desk'
            ? h('div', { class: 'muted history-delivery' }, t('delivery.collected_by', { kind: t('collect.kind.' + (data.recipient || 'citizen')) }))
            : null,
          // docs/domain.md §1.4a: a handover between units, from -> to.
          (e.action === 'transferred' || e.action === 'returned_from_unit') && data.to_unit
            ? h('div', { class: 'muted history-handover' }, t('handover.units', { from: data.from_unit || '', to: data.to_unit }))
            : null,
          handover,
          data.tracking_number && (e.action === 'supplement_by_post' || e.action === 'supplement_unexpected')
            ? h('div', { class: 'muted' }, t('supplement.envelope') + ' ', h('span', { class: 'mono', text: data.tracking_number }))
            : null,
        ),
      );
    }
    if (!list.children.length) list.append(h('li', { class: 'empty', text: t('history.none') }));
  }

  function renderShipments(d) {
    const box = App.clear($('shipments'));
    const shipments = d.shipments || [];
    if (!shipments.length) box.append(h('p', { class: 'empty', text: t('shipments.none') }));
    const supplements = new Set(supplementEvents(d).map((e) => (e.data && e.data.tracking_number) || ''));
    for (const s of shipments) {
      const events = s.carrier_events || [];
      const supplement = s.direction === 'inbound' && supplements.has(s.tracking_number);
      box.append(
        h(
          'div',
          { class: 'shipment' },
          h(
            'h3',
            null,
            App.label('direction.', s.direction),
            ': ',
            h('span', { class: 'mono', text: s.tracking_number }),
            ' ',
            h('span', { class: 'badge', text: App.label('carrier_status.', s.status) }),
            supplement ? ' ' : null,
            supplement ? h('span', { class: 'badge', dataset: { supplement: '1' }, text: t('supplement.shipment') }) : null,
          ),
          h(
            'p',
            { class: 'muted' },
            App.label('carrier.', s.carrier),
            s.order_code ? ' · ' + t('shipments.order', { code: s.order_code }) : '',
          ),
          events.length
            ? h(
                'div',
                { class: 'table-wrap' },
                h(
                  'table',
                  null,
                  App.thead(['col.time', 'col.carrier_status', 'col.office', 'col.note']),
                  h(
                    'tbody',
                    null,
                    events.map((e) =>
                      h(
                        'tr',
                        null,
                        h('td', null, App.timeEl(e.at)),
                        h('td', { text: App.label('carrier_status.', e.status) }),
                        h('td', { text: [e.location_code, e.location].filter(Boolean).join(' ') || '—' }),
                        h('td', { text: e.description || '' }),
                      ),
                    ),
                  ),
                ),
              )
            : h('p', { class: 'empty', text: t('shipments.no_events') }),
        ),
      );
    }
  }

  function renderScans(d) {
    const box = App.clear($('scans'));
    const scans = d.scans || [];
    if (!scans.length) {
      box.append(h('p', { class: 'empty', text: t('scans.none') }));
      return;
    }
    box.append(
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          null,
          App.thead(['col.time', 'col.station', 'col.file', 'col.outcome', 'col.codes']),
          h(
            'tbody',
            null,
            scans.map((s) =>
              h(
                'tr',
                null,
                h('td', null, App.timeEl(s.scanned_at)),
                h('td', { text: s.station || '—' }),
                h(
                  'td',
                  null,
                  s.image_hash
                    ? h('a', {
                        href: '/api/scans/' + encodeURIComponent(s.id) + '/image',
                        target: '_blank',
                        rel: 'noopener',
                        text: fileName(s.file) || t('scans.image'),
                      })
                    : fileName(s.file) || '—',
                ),
                h('td', { text: App.label('outcome.', s.outcome) }),
                h(
                  'td',
                  null,
                  h(
                    'ul',
                    { class: 'codes' },
                    (s.codes || []).map((c) =>
                      h(
                        'li',
                        null,
                        h('span', { class: 'muted', text: (c.format === 'typed' ? t('scans.typed') : c.format) + ': ' }),
                        // An ID card's QR is kept in the applicant record, not with the scan.
                        c.kind === 'citizen_id_card'
                          ? h('span', { class: 'muted', text: t('scans.id_card') })
                          : h('span', { class: 'mono', text: c.text }),
                        c.problem ? [' ', h('span', { class: 'badge warn', text: c.problem })] : null,
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  // ---- letters back by post (docs/domain.md §1.5b) ----------------------------------------------
  // Which history events each letter answers, as the server checks them.
  const LETTER_OCCASIONS = {
    refusal: ['refused'],
    supplement: ['supplement_requested'],
    receipt: ['accepted'],
    apology: ['reappointed'],
    stop: ['stopped', 'withdrawn'],
  };

  function renderLetters(d) {
    const box = App.clear($('letters'));
    const letters = d.letters || [];
    if (!letters.length) {
      box.append(h('p', { class: 'empty', text: t('letters.none') }));
    } else {
      box.append(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'letters-table' },
            App.thead(['col.letter', 'col.tracking_number', 'col.carrier_status']),
            h(
              'tbody',
              null,
              letters.map((l) =>
                h(
                  'tr',
                  { dataset: { form: l.form } },
                  h('td', { text: App.label('letter.', l.form, l.label) }),
                  h('td', { class: 'mono', text: l.tracking_number }),
                  h('td', { text: App.label('carrier_status.', l.status, l.status_label) }),
                ),
              ),
            ),
          ),
        ),
      );
    }
    const history = (d.history || []).map((e) => e.action);
    const posted = new Set(letters.map((l) => l.form));
    const buttons = Object.keys(LETTER_OCCASIONS)
      .filter((form) => !posted.has(form) && LETTER_OCCASIONS[form].some((a) => history.includes(a)))
      .map((form) =>
        h('button', {
          type: 'button',
          class: 'letter-post',
          dataset: { form },
          text: t('letters.post', { letter: App.label('letter.', form) }),
          onclick: (ev) => postLetter(ev.currentTarget, form),
        }),
      );
    if (buttons.length) box.append(h('p', { class: 'letter-actions' }, ...buttons));
  }

  async function postLetter(button, form) {
    try {
      const answer = await App.busy(button.parentElement, () => App.post('/api/dossiers/' + encodeURIComponent(id) + '/letter', { form }));
      const letter = answer.letter || {};
      await load();
      App.showStatus(
        t(letter.already ? 'letters.posted_before' : 'letters.posted', {
          letter: App.label('letter.', form),
          tracking_number: letter.tracking_number || '',
        }),
      );
      $('status').focus();
    } catch (err) {
      App.showError(err);
    }
  }

  // Fees and charges (docs/domain.md §5.5): what the procedure asks, the receipts recorded (the payer
  // is personal data: staff pages only), and a form to record one from the receipt.
  const PAYMENT_METHODS = ['desk', 'post', 'online'];

  function renderFees(d) {
    const box = App.clear($('fees'));
    const fees = d.fees || { due_vnd: 0, paid_vnd: 0, receipts: [] };
    box.append(
      h(
        'p',
        { id: 'fees-summary' },
        t('fees.due', { amount: App.fmtNumber(fees.due_vnd) }),
        ' · ',
        t('fees.paid', { amount: App.fmtNumber(fees.paid_vnd) }),
      ),
    );
    if (!fees.receipts.length) {
      box.append(h('p', { class: 'empty', text: t('fees.none') }));
    } else {
      box.append(
        h(
          'ul',
          { id: 'fee-receipts' },
          fees.receipts.map((r) =>
            h(
              'li',
              null,
              App.timeEl(r.paid_at),
              ' ',
              t('fees.receipt_line', { amount: App.fmtNumber(r.amount_vnd), number: r.receipt_number, payer: r.payer, method: t('fees.method.' + r.method) }),
            ),
          ),
        ),
      );
    }
    const field = (name, control) => h('div', { class: 'field' }, h('label', { for: 'fee-' + name, text: t('fees.' + name) }), control);
    const form = h(
      'form',
      { class: 'action-form no-print', id: 'fee-form', novalidate: true },
      h('h3', { text: t('fees.record') }),
      field('amount_vnd', h('input', { type: 'number', id: 'fee-amount_vnd', name: 'amount_vnd', min: 1, step: 1, required: true, value: fees.due_vnd > fees.paid_vnd ? String(fees.due_vnd - fees.paid_vnd) : '' })),
      field('payer', h('input', { type: 'text', id: 'fee-payer', name: 'payer', maxlength: 100, required: true, autocomplete: 'off' })),
      field('receipt_number', h('input', { type: 'text', id: 'fee-receipt_number', name: 'receipt_number', maxlength: 40, required: true, autocomplete: 'off' })),
      field('method', h('select', { id: 'fee-method', name: 'method' }, PAYMENT_METHODS.map((value) => h('option', { value, text: t('fees.method.' + value) })))),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'fee-submit', text: t('fees.submit') })),
    );
    form.addEventListener('submit', submitFee);
    box.append(form);
  }

  async function submitFee(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const body = {
      amount_vnd: Number.parseInt(form.elements.amount_vnd.value, 10),
      payer: form.elements.payer.value.trim(),
      receipt_number: form.elements.receipt_number.value.trim(),
      method: form.elements.method.value,
    };
    if (!Number.isInteger(body.amount_vnd) || body.amount_vnd < 1) {
      App.showError(t('action.needs', { field: t('fees.amount_vnd') }));
      form.elements.amount_vnd.focus();
      return;
    }
    for (const name of ['payer', 'receipt_number']) {
      if (!body[name]) {
        App.showError(t('action.needs', { field: t('fees.' + name) }));
        form.elements[name].focus();
        return;
      }
    }
    let answer = null;
    try {
      answer = await App.busy(form, () => App.post('/api/dossiers/' + encodeURIComponent(id) + '/fees', body));
    } catch (err) {
      App.showError(err);
      return;
    }
    App.workChanged();
    await load();
    App.showStatus(t(answer && answer.moved ? 'fees.saved_moved' : 'fees.saved', { number: body.receipt_number }));
    $('status').focus();
  }

  // Handovers between units (docs/domain.md §1.4a; Decree 118/2025 Art. 20(2)): each handover
  // with the receiving unit's deadline, marked overdue while the unit still holds the dossier
  // after it, and its transfer slip ("Phiếu chuyển xử lý") to print; a form to hand the dossier on
  // (with the unit's deadline) and a button to record it back at the desk.
  const TRANSFER_STATES = ['accepted', 'in_process'];

  function renderHandovers(d) {
    const box = App.clear($('handovers'));
    const rows = d.handovers || [];
    if (!rows.length) box.append(h('p', { class: 'empty', text: t('handovers.none') }));
    else {
      box.append(
        h(
          'ul',
          { id: 'handover-rows' },
          rows.map((r) =>
            h(
              'li',
              { class: r.overdue ? 'handover-row overdue' : 'handover-row' },
              App.timeEl(r.at),
              ' ',
              h('span', { text: t('handover.units', { from: r.from_unit, to: r.to_unit }) }),
              r.due_at ? h('div', { class: 'handover-due' }, t('handovers.due') + ' ', App.timeEl(r.due_at), r.overdue ? [' ', h('span', { class: 'badge bad', text: t('handovers.overdue') })] : null) : null,
              r.note ? h('div', { class: 'muted', text: r.note }) : null,
              r.slip ? h('div', null, h('a', { class: 'handover-slip', href: r.slip, target: '_blank', rel: 'noopener', text: t('handovers.slip') })) : null,
            ),
          ),
        ),
      );
    }
    const last = rows.length ? rows[rows.length - 1] : null;
    if (last && !last.back_to_desk) {
      const back = h('button', { type: 'button', id: 'handover-back', class: 'no-print', text: t('handovers.back') });
      back.addEventListener('click', () => submitTransfer(back, { back: true }));
      box.append(h('div', { class: 'form-actions' }, back));
    }
    if (!TRANSFER_STATES.includes(d.state)) return;
    const field = (name, control, key) => h('div', { class: 'field' }, h('label', { for: 'handover-' + name, text: t('handovers.' + (key || name)) }), control);
    const text = (name, maxlength) => h('input', { type: 'text', id: 'handover-' + name, name, maxlength, autocomplete: 'off' });
    const form = h(
      'form',
      { class: 'action-form no-print', id: 'handover-form', novalidate: true },
      h('h3', { text: t('handovers.send') }),
      field('to_unit', text('to_unit', 200)),
      field('to_person', text('to_person', 100)),
      field('note', h('textarea', { id: 'handover-note', name: 'note', maxlength: 500, rows: 2 })),
      field('due', h('input', { type: 'text', id: 'handover-due', name: 'due', autocomplete: 'off', inputmode: 'numeric', placeholder: t('date.placeholder'), dataset: { day: '' } }), 'due_label'),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'handover-submit', text: t('handovers.submit') })),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body = { to_unit: form.elements.to_unit.value.trim(), to_person: form.elements.to_person.value.trim(), note: form.elements.note.value.trim() };
      if (!body.to_unit) {
        App.showError(t('action.needs', { field: t('handovers.to_unit') }));
        form.elements.to_unit.focus();
        return;
      }
      const due = App.dayValue(form.elements.due);
      if (due === null) return;
      if (due) body.due = due;
      submitTransfer(form, body);
    });
    box.append(form);
    App.dayFields(form);
  }

  async function submitTransfer(el, body) {
    let answer = null;
    try {
      answer = await App.busy(el, () => App.post('/api/dossiers/' + encodeURIComponent(id) + '/transfer', body));
    } catch (err) {
      App.showError(err);
      return;
    }
    App.workChanged();
    await load();
    const done = answer && answer.handover ? answer.handover : {};
    App.showStatus(t(body.back ? 'handovers.back_done' : 'handovers.sent', { from: done.from_unit || '', to: done.to_unit || '' }));
    if (done.slip) $('status').append(' ', h('a', { class: 'button primary', id: 'handover-slip-print', href: done.slip, target: '_blank', rel: 'noopener', text: t('handovers.slip') }));
    $('status').focus();
  }

  function render() {
    if (!dossier) return;
    renderHandovers(dossier);
    renderFees(dossier);
    renderFacts(dossier);
    renderActions(dossier);
    renderDocuments(dossier);
    renderApplicant(dossier);
    renderHistory(dossier);
    renderShipments(dossier);
    renderLetters(dossier);
    renderScans(dossier);
  }

  async function load() {
    try {
      dossier = await App.get('/api/dossiers/' + encodeURIComponent(id));
    } catch (err) {
      App.showError(err);
      return;
    }
    $('dossier').hidden = false;
    render();
  }

  async function start() {
    const session = await App.startStaff(['officer', 'admin']);
    if (!session) return;
    if (!/^\d+$/.test(id)) {
      App.showError(t('dossier.bad_id'));
      return;
    }
    document.addEventListener('hoso:lang', () => {
      App.clear($('action-form-slot'));
      render();
    });
    await load();
    // The dispatch page's "enter the receiver's details" lands here with the form open.
    if (location.hash === '#sua-nguoi-nop' && dossier && $('applicant-edit')) openApplicantForm();
    // The dispatch page's "hand the result over" lands here with the handover form open.
    if (location.hash === '#nhan-ket-qua' && dossier && $('collect-open')) openCollection();
  }

  start();
})();
