/** When a UUIDv7 (Chancy's job ids, time-ordered) was made, in ms since the epoch; else null. */
export function uuidTime(id: string): number | null {
	const hex = id.replace(/-/g, '');
	if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== '7') return null;
	return parseInt(hex.slice(0, 12), 16);
}
