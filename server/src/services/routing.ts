/**
 * Routing: which accredited operator a new case goes to, by the service's rule. Pure: the caller reads the
 * current operators and their loads in the submitting transaction and records the choice.
 *
 * - `territory`: the first current operator whose codes hold the case's territory code, or whose box holds its
 *   location; none matching leaves the case with the organization (manual dispatch).
 * - `share`: each operator receives cases in proportion to its share (the one furthest below its share next).
 * - `round_robin`: in turn, in accreditation order.
 * - `least_loaded`: the operator with the fewest open cases.
 * - `manual`: the organization dispatches every case itself.
 * Ties go to the earliest accreditation.
 */
import type { OperatorRow, ServiceRow } from './store.js';
import { readJson } from '../db/database.js';

export interface Territorial {
  codes: string[];
  bbox: [number, number, number, number] | null;
}

export const territoryOf = (op: OperatorRow): Territorial => readJson<Territorial>(op.territory);

/** Active, and within its dates on `day` (YYYY-MM-DD). */
export const isCurrent = (op: OperatorRow, day: string) =>
  op.status === 'active' && op.startsOn <= day && (op.endsOn === null || op.endsOn >= day);

export function inTerritory(
  t: Territorial,
  at: { territory?: string | null; lat?: number | null; lon?: number | null },
) {
  if (at.territory && t.codes.some((c) => c.toLowerCase() === at.territory!.toLowerCase())) return true;
  if (t.bbox && typeof at.lat === 'number' && typeof at.lon === 'number') {
    const [west, south, east, north] = t.bbox;
    return at.lon >= west && at.lon <= east && at.lat >= south && at.lat <= north;
  }
  return false;
}

export function chooseOperator(input: {
  service: Pick<ServiceRow, 'routing'>;
  /** Current operators, in accreditation order. */
  operators: OperatorRow[];
  at: { territory?: string | null; lat?: number | null; lon?: number | null };
  openCounts: Map<string, number>;
  totalCounts: Map<string, number>;
  /** The service's next round-robin number. */
  turn: () => Promise<number>;
}): Promise<OperatorRow | undefined> | OperatorRow | undefined {
  const { operators } = input;
  if (operators.length === 0) return undefined;
  switch (input.service.routing) {
    case 'manual':
      return undefined;
    case 'territory':
      return operators.find((op) => inTerritory(territoryOf(op), input.at));
    case 'share': {
      const weighted = operators.filter((op) => (op.share ?? 0) > 0);
      let best: OperatorRow | undefined;
      let bestRatio = Infinity;
      for (const op of weighted) {
        const ratio = (input.totalCounts.get(op.id) ?? 0) / op.share!;
        if (ratio < bestRatio) [best, bestRatio] = [op, ratio];
      }
      return best;
    }
    case 'least_loaded': {
      let best = operators[0]!;
      for (const op of operators)
        if ((input.openCounts.get(op.id) ?? 0) < (input.openCounts.get(best.id) ?? 0)) best = op;
      return best;
    }
    case 'round_robin':
      return input.turn().then((n) => operators[(n - 1) % operators.length]);
  }
}
