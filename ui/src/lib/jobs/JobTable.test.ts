import { render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { jobSummary } from '$lib/testing/fixtures';
import JobTable from './JobTable.svelte';

const FAILED = jobSummary({
	id: '0290f4b2-7c1e-7a3b-9d2e-222222222222',
	state: 'failed',
	attempts: 3,
	func: 'app.reports.build_report',
	error: 'ValueError: kaput'
});

describe('JobTable', () => {
	it('renders a row per job with links, state and the last error', () => {
		render(JobTable, { jobs: [jobSummary(), FAILED] });
		const rows = screen.getAllByRole('row').slice(1);
		expect(rows).toHaveLength(2);
		const failed = within(rows[1]!);
		expect(failed.getByRole('link', { name: /build_report/ }).getAttribute('href')).toBe(
			'/jobs/0290f4b2-7c1e-7a3b-9d2e-222222222222'
		);
		expect(failed.getByText('failed')).toBeTruthy();
		expect(failed.getByText('ValueError: kaput')).toBeTruthy();
		expect(failed.getByRole('link', { name: 'emails' }).getAttribute('href')).toBe(
			'/queues/emails'
		);
		expect(within(rows[0]!).queryByText('ValueError: kaput')).toBeNull();
	});

	it('counts the attempt a running job is on, as its page does', () => {
		const running = jobSummary({
			state: 'running',
			attempts: 0,
			max_attempts: 1,
			completed_at: null
		});
		const { container } = render(JobTable, { jobs: [running, FAILED] });
		const cells = [...container.querySelectorAll('td.attempts')].map((td) => td.textContent);
		expect(cells).toEqual(['1/1', '3/3']);
	});

	it('has no checkboxes unless rows can be selected', () => {
		render(JobTable, { jobs: [jobSummary()] });
		expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
	});

	it('selects rows and the whole page', async () => {
		const onToggle = vi.fn();
		const onToggleAll = vi.fn();
		render(JobTable, {
			jobs: [jobSummary(), FAILED],
			selected: [FAILED.id],
			onToggle,
			onToggleAll
		});
		const all = screen.getByRole('checkbox', { name: 'Select all jobs on this page' });
		expect((all as HTMLInputElement).indeterminate).toBe(true);
		expect(screen.getByRole('checkbox', { name: 'Select job 22222222' })).toBeTruthy();
		const boxes = screen.getAllByRole('checkbox');
		expect((boxes[2] as HTMLInputElement).checked).toBe(true);
		boxes[1]!.click();
		expect(onToggle).toHaveBeenCalledWith(jobSummary().id);
		all.click();
		expect(onToggleAll).toHaveBeenCalledWith([jobSummary().id, FAILED.id], true);
	});

	it('shows a screenful of rows first and the rest of the page after', async () => {
		const jobs = Array.from({ length: 30 }, (_, i) =>
			jobSummary({ id: `0190f4b2-7c1e-7a3b-9d2e-${String(i).padStart(12, '0')}` })
		);
		const onToggleAll = vi.fn();
		const { rerender } = render(JobTable, { jobs, onToggle: vi.fn(), onToggleAll });
		expect(screen.getAllByRole('row').slice(1)).toHaveLength(20);
		// The whole page counts for selecting it all, shown or not yet.
		screen.getByRole('checkbox', { name: 'Select all jobs on this page' }).click();
		expect(onToggleAll).toHaveBeenCalledWith(
			jobs.map((j) => j.id),
			true
		);
		await waitFor(() => expect(screen.getAllByRole('row').slice(1)).toHaveLength(30));
		// Once there, a new page is shown whole.
		await rerender({ jobs: jobs.slice(5) });
		expect(screen.getAllByRole('row').slice(1)).toHaveLength(25);
	});

	it('shows the empty table head for no jobs', () => {
		render(JobTable, { jobs: [] });
		expect(screen.getAllByRole('row')).toHaveLength(1);
	});
});
