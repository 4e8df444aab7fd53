/** Light, dark, or following the system (the default); the choice is kept in localStorage. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'chancy-web.theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];

function stored(): ThemeChoice {
	try {
		const value = localStorage.getItem(KEY);
		return value === 'light' || value === 'dark' ? value : 'system';
	} catch {
		return 'system';
	}
}

export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement) {
	if (choice === 'system') delete root.dataset.theme;
	else root.dataset.theme = choice;
}

class Theme {
	choice = $state<ThemeChoice>(stored());

	constructor() {
		if (typeof document !== 'undefined') applyTheme(this.choice);
	}

	next(): void {
		this.choice = ORDER[(ORDER.indexOf(this.choice) + 1) % ORDER.length] ?? 'system';
		applyTheme(this.choice);
		try {
			if (this.choice === 'system') localStorage.removeItem(KEY);
			else localStorage.setItem(KEY, this.choice);
		} catch {
			// Private mode: the choice lasts for this page only.
		}
	}
}

export const theme = new Theme();
