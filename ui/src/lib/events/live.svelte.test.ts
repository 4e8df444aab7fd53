import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '$lib/session.svelte';
import { live, type LiveOptions } from './live.svelte';
import { EventStream, type EventSourceLike } from './stream.svelte';

class FakeSource implements EventSourceLike {
	onmessage: ((event: MessageEvent<string>) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;
	close() {}
	send(event: string, data: Record<string, unknown> = {}) {
		const body = JSON.stringify({ id: null, event, data, count: 1 });
		this.onmessage?.(new MessageEvent('message', { data: body }));
	}
}

describe('live()', () => {
	let sources: FakeSource[];
	let stream: EventStream;
	let stop: (() => void) | null;
	const source = () => sources.at(-1)!;

	function follow(task: () => unknown, options: Omit<LiveOptions, 'stream'>) {
		let feed: ReturnType<typeof live> | undefined;
		stop = $effect.root(() => {
			feed = live(task, { ...options, stream });
		});
		flushSync();
		return feed!;
	}

	beforeEach(() => {
		vi.useFakeTimers();
		sources = [];
		stream = new EventStream({
			url: () => '/api/v1/events',
			create: () => {
				sources.push(new FakeSource());
				return source();
			},
			doc: null,
			random: () => 0.5
		});
		session.set({ username: 'ada', role: 'viewer', csrf_token: null });
	});
	afterEach(() => {
		stop?.();
		stop = null;
		session.clear();
		vi.useRealTimers();
	});

	it('refreshes on matching events, at most once per gap', async () => {
		const task = vi.fn();
		const feed = follow(task, {
			match: (e) => e.event === 'queue.pushed' && e.data.q === 'emails',
			interval: 5000
		});
		source().send('stream.open', { gap: false });
		flushSync();
		expect(feed.mode).toBe('stream');

		for (let i = 0; i < 10; i++) {
			source().send('queue.pushed', { q: 'emails' });
			source().send('queue.pushed', { q: 'billing' }); // not this page's
			await vi.advanceTimersByTimeAsync(40);
		}
		// One refresh at once, one for the rest of the burst when the gap is over.
		expect(task).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(100);
		expect(task).toHaveBeenCalledTimes(2);
		// Events alone while the stream is up: no polling.
		await vi.advanceTimersByTimeAsync(30_000);
		expect(task).toHaveBeenCalledTimes(2);
		source().send('queue.pushed', { q: 'billing' });
		await vi.advanceTimersByTimeAsync(1000);
		expect(task).toHaveBeenCalledTimes(2);
	});

	it('reloads when the stream says events were missed', async () => {
		const task = vi.fn();
		follow(task, { match: () => false, interval: 5000 });
		source().send('stream.open', { gap: false });
		source().send('stream.dropped', { dropped: 5, total_dropped: 5 });
		await vi.advanceTimersByTimeAsync(0);
		expect(task).toHaveBeenCalledTimes(1);
	});

	it('polls while the stream is down, and stops polling when it is back', async () => {
		const task = vi.fn();
		const feed = follow(task, { match: () => true, interval: 5000, streamInterval: null });
		source().onerror?.(new Event('error'));
		flushSync();
		expect(feed.mode).toBe('polling');
		await vi.advanceTimersByTimeAsync(5000);
		expect(task).toHaveBeenCalledTimes(1);
		// The stream reconnects after its backoff (1 s) ...
		source().send('stream.open', { gap: false, resumed: false });
		flushSync();
		expect(feed.mode).toBe('stream');
		// ... and reloads once (it could not resume); then no more polls.
		await vi.advanceTimersByTimeAsync(0);
		expect(task).toHaveBeenCalledTimes(2);
		await vi.advanceTimersByTimeAsync(40_000); // (under the 45 s a silent stream is given)
		expect(task).toHaveBeenCalledTimes(2);
	});

	it('keeps a slow poll beside the stream when asked, and stops with its owner', async () => {
		const task = vi.fn();
		follow(task, { match: () => true, interval: 5000, streamInterval: 10_000 });
		source().send('stream.open', { gap: false });
		flushSync();
		await vi.advanceTimersByTimeAsync(20_000);
		expect(task).toHaveBeenCalledTimes(2);
		stop?.();
		stop = null;
		source().send('queue.pushed', { q: 'emails' });
		await vi.advanceTimersByTimeAsync(60_000);
		expect(task).toHaveBeenCalledTimes(2);
	});

	it('refreshes on its timer alone when no event announces the data', async () => {
		const task = vi.fn();
		const feed = follow(task, { interval: 5000 });
		expect(feed.mode).toBe('timer');
		// The stream is not opened for such a page.
		expect(sources).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(15_000);
		expect(task).toHaveBeenCalledTimes(3);
	});

	it('keeps its timer while another page has the stream open', async () => {
		const task = vi.fn();
		const other = stream.subscribe({});
		source().send('stream.open', { gap: false });
		const feed = follow(task, { interval: 5000 });
		expect(feed.mode).toBe('timer');
		source().send('queue.pushed', { q: 'emails' });
		await vi.advanceTimersByTimeAsync(10_000);
		expect(task).toHaveBeenCalledTimes(2);
		other();
	});

	it('does nothing while paused by the page', async () => {
		const task = vi.fn();
		const feed = follow(task, { match: () => true, interval: 5000, enabled: () => false });
		expect(feed.mode).toBe('off');
		expect(sources).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(task).not.toHaveBeenCalled();
	});

	it('keeps an event that arrives during a refresh whose result the page reads', async () => {
		// The page's `enabled` reads the data the refresh replaces: the new data must not
		// drop the event that came in while the refresh was on its way.
		const data = $state({ current: { state: 'running' } });
		let finish: (() => void) | null = null;
		const task = vi.fn(
			() =>
				new Promise<void>((done) => {
					finish = () => {
						data.current = { state: 'running' };
						done();
					};
				})
		);
		follow(task, { match: () => true, interval: 5000, enabled: () => !!data.current });
		source().send('stream.open', { gap: false });
		flushSync();

		source().send('workflow.step_completed');
		expect(task).toHaveBeenCalledTimes(1);
		source().send('workflow.updated'); // while the first refresh is in flight
		finish!();
		await vi.advanceTimersByTimeAsync(0);
		flushSync();
		await vi.advanceTimersByTimeAsync(600);
		expect(task).toHaveBeenCalledTimes(2);
	});
});
