// The console: a single page with hash routes. Each page is a function (page, context) that renders into the
// page element; context.alive() says whether the user is still on it (late answers are dropped) and
// context.onLeave(fn) registers what to stop when the user leaves (the live view's polling).
import { h, fill } from './dom.js';
import { session, login, resume, logout } from './api.js';
import { showProblem, clearProblem, notice, onUnauthenticated } from './ui.js';
import { livePage } from './live.js';
import { vendsPage, vendPage } from './vends.js';
import { reconPage } from './recon.js';
import { deadLettersPage, deadLetterTopicPage } from './deadletters.js';
import { auditPage, usersPage } from './people.js';

const routes = [
  [/^#\/live$/, livePage],
  [/^#\/vends$/, vendsPage],
  [/^#\/vends\/(.+)$/, vendPage],
  [/^#\/recon$/, reconPage],
  [/^#\/dead-letters$/, deadLettersPage],
  [/^#\/dead-letters\/(.+)$/, deadLetterTopicPage],
  [/^#\/audit$/, auditPage],
  [/^#\/users$/, usersPage],
];

let current = { alive: false, leave: [] };

function leave() {
  current.alive = false;
  current.leave.forEach((stop) => stop());
}

function loginPage(page) {
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('whoami').textContent = '';
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const submit = h('button', { id: 'login-submit', type: 'submit' }, 'Log in');
  const formElement = h('form', { id: 'login-form', 'data-test': 'login-form', class: 'login' },
    h('h2', {}, 'Log in'),
    h('label', {}, h('span', {}, 'User'), username),
    h('label', {}, h('span', {}, 'Password'), password),
    submit);
  formElement.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await login(username.value.trim(), password.value);
      clearProblem();
      password.value = '';
      go('#/live');
    } catch (problem) {
      password.value = '';
      showProblem(problem);
    } finally {
      submit.disabled = false;
    }
  });
  fill(page, formElement);
  username.focus();
}

function chrome() {
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('whoami').textContent = `${session.username} (${session.roles.join(', ')})`;
  const hash = location.hash.split('/').slice(0, 2).join('/');
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === hash));
}

function route() {
  leave();
  notice(null);
  const page = document.getElementById('page');
  const context = { alive: true, leave: [] };
  current = context;
  if (!session.username) {
    loginPage(page);
    return;
  }
  if (!routes.some(([pattern]) => pattern.test(location.hash))) {
    location.replace('#/live');
    return;
  }
  chrome();
  for (const [pattern, render] of routes) {
    const match = location.hash.match(pattern);
    if (match) {
      let args;
      try {
        args = match.slice(1).map(decodeURIComponent);
      } catch (e) {
        // A malformed escape in the address (e.g. #/vends/100%): go to the live view rather than leave a dead page.
        location.replace('#/live');
        return;
      }
      render(page, { alive: () => context.alive, onLeave: (stop) => context.leave.push(stop) }, ...args);
      return;
    }
  }
}

/** Shows the route: by its hashchange, or at once when the hash is already there. */
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

onUnauthenticated(() => {
  // The session ended (expired, logged out elsewhere, service restarted): back to the login, the problem shown.
  if (session.username) {
    session.username = null;
    session.roles = [];
    session.csrf = null;
    route();
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  try {
    await logout();
  } catch (problem) {
    showProblem(problem);
  }
  go('#/login');
});

window.addEventListener('hashchange', () => {
  clearProblem();
  route();
});

(async () => {
  try {
    await resume();
  } catch (problem) {
    showProblem(problem);
  }
  document.body.dataset.ready = 'true';
  route();
})();
