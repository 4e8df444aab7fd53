import { describe, expect, it } from 'vitest';
import { familyOf, matches, parseEventFilter, toEventSearch } from './filter';

const event = (name: string, data: Record<string, unknown> = {}) => ({
	id: 'p-1',
	event: name,
	data,
	count: 1
});

describe('events page filters', () => {
	it('groups events into families', () => {
		expect(familyOf('queue.pushed')).toBe('queue');
		expect(familyOf('job.cancelled')).toBe('job');
		expect(familyOf('pruner.removed')).toBe('maintenance');
		expect(familyOf('recovery.recovered')).toBe('maintenance');
		expect(familyOf('stream.open')).toBe('stream');
		expect(familyOf('something.new')).toBe('maintenance');
	});

	it('hides stream notices unless asked, and keeps the choice in the URL', () => {
		const initial = parseEventFilter(new URLSearchParams(''));
		expect(initial).toEqual({ text: '', hidden: ['stream'] });
		expect(toEventSearch(initial)).toBe('');
		const all = { text: '', hidden: [] };
		expect(toEventSearch(all)).toBe('?hide=');
		expect(parseEventFilter(new URLSearchParams('?hide='))).toEqual(all);
		const some = { text: 'emails', hidden: ['worker' as const, 'stream' as const] };
		expect(parseEventFilter(new URLSearchParams(toEventSearch(some)))).toEqual(some);
	});

	it('matches the text in the name or the data', () => {
		const filter = { text: 'EMAILS', hidden: [] };
		expect(matches(event('queue.pushed', { q: 'emails' }), filter)).toBe(true);
		expect(matches(event('queue.pushed', { q: 'billing' }), filter)).toBe(false);
		expect(matches(event('queue.pushed'), { text: 'pushed', hidden: [] })).toBe(true);
		expect(matches(event('worker.announced'), { text: '', hidden: ['worker'] })).toBe(false);
	});
});
