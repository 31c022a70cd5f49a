/**
 * Where staff sessions live on the server, so a sign-out (or an administrator) can revoke one:
 * the signed cookie alone stayed valid until it expired, even after /staff/logout. The embedded
 * driver is LowdbStaffSessionStore (files under DATA_DIR, so sessions survive a restart); a
 * shared driver for several processes (Redis, issue 13) implements the same three calls.
 */
export interface StaffSessionStore {
  /** records a new session that lasts until `expiresAt` (ms since the epoch) */
  add(id: string, expiresAt: number): Promise<void>;
  /** whether the session exists and has not expired */
  isLive(id: string, now: number): Promise<boolean>;
  /** revokes the session; revoking an unknown one is not an error */
  remove(id: string): Promise<void>;
  /** forgets expired sessions (called from the service's sweep timer) */
  sweep(): Promise<void>;
}
