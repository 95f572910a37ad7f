import pc from 'picocolors';
import type { BaselineStatus } from '../core/detect/baseline/baseline-detector.ts';

/** One line on the baselines: how many principals were seen and how many are still learning. */
export function renderBaselineStatus(status: BaselineStatus, label = 'seen in this run'): string {
  const need = `${status.minDays} active days and ${status.minEvents} calls`;
  const warming =
    status.warmingUp > 0
      ? pc.yellow(`${status.warmingUp.toLocaleString('en-US')} still warming up`)
      : pc.green('none warming up');
  return `${pc.bold('Baselines')}  ${status.principals.toLocaleString('en-US')} principals ${label}, ${warming} ${pc.dim(`(baseline findings need ${need})`)}\n`;
}
