import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { ClientInput, ClientPeer, createWorld, Peer, World } from "../support/emulator";

// Reads the client input hints SDKs use for $device_type.
const READ_HINTS = `
local UserInputService = game:GetService("UserInputService")
local GuiService = game:GetService("GuiService")
_G.hints = {
	touch = UserInputService.TouchEnabled,
	keyboard = UserInputService.KeyboardEnabled,
	mouse = UserInputService.MouseEnabled,
	gamepad = UserInputService.GamepadEnabled,
	vr = game:GetService("VRService").VREnabled,
	preferred = UserInputService.PreferredInput.Name,
	tenFoot = GuiService:IsTenFootInterface(),
	display = GuiService.ViewportDisplaySize.Name,
}`;

interface Hints {
	touch: boolean;
	keyboard: boolean;
	mouse: boolean;
	gamepad: boolean;
	vr: boolean;
	preferred: string;
	tenFoot: boolean;
	display: string;
}

describe("client input hints", () => {
	let world: World;
	beforeEach(() => {
		world = createWorld();
		world.startServer();
	});
	afterEach(() => world.destroy());

	function hintsOf(input?: ClientInput): Hints {
		const client = world.joinPlayer({ input });
		client.runSource(READ_HINTS);
		return client.G.hints as Hints;
	}

	it("reports a keyboard-and-mouse desktop by default", () => {
		expect(hintsOf()).toEqual({
			touch: false,
			keyboard: true,
			mouse: true,
			gamepad: false,
			vr: false,
			preferred: "KeyboardAndMouse",
			tenFoot: false,
			display: "Medium",
		});
	});

	it("reports a phone as touch-first with a small display", () => {
		const hints = hintsOf({ touch: true });
		expect(hints.touch).toBe(true);
		expect(hints.keyboard).toBe(false);
		expect(hints.preferred).toBe("Touch");
		expect(hints.display).toBe("Small");
	});

	it("reports a console as a ten-foot gamepad interface with a large display", () => {
		const hints = hintsOf({ gamepad: true, tenFoot: true });
		expect(hints.preferred).toBe("Gamepad");
		expect(hints.tenFoot).toBe(true);
		expect(hints.display).toBe("Large");
	});

	it("reports VR on UserInputService and VRService", () => {
		const hints = hintsOf({ vr: true, keyboard: true, mouse: true });
		expect(hints.vr).toBe(true);
	});

	it("uses an explicit preferred input and display size", () => {
		const hints = hintsOf({ touch: true, keyboard: true, preferredInput: "Touch", displaySize: "Medium" });
		expect(hints.preferred).toBe("Touch");
		expect(hints.display).toBe("Medium");
	});

	it("fires the PreferredInput change signal when the client's input changes", () => {
		const client = world.joinPlayer();
		client.runSource(`
local UserInputService = game:GetService("UserInputService")
UserInputService:GetPropertyChangedSignal("PreferredInput"):Connect(function()
	_G.preferred = UserInputService.PreferredInput.Name
end)`);
		client.setInput({ gamepad: true, preferredInput: "Gamepad" });
		expect(client.G.preferred).toBe("Gamepad");
	});

	it("reports no input devices on the server", () => {
		const server = world.startServer({ name: "other" });
		server.runSource(`_G.touch = game:GetService("UserInputService").TouchEnabled
_G.keyboard = game:GetService("UserInputService").KeyboardEnabled`);
		expect(server.G.touch).toBe(false);
		expect(server.G.keyboard).toBe(false);
	});

	it("refuses to let scripts set TouchEnabled", () => {
		const client = world.joinPlayer();
		client.runSource(`_G.ok, _G.err = pcall(function() game:GetService("UserInputService").TouchEnabled = true end)`);
		expect(client.G.ok).toBe(false);
		expect(client.G.err).toMatch("read only");
	});
});

describe("LocalizationService", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	function lookUpCountry(client: ClientPeer) {
		server.runSource(`
local player = game:GetService("Players"):GetPlayerByUserId(${client.player.UserId})
_G.ok, _G.country = pcall(function()
	return game:GetService("LocalizationService"):GetCountryRegionForPlayerAsync(player)
end)`);
	}

	it("returns the player's country after yielding", () => {
		const client = world.joinPlayer({ country: "DE" });
		lookUpCountry(client);
		expect(server.G.country).toBe(undefined);
		world.runFor(0.2);
		expect(server.G.country).toBe("DE");
	});

	it("defaults the country to US", () => {
		const client = world.joinPlayer();
		lookUpCountry(client);
		world.runFor(0.2);
		expect(server.G.country).toBe("US");
	});

	it("raises for a player who left before the answer", () => {
		const client = world.joinPlayer();
		lookUpCountry(client);
		world.removePlayer(client);
		world.runFor(0.2);
		expect(server.G.ok).toBe(false);
		expect(server.G.country).toMatch("not in the game");
	});

	it("reports the client's locale", () => {
		const client = world.joinPlayer({ locale: "pt-br" });
		client.runSource(`
_G.locale = game:GetService("LocalizationService").RobloxLocaleId
_G.playerLocale = game:GetService("Players").LocalPlayer.LocaleId`);
		expect(client.G.locale).toBe("pt-br");
		expect(client.G.playerLocale).toBe("pt-br");
	});
});

describe("engine members the emulator lacks", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	function errorOf(source: string): unknown {
		server.runSource(`_G.ok, _G.err = pcall(function() ${source} end)`);
		expect(server.G.ok).toBe(false);
		return server.G.err;
	}

	it("raises for an unknown service name", () => {
		expect(errorOf(`game:GetService("NoSuchService")`)).toMatch("is not a valid Service name");
	});

	it("raises for a real service the emulator does not implement", () => {
		expect(errorOf(`game:GetService("MarketplaceService")`)).toMatch("does not implement");
	});

	it("raises for an unknown member of a service", () => {
		expect(errorOf(`return game:GetService("Players").NoSuchMember`)).toMatch(
			"NoSuchMember is not a valid member of Players",
		);
	});

	it("raises for a Player method the emulator does not implement", () => {
		world.joinPlayer();
		expect(errorOf(`game:GetService("Players"):GetPlayers()[1]:IsInGroup(1)`)).toMatch(
			"IsInGroup is not a valid member of Player",
		);
	});

	it("raises when a script creates a Player", () => {
		expect(errorOf(`Instance.new("Player")`)).toMatch(`Unable to create an Instance of type "Player"`);
	});
});
