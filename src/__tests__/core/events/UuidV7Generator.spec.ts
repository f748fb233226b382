import { describe, expect, it } from "@rbxts/jest-globals";
import { UuidV7Generator } from "../../../core/events/UuidV7Generator";
import { FakeClock, SeededRandom } from "../../support/fakePlatform";

function aGenerator() {
	const clock = new FakeClock();
	return { clock, generator: new UuidV7Generator(clock, new SeededRandom([0.999])) };
}

describe("UuidV7Generator", () => {
	it("stamps ids with the clock's millisecond", () => {
		const { generator } = aGenerator();
		expect(generator.next().sub(1, 13)).toBe(
			string.format("%08x-%04x", math.floor(1767323045678 / 0x10000), 1767323045678 % 0x10000),
		);
	});

	it("makes ids that increase within the same millisecond", () => {
		const { generator } = aGenerator();
		let previous = generator.next();
		for (let index = 0; index < 5000; index++) {
			const id = generator.next();
			expect(id > previous).toBe(true);
			previous = id;
		}
	});

	it("makes ids that increase when the clock steps back", () => {
		const { clock, generator } = aGenerator();
		clock.set(10);
		const before = generator.next();
		clock.set(5);
		expect(generator.next() > before).toBe(true);
	});

	it("uses a given millisecond instead of the clock", () => {
		const { generator } = aGenerator();
		expect(generator.next(0).sub(1, 13)).toBe("00000000-0000");
	});
});
