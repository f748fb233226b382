// The debounce key of an error: what makes two occurrences "the same error" for ErrorDebouncer.
// Not sent to PostHog (PostHog groups issues itself; `$exception_fingerprint` is the caller's). Pure.

import { ExceptionEntry } from "./buildException";

/** Characters of the normalized message kept in the key, so a huge message costs a bounded key. */
export const FINGERPRINT_MESSAGE_LENGTH = 200;

/**
 * "<type>|<message>|<crash site>", where the message has its location prefix already stripped (the
 * entry's value) and every number and hex address replaced by "#", and the crash site is the last
 * frame's "filename:lineno" (empty without frames).
 *
 * Numbers are dropped so that an error repeating in a loop with a changing id, index or table
 * address ("index 7 out of range", "table: 0x5f2a...") is one error; the crash site keeps errors
 * with the same text raised from different lines apart.
 */
export function errorFingerprint(entry: ExceptionEntry): string {
	let [message] = entry.value.sub(1, FINGERPRINT_MESSAGE_LENGTH).gsub("0[xX]%x+", "#");
	[message] = message.gsub("%d+", "#");
	const frames = entry.stacktrace?.frames;
	const crashSite =
		frames !== undefined && frames.size() > 0
			? `${frames[frames.size() - 1].filename}:${frames[frames.size() - 1].lineno}`
			: "";
	return `${entry.type}|${message}|${crashSite}`;
}
