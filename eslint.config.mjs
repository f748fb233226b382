// Lint for the SDK (type-checked TS) and the Node tooling (plain JS). `npm run lint` fails on any
// warning. The src/core block is the architecture rule: core is pure protocol logic and reaches the
// engine only through core/platform.ts (see docs/architecture.md).
import js from "@eslint/js";
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";
import { defineConfig, globalIgnores } from "eslint/config";
import prettier from "eslint-config-prettier";
import roblox from "eslint-plugin-roblox-ts";
import globals from "globals";
import tseslint from "typescript-eslint";

const PLATFORM_HINT = "core/ is pure: take it from core/platform.ts (Clock, Scheduler, HttpClient, Logger...)";

// Roblox globals that core/ may not touch; engine/robloxPlatform.ts wraps the ones core needs.
const ROBLOX_GLOBALS = [
	"game",
	"workspace",
	"script",
	"task",
	"wait",
	"delay",
	"spawn",
	"tick",
	"time",
	"DateTime",
	"os",
	"Instance",
	"Enum",
	"plugin",
	"settings",
	"shared",
	"_G",
	"print",
	"warn",
];

// Engine types that must not cross into core/ either: a Player stops at server/ and engine/.
const ROBLOX_TYPES = ["Instance", "Player", "DateTime", "RBXScriptSignal", "RBXScriptConnection", "EnumItem"];

export default defineConfig(
	globalIgnores(["out/", "out-test/", "include/", "dist/", "api/"]),
	{ linterOptions: { reportUnusedDisableDirectives: "error" } },

	// Every eslint-disable says why: `// eslint-disable-next-line rule -- reason`.
	comments.recommended,
	{ rules: { "@eslint-community/eslint-comments/require-description": "error" } },

	// The SDK and its specs, with type information from the test project (it includes the specs).
	{
		files: ["src/**/*.ts"],
		extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked, roblox.configs.recommended],
		languageOptions: {
			parserOptions: {
				projectService: false,
				project: "./tsconfig.test.json",
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			// A closed set is a string union: a new member fails lint at every switch without a `default`.
			"@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
			// Luau has no Error class: roblox-ts code throws and rejects with strings or tables.
			"@typescript-eslint/only-throw-error": "off",
			"@typescript-eslint/prefer-promise-reject-errors": "off",
			// `require(moduleScript)` is Roblox's module loader, not a CommonJS import.
			"@typescript-eslint/no-require-imports": "off",
			// `declare namespace` types an `export =` value (roblox-ts packages); runtime namespaces stay flagged.
			"@typescript-eslint/no-namespace": ["error", { allowDeclarations: true }],
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
		},
	},

	// The architecture boundary: core/ never sees the engine.
	{
		files: ["src/core/**/*.ts"],
		rules: {
			"no-restricted-globals": ["error", ...ROBLOX_GLOBALS.map((name) => ({ name, message: PLATFORM_HINT }))],
			"@typescript-eslint/no-restricted-types": [
				"error",
				{ types: Object.fromEntries(ROBLOX_TYPES.map((name) => [name, { message: PLATFORM_HINT }])) },
			],
			"no-restricted-imports": [
				"error",
				{
					paths: [{ name: "@rbxts/services", message: PLATFORM_HINT }],
					patterns: [
						{
							regex: "^(\\.\\./)+(engine|server|client|index)(/|$)",
							message: "core/ is imported by engine/, server/ and client/, never the reverse.",
						},
					],
				},
			],
		},
	},

	// Node tooling: the test runner, host bridges, guards and scripts.
	{
		files: ["**/*.mjs"],
		extends: [js.configs.recommended],
		languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: globals.node },
	},

	// Last: turn off every rule that would fight Prettier.
	prettier,
);
