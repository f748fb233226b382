// Turns any Luau value into one JSONEncode accepts and PostHog reads as intended, so one hostile
// property can never break a batch. Never throws. What becomes of each kind of value:
// - finite numbers, booleans: unchanged; NaN, inf, -inf: the strings "NaN", "Infinity", "-Infinity"
// - strings: invalid UTF-8 bytes replaced by U+FFFD (repairUtf8)
// - functions, threads, buffers, nil: dropped
// - userdata and vectors (Instances, Vector3, EnumItems...): a string from the `describeValue` hook
//   (the engine passes one that gives an Instance's full name), else tostring
// - tables: a table whose keys are exactly 1..n becomes an array (elements that are dropped close
//   up); any other table (mixed, sparse, non-string keys) becomes an object with string keys
//   (integers as "3", booleans as "true", userdata via describeValue; table/function keys dropped;
//   a string key wins over a stringified key that collides with it); a table that contains itself
//   is cut at the repeat, and tables nested deeper than maxDepth are dropped.

import { repairUtf8 } from "./repairUtf8";

export interface SanitizeOptions {
	/**
	 * Describes a userdata or vector (an Instance, Vector3, EnumItem...) as a string. Return
	 * undefined to fall back to tostring. Errors it raises are caught.
	 */
	describeValue?: (value: unknown) => string | undefined;
	/** Tables nested deeper than this below the value are dropped. @default 10 */
	maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 10;

/** A JSON-safe copy of `value`, or undefined when nothing of it can be sent. */
export function sanitizeValue(value: unknown, options: SanitizeOptions = {}): unknown {
	const [ok, result] = pcall(() => new Sanitizer(options).value(value, 0));
	return ok ? result : undefined;
}

/**
 * A JSON-safe copy of a properties table, always object-shaped (an array's indices become "1",
 * "2", ...). Undefined when `value` is not a table or nothing in it survives, so callers can omit
 * the field instead of sending an empty table (which JSONEncode writes as `[]`).
 */
export function sanitizeProperties(value: unknown, options: SanitizeOptions = {}): Record<string, unknown> | undefined {
	if (!typeIs(value, "table")) return undefined;
	const [ok, result] = pcall(() => new Sanitizer(options).object(value, 0));
	if (!ok || result === undefined || next(result)[0] === undefined) return undefined;
	return result;
}

class Sanitizer {
	private readonly ancestors = new Set<object>();
	private readonly maxDepth: number;

	constructor(private readonly options: SanitizeOptions) {
		this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
	}

	value(value: unknown, depth: number): unknown {
		switch (type(value)) {
			case "nil":
			case "function":
			case "thread":
			case "buffer":
				return undefined;
			case "boolean":
				return value;
			case "number":
				return sanitizeNumber(value as number);
			case "string":
				return repairUtf8(value as string);
			case "table":
				return this.table(value as object, depth);
			default:
				return this.describe(value);
		}
	}

	/** Tables whose keys are exactly 1..n become arrays, anything else an object. */
	private table(value: object, depth: number): unknown {
		let count = 0;
		let isSequence = true;
		for (const [key] of pairs(value as Record<never, unknown>)) {
			count += 1;
			if (!typeIs(key, "number") || key % 1 !== 0 || key < 1) isSequence = false;
		}
		if (!isSequence) return this.object(value, depth);
		// Keys are positive integers; they are exactly 1..n only if none is above the count.
		for (const [key] of pairs(value as Record<never, unknown>)) {
			if ((key as number) > count) return this.object(value, depth);
		}
		return this.array(value as ReadonlyArray<unknown>, count, depth);
	}

	private array(value: ReadonlyArray<unknown>, count: number, depth: number): Array<defined> | undefined {
		if (!this.enter(value, depth)) return undefined;
		const result = new Array<defined>();
		for (let index = 0; index < count; index++) {
			const element = this.value(value[index], depth + 1);
			if (element !== undefined) result.push(element as defined);
		}
		this.ancestors.delete(value);
		return result;
	}

	object(value: object, depth: number): Record<string, unknown> | undefined {
		if (!this.enter(value, depth)) return undefined;
		const result: Record<string, unknown> = {};
		const stringifiedKeys = new Array<[string, unknown]>();
		for (const [key, entry] of pairs(value as Record<never, unknown>)) {
			if (typeIs(key, "string")) {
				const sanitized = this.value(entry, depth + 1);
				if (sanitized !== undefined) result[repairUtf8(key)] = sanitized;
			} else {
				const name = this.keyName(key);
				if (name !== undefined) stringifiedKeys.push([name, entry]);
			}
		}
		for (const [name, entry] of stringifiedKeys) {
			if (result[name] !== undefined) continue;
			const sanitized = this.value(entry, depth + 1);
			if (sanitized !== undefined) result[name] = sanitized;
		}
		this.ancestors.delete(value);
		return result;
	}

	/** False (and the table is dropped) when it is its own ancestor or too deep. */
	private enter(value: object, depth: number): boolean {
		if (depth > this.maxDepth || this.ancestors.has(value)) return false;
		this.ancestors.add(value);
		return true;
	}

	private keyName(key: unknown): string | undefined {
		switch (type(key)) {
			case "number": {
				const number = key as number;
				if (number % 1 === 0 && math.abs(number) < 2 ** 53) return string.format("%d", number);
				return tostring(sanitizeNumber(number));
			}
			case "boolean":
				return tostring(key);
			case "table":
			case "function":
			case "thread":
			case "buffer":
				return undefined;
			default:
				return this.describe(key);
		}
	}

	private describe(value: unknown): string | undefined {
		const hook = this.options.describeValue;
		if (hook !== undefined) {
			const [ok, description] = pcall(hook, value);
			if (ok && typeIs(description, "string")) return repairUtf8(description);
		}
		const [ok, text] = pcall(tostring, value);
		return ok && typeIs(text, "string") ? repairUtf8(text) : undefined;
	}
}

function sanitizeNumber(value: number): number | string {
	if (value !== value) return "NaN";
	if (value === math.huge) return "Infinity";
	if (value === -math.huge) return "-Infinity";
	return value;
}
