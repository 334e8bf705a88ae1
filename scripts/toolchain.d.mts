export declare const NODE24_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
export declare const repoRoot: string;
export interface ToolchainPaths {
  cacheDir: string;
  node24Dir: string;
  node24BinDir: string;
  node24: string;
  codeServerDir: string;
  codeServerEntry: string;
  codeServerMarker: string;
  chromium: string;
}
export declare function toolchainPaths(root?: string): ToolchainPaths;
export declare function withoutNpmEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function node24Env(base?: NodeJS.ProcessEnv, root?: string): NodeJS.ProcessEnv;
export declare function missingToolchain(root?: string): string[];
export declare function installPrerequisites(root?: string, args?: string[]): Promise<void>;
export declare const BUN_VERSION: string;
export declare const DENO_VERSION: string;
export declare function runtimeInstall(name: 'bun' | 'deno', root?: string): { dir: string; marker: string; version: string };
export declare function runtimeBinary(name: 'bun' | 'deno', root?: string): string | undefined;
export declare function installJsRuntimes(root?: string): Promise<void>;
