/**
 * A live list that holds still: while the user is in it (a row focused), a refresh updates
 * the rows on screen in place but does not insert new ones, which wait to be shown; once some
 * wait, the list holds until they are shown (`held(null, …)`), so rows never jump under the
 * user. A different search or page is shown at once.
 */
interface Page {
	items: { id: string }[];
}

export interface Held<P extends Page> {
	/** What is on screen. */
	page: P;
	/** Which list it is (search, page size, cursor). */
	key: string;
	/** Rows of the latest refresh that are not on screen. */
	waiting: number;
}

export function held<P extends Page>(
	shown: Held<P> | null,
	latest: P | undefined,
	key: string,
	hold: boolean
): Held<P> | null {
	if (!latest) return null;
	if (!shown || shown.key !== key || (!hold && !shown.waiting)) {
		return { page: latest, key, waiting: 0 };
	}
	const fresh = new Map(latest.items.map((item) => [item.id, item]));
	const onScreen = new Set(shown.page.items.map((item) => item.id));
	return {
		page: { ...shown.page, items: shown.page.items.map((item) => fresh.get(item.id) ?? item) },
		key,
		waiting: latest.items.filter((item) => !onScreen.has(item.id)).length
	};
}
