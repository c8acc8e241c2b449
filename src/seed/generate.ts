import { Faker, base, en } from '@faker-js/faker'
import type { PermissionMatrix } from '../access/permissions.js'
import type { ContactPoint, ContactType, JobStatus, PostalAddress } from '../db/types.js'
import {
  buildCatalog, buildOrderBody, Calendar, type CatalogItem, lineCount, purchaseOrderStatus, salesOrderStatus,
  type SeedOrderBody,
} from './generate-orders.js'
import { CURRENCIES, JOB_KINDS, SALES_REP_ROLE_NAME, SEASONS, SUPPLIER_SUFFIXES, TAX_RATES_E4, TEAM_NAMES } from './vocabulary.js'

export type { SeedOrderLine, SeedOrderBody } from './generate-orders.js'

/** How much to generate for one business. Orders per job are exact; lines per order vary ±50 %. */
export interface BusinessSizes {
  salesReps: number
  contacts: number
  suppliers: number
  jobs: number
  salesOrdersPerJob: number
  purchaseOrdersPerJob: number
  linesPerOrder: number
}

/** Where numbering continues from: the highest job / order numbers the business already used. */
export interface NumberingStart {
  jobs: number
  salesOrders: number
  purchaseOrders: number
}

/** Dates are drawn around this day unless told otherwise, so a seed always gives the same rows. */
export const DEFAULT_REFERENCE_DATE = '2026-11-01'

export interface SeedRep { name: string; email: string; teamIndex: number }
export interface SeedContact {
  type: ContactType
  firstName: string
  lastName: string
  company: string | null
  title: string | null
  emails: ContactPoint[]
  phones: ContactPoint[]
  addresses: PostalAddress[]
  ownerIndex: number | null
}
export interface SeedSupplier { name: string; email: string; phone: string }
export interface SeedJob {
  number: number
  name: string
  status: JobStatus
  clientIndex: number | null
  ownerIndex: number | null
  inHandsDate: string
}
export interface SeedSalesOrder extends SeedOrderBody {
  number: number
  jobNumber: number
  status: ReturnType<typeof salesOrderStatus>
  orderDate: string
  dueDate: string
}
export interface SeedPurchaseOrder extends SeedOrderBody {
  number: number
  jobNumber: number
  supplierIndex: number
  status: ReturnType<typeof purchaseOrderStatus>
  orderDate: string
  expectedDate: string
}
/** A run of consecutive jobs with all their orders. */
export interface SeedJobBatch { jobs: SeedJob[]; salesOrders: SeedSalesOrder[]; purchaseOrders: SeedPurchaseOrder[] }

/** A faker instance of its own with a fixed seed; the global one would make runs differ. */
export function seededFaker(seed: number | number[]): Faker {
  const faker = new Faker({ locale: [en, base] })
  faker.seed(seed)
  return faker
}

/** The names of `count` businesses for a seed. */
export function businessNames(seed: number, count: number): string[] {
  const faker = seededFaker([seed, 0x5eed])
  return Array.from({ length: count }, () => faker.company.name())
}

/** The "Sales Rep" role: sees everything, changes what its team owns, deletes only its own. */
export const SALES_REP_PERMISSIONS: PermissionMatrix = {
  JOBS: { INQUIRE: 'ALL', ADD: 'MY', EDIT: 'MY', DELETE: 'MINE' },
  SALES_ORDERS: { INQUIRE: 'ALL', ADD: 'MY', EDIT: 'MY', DELETE: 'MINE' },
  PURCHASE_ORDERS: { INQUIRE: 'ALL', ADD: 'MY', EDIT: 'MY', DELETE: 'NONE' },
  CONTACTS: { INQUIRE: 'ALL', ADD: 'ALL', EDIT: 'MY', DELETE: 'MINE' },
}
export { SALES_REP_ROLE_NAME, TEAM_NAMES }

