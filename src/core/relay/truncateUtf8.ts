// Shortens a string to a byte cap without cutting a UTF-8 sequence in half, so the client can fit
// an exception message or trace to the relay caps instead of having the whole error refused.

/** `text` if it fits in `maxBytes`, else its longest prefix of whole characters that does. */
export function truncateUtf8(text: string, maxBytes: number): string {
	if (text.size() <= maxBytes) return text;
	if (maxBytes <= 0) return "";
	let cut = maxBytes;
	// Step back over continuation bytes (10xxxxxx) to the start of the character that straddles the cap.
	while (cut > 0 && isContinuation(text.byte(cut + 1)[0])) cut -= 1;
	return text.sub(1, cut);
}

function isContinuation(byte: number | undefined): boolean {
	return byte !== undefined && byte >= 0x80 && byte <= 0xbf;
}
