import { resolve } from '$app/paths';

/** The base path the dashboard is served under ('' at the root). */
export const basePath = (): string => resolve('/').replace(/\/$/, '');

/** A URL's path and query without the base path, as used for `?next=`. */
export function appPath(url: URL): string {
	const base = basePath();
	const path = url.pathname.startsWith(base)
		? url.pathname.slice(base.length) || '/'
		: url.pathname;
	return path + url.search;
}
