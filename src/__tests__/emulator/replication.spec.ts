import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { ClientPeer, createWorld, Peer, World } from "../support/emulator";

describe("replication to clients", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	function clientValue(client: ClientPeer, expression: string): unknown {
		client.runSource(`_G.value = ${expression}`);
		return client.G.value;
	}

	it("gives a joining client replicas of ReplicatedStorage, ReplicatedFirst and Workspace", () => {
		server.runSource(`
local folder = Instance.new("Folder")
folder.Name = "Shared"
Instance.new("StringValue", folder).Name = "Inner"
folder.Parent = game:GetService("ReplicatedStorage")
Instance.new("Folder", game:GetService("ReplicatedFirst")).Name = "First"
Instance.new("Model", workspace).Name = "Map"`);
		const client = world.joinPlayer();
		expect(clientValue(client, `game.ReplicatedStorage.Shared.Inner.ClassName`)).toBe("StringValue");
		expect(clientValue(client, `game:GetService("ReplicatedFirst").First.ClassName`)).toBe("Folder");
		expect(clientValue(client, `workspace.Map.ClassName`)).toBe("Model");
	});

	it("gives the client its own instances, not the server's", () => {
		server.runSource(`Instance.new("Folder", game:GetService("ReplicatedStorage")).Name = "Shared"`);
		const client = world.joinPlayer();
		const serverFolder = server.game.GetService("ReplicatedStorage").FindFirstChild("Shared");
		const clientFolder = client.game.GetService("ReplicatedStorage").FindFirstChild("Shared");
		expect(clientFolder).never.toBe(undefined);
		expect(clientFolder).never.toBe(serverFolder);
	});

	it("never replicates ServerScriptService or ServerStorage", () => {
		server.runSource(`
Instance.new("Folder", game:GetService("ServerStorage")).Name = "Secret"
Instance.new("Folder", game:GetService("ServerScriptService")).Name = "Hidden"`);
		const client = world.joinPlayer();
		world.runFor(0.5);
		expect(clientValue(client, `#game:GetService("ServerStorage"):GetChildren()`)).toBe(0);
		expect(clientValue(client, `#game:GetService("ServerScriptService"):GetChildren()`)).toBe(0);
	});

	it("delivers an instance added after the join only after the network latency", () => {
		const client = world.joinPlayer();
		server.runSource(`Instance.new("Folder", game:GetService("ReplicatedStorage")).Name = "Late"`);
		expect(clientValue(client, `game.ReplicatedStorage:FindFirstChild("Late") ~= nil`)).toBe(false);
		world.runFor(0.1);
		expect(clientValue(client, `game.ReplicatedStorage:FindFirstChild("Late") ~= nil`)).toBe(true);
	});

	it("resumes a client's WaitForChild when the instance arrives", () => {
		const client = world.joinPlayer();
		client.runSource(`
_G.found = game:GetService("ReplicatedStorage"):WaitForChild("Relay").ClassName`);
		server.runSource(`Instance.new("RemoteEvent", game:GetService("ReplicatedStorage")).Name = "Relay"`);
		world.runFor(0.1);
		expect(client.G.found).toBe("RemoteEvent");
	});

	it("applies changes on the client in the order the server made them", () => {
		const client = world.joinPlayer();
		client.runSource(`
_G.seen = {}
local ReplicatedStorage = game:GetService("ReplicatedStorage")
ReplicatedStorage.ChildAdded:Connect(function(child) table.insert(_G.seen, "added " .. child.Name) end)
ReplicatedStorage.ChildRemoved:Connect(function(child) table.insert(_G.seen, "removed " .. child.Name) end)`);
		server.runSource(`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local a = Instance.new("Folder") a.Name = "A" a.Parent = ReplicatedStorage
local b = Instance.new("Folder") b.Name = "B" b.Parent = ReplicatedStorage
task.wait(0.02)
a:Destroy()
local c = Instance.new("Folder") c.Name = "C" c.Parent = ReplicatedStorage`);
		world.runFor(0.2);
		expect(client.G.seen).toEqual(["added A", "added B", "removed A", "added C"]);
	});

	it("shows a new instance with the changes the server made before it reached the client", () => {
		const client = world.joinPlayer();
		client.runSource(`
_G.seen = {}
game:GetService("ReplicatedStorage").ChildAdded:Connect(function(child)
	table.insert(_G.seen, child.Name .. "=" .. child.Value)
end)`);
		server.runSource(`
local value = Instance.new("StringValue", game:GetService("ReplicatedStorage"))
value.Name = "Mode"
value.Value = "ranked"
Instance.new("Folder", game:GetService("ReplicatedStorage")):Destroy()`);
		world.runFor(0.1);
		expect(client.G.seen).toEqual(["Mode=ranked"]);
	});

	it("replicates renames", () => {
		server.runSource(`Instance.new("Folder", game:GetService("ReplicatedStorage")).Name = "Old"`);
		const client = world.joinPlayer();
		server.runSource(`game.ReplicatedStorage.Old.Name = "New"`);
		world.runFor(0.1);
		expect(clientValue(client, `game.ReplicatedStorage:FindFirstChild("New") ~= nil`)).toBe(true);
	});

	it("replicates property changes and fires their change signals on the client", () => {
		server.runSource(`Instance.new("StringValue", game:GetService("ReplicatedStorage")).Name = "Config"`);
		const client = world.joinPlayer();
		client.runSource(`
local config = game.ReplicatedStorage.Config
config:GetPropertyChangedSignal("Value"):Connect(function() _G.changedTo = config.Value end)`);
		server.runSource(`game.ReplicatedStorage.Config.Value = "on"`);
		expect(client.G.changedTo).toBe(undefined);
		world.runFor(0.1);
		expect(client.G.changedTo).toBe("on");
	});

	it("replicates attributes", () => {
		const client = world.joinPlayer();
		server.runSource(`workspace:SetAttribute("round", 3)`);
		world.runFor(0.1);
		expect(clientValue(client, `workspace:GetAttribute("round")`)).toBe(3);
	});

	it("removes an instance from clients when the server moves it to ServerStorage", () => {
		server.runSource(`Instance.new("Folder", game:GetService("ReplicatedStorage")).Name = "Moving"`);
		const client = world.joinPlayer();
		server.runSource(`game.ReplicatedStorage.Moving.Parent = game:GetService("ServerStorage")`);
		world.runFor(0.1);
		expect(clientValue(client, `game.ReplicatedStorage:FindFirstChild("Moving") == nil`)).toBe(true);
	});

	it("does not send server changes made by a client back to the server", () => {
		server.runSource(`Instance.new("Folder", game:GetService("ReplicatedStorage")).Name = "Shared"`);
		const client = world.joinPlayer();
		client.runSource(`
game.ReplicatedStorage.Shared.Name = "Renamed"
Instance.new("Folder", game.ReplicatedStorage).Name = "ClientOnly"`);
		world.runFor(0.2);
		const replicatedStorage = server.game.GetService("ReplicatedStorage");
		expect(replicatedStorage.FindFirstChild("Shared")).never.toBe(undefined);
		expect(replicatedStorage.FindFirstChild("ClientOnly")).toBe(undefined);
	});

	it("points replicated object references at the client's replicas", () => {
		server.runSource(`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local target = Instance.new("Folder", ReplicatedStorage) target.Name = "Target"
local pointer = Instance.new("ObjectValue", ReplicatedStorage) pointer.Name = "Pointer"
pointer.Value = target
local hidden = Instance.new("ObjectValue", ReplicatedStorage) hidden.Name = "Hidden"
hidden.Value = game:GetService("ServerStorage")`);
		const client = world.joinPlayer();
		expect(clientValue(client, `game.ReplicatedStorage.Pointer.Value == game.ReplicatedStorage.Target`)).toBe(true);
		expect(clientValue(client, `game.ReplicatedStorage.Hidden.Value == nil`)).toBe(true);
	});

	it("replicates ModuleScript source so clients can require it", () => {
		server.runSource(`
local module = Instance.new("ModuleScript")
module.Name = "Shared"
module.Source = "return { answer = 42 }"
module.Parent = game:GetService("ReplicatedStorage")`);
		const client = world.joinPlayer();
		expect(clientValue(client, `require(game.ReplicatedStorage.Shared).answer`)).toBe(42);
	});

	it("sends server Scripts to clients without their source", () => {
		server.runSource(`
local serverScript = Instance.new("Script")
serverScript.Name = "ServerCode"
serverScript.Source = "print('secret')"
serverScript.Parent = workspace`);
		const client = world.joinPlayer();
		expect(clientValue(client, `workspace.ServerCode.Source`)).toBe("");
	});
});
