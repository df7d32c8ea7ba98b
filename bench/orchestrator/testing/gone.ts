/** True when no process `pid` is left (signal 0 cannot reach it). */
export function gone(pid: number | undefined): boolean {
  try {
    process.kill(pid!, 0);
    return false;
  } catch {
    return true;
  }
}
