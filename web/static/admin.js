// Admin page (/admin): users (add, name and title, role, lock, password) and the scanning stations'
// API tokens.
'use strict';

(function () {
  const { App } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  const ROLES = ['mailroom', 'officer', 'admin'];
  let users = [];
  let tokens = [];

  async function change(user, body, doneKey) {
    try {
      await App.post('/api/users/' + encodeURIComponent(user.id), body);
      App.showStatus(t(doneKey, { login: user.login }));
    } catch (err) {
      App.showError(err);
    }
    await loadUsers();
  }

  // The full name and under it the title (chức vụ), as the printed forms show them, with a form to
  // change both.
  function nameCell(user) {
    const nameId = 'name-' + user.id;
    const titleId = 'title-' + user.id;
    const name = h('input', { type: 'text', id: nameId, class: 'user-name-input', value: user.name || '', required: true, autocomplete: 'off' });
    const title = h('input', { type: 'text', id: titleId, class: 'user-title-input', value: user.title || '', maxlength: '80', autocomplete: 'off', placeholder: t('admin.user_title_hint') });
    return h(
      'td',
      { dataset: { label: t('col.name') } },
      h('div', { class: 'user-name', text: user.name || '' }),
      user.title ? h('div', { class: 'user-title', text: user.title }) : null,
      h(
        'details',
        { class: 'user-edit' },
        h('summary', { text: t('admin.edit_user'), 'aria-label': t('admin.edit_user_of', { login: user.login }) }),
        h(
          'form',
          {
            class: 'inline-form',
            onsubmit: (ev) => {
              ev.preventDefault();
              if (!name.value.trim()) {
                App.showError(t('admin.name_needed'));
                name.focus();
                return;
              }
              change(user, { name: name.value.trim(), title: title.value.trim() }, 'admin.user_saved');
            },
          },
          h('label', { for: nameId, class: 'visually-hidden', text: t('admin.name_of', { login: user.login }) }),
          name,
          h('label', { for: titleId, class: 'visually-hidden', text: t('admin.user_title_of', { login: user.login }) }),
          title,
          h('button', { type: 'submit', text: t('admin.save_user') }),
        ),
      ),
    );
  }

  function userRow(user) {
    const self = App.session.user.id === user.id;
    const roleId = 'role-' + user.id;
    const passwordId = 'password-' + user.id;
    const password = h('input', { type: 'password', id: passwordId, minlength: '10', required: true, autocomplete: 'new-password' });
    return h(
      'tr',
      { dataset: { id: user.id, login: user.login } },
      h('td', { class: 'mono', dataset: { label: t('col.login') }, text: user.login }),
      nameCell(user),
      h(
        'td',
        { dataset: { label: t('col.role') } },
        h('label', { for: roleId, class: 'visually-hidden', text: t('admin.role_of', { login: user.login }) }),
        h(
          'select',
          {
            id: roleId,
            disabled: self,
            onchange: async (ev) => {
              const select = ev.currentTarget;
              const role = select.value;
              const question = t('admin.confirm_role', { login: user.login, name: user.name || user.login, role: t('role.' + role) });
              if (!(await App.confirm(question, t('admin.confirm_role_yes')))) {
                select.value = user.role;
                return;
              }
              change(user, { role }, 'admin.role_changed');
            },
          },
          ROLES.map((role) => h('option', { value: role, selected: role === user.role, text: t('role.' + role) })),
        ),
      ),
      h(
        'td',
        { dataset: { label: t('col.account') } },
        h('span', { class: 'badge ' + (user.disabled ? 'bad' : 'ok'), text: t(user.disabled ? 'admin.disabled' : 'admin.active') }),
        ' ',
        h('button', {
          type: 'button',
          class: user.disabled ? '' : 'danger',
          disabled: self,
          text: t(user.disabled ? 'admin.enable' : 'admin.disable'),
          'aria-label': t(user.disabled ? 'admin.enable_of' : 'admin.disable_of', { login: user.login }),
          onclick: async () => {
            // Locking someone out asks first; letting them back in does not.
            if (!user.disabled && !(await App.confirm(t('admin.confirm_disable', { login: user.login, name: user.name || user.login }), t('admin.disable')))) return;
            change(user, { disabled: !user.disabled }, user.disabled ? 'admin.enabled' : 'admin.disabled_done');
          },
        }),
      ),
      h(
        'td',
        { dataset: { label: t('col.password') } },
        h(
          'form',
          {
            class: 'inline-form',
            onsubmit: (ev) => {
              ev.preventDefault();
              if (password.value.length < 10) {
                App.showError(t('admin.password_short'));
                password.focus();
                return;
              }
              change(user, { password: password.value }, 'admin.password_changed');
            },
          },
          h('label', { for: passwordId, class: 'visually-hidden', text: t('admin.new_password_of', { login: user.login }) }),
          password,
          h('button', { type: 'submit', text: t('admin.reset') }),
        ),
      ),
    );
  }

  function renderUsers() {
    App.clear($('user-rows')).append(...users.map(userRow));
  }

  async function loadUsers() {
    try {
      users = (await App.get('/api/users')).users || [];
      renderUsers();
    } catch (err) {
      App.showError(err);
    }
  }

  async function addUser(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const body = {
      login: $('new-login').value.trim(),
      name: $('new-name').value.trim(),
      title: $('new-title').value.trim(),
      role: $('new-role').value,
      password: $('new-password').value,
    };
    if (!body.login || !body.name) {
      App.showError(t('admin.user_needs'));
      return;
    }
    if (body.password.length < 10) {
      App.showError(t('admin.password_short'));
      $('new-password').focus();
      return;
    }
    try {
      await App.busy(form, () => App.post('/api/users', body));
      form.reset();
      App.showStatus(t('admin.user_added', { login: body.login }));
      await loadUsers();
    } catch (err) {
      App.showError(err);
    }
  }

  function tokenRow(token) {
    const state = token.revoked_at
      ? h('span', null, h('span', { class: 'badge bad', text: t('admin.revoked') }), ' ', App.timeEl(token.revoked_at))
      : h(
          'span',
          null,
          h('span', { class: 'badge ok', text: t('admin.active') }),
          ' ',
          h('button', {
            type: 'button',
            class: 'danger',
            text: t('admin.revoke'),
            'aria-label': t('admin.revoke_of', { name: token.name }),
            onclick: () => revoke(token),
          }),
        );
    return h(
      'tr',
      { dataset: { id: token.id } },
      h('td', { dataset: { label: t('col.token_name') }, text: token.name }),
      h('td', { dataset: { label: t('col.created_at') } }, App.timeEl(token.created_at)),
      h('td', { dataset: { label: t('col.last_used_at') } }, token.last_used_at ? App.timeEl(token.last_used_at) : t('admin.never')),
      h('td', { dataset: { label: t('col.token_state') } }, state),
    );
  }

  function renderTokens() {
    App.clear($('token-rows')).append(...tokens.map(tokenRow));
    $('tokens-table').hidden = tokens.length === 0;
    $('tokens-empty').hidden = tokens.length > 0;
  }

  async function loadTokens() {
    try {
      tokens = (await App.get('/api/tokens')).tokens || [];
      renderTokens();
    } catch (err) {
      App.showError(err);
    }
  }

  async function revoke(token) {
    if (!(await App.confirm(t('admin.confirm_revoke', { name: token.name }), t('admin.confirm_revoke_yes')))) return;
    try {
      await App.post('/api/tokens/' + encodeURIComponent(token.id) + '/revoke');
      App.showStatus(t('admin.token_revoked', { name: token.name }));
    } catch (err) {
      App.showError(err);
    }
    await loadTokens();
  }

  async function addToken(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const name = $('token-name').value.trim();
    if (!name) {
      $('token-name').focus();
      return;
    }
    try {
      const answer = await App.busy(form, () => App.post('/api/tokens', { name }));
      form.reset();
      App.showStatus(t('admin.token_created', { name }));
      $('token-value').textContent = answer.token;
      $('token-once').hidden = false;
      $('token-copy').focus();
      await loadTokens();
    } catch (err) {
      App.showError(err);
    }
  }

  async function copyToken() {
    try {
      await navigator.clipboard.writeText($('token-value').textContent);
      App.showStatus(t('admin.copied'));
    } catch (e) {
      window.getSelection().selectAllChildren($('token-value'));
      App.showStatus(t('admin.copy_by_hand'));
    }
  }

  // ---- the desk's public address (the citizens' QR codes) ------------------------------------

  function renderDesk(desk) {
    $('public-url').value = desk.public_url || '';
    $('desk-address').value = desk.address || '';
    $('desk-phone').value = desk.phone || '';
    const problem = $('public-url-problem');
    problem.textContent = desk.public_url_problem || '';
    problem.hidden = !desk.public_url_problem;
  }

  async function loadDesk() {
    try {
      renderDesk(await App.get('/api/desk'));
    } catch (err) {
      App.showError(err);
    }
  }

  async function saveDesk(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const url = $('public-url').value.trim();
    if (!url) {
      $('public-url').focus();
      return;
    }
    const body = { public_url: url };
    // The desk's address and hotline (shown on the citizens' page) go with it once either is typed.
    const address = $('desk-address').value.trim();
    const phone = $('desk-phone').value.trim();
    if (address || phone) Object.assign(body, { address, phone });
    try {
      renderDesk(await App.busy(form, () => App.post('/api/desk', body)));
      App.showStatus(t(body.phone !== undefined ? 'admin.desk_saved' : 'admin.public_url_saved'));
    } catch (err) {
      App.showError(err);
      $('public-url').focus();
    }
  }

  async function start() {
    const session = await App.startStaff(['admin']);
    if (!session) return;
    $('admin').hidden = false;
    $('user-form').addEventListener('submit', addUser);
    $('token-form').addEventListener('submit', addToken);
    $('desk-form').addEventListener('submit', saveDesk);
    $('token-copy').addEventListener('click', copyToken);
    $('token-hide').addEventListener('click', () => {
      $('token-value').textContent = '';
      $('token-once').hidden = true;
    });
    document.addEventListener('hoso:lang', () => {
      renderUsers();
      renderTokens();
    });
    document.addEventListener('hoso:lang', loadDesk);
    await Promise.all([loadUsers(), loadTokens(), loadDesk()]);
  }

  start();
})();
