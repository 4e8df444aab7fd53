/** The sidebar's entries; plugin pages appear only when the server runs those plugins. */
export type NavItem =
	| { path: '/' | '/jobs' | '/queues' | '/workers'; label: string; available: true }
	/** Pages of plugins the dashboard does not have yet are listed but not linked. */
	| { path: '/crons' | '/workflows' | '/metrics'; label: string; available: false };

const CORE: NavItem[] = [
	{ path: '/', label: 'Overview', available: true },
	{ path: '/jobs', label: 'Jobs', available: true },
	{ path: '/queues', label: 'Queues', available: true },
	{ path: '/workers', label: 'Workers', available: true }
];

const BY_PLUGIN: [plugin: string, item: NavItem][] = [
	['Cron', { path: '/crons', label: 'Crons', available: false }],
	['WorkflowPlugin', { path: '/workflows', label: 'Workflows', available: false }],
	['Metrics', { path: '/metrics', label: 'Metrics', available: false }]
];

export function navItems(plugins: readonly string[]): NavItem[] {
	return [...CORE, ...BY_PLUGIN.filter(([name]) => plugins.includes(name)).map(([, item]) => item)];
}

/** Whether `pathname` (without the base path) belongs to the entry at `path`. */
export function isCurrent(path: string, pathname: string): boolean {
	return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
}
