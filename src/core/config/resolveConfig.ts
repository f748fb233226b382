// Validates what the game passed to `PostHog:Init` and fills in defaults. Every failure names the
// option, what it must be, and what it got. Options are checked in a fixed order (unknown options
// first, then apiKey, then the rest alphabetically) so the reported error is deterministic.

import { formatMessage } from "../messages";
import { CONFIG_DEFAULTS, PostHogConfig } from "./PostHogConfig";
import { normalizeHost } from "./normalizeHost";

export type ResolveConfigResult = { ok: true; config: PostHogConfig } | { ok: false; error: string };

type OptionRule =
	| { kind: "boolean" }
	| { kind: "integer"; min: number; max?: number }
	| { kind: "number"; min: number; max?: number }
	| { kind: "string" }
	| { kind: "oneOf"; values: ReadonlyArray<string> }
	| { kind: "function" }
	| { kind: "host" }
	/** A secret key: only these prefixes; errors never show more of it than its first 4 characters. */
	| { kind: "secretKey"; prefixes: ReadonlyArray<string> };

type OptionName = keyof PostHogConfig;

/** How each option is checked; apiKey has its own checks (see resolveApiKey). */
const RULES: { readonly [K in Exclude<OptionName, "apiKey">]: OptionRule } = {
	beforeSend: { kind: "function" },
	captureErrors: { kind: "boolean" },
	captureLifecycleEvents: { kind: "boolean" },
	clientRateLimitPerSecond: { kind: "number", min: 0 },
	disableGeoip: { kind: "boolean" },
	durableDelivery: { kind: "boolean" },
	enableClientRelay: { kind: "boolean" },
	enableCompression: { kind: "boolean" },
	errorDebounceSeconds: { kind: "number", min: 0 },
	featureFlagsPollIntervalSeconds: { kind: "number", min: 10 },
	featureFlagsSecureKey: { kind: "secretKey", prefixes: ["phs_", "phx_"] },
	flushAt: { kind: "integer", min: 1 },
	flushIntervalSeconds: { kind: "number", min: 1 },
	host: { kind: "host" },
	logLevel: { kind: "oneOf", values: ["debug", "info", "warn", "error", "none"] },
	maxBatchSize: { kind: "integer", min: 1 },
	maxClientPropertyCount: { kind: "integer", min: 0 },
	maxQueueSize: { kind: "integer", min: 1 },
	maxRequestsPerMinute: { kind: "integer", min: 1, max: 500 },
	maxRetries: { kind: "integer", min: 0, max: 10 },
	personProfiles: { kind: "oneOf", values: ["identified_only", "always", "never"] },
	preloadFeatureFlags: { kind: "boolean" },
	sendDefaultPersonPropertiesForFlags: { kind: "boolean" },
	sendFeatureFlagEvents: { kind: "boolean" },
	serverDistinctId: { kind: "string" },
	shareFlagDefinitions: { kind: "boolean" },
};

/** Accepted alternative names: alias -> option. */
const ALIASES: ReadonlyMap<string, OptionName> = new Map<string, OptionName>([
	["projectKey", "apiKey"],
	["allowClientEvents", "enableClientRelay"],
]);

const PERSONAL_API_KEY_PREFIX = "phx_";
const FEATURE_FLAGS_SECURE_KEY_PREFIX = "phs_";

/** Validates `input` (the table given to Init) and returns the config. */
export function resolveConfig(input: unknown): ResolveConfigResult {
	if (input === undefined) return fail("CONFIG_MISSING_API_KEY", {});
	if (!typeIs(input, "table")) {
		return fail("CONFIG_NOT_A_TABLE", { got: describeValue(input) });
	}
	const options = input as Record<string, unknown>;

	const unknownError = findUnknownOption(options);
	if (unknownError !== undefined) return { ok: false, error: unknownError };

	const apiKey = readOption(options, "apiKey");
	if (!apiKey.ok) return apiKey;
	const apiKeyResult = resolveApiKey(apiKey.name, apiKey.value);
	if (!apiKeyResult.ok) return apiKeyResult;

	const resolved: Record<string, unknown> = { apiKey: apiKeyResult.value };
	const names = new Array<Exclude<OptionName, "apiKey">>();
	for (const [name] of pairs(RULES)) names.push(name);
	names.sort();
	for (const name of names) {
		const read = readOption(options, name);
		if (!read.ok) return read;
		if (read.value === undefined) {
			resolved[name] = (CONFIG_DEFAULTS as unknown as Record<string, unknown>)[name];
			continue;
		}
		const checked = checkRule(RULES[name], read.name, read.value);
		if (!checked.ok) return checked;
		resolved[name] = checked.value;
	}
	return { ok: true, config: resolved as unknown as PostHogConfig };
}

type Checked = { ok: true; value: unknown } | { ok: false; error: string };

function fail(id: Parameters<typeof formatMessage>[0], args: Parameters<typeof formatMessage>[1]) {
	return { ok: false as const, error: formatMessage(id, args) };
}

function invalid(option: string, expected: string, value: unknown) {
	return fail("CONFIG_INVALID_OPTION", { option, expected, got: describeValue(value) });
}

function isKnownName(name: string): boolean {
	return name === "apiKey" || (RULES as unknown as Record<string, unknown>)[name] !== undefined || ALIASES.has(name);
}

