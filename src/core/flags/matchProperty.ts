// One property filter against the supplied properties: posthog-python's `match_property`, operator
// by operator. A filter the SDK can't decide for certain (property missing, is_not_set, a date or
// version it can't read, a regex outside compileRegex's subset, case folding beyond ASCII) is
// inconclusive, so the flag falls back to the server. Luau has no null: a nil property is missing
// (inconclusive), where python treats a None value as a non-match. Pure: "now" is an argument.

import { compileRegex } from "./compileRegex";
import { FlagProperty, PropertyValues } from "./FlagDefinition";
import { matchSemver } from "./matchSemver";
import { parseFlagDate, parseIsoDate } from "./parseFlagDate";

export const EQUALITY_OPERATORS = ["exact", "is_not", "is_set", "is_not_set"] as const;
export const STRING_OPERATORS = [
	"icontains",
	"not_icontains",
	"starts_with",
	"not_starts_with",
	"ends_with",
	"not_ends_with",
	"regex",
	"not_regex",
] as const;
export const NUMERIC_OPERATORS = ["gt", "gte", "lt", "lte"] as const;
export const DATE_OPERATORS = ["is_date_before", "is_date_after"] as const;
export const SEMVER_OPERATORS = [
	"semver_eq",
	"semver_neq",
	"semver_gt",
	"semver_gte",
	"semver_lt",
	"semver_lte",
	"semver_tilde",
	"semver_caret",
	"semver_wildcard",
] as const;

/** Every operator matchProperty implements; a spec checks that each one has a branch. */
export const PROPERTY_OPERATORS = [
	...EQUALITY_OPERATORS,
	...STRING_OPERATORS,
	...NUMERIC_OPERATORS,
	...DATE_OPERATORS,
	...SEMVER_OPERATORS,
];

export type PropertyOperator = (typeof PROPERTY_OPERATORS)[number];

export type InconclusiveReason =
	| "missingProperty"
	| "isNotSet"
	| "unknownOperator"
	| "unsupportedValue"
	| "caseFolding"
	| "invalidDate"
	| "invalidVersion"
	| "unsupportedRegex";

/** The filter can't be decided with what the SDK knows; `detail` is for debug logs. */
export interface Inconclusive {
	kind: "inconclusive";
	reason: InconclusiveReason;
	detail: string;
}

export type PropertyMatch = boolean | Inconclusive;

export function inconclusive(reason: InconclusiveReason, detail: string): Inconclusive {
	return { kind: "inconclusive", reason, detail };
}

/**
 * Python's `str()` of a property or filter value: booleans are "True"/"False", whole numbers have
 * no ".0" (JSON integers are Python ints). Tables have no faithful string form: undefined.
 */
export function pythonString(value: unknown): string | undefined {
	if (typeIs(value, "string")) return value;
	if (typeIs(value, "boolean")) return value ? "True" : "False";
	if (typeIs(value, "number")) {
		if (value === math.floor(value) && math.abs(value) < 2 ** 53) return string.format("%d", value);
		return tostring(value);
	}
	return undefined;
}

function trim(text: string) {
	return text.gsub("^%s+", "")[0].gsub("%s+$", "")[0];
}

/** Python's `float()` of a filter value: numbers, booleans, decimal strings (" 2.5 ", "1e3", "1_000", "inf"). */
function pythonFloat(value: unknown): number | undefined {
	if (typeIs(value, "number")) return value;
	if (typeIs(value, "boolean")) return value ? 1 : 0;
	if (!typeIs(value, "string")) return undefined;
	let text = trim(value).lower();
	const [special] = text.match("^[+-]?(%a+)$");
	if (special === "inf" || special === "infinity") return text.sub(1, 1) === "-" ? -math.huge : math.huge;
	if (special === "nan") return 0 / 0;
	// Underscores only between digits, as Python allows.
	if (text.find("_", 1, true)[0] !== undefined) {
		if (text.find("%D_")[0] !== undefined || text.find("_%D")[0] !== undefined) return undefined;
		if (text.sub(1, 1) === "_" || text.sub(-1) === "_") return undefined;
		text = text.gsub("_", "")[0];
	}
	// Decimal only: tonumber would also read hex ("0x10"), which Python's float() rejects.
	if (text.match("^[+-]?%d*%.?%d*e?[+-]?%d*$")[0] === undefined || text.match("%d")[0] === undefined) {
		return undefined;
	}
	if (text.sub(1, 1) === "+") text = text.sub(2);
	return tonumber(text);
}

