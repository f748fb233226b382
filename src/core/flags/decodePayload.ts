// Flag payloads travel as JSON-encoded strings (in /flags metadata and in definitions): decode
// them for the caller. Pure: decoding goes through the injected Json.

import { Json } from "../platform";

/** The decoded payload; a string that is not valid JSON stays the string, anything else is kept. */
export function decodePayload(json: Json, raw: unknown): unknown {
	if (!typeIs(raw, "string")) return raw;
	const [ok, decoded] = pcall(() => json.decode(raw));
	return ok ? decoded : raw;
}
