declare const __LVSH_VERSION__: string | undefined;

/** Set by the bundler from package.json. */
export const VERSION: string = typeof __LVSH_VERSION__ === "string" ? __LVSH_VERSION__ : "0.0.0-dev";
