// The Direct Line Web Chat is given: directlinejs underneath, but the page owns the connection's state and its recovery.

/** directlinejs's ConnectionStatus values, which Web Chat reads. */
export const UNINITIALIZED = 0;
export const CONNECTING = 1;
export const ONLINE = 2;
const EXPIRED_TOKEN = 3;
export const FAILED_TO_CONNECT = 4;
export const ENDED = 5;

/** Our tokens live 30 minutes; ours is refreshed every 15 while connected, as directlinejs refreshes its own copy. */
const TOKEN_REFRESH_MS = 15 * 60 * 1000;

/** A multicast value with a current one, as Web Chat expects of `connectionStatus$` (it reads only `subscribe`). */
function behaviour(initial) {
  let value = initial;
  const observers = new Set();
  return {
    getValue: () => value,
    next(v) {
      value = v;
      for (const o of [...observers]) o.next?.(v);
    },
    subscribe(observer) {
      const o = typeof observer === 'function' ? { next: observer } : observer;
      observers.add(o);
      o.next?.(value);
      return { unsubscribe: () => observers.delete(o) };
    },
  };
}

/**
 * What directlinejs 0.15 does not: it says Online all through a cut stream, opens a socket with the start answer's empty
 * watermark whenever its status is set by hand (every status it emits re-subscribes its stream), gives up for good after
 * about 15 minutes of failed reconnects, and polls only where a browser has no WebSocket. Here Web Chat is handed one
 * stable object whose status follows the socket (open: Online; closed or the network gone: Connecting, which Web Chat
 * and its screen-reader text call reconnecting), and which resumes the same conversation from the last watermark it
 * received with a fresh directlinejs client, however long the outage: when the browser comes back online, and on a
 * backing-off timer while it says it is online. After `failedUpgrades` sockets in a row that never open while plain
 * HTTP works (a proxy refusing the upgrade), it goes on by polling. directlinejs's own status is never set from outside.
 */
export class ResilientDirectLine {
  /**
   * @param {object} options
   * @param {(options: object) => any} options.createDirectLine WebChat.createDirectLine
   * @param {string} options.domain this server's /v3/directline
   * @param {string} options.token a token for `conversationId` (from POST /api/directline/token)
   * @param {string} options.conversationId
   * @param {string} [options.locale] told to the conversation as it starts
   * @param {boolean} [options.webSocket] stream (default), else poll
   * @param {number} [options.failedUpgrades] sockets that never open, with HTTP working, before polling instead (default 2)
   * @param {number[]} [options.resumeDelaysMs] while not connected and online, resume after each of these in turn (the last repeats)
   */
  constructor({
    createDirectLine,
    domain,
    token,
    conversationId,
    locale,
    webSocket = true,
    failedUpgrades = 2,
    resumeDelaysMs = [30_000, 60_000, 120_000, 300_000],
  }) {
    this.createDirectLine = createDirectLine;
    this.domain = domain.replace(/\/$/, '');
    this.token = token;
    this.conversationId = conversationId;
    this.locale = locale;
    this.webSocket = webSocket;
    this.maxFailedUpgrades = failedUpgrades;
    this.resumeDelaysMs = resumeDelaysMs;
    this.connectionStatus$ = behaviour(UNINITIALIZED);
    this.watermark = '';
    this.connectedOnce = false;
    this.failedUpgrades = 0;
    this.resumes = 0;
    this.generation = 0;
    this.ended = false;
    this.buffered = [];
    this.activityObservers = new Set();
    this.activity$ = {
      subscribe: (observer) => {
        const o = typeof observer === 'function' ? { next: observer } : observer;
        this.activityObservers.add(o);
        for (const a of this.buffered.splice(0)) o.next?.(a);
        this.start();
        return { unsubscribe: () => this.activityObservers.delete(o) };
      },
    };
    this.onOffline = () => this.lost();
    this.onOnline = () => this.resume();
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    this.refreshTimer = setInterval(() => {
      if (this.connectionStatus$.getValue() === ONLINE) void this.refreshToken();
    }, TOKEN_REFRESH_MS);
  }

  /** The first client starts the conversation (POST /conversations: the bot's welcome, in `locale`); later ones resume it. */
  start() {
    if (this.inner || this.ended) return;
    this.open(false);
  }

  open(resume) {
    const generation = ++this.generation;
    // directlinejs takes its WebSocket class from the global as it is constructed (Web Chat's createDirectLine passes no
    // `WebSocket` option through): ours is in place for that moment only, so this client's sockets report to us.
    const Native = window.WebSocket;
    window.WebSocket = this.trackedSocket(generation, Native);
    let inner;
    try {
      inner = this.createDirectLine({
        domain: this.domain,
        token: this.token,
        webSocket: this.webSocket,
        ...(resume ? { conversationId: this.conversationId, watermark: this.watermark } : { conversationStartProperties: { locale: this.locale } }),
      });
    } finally {
      window.WebSocket = Native;
    }
    this.inner = inner;
    const current = () => generation === this.generation && !this.ended;
    this.innerStatus = inner.connectionStatus$.subscribe((status) => current() && this.innerStatusChanged(status));
    this.innerActivities = inner.activity$.subscribe({
      next: (activity) => {
        if (!current()) return;
        if (this.activityObservers.size === 0) this.buffered.push(activity);
        for (const o of [...this.activityObservers]) o.next?.(activity);
      },
      // directlinejs ends its stream when it gives up: this client is done, a fresh one resumes.
      error: () => current() && this.lost(),
      complete: () => current() && this.lost(),
    });
  }

