import { describe, expect, it } from "@rbxts/jest-globals";
import {
	FeatureFlagCalledTracker,
	FeatureFlagCallKey,
	featureFlagCallKey,
} from "../../../core/flags/FeatureFlagCalledTracker";

function call(overrides: Partial<FeatureFlagCallKey> = {}): FeatureFlagCallKey {
	return { distinctId: "123", flagKey: "beta", value: true, ...overrides };
}

describe("FeatureFlagCalledTracker", () => {
	it("captures a call the first time only", () => {
		const tracker = new FeatureFlagCalledTracker();
		expect(tracker.shouldCapture(call())).toBe(true);
		expect(tracker.shouldCapture(call())).toBe(false);
	});

	// Whole calls, not overrides: a nil override would vanish from the spread.
	const distinct: Array<[string, FeatureFlagCallKey]> = [
		["another distinct id", { distinctId: "456", flagKey: "beta", value: true }],
		["another flag", { distinctId: "123", flagKey: "gamma", value: true }],
		["another value", { distinctId: "123", flagKey: "beta", value: false }],
		["a variant named like the boolean", { distinctId: "123", flagKey: "beta", value: "true" }],
		["a missing flag", { distinctId: "123", flagKey: "beta", value: undefined }],
		["other groups", { distinctId: "123", flagKey: "beta", value: true, groups: { company: "acme" } }],
	];
	for (const [description, other] of distinct) {
		it(`captures again for ${description}`, () => {
			const tracker = new FeatureFlagCalledTracker();
			tracker.shouldCapture(call());
			expect(tracker.shouldCapture(other)).toBe(true);
		});
	}

	it("treats the same groups in any order as one call", () => {
		const tracker = new FeatureFlagCalledTracker();
		tracker.shouldCapture(call({ groups: { company: "acme", guild: "red" } }));
		expect(tracker.shouldCapture(call({ groups: { guild: "red", company: "acme" } }))).toBe(false);
	});

	it("keeps keys apart whatever characters ids contain", () => {
		expect(featureFlagCallKey(call({ distinctId: "a|3:b" }))).never.toBe(
			featureFlagCallKey(call({ distinctId: "a", flagKey: "b|3:beta" })),
		);
	});

	describe("at capacity", () => {
		it("evicts only the least recently seen call", () => {
			const tracker = new FeatureFlagCalledTracker(3);
			for (const id of ["a", "b", "c", "d"]) tracker.shouldCapture(call({ distinctId: id }));
			expect(tracker.size()).toBe(3);
			expect(tracker.shouldCapture(call({ distinctId: "c" }))).toBe(false);
			expect(tracker.shouldCapture(call({ distinctId: "d" }))).toBe(false);
			expect(tracker.shouldCapture(call({ distinctId: "a" }))).toBe(true);
		});

		it("counts a repeat as recent use", () => {
			const tracker = new FeatureFlagCalledTracker(3);
			for (const id of ["a", "b", "c"]) tracker.shouldCapture(call({ distinctId: id }));
			tracker.shouldCapture(call({ distinctId: "a" }));
			tracker.shouldCapture(call({ distinctId: "d" }));
			expect(tracker.shouldCapture(call({ distinctId: "a" }))).toBe(false);
			expect(tracker.shouldCapture(call({ distinctId: "b" }))).toBe(true);
		});

		it("never forgets everything at once", () => {
			const tracker = new FeatureFlagCalledTracker(100);
			for (let index = 1; index <= 1000; index++) tracker.shouldCapture(call({ distinctId: `user_${index}` }));
			expect(tracker.size()).toBe(100);
			for (let index = 901; index <= 1000; index++) {
				expect(tracker.shouldCapture(call({ distinctId: `user_${index}` }))).toBe(false);
			}
		});
	});

	it("forgets every call on reset", () => {
		const tracker = new FeatureFlagCalledTracker();
		tracker.shouldCapture(call());
		tracker.reset();
		expect(tracker.size()).toBe(0);
		expect(tracker.shouldCapture(call())).toBe(true);
	});
});
