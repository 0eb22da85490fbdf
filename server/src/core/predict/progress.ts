// A progress line for training: epochs, loss and time left, redrawn in place on a terminal and
// printed every 10% otherwise, and at least once a second in a long run (logs stay readable).
import type { Writable } from 'node:stream';
import type { SetProgress } from './dataset';

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

export function progressPrinter(stream: Writable, isTTY: boolean, label = ''): { update(p: SetProgress): void; done(): void } {
  let start = Date.now();
  let phase: SetProgress['phase'];
  let lastDecile = -1;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(p) {
      if (p.phase !== phase) {
        // a new phase (teacher labels, then training): its own bar and time estimate
        if (isTTY && drawn) stream.write('\n');
        phase = p.phase;
        start = Date.now();
        lastDecile = -1;
        drawn = false;
      }
      const fracSetting = (p.epoch + 1) / p.epochs;
      const frac = (p.index + fracSetting) / p.count;
      const elapsed = (Date.now() - start) / 1000;
      const left = frac > 0 ? (elapsed / frac) * (1 - frac) : Infinity;
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const text = p.phase === 'teacher'
        ? `${label}teacher ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  Gaussian processes for ${p.setting}  ` +
          `step ${p.epoch + 1}/${p.epochs}  left ${fmtTime(left)}`
        : `${label}${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${p.setting} (${p.index + 1}/${p.count}) ` +
        `epoch ${p.epoch + 1}/${p.epochs}  loss ${p.loss.toFixed(4)}  val MAE ${Number.isFinite(p.valMae) ? p.valMae.toFixed(3) : '…'}  ` +
        `${p.members > 1 ? `×${p.members} members  ` : ''}left ${fmtTime(left)}`;
      if (isTTY) {
        const now = Date.now();
        if (now - lastDraw > 100 || frac >= 1) {
          stream.write('\r\x1b[2K' + text);
          lastDraw = now;
          drawn = true;
        }
      } else {
        // every 10%, and at least once a second in a long run (a log shows it is alive)
        const decile = Math.floor(frac * 10);
        const now = Date.now();
        if (decile !== lastDecile || p.epoch + 1 === p.epochs || now - lastDraw >= 1000) {
          stream.write(text + '\n');
          lastDecile = decile;
          lastDraw = now;
        }
      }
    },
    done() {
      if (isTTY && drawn) stream.write('\n');
    },
  };
}
