// Delivery rounds (EventQueue): a batch that used up its retries is kept, not dropped, and sent
// again in the next round a minute later, while one round still makes exactly maxRetries + 1
// requests (harness max_retries_respected: five 503s with max_retries 3 make 4 requests).
import { describe, expect, it } from "@rbxts/jest-globals";
import { ScriptedResponse } from "../support/fakePostHog";
import { useServerSpec, uuidsOf } from "../support/serverSpec";

function fiveTimes(status: number): ScriptedResponse[] {
	const responses = new Array<ScriptedResponse>();
	for (let i = 0; i < 5; i++) responses.push({ status });
	return responses;
}

describe("delivery rounds", () => {
	const spec = useServerSpec();

	it("makes exactly 4 requests for five 503s with maxRetries 3, however often Flush is called", () => {
		spec.init({ maxRetries: 3, flushIntervalSeconds: 1 });
		spec.fake.script("batch", fiveTimes(503));
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Flush();
		for (let i = 0; i < 20; i++) {
			spec.world.runFor(2);
			spec.PostHog.Flush();
		}
		expect(spec.batchRequests().size()).toBe(4);
		expect(spec.delivered()).toEqual([]);
	});

	it("sends the same events again a minute after the last retry, and delivers them once", () => {
		spec.init({ maxRetries: 3 });
		spec.fake.script("batch", [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Capture("user-2", "clicked");
		spec.PostHog.Flush();
		spec.world.runFor(15);
		const failed = spec.batchRequests();
		expect(failed.size()).toBe(4);
		spec.world.runFor(60);
		const requests = spec.batchRequests();
		expect(requests.size()).toBe(5);
		// A hair of slack: the wake-up may fire within 1 ms of the pause's end.
		expect(requests[4].receivedAt - requests[3].receivedAt >= 60 - 0.002).toBe(true);
		expect(uuidsOf(requests[4])).toEqual(uuidsOf(requests[0]));
		expect(spec.deliveredNames()).toEqual(["clicked", "clicked"]);
	});

	it("warns once per round that the events are kept, not dropped", () => {
		spec.init({ maxRetries: 1 });
		spec.fake.script("batch", fiveTimes(500));
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Flush();
		spec.world.runFor(10);
		const lines = spec.warnings().filter((line) => line.find("still unsent after 1 retries", 1, true)[0] !== undefined);
		expect(lines.size()).toBe(1);
		expect(lines[0]).toContain("HTTP 500");
		expect(lines[0]).toContain("stay queued");
	});
});
