// Journeys: a report the vendor received shows the vendor's reference to the distributor and the
// vendor (never to the partner); the vendor's billing team has the Deliveries page, others are
// refused it. With the server on the HTTP adapter (end2end/run.sh, E2E_PRICING=http), the vendor
// stand-in answers garbage: the deliveries fail, the page says so, "Retry now" queues one, and
// once the vendor answers again it is delivered with the stand-in's reference.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const VERA = 'vera@vendor.example';
const DANA = 'dana@summit-tech.example';
const MARIA = 'maria@harbor-it.example';

/** Opens the newest completed report of Harbor IT Services (received in the demo's story). */
async function openCompletedHarbor(page) {
  await page.goto('/?partner=Harbor&status=completed&view=all');
  await page.locator('table.reports tbody td.partner a').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+/);
  await waitForHydration(page);
}

test('the vendor reference is shown to the distributor and the vendor, not the partner', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, VERA);
  await openCompletedHarbor(page);
  const facts = page.locator('.report-head .facts');
  await expect(facts).toContainText('Vendor reference');
  await expect(facts.locator('.delivery dd')).toContainText(/TM-B\d+/);
  await expect(facts.locator('.delivery dd')).toContainText('Delivered');
  await screenshot(page, 'report-vendor-reference-desktop');
  const reportUrl = page.url();

  await signIn(page, DANA);
  await page.goto(reportUrl);
  await expect(page.locator('.report-head .facts .delivery dd')).toContainText(/TM-B\d+/);
  await expect(page.getByRole('link', { name: 'Deliveries' })).toHaveCount(0);

  await signIn(page, MARIA);
  await page.goto(reportUrl);
  await expect(page.locator('.report-head h1')).toHaveText('Harbor IT Services');
  await expect(page.locator('.report-head')).not.toContainText('Vendor reference');
  await page.goto('/deliveries');
  await expect(page.getByRole('alert')).toHaveText(
    "Only the vendor's billing team and platform admins can see and retry deliveries",
  );
  console.expectNone();
});

test('the vendor opens the deliveries page', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, VERA);
  await page.getByRole('link', { name: 'Deliveries' }).click();
  await expect(page).toHaveURL(/\/deliveries$/);
  await expect(page.getByRole('heading', { name: 'Deliveries to the vendor' })).toBeVisible();
  await expect(page.locator('.deliveries .lead')).toContainText('tried again');
  await screenshot(page, 'deliveries-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'deliveries-phone');
  console.expectNone();
});

/** The stand-in's control endpoint and the server's binary, named by end2end/run.sh. */
const STAND_IN = process.env.STAND_IN_URL;

async function standInMode(mode) {
  const answer = await fetch(`${STAND_IN}/_stand-in/mode`, { method: 'POST', body: JSON.stringify({ mode }) });
  expect(answer.status).toBe(204);
}

function runJobs() {
  return execFileSync(process.env.BR_BIN, ['jobs', 'run-due'], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, DEMO_DATA: 'false' },
    encoding: 'utf8',
  });
}

test('a failed delivery is retried from the page and then delivered', async ({ page }) => {
  test.skip(!STAND_IN, 'only with the server on the HTTP adapter (E2E_PRICING=http)');
  const console = watchConsole(page);
  // The pricing journey submitted Prairie's report; the vendor now answers garbage.
  await standInMode('garbage');
  expect(runJobs()).toMatch(/deliveries failed [1-9]/);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, VERA);
  await page.goto('/deliveries');
  await waitForHydration(page);
  const prairie = page.locator('table.deliveries tbody tr').filter({ hasText: 'Prairie Networks' });
  await expect(prairie).toContainText('Delivery failed after 1 try');
  await expect(prairie).toContainText('not the contract');
  await screenshot(page, 'deliveries-failed-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'deliveries-failed-phone');
  await page.setViewportSize(VIEWPORTS.desktop);

  await standInMode('normal');
  await prairie.getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Queued' })).toBeVisible();
  await expect(prairie).toContainText('Delivery pending');
  await expect(prairie.getByRole('button', { name: 'Retry now' })).toHaveCount(0);
  expect(runJobs()).toMatch(/delivered to the vendor [1-9]/);
  await page.reload();
  await expect(page.locator('table.deliveries tbody tr').filter({ hasText: 'Prairie Networks' })).toHaveCount(0);

  // The report now carries the stand-in's reference.
  await page.goto('/?partner=Prairie&status=submitted_to_vendor&view=all');
  await page.locator('table.reports tbody td.partner a').first().click();
  await waitForHydration(page);
  await expect(page.locator('.report-head .facts .delivery dd')).toContainText(/TM-\d{6}/);
  await expect(page.locator('.report-head .facts .delivery dd')).toContainText('Delivered');
  await screenshot(page, 'report-delivered-http-desktop');
  console.expectNone();
});
