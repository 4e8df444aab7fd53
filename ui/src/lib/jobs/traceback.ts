/**
 * Splits a Python traceback (as Chancy stores it) into blocks, so that runs of library frames
 * (site-packages, the standard library, frozen modules) can be folded and the user's own frames
 * and the exception stand out. Unknown text is kept as-is: nothing is ever dropped.
 */
export type TracebackBlock =
	| { kind: 'text'; lines: string[] }
	| { kind: 'frames'; library: boolean; frames: Frame[] }
	| { kind: 'exception'; lines: string[] };

export interface Frame {
	file: string;
	line: number | null;
	func: string | null;
	/** The frame's header line and its source and marker lines, verbatim. */
	lines: string[];
}

const FRAME = /^\s*File "(.+?)"(?:, line (\d+))?(?:, in (.+))?\s*$/;
const LIBRARY = /([\\/](site|dist)-packages[\\/])|([\\/]lib[\\/]python\d[\d.]*[\\/])|(^<frozen )/;
const EXCEPTION =
	/^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning|Cancelled|Timeout\w*)?(:|$)/;

/**
 * Whether a frame's file is library code. An installed app lives in site-packages too, so the
 * package of the job's own function (`func`, "app.tasks.send_email") is never library code:
 * its frames are the ones the user wants to read.
 */
export function isLibraryFile(file: string, func?: string): boolean {
	if (func && ownPackage(func).some((path) => file.replaceAll('\\', '/').includes(path)))
		return false;
	return LIBRARY.test(file);
}

/** The paths the job's own code is under: "app/tasks.py" and, for a package, "app/". */
function ownPackage(func: string): string[] {
	const cut = Math.max(func.lastIndexOf('.'), func.lastIndexOf(':'));
	if (cut < 0) return [];
	const parts = func.slice(0, cut).split(/[.:]/);
	const paths = [`/${parts.join('/')}.py`, `/${parts.join('/')}/`];
	if (parts.length > 1) paths.push(`/${parts[0]}/`);
	// Never count the library itself as the app, whatever the function is called.
	return parts[0] === 'chancy' ? [] : paths;
}

export function parseTraceback(text: string, func?: string): TracebackBlock[] {
	const lines = text.replace(/\s+$/, '').split('\n');
	const blocks: TracebackBlock[] = [];
	let i = 0;
	const push = (kind: 'text' | 'exception', line: string) => {
		const last = blocks.at(-1);
		if (last && last.kind === kind) last.lines.push(line);
		else blocks.push({ kind, lines: [line] });
	};
	while (i < lines.length) {
		const line = lines[i] ?? '';
		const match = FRAME.exec(line);
		if (match) {
			const frame: Frame = {
				file: match[1] ?? '',
				line: match[2] ? Number(match[2]) : null,
				func: match[3] ?? null,
				lines: [line]
			};
			const indent = line.length - line.trimStart().length;
			i++;
			// Source and marker lines are indented deeper than the `File` line.
			while (i < lines.length) {
				const next = lines[i] ?? '';
				const deeper = next.length - next.trimStart().length > indent && next.trim() !== '';
				if (!deeper || FRAME.test(next)) break;
				frame.lines.push(next);
				i++;
			}
			const library = isLibraryFile(frame.file, func);
			const last = blocks.at(-1);
			if (last && last.kind === 'frames' && last.library === library) last.frames.push(frame);
			else blocks.push({ kind: 'frames', library, frames: [frame] });
			continue;
		}
		const top = !line.startsWith(' ') && line.trim() !== '';
		const isHeader =
			line.startsWith('Traceback (') ||
			line.startsWith('During handling') ||
			line.startsWith('The above exception');
		push(top && !isHeader && EXCEPTION.test(line) ? 'exception' : 'text', line);
		i++;
	}
	return blocks;
}

/** The last `Type: message` line, for list rows and titles. */
export function lastLine(text: string): string {
	const lines = text.trimEnd().split('\n');
	return (lines.at(-1) ?? '').trim();
}
