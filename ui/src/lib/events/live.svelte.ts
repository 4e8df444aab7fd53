/**
 * Keeping a page's data fresh: from the shared event stream while it is up, by polling while
 * it is down, and not at all while the tab is hidden.
 *
 * Chancy announces pushes, cancellations and queue changes, but not a job finishing, so a page
 * that shows running jobs may still poll slowly while the stream is up (`streamInterval`).
 */
import { untrack } from 'svelte';
import { api } from '$lib/api';
import { basePath } from '$lib/paths';
import { Poller } from '$lib/poller';
import { session } from '$lib/session.svelte';
import { EventStream, type StreamEvent } from './stream.svelte';
import { Throttle } from './throttle';

export type { StreamEvent } from './stream.svelte';

/** The dashboard's one event stream. */
export const events = new EventStream({
	url: (lastId) =>
		`${basePath()}/api/v1/events` + (lastId ? `?last_event_id=${encodeURIComponent(lastId)}` : ''),
	// Asking who we are gets the 401 that sends the user to the login page (unless the
	// session ended because this tab logged out, and is on its way there).
	onSessionEnded: () => {
		if (session.status === 'authenticated') void api.GET('/api/v1/session').catch(() => undefined);
	}
});

/**
 * stream: pushed by events; connecting: polling until the stream opens; polling: the stream is
 * down; hidden: the tab is (nothing runs); off: the page paused updates.
 */
export type LiveMode = 'stream' | 'connecting' | 'polling' | 'hidden' | 'off';

type Interval = number | null | (() => number | null);
const read = (value: Interval | undefined) => (typeof value === 'function' ? value() : value);

export interface LiveOptions {
	/** Which events call for a refresh. */
	match: (event: StreamEvent) => boolean;
	/** Polling interval (ms) while the stream is down; null: none. May read reactive state. */
	interval: Interval;
	/** Polling interval while the stream is up; null (the default): events alone. */
	streamInterval?: Interval;
	/** False pauses updates (browsing an older page, rows selected). */
	enabled?: () => boolean;
	/** At most one refresh per this many ms from events. */
	gap?: number;
	/** The stream to follow (the dashboard's own by default; tests pass another). */
	stream?: EventStream;
}

/** Whether an event names this queue (`queue.*` events carry `{q}`). */
export const forQueue = (event: StreamEvent, queue: string): boolean => event.data?.q === queue;

/** Events that change job lists and counts. */
export const jobEvent = (event: StreamEvent): boolean =>
	event.event.startsWith('queue.pushed') || event.event.startsWith('job.');

/**
 * Refresh with `task` on matching events (throttled), and by polling as above. Call during
 * component initialisation; everything stops with the component.
 */
export function live(task: () => unknown, options: LiveOptions) {
	const enabled = () => options.enabled?.() ?? true;
	const stream = options.stream ?? events;
	const streaming = $derived(stream.status === 'open');
	const hidden = $derived(stream.status === 'hidden');
	let poller: Poller | null = null;

	$effect(() => {
		if (!enabled() || session.status !== 'authenticated') return;
		const throttle = new Throttle(() => {
			poller?.touch();
			return task();
		}, options.gap ?? 500);
		const unsubscribe = stream.subscribe({
			onEvent: (event) => {
				// The stream's own notices are handled by the stream (onReload).
				if (event.event.startsWith('stream.')) return;
				if (untrack(() => options.match(event))) throttle.trigger();
			},
			onReload: () => throttle.trigger()
		});
		return () => {
			throttle.stop();
			unsubscribe();
		};
	});

	$effect(() => {
		if (!enabled()) return;
		const every = read(streaming ? options.streamInterval : options.interval);
		if (!every) return;
		const current = new Poller(task, every);
		poller = current;
		current.start();
		return () => {
			current.stop();
			if (poller === current) poller = null;
		};
	});

	const down = $derived(stream.status === 'retrying' || stream.status === 'closed');
	const mode = $derived<LiveMode>(
		!enabled() ? 'off' : hidden ? 'hidden' : streaming ? 'stream' : down ? 'polling' : 'connecting'
	);
	return {
		get mode() {
			return mode;
		},
		/** Whether the page is being kept up to date (by either means). */
		get live() {
			return mode !== 'hidden' && mode !== 'off';
		}
	};
}
