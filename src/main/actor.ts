import { userInfo } from 'node:os';

/** Who acts, as recorded in `creado_por` / `aprobado_por`: the channel and the OS user. */
export function localActor(channel: 'ui' | 'cli'): string {
  let user = 'desconocido';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (some containers): keep the placeholder rather than fail the action.
  }
  return `${channel}:${user}`;
}
