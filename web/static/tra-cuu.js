// Citizen lookup page (/tra-cuu?ma=CODE&mk=LOOKUP): public, no login. Pre-filled from the QR on the
// receipt (both codes: looked up at once) or on the label (only the code). The lookup code never
// stays in the address bar.
'use strict';

(function () {
  const { App } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  // Steps whose time comes with an appointment date worth showing.
  const STEPS_WITH_DUE = ['accepted', 'supplement_received', 'reappointed'];
  let view = null;
  let desk = null; // the desk's name, address and hotline (public facts of the office)

  // Keeps only the code in the address bar (?ma=CODE), never the lookup code.
  function forgetLookupCode(code) {
    const url = location.pathname + (code ? '?ma=' + encodeURIComponent(code) : '');
    history.replaceState(null, '', url);
  }

  function fact(key, ...value) {
    return [h('dt', { text: t(key) }), h('dd', null, ...value)];
  }

  // A letter posted back names itself and its tracking number (docs/domain.md §1.5b).
  function stepText(s) {
    if (s.letter && s.tracking_number) {
      return t('step.letter_posted', { letter: App.label('letter.', s.letter), tracking_number: s.tracking_number });
    }
    return App.label('step.', s.step, s.label);
  }

  function renderTimeline(steps) {
    return h(
      'ol',
      { class: 'timeline', id: 'timeline' },
      steps.map((s) =>
        h(
          'li',
          { dataset: { step: s.step } },
          App.timeEl(s.at),
          // docs/domain.md §1.4a: the unit's name, a public office; never a person's.
          h('span', { text: s.unit ? t('lookup.transferred_to', { unit: s.unit }) : stepText(s) }),
          s.due_at && STEPS_WITH_DUE.includes(s.step)
            ? h('div', { class: 'muted' }, t('lookup.due') + ' ', App.timeEl(s.due_at))
            : null,
        ),
      ),
    );
  }

  function renderShipment(s) {
    const events = s.events || [];
    return h(
      'div',
      { class: 'shipment', dataset: { direction: s.direction } },
      h(
        'h3',
        null,
        s.purpose && s.purpose !== 'result' ? App.label('letter.', s.purpose) : App.label('direction.', s.direction),
        ': ',
        h('span', { class: 'mono', text: s.tracking_number }),
      ),
      h('p', null, t('lookup.shipment_status') + ' ', h('strong', { text: App.label('carrier_status.', s.status, s.status_label) })),
      events.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              null,
              App.thead(['col.time', 'col.carrier_status', 'col.office']),
              h(
                'tbody',
                null,
                events.map((e) =>
                  h(
                    'tr',
                    null,
                    h('td', null, App.timeEl(e.at)),
                    h('td', { text: App.label('carrier_status.', e.status, e.status_label) }),
                    h('td', { text: e.office || '—' }),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'empty', text: t('shipments.no_events') }),
    );
  }

  // The desk's contact, under the result (or alone before a lookup): whom to call or visit.
  function renderDesk() {
    const box = $('desk-contact');
    box.hidden = !desk || !(desk.name || desk.address || desk.phone);
    if (box.hidden) return;
    App.append(App.clear($('desk-contact-body')), [
      h(
        'dl',
        { class: 'facts' },
        desk.name ? fact('lookup.desk_name', h('span', { id: 'desk-name', text: desk.name })) : null,
        desk.address ? fact('lookup.desk_address', h('span', { id: 'desk-address', text: desk.address })) : null,
        desk.phone
          ? fact('lookup.desk_hotline', h('a', { id: 'desk-phone', href: 'tel:' + desk.phone.replace(/[^0-9+]/g, ''), text: desk.phone }))
          : null,
      ),
    ]);
  }

  // What to do when the result could not be delivered: call, or come with the receipt; the result
  // is sent again once the address is confirmed.
  function renderDeliveryFailed() {
    const phone = desk && desk.phone;
    return h(
      'div',
      { class: 'notice warn delivery-failed', id: 'delivery-failed' },
      h('h3', { text: t('lookup.failed_title') }),
      h(
        'ol',
        null,
        h('li', { text: phone ? t('lookup.failed_call', { phone }) : t('lookup.failed_call_no_phone') }),
        h('li', { text: t('lookup.failed_visit') }),
        h('li', { text: t('lookup.failed_resend') }),
      ),
    );
  }

  function render() {
    renderDesk();
    const section = $('result');
    section.hidden = !view;
    if (!view) return;
    $('result-heading').textContent = view.dossier_code
      ? t('lookup.dossier', { code: view.dossier_code })
      : t('lookup.dossier_no_code');
    const procedure = view.procedure && view.procedure.name
      ? [view.procedure.name, ' ', h('span', { class: 'muted mono', text: `(${view.procedure.code})` })]
      : [h('span', { class: 'muted', text: t('lookup.no_procedure') })];
    const due = [App.timeEl(view.due_at)];
    if (view.reappointed) due.push(' ', h('span', { class: 'badge warn', text: t('lookup.reappointed') }));
    App.append(App.clear($('result-body')), [
      h(
        'dl',
        { class: 'facts' },
        fact('lookup.state', h('strong', { id: 'state-label', text: App.label('state.', view.state, view.state_label) })),
        fact('lookup.procedure', ...procedure),
        fact('lookup.filed_at', App.timeEl(view.filed_at)),
        fact('lookup.due_at', ...due),
        // The citizen chose the desk: where and when to come (public facts of the office).
        view.result_delivery === 'desk' && view.collection
          ? fact(
              'lookup.collection',
              h('span', {
                id: 'collection-place',
                text: view.collection.place
                  ? t('lookup.collection_text', { address: view.collection.place, hours: view.collection.office_hours })
                  : t('lookup.collection_text_no_address', { hours: view.collection.office_hours }),
              }),
            )
          : null,
      ),
      view.delivery_failed ? renderDeliveryFailed() : null,
      h('h3', { text: t('lookup.timeline') }),
      renderTimeline(view.timeline || []),
      (view.shipments || []).map(renderShipment),
    ]);
  }

  function lookupError(err) {
    if (err.status === 404) return t('lookup.not_found');
    if (err.status === 429) return t('lookup.rate_limited', { seconds: err.retryAfter || 60 });
    if (err.status === 400) return t('lookup.missing');
    return App.errorText(err);
  }

  async function lookup(code, lookupCode) {
    forgetLookupCode(code);
    App.clearError();
    view = null;
    render();
    const query = new URLSearchParams({ code, lookup_code: lookupCode });
    try {
      view = await App.busy($('lookup-form'), () => App.get('/api/public/lookup?' + query));
    } catch (err) {
      App.showError(lookupError(err));
      return;
    }
    render();
    $('result').focus();
  }

  function submit(ev) {
    ev.preventDefault();
    const code = $('code').value.trim();
    const lookupCode = $('lookup-code').value.trim();
    if (!code || !lookupCode) {
      App.showError(t('lookup.missing'));
      (code ? $('lookup-code') : $('code')).focus();
      return;
    }
    lookup(code, lookupCode);
  }

  async function loadDesk() {
    try {
      desk = await App.get('/api/public/desk');
    } catch (err) {
      desk = null; // the lookup works without it
    }
    render();
  }

  function start() {
    App.startPublic();
    loadDesk();
    $('lookup-form').addEventListener('submit', submit);
    document.addEventListener('hoso:lang', render);
    const params = new URLSearchParams(location.search);
    const code = (params.get('ma') || '').trim();
    const lookupCode = (params.get('mk') || '').trim();
    $('code').value = code;
    $('lookup-code').value = lookupCode;
    if (code && lookupCode) lookup(code, lookupCode);
    else {
      if (params.has('mk')) forgetLookupCode(code);
      (code ? $('lookup-code') : $('code')).focus();
    }
  }

  start();
})();