function hasNonAscii(text: string) {
	for (let index = 1; index <= text.size(); index++) {
		if (string.byte(text, index)[0] >= 0x80) return true;
	}
	return false;
}

type TextTest = (subject: string, flagText: string) => boolean;

/**
 * `test` on ASCII-lowercased text. Python lowercases (casefolds) all of Unicode: a positive answer
 * on ASCII-lowercased bytes holds there too, but a negative one involving non-ASCII text might not.
 */
function caseInsensitive(subject: string, flagText: string, test: TextTest): PropertyMatch {
	if (test(subject.lower(), flagText.lower())) return true;
	if (hasNonAscii(subject) || hasNonAscii(flagText)) {
		return inconclusive("caseFolding", "non-ASCII text compared without case");
	}
	return false;
}

function isEqual(subject: string, flagText: string) {
	return subject === flagText;
}

function contains(subject: string, flagText: string) {
	return subject.find(flagText, 1, true)[0] !== undefined;
}

function startsWith(subject: string, flagText: string) {
	return subject.sub(1, flagText.size()) === flagText;
}

function endsWith(subject: string, flagText: string) {
	return flagText.size() === 0 || subject.sub(-flagText.size()) === flagText;
}

/** The string operators: which test, and whether its answer is inverted. */
const TEXT_OPERATORS = new Map<string, [TextTest, boolean]>([
	["icontains", [contains, false]],
	["not_icontains", [contains, true]],
	["starts_with", [startsWith, false]],
	["not_starts_with", [startsWith, true]],
	["ends_with", [endsWith, false]],
	["not_ends_with", [endsWith, true]],
]);

function negate(match: PropertyMatch): PropertyMatch {
	return typeIs(match, "boolean") ? !match : match;
}

/** `exact`: case-insensitive equality, or membership when the filter value is a list. */
function exactMatch(flagValue: unknown, subject: string): PropertyMatch {
	if (!typeIs(flagValue, "table")) {
		const flagText = pythonString(flagValue);
		if (flagText === undefined) return inconclusive("unsupportedValue", "filter value");
		return caseInsensitive(subject, flagText, isEqual);
	}
	let result: PropertyMatch = false;
	for (const item of flagValue as Array<defined>) {
		const itemText = pythonString(item);
		if (itemText === undefined) return inconclusive("unsupportedValue", "filter list item");
		const itemMatch = caseInsensitive(subject, itemText, isEqual);
		if (itemMatch === true) return true;
		if (itemMatch !== false) result = itemMatch;
	}
	return result;
}

type OrderOperator = "gt" | "gte" | "lt" | "lte";

/** Applies an ordering operator to `order` (-1, 0 or 1: how the property compares to the filter). */
function satisfiesOrder(order: number, operator: OrderOperator) {
	switch (operator) {
		case "gt":
			return order > 0;
		case "gte":
			return order >= 0;
		case "lt":
			return order < 0;
		case "lte":
			return order <= 0;
	}
}

function numberOrder(left: number, right: number) {
	if (left < right) return -1;
	return left > right ? 1 : left === right ? 0 : undefined;
}

function textOrder(left: string, right: string) {
	if (left < right) return -1;
	return left > right ? 1 : 0;
}

/**
 * gt/gte/lt/lte with posthog-python's rule: a numeric filter value compares numerically with a
 * number (or boolean) property and as text with a string property; anything else compares as text.
 * Text compares by code point (UTF-8 bytes sort the same way).
 */
function orderedMatch(operator: OrderOperator, flagValue: unknown, override: unknown): PropertyMatch {
	const flagText = pythonString(flagValue);
	const overrideText = pythonString(override);
	if (flagText === undefined || overrideText === undefined) return inconclusive("unsupportedValue", operator);
	const flagNumber = pythonFloat(flagValue);
	if (flagNumber !== undefined && !typeIs(override, "string")) {
		const overrideNumber = typeIs(override, "boolean") ? (override ? 1 : 0) : (override as number);
		const order = numberOrder(overrideNumber, flagNumber);
		// NaN compares false both ways, as in Python.
		return order !== undefined && satisfiesOrder(order, operator);
	}
	return satisfiesOrder(textOrder(overrideText, flagText), operator);
}

