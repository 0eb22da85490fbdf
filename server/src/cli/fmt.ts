// `ncp fmt`: the language server's formatter on the command line. Rewrites files in place, or with
// --check only says which would change (exit 1), for CI. A file with syntax errors is refused,
// never rewritten: the formatter could lose text it cannot parse.
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { readSourceFile } from './sourceFile';
import { emptyInputMessage, parseOptions } from './contract';
import { formatText } from '../language/format';

const help = `Usage: ${CLI_NAME} fmt [--check] FILE.ncp ...

Formats .ncp files exactly as the editor's "Format Document" does, in place.
'-' reads standard input and writes the formatted text to standard output.

Options:
  --check     change nothing; list the files that would change (exit 1 if any)
  -h, --help  this text

A file with syntax errors is not touched (reported on stderr; exit 1).

Exit status: 0 when every file is formatted (with --check: already was), 1 when a file
would change (--check) or has syntax errors, 2 when a file cannot be read or the
command line is wrong.`;

export const fmtCommand: Command = {
  name: 'fmt',
  summary: 'format .ncp files as the editor does (--check for CI)',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('fmt', { args, options: { check: { type: 'boolean' } }, allowPositionals: true, strict: true }, io);
    if (positionals.length === 0) throw new UsageError('give at least one .ncp file (or - for standard input)');
    const check = values.check === true;
    let changed = 0;
    let broken = 0;
    let unreadable = 0;
    for (const file of positionals) {
      const read = await readSourceFile(file, io);
      if ('why' in read) {
        unreadable++;
        writeLine(io.stderr, `${CLI_NAME} fmt: cannot read '${file}': ${read.why}`);
        continue;
      }
      const text = read.text;
      if (file === '-' && text.length === 0) {
        writeLine(io.stderr, emptyInputMessage('fmt'));
        broken++;
        continue;
      }
      const formatted = formatText(text);
      if (formatted === undefined) {
        broken++;
        writeLine(io.stderr, `${CLI_NAME} fmt: ${file === '-' ? '<stdin>' : file}: has syntax errors; not formatted (see '${CLI_NAME} check ${file}')`);
        if (file === '-' && !check) io.stdout.write(text);
        continue;
      }
      if (file === '-') {
        if (check) {
          if (formatted !== text) {
            changed++;
            writeLine(io.stdout, '<stdin>');
          }
        } else io.stdout.write(formatted);
        continue;
      }
      if (formatted === text) continue;
      changed++;
      if (check) {
        writeLine(io.stdout, file);
        continue;
      }
      // write beside, then rename: an interrupted write never leaves half a file
      const path = resolve(io.cwd, file);
      const tmp = `${path}.ncp-fmt-${process.pid}.tmp`;
      await writeFile(tmp, formatted, 'utf8');
      await rename(tmp, path);
      writeLine(io.stderr, `${CLI_NAME} fmt: formatted ${file}`);
    }
    if (check && changed > 0) writeLine(io.stderr, `${CLI_NAME} fmt: ${changed} file${changed === 1 ? '' : 's'} would change`);
    return unreadable > 0 ? 2 : broken > 0 || (check && changed > 0) ? 1 : 0;
  },
};
