import { describe, expect, it } from 'vitest';
import {
	EMPTY_AUDIT_QUERY,
	fromLocalInput,
	parseAuditQuery,
	toAuditApiQuery,
	toAuditSearch,
	toLocalInput,
	withAuditChanges
} from './query';

describe('audit filters in the URL', () => {
	it('round-trips every filter', () => {
		const query = {
			username: 'ada',
			action: 'job.retry',
			outcome: 'denied' as const,
			target: 'emails',
			since: '2025-11-27T13:00:00.000Z',
			cursor: 'WyJhdWRpdCIsIm5leHQiLG51bGwsMTIwXQ'
		};
		const search = toAuditSearch(query);
		expect(parseAuditQuery(new URLSearchParams(search))).toEqual(query);
		expect(toAuditSearch(EMPTY_AUDIT_QUERY)).toBe('');
	});

	it('drops what is malformed', () => {
		const params = new URLSearchParams('outcome=maybe&since=yesterday&cursor=%20&username=%20');
		expect(parseAuditQuery(params)).toEqual(EMPTY_AUDIT_QUERY);
	});

	it('goes back to the newest entries when a filter changes', () => {
		const older = { ...EMPTY_AUDIT_QUERY, cursor: '99' };
		expect(withAuditChanges(older, { outcome: 'failed' }).cursor).toBeNull();
		expect(withAuditChanges(older, { cursor: '50' }).cursor).toBe('50');
	});

	it('asks the API only for the filters set', () => {
		expect(toAuditApiQuery({ ...EMPTY_AUDIT_QUERY, action: 'queue.delete' })).toEqual({
			limit: 50,
			action: 'queue.delete'
		});
	});

	it('converts the since field between local time and ISO', () => {
		// Tests run in UTC.
		expect(toLocalInput('2025-11-27T13:05:00Z')).toBe('2025-11-27T13:05');
		expect(fromLocalInput('2025-11-27T13:05')).toBe('2025-11-27T13:05:00.000Z');
		expect(fromLocalInput('')).toBeNull();
		expect(toLocalInput(null)).toBe('');
	});
});