  innerStatusChanged(status) {
    if (status === ONLINE) {
      // Polling has no socket to say so: the client being online is the connection.
      if (!this.webSocket) this.connected();
      return;
    }
    if (status === UNINITIALIZED || status === CONNECTING) {
      if (!this.connectedOnce) this.connectionStatus$.next(status);
      return;
    }
    if (status === ENDED && !this.connectedOnce) return this.fail(FAILED_TO_CONNECT);
    if (status === FAILED_TO_CONNECT && !this.connectedOnce) return this.fail(FAILED_TO_CONNECT);
    // Expired token, a conversation it thinks ended, or it gave up: this client is done; a fresh one resumes.
    if (status === EXPIRED_TOKEN || status === ENDED || status === FAILED_TO_CONNECT) this.lost();
  }

  /** A WebSocket class for one client: it reports opening and closing, and the watermark of every frame. */
  trackedSocket(generation, Native) {
    const line = this;
    return class TrackedSocket extends Native {
      constructor(url, protocols) {
        super(url, protocols);
        let opened = false;
        const current = () => generation === line.generation && !line.ended;
        this.addEventListener('open', () => {
          opened = true;
          if (current()) line.connected();
        });
        this.addEventListener('message', (e) => {
          if (!current() || typeof e.data !== 'string' || e.data === '') return;
          try {
            const { watermark } = JSON.parse(e.data);
            if (watermark) line.watermark = String(watermark);
          } catch {
            // not an ActivitySet: directlinejs reports it
          }
        });
        this.addEventListener('close', () => {
          if (current()) void line.socketClosed(opened);
        });
      }
    };
  }

  connected() {
    this.connectedOnce = true;
    this.failedUpgrades = 0;
    this.resumes = 0;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    if (this.connectionStatus$.getValue() !== ONLINE) this.connectionStatus$.next(ONLINE);
  }

  async socketClosed(opened) {
    this.lost();
    if (opened || !navigator.onLine) return; // offline, every upgrade fails: that says nothing of a proxy
    this.failedUpgrades++;
    if (this.webSocket && this.failedUpgrades >= this.maxFailedUpgrades && (await this.httpWorks())) {
      // Sockets never open but HTTP answers: something between us refuses the upgrade. Poll from the watermark.
      this.webSocket = false;
      void this.resume();
    }
  }

  /** The connection is gone (or the network is): say so, and resume later if nothing else brings it back. */
  lost() {
    if (this.ended) return;
    if (this.connectedOnce && this.connectionStatus$.getValue() !== CONNECTING) this.connectionStatus$.next(CONNECTING);
    if (this.resumeTimer === undefined) {
      const delay = this.resumeDelaysMs[Math.min(this.resumes, this.resumeDelaysMs.length - 1)];
      this.resumeTimer = setTimeout(() => {
        this.resumeTimer = undefined;
        this.resumes++;
        void this.resume();
      }, delay);
    }
  }

  /** A fresh client for the same conversation from the last watermark, with a refreshed token; offline, it waits for `online`. */
  async resume() {
    if (this.ended || this.resuming || !this.inner || this.connectionStatus$.getValue() === ONLINE) return;
    if (!navigator.onLine) return this.lost();
    this.resuming = true;
    try {
      const refreshed = await this.refreshToken();
      if (refreshed === 'gone') return this.fail(FAILED_TO_CONNECT);
      if (this.ended) return;
      this.dispose();
      this.open(true);
    } finally {
      this.resuming = false;
    }
    this.lost(); // keeps a resume scheduled until a socket (or a poll) says it is connected
  }

  /**
   * Our copy of the token (directlinejs refreshes only its own). The server renews one that expired within its grace
   * period, so a resume after a long outage keeps the conversation. 'gone': the conversation or the token is past saving.
   */
  async refreshToken() {
    try {
      const res = await fetch(`${this.domain}/tokens/refresh`, { method: 'POST', headers: { Authorization: `Bearer ${this.token}` } });
      if (res.ok) {
        this.token = (await res.json()).token;
        return 'ok';
      }
      return res.status === 401 || res.status === 403 || res.status === 404 ? 'gone' : 'failed';
    } catch {
      return 'failed';
    }
  }

  async httpWorks() {
    try {
      return (await fetch(new URL('/healthz', this.domain), { cache: 'no-store' })).ok;
    } catch {
      return false;
    }
  }

  /** The conversation is past saving (gone, or its token past renewal): Web Chat shows its connection error. */
  fail(status) {
    this.shutdown();
    this.connectionStatus$.next(status);
  }

  shutdown() {
    clearTimeout(this.resumeTimer);
    clearInterval(this.refreshTimer);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.dispose();
    this.ended = true;
  }

  /** Lets go of the current client: its socket, its timers, its token refresh. */
  dispose() {
    this.innerActivities?.unsubscribe();
    this.innerStatus?.unsubscribe();
    this.inner?.end();
    this.generation++;
  }

  postActivity(activity) {
    this.start(); // a page may post (the kiosk's event) before Web Chat subscribes
    return this.inner.postActivity(activity);
  }

  getSessionId() {
    this.start();
    return this.inner.getSessionId();
  }

  get referenceGrammarId() {
    return this.inner?.referenceGrammarId;
  }

  end() {
    if (this.ended) return;
    this.shutdown();
    this.connectionStatus$.next(ENDED);
  }
}
