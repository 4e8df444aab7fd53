/** The app's client, addressed under the base path the page was served at. */
import { resolve } from '$app/paths';
import { createApi } from './client';

const origin = typeof location === 'undefined' ? 'http://localhost' : location.origin;

export const api = createApi(origin + resolve('/').replace(/\/$/, ''));
export { ApiError, unwrap, setCsrfToken, onUnauthorized } from './client';
