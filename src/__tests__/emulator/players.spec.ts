import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";

describe("World:joinPlayer", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	it("creates a client peer whose RunService reports a client", () => {
		const client = world.joinPlayer();
		client.runSource(`
local RunService = game:GetService("RunService")
_G.isClient = RunService:IsClient()
_G.isServer = RunService:IsServer()`);
		expect(client.kind).toBe("client");
		expect(client.G.isClient).toBe(true);
		expect(client.G.isServer).toBe(false);
	});

	it("gives the client its own DataModel with the server's place and job ids", () => {
		const client = world.joinPlayer();
		expect(client.game).never.toBe(server.game);
		expect(client.game.PlaceId).toBe(server.game.PlaceId);
		expect(client.game.JobId).toBe(server.game.JobId);
	});

	it("sets Players.LocalPlayer on the client to the client's own player", () => {
		const client = world.joinPlayer({ userId: 77, name: "alice" });
		client.runSource(`
local player = game:GetService("Players").LocalPlayer
_G.userId = player.UserId
_G.name = player.Name
_G.same = player == _G.expected`);
		expect(client.G.userId).toBe(77);
		expect(client.G.name).toBe("alice");
		expect(client.localPlayer.UserId).toBe(77);
	});

	it("leaves Players.LocalPlayer nil on the server", () => {
		world.joinPlayer();
		server.runSource(`_G.localPlayer = game:GetService("Players").LocalPlayer`);
		expect(server.G.localPlayer).toBe(undefined);
	});

	it("adds the player to the server's Players and fires PlayerAdded", () => {
		server.runSource(`
_G.added = {}
game:GetService("Players").PlayerAdded:Connect(function(player)
	table.insert(_G.added, player.UserId)
end)`);
		const client = world.joinPlayer({ userId: 5 });
		expect(server.G.added).toEqual([5]);
		expect(server.game.GetService("Players").GetPlayers()).toEqual([client.player]);
	});

	it("exposes the join options as Player properties on the server", () => {
		const client = world.joinPlayer({
			userId: 9,
			name: "bob",
			displayName: "Bobby",
			accountAge: 12,
			membershipType: "Premium",
			hasVerifiedBadge: true,
			locale: "fr-fr",
		});
		const player = client.player;
		expect(player.UserId).toBe(9);
		expect(player.Name).toBe("bob");
		expect(player.DisplayName).toBe("Bobby");
		expect(player.AccountAge).toBe(12);
		expect(player.MembershipType).toBe(Enum.MembershipType.Premium);
		expect(player.HasVerifiedBadge).toBe(true);
		expect(player.LocaleId).toBe("fr-fr");
	});

	it("refuses to let scripts change UserId", () => {
		const client = world.joinPlayer();
		server.runSource(`
local player = game:GetService("Players"):GetPlayers()[1]
_G.ok, _G.err = pcall(function() player.UserId = 1 end)`);
		expect(server.G.ok).toBe(false);
		expect(server.G.err).toMatch("read only");
		expect(client.player.UserId).toBe(1001);
	});

	it("finds players by UserId on the server", () => {
		world.joinPlayer({ userId: 10 });
		const second = world.joinPlayer({ userId: 20 });
		expect(server.game.GetService("Players").GetPlayerByUserId(20)).toBe(second.player);
		expect(world.findClient(20)).toBe(second);
	});

	it("lists the other players on a client and fires its PlayerAdded when one joins later", () => {
		const first = world.joinPlayer({ userId: 1 });
		first.runSource(`
_G.added = {}
game:GetService("Players").PlayerAdded:Connect(function(player)
	table.insert(_G.added, player.UserId)
end)`);
		world.joinPlayer({ userId: 2 });
		expect(first.G.added).toEqual([]);
		world.runFor(0.1);
		expect(first.G.added).toEqual([2]);
		first.runSource(`
local ids = {}
for _, player in game:GetService("Players"):GetPlayers() do table.insert(ids, player.UserId) end
_G.ids = ids`);
		expect(first.G.ids).toEqual([1, 2]);
	});

	it("does not replicate another player's AccountAge to a client", () => {
		world.joinPlayer({ userId: 1, accountAge: 100 });
		const observer = world.joinPlayer({ userId: 2, accountAge: 200 });
		observer.runSource(`
local Players = game:GetService("Players")
_G.own = Players.LocalPlayer.AccountAge
_G.other = Players:GetPlayerByUserId(1).AccountAge`);
		expect(observer.G.own).toBe(200);
		expect(observer.G.other).toBe(0);
	});

	it("returns join data with TeleportData and SourcePlaceId on the server", () => {
		const client = world.joinPlayer({ teleportData: { session: "abc" }, sourcePlaceId: 42 });
		const joinData = client.player.GetJoinData();
		expect(joinData.TeleportData).toEqual({ session: "abc" });
		expect(joinData.SourcePlaceId).toBe(42);
	});

	it("returns join data without teleport fields for a direct join", () => {
		const client = world.joinPlayer();
		const joinData = client.player.GetJoinData();
		expect(joinData.TeleportData).toBe(undefined);
		expect(joinData.SourcePlaceId).toBe(undefined);
	});

	it("raises when a client calls GetJoinData", () => {
		const client = world.joinPlayer();
		client.runSource(`
_G.ok, _G.err = pcall(function() return game:GetService("Players").LocalPlayer:GetJoinData() end)`);
		expect(client.G.ok).toBe(false);
		expect(client.G.err).toMatch("server");
	});

	it("routes a client script's error to the client's ScriptContext.Error only", () => {
		const client = world.joinPlayer();
		for (const peer of [server, client]) {
			peer.runSource(`
_G.errors = {}
game:GetService("ScriptContext").Error:Connect(function(message) table.insert(_G.errors, message) end)`);
		}
		client.runSource(`task.defer(function() error("client boom") end)`);
		world.runFor(0.1);
		expect((client.G.errors as string[]).size()).toBe(1);
		expect((client.G.errors as string[])[0]).toMatch("client boom");
		expect(server.G.errors).toEqual([]);
	});

	it("reports twice the one-way latency as the network ping", () => {
		const client = world.joinPlayer({ latency: 0.08 });
		expect(client.player.GetNetworkPing()).toBeCloseTo(0.16, 5);
	});

	it("runs client scripts under the LocalPlayer's PlayerScripts", () => {
		const client = world.joinPlayer();
		client.runSource(`_G.path = script:GetFullName()`);
		expect(client.G.path).toBe("Players.Player1.PlayerScripts.Main");
	});
});

