import { resolve } from '$app/paths';
import type { SavedView } from './api';

/** The jobs list searching for `q`. */
export const searchHref = (q: string) =>
	resolve('/jobs') + (q.trim() ? `?${new URLSearchParams({ q: q.trim() })}` : '');

export const viewHref = (view: SavedView) => searchHref(view.q);
