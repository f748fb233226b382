import { describe, expect, it } from "@rbxts/jest-globals";
import { FlagDefinitions } from "../../../core/flags/FlagDefinition";
import {
	buildDefinitionsRequest,
	DefinitionsAction,
	FlagDefinitionsPoller,
	FlagDefinitionsPollerOptions,
	handleDefinitionsResponse,
} from "../../../core/flags/FlagDefinitionsPoller";
import { HttpResult } from "../../../core/platform";
import { FakePlatform, fakePlatform, harnessJson, ScriptedAnswer } from "../../support/fakePlatform";

const DEFINITIONS_BODY = '{"flags": [{"key": "beta", "active": true, "filters": {"groups": [{"properties": []}]}}]}';
const OK: ScriptedAnswer = { status: 200, headers: { etag: '"v1"' }, body: DEFINITIONS_BODY };

function aPoller(overrides: Partial<FlagDefinitionsPollerOptions> = {}): [FlagDefinitionsPoller, FakePlatform] {
	const platform = fakePlatform();
	const poller = new FlagDefinitionsPoller(
		{
			host: "https://us.i.posthog.com",
			projectApiKey: "phc_test",
			secretKey: "phs_secret",
			pollIntervalSeconds: 30,
			...overrides,
		},
		{ ...platform, logger: platform.logger },
	);
	return [poller, platform];
}

function response(status: number, body = "", headers: Record<string, string> = {}): HttpResult {
	return { kind: "response", status, headers, body };
}

describe("buildDefinitionsRequest", () => {
	it("gets /flags/definitions with the project token, cohorts and the secret key as bearer", () => {
		const request = buildDefinitionsRequest({
			host: "https://eu.i.posthog.com",
			projectApiKey: "phc_test",
			secretKey: "phs_secret",
		});
		expect(request).toEqual({
			url: "https://eu.i.posthog.com/flags/definitions?token=phc_test&send_cohorts",
			method: "GET",
			headers: { authorization: "Bearer phs_secret" },
			gzip: false,
			timeoutSeconds: 10,
		});
	});

	it("sends if-none-match with the held ETag", () => {
		const request = buildDefinitionsRequest({ host: "h", projectApiKey: "k", secretKey: "s", etag: '"v1"' });
		expect(request.headers["if-none-match"]).toBe('"v1"');
	});
});

describe("handleDefinitionsResponse", () => {
	const kind = (action: DefinitionsAction) => action.kind;
	const cases: Array<[string, HttpResult, string]> = [
		["200", response(200, DEFINITIONS_BODY), "store"],
		["304", response(304), "keep"],
		["401", response(401), "clear"],
		["403", response(403), "clear"],
		["402", response(402), "clear"],
		["429", response(429), "retryLater"],
		["500", response(500), "retryLater"],
		["503", response(503), "retryLater"],
		["404", response(404), "retryLater"],
		["a transport error", { kind: "error", message: "HttpError: Timedout" }, "retryLater"],
		["a 200 that is not JSON", response(200, "<html>"), "retryLater"],
		["a 200 without flags", response(200, "{}"), "retryLater"],
	];
	for (const [description, result, expected] of cases) {
		it(`answers ${expected} to ${description}`, () => {
			expect(kind(handleDefinitionsResponse(result, harnessJson))).toBe(expected);
		});
	}

	it("takes the ETag of a 200", () => {
		expect(handleDefinitionsResponse(response(200, DEFINITIONS_BODY, { etag: '"v2"' }), harnessJson)).toMatchObject({
			kind: "store",
			etag: '"v2"',
		});
	});

	it("tells 402 (quota) from 401 (key)", () => {
		expect(handleDefinitionsResponse(response(402), harnessJson)).toMatchObject({ reason: "quotaLimited" });
		expect(handleDefinitionsResponse(response(401), harnessJson)).toMatchObject({ reason: "unauthorized" });
	});
});

