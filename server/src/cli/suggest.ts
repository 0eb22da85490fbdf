// `ncp suggest`: for users who train by hand — the next networks to train, from their
// measurements file, each with its predicted value ± spread and the expected gain over the best.
import { resolve } from 'node:path';
import { checkData, newSettingsOption } from './dataChecks';
import { dataArgumentError } from './inputFile';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { intOption, numberOption } from './options';
import { TARGET_OPTIONS, describeCostTarget, hasTarget, targetOption } from './targetOption';
import { catalogueFromData, estimate, jsonRecord, objectiveArgument, parseOptions, quantityOption } from './contract';
import { termLabel } from '../core/propagate';
import { BUILTIN_DEFAULTS } from '../features/propagation/propagationRequest';
import { DataError, loadDataSources, type Dataset } from '../core/data';
import { SEARCH_DEFAULTS, SEARCH_LIMITS } from '../core/search/loop';
import { suggestNext } from '../core/search/suggest';
import { measurementsFromData } from '../core/search/fromData';
import { pointText } from './search';
import { PRIOR_HELP, priorOption } from './priorOption';

const help = `Usage: ${CLI_NAME} suggest --data FILE… --count K --to OBJ [options]

The next K networks to train, for a search run by hand: fits the predictor ensemble on the
measurements (the file a \`${CLI_NAME} search\` wrote, your own rows, or any data the other
commands read) and propagates under the acquisition, as one step of \`${CLI_NAME} search\`. Each
suggestion comes with its predicted value ± spread and its expected gain over the best measured value.

Options:
  --data FILE            measurements: a search's JSON Lines file, your CSV or JSON Lines rows, our
                         JSON or the authors' pickles (docs/data.md); repeat to merge
  --new-settings a,b     settings of the data that are new on purpose (else a name close to a
                         known setting or task, e.g. Seg, is refused as a typo)
  --count K              networks to suggest (1–${SEARCH_LIMITS.batch})
  --to OBJ[,OBJ…]        what to maximise: a task | SETTING[.METRIC] of the data, as in propagate
                         (--objective: the same)
  --flops-max X          hard budget on FLOPs with its unit (2.5G or 2500M; multires)
  --params-max X         hard budget on parameters with its unit (3M or 3000K)
  --lambda L             weight of the exact FLOPs subtracted (default ${BUILTIN_DEFAULTS.lambda}; multires)
  --input HxW, --head cls|seg, --classes N
                         the input size, head and classes the budget and lambda count FLOPs and
                         params at (default 128x128, cls, 50: the benchmark's)
  --kappa K              weight of the spread in the acquisition (default ${SEARCH_DEFAULTS.kappa})
  --seed S               seed (default 0)
${PRIOR_HELP}
  --json                 JSON Lines: one object per suggestion, predicted as {mean, std}

Exit status: 0 suggestions printed, 1 too few measurements or none found, 2 usage.

Examples:
  ${CLI_NAME} suggest --data runs.jsonl --to seg.mIoU --flops-max 2.5G --count 3
  ${CLI_NAME} suggest --data my-runs.csv --to my-cls --count 5 --json`;