describe("Player.Idled", () => {
	let world: World;
	afterEach(() => world.destroy());

	it("fires on the client with the idle seconds", () => {
		world = createWorld();
		world.startServer();
		const client = world.joinPlayer();
		client.runSource(`
game:GetService("Players").LocalPlayer.Idled:Connect(function(seconds) _G.idled = seconds end)`);
		client.idle(120);
		expect(client.G.idled).toBe(120);
	});

	it("never fires on the server", () => {
		world = createWorld();
		const server = world.startServer();
		const client = world.joinPlayer();
		server.runSource(`
_G.idled = false
game:GetService("Players"):GetPlayers()[1].Idled:Connect(function() _G.idled = true end)`);
		client.idle(120);
		world.runFor(1);
		expect(server.G.idled).toBe(false);
	});
});

describe("a player leaving", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
		server.runSource(`
_G.log = {}
local Players = game:GetService("Players")
Players.PlayerRemoving:Connect(function(player, reason)
	table.insert(_G.log, { userId = player.UserId, listed = table.find(Players:GetPlayers(), player) ~= nil, reason = reason.Name })
end)`);
	});
	afterEach(() => world.destroy());

	it("fires PlayerRemoving on the server while the player is still in GetPlayers", () => {
		const client = world.joinPlayer({ userId: 3 });
		world.removePlayer(client);
		world.runFor(0.1);
		expect(server.G.log).toEqual([{ userId: 3, listed: true, reason: "Unknown" }]);
	});

	it("removes the player from Players after PlayerRemoving", () => {
		const client = world.joinPlayer();
		world.removePlayer(client);
		world.runFor(0.1);
		expect(server.game.GetService("Players").GetPlayers().size()).toBe(0);
		expect(client.player.Parent).toBe(undefined);
	});

	it("reaches the server after the network latency, not at once", () => {
		const client = world.joinPlayer();
		world.removePlayer(client);
		expect((server.G.log as unknown[]).size()).toBe(0);
		expect(server.game.GetService("Players").GetPlayers().size()).toBe(1);
	});

	it("stops the client's threads", () => {
		const client = world.joinPlayer();
		client.runSource(`_G.ticks = 0 while true do task.wait(0.1) _G.ticks += 1 end`);
		world.runFor(0.55);
		world.removePlayer(client);
		const ticks = client.G.ticks;
		world.runFor(1);
		expect(client.dead).toBe(true);
		expect(client.G.ticks).toBe(ticks);
	});

	it("removes the player from the other clients' Players", () => {
		const leaving = world.joinPlayer({ userId: 1 });
		const staying = world.joinPlayer({ userId: 2 });
		staying.runSource(`
_G.removed = {}
game:GetService("Players").PlayerRemoving:Connect(function(player) table.insert(_G.removed, player.UserId) end)`);
		world.removePlayer(leaving);
		world.runFor(0.2);
		expect(staying.G.removed).toEqual([1]);
		expect(staying.game.GetService("Players").GetPlayers().size()).toBe(1);
	});

	it("kicks a player from the server at once, with CreatorKick", () => {
		const client = world.joinPlayer({ userId: 4 });
		server.runSource(`game:GetService("Players"):GetPlayers()[1]:Kick("bye")`);
		expect(server.G.log).toEqual([{ userId: 4, listed: true, reason: "CreatorKick" }]);
		expect(client.dead).toBe(true);
		expect(client.kickMessage).toBe("bye");
	});

	it("removes the remaining players when the server shuts down", () => {
		world.joinPlayer({ userId: 6 });
		world.shutdownServer(server);
		expect(server.G.log).toEqual([{ userId: 6, listed: true, reason: "Unknown" }]);
		expect(world.clients.size()).toBe(0);
	});
});
