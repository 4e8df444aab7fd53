/** Keyboard shortcuts of the whole app; none fire while typing in a field. */
export type Section = '/' | '/jobs' | '/failures' | '/queues' | '/workers';

const SECTIONS: Record<string, Section> = {
	o: '/',
	j: '/jobs',
	f: '/failures',
	q: '/queues',
	w: '/workers'
};

export function typing(event: KeyboardEvent): boolean {
	const target = event.target as HTMLElement | null;
	return !!target?.closest?.('input, textarea, select, [contenteditable="true"]');
}

/**
 * A keydown handler: "g" then o / j / f / q / w goes to the overview, jobs, failures, queues or
 * workers;
 * "/" focuses the page's search field (`data-shortcut="search"`).
 */
export function navigationKeys(go: (to: Section) => void, pause = 1200) {
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
		if (pending) {
			pending = false;
			const to = SECTIONS[event.key];
			if (to) {
				event.preventDefault();
				go(to);
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
