// Added to src/server/ by the runner when @rbxts/posthog has manual exception capture.
import { PostHog } from "@rbxts/posthog";
import { Players } from "@rbxts/services";

function loadWorld(): void {
	throw "consumer failure";
}

function onPlayerAdded(player: Player) {
	const [ok, err] = pcall(loadWorld);
	if (!ok) PostHog.CaptureException(player, tostring(err), debug.traceback(), { context: "load_world" });
	PostHog.Flush();
}

Players.PlayerAdded.Connect(onPlayerAdded);
for (const player of Players.GetPlayers()) task.spawn(onPlayerAdded, player);
