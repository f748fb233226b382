// Generated from package.json by scripts/syncVersion.mjs (npm run version:sync): do not edit.
export const SDK_VERSION = "0.1.0";
