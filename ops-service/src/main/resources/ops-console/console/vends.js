// Unresolved vends: the queue, and one vend with every requery and reply, its proposal and the maker-checker
// decision (an OPERATOR proposes, another OPERATOR approves or rejects; the server refuses self-approval).
import { h, fill, table, facts, money, value, when } from './dom.js';
import { get, post, can, q, session } from './api.js';
import { act, changeButton, form, heading } from './ui.js';

const STATES = ['OPEN and PROPOSED', 'OPEN', 'PROPOSED', 'SETTLED', 'ALL'];
const base = '/ops/v1/unresolved-vends';
const path = (orderId) => `${base}/${encodeURIComponent(orderId)}`;

export function vendsPage(page, context) {
  const state = h('select', { id: 'vends-state', 'data-test': 'vends-state' },
    STATES.map((s) => h('option', { value: s }, s)));
  const list = h('div', { 'data-test': 'vends-list' });
  async function load() {
    const chosen = state.value === STATES[0] ? {} : { state: state.value };
    await act(() => get(base + q(chosen)), { then: (vends) => context.alive() && fill(list, table('vends', [
      { title: 'order', cell: (v) => h('a', { href: `#/vends/${encodeURIComponent(v.orderId)}`, 'data-test': 'vend-link' },
        v.orderId) },
      { title: 'merchant', cell: (v) => v.merchantId },
      { title: 'provider', cell: (v) => v.provider },
      { title: 'amount', cell: (v) => money(v.amount) },
      { title: 'pending since', cell: (v) => when(v.firstPendingAt) },
      { title: 'reason', cell: (v) => v.reason },
      { title: 'last code', cell: (v) => v.lastProviderCode },
      { title: 'requeries', cell: (v) => v.requeryCount },
      { title: 'state', cell: (v) => h('span', { class: `state state-${String(v.state).toLowerCase()}` }, v.state) },
    ], vends, (v) => ({ 'data-test': 'vend-row', 'data-order-id': v.orderId, 'data-state': v.state }))) });
  }
  state.addEventListener('change', load);
  fill(page, heading('Unresolved vends', h('label', {}, 'State ', state)), list);
  load();
}

