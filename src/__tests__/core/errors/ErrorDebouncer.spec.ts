import { describe, expect, it } from "@rbxts/jest-globals";
import { DebounceDecision, ErrorDebouncer } from "../../../core/errors/ErrorDebouncer";
import { FakeClock } from "../../support/fakePlatform";

function aDebouncer(debounceSeconds = 1, maxFingerprints?: number) {
	const clock = new FakeClock();
	return { clock, debouncer: new ErrorDebouncer(clock, debounceSeconds, maxFingerprints) };
}

const SEND = (suppressedCount = 0): DebounceDecision => ({ kind: "send", suppressedCount });
const SUPPRESS: DebounceDecision = { kind: "suppress" };

describe("ErrorDebouncer", () => {
	it("sends two different errors raised in the same second", () => {
		const { debouncer } = aDebouncer();
		expect(debouncer.admit("A")).toEqual(SEND());
		expect(debouncer.admit("B")).toEqual(SEND());
	});

	it("sends an error repeating every frame once per debounce period, with the count it dropped", () => {
		const { clock, debouncer } = aDebouncer(1);
		const decisions = new Array<DebounceDecision>();
		for (let frame = 0; frame < 180; frame++) {
			clock.set(frame / 60);
			decisions.push(debouncer.admit("loop"));
		}
		const sent = decisions.filter((decision) => decision.kind === "send");
		expect(sent).toEqual([SEND(0), SEND(59), SEND(59)]);
	});

	it("keeps suppressing until the gap since the last send has passed", () => {
		const { clock, debouncer } = aDebouncer(2);
		const CASES: Array<[number, DebounceDecision]> = [
			[0, SEND()],
			[1.999, SUPPRESS],
			[2, SEND(1)],
			[3, SUPPRESS],
			[3.5, SUPPRESS],
			[10, SEND(2)],
		];
		for (const [at, decision] of CASES) {
			clock.set(at);
			expect(debouncer.admit("A")).toEqual(decision);
		}
	});

	it("debounces each error on its own clock", () => {
		const { clock, debouncer } = aDebouncer(1);
		debouncer.admit("A");
		clock.set(0.5);
		expect(debouncer.admit("B")).toEqual(SEND());
		clock.set(1);
		expect(debouncer.admit("A")).toEqual(SEND());
		expect(debouncer.admit("B")).toEqual(SUPPRESS);
	});

	it("sends everything when the debounce is 0", () => {
		const { debouncer } = aDebouncer(0);
		for (let index = 0; index < 5; index++) expect(debouncer.admit("A")).toEqual(SEND());
		expect(debouncer.size()).toBe(0);
	});

	it("forgets errors whose debounce expired, a few per call", () => {
		const { clock, debouncer } = aDebouncer(1);
		for (let index = 0; index < 10; index++) debouncer.admit(`old ${index}`);
		expect(debouncer.size()).toBe(10);
		clock.set(5);
		debouncer.admit("new");
		expect(debouncer.size()).toBe(9);
		for (let index = 0; index < 5; index++) debouncer.admit("new");
		expect(debouncer.size()).toBe(1);
	});

	it("never remembers more than its limit of errors, forgetting the least recently sent", () => {
		const { clock, debouncer } = aDebouncer(60, 8);
		for (let index = 0; index < 100; index++) {
			clock.set(index / 100);
			debouncer.admit(`error ${index}`);
			expect(debouncer.size() <= 8).toBe(true);
		}
		expect(debouncer.admit("error 99")).toEqual(SUPPRESS);
		expect(debouncer.admit("error 0")).toEqual(SEND());
	});

	it("stays small under a flood of distinct errors over time", () => {
		const { clock, debouncer } = aDebouncer(1);
		for (let index = 0; index < 5000; index++) {
			clock.set(index / 100);
			debouncer.admit(`error ${index % 700}`);
		}
		expect(debouncer.size() <= 256).toBe(true);
	});
});
