/**
 * The one live event stream of the dashboard: an `EventSource` on `/api/v1/events`, shared by
 * every page that wants to hear about the cluster (see `live.svelte.ts` for how a page uses it).
 *
 * - It opens when the first subscriber arrives and closes a little after the last one leaves
 *   (so moving between pages does not reconnect).
 * - On an error it closes the `EventSource` (whose own retry would hammer a server that answers
 *   401 or 503) and reconnects itself with exponential backoff and jitter, resuming after the
 *   last event id it saw. While it is down, pages fall back to polling.
 * - A connection that says nothing for `staleMs` (the server sends a heartbeat every 15 s) is
 *   treated as dead, which catches proxies that silently drop idle connections.
 * - While the tab is hidden the stream is closed; showing the tab reopens it at once.
 * - Subscribers are told to reload what they show (`onReload`) whenever events may have been
 *   missed: the server reports a gap, drops, or a LISTEN reconnect, or a reconnect that could
 *   not resume.
 * - `stream.closed` for an ended session calls `onSessionEnded` and stops; any other close
 *   (server shutdown) reconnects.
 */
import type { Schemas } from '$lib/api/client';
import type { VisibilitySource } from '$lib/poller';

export type StreamEvent = Schemas['StreamEvent'];
/** An event as received: with when this tab received it (ms) and a unique number. */
export type ReceivedEvent = StreamEvent & { at: number; seq: number };

/**
 * idle: nobody listens; connecting: opening (first time or after a retry wait);
 * open: events flow; retrying: down, waiting `retryAt` to try again; hidden: closed while
 * the tab is hidden; closed: the server ended the session's stream.
 */
export type StreamStatus = 'idle' | 'connecting' | 'open' | 'retrying' | 'hidden' | 'closed';

/** The part of `EventSource` the stream uses (a fake in tests). */
export interface EventSourceLike {
	onmessage: ((event: MessageEvent<string>) => void) | null;
	onerror: ((event: Event) => void) | null;
	close(): void;
}

export interface Subscriber {
	onEvent?: (event: ReceivedEvent) => void;
	/** Events may have been missed: reload what is on screen. */
	onReload?: () => void;
}

export interface StreamOptions {
	/** The stream's URL, resuming after `lastEventId` when given. */
	url: (lastEventId: string | null) => string;
	create?: (url: string) => EventSourceLike;
	doc?: VisibilitySource | null;
	/** First retry delay, doubled on each failure up to `maxDelayMs`. */
	baseDelayMs?: number;
	maxDelayMs?: number;
	staleMs?: number;
	/** How long the stream stays open after its last subscriber has left. */
	lingerMs?: number;
	/** How many recent events to keep for the events page. */
	keep?: number;
	/** In [0, 1); spreads reconnects of many tabs after a server restart. */
	random?: () => number;
	clock?: () => number;
	onSessionEnded?: () => void;
}

const SESSION_ENDED = 'Session ended';
type Timer = 'retry' | 'stale' | 'linger';

export class EventStream {
	status = $state<StreamStatus>('idle');
	/** When the current connection opened (ms), or null. */
	openedAt = $state<number | null>(null);
	/** When the next connection attempt is due, while retrying. */
	retryAt = $state<number | null>(null);
	/** The last events received, newest first (heartbeats excluded). */
	recent = $state.raw<ReceivedEvent[]>([]);
	/** Failed attempts since the stream was last open. */
	failures = 0;

