// The ops API as the console calls it: the session cookie goes with every request (same origin), the CSRF token
// the login answered is kept in memory only (never in storage another script could read after a reload) and sent
// as X-XSRF-TOKEN on every change. Every refusal arrives as an RFC 9457 problem, thrown as a Problem.

export const session = { username: null, roles: [], csrf: null, headerName: 'X-XSRF-TOKEN' };

/** A refusal or failure as the user is shown it: title, detail, reason code, HTTP status. */
export class Problem extends Error {
  constructor(status, title, detail, reason, type) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.reason = reason;
    this.type = type;
  }
}

/** Whether the logged-in user has this role (only to choose which buttons to show: the server decides). */
export function can(role) {
  return session.roles.includes(role);
}

async function problemOf(response) {
  let body = null;
  try {
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) body = await response.json();
  } catch (ignored) {
    body = null;
  }
  if (body && (body.title || body.type)) {
    const code = body.reasonCode || (body.type ? String(body.type).split('/').pop() : null);
    return new Problem(response.status, body.title || response.statusText, body.detail || '', code, body.type);
  }
  return new Problem(response.status, response.statusText || 'Request failed',
    `The service answered HTTP ${response.status} without problem details`, null, null);
}

let pending = 0;

/** Calls under way, on the body as data-pending: tests wait for 0 before they look at the page. */
function track(change) {
  pending += change;
  document.body.dataset.pending = String(pending);
}

/** One call; resolves with the parsed JSON (or null for 204), rejects with a Problem. */
export async function call(method, path, body) {
  track(1);
  try {
    return await send(method, path, body);
  } finally {
    track(-1);
  }
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers[session.headerName] = session.csrf;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (failure) {
    throw new Problem(0, 'Service unreachable', 'The ops service did not answer; check the network and retry',
      'unreachable', null);
  }
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);

/** Logs in; keeps the user, roles and the session's new CSRF token. */
export async function login(username, password) {
  const answer = await call('POST', '/ops/v1/session', { username, password });
  remember(answer.username, answer.roles, answer.csrf);
  return answer;
}

/** After a reload: the session cookie may still be logged in; the token is then asked for again. */
export async function resume() {
  try {
    const who = await get('/ops/v1/session');
    const csrf = await get('/ops/v1/session/csrf');
    remember(who.username, who.roles, csrf);
    return true;
  } catch (problem) {
    if (problem instanceof Problem && problem.status === 401) return false;
    throw problem;
  }
}

export async function logout() {
  try {
    await call('DELETE', '/ops/v1/session');
  } finally {
    forget();
  }
}

function remember(username, roles, csrf) {
  session.username = username;
  session.roles = roles || [];
  session.csrf = csrf ? csrf.token : null;
  session.headerName = (csrf && csrf.headerName) || 'X-XSRF-TOKEN';
}

export function forget() {
  session.username = null;
  session.roles = [];
  session.csrf = null;
}

/** A path segment or query value, encoded. */
export function q(params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, v);
  const text = query.toString();
  return text ? `?${text}` : '';
}
