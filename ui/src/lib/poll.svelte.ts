import { Poller } from './poller';

/**
 * Refresh every `interval` ms while the tab is visible and `enabled()` is true; stops with the
 * component. Returns a function that reports whether polling is currently live.
 */
export function poll(task: () => unknown, interval: number, enabled: () => boolean = () => true) {
	let live = $state(false);
	$effect(() => {
		if (!enabled()) {
			live = false;
			return;
		}
		const poller = new Poller(task, interval);
		poller.start();
		live = true;
		return () => {
			poller.stop();
			live = false;
		};
	});
	return () => live;
}
