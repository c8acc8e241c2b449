/**
 * What Gatehouse adds to GraphiQL's page (rendered by @graphql-yoga/render-graphiql): example tabs
 * an admin runs in order, a `<token>` placeholder in their headers, a note on top saying how the
 * page behaves, and a script that keeps the page's state out of the browser's storage.
 *
 * Storage: GraphiQL keeps its tabs (queries, variables, headers), history and theme in
 * localStorage, so a typed password or a session token would outlive the page. Here that storage is
 * a Map in the page's memory: nothing is kept across a reload, and what older pages left under
 * `graphiql:` is removed on the first visit. The token of the last successful `signIn` is held in
 * memory too and replaces `<token>` in request headers.
 */

export const TOKEN_PLACEHOLDER = '<token>'
const ADMIN_HEADERS = JSON.stringify({ Authorization: `Bearer ${TOKEN_PLACEHOLDER}` }, null, 2)
const KEY_HEADERS = JSON.stringify({ 'X-API-Key': "<the member's Primary key>" }, null, 2)
const json = (value: unknown) => JSON.stringify(value, null, 2)

export interface GraphiQLTab {
  query: string
  variables?: string
  headers?: string
}

/** The example tabs, in the order an admin uses them: sign in, look around, issue a key, read as a partner. */
export const GRAPHIQL_TABS: GraphiQLTab[] = [
  {
    query: `# 1. Sign in: put the admin's password
#    in the variables below, press ▶.
#    The token replaces <token> in the
#    other tabs' headers (it is held in
#    this page's memory only).
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) {
    token
    expiresAt
    user { name role { name } }
  }
}
`,
    variables: json({ input: { email: 'admin@demo.local', password: '' } }),
    headers: '{}',
  },
  {
    query: `# 2. The ids createApiMember needs:
#    roles and teams; and the members
#    and users there are.
query Directory {
  securityRoles { nodes { id name builtin memberCount } }
  teams { nodes { id name } }
  apiMembers { nodes { id name active role { name } } }
  users { nodes { id name email role { name } } }
}
`,
    headers: ADMIN_HEADERS,
  },
  {
    query: `# 3. A read-only partner role, a
#    member holding it, and its keys.
#    Run the three in order (▶ asks
#    which); paste each new id into the
#    variables of the next.
mutation CreateRole($role: CreateSecurityRoleInput!) {
  createSecurityRole(input: $role) { id name }
}

mutation CreateMember($member: CreateApiMemberInput!) {
  createApiMember(input: $member) { id name role { name } }
}

mutation GenerateKeys($keys: GenerateApiKeysInput!) {
  generateApiKeys(input: $keys) {
    # Shown this once: store them now.
    primary { key publicKey privateKey }
    secondary { key publicKey privateKey }
  }
}
`,
    variables: json({
      role: {
        name: 'Partner read',
        permissions: ['JOBS', 'SALES_ORDERS', 'PURCHASE_ORDERS', 'CONTACTS'].map((module) => ({ module, operation: 'INQUIRE', level: 'ALL' })),
      },
      member: { name: 'Webshop sync', description: 'Order intake from the web store', roleId: '<id from CreateRole>' },
      keys: { memberId: '<id from CreateMember>', description: 'Webshop' },
    }),
    headers: ADMIN_HEADERS,
  },
  {
    query: `# 4. A partner's page of jobs with
#    their client and orders. Put the
#    Primary key in the headers; for
#    the next page, put endCursor in
#    "after".
query JobsPage($after: String) {
  jobs(first: 10, after: $after) {
    totalCount
    nodes {
      number name status
      client { name company }
      salesOrders(first: 5) { nodes { number status total currency } }
      purchaseOrders(first: 5) { nodes { number total supplier { name } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    variables: json({ after: null }),
    headers: KEY_HEADERS,
  },
  {
    query: `# 5. Incremental sync: what changed
#    since the last run, and what was
#    deleted. Page with "after" until
#    hasNextPage is false; next time,
#    start from when this run began.
query Changes($since: DateTime!, $after: String) {
  jobs(first: 100, after: $after, filter: { updatedSince: $since }) {
    nodes { id number name status version updatedAt }
    pageInfo { hasNextPage endCursor }
  }
  deletedRecords(first: 100, filter: { deletedSince: $since }) {
    nodes { id type deletedAt }
  }
}
`,
    variables: json({ since: '2026-01-01T00:00:00Z', after: null }),
    headers: KEY_HEADERS,
  },
]

/** The GraphiQL options Gatehouse renders with. */
export function graphiqlOptions(endpoint: string) {
  return {
    title: 'Gatehouse',
    endpoint,
    defaultTabs: GRAPHIQL_TABS,
    // GraphiQL fills the first tab's editors from these rather than from the tab itself.
    query: GRAPHIQL_TABS[0]!.query,
    variables: GRAPHIQL_TABS[0]!.variables,
    headers: GRAPHIQL_TABS[0]!.headers,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: false,
  }
}

/** The note shown above GraphiQL: the tabs, the placeholder, what is kept, and the production Docs. */
function note(production: boolean): string {
  const docs = production
    ? 'This server runs with NODE_ENV=production: it answers introspection only to a credential, so the Docs pane says “Error fetching schema” until you run tab 1, go to a tab whose headers carry <code>Bearer &lt;token&gt;</code>, and press “Re-fetch GraphQL schema” (⟳, bottom left).'
    : 'Docs work before signing in here; under NODE_ENV=production they need a credential: run tab 1, open a tab with <code>Bearer &lt;token&gt;</code> and press “Re-fetch GraphQL schema” (⟳, bottom left).'
  return `<aside id="gatehouse-note" role="note">
<strong>Gatehouse GraphiQL.</strong> Run the tabs in order: 1 signs in, and its token replaces <code>&lt;token&gt;</code> in the other tabs' headers.
<strong>Kept:</strong> nothing in the browser's storage. Tabs, variables (a typed password too), headers, the token and history live in this page's memory and are gone after a reload.
${docs} The admin console is at <a href="/admin/">/admin</a>.
<button type="button" onclick="this.parentElement.remove();document.body.classList.remove('with-note')">Hide</button>
</aside>`
}

const STYLE = `<style>
#gatehouse-note { font: 13px/1.4 system-ui, sans-serif; padding: 6px 12px; background: #fef3c7; color: #1f2937; border-bottom: 1px solid #f59e0b; }
#gatehouse-note code { font-size: 12px; } #gatehouse-note button { margin-left: 8px; }
body.with-note .graphiql-container { height: calc(100vh - var(--note-height, 60px)); }
</style>`

/** Runs before GraphiQL: memory-only storage, and the token placeholder. */
const SCRIPT = `<script>
(() => {
  const memory = new Map()
  const storage = {
    getItem: (key) => (memory.has(String(key)) ? memory.get(String(key)) : null),
    setItem: (key, value) => void memory.set(String(key), String(value)),
    removeItem: (key) => void memory.delete(String(key)),
    clear: () => memory.clear(),
    key: (index) => [...memory.keys()][index] ?? null,
    get length() { return memory.size },
  }
  try {
    for (const key of Object.keys(window.localStorage)) if (key.startsWith('graphiql:')) window.localStorage.removeItem(key)
  } catch {}
  Object.defineProperty(window, 'localStorage', { value: storage, configurable: true })

  let token = null
  const send = window.fetch.bind(window)
  const substitute = (value) => (token && typeof value === 'string' ? value.split(${JSON.stringify(TOKEN_PLACEHOLDER)}).join(token) : value)
  window.fetch = async (input, init) => {
    if (init && init.headers) {
      const headers = new Headers(init.headers)
      for (const [name, value] of headers) headers.set(name, substitute(value))
      init = { ...init, headers }
    }
    const response = await send(input, init)
    if (init && init.method === 'POST' && /application\\/(graphql-response\\+)?json/.test(response.headers.get('content-type') || '')) {
      response.clone().json().then((body) => {
        const issued = body && body.data && body.data.signIn && body.data.signIn.token
        if (issued) token = issued
      }, () => {})
    }
    return response
  }
  window.addEventListener('DOMContentLoaded', () => {
    const note = document.getElementById('gatehouse-note')
    if (note) document.body.style.setProperty('--note-height', note.offsetHeight + 'px')
  })
})()
</script>`

/** GraphiQL's page with Gatehouse's note, style and script added. */
export function withGatehouseAdditions(html: string, options: { production: boolean }): string {
  return html
    .replace('</head>', `${STYLE}\n${SCRIPT}\n</head>`)
    .replace(/<body([^>]*)class="/, '<body$1class="with-note ')
    .replace(/(<body[^>]*>)/, `$1\n${note(options.production)}`)
}
