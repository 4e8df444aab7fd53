import { describe, expect, it } from 'vitest';
import { jobOffers, summariseBatch, type BatchItemResult } from './actions';

const allowed = (state: string) =>
	Object.fromEntries(jobOffers(state).map((o) => [o.action, o.allowed]));

describe('job actions', () => {
	it('offers only what the state allows, with the reason otherwise', () => {
		expect(allowed('running')).toEqual({ retry: false, cancel: true, delete: true });
		expect(allowed('pending')).toEqual({ retry: true, cancel: true, delete: true });
		expect(allowed('retrying')).toEqual({ retry: true, cancel: true, delete: true });
		expect(allowed('failed')).toEqual({ retry: true, cancel: false, delete: true });
		expect(allowed('succeeded')).toEqual({ retry: true, cancel: false, delete: true });
		expect(jobOffers('running')[0]?.reason).toBe('Running jobs cannot be retried; cancel it first');
		expect(jobOffers('succeeded')[1]?.reason).toBe('The job has already succeeded');
	});
});

describe('summariseBatch', () => {
	const item = (id: string, status: BatchItemResult['status'], message?: string) =>
		({ id, status, ...(message ? { message } : {}) }) as BatchItemResult;

	it('says everything was done', () => {
		const s = summariseBatch('cancel', [item('a', 'completed'), item('b', 'completed')]);
		expect(s).toMatchObject({ completed: 2, skipped: 0, failed: 0, reasons: [], leftOver: [] });
		expect(s.title).toBe('2 jobs cancelled');
		expect(s.tone).toBe('success');
	});

	it('groups skipped and failed items by reason, most common first', () => {
		const s = summariseBatch('retry', [
			item('a', 'completed'),
			item('b', 'skipped', 'Running jobs cannot be retried; cancel it first'),
			item('c', 'skipped', 'Job no longer exists'),
			item('d', 'skipped', 'Job no longer exists'),
			item('e', 'failed', 'Invalid job ID')
		]);
		expect(s.title).toBe('1 of 5 jobs queued to run again');
		expect(s.reasons).toEqual([
			'2 skipped: Job no longer exists',
			'1 skipped: Running jobs cannot be retried; cancel it first',
			'1 failed: Invalid job ID'
		]);
		expect(s.leftOver).toEqual(['b', 'c', 'd', 'e']);
		expect(s.tone).toBe('error');
	});

	it('is informative, not an error, when everything was skipped', () => {
		const s = summariseBatch('purge', [item('a', 'skipped', 'Job no longer exists')]);
		expect(s.title).toBe('0 of 1 job deleted');
		expect(s.tone).toBe('info');
	});
});
