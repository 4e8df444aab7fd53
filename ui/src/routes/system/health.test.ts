import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { ListenerStatus } from '$lib/system/api';
import { systemInfo } from '$lib/testing/fixtures';
import HealthTiles from './HealthTiles.svelte';
import ListenerCard from './ListenerCard.svelte';
import { LISTENER_TONE, TONE_CLASS, poolTone, readinessTone } from './health';

const STATES: ListenerStatus['state'][] = [
	'idle',
	'connecting',
	'connected',
	'reconnecting',
	'stopped'
];

describe('system health tones', () => {
	it('calls a stopped listener bad, a reconnecting one a warning', () => {
		expect(LISTENER_TONE).toEqual({
			connected: 'ok',
			connecting: 'warn',
			reconnecting: 'warn',
			idle: 'unknown',
			stopped: 'bad'
		});
		expect(readinessTone(undefined)).toBe('unknown');
		expect(readinessTone({ ready: false })).toBe('bad');
		expect(poolTone({ requests_waiting: 2 })).toBe('warn');
	});

	it.each(STATES)('colours the listener %s alike in the health strip and its card', (state) => {
		const system = systemInfo();
		const events = { ...system.events, state };
		render(HealthTiles, {
			system: { ...system, events },
			ready: { ready: true, detail: null },
			readyError: undefined
		});
		render(ListenerCard, { listener: events });
		const tile = screen.getByText('Live events', { selector: '.label' }).closest('li')!;
		const pill = screen.getByTitle("This process's LISTEN connection");
		const tone = TONE_CLASS[LISTENER_TONE[state]];
		expect(tile.classList).toContain(tone);
		expect(pill.classList).toContain(tone);
	});
});
