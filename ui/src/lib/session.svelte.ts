/**
 * Who is logged in, the CSRF token for their cookie session, and which Chancy plugins the
 * server runs. The session token itself never reaches JavaScript: it is an HttpOnly cookie.
 */
import { api, send, unwrap, setCsrfToken } from '$lib/api';
import type { Role, SessionInfo } from '$lib/api/types';
import { sessionRequest } from '$lib/requests';

type Status = 'unknown' | 'authenticated' | 'anonymous';

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

class Session {
	status = $state<Status>('unknown');
	username = $state<string | null>(null);
	role = $state<Role | null>(null);
	plugins = $state<string[]>([]);

	/** Ask the server who we are (and which plugins it runs); false when not logged in. */
	async load(): Promise<boolean> {
		// The plugins only add menu entries: the page need not wait for them.
		api
			.GET('/api/v1/configuration')
			.then(unwrap)
			.then((config) => (this.plugins = config.plugins))
			.catch(() => undefined);
		try {
			this.set(await send(sessionRequest()));
			return true;
		} catch {
			if (this.status !== 'authenticated') this.clear();
			return this.status === 'authenticated';
		}
	}

	set(info: Pick<SessionInfo, 'username' | 'role' | 'csrf_token'>): void {
		this.username = info.username;
		this.role = info.role;
		setCsrfToken(info.csrf_token ?? null);
		this.status = 'authenticated';
	}

	clear(): void {
		this.username = null;
		this.role = null;
		setCsrfToken(null);
		this.status = 'anonymous';
	}

	can(role: Role): boolean {
		return this.role !== null && ROLE_RANK[this.role] >= ROLE_RANK[role];
	}

	async logout(): Promise<void> {
		// Anonymous before the server answers: it ends this session's event stream at once,
		// and that notice must not send the page to the login form by itself.
		this.clear();
		await api.POST('/api/v1/logout');
	}
}

export const session = new Session();
