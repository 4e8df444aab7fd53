/**
 * Focus after a client-side navigation. The shell asks for the next page's heading; the heading
 * (PageHeader's h1) takes focus when it mounts, which may be after the page's data has loaded,
 * unless the user has moved focus somewhere in the meantime.
 */
let pending = false;

export function focusHeadingNext(): void {
	pending = true;
	queueMicrotask(() => {
		// A page whose heading is already there (it did not remount) takes it at once.
		const heading = document.querySelector<HTMLElement>('main h1');
		if (heading) takeFocus(heading);
	});
}

/** Focus `heading` if a navigation asked for it and focus is still nowhere in particular. */
export function takeFocus(heading: HTMLElement): void {
	if (!pending) return;
	const active = document.activeElement;
	if (active && active !== document.body && active.id !== 'main') {
		pending = false;
		return;
	}
	pending = false;
	heading.focus({ preventScroll: true });
}
