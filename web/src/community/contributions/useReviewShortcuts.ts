import { useState, type RefObject } from 'react';
import type { ReviewHandle } from './ReviewActions';
import { useShortcuts } from './useShortcuts';

/** j/n, k/p move; a, r, c act on the review form; ? opens the help. Returns the help dialog state. */
export function useReviewShortcuts(review: RefObject<ReviewHandle | null>, move: (delta: number) => void) {
  const [help, setHelp] = useState(false);
  const next = () => move(1);
  const prev = () => move(-1);
  useShortcuts({
    j: next,
    n: next,
    k: prev,
    p: prev,
    a: () => review.current?.accept(),
    r: () => review.current?.focusReject(),
    c: () => review.current?.focusRequest(),
    '?': () => setHelp(true),
  });
  return { help, setHelp };
}
