// What scripts/code-server-as-vscode.mjs runs: translates the VS Code command line that
// @vscode/test-electron's runTests builds into a code-server run of the same suite.
// code-server's workbench only honours the test `payload` with the smoke-test driver enabled;
// the suite's output and exit code come back through the driver's codeAutomationLog/Exit hooks.
import { isAbsolute, resolve } from 'node:path';
import { format } from 'node:util';
import { startCodeServer, type CodeServer } from '../e2e/support/codeServer';
import { makeWorkspace } from '../e2e/support/extension';
import { openWorkbench, type Workbench } from '../e2e/support/workbench';

interface TestLaunch {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string;
  folder?: string;
}

/** Reads `--name=value` / `--name value` options; other flags (sandbox, GPU, updates) do not apply to code-server. */
export function parseLaunchArgs(argv: string[]): TestLaunch {
  const developmentPaths: string[] = [];
  let testsPath: string | undefined;
  let folder: string | undefined;
  const valueOptions = new Set(['--extensionDevelopmentPath', '--extensionTestsPath', '--user-data-dir', '--extensions-dir', '--locale']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      folder ??= resolve(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? (valueOptions.has(name) ? argv[++i] : undefined);
    if (name === '--extensionDevelopmentPath' && value) developmentPaths.push(resolve(value));
    if (name === '--extensionTestsPath' && value) testsPath = resolve(value);
  }
  if (!testsPath || developmentPaths.length === 0) {
    throw new Error(`expected --extensionDevelopmentPath and --extensionTestsPath, got: ${argv.join(' ')}`);
  }
  return { extensionDevelopmentPaths: developmentPaths, extensionTestsPath: testsPath, folder };
}

/** Workbench start-up messages that reach the same console as the suite's output. */
const workbenchChatter =
  /^(Resolv(ing|ed) connection token|Creating a socket|\[(reconnection-grace-time|Service Worker|AgentHost|AccountPolicyGate)\]|Ignoring fetching additional builtin|Updating additional builtin|No search provider registered)/;
const verbose = process.env.MEMORY_BUDGET_VSCODE_VERBOSE === '1';

/** The extension host wants the suite's file; runTests may pass a folder holding index.js. */
function testsModule(path: string): string {
  return /\.[cm]?js$/.test(path) ? path : resolve(path, 'index.js');
}

async function runSuite(launch: TestLaunch, timeoutMs: number): Promise<number> {
  const scratch = launch.folder ? undefined : makeWorkspace();
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  try {
    server = await startCodeServer({ smokeTestDriver: true });
    const remote = server.remoteUri.bind(server);
    const payload: Array<[string, string]> = [
      ...launch.extensionDevelopmentPaths.map((path): [string, string] => ['extensionDevelopmentPath', remote(path)]),
      ['extensionTestsPath', remote(testsModule(launch.extensionTestsPath))],
    ];
    let finish: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolveExit) => (finish = resolveExit));
    workbench = await openWorkbench(server, launch.folder ?? scratch!.path, {
      payload,
      waitForExplorer: false,
      beforeLoad: async (page) => {
        await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
          const text = format(...args);
          if (type !== 'error' && !verbose && workbenchChatter.test(text)) return;
          (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
        });
        await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
      },
    });
    const timeout = new Promise<number>((resolveTimeout) =>
      setTimeout(() => {
        process.stderr.write(`extension-host tests did not finish within ${timeoutMs} ms\n${server!.output()}`);
        resolveTimeout(124);
      }, timeoutMs).unref(),
    );
    return await Promise.race([exitCode, timeout]);
  } finally {
    await workbench?.close();
    await server?.stop();
    scratch?.dispose();
  }
}

const launch = parseLaunchArgs(process.argv.slice(2));
for (const path of [...launch.extensionDevelopmentPaths, launch.extensionTestsPath]) {
  if (!isAbsolute(path)) throw new Error(`not an absolute path: ${path}`);
}
const timeoutMs = Number(process.env.MEMORY_BUDGET_VSCODE_TIMEOUT_MS ?? 180_000);
process.exitCode = await runSuite(launch, timeoutMs);
