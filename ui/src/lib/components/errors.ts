import { ApiError } from '$lib/api/client';

/** What to tell the user about a failed request: the server's own words when it gave some. */
export function errorText(error: unknown): string {
	if (error instanceof ApiError) {
		if (error.isNetwork) return 'The server cannot be reached.';
		if (error.status === 503) return 'The database is unavailable or overloaded; try again.';
		return error.detail;
	}
	return error instanceof Error ? error.message : String(error);
}
