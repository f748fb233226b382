import { describe, expect, it } from "@rbxts/jest-globals";
import { buildFlagsRequest } from "../../../core/flags/buildFlagsRequest";
import { fetchFlags, FetchFlagsOptions, FetchFlagsResult } from "../../../core/flags/fetchFlags";
import { HttpRequest } from "../../../core/platform";
import { FakePlatform, fakePlatform, harnessJson, ScriptedAnswer } from "../../support/fakePlatform";

const OK_BODY = '{"flags": {"beta": {"key": "beta", "enabled": true}}, "requestId": "req-1"}';

function flagsRequest(): HttpRequest {
	const built = buildFlagsRequest(
		{ host: "https://us.i.posthog.com", apiKey: "phc_test", distinctId: "123" },
		harnessJson,
	);
	assert(built.kind === "request", "the request builds");
	return built.request;
}

/** Runs fetchFlags in a fake thread against scripted answers; returns its result and the platform. */
function fetchWith(answers: Array<ScriptedAnswer>, options?: FetchFlagsOptions): [FetchFlagsResult, FakePlatform] {
	const platform = fakePlatform();
	platform.http.answer(...answers);
	let result: FetchFlagsResult | undefined;
	platform.scheduler.spawn(() => {
		result = fetchFlags(flagsRequest(), platform, options);
	});
	platform.scheduler.advance(10);
	assert(result !== undefined, "fetchFlags finished");
	return [result, platform];
}

describe("fetchFlags", () => {
	it("returns the parsed flags of a 200", () => {
		const [result, platform] = fetchWith([{ status: 200, body: OK_BODY }]);
		expect(result).toMatchObject({ kind: "ok", attempts: 1, response: { requestId: "req-1" } });
		expect(platform.http.requests.size()).toBe(1);
	});

	it("passes the 3 s timeout to the HTTP client", () => {
		const [, platform] = fetchWith([{ status: 200, body: OK_BODY }]);
		expect(platform.http.requests[0].request.timeoutSeconds).toBe(3);
	});

	describe("retries", () => {
		const retried: Array<[string, ScriptedAnswer]> = [
			["502", { status: 502 }],
			["504", { status: 504 }],
			["a transport error", { error: "HttpError: ConnectFail" }],
			["a timeout", { error: "HttpError: Timedout" }],
		];
		for (const [description, failure] of retried) {
			it(`retries ${description} once, 300 ms later`, () => {
				const [result, platform] = fetchWith([failure, { status: 200, body: OK_BODY }]);
				expect(result).toMatchObject({ kind: "ok", attempts: 2 });
				expect(platform.http.requests.size()).toBe(2);
				expect(platform.http.requests[1].at - platform.http.requests[0].at).toBeCloseTo(0.3);
			});
		}

		const notRetried: Array<number> = [500, 503, 429, 408, 400, 401, 404];
		for (const status of notRetried) {
			it(`does not retry ${status}`, () => {
				const [result, platform] = fetchWith([{ status }, { status: 200, body: OK_BODY }]);
				expect(result).toMatchObject({ kind: "error", error: `api_error_${status}`, status, attempts: 1 });
				expect(platform.http.requests.size()).toBe(1);
			});
		}

		it("gives up after one retry", () => {
			const [result, platform] = fetchWith([{ status: 502 }, { status: 502 }, { status: 200, body: OK_BODY }]);
			expect(result).toMatchObject({ kind: "error", error: "api_error_502", attempts: 2 });
			expect(platform.http.requests.size()).toBe(2);
		});

		it("doubles the delay for further retries", () => {
			const [, platform] = fetchWith([{ status: 504 }, { status: 504 }, { status: 504 }], { maxRetries: 2 });
			const times = platform.http.requests.map((recorded) => recorded.at);
			expect(times.size()).toBe(3);
			expect(times[1] - times[0]).toBeCloseTo(0.3);
			expect(times[2] - times[1]).toBeCloseTo(0.6);
		});

		it("does not retry when retries are off", () => {
			const [, platform] = fetchWith([{ status: 502 }, { status: 200, body: OK_BODY }], { maxRetries: 0 });
			expect(platform.http.requests.size()).toBe(1);
		});
	});

	describe("error codes", () => {
		const cases: Array<[string, Array<ScriptedAnswer>, string]> = [
			["a timeout", [{ error: "HttpError: Timedout" }, { error: "HttpError: Timedout" }], "timeout"],
			[
				"a connection failure",
				[{ error: "HttpError: DnsResolve" }, { error: "HttpError: DnsResolve" }],
				"connection_error",
			],
			["an HTTP error", [{ status: 500 }], "api_error_500"],
			["a quota limit", [{ status: 200, body: '{"flags": {}, "quotaLimited": ["feature_flags"]}' }], "quota_limited"],
			["an unreadable body", [{ status: 200, body: "<html>" }], "unknown_error"],
		];
		for (const [description, answers, code] of cases) {
			it(`names ${description} ${code}`, () => {
				const [result] = fetchWith(answers);
				expect(result).toMatchObject({ kind: "error", error: code });
			});
		}

		it("flags a partial answer errors_while_computing_flags but returns its flags", () => {
			const body = '{"flags": {"beta": {"key": "beta", "enabled": true}}, "errorsWhileComputingFlags": true}';
			const [result] = fetchWith([{ status: 200, body }]);
			expect(result).toMatchObject({ kind: "ok", error: "errors_while_computing_flags" });
		});

		it("flags an answer with failed flags errors_while_computing_flags", () => {
			const body = '{"flags": {"beta": {"key": "beta", "enabled": false, "failed": true}}}';
			const [result] = fetchWith([{ status: 200, body }]);
			expect(result).toMatchObject({ kind: "ok", error: "errors_while_computing_flags" });
		});
	});
});
