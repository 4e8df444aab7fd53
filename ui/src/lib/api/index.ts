/** The app's client, addressed under the base path the page was served at. */
import { resolve } from '$app/paths';
import { takeEarly } from '$lib/early';
import { createApi } from './client';

const origin = typeof location === 'undefined' ? 'http://localhost' : location.origin;

/** Fetch, except for requests the boot script already sent (see $lib/early). */
const fetchOrTakeEarly = (request: Request) => takeEarly(request) ?? fetch(request);

export const api = createApi(origin + resolve('/').replace(/\/$/, ''), fetchOrTakeEarly);
export { ApiError, unwrap, setCsrfToken, onUnauthorized } from './client';
