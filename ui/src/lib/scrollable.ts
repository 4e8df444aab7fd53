/**
 * A Svelte action for a box that may scroll sideways (a wide table, the job timeline on a
 * phone): while its content overflows it takes keyboard focus, so arrow keys can scroll it
 * (axe's scrollable-region-focusable); when everything fits it stays out of the Tab order.
 */
export function scrollable(node: HTMLElement) {
	const update = () => {
		if (node.scrollWidth > node.clientWidth + 1) node.tabIndex = 0;
		else node.removeAttribute('tabindex');
	};
	update();
	// Without ResizeObserver (jsdom), the first measure is all there is.
	if (typeof ResizeObserver === 'undefined') return { destroy: () => undefined };
	const observer = new ResizeObserver(update);
	observer.observe(node);
	for (const child of node.children) observer.observe(child);
	return { destroy: () => observer.disconnect() };
}
