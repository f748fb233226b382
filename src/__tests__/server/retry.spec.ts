// The retry contract (posthog-protocol.md §5, posthog-sdk-test-harness capture_tests.yaml): which
// answers are retried, how many times, how far apart (read from the fake's arrival times, in world
// seconds), and which are dropped at once.
import { describe, expect, it } from "@rbxts/jest-globals";
import { ScriptedResponse } from "../support/fakePostHog";
import { eventsOf, linesWith, useServerSpec, uuidsOf } from "../support/serverSpec";

/** backoffSeconds: 1 s doubling per retry, ±25 % jitter, capped at 30 s. */
const BASE_SECONDS = 1;
const JITTER = 0.25;
const CAP_SECONDS = 30;
/** Slack for the scheduler's step when comparing arrival times. */
const EPSILON = 0.02;

function times(response: ScriptedResponse, count: number): ScriptedResponse[] {
	const responses = new Array<ScriptedResponse>();
	// Separate tables: the harness JSONEncode treats a repeated table as a cycle.
	for (let i = 0; i < count; i++) {
		const copy = table.clone(response);
		if (response.headers !== undefined) copy.headers = table.clone(response.headers);
		responses.push(copy);
	}
	return responses;
}

describe("retries", () => {
	const spec = useServerSpec({ shared: true });

	/** Captures `count` events and flushes them as one batch. */
	function captureAndFlush(count = 1) {
		for (let i = 1; i <= count; i++) spec.PostHog.Capture(`user-${i}`, "clicked");
		spec.PostHog.Flush();
	}

	function gaps(): number[] {
		const times = spec.arrivals();
		const result = new Array<number>();
		for (let i = 1; i < times.size(); i++) result.push(times[i] - times[i - 1]);
		return result;
	}

	describe("retryable answers", () => {
		for (const status of [500, 502, 503, 504, 408, 429]) {
			it(`retries a batch answered ${status}, then delivers it`, () => {
				spec.init();
				spec.fake.script("batch", [{ status }]);
				captureAndFlush();
				spec.world.runFor(10);
				expect(spec.batchRequests().size()).toBe(2);
				expect(spec.deliveredNames()).toEqual(["clicked"]);
			});

			it(`makes exactly maxRetries + 1 requests when every answer is ${status}`, () => {
				spec.init({ maxRetries: 3 });
				spec.fake.script("batch", times({ status }, 5));
				captureAndFlush();
				spec.world.runFor(60);
				expect(spec.batchRequests().size()).toBe(4);
			});
		}

		const maxRetriesCases: Array<[number, number]> = [
			[0, 1],
			[1, 2],
			[5, 6],
		];
		for (const [maxRetries, requests] of maxRetriesCases) {
			it(`makes ${requests} request(s) for a failing batch with maxRetries = ${maxRetries}`, () => {
				spec.init({ maxRetries });
				spec.fake.script("batch", times({ status: 503 }, 10));
				captureAndFlush();
				// Less than a round plus its pause: the next round starts a minute after the last retry.
				spec.world.runFor(55);
				expect(spec.batchRequests().size()).toBe(requests);
			});
		}

		it("warns once after the batch's last retry, naming the failure", () => {
			spec.init({ maxRetries: 3 });
			spec.fake.script("batch", times({ status: 503 }, 5));
			captureAndFlush();
			spec.world.runFor(60);
			const lines = linesWith(spec.warnings(), "after 3 retries");
			expect(lines.size()).toBe(1);
			expect(lines[0]).toContain("HTTP 503");
		});

		it("sends the same events in the same order on every attempt", () => {
			spec.init({ maxRetries: 3 });
			spec.fake.script("batch", times({ status: 503 }, 3));
			captureAndFlush(3);
			spec.world.runFor(60);
			const requests = spec.batchRequests();
			expect(requests.size()).toBe(4);
			for (const request of requests) expect(uuidsOf(request)).toEqual(uuidsOf(requests[0]));
		});

		it("delivers events captured during a backoff with the retried batch", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 503 }]);
			captureAndFlush();
			spec.world.runFor(0.1);
			spec.PostHog.Capture("user-9", "late");
			spec.PostHog.Flush();
			spec.world.runFor(10);
			expect(spec.deliveredNames()).toEqual(["clicked", "late"]);
		});
	});

	describe("spacing", () => {
		it("waits at least 100 ms before the first retry", () => {
			spec.init();
			spec.fake.script("batch", times({ status: 503 }, 3));
			captureAndFlush();
			spec.world.runFor(30);
			expect(gaps()[0] >= 0.1).toBe(true);
		});

		it("spaces retries exponentially, within the jitter bounds", () => {
			spec.init({ maxRetries: 5 });
			spec.fake.script("batch", times({ status: 503 }, 6));
			captureAndFlush();
			spec.world.runFor(55);
			const spacing = gaps();
			expect(spacing.size()).toBe(5);
			for (let i = 0; i < spacing.size(); i++) {
				const nominal = BASE_SECONDS * 2 ** i;
				expect(spacing[i] >= nominal * (1 - JITTER) - EPSILON).toBe(true);
				expect(spacing[i] <= math.min(nominal * (1 + JITTER), CAP_SECONDS) + EPSILON).toBe(true);
			}
		});

		it("jitters the delays", () => {
			spec.init({ maxRetries: 5 });
			spec.fake.script("batch", times({ status: 503 }, 6));
			captureAndFlush();
			spec.world.runFor(55);
			const spacing = gaps();
			let offNominal = 0;
			for (let i = 0; i < spacing.size(); i++) {
				if (math.abs(spacing[i] - BASE_SECONDS * 2 ** i) > EPSILON) offNominal += 1;
			}
			expect(offNominal > 0).toBe(true);
		});

		it("caps the delay at 30 s", () => {
			spec.init({ maxRetries: 10 });
			spec.fake.script("batch", times({ status: 503 }, 11));
			captureAndFlush();
			spec.world.runFor(200);
			const spacing = gaps();
			expect(spacing.size()).toBe(10);
			for (const gap of spacing) expect(gap <= CAP_SECONDS + EPSILON).toBe(true);
			// 2^6 s nominal would be 64 s: later delays sit at the cap, less the jitter.
			for (let i = 6; i < spacing.size(); i++) expect(spacing[i] >= CAP_SECONDS * (1 - JITTER) - EPSILON).toBe(true);
		});

		it("starts over from the shortest delay after a success", () => {
			spec.init({ maxRetries: 5 });
			spec.fake.script("batch", [{ status: 503 }, { status: 503 }, { status: 200 }, { status: 503 }]);
			captureAndFlush();
			spec.world.runFor(30);
			spec.PostHog.Capture("user-2", "again");
			spec.PostHog.Flush();
			spec.world.runFor(30);
			const spacing = gaps();
			expect(spacing.size()).toBe(4);
			expect(spacing[3] <= BASE_SECONDS * (1 + JITTER) + EPSILON).toBe(true);
		});
	});

	describe("Retry-After", () => {
		it("waits at least Retry-After seconds after a 429", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 429, headers: { "Retry-After": "3" } }]);
			captureAndFlush();
			spec.world.runFor(10);
			expect(spec.batchRequests().size()).toBe(2);
			expect(gaps()[0] >= 3 - EPSILON).toBe(true);
		});

		it("waits at least Retry-After seconds after a 503", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 503, headers: { "retry-after": "7" } }]);
			captureAndFlush();
			spec.world.runFor(20);
			expect(gaps()[0] >= 7 - EPSILON).toBe(true);
		});

		it("reads Retry-After given as an HTTP date", () => {
			spec.init();
			const inSixSeconds = math.floor(spec.world.nowMillis() / 1000) + 6;
			const date = os.date("!%a, %d %b %Y %H:%M:%S GMT", inSixSeconds);
			spec.fake.script("batch", [{ status: 429, headers: { "retry-after": date } }]);
			captureAndFlush();
			spec.world.runFor(20);
			expect(gaps()[0] >= 5 - EPSILON).toBe(true);
			expect(gaps()[0] <= 6 + EPSILON).toBe(true);
		});

		it("waits no longer than 30 s whatever Retry-After says", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 429, headers: { "retry-after": "3600" } }]);
			captureAndFlush();
			spec.world.runFor(40);
			expect(spec.batchRequests().size()).toBe(2);
			expect(gaps()[0] <= CAP_SECONDS + EPSILON).toBe(true);
		});

		it("keeps the exponential delay when Retry-After is shorter", () => {
			spec.init({ maxRetries: 5 });
			const answer = { status: 429, headers: { "retry-after": "1" } };
			spec.fake.script("batch", times(answer, 4));
			captureAndFlush();
			spec.world.runFor(60);
			expect(gaps()[3] >= 8 * (1 - JITTER) - EPSILON).toBe(true);
		});
	});

	describe("answers that are never retried", () => {
		for (const status of [400, 401, 403]) {
			it(`makes exactly one request for a batch answered ${status}`, () => {
				spec.init();
				spec.fake.script("batch", [{ status, body: { type: "validation_error", detail: "nope" } }]);
				captureAndFlush(3);
				spec.world.runFor(120);
				expect(spec.batchRequests().size()).toBe(1);
			});

			it(`writes one warning with the status for a batch answered ${status}`, () => {
				spec.init();
				spec.fake.script("batch", [{ status, body: { type: "validation_error", detail: "nope" } }]);
				captureAndFlush(3);
				spec.world.runFor(120);
				const warnings = spec.warnings();
				expect(warnings.size()).toBe(1);
				expect(warnings[0]).toContain(`HTTP ${status}`);
				expect(warnings[0]).toContain("3 event(s)");
			});
		}

		for (const status of [401, 403]) {
			it(`points at apiKey and host when the answer is ${status}`, () => {
				spec.init();
				spec.fake.script("batch", [{ status }]);
				captureAndFlush();
				spec.world.runFor(5);
				expect(spec.warnings()[0]).toContain("apiKey");
				expect(spec.warnings()[0]).toContain(spec.fake.url);
			});
		}

		it("quotes PostHog's answer when the answer is 400", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 400, body: '{"detail":"missing distinct_id"}' }]);
			captureAndFlush();
			spec.world.runFor(5);
			expect(spec.warnings()[0]).toContain("missing distinct_id");
		});

		it("keeps sending later batches after a rejected one", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 400 }]);
			captureAndFlush();
			spec.world.runFor(1);
			spec.PostHog.Capture("user-2", "next");
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.deliveredNames()).toEqual(["next"]);
		});
	});

	describe("413", () => {
		it("halves a multi-event batch and resends the same events", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 413 }]);
			captureAndFlush(8);
			spec.world.runFor(5);
			const requests = spec.batchRequests();
			expect(requests.map((request) => eventsOf(request).size())).toEqual([8, 4, 4]);
			const resent = [...uuidsOf(requests[1]), ...uuidsOf(requests[2])];
			expect(resent).toEqual(uuidsOf(requests[0]));
		});

		it("keeps halving while PostHog answers 413, then delivers every event once", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 413 }, { status: 413 }]);
			captureAndFlush(8);
			spec.world.runFor(5);
			const sizes = spec.batchRequests().map((request) => eventsOf(request).size());
			expect([sizes[0], sizes[1], sizes[2]]).toEqual([8, 4, 2]);
			const delivered = spec.delivered().map((event) => event.uuid!);
			expect(delivered.size()).toBe(8);
			expect(new Set(delivered).size()).toBe(8);
		});

		it("resends a halved batch at once, without a backoff", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 413 }]);
			captureAndFlush(4);
			spec.world.runFor(5);
			expect(gaps()[0] < 0.1).toBe(true);
		});

		it("drops a single event answered 413 after one request", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 413 }]);
			captureAndFlush(1);
			spec.world.runFor(60);
			expect(spec.batchRequests().size()).toBe(1);
			expect(spec.delivered().size()).toBe(0);
		});

		it("warns once when it drops a single event answered 413", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 413 }]);
			captureAndFlush(1);
			spec.world.runFor(60);
			expect(linesWith(spec.warnings(), "HTTP 413").size()).toBe(1);
		});
	});

	describe("network failures", () => {
		it("retries a request whose connection was reset", () => {
			spec.init();
			spec.fake.script("batch", [{ reset: true }]);
			captureAndFlush();
			spec.world.runFor(10);
			const requests = spec.batchRequests();
			expect(requests.size()).toBe(2);
			expect(requests[0].status).toBe("reset");
			expect(spec.deliveredNames()).toEqual(["clicked"]);
		});

		it("retries a request that timed out, after its timeout and a backoff", () => {
			spec.init();
			spec.fake.script("batch", [{ timeout: true }]);
			captureAndFlush();
			spec.world.runFor(30);
			const requests = spec.batchRequests();
			expect(requests.size()).toBe(2);
			expect(requests[0].status === "timeout" || requests[0].status === "aborted").toBe(true);
			expect(gaps()[0] >= 10 + BASE_SECONDS * (1 - JITTER) - EPSILON).toBe(true);
			expect(spec.deliveredNames()).toEqual(["clicked"]);
		});

		it("retries a slow answer that lands after the request timeout", () => {
			spec.init();
			spec.fake.script("batch", [{ delaySeconds: 15 }]);
			captureAndFlush();
			spec.world.runFor(30);
			expect(spec.batchRequests().size()).toBe(2);
			expect(spec.deliveredNames()).toEqual(["clicked"]);
		});

		it("gives up on a failing network after maxRetries retries", () => {
			spec.init({ maxRetries: 2 });
			spec.fake.script("batch", times({ reset: true }, 5));
			captureAndFlush();
			spec.world.runFor(60);
			expect(spec.batchRequests().size()).toBe(3);
		});
	});
});
