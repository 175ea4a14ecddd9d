// Building the page without ever parsing data as markup: every value becomes a text node or an attribute value,
// never innerHTML (event payloads, provider replies and notes are untrusted).

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h('td', {'data-test': 'x'}, 'text', otherElement). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, for the charts. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A money amount {minor, currency} in major units, computed on integers (never a floating-point sum). */
export function money(amount) {
  if (amount === null || amount === undefined || typeof amount !== 'object' || !('minor' in amount)) return '';
  const digits = ({ JPY: 0, KRW: 0, UGX: 0, RWF: 0, XOF: 0, XAF: 0, KWD: 3, BHD: 3, JOD: 3 })[amount.currency] ?? 2;
  const minor = BigInt(amount.minor);
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = (digits === 0 ? abs : abs.slice(0, -digits)).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${negative ? '-' : ''}${whole}${digits === 0 ? '' : '.' + abs.slice(-digits)} ${amount.currency}`;
}

function isMoney(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'minor' in value
      && 'currency' in value && Object.keys(value).length === 2;
}

/** Any JSON value as nested lists (evidence, decoded events, ledgers), as text only. */
export function value(v) {
  if (v === null || v === undefined) return h('span', { class: 'none' }, '—');
  if (isMoney(v)) return h('span', { class: 'money' }, money(v));
  if (Array.isArray(v)) {
    if (v.length === 0) return h('span', { class: 'none' }, '(none)');
    return h('ol', { class: 'value' }, v.map((item) => h('li', {}, value(item))));
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return h('span', { class: 'none' }, '(none)');
    return h('dl', { class: 'value' }, keys.map((k) => [h('dt', {}, k), h('dd', {}, value(v[k]))]));
  }
  return h('span', {}, String(v));
}

/** A table: columns [{title, cell: row => content}], one row per item, rowAttrs(item) for its attributes. */
export function table(testName, columns, rows, rowAttrs) {
  return h('table', { 'data-test': testName },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.title)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: columns.length, class: 'none', 'data-test': 'empty' }, 'Nothing here.'))
      : rows.map((row) => h('tr', rowAttrs ? rowAttrs(row) : {}, columns.map((c) => h('td', {}, c.cell(row)))))));
}

/** A definition list of label/content pairs. */
export function facts(testName, pairs) {
  return h('dl', { class: 'facts', 'data-test': testName },
    pairs.map(([label, content]) => [h('dt', {}, label), h('dd', {}, content ?? '—')]));
}

/** An instant as its ISO text, which is what the back office compares with logs. */
export function when(instant) {
  return instant ? String(instant).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
}
