// Trims whitespace in time linear in the text's length. The usual "^%s*(.-)%s*$" and gsub("%s+$")
// rescan every run of inner whitespace once per character, which is quadratic on crafted input. Pure.

/** Luau's %s: tab, newline, vertical tab, form feed, carriage return, space. */
function isSpaceByte(byte: number): boolean {
	return byte === 32 || (byte >= 9 && byte <= 13);
}

/** `text` without leading and trailing whitespace. */
export function trimWhitespace(text: string): string {
	const [first] = text.find("%S");
	if (first === undefined) return "";
	let last = text.size();
	while (isSpaceByte(text.byte(last)[0])) last -= 1;
	return text.sub(first, last);
}
