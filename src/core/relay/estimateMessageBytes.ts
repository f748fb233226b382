// A cheap, deterministic estimate of how many bytes a relayed message takes on the wire, shared by
// the client (to pack envelopes) and the server (to enforce MAX_MESSAGE_BYTES while it validates, so
// both sides agree to the byte). Roblox does not document its remote encoding: see limits.ts.

import { BOOLEAN_BYTES, NUMBER_BYTES, STRING_OVERHEAD_BYTES, TABLE_OVERHEAD_BYTES } from "./limits";
import { ClientPropertyValue, WireMessage } from "./messageSchemas";

/** Bytes of a string value. */
export function stringBytes(text: string): number {
	return text.size() + STRING_OVERHEAD_BYTES;
}

/** Bytes of a property value (a string, number or boolean). */
export function valueBytes(value: ClientPropertyValue): number {
	if (typeIs(value, "string")) return stringBytes(value);
	return typeIs(value, "number") ? NUMBER_BYTES : BOOLEAN_BYTES;
}

/** Bytes of one table entry with a string key, given the bytes of its value. */
export function entryBytes(key: string, bytesOfValue: number): number {
	return stringBytes(key) + bytesOfValue;
}

/** Bytes of the envelope around its messages: `{ v = 1, m = { ... } }`. */
export const ENVELOPE_OVERHEAD_BYTES =
	TABLE_OVERHEAD_BYTES + entryBytes("v", NUMBER_BYTES) + entryBytes("m", TABLE_OVERHEAD_BYTES);

/** Estimated bytes of one wire message that passed its schema. */
export function estimateMessageBytes(message: WireMessage): number {
	let total = TABLE_OVERHEAD_BYTES;
	for (const [key, value] of pairs(message as unknown as Record<string, unknown>)) {
		total += entryBytes(key, fieldBytes(value));
	}
	return total;
}

function fieldBytes(value: unknown): number {
	if (typeIs(value, "table")) {
		let total = TABLE_OVERHEAD_BYTES;
		for (const [key, entry] of pairs(value as Record<string, ClientPropertyValue>)) {
			total += entryBytes(key, valueBytes(entry));
		}
		return total;
	}
	return valueBytes(value as ClientPropertyValue);
}