/** Pins and receipt lines as the operator types them: one pin per line; receipt lines "name: value". */
function proposalOf(values) {
  const body = { outcome: values.outcome, note: values.note };
  if (values.token) body.token = values.token;
  if (values.units) body.units = values.units;
  const pins = values.pins.split(/[\n,]/).map((p) => p.trim()).filter(Boolean);
  if (pins.length) body.pins = pins;
  const receipt = {};
  for (const line of values.receipt.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) receipt[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  if (Object.keys(receipt).length) body.receipt = receipt;
  return body;
}

function actions(vend, reload) {
  if (!can('OPERATOR')) return null;
  if (vend.state === 'OPEN') {
    return h('section', { 'data-test': 'propose' }, h('h3', {}, 'Propose an outcome'),
      form('proposal', [
        { name: 'outcome', label: 'Outcome', options: ['DELIVERED', 'NOT_DELIVERED'] },
        { name: 'token', label: 'Token' },
        { name: 'units', label: 'Units' },
        { name: 'pins', label: 'PINs (one a line)', multiline: true },
        { name: 'receipt', label: 'Receipt (name: value a line)', multiline: true },
        { name: 'note', label: 'Note', multiline: true, required: true },
      ], 'Propose', (values) => act(() => post(`${path(vend.orderId)}/proposal`, proposalOf(values)),
        { done: 'Proposal recorded; another operator approves or rejects it.', then: reload })));
  }
  // Approve and reject name the proposal shown: if it was replaced meanwhile, the service answers 409
  // proposal-changed instead of deciding something this page never showed.
  const proposalId = vend.proposal && vend.proposal.id;
  const reject = (label) => form('reject', [{ name: 'reason', label, required: true }], 'Reject',
    (values) => act(() => post(`${path(vend.orderId)}/proposal/reject`, { proposalId, reason: values.reason }),
      { done: 'Proposal rejected; the vend is open again.', then: reload }));
  if (vend.state === 'PROPOSED' && vend.proposal && vend.proposal.approvedBy) {
    // Approved: the decision is on its way to the order; the vend settles when its outcome comes back. Should it
    // never come (status-poller dead-lettered the decision), the service accepts a rejection once it is overdue.
    return h('section', { 'data-test': 'approved' },
      h('p', {}, `Approved by ${vend.proposal.approvedBy}; the vend settles when the decision has reached the`
        + ' order. If no outcome comes, it can be rejected once overdue (the decision may still have been applied).'),
      reject('Reason to reject the overdue approval'));
  }
  if (vend.state === 'PROPOSED' && vend.proposal) {
    // Compared as the service compares names (ignoring case and surrounding spaces).
    const own = (vend.proposal.proposedBy || '').trim().toLowerCase() === session.username.trim().toLowerCase();
    return h('section', { 'data-test': 'decide' }, h('h3', {}, 'Decide'),
      own ? h('p', { 'data-test': 'own-proposal' }, 'You proposed this outcome: another operator approves it.')
        : changeButton('approve', 'Approve', () => act(() => post(`${path(vend.orderId)}/proposal/approve`,
          { proposalId }), { done: 'Approved: the decision is published.', then: reload })),
      reject('Reason to reject'));
  }
  return null;
}

export function vendPage(page, context, orderId) {
  async function load() {
    await act(() => get(path(orderId)), { then: (vend) => context.alive() && fill(page,
      heading(`Vend ${vend.orderId}`, h('a', { href: '#/vends' }, '← queue')),
      facts('vend', [
        ['State', h('span', { 'data-test': 'vend-state' }, vend.state)],
        ['Merchant', vend.merchantId], ['Provider', vend.provider],
        ['Provider reference', vend.providerReference], ['Provider transaction', vend.providerTransactionId],
        ['Amount', money(vend.amount)], ['Pending since', when(vend.firstPendingAt)],
        ['Escalated', when(vend.escalatedAt)], ['Reason', vend.reason],
        ['Last provider code', vend.lastProviderCode], ['Requeries', vend.requeryCount],
      ]),
      h('h3', {}, 'Requeries and replies'),
      table('requeries', [
        { title: 'at', cell: (r) => when(r.at) },
        { title: 'provider code', cell: (r) => r.providerCode },
        { title: 'decision', cell: (r) => r.decision },
        { title: 'detail', cell: (r) => value(r.detail) },
      ], vend.requeries || []),
      vend.proposal ? [h('h3', {}, 'Proposal'), facts('proposal-facts', [
        ['Outcome', vend.proposal.outcome], ['Token', vend.proposal.token], ['Units', vend.proposal.units],
        ['PINs', value(vend.proposal.pins)], ['Receipt', value(vend.proposal.receipt)],
        ['Note', vend.proposal.note], ['Proposed by', vend.proposal.proposedBy],
        ['Proposed at', when(vend.proposal.proposedAt)],
        ['Approved by', vend.proposal.approvedBy], ['Approved at', when(vend.proposal.approvedAt)],
        ['Decision', vend.proposal.decisionId],
      ])] : null,
      vend.settlement ? [h('h3', {}, 'Settlement'), facts('settlement', [
        ['Outcome', vend.settlement.outcome], ['By', vend.settlement.by],
        ['Approved by', vend.settlement.approvedBy], ['At', when(vend.settlement.at)],
      ])] : null,
      vend.rejections && vend.rejections.length ? [h('h3', {}, 'Rejected proposals'), table('rejections', [
        { title: 'outcome', cell: (r) => r.outcome },
        { title: 'proposed by', cell: (r) => [r.proposedBy, h('br', {}), when(r.proposedAt)] },
        { title: 'note', cell: (r) => r.note },
        { title: 'rejected by', cell: (r) => [r.rejectedBy, h('br', {}), when(r.rejectedAt)] },
        { title: 'reason', cell: (r) => r.reason },
      ], vend.rejections)] : null,
      actions(vend, load)) });
  }
  fill(page, h('p', {}, 'Loading…'));
  load();
}
