// Mailroom page (/mailroom): envelope uploads with progress, a hand scanner's typed codes, the
// manual queue and handover batches with their printable record.
'use strict';

(function () {
  const { App } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  const UPLOADS_AT_ONCE = 2;
  // Kept image types (an extension, or a MIME type) that an <img> shows; the rest open as a file.
  const BROWSER_IMAGES = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'gif'];

  function imageKind(type) {
    const name = String(type || '').toLowerCase().replace(/^(image|application)\//, '');
    if (name === 'pdf') return 'pdf';
    return BROWSER_IMAGES.includes(name) ? 'image' : 'file';
  }

  // What this session did: one entry per file or typed code, newest first.
  // { title, progress (0..1, or null when not an upload), results: [result], error: ApiError }
  const entries = [];
  const rows = new Map();
  const uploadQueue = [];
  let uploading = 0;
  let manualItems = [];
  let batch = null;
  let handover = null;

  // ---- results -------------------------------------------------------------------------------

  function outcomeBadge(outcome) {
    const tone = { registered: 'ok', resolved: 'ok', already_registered: '', manual: 'warn', failed: 'bad' }[outcome];
    return h('span', { class: 'badge ' + (tone || ''), text: App.label('outcome.', outcome) });
  }

  function dossierLink(id) {
    if (!id || !App.canSeeDossiers()) return null;
    return h('a', { href: '/dossier?id=' + encodeURIComponent(id), text: t('results.open_dossier', { id }) });
  }

  // "#12", a link when the user may open dossiers (the handover record's column).
  function dossierNumber(id) {
    const text = '#' + id;
    return App.canSeeDossiers() ? h('a', { href: '/dossier?id=' + encodeURIComponent(id), text }) : text;
  }

  function resultLine(result) {
    return h(
      'div',
      { class: 'result-line', dataset: { outcome: result.outcome || '' } },
      outcomeBadge(result.outcome),
      result.page > 1 ? h('span', { class: 'muted', text: t('results.page', { page: result.page }) }) : null,
      result.tracking_number ? h('strong', { class: 'mono tracking-number', text: result.tracking_number }) : null,
      dossierLink(result.dossier_id),
      result.outcome === 'manual' && result.manual_id
        ? h('a', { href: '#manual-' + result.manual_id, text: t('results.manual_item', { id: result.manual_id }) })
        : null,
      result.message ? h('span', { class: 'muted', text: result.message }) : null,
    );
  }

  function renderEntry(entry) {
    let li = rows.get(entry);
    if (!li) {
      li = h('li', { class: 'upload-row' });
      rows.set(entry, li);
    }
    App.clear(li).append(h('div', { class: 'file-name', text: entry.title }));
    if (entry.progress !== null && entry.results === null && !entry.error) {
      const percent = Math.round(entry.progress * 100);
      li.append(
        h('progress', { max: '100', value: String(percent), 'aria-label': t('upload.progress', { name: entry.title }) }),
        h('span', { class: 'muted', text: percent < 100 ? t('upload.sending', { percent }) : t('upload.reading') }),
      );
    }
    if (entry.error) {
      li.dataset.outcome = 'error';
      li.append(h('div', { class: 'result-line' }, h('span', { class: 'badge bad', text: t('outcome.error') }), App.errorText(entry.error)));
    }
    for (const result of entry.results || []) li.append(resultLine(result));
    return li;
  }

  function renderResults() {
    const list = $('results');
    App.clear(list).append(...entries.map(renderEntry));
    $('results-empty').hidden = entries.length > 0;
  }

  function addEntry(title, progress) {
    const entry = { title, progress, results: null, error: null };
    entries.unshift(entry);
    $('results').prepend(renderEntry(entry));
    $('results-empty').hidden = true;
    return entry;
  }

  function finishEntry(entry, results, error) {
    entry.results = results;
    entry.error = error || null;
    renderEntry(entry);
  }

  // Accepts {"results": [...]}, {"result": {...}} or a bare result.
  function resultsOf(answer) {
    if (Array.isArray(answer.results)) return answer.results;
    return [answer.result || answer];
  }

  // ---- uploads -------------------------------------------------------------------------------

  function queueFiles(fileList) {
    for (const file of Array.from(fileList)) {
      uploadQueue.push({ file, entry: addEntry(file.name, 0) });
    }
    pump();
  }

  function pump() {
    while (uploading < UPLOADS_AT_ONCE && uploadQueue.length) {
      const job = uploadQueue.shift();
      uploading += 1;
      send(job).finally(() => {
        uploading -= 1;
        pump();
        if (!uploading && !uploadQueue.length) loadManual();
      });
    }
  }

  async function send({ file, entry }) {
    const form = new FormData();
    form.append('file', file, file.name);
    if (batch) form.append('batch', batch.name);
    try {
      const answer = await App.upload('/api/scans', form, (share) => {
        entry.progress = share;
        renderEntry(entry);
      });
      finishEntry(entry, resultsOf(answer));
    } catch (err) {
      finishEntry(entry, null, err);
    }
  }

  function setUpDropZone() {
    const zone = $('drop-zone');
    const files = $('files');
    const camera = $('camera');
    files.addEventListener('change', () => {
      queueFiles(files.files);
      files.value = '';
    });
    camera.addEventListener('change', () => {
      queueFiles(camera.files);
      camera.value = '';
    });
    zone.addEventListener('dragover', (ev) => {
      ev.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (ev) => {
      ev.preventDefault();
      zone.classList.remove('dragging');
      if (ev.dataTransfer && ev.dataTransfer.files.length) queueFiles(ev.dataTransfer.files);
    });
  }

  // ---- typed codes ---------------------------------------------------------------------------

  async function submitTyped(ev) {
    ev.preventDefault();
    const input = $('typed-code');
    const code = input.value.trim();
    if (!code) {
      input.focus();
      return;
    }
    const entry = addEntry(t('typed.entry', { code }), null);
    const body = { code };
    if (batch) body.batch = batch.name;
    try {
      const answer = await App.post('/api/scans/typed', body);
      finishEntry(entry, resultsOf(answer));
      App.clearError();
      input.value = '';
    } catch (err) {
      finishEntry(entry, null, err);
      App.showError(err);
      input.select();
    }
    input.focus();
  }

  // ---- manual queue --------------------------------------------------------------------------

  function manualPreview(item) {
    const url = '/api/manual/' + encodeURIComponent(item.id) + '/image';
    if (!item.has_image) return h('p', { class: 'muted', text: t('manual.no_image') });
    const kind = imageKind(item.image_type);
    if (kind === 'image') {
      return h(
        'a',
        { href: url, target: '_blank', rel: 'noopener', title: t('manual.open_image') },
        h('img', { src: url, alt: t('manual.image_alt', { id: item.id }), loading: 'lazy' }),
      );
    }
    const key = kind === 'pdf' ? 'manual.open_pdf' : 'manual.open_file';
    return h('p', null, h('a', { href: url, target: '_blank', rel: 'noopener', class: 'button', text: t(key) }));
  }

  // What the scanner did read on the envelope (an ID card's QR, a number with a wrong digit).
  function codesRead(codes) {
    if (!codes.length) return null;
    return h(
      'div',
      null,
      h('strong', { text: t('manual.codes_read') }),
      h(
        'ul',
        { class: 'codes' },
        codes.map((c) =>
          h('li', null, h('span', { class: 'mono', text: c.text }), c.problem ? [' ', h('span', { class: 'badge warn', text: c.problem })] : null),
        ),
      ),
    );
  }

  function manualCard(item) {
    const id = item.id;
    const alert = h('div', { class: 'alert', role: 'alert' });
    const numberInput = h('input', {
      type: 'text',
      id: 'resolve-' + id,
      class: 'mono',
      required: true,
      autocomplete: 'off',
      autocapitalize: 'characters',
      spellcheck: 'false',
    });
    const reasonInput = h('input', { type: 'text', id: 'dismiss-' + id, required: true, autocomplete: 'off' });
    const resolveForm = h(
      'form',
      { class: 'resolve-form', onsubmit: (ev) => resolve(ev, item, numberInput, alert) },
      h('label', { for: 'resolve-' + id, text: t('manual.tracking_number') }),
      h('div', { class: 'inline-form' }, numberInput, h('button', { type: 'submit', class: 'primary', text: t('manual.resolve') })),
    );
    const dismissForm = h(
      'form',
      { class: 'dismiss-form', onsubmit: (ev) => dismiss(ev, item, reasonInput, alert) },
      h('label', { for: 'dismiss-' + id, text: t('manual.dismiss_reason') }),
      h('div', { class: 'inline-form' }, reasonInput, h('button', { type: 'submit', class: 'danger', text: t('manual.dismiss') })),
    );
    return h(
      'li',
      { class: 'manual-item', id: 'manual-' + id, dataset: { id } },
      manualPreview(item),
      h('h3', { text: t('manual.item', { id }) }),
      h('p', null, h('strong', { text: t('manual.reason') + ' ' }), item.reason || '—'),
      codesRead(item.codes || []),
      h('p', { class: 'muted' }, item.source_name || '', item.source_name ? ' · ' : '', App.timeEl(item.created_at)),
      resolveForm,
      alert,
      dismissForm,
    );
  }

  function renderManual() {
    App.clear($('manual-list')).append(...manualItems.map(manualCard));
    $('manual-empty').hidden = manualItems.length > 0;
  }

  async function loadManual() {
    try {
      const answer = await App.get('/api/manual');
      manualItems = answer.items || [];
      renderManual();
    } catch (err) {
      App.showError(err);
    }
  }

  async function resolve(ev, item, input, alert) {
    ev.preventDefault();
    const number = input.value.trim().toUpperCase();
    if (!number) {
      input.focus();
      return;
    }
    App.clearError(alert);
    try {
      const answer = await App.busy(ev.currentTarget, () =>
        App.post('/api/manual/' + encodeURIComponent(item.id) + '/resolve', { tracking_number: number }),
      );
      const entry = addEntry(t('manual.item', { id: item.id }), null);
      finishEntry(entry, resultsOf(answer));
      App.showStatus(t('manual.resolved', { id: item.id, number }));
      await loadManual();
    } catch (err) {
      App.showError(err, alert);
      input.focus();
      input.select();
    }
  }

  async function dismiss(ev, item, input, alert) {
    ev.preventDefault();
    const reason = input.value.trim();
    if (!reason) {
      App.showError(t('manual.dismiss_needs_reason'), alert);
      input.focus();
      return;
    }
    App.clearError(alert);
    try {
      await App.busy(ev.currentTarget, () =>
        App.post('/api/manual/' + encodeURIComponent(item.id) + '/dismiss', { reason }),
      );
      App.showStatus(t('manual.dismissed', { id: item.id }));
      await loadManual();
    } catch (err) {
      App.showError(err, alert);
    }
  }

  // ---- batches and the handover record ---------------------------------------------------------

  const BATCH_KEY = 'hoso.batch';

  function saveBatch(value) {
    batch = value;
    try {
      if (value) sessionStorage.setItem(BATCH_KEY, JSON.stringify(value));
      else sessionStorage.removeItem(BATCH_KEY);
    } catch (e) {
      // Storage refused (private mode): the batch lasts until the page is left.
    }
    renderBatch();
  }

  function restoreBatch() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(BATCH_KEY) || 'null');
      if (saved && saved.id && saved.name) batch = saved;
    } catch (e) {
      batch = null;
    }
    renderBatch();
  }

  function renderBatch() {
    $('batch-current').hidden = !batch;
    $('batch-current-name').textContent = batch ? `${batch.name} (#${batch.id})` : '';
  }

  async function submitBatch(ev) {
    ev.preventDefault();
    const name = $('batch-name').value.trim();
    if (!name) {
      App.showError(t('batch.needs_name'));
      $('batch-name').focus();
      return;
    }
    const body = { name, carrier: $('batch-carrier').value };
    const when = $('batch-time').value;
    if (when) body.handed_over_at = when.replace('T', ' ');
    try {
      const answer = await App.busy(ev.currentTarget, () => App.post('/api/batches', body));
      const opened = answer.batch || answer;
      saveBatch({ id: opened.id, name: opened.name || name });
      App.showStatus(t('batch.opened', { name: opened.name || name }));
      $('batch-name').value = '';
    } catch (err) {
      App.showError(err);
    }
  }

  function countCell(value) {
    return Array.isArray(value) ? value.length : value;
  }

  // The national heading and the agency, as on the printed forms 01-06.
  function renderLetterhead(agency) {
    const head = App.clear($('handover-letterhead'));
    head.append(
      h(
        'div',
        null,
        agency.code ? h('div', { text: t('handover.agency_code', { code: agency.code }) }) : null,
        h('div', { class: 'agency', text: agency.name || t('handover.blank') }),
      ),
      h('div', null, h('div', { class: 'nation', text: t('handover.nation') }), h('div', { class: 'motto', text: t('handover.motto') })),
    );
  }

  // "<place>, ngày 02 tháng 11 năm 2026" of an ISO time, in the desk's time it already is.
  function placeDate(place, iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    if (!m) return '';
    return t('handover.place_date', { place: place ? place + ', ' : '', d: m[3], m: m[2], y: m[1] });
  }

  function signBlock(role, who, name) {
    return h(
      'div',
      null,
      h('strong', { text: t(role) }),
      h('br'),
      h('strong', { text: t(who) }),
      h('br'),
      t('handover.sign_hint'),
      h('div', { class: 'sign-name', text: name || t('handover.blank') }),
    );
  }

  function renderHandover() {
    const body = App.clear($('handover-body'));
    if (!handover) return;
    // The batch as an object, or (hoso's handover record) its name with the rest beside it.
    const b = handover.batch && typeof handover.batch === 'object' ? handover.batch : { ...handover, name: handover.batch };
    const agency = handover.agency || {};
    const clerk = handover.received_by_name || b.received_by_name || b.received_by;
    renderLetterhead(agency);
    const items = handover.items || [];
    body.append(
      h('p', { class: 'place-date', text: placeDate(agency.province, b.handed_over_at) }),
      h(
        'dl',
        { class: 'facts' },
        h('dt', { text: t('batch.name') }),
        h('dd', { text: b.name || '—' }),
        h('dt', { text: t('batch.carrier') }),
        h('dd', { text: App.label('carrier.', b.carrier || '—') }),
        h('dt', { text: t('batch.handed_over_at') }),
        h('dd', null, App.timeEl(b.handed_over_at)),
        clerk ? [h('dt', { text: t('batch.received_by') }), h('dd', { text: clerk })] : null,
      ),
      h('p', {
        text: t('handover.intro', {
          time: App.fmtDateTime(b.handed_over_at),
          carrier: App.label('carrier.', b.carrier || '—'),
          agency: agency.name || t('handover.blank'),
        }),
      }),
    );
    const counts = ['envelopes', 'registered', 'already_registered', 'manual', 'resolved', 'missing', 'unexpected'];
    body.append(
      h('h3', { text: t('handover.summary') }),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'handover-counts' },
          App.thead(counts.map((c) => ['handover.count.' + c, 'num'])),
          h('tbody', null, h('tr', null, counts.map((c) => h('td', { class: 'num', text: App.fmtNumber(countCell(handover[c]) ?? 0) })))),
        ),
      ),
    );
    body.append(h('h3', { text: t('handover.items') }));
    if (!items.length) {
      body.append(h('p', { class: 'empty', text: t('handover.no_items') }));
    } else {
      // One row per envelope (the server lists a rescanned envelope once, with its scans).
      const source = (item) => {
        const name = item.source === 'typed' || item.file === 'typed' ? t('handover.source.typed') : item.source_name || item.file || '—';
        return item.scans > 1 ? `${name} (${t('handover.scans', { count: item.scans })})` : name;
      };
      body.append(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'handover-items' },
            App.thead([['col.number', 'num'], 'col.tracking_number', 'col.file', 'col.outcome', 'col.dossier']),
            h(
              'tbody',
              null,
              items.map((item, i) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'num', text: String(i + 1) }),
                  h('td', { class: 'mono', text: item.tracking_number || '—' }),
                  h('td', { text: source(item) }),
                  h('td', { text: App.label('outcome.', item.outcome || '') }),
                  h('td', null, item.dossier_id ? dossierNumber(item.dossier_id) : '—'),
                ),
              ),
            ),
          ),
        ),
      );
    }
    body.append(h('p', { id: 'handover-total', text: t('handover.total', { count: App.fmtNumber(items.length) }) }));
    if (handover.rescans > 0) {
      body.append(h('p', { text: t('handover.rescans', { count: App.fmtNumber(handover.rescans) }) }));
    }
    for (const key of ['missing', 'unexpected']) {
      if (Array.isArray(handover[key]) && handover[key].length) {
        body.append(
          h('h3', { text: t('handover.list.' + key) }),
          h('ul', null, handover[key].map((n) => h('li', { class: 'mono', text: n }))),
        );
      }
    }
    body.append(
      h(
        'div',
        { class: 'handover-sign' },
        signBlock('handover.sign_carrier_role', 'handover.sign_carrier_who', ''),
        signBlock('handover.sign_desk_role', 'handover.sign_desk_who', clerk),
      ),
    );
  }

  async function showHandover() {
    if (!batch) return;
    try {
      handover = await App.get('/api/batches/' + encodeURIComponent(batch.id));
    } catch (err) {
      App.showError(err);
      return;
    }
    renderHandover();
    $('handover').hidden = false;
    document.body.classList.add('print-handover');
    $('handover-print').focus();
  }

  function closeHandover() {
    handover = null;
    $('handover').hidden = true;
    document.body.classList.remove('print-handover');
    $('batch-record').focus();
  }

  // ---- start ---------------------------------------------------------------------------------

  async function start() {
    const session = await App.startStaff(['mailroom', 'admin']);
    if (!session) return;
    $('mailroom').hidden = false;
    restoreBatch();
    setUpDropZone();
    $('typed-form').addEventListener('submit', submitTyped);
    $('batch-form').addEventListener('submit', submitBatch);
    $('batch-close').addEventListener('click', () => {
      saveBatch(null);
      App.showStatus(t('batch.closed'));
    });
    $('batch-record').addEventListener('click', showHandover);
    $('handover-print').addEventListener('click', () => window.print());
    $('handover-close').addEventListener('click', closeHandover);
    $('manual-refresh').addEventListener('click', loadManual);
    document.addEventListener('hoso:lang', () => {
      renderResults();
      renderManual();
      renderHandover();
    });
    await loadManual();
    $('typed-code').focus();
  }

  start();
})();