/** Reports the alphabetically first unknown key, suggesting the option it most likely meant. */
function findUnknownOption(options: Record<string, unknown>): string | undefined {
	const unknown = new Array<string>();
	for (const [key] of pairs(options)) {
		const name = typeIs(key, "string") ? key : tostring(key);
		if (!typeIs(key, "string") || !isKnownName(key)) unknown.push(name);
	}
	if (unknown.size() === 0) return undefined;
	unknown.sort();
	const option = unknown[0];
	const suggestion = suggestOption(option);
	const hint = suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
	return formatMessage("CONFIG_UNKNOWN_OPTION", { option, hint });
}

/** The known name equal to `name` ignoring case and underscores ("flush_at" -> "flushAt"). */
function suggestOption(name: string): string | undefined {
	const [wanted] = name.lower().gsub("_", "");
	const candidates: Array<string> = ["apiKey"];
	for (const [known] of pairs(RULES)) candidates.push(known);
	for (const [alias] of ALIASES) candidates.push(alias);
	for (const candidate of candidates) {
		if (candidate.lower() === wanted) return candidate;
	}
	return undefined;
}

/** Reads an option under its own name or its alias; both given with different values is an error. */
function readOption(
	options: Record<string, unknown>,
	name: OptionName,
): { ok: true; name: string; value: unknown } | { ok: false; error: string } {
	const value = options[name];
	for (const [alias, target] of ALIASES) {
		if (target !== name) continue;
		const aliasValue = options[alias];
		if (aliasValue === undefined) continue;
		if (value !== undefined && value !== aliasValue) {
			return fail("CONFIG_ALIAS_CONFLICT", { option: name, alias });
		}
		if (value === undefined) return { ok: true, name: alias, value: aliasValue };
	}
	return { ok: true, name, value };
}

function resolveApiKey(option: string, value: unknown): Checked {
	if (value === undefined) return fail("CONFIG_MISSING_API_KEY", {});
	if (!typeIs(value, "string")) return invalid(option, "a non-empty string", value);
	const key = trim(value);
	if (key === "") return invalid(option, "a non-empty string", value);
	if (key.sub(1, PERSONAL_API_KEY_PREFIX.size()) === PERSONAL_API_KEY_PREFIX) {
		return fail("CONFIG_PERSONAL_API_KEY", { option });
	}
	if (key.sub(1, FEATURE_FLAGS_SECURE_KEY_PREFIX.size()) === FEATURE_FLAGS_SECURE_KEY_PREFIX) {
		return fail("CONFIG_SECURE_KEY_AS_API_KEY", { option });
	}
	return { ok: true, value: key };
}

function checkRule(rule: OptionRule, option: string, value: unknown): Checked {
	switch (rule.kind) {
		case "boolean":
			return typeIs(value, "boolean") ? { ok: true, value } : invalid(option, "true or false", value);
		case "integer":
		case "number": {
			const expected = describeRange(rule.kind === "integer" ? "an integer" : "a number", rule.min, rule.max);
			if (!typeIs(value, "number") || !isFinite(value)) return invalid(option, expected, value);
			if (rule.kind === "integer" && value % 1 !== 0) return invalid(option, expected, value);
			if (value < rule.min || (rule.max !== undefined && value > rule.max)) {
				return invalid(option, expected, value);
			}
			return { ok: true, value };
		}
		case "string": {
			if (!typeIs(value, "string") || value.match("%S")[0] === undefined) {
				return invalid(option, "a non-empty string", value);
			}
			return { ok: true, value };
		}
		case "oneOf": {
			if (typeIs(value, "string") && rule.values.includes(value)) return { ok: true, value };
			return invalid(option, "one of " + rule.values.map((v) => `"${v}"`).join(", "), value);
		}
		case "function":
			return typeIs(value, "function") ? { ok: true, value } : invalid(option, "a function", value);
		case "host": {
			const expected = 'an http(s) URL such as "https://us.i.posthog.com"';
			if (!typeIs(value, "string")) return invalid(option, expected, value);
			const host = normalizeHost(value);
			return host === undefined ? invalid(option, expected, value) : { ok: true, value: host };
		}
		case "secretKey": {
			const expected = rule.prefixes.map((prefix) => `a key starting with "${prefix}"`).join(" or ");
			if (!typeIs(value, "string")) return invalid(option, expected, value);
			const key = trim(value);
			if (rule.prefixes.some((prefix) => key.size() > prefix.size() && key.sub(1, prefix.size()) === prefix)) {
				return { ok: true, value: key };
			}
			const got = key === "" ? "an empty string" : `a string starting with "${key.sub(1, 4)}"`;
			return fail("CONFIG_INVALID_OPTION", { option, expected, got });
		}
	}
}

function trim(text: string): string {
	return text.match("^%s*(.-)%s*$")[0] as string;
}

function describeRange(what: string, min: number, max: number | undefined): string {
	return max === undefined ? `${what} >= ${min}` : `${what} from ${min} to ${max}`;
}

function isFinite(value: number): boolean {
	return value === value && value !== math.huge && value !== -math.huge;
}

const MAX_SHOWN_STRING_BYTES = 60;

/** `"20" (string)`, `0.5 (number)`, `nil`, `a table`: how a bad value appears in an error. */
function describeValue(value: unknown): string {
	if (value === undefined) return "nil";
	if (typeIs(value, "string")) {
		const shown = value.size() > MAX_SHOWN_STRING_BYTES ? value.sub(1, MAX_SHOWN_STRING_BYTES) + "..." : value;
		return `"${shown}" (string)`;
	}
	if (typeIs(value, "number") || typeIs(value, "boolean")) return `${tostring(value)} (${type(value)})`;
	return `a ${type(value)}`;
}
