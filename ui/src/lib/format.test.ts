import { describe, expect, it } from 'vitest';
import { count, duration, fullTime, relativeTime, shortTime, splitFunc } from './format';

const NOW = Date.parse('2025-11-27T14:00:00Z');

describe('duration', () => {
	it.each([
		[0, '0 ms'],
		[850, '850 ms'],
		[1234, '1.2 s'],
		[42_000, '42 s'],
		[245_000, '4m 05s'],
		[7_380_000, '2h 03m'],
		[3 * 86_400_000 + 4 * 3_600_000, '3d 4h'],
		[-1500, '-1.5 s']
	])('%d ms is %s', (ms, text) => expect(duration(ms)).toBe(text));
});

describe('relativeTime', () => {
	it.each([
		['2025-11-27T13:59:58Z', 'just now'],
		['2025-11-27T13:59:18Z', '42 s ago'],
		['2025-11-27T13:55:00Z', '5 min ago'],
		['2025-11-27T11:00:00Z', '3 h ago'],
		['2025-11-25T14:00:00Z', '2 d ago'],
		['2025-11-27T14:05:00Z', 'in 5 min'],
		['2025-05-27T14:00:00Z', '6 mo ago']
	])('%s is %s', (at, text) => expect(relativeTime(at, NOW)).toBe(text));

	it('shows a dash for nonsense', () => expect(relativeTime('nope', NOW)).toBe('—'));
});

describe('absolute times (in UTC for the test)', () => {
	it('is short for today, this year and older', () => {
		expect(shortTime('2025-11-27T09:03:07Z', NOW)).toBe('09:03:07');
		expect(shortTime('2025-03-02T09:03:07Z', NOW)).toBe('Mar 2 09:03');
		expect(shortTime('2023-03-02T09:03:07Z', NOW)).toBe('2023-03-02 09:03');
	});

	it('is complete in tooltips', () => {
		expect(fullTime('2025-11-27T09:03:07.045Z')).toBe('2025-11-27 09:03:07.045 UTC+00:00');
	});
});

describe('count', () => {
	it('is exact and grouped below 100k, compact above, and marks estimates', () => {
		expect(count(0)).toBe('0');
		expect(count(12_345)).toBe('12,345');
		expect(count(456_789)).toBe('457k');
		expect(count(1_234_567, false)).toBe('≈1.2M');
		expect(count(0, false)).toBe('0');
		expect(count(null)).toBe('—');
	});
});

describe('splitFunc', () => {
	it('separates the module from the name', () => {
		expect(splitFunc('app.tasks.send_email')).toEqual(['app.tasks.', 'send_email']);
		expect(splitFunc('app.tasks:send')).toEqual(['app.tasks:', 'send']);
		expect(splitFunc('plain')).toEqual(['', 'plain']);
	});
});
