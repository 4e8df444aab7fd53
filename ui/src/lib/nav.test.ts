import { describe, expect, it } from 'vitest';
import { isCurrent, navItems, opsItems } from './nav';
import { safeNext } from './links';

describe('navigation', () => {
	it('lists plugin pages only for the plugins the server runs', () => {
		expect(navItems([]).map((i) => i.label)).toEqual([
			'Overview',
			'Jobs',
			'Failures',
			'Queues',
			'Workers',
			'System'
		]);
		expect(navItems(['Metrics', 'Cron', 'Leadership']).map((i) => i.label)).toEqual([
			'Overview',
			'Jobs',
			'Failures',
			'Queues',
			'Workers',
			'Crons',
			'Metrics',
			'System'
		]);
		expect(navItems(['WorkflowPlugin']).every((i) => i.available)).toBe(true);
	});

	it('lists the audit log for admins only', () => {
		expect(opsItems(false).map((i) => i.label)).toEqual(['Events', 'Bulk operations']);
		expect(opsItems(true).map((i) => i.label)).toEqual(['Events', 'Bulk operations', 'Audit log']);
	});

	it('marks the current section', () => {
		expect(isCurrent('/', '/')).toBe(true);
		expect(isCurrent('/', '/jobs')).toBe(false);
		expect(isCurrent('/jobs', '/jobs/0190')).toBe(true);
		expect(isCurrent('/jobs', '/jobsx')).toBe(false);
	});

	it('only redirects inside the app after login', () => {
		expect(safeNext('/jobs?state=failed')).toBe('/jobs?state=failed');
		expect(safeNext('//evil.example')).toBe('/');
		expect(safeNext('https://evil.example')).toBe('/');
		expect(safeNext('/\\evil.example')).toBe('/');
		expect(safeNext(null)).toBe('/');
	});
});
