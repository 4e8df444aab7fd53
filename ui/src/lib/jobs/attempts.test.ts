import { describe, expect, it } from 'vitest';
import { attemptsMade, attemptsText } from './attempts';

describe('attemptsMade', () => {
	it('counts the attempt under way for a running job', () => {
		expect(attemptsMade({ state: 'running', attempts: 0 })).toBe(1);
		expect(attemptsMade({ state: 'running', attempts: 2 })).toBe(3);
	});

	it('counts the attempts that ended for any other job', () => {
		expect(attemptsMade({ state: 'pending', attempts: 0 })).toBe(0);
		expect(attemptsMade({ state: 'retrying', attempts: 1 })).toBe(1);
		expect(attemptsMade({ state: 'failed', attempts: 3 })).toBe(3);
		expect(attemptsMade({ state: 'succeeded', attempts: 1 })).toBe(1);
	});
});

describe('attemptsText', () => {
	it('names the attempt under way for a running job', () => {
		expect(attemptsText({ state: 'running', attempts: 0, max_attempts: 1 })).toBe('Attempt 1 of 1');
		expect(attemptsText({ state: 'failed', attempts: 2, max_attempts: 3 })).toBe('2 of 3');
	});

	it('agrees with the count the lists show', () => {
		const running = { state: 'running', attempts: 1, max_attempts: 3 };
		expect(attemptsText(running)).toContain(`${attemptsMade(running)} of 3`);
	});
});
