// Journey: people sign in and see only what is theirs — a partner its own reports without any
// amount, a distributor its own partners' reports with totals; a wrong password is told plainly.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

test('anonymous visitors are sent to sign in, and a wrong password is refused', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await waitForHydration(page);
  await screenshot(page, 'sign-in-desktop');
  await page.getByLabel('Email address').fill('maria@harbor-it.example');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is not correct.');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'sign-in-phone');
  // The refused attempt answers 422 (the browser logs it); nothing else may fail.
  expect(console.errors.filter((e) => !e.includes('/api/auth/sign-in') && !e.includes('status of 422'))).toEqual([]);
});

test('a partner sees its own reports and no amounts', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'maria@harbor-it.example');
  await expect(page.locator('.who-name')).toHaveText('Maria Chen');
  await expect(page.locator('.who-org')).toContainText('Harbor IT Services');
  // The last 12 months (how many of the demo's months that is depends on today's date).
  const partners = await page.locator('table.reports tbody td.partner').allInnerTexts();
  expect(partners.length).toBeGreaterThan(0);
  expect(partners.length).toBeLessThanOrEqual(12);
  await expect(page.locator('p.count')).toHaveText(partners.length === 1 ? '1 report' : `${partners.length} reports`);
  await expect(page.getByLabel('Cycles')).toHaveValue('');
  for (const name of partners) expect(name).toContain('Harbor IT Services');
  await expect(page.locator('table.reports th', { hasText: 'Total' })).toHaveCount(0);
  await expect(page.locator('td.money')).toHaveCount(0);
  expect(await page.content()).not.toMatch(/USD \d/);
  await screenshot(page, 'reports-list-partner-desktop');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  // Signed out, the list leads to the sign-in page. Signing out reloads the page (nothing of the
  // session stays in memory); a visit started while that reload is still on its way is cut
  // short by it, so the visit is tried again until it is the last navigation.
  await expect(async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
  }).toPass({ timeout: 15_000 });
  console.expectNone();
});

test('a distributor sees its own partners only, with totals', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'lukas@atlas-distribution.example');
  // A distributor opens on its to-do; everything is the other list.
  await page.goto('/?view=all');
  await expect(page.locator('p.count')).toHaveText('36 reports');
  // One distributor's list: no distributor or region column repeating one value.
  await expect(page.locator('table.reports tbody td[data-label="Distributor"]')).toHaveCount(0);
  const partners = await page.locator('table.reports tbody td.partner a').allInnerTexts();
  expect(partners.length).toBeGreaterThan(0);
  for (const partner of partners) {
    expect(partner).toMatch(/Rheinland Systemhaus|Lumière Informatique|Nordlys IT/);
  }
  await expect(page.locator('td.money', { hasText: 'EUR' }).first()).toBeVisible();
  console.expectNone();
});

test('a user of a region without billing reports is told so', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.phone);
  await signIn(page, 'lucia@andes-cloud.example');
  await expect(page.getByRole('heading', { name: 'Billing reports are not available in your region' })).toBeVisible();
  await screenshot(page, 'region-unavailable-phone');
  console.expectNone();
});
