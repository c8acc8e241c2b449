/**
 * The console's few building blocks: loading a query, running a mutation, showing an error with its
 * contract code, copying a secret, a modal dialog, and formatting times.
 */
import type { ComponentChildren } from 'preact'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { type ContractError, errorOf } from './client.js'

/** Runs `load` now and whenever `reload` is called; keeps the last data while reloading. */
export function useQuery<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<ContractError | null>(null)
  const [version, setVersion] = useState(0)
  const latest = useRef(load)
  latest.current = load
  useEffect(() => {
    let current = true
    latest.current().then(
      (result) => current && (setData(result), setError(null)),
      (failure) => current && setError(errorOf(failure)),
    )
    return () => {
      current = false
    }
  }, [version])
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  return { data, error, reload }
}

/** A mutation button's state: busy while it runs, its error if it failed. */
export function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ContractError | null>(null)
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(null)
    try {
      return await action()
    } catch (failure) {
      setError(errorOf(failure))
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run, clear: () => setError(null) }
}

/** Every error as the contract says it: its code, its message, and the fields it names. */
export function ErrorBox({ error }: { error: ContractError | null }) {
  if (!error) return null
  return (
    <div class="error" role="alert" data-code={error.code}>
      <code>{error.code}</code> {error.message}
      {error.fields.length > 0 && (
        <ul>
          {error.fields.map((problem) => (
            <li key={problem.field}>
              <code>{problem.field}</code>: {problem.message}
            </li>
          ))}
        </ul>
      )}
      {error.fields.length === 0 && error.field && (
        <div>
          Field: <code>{error.field}</code>
        </div>
      )}
    </div>
  )
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  )
}

/** Copies `text` with the Clipboard API (a fallback through a selected textarea where it is absent). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
    } catch {
      const area = document.createElement('textarea')
      area.value = text
      document.body.append(area)
      area.select()
      document.execCommand('copy')
      area.remove()
    }
    setCopied(true)
    setTimeout(() => setCopied(false), 2000)
  }
  return (
    <button type="button" class="copy" aria-label={label} title={label} onClick={copy}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  )
}

/** A modal dialog: focus moves into it, Escape cancels. */
export function Dialog({ title, onCancel, children }: { title: string; onCancel: () => void; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    box.current?.querySelector<HTMLElement>('input, select, button')?.focus()
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onCancel()
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  return (
    <div class="overlay">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" ref={box}>
        <h2 id="dialog-title">{title}</h2>
        {children}
      </div>
    </div>
  )
}

/** A labelled form control. */
export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
    </label>
  )
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
export const formatTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—')

/** "1 hour", "7 days": a grace period in words. */
export function duration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ]
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${name}${seconds === size ? '' : 's'}`
  }
  return `${seconds} seconds`
}

/** The value of a form control by name, from a submit event's form. */
export function formValues(event: Event): Record<string, string> {
  event.preventDefault()
  const form = event.currentTarget as HTMLFormElement
  return Object.fromEntries([...new FormData(form).entries()].map(([key, value]) => [key, String(value)]))
}
