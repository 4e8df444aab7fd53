/** Keyboard shortcuts of the whole app; none fire while typing in a field. */
export type Section =
	| '/'
	| '/jobs'
	| '/failures'
	| '/queues'
	| '/workers'
	| '/crons'
	| '/workflows'
	| '/stats'
	| '/system'
	| '/events';

/** "g" then a letter: the letter is the page's initial, or a letter of it when that is taken. */
export const SECTIONS: Record<string, { to: Section; label: string }> = {
	o: { to: '/', label: 'Overview' },
	j: { to: '/jobs', label: 'Jobs' },
	f: { to: '/failures', label: 'Failures' },
	q: { to: '/queues', label: 'Queues' },
	w: { to: '/workers', label: 'Workers' },
	c: { to: '/crons', label: 'Crons' },
	r: { to: '/workflows', label: 'Workflows' },
	m: { to: '/stats', label: 'Metrics' },
	s: { to: '/system', label: 'System' },
	e: { to: '/events', label: 'Events' }
};

/** What the help dialog lists, besides the "g" keys; pages add their own (the jobs list's). */
export const OTHER_KEYS: { keys: string[]; does: string }[] = [
	{ keys: ['/'], does: 'Focus the search field' },
	{ keys: ['?'], does: 'Show these shortcuts' },
	{ keys: ['j', 'k'], does: 'Jobs list: next or previous row' },
	{ keys: ['x'], does: 'Jobs list: select the row' },
	{ keys: ['Enter'], does: 'Open the focused row' },
	{ keys: ['Esc'], does: 'Close a dialog or menu' }
];

export function typing(event: KeyboardEvent): boolean {
	const target = event.target as HTMLElement | null;
	return !!target?.closest?.('input, textarea, select, [contenteditable="true"]');
}

/**
 * A keydown handler: "g" then a letter of SECTIONS goes to that page; "/" focuses the page's
 * search field (`data-shortcut="search"`); "?" calls `help`.
 */
export function navigationKeys(go: (to: Section) => void, pause = 1200, help?: () => void) {
	let pending = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	return (event: KeyboardEvent): void => {
		if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
		if (typing(event)) return;
		if (event.key === '/') {
			const search = document.querySelector<HTMLElement>('[data-shortcut="search"]');
			if (search) {
				event.preventDefault();
				search.focus();
			}
			return;
		}
		if (event.key === '?' && help) {
			event.preventDefault();
			help();
			return;
		}
		if (pending) {
			pending = false;
			const section = SECTIONS[event.key];
			if (section) {
				event.preventDefault();
				go(section.to);
			}
			return;
		}
		if (event.key === 'g') {
			pending = true;
			clearTimeout(timer);
			timer = setTimeout(() => (pending = false), pause);
		}
	};
}
