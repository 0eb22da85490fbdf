// Reading benchmark and measurement data: one in-memory Dataset from any accepted source.
export * from './types';
export { loadData, loadDataAsync, loadDataSources, parseData, dataKind, dataName } from './read';
export { mergeDatasets } from './merge';
export { toBenchmarkJson, toMrBenchmark, toNb201Benchmark, BENCHMARK_FORMAT, BENCHMARK_FORMAT_VERSION } from './convert';
export { readAuthorsPickle, settingFromPath } from './authors';
export { readBenchmarkJson } from './json';
export { readCsv, readJsonLines } from './measurements';
export { unpickle, NdArray } from './pickle';
export { METRIC_LIMIT, ROW_LIMIT, FILE_LIMIT } from './values';
