// Where the SDK's own code lives in the DataModel, so error tracking can tell the SDK's errors from
// the game's: an error raised by the SDK (or with SDK code on its stack) must never be captured as
// an `$exception`, since capturing it runs the same SDK code again.

/**
 * The SDK's root ModuleScript (ReplicatedStorage.PostHog, or wherever the game put it). roblox-ts
 * maps src/ onto the module tree, and this file is `<root>.engine.sdkModuleTree`.
 */
function sdkRoot(): Instance | undefined {
	return script.Parent?.Parent;
}

export class SdkModuleTree {
	private readonly root = sdkRoot();
	/** The root's full name, as trace lines and debug.info sources write it. */
	private readonly rootPath = this.root?.GetFullName();

	/** Whether `instance` is the SDK's root module or inside it. */
	containsInstance(instance: Instance | undefined): boolean {
		const root = this.root;
		if (root === undefined || instance === undefined) return false;
		return instance === root || instance.IsDescendantOf(root);
	}

	/** Whether a dotted script path (a trace frame's filename, a debug.info source) is inside the SDK. */
	containsPath(path: string): boolean {
		const rootPath = this.rootPath;
		if (rootPath === undefined) return false;
		if (path === rootPath) return true;
		return path.sub(1, rootPath.size() + 1) === `${rootPath}.`;
	}
}