export const suggestCommand: Command = {
  name: 'suggest',
  summary: 'the next networks to train, from a measurements file (predicted value ± spread, expected gain)',
  help,
  async run(args, io) {
    const { values } = parseOptions('suggest', {
      args,
      allowPositionals: false,
      strict: true,
      options: {
        data: { type: 'string', multiple: true },
        count: { type: 'string' },
        to: { type: 'string' },
        objective: { type: 'string' },
        'flops-max': { type: 'string' },
        'params-max': { type: 'string' },
        lambda: { type: 'string' },
        kappa: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        prior: { type: 'string' },
        'new-settings': { type: 'string' },
        ...TARGET_OPTIONS,
      },
    }, io);
    if (values.data === undefined) throw new UsageError('--data FILE is required (the measurements so far)');
    const count = intOption(values.count, '--count', 1);
    if (count === undefined) throw new UsageError('--count is required');
    if (count > SEARCH_LIMITS.batch) throw new UsageError(`--count: at most ${SEARCH_LIMITS.batch}, got ${count}`);
    if (values.to !== undefined && values.objective !== undefined) throw new UsageError('give --to or --objective, not both');
    const objText = values.to ?? values.objective;
    if (objText === undefined) throw new UsageError('--to is required (e.g. --to seg.mIoU)');
    // budgets checked before the data is read (a missing unit is a usage error, whatever the data)
    const flopsMax = quantityOption(values['flops-max'], '--flops-max', 'G');
    const paramsMax = quantityOption(values['params-max'], '--params-max', 'M');
    let data: Dataset;
    try {
      data = loadDataSources(values.data.map((d) => resolve(io.cwd, d)));
    } catch (e) {
      if (e instanceof DataError) throw dataArgumentError('--data', e, io.cwd);
      throw e;
    }
    // a known setting's metrics are its own (dataChecks.ts)
    // and a new setting's name is not a typo of a known one, unless declared new
    checkData(data, { declaredNew: newSettingsOption(values['new-settings']) });
    for (const w of data.warnings.slice(0, 3)) writeLine(io.stderr, `${CLI_NAME} suggest: warning: ${w}`);
    const objective = objectiveArgument(objText, values.to !== undefined ? '--to' : '--objective', catalogueFromData(data));
    const space = objective.some((t) => t.setting === 'nb201') ? 'nb201' : 'multires';
    const lambdaOpt = numberOption(values.lambda, '--lambda', { min: 0 });
    if (space === 'nb201' && (flopsMax !== undefined || paramsMax !== undefined || lambdaOpt !== undefined)) {
      throw new UsageError('--flops-max, --params-max and --lambda apply to multi-resolution networks, not NAS-Bench-201 cells');
    }
    const costAt = targetOption(values);
    if (space === 'nb201' && hasTarget(costAt)) throw new UsageError('--input, --head and --classes apply to multi-resolution networks, not NAS-Bench-201 cells');
    if (hasTarget(costAt)) writeLine(io.stderr, `${CLI_NAME} suggest: FLOPs and params count at ${describeCostTarget(costAt)}`);
    const kappa = numberOption(values.kappa, '--kappa', { min: 0, max: 100 }) ?? SEARCH_DEFAULTS.kappa;
    const seed = intOption(values.seed, '--seed', 0) ?? 0;
    const measurements = measurementsFromData(data, space);
    if (measurements.length === 0) {
      throw new UsageError(`--data: ${data.sources.join(', ')} holds no ${space === 'nb201' ? 'NAS-Bench-201 cells' : 'multi-resolution networks'}, the space of ${objective.map(termLabel).join(' + ')}`);
    }
    const prior = await priorOption(values.prior, io, 'suggest');
    // the same step as the editor's "Suggest next networks" lens (core/search/suggest.ts)
    const r = await suggestNext({
      prior,
      space,
      measurements,
      objective,
      flopsMax,
      paramsMax,
      cost: costAt,
      lambda: space === 'multires' ? (lambdaOpt ?? BUILTIN_DEFAULTS.lambda) : 0,
      count,
      kappa,
      seed,
    });
    if (r.random) {
      writeLine(io.stderr, `${CLI_NAME} suggest: ${data.sources.join(', ')} has fewer than 2 successful measurements of ${objective.map(termLabel).join(' + ')}: measure a few random networks first`);
      return 1;
    }
    const props = r.suggestions;
    const f = (v: number) => Number(v.toPrecision(5)).toString();
    props.forEach((p, i) => {
      const gain = p.expectedGain ?? 0;
      if (values.json) {
        const net = space === 'nb201' ? { cell: pointText(space, p.point) } : { code: p.point, string: pointText(space, p.point) };
        writeLine(io.stdout, jsonRecord({ rank: i + 1, space, ...net, predicted: estimate(p.predicted!, p.spread!), expectedGain: gain, acquisition: p.acquisition }));
      } else {
        writeLine(io.stdout, `${i + 1}. ${pointText(space, p.point)}  predicted ${f(p.predicted!)} ± ${f(p.spread!)}, expected gain ${f(gain)}`);
      }
    });
    if (props.length < count) writeLine(io.stderr, `${CLI_NAME} suggest: only ${props.length} unmeasured network(s) within the budget were found`);
    return props.length > 0 ? 0 : 1;
  },
};
