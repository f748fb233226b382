// What a client can observe about its input and screen, for core/relay/detectDeviceType. Each read
// is guarded: a property an older engine lacks (PreferredInput, ViewportDisplaySize) reads as
// unknown instead of breaking the relay. Client only (the server has no input devices).

import { GuiService, UserInputService, VRService } from "@rbxts/services";
import { InputHints } from "../core/relay/detectDeviceType";

function read<T>(getter: () => T, fallback: T): T {
	const [ok, value] = pcall(getter);
	return ok ? value : fallback;
}

function displaySize(): InputHints["displaySize"] {
	const name = read(() => GuiService.ViewportDisplaySize.Name as string, "");
	return name === "Small" || name === "Medium" || name === "Large" ? name : undefined;
}

function preferredInput(): InputHints["preferredInput"] {
	const name = read(() => UserInputService.PreferredInput.Name as string, "");
	return name === "KeyboardAndMouse" || name === "Gamepad" || name === "Touch" || name === "MicroGamepad"
		? name
		: undefined;
}

export function readInputHints(): InputHints {
	return {
		touch: read(() => UserInputService.TouchEnabled, false),
		keyboard: read(() => UserInputService.KeyboardEnabled, false),
		mouse: read(() => UserInputService.MouseEnabled, false),
		gamepad: read(() => UserInputService.GamepadEnabled, false),
		tenFoot: read(() => GuiService.IsTenFootInterface(), false),
		vr: read(() => VRService.VREnabled, false),
		displaySize: displaySize(),
		preferredInput: preferredInput(),
	};
}
