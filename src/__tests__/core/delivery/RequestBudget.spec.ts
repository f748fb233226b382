import { describe, expect, it } from "@rbxts/jest-globals";
import { RequestBudget } from "../../../core/delivery/RequestBudget";
import { FakeClock } from "../../support/fakePlatform";

function takeAll(budget: RequestBudget): number {
	let taken = 0;
	while (budget.tryTake()) taken += 1;
	return taken;
}

describe("RequestBudget", () => {
	it("allows a burst of up to the per-minute limit", () => {
		expect(takeAll(new RequestBudget(60, new FakeClock()))).toBe(60);
	});

	it("allows nothing more until a minute has passed since the burst", () => {
		const clock = new FakeClock();
		const budget = new RequestBudget(60, clock);
		takeAll(budget);
		clock.set(59.9);
		expect(takeAll(budget)).toBe(0);
	});

	it("frees each request's slot a minute after it was made", () => {
		const clock = new FakeClock();
		const budget = new RequestBudget(3, clock);
		budget.tryTake();
		clock.set(10);
		budget.tryTake();
		budget.tryTake();
		clock.set(60);
		expect(takeAll(budget)).toBe(1);
		clock.set(70);
		expect(takeAll(budget)).toBe(2);
	});

	it("never allows more than the limit in any minute", () => {
		const clock = new FakeClock();
		const budget = new RequestBudget(2, clock);
		const times = new Array<number>();
		for (let tenth = 0; tenth <= 3000; tenth++) {
			clock.set(tenth / 10);
			if (budget.tryTake()) times.push(tenth / 10);
		}
		for (const start of times) {
			expect(times.filter((time) => time >= start && time < start + 60).size() <= 2).toBe(true);
		}
		// Two a minute: at 0 and 0.1 s, 60 and 60.1 s, ... and 300 s.
		expect(times.size()).toBe(11);
	});

	it("never holds more than the per-minute limit after a long pause", () => {
		const clock = new FakeClock();
		const budget = new RequestBudget(60, clock);
		clock.set(3600);
		expect(takeAll(budget)).toBe(60);
	});

	it("says how long until the next request is allowed", () => {
		const clock = new FakeClock();
		const budget = new RequestBudget(30, clock);
		expect(budget.secondsUntilAvailable()).toBe(0);
		takeAll(budget);
		expect(budget.secondsUntilAvailable()).toBe(60);
		clock.set(59.5);
		expect(budget.secondsUntilAvailable()).toBeCloseTo(0.5);
	});
});
