// The live view: polls GET /ops/v1/live every 5 seconds by itself while the page is open.
import { h, fill, table, facts, value, when } from './dom.js';
import { get } from './api.js';
import { showProblem, clearProblem, heading } from './ui.js';

export const POLL_MILLIS = 5000;

function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

function millis(ms) {
  return ms === null || ms === undefined ? '—' : `${Math.round(ms)} ms`;
}

function counts(test, what, object) {
  const rows = Object.entries(object || {});
  return table(test, [{ title: what, cell: ([k]) => k }, { title: 'count', cell: ([, v]) => value(v) }], rows,
    ([k]) => ({ 'data-key': k }));
}

function render(view, live) {
  fill(view,
    facts('live-summary', [
      ['As of', when(live.at)],
      ['Unresolved vends', h('a', { href: '#/vends', 'data-test': 'live-unresolved' }, String(live.unresolvedVends ?? '—'))],
      ['Dead letters', h('a', { href: '#/dead-letters', 'data-test': 'live-dead-letters' }, String(live.deadLetters ?? '—'))],
    ]),
    h('div', { class: 'columns' },
      h('section', {}, h('h3', {}, 'Orders by state'), counts('live-orders', 'state', live.orders)),
      h('section', {}, h('h3', {}, 'Stuck work'), counts('live-stuck', 'kind', live.stuck))),
    h('h3', {}, 'Providers'),
    table('live-providers', [
      { title: 'provider', cell: (p) => p.provider },
      { title: 'breaker', cell: (p) => h('span', { class: `breaker breaker-${String(p.breaker).toLowerCase()}`,
        'data-test': 'breaker' }, p.breaker) },
      { title: 'latency p50', cell: (p) => millis(p.latencyMs && p.latencyMs.p50) },
      { title: 'latency p95', cell: (p) => millis(p.latencyMs && p.latencyMs.p95) },
      { title: 'error rate', cell: (p) => percent(p.errorRate) },
      { title: 'calls', cell: (p) => p.calls ?? '—' },
      { title: 'breakers', cell: (p) => (p.breakers && p.breakers.length
        ? h('details', {}, h('summary', {}, `${p.breakers.length}`), value(p.breakers)) : '—') },
    ], live.providers || [], (p) => ({ 'data-provider': p.provider })),
    h('h3', {}, 'Consumer lag'),
    table('live-lag', [
      { title: 'group', cell: (l) => l.group },
      { title: 'topic', cell: (l) => l.topic },
      { title: 'lag', cell: (l) => value(l.lag) },
    ], live.lag || []),
    h('h3', {}, 'Sources'),
    table('live-sources', [
      { title: 'source', cell: ([k]) => k },
      { title: 'state', cell: ([, v]) => h('span', { class: v === 'ok' ? 'ok' : 'bad' }, v) },
    ], Object.entries(live.sources || {})));
}

export function livePage(page, context) {
  const status = h('span', { id: 'live-status', 'data-test': 'live-status', 'data-polls': '0' }, 'loading…');
  const view = h('div', { id: 'live-view', 'data-test': 'live-view' });
  fill(page, heading('Live view', status), view);
  let polls = 0;
  let timer = null;
  async function poll() {
    try {
      const live = await get('/ops/v1/live');
      if (!context.alive()) return;
      clearProblem();
      render(view, live);
      status.textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC, every ${POLL_MILLIS / 1000} s`;
      status.className = 'ok';
    } catch (problem) {
      if (!context.alive()) return;
      status.textContent = `failed at ${new Date().toISOString().slice(11, 19)} UTC, retrying`;
      status.className = 'bad';
      showProblem(problem);
    }
    status.dataset.polls = String(++polls);
    if (context.alive()) timer = setTimeout(poll, POLL_MILLIS);
  }
  context.onLeave(() => clearTimeout(timer));
  poll();
}
