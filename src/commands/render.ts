// `virtwork-chaos-tui render [settings flags] [-o yaml|json] [--output-dir DIR]`:
// the deploy's objects without a cluster. The generators are pure
// (src/cloudinit); this file is the I/O: stdout, or files under DIR.
// Bad settings or -o are UsageErrors (exit 2); an unwritable DIR is a
// FailureError (exit 1). The CLI entry owns the exit.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { OUTPUT_FORMATS, type OutputFormat, renderFiles, renderStdout } from '../cloudinit/render.js';
import { SettingsError } from '../cloudinit/settings.js';
import { addSettingsOptions, settingsFromOptions } from '../cloudinit/settings-flags.js';
import { FailureError, UsageError } from './errors.js';

function writeFile(path: string, content: string, executable: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode: executable ? 0o755 : 0o644 });
  // writeFileSync's mode applies only to new files; fix existing ones too.
  chmodSync(path, executable ? 0o755 : 0o644);
}

export function registerRender(program: Command): Command {
  const cmd = program
    .command('render')
    .description('print the controller VM, its RBAC, ConfigMaps and cloud-init for `kubectl apply -f -` (no cluster needed)')
    .option('-o, --output <format>', 'yaml (a multi-document stream) or json (a v1 List)', 'yaml')
    .option('--output-dir <dir>', 'write DIR/manifests/NN-<kind>-<name>.yaml (for `kubectl apply -f DIR/manifests`), the scripts, the unit and cloud-init.yaml');
  addSettingsOptions(cmd);
  cmd.showHelpAfterError('(run `virtwork-chaos-tui render --help` for the settings flags)').action((opts: Record<string, unknown>) => {
    const format = String(opts.output);
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`-o/--output (${JSON.stringify(format)}) must be yaml or json`);
    let settings;
    try {
      settings = settingsFromOptions(opts, process.env);
    } catch (e) {
      if (e instanceof SettingsError) throw new UsageError(e.message);
      throw e;
    }
    const dir = opts.outputDir;
    if (typeof dir !== 'string') {
      process.stdout.write(renderStdout(settings, format as OutputFormat));
      return;
    }
    const files = renderFiles(settings, format as OutputFormat);
    try {
      for (const f of files) writeFile(join(dir, ...f.path.split('/')), f.content, f.executable);
    } catch (e) {
      throw new FailureError(`cannot write ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    process.stdout.write(`wrote ${files.length} files to ${dir} (run id ${settings.runId}); apply with: kubectl apply -f ${join(dir, 'manifests')}\n`);
  });
  return cmd;
}
