/**
 * The console's shell: the sign-in gate (admins only), the navigation and the hash routes
 * (#/api, #/webhooks, #/members, #/roles, #/users, #/teams, #/audit). The session token is kept in
 * sessionStorage (session.ts); when the server stops accepting it, the console returns to sign-in.
 */
import { useEffect, useState } from 'preact/hooks'
import { request, whenSessionEnds } from './client.js'
import { Me, SignOut } from './operations/auth.js'
import { session } from './session.js'
import { type Admin, SignIn, adminOrRefusal } from './screens/sign-in.js'
import { ApiKeysScreen } from './screens/api-keys.js'
import { WebhooksScreen } from './screens/webhooks.js'
import { MembersScreen } from './screens/members.js'
import { RolesScreen } from './screens/roles.js'
import { UsersScreen } from './screens/users.js'
import { TeamsScreen } from './screens/teams.js'
import { AuditScreen } from './screens/audit.js'

const ROUTES = {
  api: { title: 'API', screen: ApiKeysScreen },
  webhooks: { title: 'Webhooks', screen: WebhooksScreen },
  members: { title: 'API Members', screen: MembersScreen },
  roles: { title: 'Security roles', screen: RolesScreen },
  users: { title: 'Users', screen: UsersScreen },
  teams: { title: 'Teams', screen: TeamsScreen },
  audit: { title: 'Audit log', screen: AuditScreen },
} as const
type Route = keyof typeof ROUTES

const routeOf = (hash: string): { route: Route; param: string | null } => {
  const [name = '', param = null] = hash.replace(/^#\/?/, '').split('/')
  return { route: name in ROUTES ? (name as Route) : 'api', param: param ? decodeURIComponent(param) : null }
}

export function App() {
  const [admin, setAdmin] = useState<Admin | null>(null)
  const [checking, setChecking] = useState(() => session.token() !== null)
  const [ended, setEnded] = useState<string | null>(null)
  const [location, setLocation] = useState(() => routeOf(window.location.hash))

  useEffect(() => {
    const onHash = () => setLocation(routeOf(window.location.hash))
    window.addEventListener('hashchange', onHash)
    whenSessionEnds((message) => {
      session.clear()
      setAdmin(null)
      setEnded(`Your session ended (${message}). Sign in again.`)
    })
    // A reload keeps the tab's session: check it is still an admin's.
    if (session.token()) {
      request(Me, {})
        .then((me) => {
          const checked = adminOrRefusal(me.viewer)
          if (typeof checked === 'string') session.clear()
          else setAdmin(checked)
        })
        .catch(() => session.clear())
        .finally(() => setChecking(false))
    }
    return () => window.removeEventListener('hashchange', onHash)
  }, [])

  const signOut = async () => {
    await request(SignOut, {}).catch(() => {})
    session.clear()
    setAdmin(null)
    setEnded('Signed out.')
  }

  if (checking) return <p class="loading">Loading…</p>
  if (!admin) return <SignIn notice={ended} onSignedIn={(signedIn) => (setEnded(null), setAdmin(signedIn))} />

  const { screen: Screen, title } = ROUTES[location.route]
  return (
    <div class="shell">
      <header>
        <strong class="brand">Gatehouse admin</strong>
        <span class="business">{admin.business}</span>
        <nav>
          {(Object.keys(ROUTES) as Route[]).map((route) => (
            <a key={route} href={`#/${route}`} aria-current={route === location.route ? 'page' : undefined}>
              {ROUTES[route].title}
            </a>
          ))}
        </nav>
        <span class="who">{admin.name}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <h1>{title}</h1>
        <Screen param={location.param} />
      </main>
    </div>
  )
}
