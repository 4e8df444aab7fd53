import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '$lib/api/types';
import { session } from '$lib/session.svelte';
import type { CronSchedule } from './api';
import CronActions from './CronActions.svelte';

const schedule: CronSchedule = {
	unique_key: 'nightly-report',
	cron: '0 2 * * *',
	timezone: 'Etc/UTC',
	last_run: null,
	next_run: '2025-11-28T02:00:00Z',
	job: {
		func: 'app.reports.build',
		queue: 'reports',
		kwargs: {},
		priority: 0,
		max_attempts: 1,
		scheduled_at: '2025-11-27T10:00:00Z',
		limits: [],
		unique_key: 'nightly-report',
		meta: {}
	},
	description: 'at 02:00, every day',
	next_runs: ['2025-11-28T02:00:00Z'],
	recent_jobs: [],
	error: null
};

function as(role: Role) {
	session.set({ username: role, role, csrf_token: 'x' });
	render(CronActions, { schedule, onResult: () => undefined });
}

describe('cron actions', () => {
	afterEach(() => session.clear());

	it('offers nothing to viewers', () => {
		as('viewer');
		expect(screen.queryAllByRole('button')).toHaveLength(0);
	});

	it('offers run now to operators, and delete to admins only', () => {
		as('operator');
		expect(screen.getByRole('button', { name: 'Run now nightly-report' })).toBeTruthy();
		expect(screen.queryByRole('button', { name: /Delete/ })).toBeNull();
	});

	it('offers both to admins', () => {
		as('admin');
		expect(screen.getByRole('button', { name: 'Run now nightly-report' })).toBeTruthy();
		expect(screen.getByRole('button', { name: 'Delete schedule nightly-report' })).toBeTruthy();
	});
});
