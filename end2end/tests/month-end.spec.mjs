// Month end on the demo data: the distributor's administrator sets the auto-approve rule (its
// support user may only read it), then the clock moves past October's deadlines and the job
// runner runs once, as cron would: `billing-reports jobs run-due --now …` against the journeys'
// own database. The report a partner left in preparation is submitted for it with penalties, and
// a clean report goes to the vendor by the rule. These journeys move the demo's October on, so
// they run after all the others (see the `month end` project in playwright.config.mjs).
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { signIn, watchConsole, screenshot, VIEWPORTS, waitForHydration } from './helpers.mjs';

const DANA = 'dana@summit-tech.example';
const SAM = 'sam@summit-tech.example';
const OCTOBER = '2026-10';
const count = async (page) => Number((await page.locator('p.count').innerText()).replace(/\D/g, ''));

/** Runs what is due at `now` with the server's own binary on the journeys' database. */
function runJobs(now) {
  const bin = process.env.BR_BIN;
  const url = process.env.E2E_DATABASE_URL;
  expect(bin, 'BR_BIN: end2end/run.sh names the server binary').toBeTruthy();
  expect(url, 'E2E_DATABASE_URL: end2end/run.sh names the database').toBeTruthy();
  return execFileSync(bin, ['jobs', 'run-due', '--now', now], {
    env: { ...process.env, DATABASE_URL: url, DEMO_DATA: 'false' },
    encoding: 'utf8',
  });
}

test('an administrator sets the auto-approve rule; support reads it', async ({ page, browser }) => {
  const console = watchConsole(page);
  await signIn(page, DANA);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Cycle settings' })).toBeVisible();
  await waitForHydration(page);

  // Checked as typed, with the server's words; nothing can be saved while a field is wrong.
  const review = page.getByLabel('Review window');
  await review.fill('0');
  await expect(page.locator('#review_days-error')).toHaveText('Review window must be a whole number of days from 1 to 60');
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  await review.fill('7');
  await expect(page.locator('#review_days-error')).toBeEmpty();

  await page.getByLabel('Send clean reports to the vendor when the review window ends').check();
  await page.getByLabel('PO number pattern').fill('PO-{period}-{partner}');
  await expect(page.getByText('For partner #1042 in November 2026: PO-2026-11-1042')).toBeVisible();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved: 2 settings changed.');
  const changes = page.locator('.settings-changes tbody tr');
  await expect(changes).toHaveCount(2);
  await expect(changes.filter({ hasText: 'Auto-approve' })).toContainText('Off → On');
  await expect(changes.filter({ hasText: 'PO number pattern' })).toContainText('PO-{period}-{partner}');
  await expect(changes.first()).toContainText('Dana Whitfield');
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await screenshot(page, `settings-${name}`);
  }
  console.expectNone();

  // Support at the same distributor reads the same settings and changes, and cannot save.
  const context = await browser.newContext();
  const support = await context.newPage();
  await signIn(support, SAM);
  await support.goto('/settings');
  await waitForHydration(support);
  await expect(support.getByText('Only an administrator of Summit Tech Distribution can change these settings')).toBeVisible();
  await expect(support.getByLabel('PO number pattern')).toHaveValue('PO-{period}-{partner}');
  await expect(support.getByLabel('PO number pattern')).toBeDisabled();
  await expect(support.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
  await expect(support.locator('.settings-changes tbody tr')).toHaveCount(2);
  await screenshot(support, 'settings-read-only');
  await context.close();
});

test('a missed deadline is submitted with penalties; a clean report goes to the vendor by rule', async ({ page }) => {
  const console = watchConsole(page);
  await signIn(page, DANA);
  // Before the clock moves: the October reports Summit's partners have not submitted, and none
  // of October's at the vendor yet.
  await page.goto(`/?view=all&status=msp_preparing&period=${OCTOBER}`);
  await waitForHydration(page);
  expect(await count(page)).toBeGreaterThan(0);
  const missed = await page.locator('table.reports td.partner a').first();
  const missedHref = await missed.getAttribute('href');
  const missedPartner = (await missed.innerText()).trim();
  await page.goto(`/?view=all&status=submitted_to_vendor&period=${OCTOBER}`);
  await expect(page.locator('p.count')).toHaveText('0 reports');

  // The partners' deadline was 5 November, the review window ended 12 November.
  const said = runJobs('2026-11-13T00:00:00Z');
  expect(said).toMatch(/auto-submitted [1-9]\d* \([1-9]\d* with penalties\), auto-approved [1-9]/);

  await page.goto(missedHref);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: missedPartner })).toBeVisible();
  await expect(page.locator('.report-head')).toContainText('automatic submission, penalties applied');
  await expect(page.locator('table.lines .penalised').first()).toBeVisible();
  const submitted = page.locator('table.history tbody tr').filter({ hasText: 'Submitted automatically, with penalties' });
  await expect(submitted).toHaveCount(1);
  await expect(submitted).toContainText('system');
  await expect(submitted).toContainText('→');
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await screenshot(page, `auto-submitted-${name}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);

  // A clean report went to the vendor when the review window ended, with the rule's PO number
  // and the rule named in its history.
  await page.goto(`/?view=all&status=submitted_to_vendor&period=${OCTOBER}`);
  await waitForHydration(page);
  expect(await count(page)).toBeGreaterThan(0);
  await page.locator('table.reports td.partner a').first().click();
  await waitForHydration(page);
  await expect(page.locator('.report-head')).toContainText('Submitted to vendor');
  await expect(page.locator('.report-head')).toContainText(/PO-2026-10-\d+/);
  const approved = page.locator('table.history tbody tr').filter({ hasText: "distributor's auto-approve rule" });
  await expect(approved).toHaveCount(1);
  await screenshot(page, 'auto-approved-desktop');
  console.expectNone();
});
