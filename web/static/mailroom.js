// Mailroom page (/mailroom): envelope uploads with progress, a hand scanner's typed codes, the
// manual queue and handover batches; their record is the server's printed document
// (GET /api/batches/{id}/handover), opened in a tab of its own.
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
  // The carrier's list last sent for the open batch, drawn again in the other language:
  // { batchId, answer } or { batchId, error }.
  let manifest = null;

  // ---- results -------------------------------------------------------------------------------

  function outcomeBadge(outcome) {
    const tone = { registered: 'ok', resolved: 'ok', already_registered: '', manual: 'warn', failed: 'bad', error: 'bad' }[outcome];
    return h('span', { class: 'badge ' + (tone || ''), text: App.label('outcome.', outcome) });
  }

  // A supplement joined to its dossier says so instead of "new dossier registered".
  function resultBadge(result) {
    if (result.supplement === 'moved_on') return h('span', { class: 'badge ok', dataset: { supplement: result.supplement }, text: t('supplement.joined') });
    if (result.supplement === 'not_waiting') return h('span', { class: 'badge warn', dataset: { supplement: result.supplement }, text: t('supplement.not_waiting') });
    return outcomeBadge(result.outcome);
  }

  function dossierLink(id) {
    if (!id || !App.canSeeDossiers()) return null;
    return h('a', { href: '/dossier?id=' + encodeURIComponent(id), text: t('results.open_dossier', { id }) });
  }

  function resultLine(result) {
    return h(
      'div',
      { class: 'result-line', dataset: { outcome: result.outcome || '' } },
      resultBadge(result),
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

  // ---- uploads: each file's row, the run's overall progress and its summary ---------------------

  // The files chosen since the queue was last empty: how many are done, and what became of them.
  let run = null;
  const SUMMARY = ['registered', 'already_registered', 'manual', 'failed'];

  function newRun() {
    return { total: 0, done: 0, counts: { registered: 0, already_registered: 0, manual: 0, failed: 0 }, failures: [] };
  }

  function countResults(name, results, error) {
    if (error) {
      run.counts.failed += 1;
      run.failures.push({ name, why: App.errorText(error) });
      return;
    }
    for (const result of results) {
      const outcome = result.outcome === 'resolved' ? 'registered' : result.outcome;
      if (outcome in run.counts) run.counts[outcome] += 1;
      else run.counts.failed += 1;
      if (outcome === 'failed' || !(outcome in run.counts)) {
        const page = result.page > 1 ? ` (${t('results.page', { page: result.page })})` : '';
        run.failures.push({ name: name + page, why: result.message || '' });
      }
    }
  }

  function renderRun() {
    $('upload-run').hidden = !run;
    if (!run) return;
    $('upload-count').textContent = t('upload.count', { done: run.done, total: run.total });
    $('upload-bar').max = run.total;
    $('upload-bar').value = run.done;
    const summary = $('upload-summary');
    summary.hidden = run.done < run.total;
    if (summary.hidden) return;
    App.append(App.clear(summary), [
      h('h3', { text: t('upload.summary', { total: run.total }) }),
      h(
        'ul',
        { class: 'summary-counts', id: 'upload-counts' },
        SUMMARY.map((key) =>
          h('li', { dataset: { outcome: key } }, outcomeBadge(key), ' ', h('strong', { text: App.fmtNumber(run.counts[key]) })),
        ),
      ),
      run.failures.length
        ? h(
            'ul',
            { class: 'summary-failures', id: 'upload-failures' },
            run.failures.map((f) => h('li', null, h('strong', { text: f.name }), ': ', f.why)),
          )
        : null,
    ]);
  }

  function queueFiles(fileList) {
    if (!run || run.done === run.total) run = newRun();
    for (const file of Array.from(fileList)) {
      uploadQueue.push({ file, entry: addEntry(file.name, 0) });
      run.total += 1;
    }
    renderRun();
    pump();
  }

  function pump() {
    while (uploading < UPLOADS_AT_ONCE && uploadQueue.length) {
      const job = uploadQueue.shift();
      uploading += 1;
      send(job).finally(() => {
        uploading -= 1;
        run.done += 1;
        renderRun();
        pump();
        if (!uploading && !uploadQueue.length) {
          App.showStatus(t('upload.done', { total: run.total, failed: run.counts.failed }));
          loadManual();
          loadBatches();
        }
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
      countResults(file.name, entry.results, null);
    } catch (err) {
      finishEntry(entry, null, err);
      countResults(file.name, null, err);
      if (err.code === 'conflict') loadBatches();
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

  // ---- hand scanner: a tone and a line per result, the field always ready ------------------------

  // Short tones made by the Web Audio API (no audio files): [frequency Hz, milliseconds, wave]
  // per beep, one pattern per outcome so the clerk hears the result without looking.
  const TONES = {
    registered: [[1320, 110, 'sine']],
    resolved: [[1320, 110, 'sine']],
    already_registered: [[880, 90, 'sine'], [880, 90, 'sine']],
    manual: [[440, 160, 'triangle'], [330, 260, 'triangle']],
    failed: [[180, 420, 'square']],
    error: [[180, 420, 'square']],
  };
  let audio = null;

  function beep(outcome) {
    const pattern = TONES[outcome] || TONES.error;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === 'suspended') audio.resume();
      let at = audio.currentTime + 0.01;
      for (const [frequency, ms, wave] of pattern) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = wave;
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.18, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + ms / 1000);
        osc.connect(gain).connect(audio.destination);
        osc.start(at);
        osc.stop(at + ms / 1000);
        at += ms / 1000 + 0.06;
      }
    } catch (e) {
      // No sound on this machine: the line beside the field still says it.
    }
  }

  const SCANNER_LINES = 6;
  const scannerLines = []; // { code, outcome, result, error }, newest first
  const scanQueue = [];
  let scanning = false;

  function scannerLine(line) {
    const result = line.result || {};
    return h(
      'li',
      { class: 'scanner-line', dataset: { outcome: line.outcome } },
      line.outcome === 'pending'
        ? h('span', { class: 'badge', text: t('scanner.pending') })
        : line.outcome === 'error'
          ? outcomeBadge('error')
          : resultBadge({ outcome: line.outcome, supplement: result.supplement }),
      h('strong', { class: 'mono', text: result.tracking_number || line.code }),
      dossierLink(result.dossier_id),
      line.error ? h('span', { class: 'muted', text: App.errorText(line.error) }) : null,
    );
  }

  function renderScanner() {
    App.clear($('scanner-results')).append(...scannerLines.slice(0, SCANNER_LINES).map(scannerLine));
  }

  // Scans are sent one after the other in the order read; the field is emptied at once so the next
  // scan can go in while the server answers.
  async function pumpScans() {
    if (scanning) return;
    scanning = true;
    while (scanQueue.length) {
      const line = scanQueue.shift();
      const entry = addEntry(t('typed.entry', { code: line.code }), null);
      const body = { code: line.code };
      if (batch) body.batch = batch.name;
      try {
        const answer = await App.post('/api/scans/typed', body);
        line.result = resultsOf(answer)[0];
        line.outcome = line.result.outcome || 'failed';
        finishEntry(entry, resultsOf(answer));
        if (line.outcome === 'manual') loadManual();
      } catch (err) {
        line.outcome = 'error';
        line.error = err;
        finishEntry(entry, null, err);
        App.showError(err);
        if (err.code === 'conflict') loadBatches();
      }
      beep(line.outcome);
      renderScanner();
      // The batch's counts follow each envelope, as after an upload run.
      loadBatches();
    }
    scanning = false;
  }

  function submitTyped(ev) {
    ev.preventDefault();
    const input = $('typed-code');
    const code = input.value.trim();
    input.value = '';
    input.focus();
    if (!code) return;
    App.clearError();
    const line = { code, outcome: 'pending', result: null, error: null };
    scannerLines.unshift(line);
    scanQueue.push(line);
    renderScanner();
    pumpScans();
  }

  // ---- manual queue --------------------------------------------------------------------------

  // The envelope's image, zoomed and turned: buttons, or on the focused image "+" / "-" to zoom,
  // "r" to turn right, "l" to turn left, "0" to reset. The turn is a CSS transform; the zoom sizes
  // the canvas the image fills, so the frame scrolls to every part of it.
  const ZOOMS = [1, 1.5, 2, 3, 4];

  function imageViewer(item, url) {
    const view = { zoom: 0, turn: 0 };
    const img = h('img', { src: url, alt: t('manual.image_alt', { id: item.id }), loading: 'lazy' });
    const canvas = h('div', { class: 'image-canvas' }, img);
    const frame = h(
      'div',
      { class: 'image-frame', tabindex: '0', role: 'group', 'aria-label': t('manual.viewer_label', { id: item.id }) },
      canvas,
    );
    const apply = () => {
      const zoom = ZOOMS[view.zoom];
      const width = (frame.clientWidth || 400) * zoom;
      const height = (frame.clientHeight || 256) * zoom;
      const sideways = view.turn % 2 === 1;
      canvas.style.width = width + 'px';
      canvas.style.height = height + 'px';
      img.style.width = (sideways ? height : width) + 'px';
      img.style.height = (sideways ? width : height) + 'px';
      img.style.transform = `translate(-50%, -50%) rotate(${view.turn * 90}deg)`;
      frame.dataset.zoom = String(zoom);
      frame.dataset.turn = String(view.turn * 90);
    };
    const act = {
      in: () => (view.zoom = Math.min(view.zoom + 1, ZOOMS.length - 1)),
      out: () => (view.zoom = Math.max(view.zoom - 1, 0)),
      right: () => (view.turn = (view.turn + 1) % 4),
      left: () => (view.turn = (view.turn + 3) % 4),
      reset: () => Object.assign(view, { zoom: 0, turn: 0 }),
    };
    const keys = { '+': 'in', '=': 'in', '-': 'out', r: 'right', R: 'right', l: 'left', L: 'left', 0: 'reset' };
    frame.addEventListener('keydown', (ev) => {
      const name = keys[ev.key];
      if (!name || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      ev.preventDefault();
      act[name]();
      apply();
    });
    const button = (name, symbol, key) =>
      h('button', {
        type: 'button',
        class: 'viewer-' + name,
        text: symbol,
        title: t(key),
        'aria-label': t(key),
        onclick: () => {
          act[name]();
          apply();
        },
      });
    return h(
      'div',
      { class: 'image-viewer' },
      frame,
      h(
        'div',
        { class: 'viewer-tools' },
        button('in', '+', 'manual.zoom_in'),
        button('out', '−', 'manual.zoom_out'),
        button('left', '⟲', 'manual.turn_left'),
        button('right', '⟳', 'manual.turn_right'),
        button('reset', '1:1', 'manual.view_reset'),
        h('a', { href: url, target: '_blank', rel: 'noopener', text: t('manual.open_image') }),
      ),
    );
  }

  function manualPreview(item) {
    const url = '/api/manual/' + encodeURIComponent(item.id) + '/image';
    if (!item.has_image) return h('p', { class: 'muted', text: t('manual.no_image') });
    const kind = imageKind(item.image_type);
    if (kind === 'image') return imageViewer(item, url);
    const key = kind === 'pdf' ? 'manual.open_pdf' : 'manual.open_file';
    return h('p', null, h('a', { href: url, target: '_blank', rel: 'noopener', class: 'button', text: t(key) }));
  }

  // Codes that may be the envelope's tracking number (not an ID card, a portal link or a dossier
  // code): offered as one click each.
  const OFFERED_KINDS = ['s10_tracking', 'carrier_tracking', 'unknown'];

  function offered(code) {
    return OFFERED_KINDS.includes(code.kind) && code.text.length <= 40;
  }

  // What the scanner did read on the envelope (an ID card's QR, a number with a wrong digit).
  function codesRead(codes, use) {
    if (!codes.length) return null;
    return h(
      'div',
      null,
      h('strong', { text: t('manual.codes_read') }),
      h(
        'ul',
        { class: 'codes' },
        codes.map((c) =>
          h(
            'li',
            null,
            h('span', { class: 'mono', text: c.text }),
            c.problem ? [' ', h('span', { class: 'badge warn', text: c.problem })] : null,
            offered(c)
              ? [' ', h('button', { type: 'button', class: 'use-code', text: t('manual.use_code'), onclick: () => use(c.text) })]
              : null,
          ),
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
    const useCode = (text) => {
      numberInput.value = text;
      resolveForm.requestSubmit();
    };
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
      codesRead(item.codes || [], useCode),
      h('p', { class: 'muted' }, item.source_name || '', item.source_name ? ' · ' : '', App.timeEl(item.created_at)),
      resolveForm,
      alert,
      dismissForm,
    );
  }

  // After an item is resolved or dismissed, the next one (or the one before the last) is ready to
  // type into; with none left, the hand scanner's field.
  function focusAfter(index) {
    const next = manualItems[Math.min(index, manualItems.length - 1)];
    const input = next && $('resolve-' + next.id);
    if (input) {
      input.focus();
      input.closest('.manual-item').scrollIntoView({ block: 'nearest' });
    } else {
      $('typed-code').focus();
    }
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
      const index = manualItems.indexOf(item);
      await loadManual();
      focusAfter(index);
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
      const index = manualItems.indexOf(item);
      await loadManual();
      focusAfter(index);
    } catch (err) {
      App.showError(err, alert);
    }
  }

  // ---- batches and the handover record ---------------------------------------------------------

  // The clerk's open batch lives on the server (GET /api/batches): another tab or a new login finds
  // it there. The page keeps only a copy of what the server said.
  let batches = [];

  // The printed handover record of batch `id`: the server renders it (letterhead, one row per
  // envelope, signatures), the browser prints it.
  function handoverUrl(id) {
    return '/api/batches/' + encodeURIComponent(id) + '/handover';
  }

  function renderBatch() {
    $('batch-current').hidden = !batch;
    $('batch-current-name').textContent = batch ? `${batch.name} (#${batch.id})` : '';
    // The open batch's count is the list's (GET /api/batches counts the scans of the listed ones).
    const listed = batch && batches.find((b) => b.id === batch.id);
    $('batch-current-scans').textContent = batch ? t('batches.scans', { count: App.fmtNumber((listed || batch).scans || 0) }) : '';
    if (batch) $('batch-record').href = handoverUrl(batch.id);
    if (manifest && (!batch || manifest.batchId !== batch.id)) manifest = null;
    renderManifest();
    renderBatchList();
  }

  function renderBatchList() {
    $('batches-empty').hidden = batches.length > 0;
    App.clear($('batch-list')).append(
      ...batches.map((b) =>
        h(
          'li',
          { class: 'batch-row', dataset: { id: b.id } },
          h('strong', { text: b.name }),
          h(
            'span',
            { class: 'muted' },
            App.timeEl(b.handed_over_at),
            ' · ',
            t('batches.scans', { count: App.fmtNumber(b.scans) }),
            ' · ',
            b.closed_at ? t('batches.closed') : t('batches.open'),
          ),
          h('a', {
            class: 'button batch-reprint',
            href: handoverUrl(b.id),
            target: '_blank',
            rel: 'noopener',
            text: t('batches.record'),
            'aria-label': t('batches.record_of', { name: b.name }),
          }),
        ),
      ),
    );
  }

  async function loadBatches() {
    try {
      const answer = await App.get('/api/batches');
      batch = answer.open || null;
      batches = answer.batches || [];
    } catch (err) {
      App.showError(err);
    }
    renderBatch();
  }

  async function openBatch(body, form) {
    const answer = await App.busy(form, () => App.post('/api/batches', body));
    const opened = answer.batch || answer;
    const said = answer.already_open ? 'batch.kept' : body.reopen ? 'batch.reopened' : 'batch.opened';
    App.showStatus(t(said, { name: opened.name }));
    $('batch-name').value = '';
    await loadBatches();
  }

  async function submitBatch(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const name = $('batch-name').value.trim();
    if (!name) {
      App.showError(t('batch.needs_name'));
      $('batch-name').focus();
      return;
    }
    // The open batch's own name keeps it open: nothing to ask.
    if (batch && name === batch.name) {
      App.showStatus(t('batch.kept', { name }));
      $('batch-name').value = '';
      $('typed-code').focus();
      return;
    }
    const body = { name, carrier: $('batch-carrier').value };
    const when = $('batch-time').value;
    if (when) body.handed_over_at = when.replace('T', ' ');
    try {
      await openBatch(body, form);
    } catch (err) {
      // A name that exists: say so and ask, never continue another delivery silently.
      if (err.code !== 'conflict') {
        App.showError(err);
        return;
      }
      if (await App.confirm(err.message, t('batch.reopen'))) {
        try {
          await openBatch({ ...body, reopen: true }, form);
        } catch (again) {
          App.showError(again);
        }
      } else {
        App.showStatus(t('batch.not_reopened', { name }));
        $('batch-name').select();
      }
    }
  }

  async function closeBatch() {
    if (!batch) return;
    try {
      await App.post('/api/batches/' + encodeURIComponent(batch.id) + '/close', {});
      App.showStatus(t('batch.closed'));
      await loadBatches();
      $('batch-name').focus();
    } catch (err) {
      App.showError(err);
    }
  }

  // ---- the carrier's delivery list (manifest) ---------------------------------------------------

  function manifestSummary(answer) {
    const numbers = (list) => h('ul', { class: 'codes' }, list.map((n) => h('li', { class: 'mono', text: n })));
    return [
      h('p', { id: 'manifest-counts', text: t('manifest.result', { file: answer.file, items: answer.manifest_items, scanned: answer.scanned }) }),
      answer.missing.length ? [h('strong', { text: t('manifest.missing', { count: answer.missing.length }) }), numbers(answer.missing)] : null,
      answer.unexpected.length ? [h('strong', { text: t('manifest.unexpected', { count: answer.unexpected.length }) }), numbers(answer.unexpected)] : null,
      answer.refused.length
        ? [
            h('strong', { text: t('manifest.refused', { count: answer.refused.length }) }),
            h(
              'ul',
              { class: 'summary-failures' },
              answer.refused.map((r) => h('li', null, t('manifest.line', { line: r.line }), ' ', h('span', { class: 'mono', text: r.text }), ': ', (r.reason_by_lang && r.reason_by_lang[window.I18n.lang()]) || r.reason)),
            ),
          ]
        : null,
    ];
  }

  function renderManifest() {
    const box = $('manifest-summary');
    box.hidden = !manifest;
    if (!manifest) return;
    if (manifest.answer) {
      App.clear(box).append(...manifestSummary(manifest.answer).flat(Infinity).filter(Boolean));
      box.dataset.outcome = 'ok';
    } else {
      App.clear(box).append(h('p', { class: 'alert', text: App.errorText(manifest.error) }));
      box.dataset.outcome = 'error';
    }
  }

  function manifestForm(file, replace) {
    const form = new FormData();
    form.append('file', file, file.name);
    if (replace) form.append('replace', 'true');
    return form;
  }

  async function sendManifest() {
    const input = $('manifest-file');
    const file = input.files[0];
    input.value = '';
    if (!file || !batch) return;
    const url = '/api/batches/' + encodeURIComponent(batch.id) + '/manifest';
    const name = batch.name;
    const batchId = batch.id;
    try {
      let answer;
      try {
        answer = await App.upload(url, manifestForm(file, false), () => {});
      } catch (err) {
        // The batch has another list: replaced only when the clerk says so.
        if (err.code !== 'conflict') throw err;
        if (!(await App.confirm(err.message, t('manifest.replace')))) {
          App.showStatus(t('manifest.kept', { name }));
          return;
        }
        answer = await App.upload(url, manifestForm(file, true), () => {});
      }
      manifest = { batchId, answer };
      App.showStatus(t('manifest.loaded', { name }));
    } catch (err) {
      manifest = { batchId, error: err };
    }
    renderManifest();
  }

  // ---- start ---------------------------------------------------------------------------------

  async function start() {
    const session = await App.startStaff(['mailroom', 'admin']);
    if (!session) return;
    $('mailroom').hidden = false;
    setUpDropZone();
    $('typed-form').addEventListener('submit', submitTyped);
    $('batch-form').addEventListener('submit', submitBatch);
    $('batch-close').addEventListener('click', closeBatch);
    $('manifest-file').addEventListener('change', sendManifest);
    $('manual-refresh').addEventListener('click', loadManual);
    document.addEventListener('hoso:lang', () => {
      renderResults();
      renderManual();
      renderBatch();
      renderScanner();
      renderRun();
    });
    await Promise.all([loadBatches(), loadManual()]);
    $('typed-code').focus();
  }

  start();
})();
