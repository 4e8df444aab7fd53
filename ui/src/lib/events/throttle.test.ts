import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from './throttle';

describe('Throttle', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('runs the first trigger at once', async () => {
		const task = vi.fn();
		new Throttle(task, 500).trigger();
		await vi.advanceTimersByTimeAsync(0);
		expect(task).toHaveBeenCalledTimes(1);
	});

	it('folds a burst into one trailing run, at most one run per gap', async () => {
		const task = vi.fn();
		const throttle = new Throttle(task, 500);
		throttle.trigger();
		for (let i = 0; i < 20; i++) {
			await vi.advanceTimersByTimeAsync(20);
			throttle.trigger();
		}
		// 400 ms later: the first run only; the burst waits for the gap to pass.
		expect(task).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(99);
		expect(task).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(task).toHaveBeenCalledTimes(2);
		await vi.advanceTimersByTimeAsync(5000);
		expect(task).toHaveBeenCalledTimes(2);
	});

	it('runs at once again after a quiet gap', async () => {
		const task = vi.fn();
		const throttle = new Throttle(task, 500);
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(600);
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(0);
		expect(task).toHaveBeenCalledTimes(2);
	});

	it('never overlaps a slow run, and runs once more for triggers during it', async () => {
		let finish: () => void = () => undefined;
		let active = 0;
		let most = 0;
		const task = vi.fn(
			() =>
				new Promise<void>((resolve) => {
					active++;
					most = Math.max(most, active);
					finish = () => {
						active--;
						resolve();
					};
				})
		);
		const throttle = new Throttle(task, 500);
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(0);
		throttle.trigger();
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(2000);
		expect(task).toHaveBeenCalledTimes(1);
		finish();
		await vi.advanceTimersByTimeAsync(0);
		expect(task).toHaveBeenCalledTimes(2);
		finish();
		await vi.advanceTimersByTimeAsync(2000);
		expect(task).toHaveBeenCalledTimes(2);
		expect(most).toBe(1);
	});

	it('keeps going after a failed run', async () => {
		const task = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(undefined);
		const throttle = new Throttle(task, 500);
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(600);
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(0);
		expect(task).toHaveBeenCalledTimes(2);
	});

	it('does nothing once stopped', async () => {
		const task = vi.fn();
		const throttle = new Throttle(task, 500);
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(100);
		throttle.trigger();
		throttle.stop();
		throttle.trigger();
		await vi.advanceTimersByTimeAsync(5000);
		expect(task).toHaveBeenCalledTimes(1);
	});
});
