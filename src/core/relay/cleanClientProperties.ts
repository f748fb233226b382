// The client relay's first pass over a game's properties table: keeps what the server relay accepts
// and leaves out (and names) the rest, so one odd property costs that property, not the whole event.
// What becomes of each entry:
// - keys: strings of 1..MAX_PROPERTY_KEY_BYTES valid UTF-8 bytes, not starting with "$" (PostHog's
//   own) and not one of SERVER_OWNED_PROPERTY_KEYS; anything else is left out
// - booleans and finite numbers: kept; NaN and the infinities: left out
// - strings: invalid UTF-8 repaired (U+FFFD), then cut to MAX_STRING_VALUE_BYTES on a character boundary
// - userdata and vectors (Instances, Vector3, EnumItems...): the string `describeValue` gives (an
//   Instance's full name), else tostring, cut like strings
// - tables (nesting), functions, threads, buffers: left out
// - past maxCount kept entries: left out
// Never throws. Pure: the engine passes the describer.

import { repairUtf8 } from "../events/repairUtf8";
import { MAX_PROPERTY_KEY_BYTES, MAX_STRING_VALUE_BYTES, SERVER_OWNED_PROPERTY_KEYS } from "./limits";
import { ClientProperties, ClientPropertyValue, isFiniteNumber } from "./messageSchemas";
import { truncateUtf8 } from "./truncateUtf8";

/** Why an entry was left out. */
export type PropertyProblem =
	| "key_not_string"
	| "key_invalid" // empty, too long or invalid UTF-8
	| "key_reserved" // "$" prefix or a key only the server sets
	| "value_nested"
	| "value_not_finite"
	| "value_type" // a function, thread, buffer
	| "too_many";

export interface CleanedProperties {
	/** Undefined when nothing was kept. */
	properties?: ClientProperties;
	/** The entries left out (keys as tostring gives them), at most one per problem kind. */
	problems: Array<{ key: string; problem: PropertyProblem }>;
}

/** The first byte of "$". */
const DOLLAR = 36;

/** Cleans `value` (a table the caller passed as properties); see the rules above. */
export function cleanClientProperties(
	value: object,
	maxCount: number,
	describeValue?: (value: unknown) => string | undefined,
): CleanedProperties {
	const result: CleanedProperties = { problems: [] };
	const [ok] = pcall(() => clean(value, maxCount, describeValue, result));
	if (!ok) result.problems.push({ key: "?", problem: "value_type" });
	return result;
}

function clean(
	value: object,
	maxCount: number,
	describeValue: ((value: unknown) => string | undefined) | undefined,
	result: CleanedProperties,
) {
	const seen = new Set<PropertyProblem>();
	const report = (key: unknown, problem: PropertyProblem) => {
		if (seen.has(problem)) return;
		seen.add(problem);
		result.problems.push({ key: tostring(key), problem });
	};
	let properties: ClientProperties | undefined;
	let count = 0;
	for (const [key, entry] of pairs(value)) {
		if (!typeIs(key, "string")) {
			report(key, "key_not_string");
			continue;
		}
		const keyProblem = checkKey(key);
		if (keyProblem !== undefined) {
			report(key, keyProblem);
			continue;
		}
		const cleaned = cleanValue(entry, describeValue);
		if (typeIs(cleaned, "table")) {
			report(key, cleaned.problem);
			continue;
		}
		if (count >= maxCount) {
			report(key, "too_many");
			continue;
		}
		properties ??= {};
		properties[key] = cleaned;
		count += 1;
	}
	result.properties = properties;
}

function checkKey(key: string): PropertyProblem | undefined {
	if (key.size() === 0 || key.size() > MAX_PROPERTY_KEY_BYTES || repairUtf8(key) !== key) return "key_invalid";
	if (key.byte(1)[0] === DOLLAR || SERVER_OWNED_PROPERTY_KEYS.has(key)) return "key_reserved";
	return undefined;
}

function cleanValue(
	value: unknown,
	describeValue: ((value: unknown) => string | undefined) | undefined,
): ClientPropertyValue | { problem: PropertyProblem } {
	switch (type(value)) {
		case "boolean":
			return value as boolean;
		case "number":
			return isFiniteNumber(value) ? value : { problem: "value_not_finite" };
		case "string":
			return cleanString(value as string);
		case "table":
			return { problem: "value_nested" };
		case "nil":
		case "function":
		case "thread":
		case "buffer":
			return { problem: "value_type" };
		default: {
			// Userdata and vectors: Instances, Vector3, EnumItems...
			const [ok, described] = pcall(() => describeValue?.(value));
			return cleanString(ok && typeIs(described, "string") ? described : tostring(value));
		}
	}
}

/** Cut first (a huge string is not scanned whole), then repaired, then cut again: repairs can grow it. */
function cleanString(text: string): string {
	return truncateUtf8(repairUtf8(truncateUtf8(text, MAX_STRING_VALUE_BYTES)), MAX_STRING_VALUE_BYTES);
}
