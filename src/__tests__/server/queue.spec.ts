// The event queue through the server SDK: its bound (drop-oldest, rate-limited warnings), the flush
// triggers (flushAt, flushIntervalSeconds, Flush) and batching by maxBatchSize.
import { describe, expect, it } from "@rbxts/jest-globals";
import { eventsOf, linesWith, useServerSpec } from "../support/serverSpec";

describe("the event queue", () => {
	const spec = useServerSpec({ shared: true });

	function captureNumbered(from: number, to: number) {
		for (let i = from; i <= to; i++) spec.PostHog.Capture("user-1", `e${i}`);
	}

	function namesOf(from: number, to: number): string[] {
		const names = new Array<string>();
		for (let i = from; i <= to; i++) names.push(`e${i}`);
		return names;
	}

	describe("bound", () => {
		it("drops the oldest events past maxQueueSize and sends the newest", () => {
			spec.init({ maxQueueSize: 5, flushAt: 100 });
			captureNumbered(1, 8);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.deliveredNames()).toEqual(namesOf(4, 8));
		});

		it("warns that the queue is full, with the limit and the count dropped", () => {
			spec.init({ maxQueueSize: 5, flushAt: 100 });
			captureNumbered(1, 6);
			const lines = linesWith(spec.warnings(), "maxQueueSize");
			expect(lines.size()).toBe(1);
			expect(lines[0]).toContain("(5)");
			expect(lines[0]).toContain("1 dropped");
		});

		it("writes at most one queue-full warning a minute", () => {
			spec.init({ maxQueueSize: 5, flushAt: 100, flushIntervalSeconds: 1000 });
			captureNumbered(1, 50);
			spec.world.runFor(30);
			captureNumbered(51, 60);
			expect(linesWith(spec.warnings(), "maxQueueSize").size()).toBe(1);
		});

		it("warns again after a minute, counting the drops it did not report", () => {
			spec.init({ maxQueueSize: 5, flushAt: 100, flushIntervalSeconds: 1000 });
			captureNumbered(1, 50);
			spec.world.runFor(61);
			captureNumbered(51, 51);
			const lines = linesWith(spec.warnings(), "maxQueueSize");
			expect(lines.size()).toBe(2);
			expect(lines[1]).toContain("46 dropped");
			expect(lines[1]).toContain("44 similar message(s) suppressed");
		});

		it("drops the oldest events past the 5 MiB byte bound, with a warning", () => {
			spec.init({ flushAt: 1000, flushIntervalSeconds: 1000 });
			// 30 events of 200 KiB: about 25 fit in 5 MiB. Not flushed: reading bodies this large back
			// from the fake would overflow luau-web's 1 MiB stack.
			for (let i = 1; i <= 30; i++) spec.PostHog.Capture("user-1", `big${i}`, { blob: string.rep("x", 200 * 1024) });
			const lines = linesWith(spec.warnings(), "queue reached");
			expect(lines.size()).toBe(1);
			expect(lines[0]).toContain(tostring(5 * 1024 * 1024));
		});

		it("sends the events captured after a drop", () => {
			spec.init({ maxQueueSize: 3, flushAt: 100 });
			captureNumbered(1, 10);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			captureNumbered(11, 12);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.deliveredNames()).toEqual(namesOf(8, 12));
		});

		it("removes a sent batch by uuid when the queue overflowed while it was in flight", () => {
			spec.init({ maxQueueSize: 4, flushAt: 100 });
			spec.fake.script("batch", [{ delaySeconds: 2 }]);
			captureNumbered(1, 2);
			spec.PostHog.Flush();
			spec.world.runFor(0.5);
			// e1 and e2 are in flight; these overflow the queue while PostHog is still answering.
			captureNumbered(3, 5);
			spec.world.runFor(2);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			const requests = spec.batchRequests();
			expect(requests.size()).toBe(2);
			const first = eventsOf(requests[0]).map((event) => event.event);
			const second = eventsOf(requests[1]).map((event) => event.event);
			expect(first).toEqual(["e1", "e2"]);
			// Whatever the overflow dropped, the newest events are kept and nothing is sent twice.
			expect(second.includes("e5")).toBe(true);
			expect(second.includes("e4")).toBe(true);
			expect(second.includes("e1") || second.includes("e2")).toBe(false);
		});
	});

	describe("flushAt", () => {
		it("sends nothing before flushAt events are queued", () => {
			spec.init({ flushAt: 3 });
			captureNumbered(1, 2);
			spec.world.runFor(5);
			expect(spec.batchRequests().size()).toBe(0);
		});

		it("sends the queue once flushAt events are queued", () => {
			spec.init({ flushAt: 3 });
			captureNumbered(1, 3);
			spec.world.runFor(0.1);
			expect(spec.batchRequests().size()).toBe(1);
			expect(spec.deliveredNames()).toEqual(namesOf(1, 3));
		});

		it("flushes at the default of 20 events", () => {
			spec.init();
			captureNumbered(1, 19);
			spec.world.runFor(1);
			expect(spec.batchRequests().size()).toBe(0);
			captureNumbered(20, 20);
			spec.world.runFor(0.1);
			expect(spec.delivered().size()).toBe(20);
		});
	});

	describe("flushIntervalSeconds", () => {
		it("sends nothing before the interval has passed", () => {
			spec.init({ flushIntervalSeconds: 5 });
			captureNumbered(1, 1);
			spec.world.runFor(4.9);
			expect(spec.batchRequests().size()).toBe(0);
		});

		it("sends the queue once the interval has passed", () => {
			spec.init({ flushIntervalSeconds: 5 });
			captureNumbered(1, 1);
			spec.world.runFor(5.1);
			expect(spec.deliveredNames()).toEqual(["e1"]);
		});

		it("keeps sending every interval", () => {
			spec.init({ flushIntervalSeconds: 5 });
			captureNumbered(1, 1);
			spec.world.runFor(5.1);
			captureNumbered(2, 2);
			spec.world.runFor(5);
			const arrivals = spec.arrivals();
			expect(arrivals.size()).toBe(2);
			expect(arrivals[1] - arrivals[0]).toBeCloseTo(5, 1);
		});

		it("flushes every 30 s by default", () => {
			spec.init();
			captureNumbered(1, 1);
			spec.world.runFor(29.9);
			expect(spec.batchRequests().size()).toBe(0);
			spec.world.runFor(0.2);
			expect(spec.batchRequests().size()).toBe(1);
		});

		it("makes no request when an interval finds the queue empty", () => {
			spec.init({ flushIntervalSeconds: 1 });
			spec.world.runFor(10);
			expect(spec.fake.requests().size()).toBe(0);
		});
	});

	describe("Flush", () => {
		it("sends the queue at once", () => {
			spec.init();
			captureNumbered(1, 3);
			spec.PostHog.Flush();
			spec.world.runFor(0.05);
			expect(spec.deliveredNames()).toEqual(namesOf(1, 3));
		});

		it("returns without waiting for PostHog's answer", () => {
			spec.init();
			spec.fake.script("batch", [{ delaySeconds: 5 }]);
			captureNumbered(1, 1);
			spec.server.spawn(() => {
				spec.PostHog.Flush();
				spec.server.G.flushReturnedAt = spec.now();
			});
			spec.world.runFor(6);
			expect(spec.server.G.flushReturnedAt).toBe(0);
			expect(spec.delivered().size()).toBe(1);
		});

		it("makes no request when the queue is empty", () => {
			spec.init();
			spec.PostHog.Flush();
			spec.world.runFor(5);
			expect(spec.fake.requests().size()).toBe(0);
		});

		it("makes one request for events flushed twice in a row", () => {
			spec.init();
			captureNumbered(1, 3);
			spec.PostHog.Flush();
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.batchRequests().size()).toBe(1);
		});
	});

	describe("batches", () => {
		it("splits the queue into batches of at most maxBatchSize events", () => {
			spec.init({ maxBatchSize: 3, flushAt: 100 });
			captureNumbered(1, 7);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.batchRequests().map((request) => eventsOf(request).size())).toEqual([3, 3, 1]);
		});

		it("keeps the capture order across batches", () => {
			spec.init({ maxBatchSize: 3, flushAt: 100 });
			captureNumbered(1, 7);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.deliveredNames()).toEqual(namesOf(1, 7));
		});

		it("sends batches of at most 50 events by default", () => {
			spec.init({ flushAt: 1000 });
			captureNumbered(1, 120);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.batchRequests().map((request) => eventsOf(request).size())).toEqual([50, 50, 20]);
		});

		it("never sends an event twice in one batch", () => {
			spec.init({ flushAt: 1000 });
			captureNumbered(1, 60);
			spec.PostHog.Flush();
			spec.PostHog.Flush();
			spec.world.runFor(1);
			const uuids = spec.delivered().map((event) => event.uuid!);
			expect(uuids.size()).toBe(60);
			expect(new Set(uuids).size()).toBe(60);
		});
	});
});
