import { describe, expect, it } from "@rbxts/jest-globals";
import { VERSION } from "../index";

describe("smoke", () => {
	it("loads the SDK module", () => {
		expect(VERSION).toBe("0.1.0");
	});
});
