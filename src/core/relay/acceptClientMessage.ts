// Validates one relayed wire message and decodes it: schema (messageSchemas) -> caps (limits) ->
// a fresh ClientMessage that shares no table with the client's. Shared by the server relay
// (through acceptClientEnvelope) and the client, which checks what it sends against the same rules.
// Never throws; never yields.
//
// The message is hostile. Its tables are read with pairs and left as soon as a count cap is
// exceeded, so rejecting costs O(cap) whatever the table holds: `#t` is never taken (on a table that
// is not a sequence it is any border, found by a search over the array and hash parts) and no
// helper that visits every entry (t.map, t.keys, t.array) ever sees a client table.
// t.strictInterface is safe: it reads its own fields, then stops at the first unknown one.

import { repairUtf8 } from "../events/repairUtf8";
import { entryBytes, valueBytes } from "./estimateMessageBytes";
import {
	MAX_ERROR_TYPE_BYTES,
	MAX_EXCEPTION_MESSAGE_BYTES,
	MAX_EXCEPTION_TRACE_BYTES,
	MAX_IDLE_SECONDS,
	MAX_MESSAGE_BYTES,
	MAX_NAME_BYTES,
	MAX_PROPERTY_KEY_BYTES,
	MAX_STRING_VALUE_BYTES,
	SERVER_OWNED_PROPERTY_KEYS,
	TABLE_OVERHEAD_BYTES,
} from "./limits";
import {
	ClientMessage,
	ClientProperties,
	ClientPropertyValue,
	isFiniteNumber,
	isPlainTable,
	SCHEMA_BY_WIRE_KIND,
	WireMessage,
} from "./messageSchemas";
import { RejectionReason } from "./rejectionReasons";

export interface AcceptMessageOptions {
	/** Most properties in one message (PostHogConfig.maxClientPropertyCount), an integer >= 0. */
	maxPropertyCount: number;
}

export type AcceptMessageResult =
	| {
			ok: true;
			message: ClientMessage;
			/** Estimated wire bytes of the message as received (estimateMessageBytes). */
			bytes: number;
	  }
	| {
			ok: false;
			reason: RejectionReason;
			/** The error raised inside validation, when reason is "internal_error". */
			error?: string;
	  };

/** Checks `raw` (anything a client fired) and returns the decoded message or why it was dropped. */
export function acceptClientMessage(raw: unknown, options: AcceptMessageOptions): AcceptMessageResult {
	const [ok, result] = pcall(readMessage, raw, options.maxPropertyCount);
	if (!ok) return { ok: false, reason: "internal_error", error: tostring(result) };
	return result;
}

type Schemas = { readonly [kind: string]: ((value: unknown) => value is WireMessage) | undefined };

function readMessage(raw: unknown, maxPropertyCount: number): AcceptMessageResult {
	if (!isPlainTable(raw)) return reject("message_not_table");
	const kind = rawget(raw, "k");
	const schema = typeIs(kind, "string") ? (SCHEMA_BY_WIRE_KIND as Schemas)[kind] : undefined;
	if (schema === undefined) return reject("message_kind");
	if (!schema(raw)) return reject("message_shape");
	const message = raw;

	const bytes = scalarFieldsBytes(message);
	switch (message.k) {
		case "c":
		case "s": {
			const nameProblem = checkName(message.n);
			if (nameProblem !== undefined) return reject(nameProblem);
			const read = readOptionalProperties(message.p, maxPropertyCount, bytes);
			if (typeIs(read, "string")) return reject(read);
			const kind = message.k === "c" ? "capture" : "screen";
			return accept({ kind, name: message.n, properties: read.properties }, read.totalBytes);
		}
		case "e": {
			const problem = checkException(message.m, message.t, message.y);
			if (problem !== undefined) return reject(problem);
			const read = readOptionalProperties(message.p, maxPropertyCount, bytes);
			if (typeIs(read, "string")) return reject(read);
			return accept(
				{
					kind: "exception",
					message: message.m,
					trace: message.t,
					errorType: message.y === "" ? undefined : message.y,
					handled: message.h,
					properties: read.properties,
				},
				read.totalBytes,
			);
		}
		case "x":
			return accept({ kind: "context", deviceType: message.d, platform: message.o, input: message.i }, bytes);
		case "i":
			if (message.s < 0 || message.s > MAX_IDLE_SECONDS) return reject("idle_seconds_range");
			return accept({ kind: "idle", seconds: message.s }, bytes);
	}
}

function accept(message: ClientMessage, bytes: number): AcceptMessageResult {
	if (bytes > MAX_MESSAGE_BYTES) return reject("message_too_large");
	return { ok: true, message, bytes };
}

function reject(reason: RejectionReason): AcceptMessageResult {
	return { ok: false, reason };
}

