/**
 * The saved views the user can see (their own and the shared ones), for the sidebar and the
 * jobs page alike: loaded once per session, changed by saving and deleting here.
 */
import { createView, deleteView, listViews, type SavedView } from './api';

class Views {
	items = $state<SavedView[]>([]);

	async load(): Promise<void> {
		try {
			this.items = await listViews();
		} catch {
			// Views only add links; the pages work without them.
		}
	}

	async save(view: Pick<SavedView, 'name' | 'q' | 'shared'>): Promise<SavedView> {
		const saved = await createView(view);
		this.items = [...this.items.filter((v) => v.id !== saved.id), saved];
		return saved;
	}

	async remove(id: number): Promise<void> {
		await deleteView(id);
		this.items = this.items.filter((v) => v.id !== id);
	}

	clear(): void {
		this.items = [];
	}
}

export const views = new Views();
