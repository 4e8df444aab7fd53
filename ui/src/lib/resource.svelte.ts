/**
 * Data fetched for a component: `data`, `error` and `loading` as runes state.
 *
 * The fetcher runs inside an effect, so whatever reactive state it reads before its first
 * `await` (a filter from the URL, a route param) re-runs it when changed; the superseded
 * request is aborted. `refresh()` refetches and keeps showing the current data meanwhile; a
 * failed refresh keeps the data and sets `error`, so a page can say "could not refresh"
 * instead of going blank. Create it during component initialisation.
 */
import { untrack } from 'svelte';
import { ApiError } from '$lib/api/client';

type Fetcher<T> = (signal: AbortSignal) => Promise<T>;

export class Resource<T> {
	data = $state<T | undefined>(undefined);
	error = $state<ApiError | undefined>(undefined);
	loading = $state(false);
	/** When the data was last fetched successfully (ms since epoch). */
	updatedAt = $state<number | null>(null);
	#fetcher: Fetcher<T>;
	#controller: AbortController | null = null;

	constructor(fetcher: Fetcher<T>) {
		this.#fetcher = fetcher;
		$effect(() => {
			const controller = this.#begin();
			let request: Promise<T>;
			try {
				request = fetcher(controller.signal);
			} catch (error) {
				request = Promise.reject(error);
			}
			untrack(() => void this.#settle(request, controller.signal, false));
			return () => controller.abort();
		});
	}

	/** Fetch again, keeping the current data on screen meanwhile. */
	refresh(): Promise<void> {
		const controller = this.#begin();
		let request: Promise<T>;
		try {
			request = untrack(() => this.#fetcher(controller.signal));
		} catch (error) {
			request = Promise.reject(error);
		}
		return this.#settle(request, controller.signal, true);
	}

	#begin(): AbortController {
		this.#controller?.abort();
		this.#controller = new AbortController();
		return this.#controller;
	}

	async #settle(request: Promise<T>, signal: AbortSignal, refreshing: boolean): Promise<void> {
		this.loading = true;
		try {
			const data = await request;
			if (signal.aborted) return;
			this.data = data;
			this.error = undefined;
			this.updatedAt = Date.now();
		} catch (error) {
			if (signal.aborted) return;
			this.error =
				error instanceof ApiError
					? error
					: new ApiError(0, error instanceof Error ? error.message : String(error));
			// A new query that fails must not leave the previous query's rows on screen.
			if (!refreshing) this.data = undefined;
		} finally {
			if (!signal.aborted) this.loading = false;
		}
	}
}
