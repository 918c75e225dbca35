import { useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../api/client';
import { fetchJob, type JobView } from '../api/data';

export const JOB_POLL_MS = 700;

export const isJobActive = (job: JobView | null | undefined) => job?.status === 'queued' || job?.status === 'running';

/**
 * Follows an import job: polls GET /jobs/{id} every ~700 ms while it is queued
 * or running, and calls `onDone` once when it succeeds or fails.
 * Key the caller by job id to follow another job.
 */
export function useJob(initial: JobView | null, onDone?: (job: JobView) => void) {
  const [job, setJob] = useState<JobView | null>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  }, [onDone]);

  const id = job?.id ?? null;
  const active = isJobActive(job);
  useEffect(() => {
    if (!id || !active) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const next = await fetchJob(id);
        if (cancelled) return;
        setError(null);
        setJob(next);
        if (isJobActive(next)) timer = setTimeout(() => void tick(), JOB_POLL_MS);
        else done.current?.(next);
      } catch (err) {
        if (cancelled) return;
        setError(toApiError(err));
        timer = setTimeout(() => void tick(), JOB_POLL_MS * 3);
      }
    };
    timer = setTimeout(() => void tick(), JOB_POLL_MS);
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, active]);

  return { job, error };
}
