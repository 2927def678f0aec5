// Login page (/): logs in and goes to the page of the user's role (or back to the page that sent
// the user here, when the role may open it).
'use strict';

(function () {
  const { App } = window;
  const t = window.I18n.t;

  // The page to open after login: ?next= when it is one of this site's staff pages.
  function target(role) {
    const next = new URLSearchParams(location.search).get('next') || '';
    const allowed = {
      mailroom: ['/mailroom'],
      officer: ['/dossiers', '/dossier', '/dispatch', '/reports'],
      admin: ['/mailroom', '/dossiers', '/dossier', '/dispatch', '/reports', '/admin'],
    }[role] || [];
    const path = next.split(/[?#]/)[0];
    if (next.startsWith('/') && !next.startsWith('//') && allowed.includes(path)) return next;
    return App.roleHome(role);
  }

  async function submit(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const login = App.$('login').value.trim();
    const password = App.$('password').value;
    if (!login || !password) {
      App.showError(t('login.missing'));
      (login ? App.$('password') : App.$('login')).focus();
      return;
    }
    App.clearError();
    try {
      const answer = await App.busy(form, () => App.post('/api/login', { login, password }));
      location.assign(target(answer.user.role));
    } catch (err) {
      if (err.status === 401) App.showError(t('login.failed'));
      else if (err.status === 429) App.showError(t('error.rate_limited', { seconds: err.retryAfter || 60 }));
      else App.showError(err);
      App.$('password').select();
    }
  }

  async function start() {
    App.startPublic();
    App.$('login-form').addEventListener('submit', submit);
    if (new URLSearchParams(location.search).get('expired') === '1') App.showStatus(t('login.expired'));
    try {
      const session = await App.get('/api/session');
      location.replace(target(session.user.role));
    } catch (err) {
      if (err.status !== 401) App.showError(err);
      App.$('login').focus();
    }
  }

  start();
})();
