// The typed syntax tree of a `.ncp` document. Every node carries its exact source range, both as
// offsets and as LSP positions (0-based line, UTF-16 character), so editor features need no
// further text arithmetic. Nodes hold what was written, even when it is wrong; analysis judges.

export interface Position {
  line: number;
  character: number;
}

/** An LSP range plus the offsets it covers: [startOffset, endOffset). */
export interface Range {
  start: Position;
  end: Position;
  startOffset: number;
  endOffset: number;
}

/** A number literal as written. */
export interface NumberLit {
  value: number;
  /** The literal's text (kept for formatting: `2.50` stays `2.50`). */
  text: string;
  range: Range;
}

/** A name (identifier) as written. */
export interface Name {
  text: string;
  range: Range;
}

/** What a number inside a network stands for. */
export type NetworkNumberRole =
  /** A position of the 27-integer code (`index` says which). */
  | 'code'
  /** The stage number in `stage 3` or the branch count the string form repeats after each block count. */
  | 'stage'
  /** A number that maps to no code position (an extra branch entry, a third stem channel …). */
  | 'extra';

export interface NetworkNumber {
  value: number;
  text: string;
  range: Range;
  /** Position in the 27-integer code, or -1 when role is not 'code'. */
  index: number;
  role: NetworkNumberRole;
}

/** A bracketed list `[a, b, …]`. */
export interface NumberList {
  items: NumberLit[];
  range: Range;
}

export interface StemClause {
  kind: 'stem';
  keywordRange: Range;
  values: NumberLit[];
  range: Range;
}

export interface HeadClause {
  kind: 'head';
  keywordRange: Range;
  values: NumberLit[];
  range: Range;
}

export type StageFieldName = 'blocks' | 'units' | 'channels';

export interface StageField {
  field: StageFieldName;
  keywordRange: Range;
  /** `blocks N`: the number (undefined when missing). */
  value?: NumberLit;
  /** `units [..]` / `channels [..]`: the list (undefined when missing). */
  list?: NumberList;
  range: Range;
}

export interface StageClause {
  kind: 'stage';
  keywordRange: Range;
  /** The stage number after `stage` (undefined when missing). */
  index?: NumberLit;
  fields: StageField[];
  range: Range;
}

export type NetworkClause = StemClause | StageClause | HeadClause;

export type NetworkForm = 'structured' | 'string' | 'list';

interface DeclBase {
  name: string;
  nameRange: Range;
  /** The whole declaration, keyword to closing brace / last token. */
  range: Range;
  /** Range of the leading keyword (`network`, `cell`, `propagate`). */
  keywordRange: Range;
  /** Set when the parser had to recover inside this declaration (parts may be missing). */
  syntaxErrors?: boolean;
}

export interface NetworkDecl extends DeclBase {
  kind: 'network';
  form: NetworkForm;
  /** The 27-integer code, present only when the network is structurally valid (range warnings allowed). */
  code?: number[];
  /** Every number literal of the network, in source order (inside the string too). */
  numbers: NetworkNumber[];
  /** Structured form: the clauses in source order. */
  clauses?: NetworkClause[];
  /** Structured form: the braces. */
  openBrace?: Range;
  closeBrace?: Range;
  /** String form: the string literal (with quotes) and its content. */
  string?: { value: string; range: Range; terminated: boolean };
  /** List form: the list. */
  list?: NumberList;
}

export interface CellOp {
  /** Op name as written. */
  op: string;
  /** Edge index 0..5 (1←0, 2←0, 2←1, 3←0, 3←1, 3←2). */
  edge: number;
  range: Range;
}

export interface CellDecl extends DeclBase {
  kind: 'cell';
  /** Op index per edge (NB201_OPS order), present only when the cell is valid. */
  cell?: number[];
  string?: { value: string; range: Range; terminated: boolean };
  /** The ops inside the string with their ranges (when the string's shape is right). */
  ops: CellOp[];
}

export interface Objective {
  kind: 'maximize';
  keywordRange: Range;
  /** The weight before `*` (1 when none was written). */
  weight: number;
  weightLit?: NumberLit;
  /** Setting (or task alias) as written. */
  setting?: Name;
  /** Metric as written; undefined means the setting's main metric. */
  metric?: Name;
  /** The setting the name resolves to (task aliases resolved), when known. */
  resolvedSetting?: string;
  /** The metric it resolves to (the main metric when none was written), when known. */
  resolvedMetric?: string;
  range: Range;
}

export type BudgetKind = 'flops' | 'params';

export interface Budget {
  kind: BudgetKind;
  keywordRange: Range;
  value?: NumberLit;
  unit?: Name;
  /** The limit in G (FLOPs) or M (params), when value and unit are valid. */
  limit?: number;
  range: Range;
}

export type NumericOptionName = 'lambda' | 'steps' | 'lr' | 'restarts' | 'seed';

export interface NumericOption {
  kind: NumericOptionName;
  keywordRange: Range;
  value?: NumberLit;
  range: Range;
}