function dateMatch(
	operator: "is_date_before" | "is_date_after",
	flagValue: unknown,
	override: unknown,
	nowMillis: number,
): PropertyMatch {
	const flagText = pythonString(flagValue);
	const flagDate = flagText === undefined ? undefined : parseFlagDate(flagText, nowMillis);
	if (flagDate === undefined) return inconclusive("invalidDate", "the filter's date can't be read");
	if (!typeIs(override, "string")) return inconclusive("invalidDate", "the property is not a date string");
	const overrideDate = parseIsoDate(override);
	if (overrideDate === undefined) return inconclusive("invalidDate", "the property is not an ISO date");
	return operator === "is_date_before" ? overrideDate < flagDate : overrideDate > flagDate;
}

/** The regex search, or "invalid" when Python would refuse to compile the pattern. */
function regexSearch(flagValue: unknown, subject: string): PropertyMatch | "invalid" {
	const pattern = pythonString(flagValue);
	if (pattern === undefined) return inconclusive("unsupportedValue", "regex pattern");
	const compiled = compileRegex(pattern);
	if (compiled.kind === "invalid") return "invalid";
	if (compiled.kind === "unsupported") return inconclusive("unsupportedRegex", compiled.reason);
	const found = compiled.regex.search(subject);
	if (found === "unsupported") return inconclusive("unsupportedRegex", "subject is non-ASCII, long or too costly");
	return found;
}

/**
 * Whether `values[property.key]` satisfies the filter. The key must be present (a nil property is
 * unknown, not empty); `nowMillis` anchors relative dates.
 */
export function matchProperty(property: FlagProperty, values: PropertyValues, nowMillis: number): PropertyMatch {
	const override = values[property.key];
	if (override === undefined) return inconclusive("missingProperty", property.key);
	const operator = property.operator as PropertyOperator;
	const flagValue = property.value;

	if (operator === "is_set") return true;
	if (operator === "is_not_set") return inconclusive("isNotSet", "is_not_set needs the server");
	const subject = pythonString(override);
	if (subject === undefined) return inconclusive("unsupportedValue", `property ${property.key}`);

	switch (operator) {
		case "exact":
			return exactMatch(flagValue, subject);
		case "is_not":
			return negate(exactMatch(flagValue, subject));
		case "icontains":
		case "not_icontains":
		case "starts_with":
		case "not_starts_with":
		case "ends_with":
		case "not_ends_with": {
			const flagText = pythonString(flagValue);
			if (flagText === undefined) return inconclusive("unsupportedValue", "filter value");
			const [test, isNegated] = TEXT_OPERATORS.get(operator)!;
			const match = caseInsensitive(subject, flagText, test);
			return isNegated ? negate(match) : match;
		}
		case "regex":
		case "not_regex": {
			// posthog-python: `is_valid_regex(value) and ...`: an invalid pattern fails both operators.
			const match = regexSearch(flagValue, subject);
			if (match === "invalid") return false;
			return operator === "regex" ? match : negate(match);
		}
		case "gt":
		case "gte":
		case "lt":
		case "lte":
			return orderedMatch(operator, flagValue, override);
		case "is_date_before":
		case "is_date_after":
			return dateMatch(operator, flagValue, override, nowMillis);
		case "semver_eq":
		case "semver_neq":
		case "semver_gt":
		case "semver_gte":
		case "semver_lt":
		case "semver_lte":
		case "semver_tilde":
		case "semver_caret":
		case "semver_wildcard": {
			const flagText = pythonString(flagValue);
			const match = flagText === undefined ? undefined : matchSemver(operator, flagText, subject);
			return match ?? inconclusive("invalidVersion", `${subject} ${operator} ${flagText ?? "?"}`);
		}
		default:
			return inconclusive("unknownOperator", property.operator);
	}
}
