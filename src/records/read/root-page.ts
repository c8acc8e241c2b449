import { type AliasedRawBuilder, type RawBuilder, sql } from 'kysely'
import type { Resource } from '../resource.js'
import { type PageRequest, cursorFromJson, pageFlags } from './pagination.js'
import type { ConnectionPlan } from './response-plan.js'
import { type Build, type ConnectionSource, listed, pageRows, shownOrder } from './response-sql.js'
import type { AppliedFilter } from './statement.js'
import { totalCountQuery } from './total-count.js'

/**
 * A root list's page for the pass-through read, row by row: its statement (listRowsSql) and the
 * connection object written from its rows (rootPage). Nested connections stay one JSON value
 * each (response-sql.ts's connectionSql): they are small.
 */

const ref = (name: string) => sql.ref(name)

/** A field's value as JSON text in parts, in order, and what it costs. */
export interface Answered {
  parts: string[]
  cost: number
}

/**
 * A root list's page, one row per record (rootPage writes the connection around them). The
 * page's rows are not aggregated into one JSON value in PostgreSQL: a value of a few hundred kilobytes is allocated
 * and copied afresh at every wrapping layer, and with glibc handing the memory back after each
 * statement, the page faults and copies were half of a 50-job nested page's PostgreSQL time
 * (21 ms against 9 ms row by row, measured with pgbench). Each row carries the list's totalCount
 * items as `t<index>`; an empty page is one row of them with `n` null.
 */
export function listRowsSql(build: Build, resource: Resource, source: Omit<ConnectionSource, 'rows' | 'count'>, filter: AppliedFilter): RawBuilder<unknown> {
  const filtered = listed(build, resource, filter)
  const rows = pageRows(build, resource, {
    ...source,
    rows: (alias) => filtered(alias)(build.db.selectFrom(`${resource.table} as ${alias}`).selectAll(alias)),
  })
  const totals = build.nextAlias()
  const page = build.nextAlias()
  const counts = source.plan.flatMap((item, index) =>
    item.kind === 'totalCount' ? [sql`(${totalCountQuery(build, resource, filter, build.nextAlias(), 'count')})`.as(`t${index}`)] : [],
  )
  const columns: Array<RawBuilder<unknown> | AliasedRawBuilder<unknown, string>> = [sql`${sql.id(totals)}.*`, ref(`${page}.n`)]
  if (rows.cursors) columns.push(ref(`${page}.cursor`))
  for (const [index, { costed }] of rows.lists) {
    // ::text, or pg would parse the JSON into objects.
    columns.push(sql`${ref(`${page}.j${index}`)}::text`.as(`j${index}`))
    if (costed) columns.push(ref(`${page}.c${index}`))
  }
  return sql`select ${sql.join(columns)}
    from (select ${counts.length ? sql.join(counts) : sql`1 as one`}) as ${sql.id(totals)}
    left join lateral (${rows.select}) as ${sql.id(page)} on true
    order by ${ref(`${page}.n`)} ${shownOrder(source.page)}`
}

/**
 * The response object of a root list's page from listRowsSql's rows, byte for byte what
 * connectionSql writes for a nested one (test/records/read/read-property.test.ts holds both to
 * execution's answer), and its cost: 2 for the connection, 1 per totalCount, each kept row's own.
 */
export function rootPage(plan: ConnectionPlan[], page: PageRequest, rows: ReadonlyArray<Record<string, unknown>>): Answered {
  const read = rows.filter((row) => row.n !== null)
  const kept = read.filter((row) => Number(row.n) <= page.size)
  const flags = pageFlags(page, read.length > page.size, (known) => known)
  const member = (key: string, value: string) => `${JSON.stringify(key)}:${value}`
  const cursor = (row: Record<string, unknown> | undefined) => (row ? JSON.stringify(cursorFromJson(String(row.cursor))) : 'null')
  let cost = 2
  // Small members are written as text; the rows' objects are parts of their own, never joined.
  const parts: string[] = []
  let text = '{'
  plan.forEach((item, index) => {
    text += `${index ? ',' : ''}${JSON.stringify(item.key)}:`
    switch (item.kind) {
      case 'typename':
        text += JSON.stringify(item.value)
        break
      case 'totalCount':
        cost += 1
        text += String(Number(rows[0]![`t${index}`]))
        break
      case 'pageInfo': {
        const info = item.info.map((entry) => {
          switch (entry.kind) {
            case 'typename':
              return member(entry.key, JSON.stringify(entry.value))
            case 'hasNextPage':
            case 'hasPreviousPage':
              return member(entry.key, String(flags[entry.kind]))
            case 'startCursor':
              return member(entry.key, cursor(kept[0]))
            case 'endCursor':
              return member(entry.key, cursor(kept[kept.length - 1]))
          }
        })
        text += `{${info.join(',')}}`
        break
      }
      case 'nodes':
      case 'edges': {
        text += '['
        kept.forEach((row, at) => {
          cost += Number(row[`c${index}`] ?? 0)
          parts.push(at ? `${text},` : text, String(row[`j${index}`]))
          text = ''
        })
        text += ']'
        break
      }
    }
  })
  parts.push(`${text}}`)
  return { parts, cost }
}
