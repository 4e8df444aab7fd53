/**
 * A GET of the API as a value: the path template and the parameters, typed by the schema. The
 * app sends it through the typed client (`send` in $lib/api); the boot script turns the very
 * same value into its URL (`getUrl`) to start it before the app has loaded. It imports nothing
 * at run time, so that the boot script, which every page loads first, stays small.
 */
import type { paths } from './schema';

/** The paths that answer GET. */
export type GetPath = {
	[P in keyof paths]: paths[P] extends { get: object } ? P : never;
}[keyof paths];

type Operation<P extends GetPath> = paths[P] extends { get: infer O } ? O : never;
export type GetParams<P extends GetPath> = Operation<P> extends { parameters: infer T } ? T : never;
/** What a successful GET of `P` answers. */
export type GetData<P extends GetPath> =
	Operation<P> extends {
		responses: { 200: { content: { 'application/json': infer T } } };
	}
		? T
		: never;

export interface Get<P extends GetPath = GetPath> {
	path: P;
	params: GetParams<P>;
}

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
/** Parameters may be left out when none is required. */
type ParamsArg<P extends GetPath> =
	Exclude<keyof GetParams<P>, OptionalKeys<GetParams<P>>> extends never
		? [params?: GetParams<P>]
		: [params: GetParams<P>];

export function get<P extends GetPath>(path: P, ...[params]: ParamsArg<P>): Get<P> {
	return { path, params: params ?? ({} as GetParams<P>) };
}

type Value = string | number | boolean;
type Parts = { path?: Record<string, Value>; query?: Record<string, Value | Value[] | null> };

/**
 * The request's URL under `base` (the dashboard's base path), with the path and query encoded
 * as the typed client's defaults do (openapi-fetch: each path parameter URI-encoded, a list as
 * repeated `name=value`); a unit test holds the two to the same URL for the pages' requests.
 */
export function getUrl(request: Get, base = ''): string {
	const { path = {}, query = {} } = request.params as Parts;
	const pathname = request.path.replace(/\{(\w+)\}/g, (_, name: string) =>
		encodeURIComponent(String(path[name]))
	);
	const search = new URLSearchParams();
	for (const [name, value] of Object.entries(query)) {
		if (value === null || value === undefined) continue;
		for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
	}
	const text = search.toString();
	return `${base}${pathname}${text ? `?${text}` : ''}`;
}
