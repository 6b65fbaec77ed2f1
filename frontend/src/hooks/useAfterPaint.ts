import { useEffect, useState } from 'react';

/**
 * False until `ready` has been true and the browser has painted a frame since (or `maxWaitMs` after
 * mounting, whichever comes first); then true for good. Lets a page start its non-essential requests
 * once its main content is on screen instead of competing with it for the network, the server and
 * the main thread.
 */
export function useAfterPaint(ready: boolean, maxWaitMs = 1500): boolean {
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (done) return;
    const timer = setTimeout(() => setDone(true), maxWaitMs);
    return () => clearTimeout(timer);
  }, [done, maxWaitMs]);

  useEffect(() => {
    if (done || !ready) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The frame callback runs before the paint; a task queued from it runs after.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setDone(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [done, ready]);

  return done;
}
