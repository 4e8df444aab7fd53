import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';

// The reference dashboard lived at /dashboard; keep old bookmarks working.
export function load() {
	redirect(307, resolve('/'));
}
