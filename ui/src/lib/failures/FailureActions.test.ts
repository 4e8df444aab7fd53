import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '$lib/api/types';
import { session } from '$lib/session.svelte';
import { failureGroup } from '$lib/testing/fixtures';
import FailureActions from './FailureActions.svelte';

function as(role: Role, status: 'open' | 'resolved' | 'ignored' = 'open') {
	session.set({ username: role, role, csrf_token: 'x' });
	render(FailureActions, { group: failureGroup({ status }), ondone: () => undefined });
}

const buttons = () => screen.queryAllByRole('button').map((b) => b.textContent?.trim());

describe('failure actions', () => {
	afterEach(() => session.clear());

	it('offers nothing to viewers', () => {
		as('viewer');
		expect(screen.queryByRole('group', { name: 'Failure actions' })).toBeNull();
	});

	it('offers retry, resolve and ignore for an open group', () => {
		as('operator');
		expect(buttons()).toEqual(['Retry all', 'Resolve', 'Ignore']);
	});

	it('offers to reopen a resolved or ignored group', () => {
		as('admin', 'resolved');
		expect(buttons()).toEqual(['Retry all', 'Reopen']);
	});
});
