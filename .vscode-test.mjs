// @vscode/test-cli configuration: runs the integration suites in a desktop VS Code, on machines
// that have one (`npm run test:desktop`). CI and machines without a desktop build use
// scripts/run-vscode-tests.mjs (VS Code 1.99 from npm code-server) instead; both load the same
// out/test/integration/**/*.test.js, bundled by `node scripts/run-vscode-tests.mjs --build-only`.
//
//   VSCODE_PATH=/usr/share/code/code npm run test:desktop   # use an installed VS Code
//   npm run test:desktop                                    # test-cli downloads VS Code (needs the internet)
import { defineConfig } from '@vscode/test-cli';

const useInstallation = process.env.VSCODE_PATH ? { fromPath: process.env.VSCODE_PATH } : undefined;

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  extensionDevelopmentPath: '.',
  workspaceFolder: './test/fixtures/workspace',
  ...(useInstallation ? { useInstallation } : { version: process.env.VSCODE_VERSION ?? '1.99.3' }),
  launchArgs: ['--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: { ui: 'tdd', timeout: 30_000, color: true },
});
