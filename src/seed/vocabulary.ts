/**
 * Word lists for seed data in the promotional-products trade the API models: distributors sell
 * decorated goods (sales orders) bought from suppliers (purchase orders), grouped by client job.
 */

export const TEAM_NAMES = ['Sales East', 'Sales West', 'Operations'] as const

export const SALES_REP_ROLE_NAME = 'Sales Rep'

export const JOB_KINDS = [
  'Trade Show Kit', 'Employee Onboarding Kits', 'Holiday Gifts', 'Staff Uniforms', 'Conference Giveaways',
  'Golf Outing', 'Sales Kickoff', 'Customer Appreciation', 'Charity Run Shirts', 'Store Opening',
  'Safety Week', 'Product Launch', 'Recruiting Fair', 'Summer Picnic', 'Board Retreat', 'Client Welcome Boxes',
  'Team Jackets', 'Anniversary Celebration', 'Webinar Thank-yous', 'Warehouse Hi-Vis Vests',
] as const

export const SEASONS = ['Spring', 'Summer', 'Fall', 'Winter', 'Q1', 'Q2', 'Q3', 'Q4'] as const

/** Goods a distributor sells, with a typical unit price range in dollars. */
export const PRODUCT_TYPES = [
  { code: 'TEE', name: 'Cotton T-Shirt', minPrice: 4, maxPrice: 14 },
  { code: 'POLO', name: 'Performance Polo', minPrice: 14, maxPrice: 38 },
  { code: 'HOOD', name: 'Pullover Hoodie', minPrice: 18, maxPrice: 45 },
  { code: 'CAP', name: 'Structured Cap', minPrice: 6, maxPrice: 18 },
  { code: 'MUG', name: 'Ceramic Mug 11oz', minPrice: 3, maxPrice: 9 },
  { code: 'TUMB', name: 'Insulated Tumbler 20oz', minPrice: 9, maxPrice: 28 },
  { code: 'BOTL', name: 'Water Bottle', minPrice: 4, maxPrice: 22 },
  { code: 'PEN', name: 'Click Pen', minPrice: 0.35, maxPrice: 2.5 },
  { code: 'NOTE', name: 'Hardcover Notebook', minPrice: 5, maxPrice: 16 },
  { code: 'TOTE', name: 'Canvas Tote', minPrice: 3, maxPrice: 12 },
  { code: 'BPCK', name: 'Laptop Backpack', minPrice: 24, maxPrice: 70 },
  { code: 'USB', name: 'USB Flash Drive 32GB', minPrice: 5, maxPrice: 14 },
  { code: 'CHRG', name: 'Wireless Charger', minPrice: 11, maxPrice: 30 },
  { code: 'LANY', name: 'Lanyard', minPrice: 0.6, maxPrice: 3 },
  { code: 'STKR', name: 'Die-Cut Sticker', minPrice: 0.15, maxPrice: 1.2 },
  { code: 'UMBR', name: 'Golf Umbrella', minPrice: 12, maxPrice: 35 },
  { code: 'JACK', name: 'Soft Shell Jacket', minPrice: 32, maxPrice: 95 },
  { code: 'VEST', name: 'Hi-Vis Safety Vest', minPrice: 5, maxPrice: 16 },
] as const

export const COLORS = ['Black', 'Navy', 'White', 'Heather Grey', 'Royal Blue', 'Red', 'Forest Green', 'Charcoal', 'Orange'] as const

export const DECORATIONS = ['1-color imprint', '2-color imprint', 'full-color print', 'embroidered', 'laser engraved', 'debossed'] as const

/** Quantities buyers order decorated goods in. */
export const ORDER_QUANTITIES = [12, 24, 36, 48, 50, 72, 100, 144, 150, 200, 250, 288, 300, 500, 750, 1000, 2500] as const

/** Charges billed per order rather than per piece; quantities may be fractional (hours). */
export const SERVICE_CHARGES = [
  { code: 'SETUP', name: 'Setup charge', minPrice: 40, maxPrice: 95 },
  { code: 'DIGI', name: 'Embroidery digitizing', minPrice: 35, maxPrice: 80 },
  { code: 'ART', name: 'Art and proofing (hours)', minPrice: 55, maxPrice: 120 },
] as const

export const CURRENCIES = [
  { value: 'USD', weight: 85 },
  { value: 'CAD', weight: 10 },
  { value: 'EUR', weight: 5 },
] as const

/** Sales tax rates in ten-thousandths, by currency (US state rates, Canadian GST/HST, EU VAT). */
export const TAX_RATES_E4: Record<string, readonly number[]> = {
  USD: [0, 400, 600, 625, 700, 725, 825, 888],
  CAD: [500, 1300, 1500],
  EUR: [1900, 2000, 2100],
}

export const SUPPLIER_SUFFIXES = ['Apparel', 'Promotions', 'Imprints', 'Brands', 'Drinkware', 'Headwear', 'Supply Co.', 'Bags'] as const
