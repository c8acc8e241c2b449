/**
 * Sign in with an email and password (signIn); only an admin user's session gets past. The
 * password lives in the form until it is sent, and is never stored.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { ConsoleMeQuery } from '../gql/graphql.js'
import { Me, SignIn as SignInMutation, SignOut } from '../operations/auth.js'
import { session } from '../session.js'
import { ErrorBox, Field, Notice, formValues, useAction } from '../ui.js'

export interface Admin {
  name: string
  business: string
}

/** The admin a viewer is, or why the console refuses it. */
export function adminOrRefusal(viewer: ConsoleMeQuery['viewer']): Admin | string {
  if (viewer.credential.kind !== 'SESSION') return KEY_REFUSAL
  if (!viewer.role.builtin) {
    return `${viewer.caller.name} holds the role “${viewer.role.name}”. Only admins (users holding the built-in Admin role) can use the console.`
  }
  return { name: viewer.caller.name, business: `${viewer.business.name} (${viewer.business.slug})` }
}

const KEY_REFUSAL = 'An API key cannot use the console. API keys are for partner systems; sign in with an admin user’s email and password.'

const looksLikeKey = (value: string) => /^\s*gk_/.test(value)

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (admin: Admin) => void }) {
  const action = useAction()
  const [refusal, setRefusal] = useState<string | null>(null)

  const submit = (event: Event) => {
    const form = event.currentTarget as HTMLFormElement
    const { email = '', password = '' } = formValues(event)
    setRefusal(null)
    if (looksLikeKey(email) || looksLikeKey(password)) {
      form.reset()
      setRefusal(KEY_REFUSAL)
      return
    }
    void action.run(async () => {
      const { signIn } = await request(SignInMutation, { input: { email, password } })
      // The password leaves the page's memory with the form's values.
      form.reset()
      session.save(signIn.token)
      const checked = adminOrRefusal((await request(Me, {})).viewer)
      if (typeof checked === 'string') {
        // Not an admin: end the session just made, and say why.
        await request(SignOut, {}).catch(() => {})
        session.clear()
        setRefusal(checked)
        return
      }
      onSignedIn(checked)
    })
  }

  return (
    <main class="sign-in">
      <h1>Gatehouse admin</h1>
      {notice && <Notice>{notice}</Notice>}
      <form onSubmit={submit}>
        <Field label="Email">
          <input name="email" type="text" inputMode="email" autoComplete="username" required />
        </Field>
        <Field label="Password">
          <input name="password" type="password" autoComplete="current-password" required />
        </Field>
        <button type="submit" class="primary" disabled={action.busy}>
          Sign in
        </button>
      </form>
      {refusal && (
        <div class="error refusal" role="alert" data-code="FORBIDDEN">
          <code>FORBIDDEN</code> {refusal}
        </div>
      )}
      <ErrorBox error={action.error} />
    </main>
  )
}
