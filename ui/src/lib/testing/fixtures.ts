/** Fixtures typed by the generated schema: a changed Struct breaks them at `npm run check`. */
import type { JobDetail, JobSummary, WorkerInfo } from '$lib/api/types';

export const NOW = Date.parse('2025-11-27T14:00:00Z');

export function jobSummary(over: Partial<JobSummary> = {}): JobSummary {
	return {
		id: '0190f4b2-7c1e-7a3b-9d2e-111111111111',
		queue: 'emails',
		func: 'app.tasks.send_email',
		state: 'succeeded',
		priority: 0,
		attempts: 1,
		max_attempts: 3,
		taken_by: 'worker-1',
		created_at: '2025-11-27T13:58:00Z',
		scheduled_at: '2025-11-27T13:58:00Z',
		started_at: '2025-11-27T13:58:01Z',
		completed_at: '2025-11-27T13:58:01.250Z',
		unique_key: null,
		error: null,
		...over
	};
}

export function jobDetail(over: Partial<JobDetail> = {}): JobDetail {
	return {
		...jobSummary(),
		kwargs: { to: 'ada@example.com', retries: [1, 2] },
		meta: {},
		limits: [{ t: 'time', v: 30 }],
		errors: [],
		claim_id: null,
		...over
	};
}

export function worker(over: Partial<WorkerInfo> = {}): WorkerInfo {
	return {
		worker_id: 'worker-1',
		tags: ['hostname=a', '*'],
		queues: ['emails'],
		last_seen: '2025-11-27T13:59:55Z',
		expires_at: '2025-11-27T14:00:55Z',
		is_leader: true,
		expired: false,
		...over
	};
}