export interface StrategyOption {
  kind: 'strategy';
  keywordRange: Range;
  value?: Name;
  range: Range;
}

/** `input 512x1024 seg classes 19`: the input size, head and classes the block's budgets count at. */
export interface InputOption {
  kind: 'input';
  keywordRange: Range;
  /** The tokens after `input` as written (`512x1024` is two: `512`, `x1024`). */
  parts: { text: string; range: Range }[];
  range: Range;
}

/** What an `input` statement states (the shape of core/cost's CostOptions). */
export interface CountedAt {
  input: [number, number];
  head?: 'cls' | 'seg';
  classes?: number;
}

export type PropagateStatement = Objective | Budget | NumericOption | StrategyOption | InputOption;

export type Strategy = 'continuous' | 'winner-takes-all';

export interface PropagateDecl extends DeclBase {
  kind: 'propagate';
  /** The network or cell after `from`. */
  from?: Name;
  /** Every statement in source order. */
  statements: PropagateStatement[];
  objectives: Objective[];
  /** First budget of each kind (duplicates are diagnosed). */
  flops?: Budget;
  params?: Budget;
  /** Option values when written and valid (first of each; duplicates are diagnosed). */
  options: {
    lambda?: number;
    steps?: number;
    lr?: number;
    restarts?: number;
    seed?: number;
    strategy?: Strategy;
    /** `input …` when written and valid: the size the budgets count at. */
    costAt?: CountedAt;
  };
  openBrace?: Range;
  closeBrace?: Range;
}

/** `measurements "runs.jsonl"` in a search block: the measurements file, relative to the document's folder. */
export interface MeasurementsOption {
  kind: 'measurements';
  keywordRange: Range;
  value?: { value: string; range: Range; terminated: boolean };
  range: Range;
}

/** `batch K` in a search block: how many networks "Suggest next networks" writes. */
export interface BatchOption {
  kind: 'batch';
  keywordRange: Range;
  value?: NumberLit;
  range: Range;
}

/** A word no search statement starts with (`kappa 2`): kept so analysis names it and the formatter keeps it. */
export interface UnknownStatement {
  kind: 'unknown';
  keywordRange: Range;
  word: string;
  /** The value's text as written (a number or a string with its quotes). */
  valueText: string;
  range: Range;
}

/** `measure "CMD"` in a search block: the command that measures one network (as `ncprop search --measure`). */
export interface MeasureOption {
  kind: 'measure';
  keywordRange: Range;
  value?: { value: string; range: Range; terminated: boolean };
  range: Range;
}

/** `jobs N` in a search block: measurements running at once (as `ncprop search --jobs`). */
export interface JobsOption {
  kind: 'jobs';
  keywordRange: Range;
  value?: NumberLit;
  range: Range;
}

/** `retries N` in a search block: attempts more for a failure that looks like the infrastructure's (as `ncprop search --retries`). */
export interface RetriesOption {
  kind: 'retries';
  keywordRange: Range;
  value?: NumberLit;
  range: Range;
}

/** `slurm "SBATCH ARGS"` in a search block: each attempt a Slurm job (as `ncprop search --slurm --slurm-args=…`). */
export interface SlurmOption {
  kind: 'slurm';
  keywordRange: Range;
  value?: { value: string; range: Range; terminated: boolean };
  range: Range;
}

export type SearchStatement = PropagateStatement | MeasurementsOption | BatchOption | MeasureOption | JobsOption | RetriesOption | SlurmOption | UnknownStatement;

/**
 * `search NAME { … }`: a closed-loop search run by hand — objective and budgets as in a
 * propagate block, plus the measurements file and the batch size. `search` is a contextual
 * keyword: it starts a declaration only as `search NAME {` outside any other declaration.
 */
export interface SearchDecl extends DeclBase {
  kind: 'search';
  statements: SearchStatement[];
  objectives: Objective[];
  flops?: Budget;
  params?: Budget;
  options: {
    lambda?: number;
    seed?: number;
    batch?: number;
    jobs?: number;
    retries?: number;
    /** `input …` when written and valid: the size the budgets count at. */
    costAt?: CountedAt;
  };
  /** The measurements file as written (undefined when absent). */
  measurements?: string;
  /** The measuring command as written (undefined when absent). */
  measure?: string;
  /** `slurm "ARGS"`: sbatch's extra arguments as written ('' for none); undefined: measured on this machine. */
  slurm?: string;
  /** The space the objectives are of, when they resolve. */
  space?: 'multires' | 'nb201';
  openBrace?: Range;
  closeBrace?: Range;
}

export type Declaration = NetworkDecl | CellDecl | PropagateDecl | SearchDecl;

export interface Comment {
  text: string;
  range: Range;
  block: boolean;
  /** False for a block comment without its closing star-slash. */
  terminated: boolean;
}

export interface NcpDocument {
  /** Declarations in source order. */
  declarations: Declaration[];
  comments: Comment[];
}