/**
 * Generates one business's data from a seed, in a fixed order (reps, contacts, suppliers, then
 * jobs). Each kind of row draws from its own faker stream, and nothing depends on how the caller
 * batches, so the same seed and sizes give the same rows however they are inserted. Rows refer to
 * their parents by index (the n-th contact, rep, supplier); the loader maps indexes to ids.
 */
export class BusinessGenerator {
  private readonly people: Faker
  private readonly vendors: Faker
  private readonly work: Faker
  private readonly catalog: CatalogItem[]
  private readonly calendar: Calendar
  /** Indexes of CLIENT contacts, with each one's rep and company: jobs are only for clients. */
  private readonly clients: { index: number; ownerIndex: number | null; company: string | null }[] = []
  private contactCount = 0
  private jobNumber: number
  private salesOrderNumber: number
  private purchaseOrderNumber: number

  constructor(
    seed: number | number[],
    private readonly slug: string,
    private readonly sizes: BusinessSizes,
    start: NumberingStart = { jobs: 0, salesOrders: 0, purchaseOrders: 0 },
    referenceDate = DEFAULT_REFERENCE_DATE,
  ) {
    const base = Array.isArray(seed) ? seed : [seed]
    this.people = seededFaker([...base, 1])
    this.vendors = seededFaker([...base, 2])
    this.work = seededFaker([...base, 3])
    this.catalog = buildCatalog(seededFaker([...base, 4]))
    this.calendar = new Calendar(referenceDate)
    this.jobNumber = start.jobs
    this.salesOrderNumber = start.salesOrders
    this.purchaseOrderNumber = start.purchaseOrders
  }

  /** The highest job and order numbers generated so far (where the counters must stand). */
  numbering(): NumberingStart {
    return { jobs: this.jobNumber, salesOrders: this.salesOrderNumber, purchaseOrders: this.purchaseOrderNumber }
  }

  /** Sales reps, dealt round-robin over the teams, with emails unique across businesses. */
  salesReps(): SeedRep[] {
    return Array.from({ length: this.sizes.salesReps }, (_, i) => ({
      name: this.people.person.fullName(),
      email: `rep${i + 1}@${this.slug}.example`,
      teamIndex: i % TEAM_NAMES.length,
    }))
  }

