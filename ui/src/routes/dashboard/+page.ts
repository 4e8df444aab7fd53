import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';

// Chancy 0.26's own dashboard lived at /dashboard; keep old bookmarks working.
export function load() {
	redirect(307, resolve('/'));
}
