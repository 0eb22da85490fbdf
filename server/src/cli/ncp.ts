// Entry point of the `ncprop` CLI: dispatches to one module per sub-command.
import { commands } from './commands';
import { CLI_NAME, UsageError, writeLine, type CliIO } from './command';
import { ModelFormatError } from '../core/predict/format';
import { DataError } from '../core/data/types';
import { InputFileError, UNREADABLE_FILE_STATUS } from './inputFile';
import { closest, didYouMean } from '../language/suggest';
import packageJson from '../../../package.json';

/** The version users install: package.json's (bundled at build time), never a second copy. */
export const version: string = packageJson.version;

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${CLI_NAME} — Network Coding Propagation for neural architecture design`,
    '',
    `Usage: ${CLI_NAME} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run \`${CLI_NAME} <command> --help\` for the options of one command; \`${CLI_NAME} --version\` prints the version.`,
    'Flags, JSON output and exit codes are the same in every command (docs/cli.md).',
    'Codes are the benchmark string (e.g. 64_64-1_1_4_64-…-128) or 27 integers.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name === undefined ? io.stderr : io.stdout, mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    writeLine(io.stdout, version);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    const names = commands.map((c) => c.name);
    writeLine(io.stderr, `${CLI_NAME}: unknown command '${name}'${didYouMean(closest(name, names, 2))}. Commands: ${names.join(', ')}.`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(io.stdout, command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      writeLine(io.stderr, `${CLI_NAME} ${name}: ${(err as Error).message}`);
      writeLine(io.stderr, `Run \`${CLI_NAME} ${name} --help\` for usage.`);
      return 2;
    }
    if (err instanceof InputFileError) {
      writeLine(io.stderr, `${CLI_NAME} ${name}: ${err.message}`);
      return UNREADABLE_FILE_STATUS;
    }
    // bad data found past the readers (too few rows to train on): named, never a stack trace
    if (err instanceof DataError) {
      writeLine(io.stderr, `${CLI_NAME} ${name}: ${err.message}`);
      return 2;
    }
    // a missing or corrupt model file: the data is fine, the installation is not (status 1)
    if (err instanceof ModelFormatError) {
      writeLine(io.stderr, `${CLI_NAME} ${name}: cannot load predictors: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** Runs the CLI on this process's arguments and streams (bin/ncp.js calls this). */
export function runCli(): void {
  // `ncp predict … | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${CLI_NAME}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
