/**
 * j / k move the focus down and up the list's rows (Enter then opens the job, as any link);
 * x toggles the focused row's checkbox. Ignored while typing in a field.
 */
import { typing } from '$lib/shortcuts';

export function rowKeys(event: KeyboardEvent): void {
	if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
	if (typing(event)) return;
	if (!['j', 'k', 'x'].includes(event.key)) return;
	const links = [...document.querySelectorAll<HTMLElement>('[data-row-link]')];
	if (!links.length) return;
	const current = links.findIndex((link) => link === document.activeElement);
	if (event.key === 'x') {
		const box = links[current]
			?.closest('tr')
			?.querySelector<HTMLInputElement>('input[type=checkbox]');
		if (box) {
			event.preventDefault();
			box.click();
		}
		return;
	}
	const step = event.key === 'j' ? 1 : -1;
	const next = current < 0 ? (step > 0 ? 0 : links.length - 1) : current + step;
	const link = links[Math.max(0, Math.min(links.length - 1, next))];
	if (link) {
		event.preventDefault();
		link.focus();
		link.closest('tr')?.scrollIntoView({ block: 'nearest' });
	}
}
