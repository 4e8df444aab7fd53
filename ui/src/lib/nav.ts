/** The sidebar's entries; plugin pages appear only when the server runs those plugins. */
export type NavItem =
	| {
			path: '/' | '/jobs' | '/failures' | '/queues' | '/workers';
			label: string;
			available: true;
	  }
	/** Pages of Chancy plugins, listed when the server runs the plugin; and the system page.
	 * Metrics live at /stats: the server answers /metrics itself, for Prometheus. */
	| { path: '/crons' | '/workflows' | '/stats' | '/system'; label: string; available: true }
	/** The operations pages: live events and bulk operations for everyone, the audit log for
	 * admins. */
	| { path: '/events' | '/bulk' | '/audit'; label: string; available: true };

const CORE: NavItem[] = [
	{ path: '/', label: 'Overview', available: true },
	{ path: '/jobs', label: 'Jobs', available: true },
	{ path: '/failures', label: 'Failures', available: true },
	{ path: '/queues', label: 'Queues', available: true },
	{ path: '/workers', label: 'Workers', available: true }
];

const BY_PLUGIN: [plugin: string, item: NavItem][] = [
	['Cron', { path: '/crons', label: 'Crons', available: true }],
	['WorkflowPlugin', { path: '/workflows', label: 'Workflows', available: true }],
	['Metrics', { path: '/stats', label: 'Metrics', available: true }]
];

const SYSTEM: NavItem = { path: '/system', label: 'System', available: true };

export function navItems(plugins: readonly string[]): NavItem[] {
	return [
		...CORE,
		...BY_PLUGIN.filter(([name]) => plugins.includes(name)).map(([, item]) => item),
		SYSTEM
	];
}

/** After the resource pages: the events and bulk operations pages, and the audit log for
 * admins only. */
export function opsItems(admin: boolean): NavItem[] {
	const items: NavItem[] = [
		{ path: '/events', label: 'Events', available: true },
		{ path: '/bulk', label: 'Bulk operations', available: true }
	];
	if (admin) items.push({ path: '/audit', label: 'Audit log', available: true });
	return items;
}

/** Whether `pathname` (without the base path) belongs to the entry at `path`. */
export function isCurrent(path: string, pathname: string): boolean {
	return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
}
