// Added to src/server/ by the runner when @rbxts/posthog has feature flags (GetFeatureFlag).
import { PostHog } from "@rbxts/posthog";
import { Players } from "@rbxts/services";

function onPlayerAdded(player: Player) {
	const loaded = PostHog.ReloadFeatureFlags(player);
	const flag = PostHog.GetFeatureFlag(player, "consumer-flag");
	const enabled = PostHog.IsFeatureEnabled(player, "consumer-flag", false);
	PostHog.Capture(player, "flag_read", { loaded, variant: flag.variant, enabled });
	PostHog.Flush();
}

Players.PlayerAdded.Connect(onPlayerAdded);
for (const player of Players.GetPlayers()) task.spawn(onPlayerAdded, player);
