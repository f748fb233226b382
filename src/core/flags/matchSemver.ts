// The semver_* flag operators: compare (major, minor, patch) after stripping a "v" prefix and any
// pre-release or build suffix (posthog-python's rules: missing parts are 0, leading zeros are
// rejected). Ranges: ~1.2.3 is >=1.2.3 <1.3.0; ^1.2.3 is >=1.2.3 <2.0.0 (^0.2.3 <0.3.0,
// ^0.0.3 <0.0.4); 1.2.* is >=1.2.0 <1.3.0. Pure.

/** [major, minor, patch] */
export type SemverTriple = [number, number, number];

export type SemverOperator =
	| "semver_eq"
	| "semver_neq"
	| "semver_gt"
	| "semver_gte"
	| "semver_lt"
	| "semver_lte"
	| "semver_tilde"
	| "semver_caret"
	| "semver_wildcard";

function trim(text: string) {
	return text.gsub("^%s+", "")[0].gsub("%s+$", "")[0];
}

/** A numeric part: digits without leading zeros ("0" itself is fine). */
function readPart(text: string): number | undefined {
	if (text.match("^%d+$")[0] === undefined) return undefined;
	if (text.size() > 1 && text.sub(1, 1) === "0") return undefined;
	return tonumber(text);
}

/** "v1.2.3-beta+build" -> [1, 2, 3]; "1.2" -> [1, 2, 0]; undefined when it isn't a version. */
export function parseSemver(text: string): SemverTriple | undefined {
	let core = trim(text);
	const first = core.sub(1, 1);
	if (first === "v" || first === "V") core = core.sub(2);
	core = core.split("-")[0].split("+")[0];
	const parts = core.split(".");
	if (parts.size() > 3) return undefined;
	const triple: SemverTriple = [0, 0, 0];
	for (let index = 0; index < parts.size(); index++) {
		const value = readPart(parts[index]);
		if (value === undefined) return undefined;
		triple[index] = value;
	}
	return triple;
}

/** -1, 0 or 1. */
export function compareSemver(left: SemverTriple, right: SemverTriple): number {
	for (let index = 0; index < 3; index++) {
		if (left[index] < right[index]) return -1;
		if (left[index] > right[index]) return 1;
	}
	return 0;
}

/** The half-open range [lower, upper) a `1.2.*` / `1.*` / `*` pattern stands for; "x" works like "*". */
function wildcardRange(text: string): [SemverTriple, SemverTriple | undefined] | undefined {
	let core = trim(text);
	const first = core.sub(1, 1);
	if (first === "v" || first === "V") core = core.sub(2);
	const parts = core.split(".");
	if (parts.size() > 3) return undefined;
	const fixed = new Array<number>();
	let sawWildcard = false;
	for (const part of parts) {
		if (part === "*" || part === "x" || part === "X") {
			sawWildcard = true;
		} else {
			if (sawWildcard) return undefined; // "1.*.3"
			const value = readPart(part);
			if (value === undefined) return undefined;
			fixed.push(value);
		}
	}
	if (!sawWildcard || fixed.size() === 3) return undefined;
	const lower: SemverTriple = [fixed[0] ?? 0, fixed[1] ?? 0, 0];
	if (fixed.size() === 0) return [lower, undefined];
	const upper: SemverTriple = [0, 0, 0];
	for (let index = 0; index < fixed.size(); index++) upper[index] = fixed[index];
	upper[fixed.size() - 1] += 1;
	return [lower, upper];
}

function inRange(version: SemverTriple, lower: SemverTriple, upper: SemverTriple | undefined) {
	return compareSemver(version, lower) >= 0 && (upper === undefined || compareSemver(version, upper) < 0);
}

/**
 * Whether `overrideText` (the subject's version) satisfies `operator` against `flagText` (the flag's
 * version or range); undefined when either can't be parsed.
 */
export function matchSemver(operator: SemverOperator, flagText: string, overrideText: string): boolean | undefined {
	const version = parseSemver(overrideText);
	if (version === undefined) return undefined;
	if (operator === "semver_wildcard") {
		const range = wildcardRange(flagText);
		return range === undefined ? undefined : inRange(version, range[0], range[1]);
	}
	let target = trim(flagText);
	if (operator === "semver_tilde" && target.sub(1, 1) === "~") target = target.sub(2);
	if (operator === "semver_caret" && target.sub(1, 1) === "^") target = target.sub(2);
	const flagVersion = parseSemver(target);
	if (flagVersion === undefined) return undefined;
	const [major, minor, patch] = flagVersion;
	const order = compareSemver(version, flagVersion);
	switch (operator) {
		case "semver_eq":
			return order === 0;
		case "semver_neq":
			return order !== 0;
		case "semver_gt":
			return order > 0;
		case "semver_gte":
			return order >= 0;
		case "semver_lt":
			return order < 0;
		case "semver_lte":
			return order <= 0;
		case "semver_tilde":
			return inRange(version, flagVersion, [major, minor + 1, 0]);
		case "semver_caret": {
			let upper: SemverTriple;
			if (major > 0) upper = [major + 1, 0, 0];
			else if (minor > 0) upper = [0, minor + 1, 0];
			else upper = [0, 0, patch + 1];
			return inRange(version, flagVersion, upper);
		}
	}
}
