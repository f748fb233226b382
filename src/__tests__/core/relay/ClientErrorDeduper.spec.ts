import { describe, expect, it } from "@rbxts/jest-globals";
import { ClientErrorDeduper, errorFingerprint } from "../../../core/relay/ClientErrorDeduper";
import { FakeClock } from "../../support/fakePlatform";
import { advance } from "../../support/relay";

const TRACE = "Players.Alice.PlayerScripts.Gun:12 function fire\nPlayers.Alice.PlayerScripts.Gun:40";

function setup(windowSeconds = 5, maxFingerprints = 20) {
	const clock = new FakeClock();
	return { clock, deduper: new ClientErrorDeduper(clock, { windowSeconds, maxFingerprints }) };
}

describe("ClientErrorDeduper", () => {
	it("relays the first occurrence of an error", () => {
		const { deduper } = setup();
		expect(deduper.check("boom", TRACE)).toEqual({ relay: true, suppressedBefore: 0 });
	});

	it("suppresses repeats within the window and reports how many when it passes again", () => {
		const { clock, deduper } = setup(5);
		deduper.check("boom", TRACE);
		for (let frame = 1; frame <= 60 * 4; frame++) {
			advance(clock, 1 / 60);
			expect(deduper.check("boom", TRACE).relay).toBe(false);
		}
		advance(clock, 1.5);
		expect(deduper.check("boom", TRACE)).toEqual({ relay: true, suppressedBefore: 240 });
		expect(deduper.suppressedCount()).toBe(240);
	});

	it("relays an error loop once per window", () => {
		const { clock, deduper } = setup(5);
		let relayed = 0;
		for (let frame = 1; frame <= 60 * 60; frame++) {
			if (deduper.check("boom", TRACE).relay) relayed += 1;
			advance(clock, 1 / 60);
		}
		expect(relayed).toBe(12);
	});

	it("tells errors apart by message and by the first trace line", () => {
		const { deduper } = setup();
		deduper.check("boom", TRACE);
		expect(deduper.check("bang", TRACE).relay).toBe(true);
		expect(deduper.check("boom", "Players.Alice.PlayerScripts.Sword:3").relay).toBe(true);
		expect(deduper.check("boom", "Players.Alice.PlayerScripts.Gun:12 function fire\nsomewhere else").relay).toBe(false);
		expect(deduper.check("boom").relay).toBe(true);
	});

	it("suppresses new fingerprints while maxFingerprints recent ones are tracked", () => {
		const { clock, deduper } = setup(5, 3);
		for (let index = 1; index <= 3; index++) expect(deduper.check(`error ${index}`).relay).toBe(true);
		expect(deduper.check("error 4").relay).toBe(false);
		advance(clock, 5);
		expect(deduper.check("error 4").relay).toBe(true);
	});
});

describe("errorFingerprint", () => {
	const cases: Array<[string, string | undefined, string]> = [
		["boom", undefined, "boom\n"],
		["boom", "A:1\nB:2", "boom\nA:1"],
		["boom", "\nA:1\nB:2", "boom\nA:1"],
		["boom", "", "boom\n"],
	];
	for (const [message, trace, expected] of cases) {
		const shown = (text: string) => text.gsub("\n", "\\n")[0];
		it(`is "${shown(expected)}" for "${message}" and ${trace === undefined ? "no trace" : `"${shown(trace)}"`}`, () => {
			expect(errorFingerprint(message, trace)).toBe(expected);
		});
	}

	it("caps its size whatever the error", () => {
		expect(errorFingerprint(string.rep("m", 100_000), string.rep("t", 100_000)).size()).toBe(1000 + 1 + 200);
	});
});
