import { describe, expect, it } from "@rbxts/jest-globals";
import { DeviceInfo, detectDeviceType, InputHints } from "../../../core/relay/detectDeviceType";
import { isClientPlatform, isDeviceType, isPrimaryInput } from "../../../core/relay/messageSchemas";

const NOTHING: InputHints = { touch: false, keyboard: false, mouse: false, gamepad: false, tenFoot: false, vr: false };
const PC: InputHints = { ...NOTHING, keyboard: true, mouse: true };
const PHONE: InputHints = { ...NOTHING, touch: true };

const CASES: Array<[string, Partial<InputHints>, DeviceInfo]> = [
	["a PC", PC, { deviceType: "Desktop", platform: "PC", input: "KeyboardAndMouse" }],
	[
		"a PC with a gamepad",
		{ ...PC, gamepad: true },
		{ deviceType: "Desktop", platform: "PC", input: "KeyboardAndMouse" },
	],
	[
		"a PC whose player prefers the gamepad",
		{ ...PC, gamepad: true, preferredInput: "Gamepad" },
		{ deviceType: "Desktop", platform: "PC", input: "Gamepad" },
	],
	["a touch laptop", { ...PC, touch: true }, { deviceType: "Desktop", platform: "PC", input: "KeyboardAndMouse" }],
	["a phone", PHONE, { deviceType: "Mobile", platform: "Phone", input: "Touch" }],
	[
		"a phone with a small display",
		{ ...PHONE, displaySize: "Small" },
		{ deviceType: "Mobile", platform: "Phone", input: "Touch" },
	],
	[
		"a tablet",
		{ ...PHONE, displaySize: "Medium", preferredInput: "Touch" },
		{ deviceType: "Mobile", platform: "Tablet", input: "Touch" },
	],
	[
		"a tablet with a keyboard, used by touch",
		{ ...PHONE, keyboard: true, displaySize: "Medium", preferredInput: "Touch" },
		{ deviceType: "Mobile", platform: "Tablet", input: "Touch" },
	],
	[
		"a console (ten-foot)",
		{ ...NOTHING, gamepad: true, tenFoot: true },
		{ deviceType: "Console", platform: "Console", input: "Gamepad" },
	],
	[
		"a console (large display)",
		{ ...NOTHING, gamepad: true, displaySize: "Large", preferredInput: "Gamepad" },
		{ deviceType: "Console", platform: "Console", input: "Gamepad" },
	],
	[
		"a micro gamepad",
		{ ...NOTHING, gamepad: true, preferredInput: "MicroGamepad" },
		{ deviceType: "Desktop", platform: "PC", input: "Gamepad" },
	],
	["a VR headset on a PC", { ...PC, vr: true }, { deviceType: "VR", platform: "VR", input: "KeyboardAndMouse" }],
	[
		"a VR headset with a ten-foot flag",
		{ ...PC, vr: true, tenFoot: true },
		{ deviceType: "VR", platform: "VR", input: "KeyboardAndMouse" },
	],
	["no input at all", NOTHING, { deviceType: "Desktop", platform: "PC", input: "Unknown" }],
];

describe("detectDeviceType", () => {
	for (const [label, hints, expected] of CASES) {
		it(`says ${expected.deviceType} / ${expected.platform} / ${expected.input} for ${label}`, () => {
			expect(detectDeviceType({ ...NOTHING, ...hints })).toEqual(expected);
		});
	}

	it("only returns values the context schema accepts", () => {
		for (const [, hints] of CASES) {
			const info = detectDeviceType({ ...NOTHING, ...hints });
			expect(isDeviceType(info.deviceType) && isClientPlatform(info.platform) && isPrimaryInput(info.input)).toBe(true);
		}
	});
});
