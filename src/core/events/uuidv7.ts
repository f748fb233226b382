// Formats a UUIDv7 (RFC 9562): 48-bit unix-ms timestamp, version 7, 12 bits of rand_a (random or
// a caller's sequence), the RFC 4122 variant, 62 random bits. Randomness comes from a v4 GUID's
// hex digits (HttpService:GenerateGUID is native and cheap), skipping its fixed version/variant nibbles.

/** Hex positions (1-based, dashes removed) of a v4 GUID that are fixed, not random. */
const GUID_VERSION_NIBBLE = 13;
const GUID_VARIANT_NIBBLE = 17;
const HEX_DIGITS_IN_GUID = 32;

/** Largest value of the 12-bit rand_a field. */
export const UUIDV7_MAX_SEQUENCE = 0xfff;

/**
 * A lowercase 8-4-4-4-12 UUIDv7 for `unixMillis`, random bits taken from `guid` (a v4 GUID, any case,
 * dashes optional). When `sequence` (0–4095) is given it fills rand_a, so ids made in the same
 * millisecond sort in sequence order.
 */
export function uuidv7(unixMillis: number, guid: string, sequence?: number): string {
	const random = randomNibbles(guid);
	const millis = math.max(0, math.floor(unixMillis));
	const timeHigh = math.floor(millis / 0x10000);
	const timeLow = millis % 0x10000;
	const randA =
		sequence !== undefined
			? string.format("%03x", math.clamp(math.floor(sequence), 0, UUIDV7_MAX_SEQUENCE))
			: random.sub(1, 3);
	const variantNibble = string.format("%x", 8 + (tonumber(random.sub(4, 4), 16)! % 4));
	return string.format(
		"%08x-%04x-7%s-%s%s-%s",
		timeHigh % 0x100000000,
		timeLow,
		randA,
		variantNibble,
		random.sub(5, 7),
		random.sub(8, 19),
	);
}

/** The GUID's random hex digits, lowercase, padded with "0" if the GUID is short. */
function randomNibbles(guid: string): string {
	let [hex] = guid.lower().gsub("[^%x]", "");
	if (hex.size() < HEX_DIGITS_IN_GUID) hex += string.rep("0", HEX_DIGITS_IN_GUID - hex.size());
	return (
		hex.sub(1, GUID_VERSION_NIBBLE - 1) +
		hex.sub(GUID_VERSION_NIBBLE + 1, GUID_VARIANT_NIBBLE - 1) +
		hex.sub(GUID_VARIANT_NIBBLE + 1)
	);
}
