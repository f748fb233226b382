import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { ClientPeer, createWorld, Peer, World } from "../support/emulator";

// Teleports the server's players with the given user ids to `placeId`, with `data` as teleport data.
function teleportSource(placeId: number, userIds: number[], optionsSource = "", data = `{ session = "s-1" }`) {
	return `
local TeleportService = game:GetService("TeleportService")
local Players = game:GetService("Players")
local players = {}
for _, userId in { ${userIds.join(", ")} } do table.insert(players, Players:GetPlayerByUserId(userId)) end
local options = Instance.new("TeleportOptions")
options:SetTeleportData(${data})
${optionsSource}
local result = TeleportService:TeleportAsync(${placeId}, players, options)
_G.accessCode = result.ReservedServerAccessCode
_G.privateServerId = result.PrivateServerId`;
}

function destinationOf(client: ClientPeer): Peer {
	const arrived = client.teleportedTo;
	expect(arrived).never.toBe(undefined);
	return arrived!.server;
}

describe("TeleportService:TeleportAsync", () => {
	let world: World;
	let source: Peer;
	beforeEach(() => {
		world = createWorld();
		source = world.startServer({ placeId: 1, gameId: 100 });
	});
	afterEach(() => world.destroy());

	it("moves the player from the source server to a server of the destination place", () => {
		const client = world.joinPlayer({ userId: 7 });
		source.runSource(teleportSource(2, [7]));
		world.runFor(2);
		expect(source.game.GetService("Players").GetPlayers().size()).toBe(0);
		const destination = destinationOf(client);
		expect(destination.game.PlaceId).toBe(2);
		expect(
			destination.game
				.GetService("Players")
				.GetPlayers()
				.map((player) => player.UserId),
		).toEqual([7]);
	});

	it("shows the teleport data and source place in the destination's GetJoinData", () => {
		const client = world.joinPlayer({ userId: 7 });
		source.runSource(teleportSource(2, [7]));
		world.runFor(2);
		const joinData = client.teleportedTo!.player.GetJoinData();
		expect(joinData.TeleportData).toEqual({ session: "s-1" });
		expect(joinData.SourcePlaceId).toBe(1);
		expect(joinData.SourceGameId).toBe(100);
		expect(joinData.Members).toBe(undefined);
	});

	it("gives the arriving client its teleport data through GetLocalPlayerTeleportData", () => {
		const client = world.joinPlayer({ userId: 7 });
		source.runSource(teleportSource(2, [7]));
		world.runFor(2);
		const arrived = client.teleportedTo!;
		arrived.runSource(`_G.data = game:GetService("TeleportService"):GetLocalPlayerTeleportData()`);
		expect(arrived.G.data).toEqual({ session: "s-1" });
	});

	it("fires PlayerRemoving on the source before PlayerAdded on the destination", () => {
		world.joinPlayer({ userId: 7 });
		const destination = world.startServer({ placeId: 2 });
		const order: string[] = [];
		source.game.GetService("Players").PlayerRemoving.Connect(() => order.push("left source"));
		destination.game.GetService("Players").PlayerAdded.Connect(() => order.push("joined destination"));
		source.runSource(teleportSource(2, [7]));
		world.runFor(0.2);
		expect(order).toEqual([]);
		world.runFor(2);
		expect(order).toEqual(["left source", "joined destination"]);
	});

	it("stops the client that left and keeps the player's profile on the new one", () => {
		const client = world.joinPlayer({ userId: 7, name: "traveller", country: "GB" });
		source.runSource(teleportSource(2, [7]));
		world.runFor(2);
		const arrived = client.teleportedTo!;
		expect(client.dead).toBe(true);
		expect(arrived.localPlayer.Name).toBe("traveller");
		arrived.server.runSource(`
local player = game:GetService("Players"):GetPlayers()[1]
_G.country = game:GetService("LocalizationService"):GetCountryRegionForPlayerAsync(player)`);
		world.runFor(0.2);
		expect(arrived.server.G.country).toBe("GB");
	});

	it("sends players to a running server of the destination place", () => {
		const client = world.joinPlayer({ userId: 7 });
		const destination = world.startServer({ placeId: 2 });
		source.runSource(teleportSource(2, [7]));
		world.runFor(2);
		expect(destinationOf(client)).toBe(destination);
	});

	it("runs world.onServerStarted on a new destination server before the player arrives", () => {
		const client = world.joinPlayer({ userId: 7 });
		world.onServerStarted = (server) => {
			server.runSource(`
game:GetService("Players").PlayerAdded:Connect(function(player) _G.greeted = player.UserId end)`);
		};
		source.runSource(teleportSource(2, [7]));
		world.runFor(2);
		expect(destinationOf(client).G.greeted).toBe(7);
	});

	it("lists the members of a group teleport in each player's join data", () => {
		const first = world.joinPlayer({ userId: 7 });
		const second = world.joinPlayer({ userId: 8 });
		source.runSource(teleportSource(2, [7, 8]));
		world.runFor(2);
		expect(destinationOf(first)).toBe(destinationOf(second));
		expect(first.teleportedTo!.player.GetJoinData().Members).toEqual([7, 8]);
	});

	it("reserves a new private server when ShouldReserveServer is set", () => {
		const client = world.joinPlayer({ userId: 7 });
		world.startServer({ placeId: 2 });
		source.runSource(teleportSource(2, [7], `options.ShouldReserveServer = true`));
		world.runFor(2);
		const destination = destinationOf(client);
		expect(source.G.accessCode).never.toBe("");
		expect(destination.game.PrivateServerId).toBe(source.G.privateServerId);
		expect(destination.game.PrivateServerOwnerId).toBe(0);
	});

	it("yields before returning", () => {
		world.joinPlayer({ userId: 7 });
		source.runSource(`${teleportSource(2, [7])}\n_G.returned = true`);
		expect(source.G.returned).toBe(undefined);
		world.runFor(0.2);
		expect(source.G.returned).toBe(true);
	});

	it("raises when called on a client", () => {
		const client = world.joinPlayer({ userId: 7 });
		client.runSource(`
_G.ok, _G.err = pcall(function()
	game:GetService("TeleportService"):TeleportAsync(2, { game.Players.LocalPlayer })
end)`);
		expect(client.G.ok).toBe(false);
		expect(client.G.err).toMatch("server");
	});

	it("raises for ServerInstanceId combined with ReservedServerAccessCode", () => {
		world.joinPlayer({ userId: 7 });
		source.runSource(`
_G.ok, _G.err = pcall(function()
	${teleportSource(2, [7], `options.ServerInstanceId = "a" options.ReservedServerAccessCode = "b"`)}
end)`);
		expect(source.G.ok).toBe(false);
		expect(source.G.err).toMatch("ServerInstanceId");
	});

	it("raises in Studio", () => {
		const studio = world.startServer({ placeId: 3, studio: true });
		world.joinPlayer({ userId: 9, server: studio });
		studio.runSource(`_G.ok, _G.err = pcall(function() ${teleportSource(2, [9])} end)`);
		expect(studio.G.ok).toBe(false);
		expect(studio.G.err).toMatch("Studio");
	});
});

describe("TeleportService:GetLocalPlayerTeleportData", () => {
	let world: World;
	afterEach(() => world.destroy());

	it("returns the join option's teleport data on the client", () => {
		world = createWorld();
		world.startServer();
		const client = world.joinPlayer({ teleportData: { from: "lobby" } });
		client.runSource(`_G.data = game:GetService("TeleportService"):GetLocalPlayerTeleportData()`);
		expect(client.G.data).toEqual({ from: "lobby" });
	});

	it("raises on the server", () => {
		world = createWorld();
		const server = world.startServer();
		server.runSource(`_G.ok = pcall(function() game:GetService("TeleportService"):GetLocalPlayerTeleportData() end)`);
		expect(server.G.ok).toBe(false);
	});
});
