import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Poller, type VisibilitySource } from './poller';

class FakeDocument extends EventTarget implements VisibilitySource {
	visibilityState: DocumentVisibilityState = 'visible';
	set(state: DocumentVisibilityState) {
		this.visibilityState = state;
		this.dispatchEvent(new Event('visibilitychange'));
	}
}

describe('Poller', () => {
	let doc: FakeDocument;
	beforeEach(() => {
		vi.useFakeTimers();
		doc = new FakeDocument();
	});
	afterEach(() => vi.useRealTimers());

	it('runs every interval once started, and not before', async () => {
		const task = vi.fn();
		const poller = new Poller(task, 5000, doc, Date.now);
		poller.start();
		await vi.advanceTimersByTimeAsync(4999);
		expect(task).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(1);
		expect(task).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(task).toHaveBeenCalledTimes(3);
		poller.stop();
		await vi.advanceTimersByTimeAsync(60_000);
		expect(task).toHaveBeenCalledTimes(3);
	});

	it('pauses while the tab is hidden and catches up when it is shown', async () => {
		const task = vi.fn();
		const poller = new Poller(task, 5000, doc, Date.now);
		poller.start();
		doc.set('hidden');
		expect(poller.active).toBe(false);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(task).not.toHaveBeenCalled();
		doc.set('visible');
		await vi.advanceTimersByTimeAsync(0);
		expect(task).toHaveBeenCalledTimes(1);
		poller.stop();
	});

	it('waits out the rest of the interval when shown again early', async () => {
		const task = vi.fn();
		const poller = new Poller(task, 5000, doc, Date.now);
		poller.start();
		await vi.advanceTimersByTimeAsync(1000);
		doc.set('hidden');
		await vi.advanceTimersByTimeAsync(1000);
		doc.set('visible');
		await vi.advanceTimersByTimeAsync(2999);
		expect(task).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(1);
		expect(task).toHaveBeenCalledTimes(1);
		poller.stop();
	});

	it('never overlaps a slow task and survives a failing one', async () => {
		let calls = 0;
		const task = vi.fn(async () => {
			calls++;
			await new Promise((resolve) => setTimeout(resolve, 8000));
			if (calls === 1) throw new Error('boom');
		});
		const poller = new Poller(task, 5000, doc, Date.now);
		poller.start();
		await vi.advanceTimersByTimeAsync(5000);
		expect(task).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(8000 + 4999);
		expect(task).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(task).toHaveBeenCalledTimes(2);
		poller.stop();
	});

	it('stops listening for visibility when stopped', async () => {
		const task = vi.fn();
		const poller = new Poller(task, 5000, doc, Date.now);
		poller.start();
		poller.stop();
		doc.set('hidden');
		doc.set('visible');
		await vi.advanceTimersByTimeAsync(20_000);
		expect(task).not.toHaveBeenCalled();
	});
});
