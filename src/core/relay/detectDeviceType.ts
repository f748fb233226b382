// Turns what a client can observe about its input and screen into PostHog's `$device_type` and a
// coarse platform family. APPROXIMATE by nature: Roblox exposes no OS or device API, and every hint
// is a claim (a PC with a touch screen, a laptop on a TV). The rules, first match wins:
//   VREnabled                                   -> VR       / "VR"
//   ten-foot interface or a Large display       -> Console  / "Console"
//   touch is the primary input, Medium display  -> Mobile   / "Tablet"
//   touch is the primary input, otherwise       -> Mobile   / "Phone" (most touch players are on phones)
//   anything else                               -> Desktop  / "PC"
// The primary input is PreferredInput when known, else touch without keyboard or mouse, else
// keyboard/mouse, else gamepad. Pure: the engine reads the services and passes the hints.

import { ClientPlatform, DeviceType, PrimaryInput } from "./messageSchemas";

/** What UserInputService, GuiService and VRService report on the client. */
export interface InputHints {
	/** UserInputService.TouchEnabled */
	touch: boolean;
	/** UserInputService.KeyboardEnabled */
	keyboard: boolean;
	/** UserInputService.MouseEnabled */
	mouse: boolean;
	/** UserInputService.GamepadEnabled */
	gamepad: boolean;
	/** GuiService:IsTenFootInterface() */
	tenFoot: boolean;
	/** VRService.VREnabled */
	vr: boolean;
	/** GuiService.ViewportDisplaySize's name, when available. */
	displaySize?: "Small" | "Medium" | "Large";
	/** UserInputService.PreferredInput's name, when available. */
	preferredInput?: "KeyboardAndMouse" | "Gamepad" | "Touch" | "MicroGamepad";
}

export interface DeviceInfo {
	deviceType: DeviceType;
	platform: ClientPlatform;
	input: PrimaryInput;
}

/** The device type, platform family and primary input the hints suggest (see the rules above). */
export function detectDeviceType(hints: InputHints): DeviceInfo {
	const input = primaryInput(hints);
	if (hints.vr) return { deviceType: "VR", platform: "VR", input };
	if (hints.tenFoot || hints.displaySize === "Large") return { deviceType: "Console", platform: "Console", input };
	if (input === "Touch") {
		return { deviceType: "Mobile", platform: hints.displaySize === "Medium" ? "Tablet" : "Phone", input };
	}
	return { deviceType: "Desktop", platform: "PC", input };
}

function primaryInput(hints: InputHints): PrimaryInput {
	switch (hints.preferredInput) {
		case "KeyboardAndMouse":
			return "KeyboardAndMouse";
		case "Touch":
			return "Touch";
		case "Gamepad":
		case "MicroGamepad":
			return "Gamepad";
		case undefined:
			break;
	}
	if (hints.touch && !hints.keyboard && !hints.mouse) return "Touch";
	if (hints.keyboard || hints.mouse) return "KeyboardAndMouse";
	if (hints.gamepad) return "Gamepad";
	return hints.touch ? "Touch" : "Unknown";
}
