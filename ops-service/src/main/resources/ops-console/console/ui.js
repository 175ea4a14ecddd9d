// What every page shares: the problem box (each refusal shown with its title, detail and reason code), the notice
// line, and running a change so that its problem is shown instead of lost.
import { h, fill } from './dom.js';
import { Problem } from './api.js';

let unauthenticated = () => {};

/** What to do when the service says the session is gone (the app sends the user to the login page). */
export function onUnauthenticated(handler) {
  unauthenticated = handler;
}

export function showProblem(problem) {
  const box = document.getElementById('problem');
  const p = problem instanceof Problem ? problem
    : new Problem(0, 'Console error', String(problem && problem.message ? problem.message : problem), 'console-error');
  fill(box,
    h('button', { type: 'button', class: 'dismiss', 'data-test': 'problem-dismiss', 'aria-label': 'Dismiss',
      onclick: clearProblem }, '×'),
    h('strong', { 'data-test': 'problem-title' }, p.title || 'Error'),
    p.status ? h('span', { class: 'status', 'data-test': 'problem-status' }, `HTTP ${p.status}`) : null,
    h('p', { 'data-test': 'problem-detail' }, p.detail || ''),
    p.reason ? h('p', {}, 'Reason code: ', h('code', { 'data-test': 'problem-reason' }, p.reason)) : null);
  box.hidden = false;
  notice(null);
  if (p.status === 401) unauthenticated(p);
}

export function clearProblem() {
  const box = document.getElementById('problem');
  box.hidden = true;
  box.replaceChildren();
}

/** A one-line confirmation of what just happened, or null to clear it. */
export function notice(text) {
  const line = document.getElementById('notice');
  line.hidden = !text;
  line.textContent = text || '';
}

/**
 * Runs a change (or a load); on success clears the problem box, shows the notice and calls then(result); on
 * failure shows the problem. Resolves with the result, or undefined when it failed.
 */
export async function act(action, { done, then } = {}) {
  try {
    const result = await action();
    clearProblem();
    if (done) notice(done);
    if (then) await then(result);
    return result;
  } catch (problem) {
    showProblem(problem);
    return undefined;
  }
}

/** A button for a change: marked data-change, so a test can see that a role without rights gets none. */
export function changeButton(test, label, onclick, attrs = {}) {
  return h('button', { type: 'button', 'data-test': test, 'data-change': '', class: 'change', onclick, ...attrs },
    label);
}

/** A small form of labelled inputs; submit(values) runs on submit. */
export function form(test, fields, submitLabel, submit) {
  const inputs = {};
  const element = h('form', { 'data-test': test, class: 'inline-form' },
    fields.map((f) => {
      let input;
      if (f.options) {
        input = h('select', { name: f.name, 'data-test': `${test}-${f.name}` },
          f.options.map((o) => h('option', { value: o }, o)));
      } else if (f.multiline) {
        input = h('textarea', { name: f.name, rows: 2, placeholder: f.placeholder || '', 'data-test': `${test}-${f.name}` });
      } else {
        input = h('input', { name: f.name, type: f.type || 'text', placeholder: f.placeholder || '',
          required: f.required, 'data-test': `${test}-${f.name}` });
      }
      if (f.value !== undefined) input.value = f.value;
      inputs[f.name] = input;
      return h('label', {}, h('span', {}, f.label), input);
    }),
    h('button', { type: 'submit', 'data-test': `${test}-submit`, 'data-change': '', class: 'change' }, submitLabel));
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = {};
    for (const [name, input] of Object.entries(inputs)) values[name] = input.value.trim();
    submit(values);
  });
  return element;
}

/** A section heading with an optional row of controls. */
export function heading(title, ...controls) {
  return h('div', { class: 'heading' }, h('h2', {}, title), ...controls);
}
