// PostHog:Init's configuration through the server: every validation error names its option, aliases
// and host normalisation show up in what PostHog receives, and Init refuses to run twice or on a
// client.
import { describe, expect, it } from "@rbxts/jest-globals";
import { installSdk, PostHogApi, sdkOutput } from "../support/sdk";
import { linesWith, specOptions, useServerSpec } from "../support/serverSpec";

type Options = Record<string, unknown>;

/** An option value that removes the option from the valid defaults (a nil would just be absent). */
const REMOVE = { remove: true };

/** [what is wrong, the options besides a valid apiKey and host, text the error must contain]. */
const BAD_OPTIONS: Array<[string, Options, string]> = [
	["apiKey is a number", { apiKey: 123 }, 'option "apiKey" must be a non-empty string, got 123 (number)'],
	["apiKey is empty", { apiKey: "" }, 'option "apiKey" must be a non-empty string'],
	["apiKey is blank", { apiKey: "   " }, 'option "apiKey" must be a non-empty string'],
	["apiKey is a personal API key", { apiKey: "phx_secret" }, 'option "apiKey" looks like a personal API key'],
	["projectKey is a number", { apiKey: REMOVE, projectKey: 5 }, 'option "projectKey" must be a non-empty string'],
	[
		"apiKey and projectKey differ",
		{ projectKey: "phc_other" },
		'options "apiKey" and "projectKey" are the same option',
	],
	["host is a number", { host: 42 }, 'option "host" must be an http(s) URL'],
	["host has another scheme", { host: "ftp://example.com" }, 'option "host" must be an http(s) URL'],
	["host is empty", { host: "" }, 'option "host" must be an http(s) URL'],
	["host is malformed", { host: "https:/us.i.posthog.com" }, 'option "host" must be an http(s) URL'],
	["host has a space", { host: "https://us.i.post hog.com" }, 'option "host" must be an http(s) URL'],
	["flushAt is a string", { flushAt: "20" }, 'option "flushAt" must be an integer >= 1, got "20" (string)'],
	["flushAt is 0", { flushAt: 0 }, 'option "flushAt" must be an integer >= 1, got 0 (number)'],
	["flushAt is fractional", { flushAt: 1.5 }, 'option "flushAt" must be an integer >= 1'],
	["flushAt is NaN", { flushAt: 0 / 0 }, 'option "flushAt" must be an integer >= 1'],
	["flushAt is infinite", { flushAt: math.huge }, 'option "flushAt" must be an integer >= 1'],
	["flushIntervalSeconds is 0", { flushIntervalSeconds: 0 }, 'option "flushIntervalSeconds" must be a number >= 1'],
	["flushIntervalSeconds is 0.5", { flushIntervalSeconds: 0.5 }, 'option "flushIntervalSeconds" must be a number >= 1'],
	["flushIntervalSeconds is a string", { flushIntervalSeconds: "30" }, 'option "flushIntervalSeconds"'],
	["maxQueueSize is 0", { maxQueueSize: 0 }, 'option "maxQueueSize" must be an integer >= 1'],
	["maxQueueSize is fractional", { maxQueueSize: 10.5 }, 'option "maxQueueSize" must be an integer >= 1'],
	["maxBatchSize is 0", { maxBatchSize: 0 }, 'option "maxBatchSize" must be an integer >= 1'],
	["maxBatchSize is a boolean", { maxBatchSize: true }, 'option "maxBatchSize" must be an integer >= 1, got true'],
	["maxRetries is negative", { maxRetries: -1 }, 'option "maxRetries" must be an integer from 0 to 10'],
	["maxRetries is over 10", { maxRetries: 11 }, 'option "maxRetries" must be an integer from 0 to 10'],
	["maxRetries is fractional", { maxRetries: 2.5 }, 'option "maxRetries" must be an integer from 0 to 10'],
	[
		"maxRequestsPerMinute is 0",
		{ maxRequestsPerMinute: 0 },
		'option "maxRequestsPerMinute" must be an integer from 1 to 500',
	],
	[
		"maxRequestsPerMinute is over 500",
		{ maxRequestsPerMinute: 501 },
		'option "maxRequestsPerMinute" must be an integer from 1 to 500',
	],
	["enableCompression is a string", { enableCompression: "yes" }, 'option "enableCompression" must be true or false'],
	["enableCompression is a number", { enableCompression: 1 }, 'option "enableCompression" must be true or false'],
	["disableGeoip is a string", { disableGeoip: "false" }, 'option "disableGeoip" must be true or false, got "false"'],
	["disableGeoip is a number", { disableGeoip: 0 }, 'option "disableGeoip" must be true or false, got 0 (number)'],
	["beforeSend is a string", { beforeSend: "scrub" }, 'option "beforeSend" must be a function, got "scrub" (string)'],
	["beforeSend is a table", { beforeSend: {} }, 'option "beforeSend" must be a function, got a table'],
	[
		"preloadFeatureFlags is a string",
		{ preloadFeatureFlags: "true" },
		'option "preloadFeatureFlags" must be true or false',
	],
	[
		"sendFeatureFlagEvents is a number",
		{ sendFeatureFlagEvents: 0 },
		'option "sendFeatureFlagEvents" must be true or false',
	],
	[
		"sendDefaultPersonPropertiesForFlags is a string",
		{ sendDefaultPersonPropertiesForFlags: "no" },
		'option "sendDefaultPersonPropertiesForFlags" must be true or false',
	],
	[
		"captureLifecycleEvents is a string",
		{ captureLifecycleEvents: "false" },
		'option "captureLifecycleEvents" must be true or false',
	],
	["captureErrors is a number", { captureErrors: 1 }, 'option "captureErrors" must be true or false'],
	[
		"errorDebounceSeconds is negative",
		{ errorDebounceSeconds: -1 },
		'option "errorDebounceSeconds" must be a number >= 0',
	],
	[
		"errorDebounceSeconds is a string",
		{ errorDebounceSeconds: "1" },
		'option "errorDebounceSeconds" must be a number >= 0',
	],
	[
		"personProfiles is unknown",
		{ personProfiles: "sometimes" },
		'option "personProfiles" must be one of "identified_only", "always", "never"',
	],
	["personProfiles is in capitals", { personProfiles: "ALWAYS" }, 'option "personProfiles" must be one of'],
	["personProfiles is a boolean", { personProfiles: true }, 'option "personProfiles" must be one of'],
	["serverDistinctId is empty", { serverDistinctId: "" }, 'option "serverDistinctId" must be a non-empty string'],
	["serverDistinctId is blank", { serverDistinctId: "   " }, 'option "serverDistinctId" must be a non-empty string'],
	["serverDistinctId is a number", { serverDistinctId: 5 }, 'option "serverDistinctId" must be a non-empty string'],
	["enableClientRelay is a string", { enableClientRelay: "on" }, 'option "enableClientRelay" must be true or false'],
	["allowClientEvents is a string", { allowClientEvents: "no" }, 'option "allowClientEvents" must be true or false'],
	[
		"enableClientRelay and allowClientEvents differ",
		{ enableClientRelay: true, allowClientEvents: false },
		'options "enableClientRelay" and "allowClientEvents" are the same option',
	],
	[
		"clientRateLimitPerSecond is negative",
		{ clientRateLimitPerSecond: -1 },
		'option "clientRateLimitPerSecond" must be a number >= 0',
	],
	[
		"maxClientPropertyCount is fractional",
		{ maxClientPropertyCount: 2.5 },
		'option "maxClientPropertyCount" must be an integer >= 0',
	],
	[
		"logLevel is unknown",
		{ logLevel: "verbose" },
		'option "logLevel" must be one of "debug", "info", "warn", "error", "none"',
	],
	["logLevel is in capitals", { logLevel: "WARN" }, 'option "logLevel" must be one of'],
	["logLevel is a number", { logLevel: 3 }, 'option "logLevel" must be one of'],
	["an option is unknown", { colour: "red" }, 'unknown option "colour"'],
	["an option is in snake case", { flush_at: 20 }, 'unknown option "flush_at" (did you mean "flushAt"?)'],
	["an option has the wrong case", { apikey: "phc_x" }, 'unknown option "apikey" (did you mean "apiKey"?)'],
	["an option is misspelt with underscores", { max_batch_size: 10 }, '(did you mean "maxBatchSize"?)'],
];

