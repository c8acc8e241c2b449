/**
 * The session token lives in sessionStorage: it survives a reload of this tab and dies with it.
 * Nothing else is kept: never a password, never an API key.
 */
const KEY = 'gatehouse.console.session'

export const session = {
  token(): string | null {
    return sessionStorage.getItem(KEY)
  },
  save(token: string) {
    sessionStorage.setItem(KEY, token)
  },
  clear() {
    sessionStorage.removeItem(KEY)
  },
}
