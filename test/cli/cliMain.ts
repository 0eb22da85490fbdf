// The CLI as a process, run through tsx (tests that need a real process: signals, exit codes).
import { runCli } from '../../server/src/cli/ncp';

runCli();
