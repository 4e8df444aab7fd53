/**
 * The events page's filters, kept in the URL: `?filter=emails&hide=worker,stream`.
 * Without `hide`, chancy-web's own `stream.*` notices are hidden; `hide=` shows everything.
 */
import type { StreamEvent } from './stream.svelte';

export const FAMILIES = [
	'queue',
	'job',
	'worker',
	'leadership',
	'workflow',
	'maintenance',
	'stream'
] as const;
export type Family = (typeof FAMILIES)[number];

export const FAMILY_LABELS: Record<Family, string> = {
	queue: 'Queues',
	job: 'Jobs',
	worker: 'Workers',
	leadership: 'Leadership',
	workflow: 'Workflows',
	maintenance: 'Pruner & recovery',
	stream: 'Stream notices'
};

const DEFAULT_HIDDEN: Family[] = ['stream'];

export function familyOf(name: string): Family {
	const head = name.split('.', 1)[0] ?? '';
	if (head === 'pruner' || head === 'recovery') return 'maintenance';
	return (FAMILIES as readonly string[]).includes(head) ? (head as Family) : 'maintenance';
}

export interface EventFilter {
	text: string;
	hidden: Family[];
}

export function parseEventFilter(params: URLSearchParams): EventFilter {
	const hide = params.get('hide');
	const hidden =
		hide === null
			? DEFAULT_HIDDEN
			: hide.split(',').filter((f): f is Family => (FAMILIES as readonly string[]).includes(f));
	return { text: params.get('filter')?.trim() ?? '', hidden };
}

export function toEventSearch(filter: EventFilter): string {
	const params = new URLSearchParams();
	if (filter.text) params.set('filter', filter.text);
	const same =
		filter.hidden.length === DEFAULT_HIDDEN.length &&
		filter.hidden.every((f) => DEFAULT_HIDDEN.includes(f));
	if (!same) params.set('hide', FAMILIES.filter((f) => filter.hidden.includes(f)).join(','));
	const search = params.toString();
	return search ? `?${search}` : '';
}

/** Whether an event passes the filter: its family shown, and the text in its name or data. */
export function matches(event: StreamEvent, filter: EventFilter): boolean {
	if (filter.hidden.includes(familyOf(event.event))) return false;
	if (!filter.text) return true;
	const needle = filter.text.toLowerCase();
	return (
		event.event.toLowerCase().includes(needle) ||
		JSON.stringify(event.data).toLowerCase().includes(needle)
	);
}
