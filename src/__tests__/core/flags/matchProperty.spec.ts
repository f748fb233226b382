import { describe, expect, it } from "@rbxts/jest-globals";
import {
	DATE_OPERATORS,
	EQUALITY_OPERATORS,
	matchProperty,
	NUMERIC_OPERATORS,
	PROPERTY_OPERATORS,
	pythonString,
	SEMVER_OPERATORS,
	STRING_OPERATORS,
} from "../../../core/flags/matchProperty";

/** 2026-01-02T03:04:05.678Z */
const NOW = 1767323045678;
const DAY = 86_400_000;

/** matchProperty on property "p": true, false, or the inconclusive reason. */
function check(operator: string, flagValue: unknown, override: unknown): boolean | string {
	const result = matchProperty({ key: "p", operator, value: flagValue, negation: false }, { p: override }, NOW);
	return typeIs(result, "boolean") ? result : result.reason;
}

type Case = [description: string, operator: string, flagValue: unknown, override: unknown, expected: boolean | string];

const CASES: Array<Case> = [
	// exact / is_not: case-insensitive text, lists are membership, values compare as Python's str()
	["equal text in another case", "exact", "Email@X.com", "email@x.COM", true],
	["different text", "exact", "a", "b", false],
	["a list containing the value", "exact", ["one", "Two"], "two", true],
	["a list without the value", "exact", ["one", "two"], "three", false],
	["a number against its text", "exact", "5", 5, true],
	["a boolean against 'true'", "exact", "true", true, true],
	["a boolean in a list", "exact", ["TRUE"], true, true],
	["identical non-ASCII text", "exact", "Éclair", "Éclair", true],
	["non-ASCII text in another case", "exact", "Éclair", "éclair", "caseFolding"],
	["different text", "is_not", "a", "b", true],
	["equal text in another case", "is_not", "a", "A", false],
	["a list without the value", "is_not", ["a", "b"], "c", true],
	["a list containing the value", "is_not", ["a", "b"], "B", false],
	// is_set / is_not_set
	["any present value", "is_set", "is_set", "anything", true],
	["a present value", "is_not_set", "is_not_set", "anything", "isNotSet"],
	// substring, prefix and suffix operators, ignoring ASCII case
	["a contained substring", "icontains", "ELL", "hello", true],
	["a missing substring", "icontains", "xyz", "hello", false],
	["a number's digits", "icontains", "23", 1234, true],
	["a contained substring", "not_icontains", "ell", "HELLO", false],
	["a missing substring", "not_icontains", "xyz", "hello", true],
	["a prefix", "starts_with", "HE", "hello", true],
	["a suffix", "starts_with", "lo", "hello", false],
	["a prefix", "not_starts_with", "he", "hello", false],
	["another prefix", "not_starts_with", "x", "hello", true],
	["a suffix", "ends_with", "LO", "hello", true],
	["a prefix", "ends_with", "he", "hello", false],
	["a suffix", "not_ends_with", "lo", "hello", false],
	["another suffix", "not_ends_with", "x", "hello", true],
	// regex / not_regex: Python's re.search
	["a matching pattern", "regex", "^[a-z]+@example\\.com$", "joe@example.com", true],
	["a pattern that doesn't match", "regex", "^[a-z]+@example\\.com$", "joe@other.com", false],
	["a number's text", "regex", "^\\d+$", 123, true],
	["a boolean as Python prints it", "regex", "^True$", true, true],
	["an invalid pattern", "regex", "(", "(", false],
	["a lookahead", "regex", "a(?=b)", "ab", "unsupportedRegex"],
	["a pattern that doesn't match", "not_regex", "^\\d+$", "abc", true],
	["a matching pattern", "not_regex", "^\\d+$", "123", false],
	["an invalid pattern", "not_regex", "(", "x", false],
	// gt / gte / lt / lte: numeric with a number, text with a string
	["a larger number", "gt", "10", 11, true],
	["an equal number", "gt", "10", 10, false],
	["a string (compared as text)", "gt", "10", "9", true],
	["a non-numeric filter (text)", "gt", "abc", "abd", true],
	["a boolean (as 1)", "gt", "0", true, true],
	["an equal number", "gte", "10", 10, true],
	["a smaller number", "gte", "10", 9, false],
	["a smaller number", "lt", "10", 9, true],
	["a string (compared as text)", "lt", "10", "9", false],
	["a decimal filter", "lt", "1.5e1", 14.5, true],
	["an equal number", "lte", 10, 10, true],
	["a larger number", "lte", "10", 11, false],
	// dates: the property must be an ISO date string; the filter may be relative to NOW
	["an earlier date", "is_date_before", "2024-01-02", "2024-01-01", true],
	["a later instant", "is_date_before", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", false],
	["8 days ago against -7d", "is_date_before", "-7d", "2025-12-25T03:04:05Z", true],
	["6 days ago against -7d", "is_date_before", "-7d", "2025-12-27T03:04:05Z", false],
	["an unreadable filter date", "is_date_before", "next tuesday", "2024-01-01", "invalidDate"],
	["a number", "is_date_before", "2024-01-01", 1704067200, "invalidDate"],
	["an unreadable property date", "is_date_before", "2024-01-01", "yesterday", "invalidDate"],
	["a later instant in another zone", "is_date_after", "2024-01-01", "2024-01-02T00:00:00+05:00", true],
	["an hour ago against -24h", "is_date_after", "-24h", "2026-01-02T02:04:05Z", true],
	["two days ago against -24h", "is_date_after", "-24h", "2025-12-31T03:04:05Z", false],
	// semver
	["the same version with a v", "semver_eq", "1.2.3", "v1.2.3", true],
	["another patch", "semver_eq", "1.2.3", "1.2.4", false],
	["a pre-release of the version", "semver_eq", "1.2.3", "1.2.3-beta", true],
	["missing parts as zero", "semver_eq", "1.2", "1.2.0", true],
	["another version", "semver_neq", "1.2.3", "1.2.4", true],
	["the same version", "semver_neq", "1.2.3", "1.2.3", false],
	["a numerically larger minor", "semver_gt", "1.2.3", "1.10.0", true],
	["the same version", "semver_gt", "1.2.3", "1.2.3", false],
	["the same version", "semver_gte", "1.2.3", "1.2.3", true],
	["an older version", "semver_gte", "2.0.0", "1.9.9", false],
	["an older version", "semver_lt", "2.0.0", "1.9.9", true],
	["the same version", "semver_lt", "1.0.0", "1.0.0", false],
	["the same version", "semver_lte", "1.0.0", "1.0.0", true],
	["a newer patch", "semver_lte", "1.0.0", "1.0.1", false],
	["a later patch in range", "semver_tilde", "1.2.3", "1.2.9", true],
	["the next minor", "semver_tilde", "1.2.3", "1.3.0", false],
	["a range written with ~", "semver_tilde", "~1.2.3", "1.2.3", true],
	["an earlier patch", "semver_tilde", "1.2.3", "1.2.2", false],
	["a later minor", "semver_caret", "1.2.3", "1.9.0", true],
	["the next major", "semver_caret", "1.2.3", "2.0.0", false],
	["a later 0.x patch", "semver_caret", "^0.2.3", "0.2.9", true],
	["the next 0.x minor", "semver_caret", "0.2.3", "0.3.0", false],
	["the next 0.0.x patch", "semver_caret", "0.0.3", "0.0.4", false],
	["a version under 1.2.*", "semver_wildcard", "1.2.*", "1.2.7", true],
	["the next minor under 1.2.*", "semver_wildcard", "1.2.*", "1.3.0", false],
	["a version under 1.x", "semver_wildcard", "1.x", "1.9.9", true],
	["any version under *", "semver_wildcard", "*", "0.0.1", true],
	["a wildcard with no wildcard", "semver_wildcard", "1.2.3", "1.2.3", "invalidVersion"],
	["a leading zero in the filter", "semver_eq", "01.2.3", "1.2.3", "invalidVersion"],
	["a property that is no version", "semver_gt", "1.0.0", "latest", "invalidVersion"],
	["four parts", "semver_eq", "1.2.3.4", "1.2.3", "invalidVersion"],
];

describe("matchProperty", () => {
	for (const [description, operator, flagValue, override, expected] of CASES) {
		it(`${operator}: gives ${tostring(expected)} for ${description}`, () => {
			expect(check(operator, flagValue, override)).toBe(expected);
		});
	}

	it("is inconclusive when the property is missing, whatever the operator", () => {
		for (const operator of PROPERTY_OPERATORS) {
			expect(check(operator, "x", undefined)).toBe("missingProperty");
		}
	});

	it("is inconclusive for an operator it doesn't know", () => {
		expect(check("is_cleaned_path_exact", "/a", "/a")).toBe("unknownOperator");
	});

	it("is inconclusive for a table-valued property", () => {
		expect(check("exact", "a", ["a"])).toBe("unsupportedValue");
	});

	it("treats a missing operator as exact", () => {
		const property = { key: "p", operator: "exact", value: "A", negation: false };
		expect(matchProperty(property, { p: "a" }, NOW)).toBe(true);
	});

	it("reads relative dates from the given time", () => {
		const property = { key: "p", operator: "is_date_after", value: "-1d", negation: false };
		const justAfter = "2026-01-01T03:04:06Z";
		expect(matchProperty(property, { p: justAfter }, NOW)).toBe(true);
		expect(matchProperty(property, { p: justAfter }, NOW + DAY)).toBe(false);
	});

	// Like posthog-python's test_every_supported_operator_has_a_dispatch_branch.
	it("has a branch for every declared operator", () => {
		const declared = [
			...EQUALITY_OPERATORS,
			...STRING_OPERATORS,
			...NUMERIC_OPERATORS,
			...DATE_OPERATORS,
			...SEMVER_OPERATORS,
		];
		expect(PROPERTY_OPERATORS.size()).toBe(declared.size());
		for (const operator of PROPERTY_OPERATORS) {
			expect(check(operator, "1.2.3", "1.2.3")).never.toBe("unknownOperator");
		}
	});

	it("has a case in this spec for every declared operator", () => {
		const covered = new Set<string>();
		for (const [, operator] of CASES) covered.add(operator);
		for (const operator of PROPERTY_OPERATORS)
			expect(covered.has(operator) ? operator : `no case: ${operator}`).toBe(operator);
	});
});

describe("pythonString", () => {
	const cases: Array<[unknown, string | undefined]> = [
		["text", "text"],
		[true, "True"],
		[false, "False"],
		[5, "5"],
		[-12, "-12"],
		[1.5, "1.5"],
		[[1], undefined],
	];
	for (const [value, expected] of cases) {
		it(`prints ${tostring(value)} as ${tostring(expected)}`, () => {
			expect(pythonString(value)).toBe(expected);
		});
	}
});
