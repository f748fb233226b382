// The server half of a roblox-ts game using @rbxts/posthog: the same calls as the Luau consumers.
// The distribution spec replaces {{POSTHOG_HOST}} (kept verbatim in the compiled Luau) with the url
// of its fake PostHog before running this script.
import PostHogModule, { PostHog, PostHogOptions, Subject } from "@rbxts/posthog";
import { Players } from "@rbxts/services";
import { track } from "shared/analytics";

const options: PostHogOptions = { apiKey: "phc_consumer_key", host: "{{POSTHOG_HOST}}" };
PostHog.Init(options);
PostHog.Register("place_version", game.PlaceVersion);
track(undefined, "shop_restocked", { items: 3 });

function onPlayerAdded(player: Player) {
	const subject: Subject = player;
	track(subject, "game_joined");
	PostHog.Identify(player, { display_name: player.DisplayName, level: 12 }, { first_seen: os.time() });
	PostHog.Group(player, "guild", "guild_42", { name: "The Knights" });
	PostHog.Screen(player, "Main Menu", { unlocked_levels: 5 });
	// The default import is the same SDK object.
	PostHogModule.Capture(player, "level_completed", { level: 5, used_powerup: true });
	PostHog.Flush();
}

Players.PlayerAdded.Connect(onPlayerAdded);
for (const player of Players.GetPlayers()) task.spawn(onPlayerAdded, player);

// Type-level checks (roblox-ts forbids @ts-expect-error): each value compiles only while the typings are
// as strict as documented, so loose typings (any, unknown) fail this build.
type Assignable<A, B> = [A] extends [B] ? true : false;
type CaptureSubject = Parameters<typeof PostHog.Capture>[0];
const typingsAreStrict: [
	subjectsAreDocumented: Assignable<Player | number | string | undefined, CaptureSubject>,
	booleanIsNoSubject: Assignable<boolean, CaptureSubject>,
	eventNameIsString: Assignable<number, Parameters<typeof PostHog.Capture>[1]>,
	initNeedsOptions: Assignable<[], Parameters<typeof PostHog.Init>>,
	optionsAreChecked: Assignable<{ flushAt: string }, PostHogOptions>,
] = [true, false, false, false, false];
