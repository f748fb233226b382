import { describe, expect, it } from "@rbxts/jest-globals";
import { relayRateLimit } from "../../../core/relay/limits";
import { RateLimiter } from "../../../core/relay/RateLimiter";
import { FakeClock } from "../../support/fakePlatform";
import { advance } from "../../support/relay";

function setup(ratePerSecond: number, burst: number, maxKeys?: number) {
	const clock = new FakeClock();
	return { clock, limiter: new RateLimiter<string>(clock, { ratePerSecond, burst, maxKeys }) };
}

/** Tries `key` every `stepSeconds` for `seconds`; returns how many passed. */
function hammer(clock: FakeClock, limiter: RateLimiter<string>, seconds: number, stepSeconds: number, key = "a") {
	let passed = 0;
	const steps = math.round(seconds / stepSeconds);
	for (let step = 1; step <= steps; step++) {
		advance(clock, stepSeconds);
		if (limiter.tryTake(key)) passed += 1;
	}
	return passed;
}

describe("RateLimiter", () => {
	it("lets a new key spend its whole burst at once, then nothing", () => {
		const { limiter } = setup(20, 20);
		let passed = 0;
		for (let attempt = 1; attempt <= 30; attempt++) if (limiter.tryTake("a")) passed += 1;
		expect(passed).toBe(20);
	});

	it("refills one token every 1/rate seconds", () => {
		const { clock, limiter } = setup(20, 20);
		for (let attempt = 1; attempt <= 20; attempt++) limiter.tryTake("a");
		advance(clock, 0.049);
		expect(limiter.tryTake("a")).toBe(false);
		advance(clock, 0.001);
		expect(limiter.tryTake("a")).toBe(true);
		expect(limiter.tryTake("a")).toBe(false);
	});

	describe("over simulated time", () => {
		const cases: Array<[number, number, number, number]> = [
			// rate, burst, seconds, attempt every
			[20, 20, 10, 0.001],
			[20, 20, 60, 1 / 60],
			[10, 20, 30, 0.01],
			[1, 1, 100, 0.1],
			[0.5, 1, 100, 0.05],
			[100, 100, 5, 0.0005],
		];
		for (const [rate, burst, seconds, step] of cases) {
			it(`passes exactly burst + rate x time at ${rate}/s (burst ${burst}, ${seconds} s)`, () => {
				const { clock, limiter } = setup(rate, burst);
				// Spend the initial burst first so the count below is pure refill plus the burst.
				let passed = 0;
				while (limiter.tryTake("a")) passed += 1;
				passed += hammer(clock, limiter, seconds, step);
				expect(passed).toBe(burst + rate * seconds);
			});
		}

		it("never exceeds the rate for a key that fires in bursts", () => {
			const { clock, limiter } = setup(20, 20);
			let passed = 0;
			for (let second = 1; second <= 10; second++) {
				advance(clock, 1);
				for (let attempt = 1; attempt <= 100; attempt++) if (limiter.tryTake("a")) passed += 1;
			}
			expect(passed).toBe(20 * 10);
		});
	});

	it("charges the given cost", () => {
		const { limiter } = setup(1, 10);
		expect(limiter.tryTake("a", 7)).toBe(true);
		expect(limiter.tryTake("a", 4)).toBe(false);
		expect(limiter.available("a")).toBe(3);
	});

	it("lets nothing through at rate 0 once the burst is spent", () => {
		const { clock, limiter } = setup(0, 0);
		expect(limiter.tryTake("a")).toBe(false);
		advance(clock, 1000);
		expect(limiter.tryTake("a")).toBe(false);
	});

	it("adds nothing when the clock steps back", () => {
		const { clock, limiter } = setup(10, 10);
		advance(clock, 100);
		for (let attempt = 1; attempt <= 10; attempt++) limiter.tryTake("a");
		advance(clock, -50);
		expect(limiter.tryTake("a")).toBe(false);
	});

	it("keeps keys apart", () => {
		const { limiter } = setup(1, 1);
		expect(limiter.tryTake("a")).toBe(true);
		expect(limiter.tryTake("a")).toBe(false);
		expect(limiter.tryTake("b")).toBe(true);
	});

	it("forgets a key: its bucket goes and the next message starts a full one", () => {
		const { limiter } = setup(1, 1);
		limiter.tryTake("a");
		limiter.forget("a");
		expect(limiter.size()).toBe(0);
		expect(limiter.tryTake("a")).toBe(true);
	});

	describe("when maxKeys keys are tracked", () => {
		it("prunes buckets that are full again to make room", () => {
			const { clock, limiter } = setup(1, 1, 2);
			limiter.tryTake("a");
			limiter.tryTake("b");
			advance(clock, 1);
			expect(limiter.tryTake("c")).toBe(true);
			expect(limiter.size()).toBe(1);
		});

		it("refuses new keys while every bucket is in use", () => {
			const { limiter } = setup(1, 1, 2);
			limiter.tryTake("a");
			limiter.tryTake("b");
			expect(limiter.tryTake("c")).toBe(false);
			expect(limiter.size()).toBe(2);
		});
	});
});

describe("relayRateLimit", () => {
	const cases: Array<[number, number, number]> = [
		[20, 20, 20],
		[5, 5, 5],
		[0.5, 0.5, 1],
		[0, 0, 0],
		[-3, 0, 0],
	];
	for (const [perSecond, rate, burst] of cases) {
		it(`gives rate ${rate} and burst ${burst} for ${perSecond}/s`, () => {
			expect(relayRateLimit(perSecond)).toEqual({ ratePerSecond: rate, burst });
		});
	}
});
