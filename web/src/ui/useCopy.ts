import { useState } from 'react';

export type CopyState = 'idle' | 'copied' | 'failed';

/** Copies text with the Clipboard API and says how it went (for a status message); `reset` clears it. */
export function useCopy() {
  const [state, setState] = useState<CopyState>('idle');
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
      return true;
    } catch {
      setState('failed');
      return false;
    }
  };
  return { state, copy, reset: () => setState('idle') };
}