/** A byte that is not ASCII. Text without one is valid UTF-8: the common case costs one find. */
const NON_ASCII_PATTERN = "[" + string.char(0x80) + "-" + string.char(0xff) + "]";

/** The first byte of "$", the prefix of PostHog's own event and property names. */
const DOLLAR = 36;

/** Valid UTF-8 as JSONEncode sees it: repairUtf8 would leave it unchanged. */
export function isValidUtf8(text: string): boolean {
	return text.find(NON_ASCII_PATTERN)[0] === undefined || repairUtf8(text) === text;
}

/** Event and screen names: non-empty, bounded, not PostHog's (`$`), valid UTF-8, no control characters. */
function checkName(name: string): RejectionReason | undefined {
	const size = name.size();
	if (size === 0) return "name_empty";
	if (size > MAX_NAME_BYTES) return "name_too_long";
	if (name.byte(1)[0] === DOLLAR) return "name_reserved";
	if (!isValidUtf8(name) || name.find("%c")[0] !== undefined) return "name_invalid";
	return undefined;
}

function checkException(message: string, trace?: string, errorType?: string): RejectionReason | undefined {
	// Sizes first: they are O(1), and they bound the UTF-8 scans that follow.
	if (message.size() === 0) return "exception_message_empty";
	if (message.size() > MAX_EXCEPTION_MESSAGE_BYTES) return "exception_message_too_long";
	if (trace !== undefined && trace.size() > MAX_EXCEPTION_TRACE_BYTES) return "exception_trace_too_long";
	if (errorType !== undefined && errorType.size() > MAX_ERROR_TYPE_BYTES) return "exception_type_too_long";
	if (!isValidUtf8(message)) return "exception_invalid_utf8";
	if (trace !== undefined && !isValidUtf8(trace)) return "exception_invalid_utf8";
	if (errorType !== undefined && !isValidUtf8(errorType)) return "exception_invalid_utf8";
	return undefined;
}

/** Bytes of the message's fields other than its properties table (the schema bounds their number). */
function scalarFieldsBytes(message: WireMessage): number {
	let total = TABLE_OVERHEAD_BYTES;
	for (const [key, value] of pairs(message as unknown as Record<string, unknown>)) {
		if (!typeIs(value, "table")) total += entryBytes(key, valueBytes(value as ClientPropertyValue));
	}
	return total;
}

interface ReadProperties {
	/** A fresh table, or undefined when the client sent none or an empty one. */
	properties?: ClientProperties;
	/** Bytes of the whole message, properties included. */
	totalBytes: number;
}

function readOptionalProperties(
	value: object | undefined,
	maxCount: number,
	bytesBefore: number,
): ReadProperties | RejectionReason {
	if (value === undefined) return { totalBytes: bytesBefore };
	// Count first, stopping at maxCount + 1: an oversized table then costs no per-entry checks.
	let count = 0;
	for (const [_key] of pairs(value)) {
		count += 1;
		if (count > maxCount) return "properties_too_many";
	}
	const properties: ClientProperties = {};
	let totalBytes = bytesBefore + entryBytes("p", TABLE_OVERHEAD_BYTES);
	// At most maxCount entries; every check below is O(1) or bounded by a byte cap.
	for (const [key, entry] of pairs(value)) {
		if (!typeIs(key, "string")) return "property_key_not_string";
		const keyProblem = checkPropertyKey(key);
		if (keyProblem !== undefined) return keyProblem;
		const valueProblem = checkPropertyValue(entry);
		if (valueProblem !== undefined) return valueProblem;
		totalBytes += entryBytes(key, valueBytes(entry as ClientPropertyValue));
		if (totalBytes > MAX_MESSAGE_BYTES) return "message_too_large";
		properties[key] = entry as ClientPropertyValue;
	}
	return { properties: count > 0 ? properties : undefined, totalBytes };
}

function checkPropertyKey(key: string): RejectionReason | undefined {
	const size = key.size();
	if (size === 0) return "property_key_empty";
	if (size > MAX_PROPERTY_KEY_BYTES) return "property_key_too_long";
	if (key.byte(1)[0] === DOLLAR || SERVER_OWNED_PROPERTY_KEYS.has(key)) return "property_key_reserved";
	if (!isValidUtf8(key)) return "property_key_invalid_utf8";
	return undefined;
}

function checkPropertyValue(value: unknown): RejectionReason | undefined {
	switch (type(value)) {
		case "boolean":
			return undefined;
		case "number":
			return isFiniteNumber(value) ? undefined : "property_value_not_finite";
		case "string": {
			const text = value as string;
			if (text.size() > MAX_STRING_VALUE_BYTES) return "property_value_too_long";
			return isValidUtf8(text) ? undefined : "property_value_invalid_utf8";
		}
		case "table":
			return "property_value_nested";
		default:
			return "property_value_type";
	}
}
