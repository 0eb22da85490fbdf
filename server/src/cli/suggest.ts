// `ncp suggest`: for users who train by hand — the next networks to train, from their
// measurements file, each with its predicted value ± spread and the expected gain over the best.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, writeLine, type Command } from './command';
import { intOption, numberOption } from './options';
import { termLabel } from '../core/propagate';
import { BUILTIN_DEFAULTS } from '../features/propagationRequest';
import { SEARCH_DEFAULTS, SEARCH_LIMITS, budgeting, fitSurrogate, objectiveValue, pointKey, propose } from '../core/search/loop';
import { MeasurementsFormatError, readMeasurements } from '../core/search/measurementsFile';
import { expectedImprovement } from '../core/search/surrogate';
import { makeRng, subSeed } from '../core/random';
import { parseObjective, pointText } from './search';
import { existsSync } from 'node:fs';

const help = `Usage: ncp suggest --data MEASUREMENTS --count K --to OBJ [options]

The next K networks to train, for a search run by hand: fits the predictor ensemble on the
measurements file (JSON Lines, as \`ncp search --out\` writes it; add your own rows) and
propagates under the acquisition, as one step of \`ncp search\`. Each suggestion comes with its
predicted value ± spread and its expected gain over the best measured value.

Options:
  --data FILE            measurements (JSON Lines): {"space":…,"code"|"cell":…,"metrics":{…},"ok":true}
  --count K              networks to suggest (1–${SEARCH_LIMITS.batch})
  --to OBJ[,OBJ…]        what to maximise (as in propagate; --objective: the same)
  --flops-max X          hard budget in G multiply-accumulates (multires)
  --params-max X         hard budget in M parameters
  --lambda L             weight of the exact FLOPs subtracted (default ${BUILTIN_DEFAULTS.lambda}; multires)
  --kappa K              weight of the spread in the acquisition (default ${SEARCH_DEFAULTS.kappa})
  --seed S               seed (default 0)
  --json                 one JSON object per suggestion`;

export const suggestCommand: Command = {
  name: 'suggest',
  summary: 'the next networks to train, from a measurements file (predicted value ± spread, expected gain)',
  help,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        data: { type: 'string' },
        count: { type: 'string' },
        to: { type: 'string' },
        objective: { type: 'string' },
        'flops-max': { type: 'string' },
        'params-max': { type: 'string' },
        lambda: { type: 'string' },
        kappa: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (values.data === undefined) throw new UsageError('--data MEASUREMENTS is required');
    const count = intOption(values.count, '--count', 1);
    if (count === undefined) throw new UsageError('--count is required');
    if (count > SEARCH_LIMITS.batch) throw new UsageError(`--count: at most ${SEARCH_LIMITS.batch}, got ${count}`);
    if (values.to !== undefined && values.objective !== undefined) throw new UsageError('give --to or --objective, not both');
    const objText = values.to ?? values.objective;
    if (objText === undefined) throw new UsageError('--to is required (e.g. --to seg.mIoU)');
    const objective = parseObjective(objText, values.to !== undefined ? '--to' : '--objective');
    const space = objective.some((t) => t.setting === 'nb201') ? 'nb201' : 'multires';
    const flopsMax = numberOption(values['flops-max'], '--flops-max', { min: 0, exclusiveMin: true });
    const paramsMax = numberOption(values['params-max'], '--params-max', { min: 0, exclusiveMin: true });
    const lambdaOpt = numberOption(values.lambda, '--lambda', { min: 0 });
    if (space === 'nb201' && (flopsMax !== undefined || paramsMax !== undefined || lambdaOpt !== undefined)) {
      throw new UsageError('--flops-max, --params-max and --lambda apply to multi-resolution networks, not NAS-Bench-201 cells');
    }
    const kappa = numberOption(values.kappa, '--kappa', { min: 0, max: 100 }) ?? SEARCH_DEFAULTS.kappa;
    const seed = intOption(values.seed, '--seed', 0) ?? 0;
    const path = resolve(io.cwd, values.data);
    if (!existsSync(path)) throw new UsageError(`${values.data}: no such file`);
    let measurements;
    try {
      measurements = readMeasurements(path).measurements;
    } catch (e) {
      if (e instanceof MeasurementsFormatError) throw new UsageError(e.message);
      throw e;
    }
    const other = measurements.find((m) => m.space !== space);
    if (other) throw new UsageError(`${values.data}: holds ${other.space} measurements, the objective is of the ${space} space`);
    const b = budgeting(space, { flopsMax, paramsMax, lambda: space === 'multires' ? (lambdaOpt ?? BUILTIN_DEFAULTS.lambda) : 0 });
    const model = fitSurrogate(space, measurements, objective);
    if (!model) {
      writeLine(io.stderr, `ncp suggest: ${values.data} has fewer than 2 successful measurements of ${objective.map(termLabel).join(' + ')}: measure a few random networks first`);
      return 1;
    }
    let best = -Infinity;
    for (const m of measurements) {
      const v = objectiveValue(m, objective);
      if (v !== undefined && b.feasible(m.point)) best = Math.max(best, v);
    }
    const exclude = new Set(measurements.flatMap((m) => [pointKey(m.point), ...(m.proposed ? [pointKey(m.proposed)] : [])]));
    const n = measurements.length;
    const props = await propose({
      space,
      model,
      measurements,
      terms: objective,
      budget: b,
      flopsMax,
      paramsMax,
      count,
      kappa,
      steps: SEARCH_DEFAULTS.steps,
      starts: space === 'multires' ? SEARCH_DEFAULTS.startsMultires : SEARCH_DEFAULTS.starts,
      rand: makeRng(subSeed(seed, 'batch', n)),
      seed: subSeed(seed, 'batch', n),
      exclude,
    });
    const f = (v: number) => Number(v.toPrecision(5)).toString();
    props.forEach((p, i) => {
      const gain = Number.isFinite(best) ? expectedImprovement(p.mean, p.std, best) : 0;
      if (values.json) {
        const net = space === 'nb201' ? { cell: pointText(space, p.point) } : { code: p.point, string: pointText(space, p.point) };
        writeLine(io.stdout, JSON.stringify({ rank: i + 1, space, ...net, predicted: p.mean, spread: p.std, expectedGain: gain, acquisition: p.acquisition }));
      } else {
        writeLine(io.stdout, `${i + 1}. ${pointText(space, p.point)}  predicted ${f(p.mean)} ± ${f(p.std)}, expected gain ${f(gain)}`);
      }
    });
    if (props.length < count) writeLine(io.stderr, `ncp suggest: only ${props.length} unmeasured network(s) within the budget were found`);
    return props.length > 0 ? 0 : 1;
  },
};
