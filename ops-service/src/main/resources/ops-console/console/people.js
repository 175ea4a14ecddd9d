// The audit trail (every role reads it) and the back-office users (an OPERATOR lifts a lockout).
import { h, fill, table, value, when } from './dom.js';
import { get, post, can, q } from './api.js';
import { act, changeButton, heading } from './ui.js';

export function auditPage(page, context) {
  const limit = h('select', { id: 'audit-limit', 'data-test': 'audit-limit' },
    ['100', '250', '500'].map((v) => h('option', { value: v }, v)));
  const list = h('div', { 'data-test': 'audit' });
  async function load() {
    await act(() => get(`/ops/v1/audit${q({ limit: limit.value })}`), { then: (entries) => context.alive()
      && fill(list, table('audit-table', [
        { title: 'at', cell: (e) => when(e.occurredAt) },
        { title: 'action', cell: (e) => h('span', { 'data-test': 'audit-action' }, e.action) },
        { title: 'actor', cell: (e) => h('span', { 'data-test': 'audit-actor' }, e.actor || '—') },
        { title: 'roles', cell: (e) => (e.actorRoles || []).join(', ') },
        { title: 'subject', cell: (e) => h('span', { 'data-test': 'audit-subject' }, e.subject || '—') },
        { title: 'reason', cell: (e) => e.reason },
        { title: 'client', cell: (e) => e.clientAddress },
        { title: 'details', cell: (e) => h('div', { 'data-test': 'audit-details' }, value(e.details)) },
      ], entries, (e) => ({ 'data-test': 'audit-entry', 'data-action': e.action }))) });
  }
  limit.addEventListener('change', load);
  fill(page, heading('Audit trail', h('label', {}, 'Newest ', limit),
    h('button', { type: 'button', 'data-test': 'audit-refresh', onclick: load }, 'Refresh')), list);
  load();
}

export function usersPage(page, context) {
  const list = h('div', { 'data-test': 'users' });
  async function load() {
    await act(() => get('/ops/v1/users'), { then: (users) => context.alive() && fill(list, table('user-table', [
      { title: 'user', cell: (u) => u.username },
      { title: 'roles', cell: (u) => u.roles.join(', ') },
      { title: 'locked', cell: (u) => h('span', { 'data-test': 'user-locked' }, u.locked ? 'locked' : 'no') },
      { title: 'locked until', cell: (u) => when(u.lockedUntil) },
      { title: 'recent failures', cell: (u) => u.recentFailures },
      { title: '', cell: (u) => (can('OPERATOR') && u.locked ? changeButton('unlock', 'Unlock', () => act(
        () => post(`/ops/v1/users/${encodeURIComponent(u.username)}/unlock`),
        { done: `${u.username} unlocked.`, then: load })) : null) },
    ], users, (u) => ({ 'data-test': 'user', 'data-username': u.username }))) });
  }
  fill(page, heading('Users'), list);
  load();
}
