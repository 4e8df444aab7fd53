import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventStream, type EventSourceLike, type StreamOptions } from './stream.svelte';

class FakeSource implements EventSourceLike {
	onmessage: ((event: MessageEvent<string>) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;
	closed = false;
	constructor(readonly url: string) {}
	close() {
		this.closed = true;
	}
	send(event: string, data: Record<string, unknown> = {}, id: string | null = null) {
		const body = JSON.stringify({ id, event, data, count: 1 });
		this.onmessage?.(new MessageEvent('message', { data: body }));
	}
	open(data: Record<string, unknown> = {}) {
		this.send('stream.open', { gap: false, resumed: false, ...data });
	}
	fail() {
		this.onerror?.(new Event('error'));
	}
}

class FakeDocument extends EventTarget {
	visibilityState: DocumentVisibilityState = 'visible';
	set(state: DocumentVisibilityState) {
		this.visibilityState = state;
		this.dispatchEvent(new Event('visibilitychange'));
	}
}

describe('EventStream', () => {
	let sources: FakeSource[];
	let doc: FakeDocument;
	const last = () => sources.at(-1)!;

	function make(options: Partial<StreamOptions> = {}) {
		return new EventStream({
			url: (id) => `/api/v1/events${id ? `?last_event_id=${id}` : ''}`,
			create: (url) => {
				const source = new FakeSource(url);
				sources.push(source);
				return source;
			},
			doc,
			random: () => 0.5, // no jitter
			...options
		});
	}

	beforeEach(() => {
		vi.useFakeTimers();
		sources = [];
		doc = new FakeDocument();
	});
	afterEach(() => vi.useRealTimers());

	it('opens for the first subscriber and delivers events', () => {
		const stream = make();
		expect(sources).toHaveLength(0);
		const onEvent = vi.fn();
		stream.subscribe({ onEvent });
		expect(stream.status).toBe('connecting');
		last().open();
		expect(stream.status).toBe('open');
		last().send('queue.pushed', { q: 'emails' }, 'p-1');
		expect(onEvent).toHaveBeenLastCalledWith(
			expect.objectContaining({ event: 'queue.pushed', data: { q: 'emails' } })
		);
		expect(stream.recent.map((e) => e.event)).toEqual(['queue.pushed', 'stream.open']);
	});

	it('reconnects with exponential backoff, capped, and resumes after the last id', async () => {
		const stream = make({ baseDelayMs: 1000, maxDelayMs: 8000 });
		stream.subscribe({});
		last().open();
		last().send('job.cancelled', { j: 'x' }, 'p-7');
		last().fail();
		expect(last().closed).toBe(true);
		expect(stream.status).toBe('retrying');

		const waits: number[] = [];
		for (let attempt = 0; attempt < 6; attempt++) {
			const count = sources.length;
			let waited = 0;
			while (sources.length === count) {
				await vi.advanceTimersByTimeAsync(100);
				waited += 100;
			}
			waits.push(waited);
			expect(last().url).toBe('/api/v1/events?last_event_id=p-7');
			last().fail();
		}
		expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);

		// Once open again, the backoff starts over.
		await vi.advanceTimersByTimeAsync(8000);
		last().open({ resumed: true });
		expect(stream.failures).toBe(0);
		last().fail();
		const count = sources.length;
		await vi.advanceTimersByTimeAsync(1000);
		expect(sources.length).toBe(count + 1);
	});

	it('spreads reconnects with jitter, never above the maximum', async () => {
		const stream = make({ baseDelayMs: 1000, maxDelayMs: 1100, random: () => 0.99 });
		stream.subscribe({});
		last().fail();
		expect(stream.retryAt! - Date.now()).toBe(1100);
		const other = make({ baseDelayMs: 1000, random: () => 0 });
		other.subscribe({});
		last().fail();
		expect(other.retryAt! - Date.now()).toBe(800);
	});

	it('treats a silent connection as dead', async () => {
		const stream = make({ staleMs: 45_000 });
		stream.subscribe({});
		last().open();
		await vi.advanceTimersByTimeAsync(30_000);
		last().send('stream.heartbeat', { at: 'now', listener: 'connected' });
		await vi.advanceTimersByTimeAsync(44_000);
		expect(stream.status).toBe('open');
		await vi.advanceTimersByTimeAsync(1000);
		expect(stream.status).toBe('retrying');
		expect(sources[0]!.closed).toBe(true);
		// Heartbeats are not kept as events.
		expect(stream.recent.map((e) => e.event)).toEqual(['stream.open']);
	});

	it('asks subscribers to reload when events may have been missed', async () => {
		const stream = make();
		const onReload = vi.fn();
		stream.subscribe({ onReload });
		last().open();
		expect(onReload).not.toHaveBeenCalled(); // a first connection has nothing to catch up
		last().send('stream.dropped', { dropped: 3, total_dropped: 3 });
		expect(onReload).toHaveBeenCalledTimes(1);
		last().send('stream.listener', { state: 'reconnecting' });
		expect(onReload).toHaveBeenCalledTimes(1);
		last().send('stream.listener', { state: 'connected' });
		expect(onReload).toHaveBeenCalledTimes(2);

		last().fail();
		await vi.advanceTimersByTimeAsync(1000);
		last().open({ resumed: true });
		expect(onReload).toHaveBeenCalledTimes(2); // resumed: nothing missed
		last().fail();
		await vi.advanceTimersByTimeAsync(1000);
		last().open({ resumed: false });
		expect(onReload).toHaveBeenCalledTimes(3);
		last().send('stream.open', { gap: true, resumed: false });
		expect(onReload).toHaveBeenCalledTimes(4);
	});

	it('reloads when it first opens after failing, since events went by meanwhile', async () => {
		const stream = make();
		const onReload = vi.fn();
		stream.subscribe({ onReload });
		last().fail();
		await vi.advanceTimersByTimeAsync(1000);
		last().open();
		expect(onReload).toHaveBeenCalledTimes(1);
	});

	it('closes while the tab is hidden and reopens when it is shown', () => {
		const stream = make();
		stream.subscribe({});
		last().open();
		doc.set('hidden');
		expect(stream.status).toBe('hidden');
		expect(last().closed).toBe(true);
		vi.advanceTimersByTime(120_000);
		expect(sources).toHaveLength(1);
		doc.set('visible');
		expect(sources).toHaveLength(2);
		expect(stream.status).toBe('connecting');
	});

	it('does not connect while hidden, nor retry', async () => {
		doc.visibilityState = 'hidden';
		const stream = make();
		stream.subscribe({});
		expect(stream.status).toBe('hidden');
		expect(sources).toHaveLength(0);
		doc.set('visible');
		last().fail();
		doc.set('hidden');
		await vi.advanceTimersByTimeAsync(60_000);
		expect(sources).toHaveLength(1);
	});

	it('stops when the session ends, and reconnects after a server shutdown', async () => {
		const ended = vi.fn();
		const stream = make({ onSessionEnded: ended });
		stream.subscribe({});
		last().open();
		last().send('stream.closed', { reason: 'Server shutting down' });
		expect(stream.status).toBe('retrying');
		await vi.advanceTimersByTimeAsync(1000);
		last().open();
		last().send('stream.closed', { reason: 'Session ended' });
		expect(stream.status).toBe('closed');
		expect(ended).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(sources).toHaveLength(2);
	});

	it('closes a while after the last subscriber leaves', () => {
		const stream = make({ lingerMs: 5000 });
		const a = stream.subscribe({});
		last().open();
		a();
		vi.advanceTimersByTime(4000);
		// Another page subscribes in time: the same connection carries on.
		const b = stream.subscribe({});
		vi.advanceTimersByTime(10_000);
		expect(sources).toHaveLength(1);
		expect(last().closed).toBe(false);
		b();
		vi.advanceTimersByTime(5000);
		expect(last().closed).toBe(true);
		expect(stream.status).toBe('idle');
	});

	it('ignores messages that are not JSON events', () => {
		const stream = make();
		const onEvent = vi.fn();
		stream.subscribe({ onEvent });
		last().onmessage?.(new MessageEvent('message', { data: 'not json' }));
		expect(onEvent).not.toHaveBeenCalled();
		expect(stream.status).toBe('connecting');
	});
});