	#options: Required<Omit<StreamOptions, 'onSessionEnded' | 'doc'>> &
		Pick<StreamOptions, 'onSessionEnded'>;
	#doc: VisibilitySource | null;
	#subscribers = new Set<Subscriber>();
	#source: EventSourceLike | null = null;
	#lastId: string | null = null;
	#timers: Record<Timer, ReturnType<typeof setTimeout> | null> = {
		retry: null,
		stale: null,
		linger: null
	};
	/** Whether a connection has been open before: a later one must resume or reload. */
	#wasOpen = false;
	#listening = false;
	#seq = 0;

	constructor(options: StreamOptions) {
		this.#options = {
			create: (url) => new EventSource(url),
			baseDelayMs: 1000,
			maxDelayMs: 30_000,
			staleMs: 45_000,
			lingerMs: 5_000,
			keep: 200,
			random: Math.random,
			clock: Date.now,
			...options
		};
		this.#doc =
			options.doc !== undefined ? options.doc : typeof document === 'undefined' ? null : document;
	}

	/** Listen to the stream; returns the function that stops listening. */
	subscribe(subscriber: Subscriber): () => void {
		this.#subscribers.add(subscriber);
		this.#clearTimer('linger');
		if (!this.#listening || this.status === 'closed') this.#start();
		return () => {
			if (!this.#subscribers.delete(subscriber) || this.#subscribers.size) return;
			this.#clearTimer('linger');
			this.#timers.linger = setTimeout(() => this.#stop(), this.#options.lingerMs);
		};
	}

	get subscribers(): number {
		return this.#subscribers.size;
	}

	/** Try to connect now, skipping the rest of a retry wait (a "Reconnect" button). */
	reconnect(): void {
		if (!this.#listening || this.status === 'hidden') return;
		this.failures = 0;
		this.#connect();
	}

	#start(): void {
		this.#listening = true;
		this.#doc?.addEventListener('visibilitychange', this.#onVisibility);
		if (this.#hidden()) this.status = 'hidden';
		else this.#connect();
	}

	#stop(): void {
		this.#listening = false;
		this.#doc?.removeEventListener('visibilitychange', this.#onVisibility);
		this.#close();
		this.#clearTimer('retry');
		this.retryAt = null;
		this.failures = 0;
		this.status = 'idle';
	}

	#hidden(): boolean {
		return this.#doc?.visibilityState === 'hidden';
	}

	#connect(): void {
		this.#close();
		this.#clearTimer('retry');
		this.retryAt = null;
		this.status = 'connecting';
		let source: EventSourceLike;
		try {
			source = this.#options.create(this.#options.url(this.#lastId));
		} catch {
			this.#fail();
			return;
		}
		this.#source = source;
		source.onmessage = (message) => {
			if (this.#source === source) this.#onMessage(message.data);
		};
		source.onerror = () => {
			if (this.#source === source) this.#fail();
		};
		this.#watch();
	}

	#close(): void {
		this.#clearTimer('stale');
		if (!this.#source) return;
		this.#source.onmessage = null;
		this.#source.onerror = null;
		this.#source.close();
		this.#source = null;
		this.openedAt = null;
	}

	/** The connection failed or went quiet: close it and try again after a backoff. */
	#fail(): void {
		this.#close();
		const { baseDelayMs, maxDelayMs, random, clock } = this.#options;
		const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** this.failures);
		// ±20% jitter, never above the maximum.
		const wait = Math.min(maxDelayMs, Math.round(delay * (0.8 + 0.4 * random())));
		this.failures++;
		this.status = 'retrying';
		this.retryAt = clock() + wait;
		this.#timers.retry = setTimeout(() => this.#connect(), wait);
	}

	#watch(): void {
		this.#clearTimer('stale');
		this.#timers.stale = setTimeout(() => this.#fail(), this.#options.staleMs);
	}

	#onMessage(raw: string): void {
		let parsed: StreamEvent;
		try {
			parsed = JSON.parse(raw) as StreamEvent;
		} catch {
			return; // Not ours; the stream itself is fine.
		}
		if (!parsed || typeof parsed.event !== 'string') return;
		const event: ReceivedEvent = { ...parsed, at: this.#options.clock(), seq: ++this.#seq };
		this.#watch();
		if (event.id) this.#lastId = event.id;
		const data = (event.data ?? {}) as Record<string, unknown>;
		let reload = false;
		switch (event.event) {
			case 'stream.open':
				// A first connection has nothing to catch up on (the page has just loaded its
				// data); after being down, the stream must have resumed where it stopped.
				reload =
					data.gap === true || ((this.#wasOpen || this.failures > 0) && data.resumed !== true);
				this.status = 'open';
				this.openedAt = this.#options.clock();
				this.failures = 0;
				this.#wasOpen = true;
				break;
			case 'stream.dropped':
				reload = true;
				break;
			case 'stream.listener':
				reload = data.state === 'connected';
				break;
			case 'stream.closed':
				this.#close();
				if (data.reason === SESSION_ENDED) {
					this.status = 'closed';
					this.#options.onSessionEnded?.();
				} else {
					this.#fail();
				}
				break;
		}
		if (event.event !== 'stream.heartbeat') {
			this.recent = [event, ...this.recent.slice(0, this.#options.keep - 1)];
		}
		for (const subscriber of [...this.#subscribers]) {
			try {
				subscriber.onEvent?.(event);
				if (reload) subscriber.onReload?.();
			} catch (error) {
				console.error(error);
			}
		}
	}

	#onVisibility = (): void => {
		if (!this.#listening) return;
		if (this.#hidden()) {
			this.#close();
			this.#clearTimer('retry');
			this.retryAt = null;
			this.status = 'hidden';
		} else if (this.status === 'hidden') {
			this.failures = 0;
			this.#connect();
		}
	};

	#clearTimer(which: Timer): void {
		const timer = this.#timers[which];
		if (timer !== null) clearTimeout(timer);
		this.#timers[which] = null;
	}
}
