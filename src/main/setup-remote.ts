/**
 * §22 attached to a remote core: this app runs no core of its own and the window talks to that one (remote-core.ts).
 * The window's CSP then allows that core's address, and its certificate is checked against the pinned CA.
 */
import { session } from 'electron';
import type { Settings } from '../core/config/schema';
import {
  remoteCertificateCheck,
  remotePolicy,
  remoteTargetOf,
  type RemoteCertificateCheck,
  type RemoteTarget,
} from './remote-core';

export interface RemoteSetup {
  remote: RemoteTarget;
  certificates: RemoteCertificateCheck;
  /** The window's content security policy while attached. */
  csp: string;
}

/** Null when the settings attach to no remote core (or could not be read). */
export function setupRemote(settings: Settings | null): RemoteSetup | null {
  const remote = settings ? remoteTargetOf(settings) : null;
  if (!remote) return null;
  const certificates = remoteCertificateCheck(remote);
  session.defaultSession.setCertificateVerifyProc((request, callback) => certificates.verify(request, callback));
  return { remote, certificates, csp: remotePolicy(remote) };
}
