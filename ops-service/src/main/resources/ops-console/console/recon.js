// Reconciliation: discrepancies by day, provider and status with their evidence (FINANCE acknowledges and
// resolves them), their CSV, and the day's ledgers with the CSV and a chart of the day's volumes by provider.
import { h, s, fill, table, money, value, when } from './dom.js';
import { get, post, can, q } from './api.js';
import { act, form, heading } from './ui.js';

const base = '/ops/v1/recon';

function today() {
  return new Date().toISOString().slice(0, 10);
}

function discrepancyActions(d, reload) {
  if (!can('FINANCE') || d.status === 'RESOLVED') return null;
  const id = encodeURIComponent(d.discrepancyId);
  return h('div', { class: 'actions' },
    d.status === 'OPEN' ? form('acknowledge', [{ name: 'note', label: 'Note', required: true }], 'Acknowledge',
      (v) => act(() => post(`${base}/discrepancies/${id}/acknowledge`, { note: v.note }),
        { done: `Discrepancy ${d.discrepancyId} acknowledged.`, then: reload })) : null,
    form('resolve', [
      { name: 'resolution', label: 'Resolution', options: ['RECOVERED', 'WRITTEN_OFF', 'REFUNDED'] },
      { name: 'note', label: 'Note', required: true },
    ], 'Resolve', (v) => act(() => post(`${base}/discrepancies/${id}/resolve`, { resolution: v.resolution, note: v.note }),
      { done: `Discrepancy ${d.discrepancyId} resolved.`, then: reload })));
}

/** The amounts of a discrepancy: every field holding money, whatever the back end names it. */
function amounts(d) {
  const money_ = Object.entries(d).filter(([, v]) => v && typeof v === 'object' && 'minor' in v && 'currency' in v);
  return money_.length ? h('dl', { class: 'value' }, money_.map(([k, v]) => [h('dt', {}, k), h('dd', {}, money(v))]))
    : '—';
}

/** What finance did about a discrepancy: only what happened. */
function handled(d) {
  const done = {};
  for (const k of ['acknowledgedBy', 'acknowledgedAt', 'acknowledgeNote', 'resolution', 'resolvedBy', 'resolvedAt',
    'resolutionNote']) {
    if (d[k] !== null && d[k] !== undefined) done[k] = k.endsWith('At') ? when(d[k]) : d[k];
  }
  return Object.keys(done).length ? value(done) : '—';
}

/** A ledger's figures in minor units of its currency, shown as money. */
function ledgerMoney(l, field) {
  return money({ minor: l[field], currency: l.currency });
}

function ledgerTable(list) {
  return table('ledger-table', [
    { title: 'merchant', cell: (l) => l.merchantId },
    { title: 'provider', cell: (l) => l.provider },
    { title: 'service', cell: (l) => l.service },
    { title: 'version', cell: (l) => (l.provisional ? 'provisional' : `v${l.version}, closed ${when(l.closedAt)}`) },
    { title: 'orders accepted / vended / failed / refunded / unresolved', cell: (l) => [l.ordersAccepted,
      l.ordersVended, l.ordersFailed, l.ordersRefunded, l.ordersUnresolved].join(' / ') },
    { title: 'gross', cell: (l) => ledgerMoney(l, 'grossValueMinor') },
    { title: 'debits', cell: (l) => ledgerMoney(l, 'debitsMinor') },
    { title: 'kept', cell: (l) => ledgerMoney(l, 'keptMinor') },
    { title: 'refunds', cell: (l) => ledgerMoney(l, 'refundsMinor') },
    { title: 'held', cell: (l) => ledgerMoney(l, 'heldMinor') },
    { title: 'balanced', cell: (l) => h('span', { class: l.balanced ? 'ok' : 'bad' }, l.balanced ? 'yes' : 'NO') },
  ], list, (l) => ({ 'data-test': 'ledger', 'data-id': l.ledgerId }));
}

/**
 * Bars of the day's amount per provider and currency, as inline SVG (no library, no script of another site); each
 * bar is scaled within its currency, since amounts in different currencies do not compare.
 */