describe("FlagDefinitionsPoller", () => {
	it("loads right away on start, then polls every interval with the ETag", () => {
		const [poller, platform] = aPoller();
		platform.http.answer(OK, { status: 304 });
		poller.start();
		expect(poller.getDefinitions()?.flagsByKey.has("beta")).toBe(true);
		expect(poller.getLoadedAtMillis()).toBe(platform.clock.nowMillis());
		platform.scheduler.advance(30);
		expect(platform.http.requests.size()).toBe(2);
		expect(platform.http.requests[1].at).toBe(30);
		expect(platform.http.requests[1].request.headers["if-none-match"]).toBe('"v1"');
		expect(poller.getDefinitions()?.flagsByKey.has("beta")).toBe(true);
		poller.stop();
	});

	it("keeps the last good definitions on 429, 5xx and transport errors, backing off", () => {
		const [poller, platform] = aPoller();
		platform.http.answer(OK, { status: 500 }, { status: 429 }, { error: "HttpError: ConnectFail" });
		poller.start();
		platform.scheduler.advance(30 + 60 + 120);
		const times = platform.http.requests.map((recorded) => recorded.at);
		expect(times).toEqual([0, 30, 90, 210]);
		expect(poller.getDefinitions()?.flagsByKey.has("beta")).toBe(true);
		expect(platform.logOutput.containing("loading feature flag definitions failed").size() > 0).toBe(true);
		poller.stop();
	});

	it("caps the backoff and returns to the interval after a success", () => {
		const [poller, platform] = aPoller({ maxBackoffSeconds: 100 });
		platform.http.answer({ status: 500 }, { status: 500 }, { status: 500 }, OK, OK);
		poller.start();
		platform.scheduler.advance(1000);
		const times = platform.http.requests.map((recorded) => recorded.at);
		// 0 fails (next in 60), 60 fails (next in 100, capped), 160 fails (100), 260 loads (then every 30)
		expect([times[0], times[1], times[2], times[3], times[4]]).toEqual([0, 60, 160, 260, 290]);
		poller.stop();
	});

	it("clears the definitions on 401 and logs the key problem once", () => {
		const [poller, platform] = aPoller();
		platform.http.answer(OK, { status: 401 }, { status: 401 });
		poller.start();
		platform.scheduler.advance(30 + 120);
		expect(poller.getDefinitions()).toBe(undefined);
		expect(platform.logOutput.containing("refused the key for flag definitions").size()).toBe(1);
		expect(platform.http.requests[2].request.headers["if-none-match"]).toBe(undefined);
		poller.stop();
	});

	it("clears the definitions on 402", () => {
		const [poller, platform] = aPoller();
		platform.http.answer(OK, { status: 402 });
		poller.start();
		platform.scheduler.advance(30);
		expect(poller.getDefinitions()).toBe(undefined);
		expect(platform.logOutput.containing("over quota").size()).toBe(1);
		poller.stop();
	});

	it("tells onChange about stored and cleared definitions", () => {
		const changes = new Array<string>();
		const [poller, platform] = aPoller({
			onChange: (definitions?: FlagDefinitions) => changes.push(definitions === undefined ? "cleared" : "stored"),
		});
		platform.http.answer(OK, { status: 304 }, { status: 403 });
		poller.start();
		platform.scheduler.advance(60);
		expect(changes).toEqual(["stored", "cleared"]);
		poller.stop();
	});

	it("stops polling on stop", () => {
		const [poller, platform] = aPoller();
		platform.http.answer(OK, OK);
		poller.start();
		poller.stop();
		platform.scheduler.advance(120);
		expect(platform.http.requests.size()).toBe(1);
		expect(platform.scheduler.pendingTimers()).toBe(0);
	});

	it("answers busy to a poll while one is in flight", () => {
		const [poller, platform] = aPoller();
		platform.http.answer({ ...OK, afterSeconds: 5 });
		poller.start();
		expect(poller.pollNow()).toBe("busy");
		platform.scheduler.advance(5);
		expect(poller.getDefinitions()).never.toBe(undefined);
		poller.stop();
	});
});
