// The SDK's HTTP budget (maxRequestsPerMinute): however many batches are waiting, no 60 s window of
// world time holds more /batch/ requests than the budget, so the game keeps most of Roblox's 500
// requests per minute. Counted from the fake's arrival times.
import { describe, expect, it } from "@rbxts/jest-globals";
import { useServerSpec } from "../support/serverSpec";

/** Most requests in any window [t, t + 60) that starts at a request. */
function busiestMinute(arrivals: ReadonlyArray<number>): number {
	let most = 0;
	for (const start of arrivals) {
		const inWindow = arrivals.filter((time) => time >= start && time < start + 60).size();
		most = math.max(most, inWindow);
	}
	return most;
}

describe("the HTTP budget", () => {
	const spec = useServerSpec({ shared: true });

	function arrivals(): number[] {
		return spec.arrivals();
	}

	/** Captures `count` events that go out one per batch, and flushes. */
	function queueBatches(count: number) {
		for (let i = 1; i <= count; i++) spec.PostHog.Capture("user-1", `e${i}`);
		spec.PostHog.Flush();
	}

	const limits: Array<[number, number]> = [
		// maxRequestsPerMinute, batches waiting
		[1, 4],
		[2, 10],
		[5, 12],
	];
	for (const [perMinute, batches] of limits) {
		it(`makes at most ${perMinute} request(s) in any minute with maxRequestsPerMinute = ${perMinute}`, () => {
			spec.init({ maxRequestsPerMinute: perMinute, maxBatchSize: 1, flushAt: 1000, flushIntervalSeconds: 5 });
			queueBatches(batches);
			spec.world.runFor(60 * math.ceil(batches / perMinute) + 5);
			expect(busiestMinute(arrivals())).toBe(perMinute);
		});

		it(`still delivers every batch with maxRequestsPerMinute = ${perMinute}`, () => {
			spec.init({ maxRequestsPerMinute: perMinute, maxBatchSize: 1, flushAt: 1000, flushIntervalSeconds: 5 });
			queueBatches(batches);
			spec.world.runFor(60 * math.ceil(batches / perMinute) + 5);
			expect(spec.delivered().size()).toBe(batches);
		});
	}

	it("sends the first batches at once while the budget lasts", () => {
		spec.init({ maxRequestsPerMinute: 2, maxBatchSize: 1, flushAt: 1000 });
		queueBatches(3);
		spec.world.runFor(1);
		expect(arrivals().size()).toBe(2);
	});

	it("counts retries against the budget", () => {
		spec.init({ maxRequestsPerMinute: 2, maxRetries: 5 });
		spec.fake.script("batch", [{ status: 503 }, { status: 503 }, { status: 503 }]);
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Flush();
		spec.world.runFor(200);
		expect(busiestMinute(arrivals())).toBe(2);
		expect(spec.deliveredNames()).toEqual(["clicked"]);
	});

	it("allows 60 requests a minute by default", () => {
		spec.init({ maxBatchSize: 1, flushAt: 1000 });
		queueBatches(70);
		spec.world.runFor(65);
		const times = arrivals();
		expect(times.filter((time) => time < 60).size()).toBe(60);
		expect(busiestMinute(times)).toBe(60);
		expect(spec.delivered().size()).toBe(70);
	});
});
