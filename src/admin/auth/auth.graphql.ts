import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import { SIGN_IN_REFUSED_MESSAGE, forbidden, rateLimited, unauthenticated } from '../../graphql/errors.js'
import { EMAIL_MAX } from '../common/admin-input.js'
import { type PrincipalRow, findSignInAccount } from '../common/principals.repository.js'
import { type AuditAction, auditRequestChange, recordAudit } from '../../access/audit.js'
import { invalidateCredentials } from '../../access/credentials/authenticate.js'
import { PASSWORD_MAX_LENGTH, hashPassword, needsRehash, verifyPasswordOrDummy } from '../../access/credentials/passwords.js'
import { replacePasswordHash } from '../users/users.repository.js'
import { createSession, revokeOwnSession } from '../../access/credentials/sessions.js'
import { loadPrincipal } from '../../access/credentials/load-principal.js'
import { clearSignInAttempts, registerSignInAttempt } from '../../access/credentials/sign-in-throttle.js'
import { inTransaction } from '../../records/write/transaction.js'
import { UserRef } from '../users/users.graphql.js'

/**
 * `signIn` and `signOut`. A wrong email, a wrong password and a deactivated user all get the same
 * UNAUTHENTICATED answer in about the same time (an unknown email is checked against a dummy
 * hash), so sign-in cannot be used to learn which emails exist.
 */

interface SignedIn {
  token: string
  expiresAt: Date
  user: PrincipalRow
}

const SignInPayload = builder.objectRef<SignedIn>('SignInPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'The session token: send it as `Authorization: Bearer <token>`. Shown once; only its hash is stored.',
    }),
    expiresAt: t.field({ type: 'DateTime', description: 'When the session ends (12 hours after sign-in) unless signOut ends it first.', resolve: (s) => s.expiresAt }),
    user: t.field({ type: UserRef, resolve: (s) => s.user }),
  }),
})

const SignInInput = builder.inputType('SignInInput', {
  fields: (t) => ({
    email: t.string({ required: true, validate: { schema: z.string().max(EMAIL_MAX, `At most ${EMAIL_MAX} characters.`) } }),
    password: t.string({ required: true, validate: { schema: z.string().max(PASSWORD_MAX_LENGTH, `At most ${PASSWORD_MAX_LENGTH} characters.`) } }),
  }),
})

const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@]+$/

builder.mutationFields((t) => ({
  signIn: t.field({
    type: SignInPayload,
    description:
      'Signs a user in with email and password; returns a session token. Any mistake is the same UNAUTHENTICATED error; repeated failures from one address make it wait, then lock (RATE_LIMITED with Retry-After). It must be the only field of its operation.',
    args: { input: t.arg({ type: SignInInput, required: true }) },
    // Open to anonymous callers (src/server/require-credential.ts lets signIn through).
    resolve: async (_root, { input }, context) => {
      const email = input.email.trim().toLowerCase()
      const address = context.clientAddress ?? 'unknown'
      // What cannot be an email names no account: refused without counting, so a password typed
      // into the email field is never stored, even as a digest.
      if (!PLAUSIBLE_EMAIL.test(email)) throw unauthenticated(SIGN_IN_REFUSED_MESSAGE)
      // The same work for every email: count the attempt, one lookup, one hash (a dummy one when
      // no account has the email).
      const attempt = await registerSignInAttempt(context.db, email, address)
      const user = await findSignInAccount(context.db, email)
      const audit = (action: AuditAction, details: Record<string, unknown>) =>
        user
          ? recordAudit(context.db, {
              businessId: user.business_id,
              action,
              // Whatever credential the request carried is not the actor: the audit names the
              // address and the email tried, never another business's members or keys.
              actorId: null,
              credential: null,
              requestId: context.requestId,
              clientAddress: context.clientAddress,
              targetType: 'User',
              targetId: user.id,
              details: { email, ...details },
            })
          : Promise.resolve()
      if (attempt.kind === 'refused') {
        if (attempt.lockedNow) await audit('auth.sign_in_locked', { lockedForSeconds: attempt.retryAfter })
        context.log.info({ locked: attempt.locked }, 'sign-in throttled')
        throw rateLimited(attempt.retryAfter)
      }
      const passwordOk = await verifyPasswordOrDummy(input.password, user?.password_hash)
      if (!user || !passwordOk || !user.active) {
        // Logged without the email: people type passwords into the email field.
        context.log.info({ reason: !user ? 'unknown email' : !passwordOk ? 'wrong password' : 'deactivated' }, 'sign-in refused')
        await audit('auth.sign_in_failed', { reason: !passwordOk ? 'wrong password' : 'deactivated' })
        throw unauthenticated(SIGN_IN_REFUSED_MESSAGE)
      }
      await clearSignInAttempts(context.db, email, address)
      const { password_hash: storedHash, ...row } = user
      // An older hash (scrypt, or argon2id at a lower cost) is replaced now that the password is known.
      const upgradedHash = storedHash && needsRehash(storedHash) ? await hashPassword(input.password) : null
      const signedIn = await inTransaction(context, async (trx) => {
        if (upgradedHash) await replacePasswordHash(trx, { businessId: user.business_id, id: user.id }, storedHash!, upgradedHash)
        const session = await createSession(trx, { businessId: user.business_id, userId: user.id })
        await recordAudit(trx, {
          businessId: user.business_id,
          action: 'auth.sign_in',
          actorId: user.id,
          credential: `session:${session.id}`,
          requestId: context.requestId,
          clientAddress: context.clientAddress,
          targetType: 'User',
          targetId: user.id,
        })
        return { sessionId: session.id, payload: { token: session.token, expiresAt: session.expiresAt, user: row } }
      })
      // The payload (the user's role, team…) is read as the user who just proved who they are: the
      // loaders of those types work within the caller's business, and a sign-in request has none yet.
      context.principal = await loadPrincipal(context.db, user.business_id, user.id, { kind: 'session', sessionId: signedIn.sessionId })
      return signedIn.payload
    },
  }),
  signOut: t.boolean({
    description: 'Ends the session this request was made with; the token is refused from the next request on. API keys have no session (FORBIDDEN).',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, context) => {
      const principal = context.principal
      if (!principal) throw unauthenticated()
      const { credential } = principal
      if (credential.kind !== 'session') throw forbidden('signOut ends a session; an API key has none (revoke keys with revokeApiKey).')
      await inTransaction(context, async (trx) => {
        if (!(await revokeOwnSession(trx, principal))) return
        await auditRequestChange(trx, context, 'auth.sign_out', { type: 'User', id: principal.id })
      })
      await invalidateCredentials(context.services, { sessionId: credential.sessionId })
      return true
    },
  }),
}))
