/**
 * A credential was refused: missing parts, malformed, unknown, revoked, expired, or its owner
 * deactivated. The reason stays in the log; the caller gets one UNAUTHENTICATED answer for all
 * (the server turns this into the contract's error), so nobody can probe which keys exist.
 */
export class CredentialRefusedError extends Error {
  constructor() {
    super('credential refused')
    this.name = 'CredentialRefusedError'
  }
}
