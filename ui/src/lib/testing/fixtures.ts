/** Fixtures typed by the generated schema: a changed Struct breaks them at `npm run check`. */
import type { JobDetail, JobSummary, SystemInfo, WorkerInfo } from '$lib/api/types';
import type { FailureGroup } from '$lib/failures/api';

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
		kwargs_preview: null,
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

export function systemInfo(over: Partial<SystemInfo> = {}): SystemInfo {
	return {
		chancy_version: '0.26.0',
		chancy_web_version: '0.1.0',
		database: { prefix: 'chancy_', version: 'PostgreSQL 16.4 on x86_64-pc-linux-gnu' },
		events: {
			backend_pid: 4242,
			channel: 'chancy_events',
			connected_since: '2025-11-27T13:00:00Z',
			events_coalesced: 0,
			events_dropped: 0,
			events_malformed: 0,
			events_received: 12,
			last_error: null,
			last_event_at: '2025-11-27T13:59:00Z',
			last_id: null,
			process: 'p1',
			reconnects: 0,
			state: 'connected',
			subscribers: 1
		},
		migrations: [{ key: 'chancy', latest: 6, up_to_date: true, version: 6 }],
		pool: { available: 2, max_size: 10, min_size: 1, requests_waiting: 0, size: 3 },
		up_to_date: true,
		...over
	};
}

export function failureGroup(over: Partial<FailureGroup> = {}): FailureGroup {
	return {
		fingerprint: '9f86d081884c7d65',
		exception: 'LookupError',
		message: 'order <n> is missing from warehouse <str>',
		frame: 'app/orders.py:ship',
		count: 1204,
		count_1h: 12,
		count_24h: 240,
		count_7d: 1204,
		first_seen: '2025-11-20T08:00:00Z',
		last_seen: '2025-11-27T13:59:00Z',
		status: 'open',
		regressed: false,
		new: false,
		resolved_at: null,
		reopened_at: null,
		functions: ['app.orders.ship', 'app.orders.refund'],
		queues: ['orders'],
		sample_job_id: '0190f4b2-7c1e-7a3b-9d2e-333333333333',
		sparkline: [0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 9, 12],
		...over
	};
}
