/**
 * A credential was refused: missing parts, malformed, unknown, revoked, expired, or its owner
 * deactivated. The reason stays in the log; the caller gets one UNAUTHENTICATED answer for all
 * (the server turns this into the contract's error), so nobody can probe which keys exist.
 */
export class CredentialRefusedError extends Error {
  /**
   * @param publicMessage what the caller may be told instead of the one answer: only for mistakes
   * in the request's form (two credentials at once), never for anything about a key's existence.
   */
  constructor(readonly publicMessage?: string) {
    super('credential refused')
    this.name = 'CredentialRefusedError'
  }
}
