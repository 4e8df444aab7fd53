/**
 * Keeping a page's data fresh, the one way every page does it: from the shared event stream
 * while it is up, by polling while it is down, and not at all while the tab is hidden.
 *
 * Chancy announces pushes, cancellations, queue, worker and workflow changes, but not a job
 * starting or finishing, so a page that shows such jobs may still poll slowly while the stream
 * is up (`streamInterval`). Data that no event announces at all (metrics, the system's state,
 * the audit log) is refreshed by the timer alone: such a page gives no `match`.
 */
import { untrack } from 'svelte';
import { send } from '$lib/api';
import { basePath } from '$lib/paths';
import { Poller } from '$lib/poller';
import { sessionRequest } from '$lib/requests';
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
		if (session.status === 'authenticated') void send(sessionRequest()).catch(() => undefined);
	}
});

/**
 * stream: pushed by events; connecting: polling until the stream opens; polling: the stream is
 * down; timer: refreshed by its timer alone (no event announces the data); hidden: the tab is
 * (nothing runs); off: the page paused updates.
 */
export type LiveMode = 'stream' | 'connecting' | 'polling' | 'timer' | 'hidden' | 'off';

type Interval = number | null | (() => number | null);
const read = (value: Interval | undefined) => (typeof value === 'function' ? value() : value);

export interface LiveOptions {
	/** Which events call for a refresh; without it, the timer alone refreshes the page (at
	 * `interval`, whether the stream is up or not) and the page does not open the stream. */
	match?: (event: StreamEvent) => boolean;
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
	event.event === 'queue.pushed' || event.event.startsWith('job.');

/** A worker's heartbeat or a change of leader (both carry `{worker_id}`). */
export const workerEvent = (event: StreamEvent): boolean =>
	event.event === 'worker.announced' || event.event.startsWith('leadership.');

/** A workflow created, updated or with a step completed. */
export const workflowEvent = (event: StreamEvent): boolean => event.event.startsWith('workflow.');

/** Whether a workflow event is about this one (`{id, name}`, or `{workflow_id}` for a step). */
export const forWorkflow = (event: StreamEvent, id: string): boolean =>
	workflowEvent(event) && (event.data?.id === id || event.data?.workflow_id === id);

/**
 * Refresh with `task` on matching events (throttled), and by polling as above. Call during
 * component initialisation; everything stops with the component.
 */
export function live(task: () => unknown, options: LiveOptions) {
	// A derived, so that the effects below re-run when the page turns updates on or off, not
	// whenever the data `enabled` reads is replaced: re-running would drop a pending refresh.
	const enabled = $derived(options.enabled?.() ?? true);
	const stream = options.stream ?? events;
	const streaming = $derived(stream.status === 'open');
	const hidden = $derived(stream.status === 'hidden');
	let poller: Poller | null = null;

	$effect(() => {
		const match = options.match;
		if (!match || !enabled || session.status !== 'authenticated') return;
		const throttle = new Throttle(() => {
			poller?.touch();
			return task();
		}, options.gap ?? 500);
		const unsubscribe = stream.subscribe({
			onEvent: (event) => {
				// The stream's own notices are handled by the stream (onReload).
				if (event.event.startsWith('stream.')) return;
				if (untrack(() => match(event))) throttle.trigger();
			},
			onReload: () => throttle.trigger()
		});
		return () => {
			throttle.stop();
			unsubscribe();
		};
	});

	$effect(() => {
		if (!enabled) return;
		const every = read(options.match && streaming ? options.streamInterval : options.interval);
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
	const mode = $derived.by((): LiveMode => {
		if (!enabled) return 'off';
		if (!options.match) return 'timer';
		if (hidden) return 'hidden';
		if (streaming) return 'stream';
		return down ? 'polling' : 'connecting';
	});
	return {
		get mode() {
			return mode;
		}
	};
}