describe("PostHog:Init configuration", () => {
	const spec = useServerSpec({ shared: true });

	/** Valid options for the fake, with `overrides` merged over them (REMOVE removes one). */
	function options(overrides: Options): Options {
		const merged = specOptions(spec.fake, overrides);
		for (const [key, value] of pairs(overrides)) {
			if (value === REMOVE) delete merged[key];
		}
		return merged;
	}

	describe("validation", () => {
		for (const [what, overrides, message] of BAD_OPTIONS) {
			it(`fails when ${what}, naming the option`, () => {
				expect(() => spec.PostHog.Init(options(overrides) as never)).toThrow(message);
			});
		}

		it("fails when apiKey is missing", () => {
			expect(() => spec.PostHog.Init({ host: spec.fake.url })).toThrow('option "apiKey" is required');
		});

		it("fails when Init gets no options", () => {
			expect(() => spec.PostHog.Init(undefined as never)).toThrow('option "apiKey" is required');
		});

		it("fails when the options are not a table", () => {
			expect(() => spec.PostHog.Init("phc_key" as never)).toThrow("options must be a table");
		});

		it("leaves the SDK stopped after a failed Init", () => {
			expect(() => spec.PostHog.Init(options({ flushAt: 0 }) as never)).toThrow("flushAt");
			expect(spec.PostHog.IsInitialized()).toBe(false);
		});

		it("sends nothing after a failed Init", () => {
			expect(() => spec.PostHog.Init(options({ maxRetries: 99 }) as never)).toThrow("maxRetries");
			spec.PostHog.Capture(undefined, "clicked");
			spec.PostHog.Flush();
			spec.world.runFor(40);
			expect(spec.fake.requests().size()).toBe(0);
		});

		it("starts with a corrected configuration after a failed Init", () => {
			expect(() => spec.PostHog.Init(options({ flushAt: "1" }) as never)).toThrow("flushAt");
			spec.PostHog.Init(options({ flushAt: 1 }));
			spec.PostHog.Capture(undefined, "clicked");
			spec.world.runFor(1);
			expect(spec.deliveredNames()).toEqual(["clicked"]);
		});

		it("accepts every documented option at once", () => {
			spec.PostHog.Init(
				options({
					flushAt: 20,
					flushIntervalSeconds: 30,
					maxQueueSize: 1000,
					maxBatchSize: 50,
					maxRetries: 3,
					enableCompression: true,
					maxRequestsPerMinute: 60,
					beforeSend: (event: unknown) => event,
					preloadFeatureFlags: false,
					sendFeatureFlagEvents: true,
					sendDefaultPersonPropertiesForFlags: true,
					captureLifecycleEvents: false,
					captureErrors: false,
					errorDebounceSeconds: 1,
					personProfiles: "identified_only",
					serverDistinctId: "server",
					enableClientRelay: true,
					clientRateLimitPerSecond: 20,
					maxClientPropertyCount: 100,
					logLevel: "warn",
				}),
			);
			expect(spec.PostHog.IsInitialized()).toBe(true);
		});
	});

	describe("aliases", () => {
		it("sends projectKey as the api key", () => {
			spec.PostHog.Init(options({ apiKey: REMOVE, projectKey: "phc_project_alias" }));
			spec.PostHog.Capture(undefined, "clicked");
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect((spec.batchRequests()[0].json as { api_key: string }).api_key).toBe("phc_project_alias");
		});

		it("accepts apiKey and projectKey when they agree", () => {
			spec.PostHog.Init(options({ apiKey: "phc_same", projectKey: "phc_same" }));
			expect(spec.PostHog.IsInitialized()).toBe(true);
		});

		it("trims spaces around the api key", () => {
			spec.PostHog.Init(options({ apiKey: "  phc_padded  " }));
			spec.PostHog.Capture(undefined, "clicked");
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect((spec.batchRequests()[0].json as { api_key: string }).api_key).toBe("phc_padded");
		});

		it("creates no relay RemoteEvent with allowClientEvents = false", () => {
			spec.PostHog.Init(options({ allowClientEvents: false }));
			expect(spec.server.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")).toBe(undefined);
		});

		it("creates the relay RemoteEvent with allowClientEvents = true", () => {
			spec.PostHog.Init(options({ allowClientEvents: true }));
			expect(spec.server.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")).never.toBe(undefined);
		});
	});

	describe("host", () => {
		const hosts: Array<[string, (url: string) => string]> = [
			["with trailing slashes", (url) => url + "///"],
			["with an upper-case scheme", (url) => "HTTP" + url.sub(5) + "/"],
			["with spaces around it", (url) => `  ${url}  `],
		];
		for (const [what, host] of hosts) {
			it(`posts to {host}/batch/ for a host ${what}`, () => {
				spec.PostHog.Init(options({ host: host(spec.fake.url) }));
				spec.PostHog.Capture(undefined, "clicked");
				spec.PostHog.Flush();
				spec.world.runFor(1);
				const requests = spec.batchRequests();
				expect(requests.size()).toBe(1);
				expect(requests[0].path).toBe("/batch/");
			});
		}

		it("keeps a path prefix of a self-hosted or proxied host", () => {
			spec.PostHog.Init(options({ host: spec.fake.url + "/ingest/" }));
			spec.PostHog.Capture(undefined, "clicked");
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.fake.requests()[0].path).toBe("/ingest/batch/");
		});

		it("adds https:// to a host given without a scheme", () => {
			spec.PostHog.Init(options({ host: "us.i.posthog.com", logLevel: "debug" }));
			expect(linesWith(spec.output(), "sending to https://us.i.posthog.com").size()).toBe(1);
		});

		const appHosts: Array<[string, string]> = [
			["https://app.posthog.com", "https://us.i.posthog.com"],
			["https://us.posthog.com/", "https://us.i.posthog.com"],
			["eu.posthog.com", "https://eu.i.posthog.com"],
		];
		for (const [host, ingestion] of appHosts) {
			it(`sends to ${ingestion} when host is the app host ${host}`, () => {
				spec.PostHog.Init(options({ host, logLevel: "debug" }));
				expect(linesWith(spec.output(), `sending to ${ingestion}`).size()).toBe(1);
			});
		}
	});

	describe("calling Init again", () => {
		it("warns that the SDK is already running", () => {
			spec.init();
			spec.init({ flushAt: 1 });
			expect(linesWith(spec.warnings(), "PostHog:Init was called again").size()).toBe(1);
		});

		it("keeps the first configuration", () => {
			spec.init({ serverDistinctId: "first" });
			spec.init({ serverDistinctId: "second" });
			spec.PostHog.Capture(undefined, "clicked");
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.delivered()[0].distinct_id).toBe("first");
		});

		it("does not validate the second configuration", () => {
			spec.init();
			expect(() => spec.PostHog.Init(options({ flushAt: "bad" }) as never)).never.toThrow();
			expect(spec.PostHog.IsInitialized()).toBe(true);
		});
	});
});

