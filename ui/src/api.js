// The admin API client: fetch with the session cookie, the CSRF token on
// every state-changing request, JSON in and out, errors as SQ.ApiError.
'use strict';

(function (SQ) {
  class ApiError extends Error {
    constructor(status, code, message, field) {
      super(message || code || ('HTTP ' + status));
      this.status = status;
      this.code = code || '';
      this.field = field || '';
    }
  }
  SQ.ApiError = ApiError;

  const state = {csrf: '', user: null, loggedOut: false};
  const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

  async function request(method, path, body) {
    const headers = {Accept: 'application/json'};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (WRITES.has(method) && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    let response;
    try {
      response = await fetch('/api/v1' + path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'network', SQ.t('error.network'));
    }
    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      const err = (data && data.error) || {};
      const error = new ApiError(response.status, err.code, err.message, err.field);
      if (response.status === 401 && path !== '/session' && SQ.onUnauthorized) {
        SQ.onUnauthorized();
      }
      throw error;
    }
    return data;
  }

  SQ.api = {
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body === undefined ? {} : body),
    put: (path, body) => request('PUT', path, body),
    patch: (path, body) => request('PATCH', path, body),
    del: (path) => request('DELETE', path),

    // The current session, or null when logged out.
    async session() {
      try {
        const s = await request('GET', '/session');
        state.csrf = s.csrf_token;
        state.user = s.user;
        state.loggedOut = false;
        return s;
      } catch (e) {
        if (e.status === 401) {
          state.csrf = '';
          state.user = null;
          state.loggedOut = true;
          return null;
        }
        throw e;
      }
    },
    async login(email, password) {
      const s = await request('POST', '/session', {email, password});
      state.csrf = s.csrf_token;
      state.user = s.user;
      state.loggedOut = false;
      return s;
    },
    async logout() {
      try {
        await request('DELETE', '/session');
      } finally {
        state.csrf = '';
        state.user = null;
        state.loggedOut = true;
      }
    },
    user: () => state.user,
    // True when the last look at the session found none (saves asking again).
    knownLoggedOut: () => state.loggedOut,
  };

  // A human sentence for an error, from its stable code and field only: the
  // catalogue's text for this code on this field, else for the code. The
  // server's English `message` is never shown (it stays in the console).
  SQ.errorMessage = function errorMessage(error) {
    if (!error) return SQ.t('error.generic');
    if (error.message && error.code !== 'network') console.info('API error:', error.code, error.field, error.message);
    const code = error.code === 'invalid_credentials' ? 'invalid_credentials' : String(error.code || '');
    const base = error.field ? String(error.field).split(/[.[]/)[0] : '';
    if (base && SQ.t.has('error.field.' + code + '.' + base)) return SQ.t('error.field.' + code + '.' + base);
    if (code && SQ.t.has('error.code.' + code)) return SQ.t('error.code.' + code);
    if (code === 'network') return SQ.t('error.network');
    return SQ.t('error.generic');
  };
})(window.SQ);
