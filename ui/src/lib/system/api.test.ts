import { describe, expect, it } from 'vitest';
import { shortPostgres } from './api';

describe('system page', () => {
	it('shortens the Postgres version string', () => {
		expect(
			shortPostgres(
				'PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc'
			)
		).toBe('PostgreSQL 16.4');
		expect(shortPostgres('PostgreSQL 17beta1 on aarch64')).toBe('PostgreSQL 17beta1');
		expect(shortPostgres('CockroachDB CCL v23 on linux')).toBe('CockroachDB CCL v23');
		expect(shortPostgres(null)).toBeNull();
	});
});
