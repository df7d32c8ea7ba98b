import { type Machine, renderReport, toRow } from '../report.js';
import { checkTargets } from '../targets.js';
import type { PhaseOutcome } from '../types.js';

/** A machine description for report specs. */
export const testMachine: Machine = {
  date: 'D',
  uname: 'U',
  nproc: 2,
  cpuModel: 'C',
  node: 'v',
  pinned: true,
  dbCpus: '1',
};

/** The full report of `phases` on the test machine, with the rows and checks it was made of. */
export function testReport(phases: PhaseOutcome[]) {
  const rows = phases.map(toRow);
  const checks = checkTargets(rows);
  const markdown = renderReport({
    machine: testMachine,
    mode: 'full',
    rows,
    checks,
    phases,
    totalSeconds: 1,
    rawFile: 'x',
  });
  return { rows, checks, markdown };
}
