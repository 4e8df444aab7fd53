/** The app's client, addressed under the base path the page was served at. */
import { resolve } from '$app/paths';
import { takeEarly } from '$lib/early';
import { createApi, unwrap } from './client';
import type { Get, GetData, GetPath } from './get';

const origin = typeof location === 'undefined' ? 'http://localhost' : location.origin;

/** Fetch, except for requests the boot script already sent (see $lib/early). */
const fetchOrTakeEarly = (request: Request) => takeEarly(request) ?? fetch(request);

export const api = createApi(origin + resolve('/').replace(/\/$/, ''), fetchOrTakeEarly);
export { ApiError, unwrap, setCsrfToken, onUnauthorized } from './client';

type UntypedGet = (
	path: string,
	init: { params: unknown; signal?: AbortSignal }
) => Promise<{ data?: unknown }>;

/** Send a GET declared as a value (see ./get), typed by its path. */
export async function send<P extends GetPath>(
	request: Get<P>,
	signal?: AbortSignal
): Promise<GetData<P>> {
	// The client's types cannot follow a path that is a type parameter; get() checked it.
	const untyped = api.GET as unknown as UntypedGet;
	return unwrap(await untyped(request.path, { params: request.params, signal })) as GetData<P>;
}
