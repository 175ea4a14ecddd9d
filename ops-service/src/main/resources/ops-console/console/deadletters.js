// Dead letters: counts per dead-letter topic, then one topic's records with their cause and the decoded event
// (personal data masked by the service; shown as text only), re-drive or discard with a reason (OPERATOR).
import { h, fill, table, value, when } from './dom.js';
import { get, post, can, q } from './api.js';
import { act, changeButton, form, heading } from './ui.js';

const base = '/ops/v1/dead-letters';

export function deadLettersPage(page, context) {
  const list = h('div', { 'data-test': 'dead-letter-topics' });
  fill(page, heading('Dead letters'), list);
  act(() => get(base), { then: (topics) => context.alive() && fill(list, table('dead-letter-topic-table', [
    { title: 'dead-letter topic', cell: (t) => h('a', { href: `#/dead-letters/${encodeURIComponent(t.topic)}`,
      'data-test': 'dead-letter-topic-link' }, t.topic) },
    { title: 'from topic', cell: (t) => t.sourceTopic },
    { title: 'consumer group', cell: (t) => t.consumerGroup },
    { title: 'waiting', cell: (t) => h('span', { 'data-test': 'waiting' }, t.waiting) },
    { title: 're-driving', cell: (t) => t.redriving },
    { title: 're-driven', cell: (t) => t.redriven },
    { title: 'discarded', cell: (t) => t.discarded },
    { title: 'total', cell: (t) => t.total },
  ], topics, (t) => ({ 'data-test': 'dead-letter-topic', 'data-topic': t.topic }))) });
}

function recordActions(topic, r, reload) {
  // A REDRIVING record is a claim a crash left behind: the service lets it be re-driven once the claim is stale
  // (and answers 409 before that, which is shown); only a waiting record may be discarded.
  if (!can('OPERATOR') || (r.status !== 'WAITING' && r.status !== 'REDRIVING')) return null;
  const at = `${base}/${encodeURIComponent(topic)}/${encodeURIComponent(r.partition)}/${encodeURIComponent(r.offset)}`;
  const redrive = changeButton('redrive', 'Re-drive', () => act(() => post(`${at}/redrive`),
    { done: `Record ${r.id} re-driven to ${r.sourceTopic}.`, then: reload }));
  if (r.status === 'REDRIVING') return h('div', { class: 'actions' }, redrive);
  return h('div', { class: 'actions' },
    redrive,
    form('discard', [{ name: 'reason', label: 'Reason', required: true }], 'Discard',
      (v) => act(() => post(`${at}/discard`, { reason: v.reason }), { done: `Record ${r.id} discarded.`, then: reload })));
}

export function deadLetterTopicPage(page, context, topic) {
  const status = h('select', { id: 'dead-letter-status', 'data-test': 'dead-letter-status' },
    ['WAITING', 'REDRIVING', 'REDRIVEN', 'DISCARDED', 'ALL'].map((v) => h('option', { value: v }, v)));
  const list = h('div', { 'data-test': 'dead-letter-records' });
  async function load() {
    await act(() => get(`${base}/${encodeURIComponent(topic)}${q({ status: status.value, limit: 100 })}`),
      { then: (records) => context.alive() && fill(list, table('dead-letter-table', [
        { title: 'record', cell: (r) => [r.id, h('br', {}), when(r.recordedAt)] },
        { title: 'from', cell: (r) => `${r.sourceTopic} ${r.sourcePartition}/${r.sourceOffset}` },
        { title: 'key', cell: (r) => r.key },
        { title: 'cause', cell: (r) => (r.cause ? [h('code', {}, r.cause.exception), h('br', {}), r.cause.message] : '—') },
        { title: 'event', cell: (r) => h('details', {}, h('summary', {}, r.eventType || 'event'),
          h('div', { 'data-test': 'dead-letter-event' }, value(r.event))) },
        { title: 'status', cell: (r) => [h('span', { 'data-test': 'dead-letter-record-status' }, r.status),
          r.disposition ? value(r.disposition) : null] },
        { title: '', cell: (r) => recordActions(topic, r, load) },
      ], records, (r) => ({ 'data-test': 'dead-letter-record', 'data-id': r.id, 'data-status': r.status }))) });
  }
  status.addEventListener('change', load);
  fill(page, heading(`Dead letters: ${topic}`, h('a', { href: '#/dead-letters' }, '← topics'),
    h('label', {}, 'Status ', status)), list);
  load();
}
