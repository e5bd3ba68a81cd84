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

  // A human sentence for an error: ours for the codes we know, the server's
  // message otherwise.
  SQ.errorMessage = function errorMessage(error) {
    if (!error) return SQ.t('error.generic');
    if (error.code === 'network') return SQ.t('error.network');
    if (error.code === 'csrf') return SQ.t('error.csrf');
    if (error.code === 'rate_limited') return SQ.t('error.rateLimited');
    if (error.code === 'invalid_credentials') return SQ.t('login.invalid');
    const base = error.field ? String(error.field).split(/[.[]/)[0] : '';
    const specific = base && SQ.t.has('error.field.' + error.code + '.' + base)
      ? SQ.t('error.field.' + error.code + '.' + base) : '';
    const general = SQ.t.has('error.code.' + error.code) ? SQ.t('error.code.' + error.code)
      : SQ.t('error.generic');
    // The server's own sentence (English) stays as the detail.
    const detail = error.message ? ' (' + error.message + ')' : '';
    return (specific || general) + detail;
  };
})(window.SQ);
