import { type RawBuilder, sql } from 'kysely'

/** Global ids (graphql/global-id.ts) written by SQL, for reads answered in the response's own JSON. */

/**
 * base64url without padding, as Buffer's 'base64url' writes it (encode() wraps lines at 76: the
 * newlines go). The text becomes bytes by the `::bytea` cast, which reads a backslash as an escape:
 * only for texts made of type names, ids and timestamps PostgreSQL renders, which never hold one
 * (convert_to would accept any text, and cost 15 % of a nested page's PostgreSQL time).
 */
export const base64url = (text: RawBuilder<unknown>) => sql`rtrim(translate(encode((${text})::bytea, 'base64'), '+/' || chr(10), '-_'), '=')`

/** A record's global id: base64url of "Type:id". */
export const globalId = (typeName: string, alias: string) => base64url(sql`${sql.lit(`${typeName}:`)} || ${sql.ref(`${alias}.id`)}::text`)
