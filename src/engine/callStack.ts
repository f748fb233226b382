// The caller's stack as `$exception` frames, for errors captured without a trace (manual
// CaptureException). debug.info is the documented way to read the stack; debug.traceback's format
// is undefined (platform.md §5).

import { ANONYMOUS_FUNCTION, luauFrame, StackFrame } from "../core/errors/StackFrame";

/** Stack levels walked at most. */
const MAX_LEVELS = 200;

/**
 * Frames of the calling thread's stack, outermost first (PostHog's order), without engine (C)
 * functions and without the frames whose source `skipSource` rejects (the SDK's own).
 */
export function callStackFrames(skipSource: (source: string) => boolean): Array<StackFrame> {
	const innermostFirst = new Array<StackFrame>();
	// Level 1 is this function.
	for (let level = 2; level <= MAX_LEVELS; level++) {
		const [source, line, name] = debug.info(level, "sln");
		if (source === undefined) break;
		if (source === "[C]" || line === undefined || line < 0 || skipSource(source)) continue;
		const functionName = name !== undefined && name !== "" ? name : ANONYMOUS_FUNCTION;
		innermostFirst.push(luauFrame(functionName, source, line));
	}
	const frames = new Array<StackFrame>();
	for (let index = innermostFirst.size() - 1; index >= 0; index--) frames.push(innermostFirst[index]);
	return frames;
}