export function volumeChart(volumes) {
  if (!volumes.length) return h('p', { class: 'none', 'data-test': 'volume-chart-empty' }, 'No volumes for this day.');
  const rowHeight = 28;
  const labelWidth = 170;
  const barWidth = 420;
  const height = volumes.length * rowHeight + 10;
  const largest = {};
  for (const v of volumes) {
    const minor = BigInt(v.amount ? v.amount.minor : 0);
    if (!(v.currency in largest) || minor > largest[v.currency]) largest[v.currency] = minor;
  }
  return s('svg', { id: 'volume-chart', 'data-test': 'volume-chart', role: 'img', width: labelWidth + barWidth + 260,
    height, viewBox: `0 0 ${labelWidth + barWidth + 260} ${height}`, 'aria-label': 'Volumes by provider' },
  volumes.map((v, i) => {
    const minor = BigInt(v.amount ? v.amount.minor : 0);
    const top = largest[v.currency] > 0n ? largest[v.currency] : 1n;
    // Per mille of the largest, on integers; the bar's width is then a small number.
    const width = Math.max(1, Number((minor * 1000n) / top) * barWidth / 1000);
    const y = i * rowHeight + 5;
    return s('g', { 'data-test': 'volume-bar', 'data-provider': v.provider },
      s('title', {}, `${v.provider}: ${v.orders} order${v.orders === 1 ? "" : "s"}, ${money(v.amount)}`),
      s('text', { x: 0, y: y + 17, class: 'chart-label' }, `${v.provider} (${v.currency})`),
      s('rect', { x: labelWidth, y, width, height: rowHeight - 8, class: 'chart-bar' }),
      s('text', { x: labelWidth + width + 6, y: y + 17, class: 'chart-value' },
        `${money(v.amount)} · ${v.orders} order${v.orders === 1 ? "" : "s"}`));
  }));
}

export function reconPage(page, context) {
  const day = h('input', { id: 'recon-day', 'data-test': 'recon-day', type: 'date', value: today() });
  const provider = h('input', { id: 'recon-provider', 'data-test': 'recon-provider', placeholder: 'any provider' });
  const status = h('select', { id: 'recon-status', 'data-test': 'recon-status' },
    ['', 'OPEN', 'ACKNOWLEDGED', 'RESOLVED'].map((v) => h('option', { value: v }, v || 'any status')));
  const csv = h('a', { 'data-test': 'discrepancies-csv', download: '' }, 'Discrepancies CSV');
  const discrepancies = h('div', { 'data-test': 'discrepancies' });
  const ledgerCsv = h('a', { 'data-test': 'ledger-csv', download: '' }, 'Ledger CSV');
  const ledgers = h('div', { 'data-test': 'ledgers' });
  const chart = h('div', { 'data-test': 'volumes' });

  async function load() {
    const filter = { day: day.value, provider: provider.value.trim(), status: status.value };
    csv.href = `${base}/discrepancies.csv${q(filter)}`;
    ledgerCsv.href = `${base}/days/${encodeURIComponent(day.value)}/ledger.csv`;
    await act(() => get(`${base}/discrepancies${q(filter)}`), { then: (list) => context.alive() && fill(discrepancies,
      table('discrepancy-table', [
        { title: 'id', cell: (d) => d.discrepancyId },
        { title: 'day', cell: (d) => d.businessDay },
        { title: 'merchant', cell: (d) => d.merchantId },
        { title: 'provider', cell: (d) => d.provider },
        { title: 'kind', cell: (d) => d.kind },
        { title: 'status', cell: (d) => h('span', { 'data-test': 'discrepancy-status' }, d.status) },
        { title: 'order / reference', cell: (d) => [d.orderId || '—', h('br', {}), d.providerReference || '—'] },
        { title: 'amounts', cell: amounts },
        { title: 'evidence', cell: (d) => h('details', {}, h('summary', {}, 'evidence'), value(d.evidence)) },
        { title: 'suggested', cell: (d) => d.suggestedAction },
        { title: 'handled', cell: handled },
        { title: '', cell: (d) => discrepancyActions(d, load) },
      ], list, (d) => ({ 'data-test': 'discrepancy-row', 'data-id': d.discrepancyId, 'data-status': d.status }))) });
    await act(() => get(`${base}/ledgers${q({ day: day.value })}`),
      { then: (list) => context.alive() && fill(ledgers, ledgerTable(list)) });
    await act(() => get(`${base}/days/${encodeURIComponent(day.value)}/volumes`),
      { then: (volumes) => context.alive() && fill(chart, volumeChart(volumes)) });
  }
  const filters = h('form', { class: 'filters', 'data-test': 'recon-filters' },
    h('label', {}, 'Day ', day), h('label', {}, 'Provider ', provider), h('label', {}, 'Status ', status),
    h('button', { type: 'submit', 'data-test': 'recon-search' }, 'Show'));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  fill(page, heading('Reconciliation'), filters,
    h('div', { class: 'heading' }, h('h3', {}, 'Discrepancies'), csv), discrepancies,
    h('div', { class: 'heading' }, h('h3', {}, 'Day ledger'), ledgerCsv), chart, ledgers);
  load();
}
