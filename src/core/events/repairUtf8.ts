// Makes any byte string valid UTF-8 so JSONEncode can't fail on it ("Can't convert to JSON"): each
// byte that does not start a well-formed sequence (RFC 3629: no overlongs, no surrogates, nothing
// past U+10FFFF) becomes U+FFFD. Valid strings take a fast path through utf8.len and string.find.

const REPLACEMENT_CHARACTER = utf8.char(0xfffd);

/** Byte patterns utf8.len may let through but JSON encoders reject: surrogates and > U+10FFFF. */
const SUSPICIOUS_PATTERNS = [
	string.char(0xed) + "[" + string.char(0xa0) + "-" + string.char(0xbf) + "]",
	string.char(0xf4) + "[" + string.char(0x90) + "-" + string.char(0xbf) + "]",
	"[" + string.char(0xf5) + "-" + string.char(0xff) + "]",
];

/** `text` if it is valid UTF-8, otherwise a copy with every invalid byte replaced by U+FFFD. */
export function repairUtf8(text: string): string {
	if (isValidUtf8(text)) return text;
	const parts = new Array<string>();
	let runStart = 1;
	let position = 1;
	const size = text.size();
	while (position <= size) {
		const length = validSequenceLength(text, position);
		if (length > 0) {
			position += length;
			continue;
		}
		if (position > runStart) parts.push(text.sub(runStart, position - 1));
		parts.push(REPLACEMENT_CHARACTER);
		position += 1;
		runStart = position;
	}
	if (runStart <= size) parts.push(text.sub(runStart));
	return parts.join("");
}

function isValidUtf8(text: string): boolean {
	const [, invalidAt] = utf8.len(text);
	if (invalidAt !== undefined) return false;
	for (const pattern of SUSPICIOUS_PATTERNS) {
		if (text.find(pattern)[0] !== undefined) return false;
	}
	return true;
}

function isContinuation(byte: number | undefined): boolean {
	return byte !== undefined && byte >= 0x80 && byte <= 0xbf;
}

/** Length of the well-formed sequence starting at `position`, or 0 if it is malformed. */
function validSequenceLength(text: string, position: number): number {
	const [lead, second, third, fourth] = string.byte(text, position, position + 3);
	if (lead < 0x80) return 1;
	if (lead >= 0xc2 && lead <= 0xdf) return isContinuation(second) ? 2 : 0;
	if (lead >= 0xe0 && lead <= 0xef) {
		if (!isContinuation(second) || !isContinuation(third)) return 0;
		if (lead === 0xe0 && second < 0xa0) return 0; // overlong
		if (lead === 0xed && second > 0x9f) return 0; // UTF-16 surrogate
		return 3;
	}
	if (lead >= 0xf0 && lead <= 0xf4) {
		if (!isContinuation(second) || !isContinuation(third) || !isContinuation(fourth)) return 0;
		if (lead === 0xf0 && second < 0x90) return 0; // overlong
		if (lead === 0xf4 && second > 0x8f) return 0; // past U+10FFFF
		return 4;
	}
	return 0;
}
