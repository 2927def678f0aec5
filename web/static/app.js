// hoso: what every page shares: building DOM safely, calling the API, the session, the header,
// alerts and date formatting. Loaded after i18n.js; exposes window.App.
'use strict';

(function () {
  const t = window.I18n.t;

  // Pages each role may open, in the navigation's order.
  const NAV = [
    { href: '/mailroom', key: 'nav.mailroom', roles: ['mailroom', 'admin'] },
    { href: '/dossiers', key: 'nav.dossiers', roles: ['officer', 'admin'] },
    { href: '/dispatch', key: 'nav.dispatch', roles: ['officer', 'admin'] },
    { href: '/reports', key: 'nav.reports', roles: ['officer', 'admin'] },
    { href: '/admin', key: 'nav.admin', roles: ['admin'] },
  ];

  class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  const App = { session: null, staffPage: false };

  // Creates an element. attrs: 'class', 'text' (textContent), 'dataset' (object), 'on<event>'
  // (listener), true for a bare attribute, null/undefined/false to leave one out. Children are
  // nodes or text (never parsed as HTML).
  App.h = function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') el.className = value;
      else if (name === 'text') el.textContent = value;
      else if (name === 'dataset') Object.assign(el.dataset, value);
      else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    App.append(el, children);
    return el;
  };

  App.append = function append(parent, children) {
    for (const child of [children].flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      parent.append(child instanceof Node ? child : String(child));
    }
    return parent;
  };

  App.clear = function clear(el) {
    el.replaceChildren();
    return el;
  };

  App.$ = (id) => document.getElementById(id);

  // "2026-11-29T21:34:02+07:00" -> "29/11/2026 21:34", as the desk's local time it already is.
  App.fmtDateTime = function fmtDateTime(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(iso || '');
    if (!m) return iso ? String(iso) : '—';
    const date = `${m[3]}/${m[2]}/${m[1]}`;
    return m[4] ? `${date} ${m[4]}:${m[5]}` : date;
  };

  App.fmtDate = function fmtDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? `${m[3]}/${m[2]}/${m[1]}` : iso ? String(iso) : '—';
  };

  // A day typed as Vietnamese desks write it, "7/12/2026" or "07/12/2026" ("-" or "." also do;
  // "2026-12-07" too) -> "2026-12-07"; "" for nothing typed; null for anything else, or a day that
  // does not exist (31/02/2026).
  App.parseDay = function parseDay(text) {
    const typed = String(text || '').trim();
    if (!typed) return '';
    let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(typed);
    const [d, mo, y] = m ? [m[1], m[2], m[3]] : (m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed)) ? [m[3], m[2], m[1]] : [];
    if (!y) return null;
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
    return `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  };

  // The day fields of `root` (input[data-day]): typed as dd/mm/yyyy whatever the browser's
  // language, tidied to that form when the field is left, marked invalid when not a day.
  App.dayFields = function dayFields(root) {
    for (const input of (root || document).querySelectorAll('input[data-day]')) {
      input.addEventListener('change', () => {
        const day = App.parseDay(input.value);
        if (day) input.value = App.fmtDate(day);
        input.setAttribute('aria-invalid', day === null ? 'true' : 'false');
      });
    }
  };

  // The value of day field `input` as "YYYY-MM-DD" ("" when empty); when it is not a day, says so
  // naming the field's label, puts the cursor there and returns null.
  App.dayValue = function dayValue(input) {
    const day = App.parseDay(input.value);
    if (day === null) {
      const label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : input.name;
      App.showError(t('date.invalid', { field: label, typed: input.value.trim() }));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
    return day;
  };

  // A table head row of dictionary keys (or [key, class] pairs).
  App.thead = function thead(columns) {
    const cells = columns.map((c) => {
      const [key, cls] = Array.isArray(c) ? c : [c, null];
      return App.h('th', { scope: 'col', class: cls, text: t(key) });
    });
    return App.h('thead', null, App.h('tr', null, cells));
  };

  // A <time> showing dd/mm/yyyy HH:MM, or a dash.
  App.timeEl = function timeEl(iso) {
    if (!iso) return document.createTextNode('—');
    return App.h('time', { datetime: iso, text: App.fmtDateTime(iso) });
  };

  // A date on one line and its time below, smaller ("29/11/2026" / "21:34"), or a dash.
  App.dateTimeLines = function dateTimeLines(iso) {
    if (!iso) return document.createTextNode('—');
    const [date, time] = App.fmtDateTime(iso).split(' ');
    return App.h('time', { datetime: iso }, date, time ? App.h('span', { class: 'sub', text: time }) : null);
  };

  // Text cut to two lines with an ellipsis (CSS), whole on hover (title) and on keyboard focus
  // (the element is focusable and shows a box with the whole text). Screen readers read it whole.
  App.clampText = function clampText(text, kind) {
    return App.h('span', { class: 'clamp' + (kind ? ' clamp-' + kind : ''), tabindex: 0, title: text, dataset: { full: text } }, text);
  };

  // A dossier's state as a short badge, the full wording on hover.
  App.stateBadge = function stateBadge(row) {
    const full = App.label('state.', row.state, row.state_label);
    const short = window.I18n.has('state_short.' + row.state) ? t('state_short.' + row.state) : full;
    return App.h('span', { class: 'badge state-badge', title: full, dataset: { state: row.state }, text: short });
  };

  // Makes the <th data-sort="name"> of `table` buttons that call onSort(name), and marks the
  // current order with aria-sort and an arrow.
  App.sortHeaders = function sortHeaders(table, current, order, onSort) {
    for (const th of table.querySelectorAll('th[data-sort]')) {
      let button = th.querySelector('button.sort-button');
      if (!button) {
        button = App.h('button', { type: 'button', class: 'sort-button', onclick: () => onSort(th.dataset.sort) });
        button.append(...th.childNodes, App.h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }));
        th.append(button);
      }
      const active = th.dataset.sort === current;
      if (active) th.setAttribute('aria-sort', order === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
      button.querySelector('.sort-arrow').textContent = active ? (order === 'asc' ? '▲' : '▼') : '↕';
    }
  };

  App.fmtNumber = function fmtNumber(n) {
    return typeof n === 'number' ? n.toLocaleString(window.I18n.locale()) : n === null ? '—' : String(n);
  };

  // A label from the dictionary when there is one, else the server's label, else the raw name.
  App.label = function label(prefix, name, fallback) {
    if (window.I18n.has(prefix + name)) return t(prefix + name);
    return fallback || String(name ?? '—');
  };

  App.roleHome = function roleHome(role) {
    return role === 'mailroom' ? '/mailroom' : '/dossiers';
  };

  App.canSeeDossiers = function canSeeDossiers() {
    const role = App.session && App.session.user.role;
    return role === 'officer' || role === 'admin';
  };

  // To the login page, which brings the user back here afterwards. A page that had a session and
  // is refused now lost it (expired, logged out elsewhere): the login page says so.
  App.toLogin = function toLogin() {
    const next = location.pathname + location.search + location.hash;
    location.replace('/?next=' + encodeURIComponent(next) + (App.session ? '&expired=1' : ''));
  };

  async function readAnswer(res) {
    const text = await res.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  App.errorFromAnswer = function errorFromAnswer(status, data, retryAfterHeader) {
    const err = (data && data.error) || {};
    const retry = Number.parseInt(retryAfterHeader || '', 10);
    return new ApiError(
      status,
      err.code || 'http_' + status,
      err.message || t('error.http', { status }),
      Number.isFinite(retry) ? retry : null,
    );
  };

  // Calls the API; resolves to the JSON answer, rejects with an ApiError. On a staff page a 401
  // (session gone) goes to the login page.
  App.api = async function api(method, path, body) {
    // The server writes its messages in the language of the page.
    const headers = { Accept: 'application/json', 'Accept-Language': window.I18n.lang() };
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body === undefined ? {} : body);
      if (App.session) headers['X-CSRF-Token'] = App.session.csrf_token;
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', t('error.network'), null);
    }
    const data = await readAnswer(res);
    if (!res.ok) {
      if (res.status === 401 && App.staffPage) App.toLogin();
      throw App.errorFromAnswer(res.status, data, res.headers.get('Retry-After'));
    }
    return data || {};
  };

  App.get = (path) => App.api('GET', path);
  App.post = (path, body) => App.api('POST', path, body);

  // Uploads a multipart form with XMLHttpRequest, reporting progress (0..1) to onProgress.
  App.upload = function upload(path, formData, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Accept-Language', window.I18n.lang());
      if (App.session) xhr.setRequestHeader('X-CSRF-Token', App.session.csrf_token);
      xhr.upload.addEventListener('progress', (ev) => {
        if (ev.lengthComputable) onProgress(ev.loaded / ev.total);
      });
      xhr.addEventListener('load', () => {
        let data = null;
        try {
          data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch (e) {
          data = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve(data || {});
          return;
        }
        if (xhr.status === 401 && App.staffPage) App.toLogin();
        reject(App.errorFromAnswer(xhr.status, data, xhr.getResponseHeader('Retry-After')));
      });
      xhr.addEventListener('error', () => reject(new ApiError(0, 'network', t('error.network'), null)));
      xhr.send(formData);
    });
  };

  // The text shown for an API error: what kind of error in the page's language, then the
  // server's own words.
  App.errorText = function errorText(err) {
    if (!(err instanceof ApiError)) return t('error.unexpected', { message: String(err && err.message) });
    if (err.code === 'network') return err.message;
    const kind = window.I18n.has('code.' + err.code) ? t('code.' + err.code) : t('error.http', { status: err.status });
    return `${kind}: ${err.message}`;
  };

  // The page's alert region (role="alert") and status region (role="status").
  App.showError = function showError(err, region) {
    const el = region || App.$('alert');
    el.textContent = typeof err === 'string' ? err : App.errorText(err);
    if (!region) App.showStatus('');
  };

  App.clearError = function clearError(region) {
    (region || App.$('alert')).textContent = '';
  };

  App.showStatus = function showStatus(text) {
    const el = App.$('status');
    if (el) el.textContent = text;
    if (text) App.clearError();
  };

  function langButton() {
    const other = window.I18n.lang() === 'vi' ? 'en' : 'vi';
    return App.h('button', {
      type: 'button',
      class: 'lang-switch',
      lang: other,
      text: t('lang.switch'),
      onclick: () => window.I18n.setLang(other),
    });
  }

  // The header: brand, navigation by role, the user, language switch and logout. Without a
  // session (login and citizen pages) only the brand and the language switch.
  App.renderHeader = function renderHeader() {
    const header = App.$('site-header');
    if (!header) return;
    const session = App.session;
    const home = session ? App.roleHome(session.user.role) : App.staffPage ? '/' : location.pathname;
    const parts = [
      App.h('a', { class: 'skip-link', href: '#main', text: t('nav.skip') }),
      App.h('a', { class: 'brand', href: home }, 'hoso', App.h('small', { text: t('app.subtitle') })),
    ];
    if (session) {
      const links = NAV.filter((item) => item.roles.includes(session.user.role)).map((item) =>
        App.h(
          'li',
          null,
          App.h('a', {
            href: item.href,
            text: t(item.key),
            'aria-current': location.pathname === item.href ? 'page' : null,
          }),
        ),
      );
      parts.push(App.h('nav', { class: 'site-nav', 'aria-label': t('nav.label') }, App.h('ul', null, links)));
    }
    const box = App.h('div', { class: 'user-box' });
    if (session) {
      const user = session.user;
      App.append(box, [
        App.h('span', { class: 'user-name', id: 'user-name', text: user.name || user.login }),
        App.h('span', { class: 'role-badge', id: 'user-role', dataset: { role: user.role }, text: App.label('role.', user.role) }),
      ]);
      if (!session.user.login.startsWith('token:')) {
        box.append(App.h('button', { type: 'button', id: 'change-password', text: t('nav.password'), onclick: openPasswordDialog }));
      }
    }
    box.append(langButton());
    if (session) {
      box.append(App.h('button', { type: 'button', id: 'logout', text: t('nav.logout'), onclick: logout }));
    }
    parts.push(box);
    if (session) parts.push(App.h('ul', { class: 'workload', id: 'workload', 'aria-label': t('work.label') }));
    App.clear(header).append(...parts);
    renderWorkload();
  };

  // ---- what is waiting: the header's counters ---------------------------------------------------

  // The counters of GET /api/workload the caller's role sees, each a link to its list; a count
  // that needs attention now (overdue, due within a working day) is marked.
  const WORK = [
    { key: 'waiting_acceptance', href: '/dossiers?state=received' },
    { key: 'acceptance_late', href: '/dossiers?view=accept_late', urgent: true },
    // Shown only when there is one: a rare list, closed in one go.
    { key: 'supplement_expired', href: '/dossiers?view=supplement_expired', urgent: true, onlyWhenAny: true },
    { key: 'overdue', href: '/dossiers?view=overdue', urgent: true },
    { key: 'due_soon', href: '/dossiers?view=due_soon', urgent: true },
    { key: 'ready', href: '/dossiers?view=ready' },
    { key: 'waiting_collection', href: '/dispatch#collect-heading' },
    { key: 'manual_queue', href: '/mailroom#manual-heading' },
  ];
  const WORKLOAD_REFRESH_MS = 60_000;
  let workloadTimer = null;

  function renderWorkload() {
    const list = App.$('workload');
    if (!list) return;
    const work = App.workload || {};
    const shown = (item) => typeof work[item.key] === 'number' && !(item.onlyWhenAny && work[item.key] === 0);
    const items = WORK.filter(shown).map((item) => {
      const count = work[item.key];
      return App.h(
        'li',
        null,
        App.h(
          'a',
          { href: item.href, id: 'work-' + item.key, class: item.urgent && count > 0 ? 'urgent' : null, dataset: { count } },
          App.h('span', { text: t('work.' + item.key) }),
          ' ',
          App.h('span', { class: 'work-count', text: App.fmtNumber(count) }),
        ),
      );
    });
    App.clear(list).append(...items);
    list.hidden = items.length === 0;
  }

  // Reads the counters again (every minute while the page is shown, when it is shown again, and
  // after an action: App.workChanged) and tells the page (event hoso:workload).
  App.refreshWorkload = async function refreshWorkload() {
    if (!App.session) return;
    clearTimeout(workloadTimer);
    try {
      App.workload = await App.get('/api/workload');
      renderWorkload();
      document.dispatchEvent(new CustomEvent('hoso:workload', { detail: App.workload }));
    } catch (err) {
      // The counters are a convenience: a failed read keeps the last ones (a lost session shows on
      // the page's next request).
    }
    workloadTimer = setTimeout(() => {
      if (document.visibilityState === 'visible') App.refreshWorkload();
    }, WORKLOAD_REFRESH_MS);
  };
  App.workChanged = function workChanged() {
    App.refreshWorkload();
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') App.refreshWorkload();
  });

  // ---- choosing a procedure ------------------------------------------------------------------

  // Text folded for searching: lower case, without diacritics ("Đất đai" -> "dat dai").
  App.fold = function fold(text) {
    return String(text || '')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase();
  };

  // A searchable procedure picker (an ARIA combobox) for a catalogue of long names: words typed,
  // with or without diacritics, narrow the list to procedures whose code or name has them all;
  // arrows move, Enter or a click picks, Esc closes. The code picked is the value of a hidden
  // input named `name`, which a form reads like any field; `onPick(procedure or null)` follows.
  App.procedurePicker = function procedurePicker({ id, name, procedures, current, onPick }) {
    const listId = id + '-options';
    const hidden = App.h('input', { type: 'hidden', name, value: '' });
    const input = App.h('input', {
      type: 'text',
      id,
      role: 'combobox',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': listId,
      placeholder: t('picker.placeholder'),
    });
    const list = App.h('ul', { id: listId, role: 'listbox', class: 'picker-options', hidden: true, 'aria-label': t('picker.options') });
    const status = App.h('span', { class: 'visually-hidden', 'aria-live': 'polite' });
    const items = procedures.map((p) => ({ p, key: App.fold(p.code + ' ' + p.name) }));
    let shown = [];
    let active = -1;

    const labelOf = (p) => p.code + ' — ' + p.name;
    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function pick(p, quiet) {
      hidden.value = p ? p.code : '';
      input.value = p ? labelOf(p) : '';
      input.title = input.value;
      close();
      if (!quiet && onPick) onPick(p || null);
    }
    function setActive(index) {
      const options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
      active = index;
      if (active < 0 || !options[active]) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      options[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[active].id);
      options[active].scrollIntoView({ block: 'nearest' });
    }
    function open() {
      // Right after a pick the field shows the pick: the whole list is offered again.
      const typed = hidden.value && input.value === input.title ? '' : input.value;
      const words = App.fold(typed).split(/\s+/).filter(Boolean);
      shown = items.filter((item) => words.every((w) => item.key.includes(w))).map((item) => item.p);
      App.clear(list).append(
        ...shown.map((p, i) =>
          App.h(
            'li',
            { role: 'option', id: listId + '-' + i, 'aria-selected': 'false', title: labelOf(p), dataset: { code: p.code } },
            App.h('span', { class: 'picker-text' }, App.h('span', { class: 'mono picker-code', text: p.code }), ' ', App.h('span', { class: 'picker-name', text: p.name })),
          ),
        ),
      );
      if (!shown.length) list.append(App.h('li', { class: 'picker-none', text: t('picker.none') }));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      status.textContent = t('picker.count', { n: shown.length });
      setActive(shown.length === 1 ? 0 : -1);
    }

    input.addEventListener('input', () => {
      hidden.value = '';
      input.title = '';
      open();
    });
    input.addEventListener('focus', open);
    input.addEventListener('blur', close);
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (list.hidden) open();
        if (!shown.length) return;
        const step = ev.key === 'ArrowDown' ? 1 : -1;
        setActive((active + step + shown.length) % shown.length);
      } else if (ev.key === 'Enter' && !list.hidden && active >= 0) {
        ev.preventDefault();
        pick(shown[active]);
      } else if (ev.key === 'Escape' && !list.hidden) {
        ev.preventDefault();
        ev.stopPropagation();
        close();
      }
    });
    // Pressing an option must not blur the field first.
    list.addEventListener('mousedown', (ev) => ev.preventDefault());
    list.addEventListener('click', (ev) => {
      const option = ev.target.closest('[role=option]');
      if (option) pick(shown[Number(option.id.slice(listId.length + 1))]);
    });

    if (current) {
      const found = procedures.find((p) => p.code === current);
      if (found) pick(found, true);
    }
    const element = App.h('div', { class: 'picker' }, input, list, hidden, status);
    return { element, input, value: () => hidden.value };
  };

  // Asks before a change that is hard to undo (a role, a locked account, a revoked token): a modal
  // dialog naming what will happen, "confirm" and "cancel" (Esc); resolves true only on confirm.
  // Focus starts on cancel and goes back where it was.
  App.confirm = function confirm(question, confirmText) {
    const old = App.$('confirm-dialog');
    if (old) old.remove();
    const returnTo = document.activeElement;
    return new Promise((resolve) => {
      let answer = false;
      const dialog = App.h(
        'dialog',
        { id: 'confirm-dialog', class: 'password-dialog', 'aria-labelledby': 'confirm-text' },
        App.h('p', { id: 'confirm-text', text: question }),
        App.h(
          'div',
          { class: 'form-actions' },
          App.h('button', {
            type: 'button',
            class: 'primary',
            id: 'confirm-yes',
            text: confirmText || t('confirm.yes'),
            onclick: () => {
              answer = true;
              dialog.close();
            },
          }),
          App.h('button', { type: 'button', id: 'confirm-no', text: t('confirm.no'), onclick: () => dialog.close() }),
        ),
      );
      dialog.addEventListener('close', () => {
        dialog.remove();
        if (returnTo && returnTo.focus) returnTo.focus();
        resolve(answer);
      });
      document.body.append(dialog);
      dialog.showModal();
      App.$('confirm-no').focus();
    });
  };

  // The user's own password: a small dialog (current, new, repeat) over POST /api/password. The
  // change ends every session of the user; the answer carries a fresh one (cookie and CSRF token),
  // so the page goes on.
  function openPasswordDialog() {
    const old = App.$('password-dialog');
    if (old) old.remove();
    const field = (id, key, autocomplete) =>
      App.h(
        'div',
        { class: 'field' },
        App.h('label', { for: id, text: t(key) }),
        App.h('input', { type: 'password', id, autocomplete, maxlength: 1024 }),
      );
    const alert = App.h('div', { class: 'alert', id: 'password-alert', role: 'alert' });
    const form = App.h(
      'form',
      { id: 'password-form', novalidate: true },
      App.h('p', { class: 'hint', text: t('password.hint') }),
      field('current-password', 'password.current', 'current-password'),
      field('new-password-1', 'password.new', 'new-password'),
      field('new-password-2', 'password.repeat', 'new-password'),
      alert,
      App.h(
        'div',
        { class: 'form-actions' },
        App.h('button', { type: 'submit', class: 'primary', id: 'password-submit', text: t('password.submit') }),
        App.h('button', { type: 'button', id: 'password-cancel', text: t('password.cancel'), onclick: () => dialog.close() }),
      ),
    );
    const dialog = App.h(
      'dialog',
      { id: 'password-dialog', class: 'password-dialog', 'aria-labelledby': 'password-title' },
      App.h('h2', { id: 'password-title', text: t('password.title') }),
      form,
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const current = App.$('current-password').value;
      const fresh = App.$('new-password-1').value;
      if (!current || !fresh) {
        App.showError(t('password.missing'), alert);
        return;
      }
      if (fresh !== App.$('new-password-2').value) {
        App.showError(t('password.mismatch'), alert);
        App.$('new-password-2').focus();
        return;
      }
      App.clearError(alert);
      try {
        App.session = await App.busy(form, () => App.post('/api/password', { current_password: current, new_password: fresh }));
      } catch (err) {
        App.showError(err, alert);
        return;
      }
      App.renderHeader();
      App.clear(form).append(
        App.h('p', { id: 'password-done', role: 'status', text: t('password.changed') }),
        App.h('div', { class: 'form-actions' }, App.h('button', { type: 'button', class: 'primary', id: 'password-close', text: t('password.close'), onclick: () => dialog.close() })),
      );
      App.$('password-close').focus();
    });
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  async function logout() {
    try {
      await App.post('/api/logout');
    } catch (err) {
      if (err.status !== 401) {
        App.showError(err);
        return;
      }
    }
    App.session = null;
    location.assign('/');
  }

  // Starts a staff page: the session first (401 goes to the login page), then the header.
  // Resolves to the session, or null when the page must not go on (no session, wrong role).
  App.startStaff = async function startStaff(roles) {
    App.staffPage = true;
    App.renderHeader();
    try {
      App.session = await App.get('/api/session');
    } catch (err) {
      if (err.status !== 401) App.showError(err);
      return null;
    }
    App.renderHeader();
    App.refreshWorkload();
    if (!roles.includes(App.session.user.role)) {
      const home = App.roleHome(App.session.user.role);
      App.showError(t('error.role_page'));
      App.$('main').append(App.h('p', null, App.h('a', { href: home, class: 'button primary', text: t('nav.home') })));
      return null;
    }
    return App.session;
  };

  // A public page: header without navigation.
  App.startPublic = function startPublic() {
    App.renderHeader();
  };

  // Disables a form's controls while an async task runs.
  App.busy = async function busy(form, task) {
    const controls = Array.from(form.querySelectorAll('button, input, select, textarea'));
    const before = controls.map((c) => c.disabled);
    controls.forEach((c) => {
      c.disabled = true;
    });
    form.setAttribute('aria-busy', 'true');
    try {
      return await task();
    } finally {
      controls.forEach((c, i) => {
        c.disabled = before[i];
      });
      form.removeAttribute('aria-busy');
    }
  };

  document.addEventListener('hoso:lang', () => App.renderHeader());

  window.App = App;
})();
