import { describe, expect, it } from "@rbxts/jest-globals";
import { CONFIG_DEFAULTS } from "../../../core/config/PostHogConfig";
import { resolveConfig } from "../../../core/config/resolveConfig";

function errorOf(input: unknown): string {
	const result = resolveConfig(input);
	if (result.ok) error("expected resolveConfig to fail");
	return result.error;
}

function configOf(input: unknown) {
	const result = resolveConfig(input);
	if (!result.ok) error(`expected resolveConfig to succeed: ${result.error}`);
	return result.config;
}

const BOOLEAN_OPTIONS = [
	"enableCompression",
	"preloadFeatureFlags",
	"sendFeatureFlagEvents",
	"sendDefaultPersonPropertiesForFlags",
	"captureLifecycleEvents",
	"captureErrors",
	"enableClientRelay",
	"disableGeoip",
];

describe("resolveConfig", () => {
	describe("given only an apiKey", () => {
		it("fills in every documented default", () => {
			expect(configOf({ apiKey: "phc_test" })).toEqual({ apiKey: "phc_test", ...CONFIG_DEFAULTS });
		});

		it("uses the US ingestion host", () => {
			expect(configOf({ apiKey: "phc_test" }).host).toBe("https://us.i.posthog.com");
		});

		it("has no beforeSend", () => {
			expect(configOf({ apiKey: "phc_test" }).beforeSend).toBeUndefined();
		});
	});

	it("keeps every valid option as given", () => {
		const beforeSend = () => undefined;
		const options = {
			apiKey: "phc_test",
			host: "https://eu.i.posthog.com",
			flushAt: 5,
			flushIntervalSeconds: 2.5,
			maxQueueSize: 10,
			maxBatchSize: 3,
			maxRetries: 0,
			enableCompression: false,
			maxRequestsPerMinute: 500,
			beforeSend,
			disableGeoip: false,
			preloadFeatureFlags: false,
			sendFeatureFlagEvents: false,
			sendDefaultPersonPropertiesForFlags: false,
			featureFlagsSecureKey: "phs_secure",
			featureFlagsPollIntervalSeconds: 120,
			shareFlagDefinitions: false,
			captureLifecycleEvents: false,
			captureErrors: false,
			errorDebounceSeconds: 0,
			personProfiles: "always",
			serverDistinctId: "my-server",
			enableClientRelay: false,
			clientRateLimitPerSecond: 0.5,
			maxClientPropertyCount: 0,
			logLevel: "debug",
		};
		expect(configOf(options)).toEqual(options);
	});

	it("honours false for every boolean option", () => {
		for (const option of BOOLEAN_OPTIONS) {
			const config = configOf({ apiKey: "phc_test", [option]: false }) as unknown as Record<string, unknown>;
			expect(config[option]).toBe(false);
		}
	});

	it("accepts every personProfiles and logLevel value", () => {
		for (const personProfiles of ["identified_only", "always", "never"]) {
			expect(configOf({ apiKey: "phc_test", personProfiles }).personProfiles).toBe(personProfiles);
		}
		for (const logLevel of ["debug", "info", "warn", "error", "none"]) {
			expect(configOf({ apiKey: "phc_test", logLevel }).logLevel).toBe(logLevel);
		}
	});

	it("normalizes the host", () => {
		expect(configOf({ apiKey: "phc_test", host: "eu.i.posthog.com/" }).host).toBe("https://eu.i.posthog.com");
	});

	describe("apiKey", () => {
		it("accepts projectKey as an alias", () => {
			expect(configOf({ projectKey: "phc_alias" }).apiKey).toBe("phc_alias");
		});

		it("accepts apiKey and projectKey together when they agree", () => {
			expect(configOf({ apiKey: "phc_same", projectKey: "phc_same" }).apiKey).toBe("phc_same");
		});

		it("rejects apiKey and projectKey with different values", () => {
			expect(errorOf({ apiKey: "phc_a", projectKey: "phc_b" })).toBe(
				'PostHog:Init: options "apiKey" and "projectKey" are the same option; pass only one of them',
			);
		});

		it("trims surrounding whitespace", () => {
			expect(configOf({ apiKey: "  phc_test\n" }).apiKey).toBe("phc_test");
		});

		it("is required", () => {
			expect(errorOf({})).toBe(
				'PostHog:Init: option "apiKey" is required: your project API key from PostHog project settings (it starts with "phc_")',
			);
		});

		it("is required when Init gets no options at all", () => {
			expect(errorOf(undefined)).toBe(errorOf({}));
		});

		it("rejects an empty key, naming the option used", () => {
			expect(errorOf({ apiKey: "  " })).toBe(
				'PostHog:Init: option "apiKey" must be a non-empty string, got "  " (string)',
			);
			expect(errorOf({ projectKey: "" })).toBe(
				'PostHog:Init: option "projectKey" must be a non-empty string, got "" (string)',
			);
		});

		it("rejects a personal API key", () => {
			expect(errorOf({ apiKey: "phx_secret" })).toBe(
				'PostHog:Init: option "apiKey" looks like a personal API key ("phx_"), which is a secret; use the project API key (it starts with "phc_")',
			);
		});

		it("rejects a feature flags secure key, pointing to featureFlagsSecureKey", () => {
			expect(errorOf({ apiKey: "phs_secret" })).toBe(
				'PostHog:Init: option "apiKey" looks like a feature flags secure key ("phs_"), which is a secret; use the project API key (it starts with "phc_") and pass the secure key as featureFlagsSecureKey, from a server Script only',
			);
		});
	});

	describe("featureFlagsSecureKey", () => {
		it("is off by default", () => {
			expect(configOf({ apiKey: "phc_test" }).featureFlagsSecureKey).toBeUndefined();
		});

		it("accepts a feature flags secure key and a personal API key, trimmed", () => {
			expect(configOf({ apiKey: "phc_test", featureFlagsSecureKey: "phs_abc" }).featureFlagsSecureKey).toBe("phs_abc");
			expect(configOf({ apiKey: "phc_test", featureFlagsSecureKey: " phx_abc\n" }).featureFlagsSecureKey).toBe(
				"phx_abc",
			);
		});

		const rejected: Array<[string, unknown, string]> = [
			["the project API key", "phc_project", 'a string starting with "phc_"'],
			["a bare prefix", "phs_", 'a string starting with "phs_"'],
			["an unknown key", "sk_live_0123456789", 'a string starting with "sk_l"'],
			["an empty string", "  ", "an empty string"],
			["a number", 42, "42 (number)"],
		];
		for (const [what, value, got] of rejected) {
			it(`rejects ${what} without showing more than its first 4 characters`, () => {
				expect(errorOf({ apiKey: "phc_test", featureFlagsSecureKey: value })).toBe(
					`PostHog:Init: option "featureFlagsSecureKey" must be a key starting with "phs_" or a key starting with "phx_", got ${got}`,
				);
			});
		}
	});

	describe("featureFlagsPollIntervalSeconds", () => {
		it("defaults to 30 seconds", () => {
			expect(configOf({ apiKey: "phc_test" }).featureFlagsPollIntervalSeconds).toBe(30);
		});

		it("accepts 10 seconds and more, fractions included", () => {
			expect(
				configOf({ apiKey: "phc_test", featureFlagsPollIntervalSeconds: 10 }).featureFlagsPollIntervalSeconds,
			).toBe(10);
			expect(
				configOf({ apiKey: "phc_test", featureFlagsPollIntervalSeconds: 45.5 }).featureFlagsPollIntervalSeconds,
			).toBe(45.5);
		});
	});

	it("accepts allowClientEvents as an alias of enableClientRelay", () => {
		expect(configOf({ apiKey: "phc_test", allowClientEvents: false }).enableClientRelay).toBe(false);
	});

	it("rejects enableClientRelay and allowClientEvents with different values", () => {
		expect(errorOf({ apiKey: "phc_test", enableClientRelay: true, allowClientEvents: false })).toBe(
			'PostHog:Init: options "enableClientRelay" and "allowClientEvents" are the same option; pass only one of them',
		);
	});

	it("rejects options that are not a table", () => {
		expect(errorOf("phc_test")).toBe('PostHog:Init: options must be a table, got "phc_test" (string)');
		expect(errorOf(5)).toBe("PostHog:Init: options must be a table, got 5 (number)");
	});

	describe("an unknown option", () => {
		it("is rejected with its name", () => {
			expect(errorOf({ apiKey: "phc_test", colour: "red" })).toBe('PostHog:Init: unknown option "colour"');
		});

		it("suggests the option it most likely meant", () => {
			expect(errorOf({ apiKey: "phc_test", flush_at: 5 })).toBe(
				'PostHog:Init: unknown option "flush_at" (did you mean "flushAt"?)',
			);
			expect(errorOf({ apiKey: "phc_test", loglevel: "debug" })).toBe(
				'PostHog:Init: unknown option "loglevel" (did you mean "logLevel"?)',
			);
		});

		it("is reported even when a key is not a string", () => {
			expect(errorOf({ apiKey: "phc_test", [1]: "x" })).toBe('PostHog:Init: unknown option "1"');
		});

		it("is reported before invalid values", () => {
			expect(errorOf({ apiKey: "phc_test", flushAt: 0, zzz: 1 })).toBe('PostHog:Init: unknown option "zzz"');
		});
	});

	describe("an invalid value", () => {
		const NAN = 0 / 0;
		const CASES: Array<[option: string, value: unknown, expected: string]> = [
			["flushAt", "20", 'must be an integer >= 1, got "20" (string)'],
			["flushAt", 0, "must be an integer >= 1, got 0 (number)"],
			["flushAt", 1.5, "must be an integer >= 1, got 1.5 (number)"],
			["flushAt", NAN, "must be an integer >= 1, got "],
			["flushAt", math.huge, "must be an integer >= 1, got inf (number)"],
			["flushIntervalSeconds", 0.5, "must be a number >= 1, got 0.5 (number)"],
			["flushIntervalSeconds", "30", 'must be a number >= 1, got "30" (string)'],
			["maxQueueSize", 0, "must be an integer >= 1, got 0 (number)"],
			["maxBatchSize", -5, "must be an integer >= 1, got -5 (number)"],
			["maxRetries", -1, "must be an integer from 0 to 10, got -1 (number)"],
			["maxRetries", 11, "must be an integer from 0 to 10, got 11 (number)"],
			["maxRequestsPerMinute", 0, "must be an integer from 1 to 500, got 0 (number)"],
			["maxRequestsPerMinute", 501, "must be an integer from 1 to 500, got 501 (number)"],
			["errorDebounceSeconds", -1, "must be a number >= 0, got -1 (number)"],
			["featureFlagsPollIntervalSeconds", 5, "must be a number >= 10, got 5 (number)"],
			["featureFlagsPollIntervalSeconds", "30", 'must be a number >= 10, got "30" (string)'],
			["clientRateLimitPerSecond", -0.5, "must be a number >= 0, got -0.5 (number)"],
			["maxClientPropertyCount", 2.5, "must be an integer >= 0, got 2.5 (number)"],
			["personProfiles", "sometimes", 'must be one of "identified_only", "always", "never", got "sometimes" (string)'],
			["logLevel", "WARN", 'must be one of "debug", "info", "warn", "error", "none", got "WARN" (string)'],
			["logLevel", 2, 'must be one of "debug", "info", "warn", "error", "none", got 2 (number)'],
			["serverDistinctId", "", 'must be a non-empty string, got "" (string)'],
			["serverDistinctId", " \t", 'must be a non-empty string, got " \t" (string)'],
			["serverDistinctId", 7, "must be a non-empty string, got 7 (number)"],
			[
				"host",
				"ftp://example.com",
				'must be an http(s) URL such as "https://us.i.posthog.com", got "ftp://example.com" (string)',
			],
			["host", 42, 'must be an http(s) URL such as "https://us.i.posthog.com", got 42 (number)'],
			["beforeSend", "drop", 'must be a function, got "drop" (string)'],
			["enableCompression", "true", 'must be true or false, got "true" (string)'],
			["captureErrors", 1, "must be true or false, got 1 (number)"],
			["apiKey", 12345, "must be a non-empty string, got 12345 (number)"],
		];

		for (const [option, value, expected] of CASES) {
			it(`of ${option} (${tostring(value)}) names the option`, () => {
				const input: Record<string, unknown> = { apiKey: "phc_test" };
				input[option] = value;
				const message = errorOf(input);
				const prefix = `PostHog:Init: option "${option}" `;
				expect(message.sub(1, prefix.size())).toBe(prefix);
				expect(message.sub(prefix.size() + 1, prefix.size() + expected.size())).toBe(expected);
			});
		}

		it("of any option names that option", () => {
			for (const [option] of pairs(CONFIG_DEFAULTS)) {
				const message = errorOf({ apiKey: "phc_test", [option]: { nested: true } });
				expect(message).toBe(errorOf({ apiKey: "phc_test", [option]: { other: 1 } }));
				expect(message.find(`option "${option}" must be`, 1, true)[0]).toBe(1 + "PostHog:Init: ".size());
			}
		});
	});
});
