import { describe, expect, it } from 'vitest';
import { longestWait, pendingSplit } from './health';

describe('queue health', () => {
	it('takes the longest wait from active queues only', () => {
		const counts = {
			oldest_pending_at: {
				archive: '2026-12-01T10:00:00Z',
				emails: '2026-12-01T11:00:00Z'
			}
		};
		const queues = [
			{ name: 'archive', state: 'paused' as const },
			{ name: 'emails', state: 'active' as const },
			{ name: 'idle', state: 'active' as const }
		];
		expect(longestWait(queues, counts)).toBe(Date.parse('2026-12-01T11:00:00Z'));
		expect(longestWait(queues.slice(0, 1), counts)).toBeNull();
	});

	it('splits pending into due and scheduled for later', () => {
		const counts = {
			by_queue: { emails: { pending: 11 }, other: { pending: 2 } },
			scheduled_pending: { emails: 9 }
		};
		expect(pendingSplit(counts, 'emails')).toEqual({ due: 2, scheduled: 9 });
		expect(pendingSplit(counts, 'other')).toEqual({ due: 2, scheduled: 0 });
		expect(pendingSplit(counts, 'nowhere')).toBeNull();
	});
});