  /** The next `count` contacts: about seven in ten clients, the rest prospects. */
  contacts(count: number): SeedContact[] {
    const faker = this.people
    const contacts: SeedContact[] = []
    for (let i = 0; i < count; i++) {
      const index = this.contactCount++
      const type: ContactType = faker.number.int(9) < 7 ? 'CLIENT' : 'PROSPECT'
      const firstName = faker.person.firstName()
      const lastName = faker.person.lastName()
      const company = faker.number.int(19) === 0 ? null : faker.company.name()
      const domain = company ? `${company.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example` : 'mail.example'
      const ownerIndex = this.sizes.salesReps > 0 ? faker.number.int(this.sizes.salesReps - 1) : null
      const emails: ContactPoint[] = [
        { label: 'work', value: `${firstName}.${lastName}@${domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '') },
      ]
      const phones: ContactPoint[] = [{ label: 'work', value: faker.phone.number({ style: 'national' }) }]
      if (faker.datatype.boolean()) phones.push({ label: 'mobile', value: faker.phone.number({ style: 'national' }) })
      contacts.push({
        type,
        firstName,
        lastName,
        company,
        title: faker.datatype.boolean(0.8) ? faker.person.jobTitle() : null,
        emails,
        phones,
        addresses: [{
          label: 'office',
          line1: faker.location.streetAddress(),
          city: faker.location.city(),
          region: faker.location.state({ abbreviated: true }),
          postalCode: faker.location.zipCode('#####'),
          country: 'US',
        }],
        ownerIndex,
      })
      if (type === 'CLIENT') this.clients.push({ index, ownerIndex, company })
    }
    return contacts
  }

  /** The business's suppliers: decorators and blank-goods vendors. */
  suppliers(): SeedSupplier[] {
    const faker = this.vendors
    return Array.from({ length: this.sizes.suppliers }, () => {
      const name = `${faker.company.name()} ${faker.helpers.arrayElement(SUPPLIER_SUFFIXES)}`
      return {
        name,
        email: `orders@${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
        phone: faker.phone.number({ style: 'national' }),
      }
    })
  }

  /** The next `count` jobs with their sales and purchase orders; call after contacts(). */
  jobBatch(count: number): SeedJobBatch {
    const faker = this.work
    const { salesOrdersPerJob, purchaseOrdersPerJob, linesPerOrder, suppliers } = this.sizes
    const batch: SeedJobBatch = { jobs: [], salesOrders: [], purchaseOrders: [] }
    for (let i = 0; i < count; i++) {
      const number = ++this.jobNumber
      const client = this.clients.length > 0 ? faker.helpers.arrayElement(this.clients) : undefined
      // Most jobs belong to the client's own rep; some are picked up by a colleague.
      const ownerIndex =
        this.sizes.salesReps === 0 ? null
        : client?.ownerIndex != null && faker.number.int(9) < 8 ? client.ownerIndex
        : faker.number.int(this.sizes.salesReps - 1)
      const start = -faker.number.int(720)
      const inHands = start + faker.number.int({ min: 21, max: 75 })
      const startDay = this.calendar.day(start)
      const kind = faker.helpers.arrayElement(JOB_KINDS)
      const year = startDay.slice(0, 4)
      batch.jobs.push({
        number,
        name: client?.company ? `${client.company} ${kind} ${year}` : `${faker.helpers.arrayElement(SEASONS)} ${year} ${kind}`,
        status: inHands < 0
          ? faker.helpers.weightedArrayElement([{ value: 'CLOSED', weight: 3 }, { value: 'SUBMITTED', weight: 1 }])
          : faker.helpers.weightedArrayElement([{ value: 'WIP', weight: 5 }, { value: 'PENDING', weight: 3 }, { value: 'SUBMITTED', weight: 2 }]),
        clientIndex: client?.index ?? null,
        ownerIndex,
        inHandsDate: this.calendar.day(inHands),
      })

      const currency = faker.helpers.weightedArrayElement(CURRENCIES)
      const taxRateE4 = faker.helpers.arrayElement(TAX_RATES_E4[currency] ?? [0])
      let orderDay = start
      for (let k = 0; k < salesOrdersPerJob; k++) {
        orderDay += faker.number.int({ min: 1, max: 12 })
        const body = buildOrderBody(faker, this.catalog, lineCount(faker, linesPerOrder), currency, taxRateE4)
        batch.salesOrders.push({
          ...body,
          number: ++this.salesOrderNumber,
          jobNumber: number,
          status: salesOrderStatus(faker, -orderDay),
          orderDate: this.calendar.day(orderDay),
          dueDate: this.calendar.day(orderDay + 30),
        })
      }
      if (suppliers === 0) continue
      // Goods bought for resale carry no US sales tax; Canadian and European VAT is recoverable but billed.
      const purchaseTaxE4 = currency === 'USD' ? 0 : taxRateE4
      for (let k = 0; k < purchaseOrdersPerJob; k++) {
        const day = start + faker.number.int({ min: 2, max: 14 })
        const costPercent = faker.number.int({ min: 50, max: 70 })
        const body = buildOrderBody(faker, this.catalog, lineCount(faker, linesPerOrder), currency, purchaseTaxE4, costPercent)
        batch.purchaseOrders.push({
          ...body,
          number: ++this.purchaseOrderNumber,
          jobNumber: number,
          supplierIndex: faker.number.int(suppliers - 1),
          status: purchaseOrderStatus(faker, -day),
          orderDate: this.calendar.day(day),
          expectedDate: this.calendar.day(day + faker.number.int({ min: 7, max: 21 })),
        })
      }
    }
    return batch
  }
}
