// `ncp import`: reads benchmark or measurement data of any accepted kind and writes our JSON form
// (docs/benchmark.schema.json). Nothing is written unless every input reads cleanly.
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { parseOptions } from './contract';
import { DataError, dataName, loadDataSources, toBenchmarkJson } from '../core/data';

const help = `Usage: ${CLI_NAME} import DIR|FILE… --out FILE.json [--name NAME]

Reads benchmark data and writes it as one JSON file in our form (docs/benchmark.schema.json),
which every command that takes data reads. Inputs, merged in order:
  DIR              the authors' data/ folder: <setting>/trainval.pkl per setting
  FILE.pkl         one authors' pickle (the setting is its folder's name)
  FILE.json        our JSON (NAS-Bench-MR or NAS-Bench-201)
  FILE.jsonl/.csv  your own measurements (docs/data.md)
Rows of the same network from different inputs join; a fact two inputs state differently
is an error naming both.

Options:
  --out FILE.json   where to write (replaced only when everything was read)
  --name NAME       the data's name in the file (default: the inputs' names)
  -h, --help        this text

Example:
  ${CLI_NAME} import NCP/data --out nasbench-mr-full.json`;

export const importCommand: Command = {
  name: 'import',
  summary: "convert the authors' pickles or your measurements to our JSON form",
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('import', { args, options: { out: { type: 'string' }, name: { type: 'string' } }, allowPositionals: true }, io);
    if (positionals.length === 0) throw new UsageError('give at least one DIR or FILE to import');
    if (!values.out) throw new UsageError('--out FILE.json is required');
    const out = resolve(io.cwd, values.out);
    try {
      if (statSync(out).isDirectory()) throw new UsageError(`--out: ${out} is a folder; expected a file name`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
    }
    const inputs = positionals.map((p) => resolve(io.cwd, p));
    if (inputs.includes(out)) throw new UsageError(`--out: ${out} is also an input`);
    let json: Record<string, unknown>;
    let summary: string;
    try {
      const data = loadDataSources(inputs);
      for (const w of data.warnings) writeLine(io.stderr, `${CLI_NAME} import: warning: ${w}`);
      json = toBenchmarkJson(data, values.name ?? dataName(inputs));
      const networks = data.entries.filter((e) => e.space === 'multires').length;
      const cells = data.entries.length - networks;
      summary = `${data.settings.length} setting(s) (${data.settings.map((s) => `${s.name}: ${s.metrics.join(', ')}`).join('; ')}), ${networks} network(s), ${cells} cell(s)`;
    } catch (e) {
      if (e instanceof DataError) throw new UsageError(e.message);
      throw e;
    }
    // a temporary file beside the target, renamed over it: a crash never leaves half a file
    const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, JSON.stringify(json) + '\n');
      renameSync(tmp, out);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new UsageError(`--out: cannot write ${out}: ${(e as Error).message}`);
    }
    writeLine(io.stderr, `${CLI_NAME} import: wrote ${out}: ${summary}`);
    return 0;
  },
};