describe("PostHog:Init on a client", () => {
	const spec = useServerSpec({ shared: true });

	/** The module as a LocalScript gets it from require(ReplicatedStorage.PostHog). */
	function clientModule() {
		const client = spec.world.joinPlayer();
		spec.world.runFor(0.2);
		const module = installSdk(spec.world, client);
		return { client, PostHog: client.require(module) as PostHogApi };
	}

	it("is ignored with a warning when the server SDK's Init runs on a client", () => {
		const { client, PostHog } = clientModule();
		PostHog.PostHog.Init(specOptions(spec.fake));
		expect(PostHog.PostHog.IsInitialized()).toBe(false);
		expect(linesWith(sdkOutput(client, "warn"), "must be called from a server Script").size()).toBe(1);
	});

	it("warns that a key passed to the client relay's Init is ignored", () => {
		const { client, PostHog } = clientModule();
		PostHog.Init(specOptions(spec.fake));
		const warnings = sdkOutput(client, "warn");
		expect(warnings.size()).toBe(1);
		expect(warnings[0]).toContain("apiKey");
	});

	it("sends nothing to PostHog from the client", () => {
		const { PostHog } = clientModule();
		PostHog.PostHog.Init(specOptions(spec.fake));
		PostHog.PostHog.Capture(undefined, "from_client");
		spec.world.runFor(40);
		expect(spec.fake.requests().size()).toBe(0);
	});
});
