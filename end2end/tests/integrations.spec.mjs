// Journeys: a distributor's administrator sets up the organisation's integrations from the top
// bar: an API token (shown once), then a webhook endpoint with the events it is told of (its
// signing secret shown once, with how to check a signature), then removes it after confirming;
// both pages pass an accessibility check at desktop and phone widths. A partner's user chooses
// the notices they are also emailed, and finds the choice kept.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const DANA = 'dana@summit-tech.example';
const MARIA = 'maria@harbor-it.example';

async function expectAccessible(page) {
  const accessible = await new AxeBuilder({ page }).analyze();
  const serious = accessible.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => v.id)).toEqual([]);
}

test('an administrator sets up a token and a webhook endpoint', async ({ page }) => {
  const console = watchConsole(page);
  await signIn(page, DANA);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Name').fill('ERP sync');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByLabel('The new token')).toHaveValue(/^brt_/);
  await expect(page.getByRole('cell', { name: 'ERP sync', exact: true })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('navigation', { name: 'Integrations' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await waitForHydration(page);
  await expect(page.getByText('No endpoints yet.')).toBeVisible();
  // A plain-HTTP address elsewhere than this machine is refused, in words.
  await page.getByLabel('Address').fill('http://erp.example.com/hooks');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(page.getByRole('alert')).toContainText('https://');
  // That refusal (422) is the browser's only error so far, and an expected one.
  expect(console.errors.every((e) => /422/.test(e))).toBe(true);
  console.errors.length = 0;
  await page.getByLabel('Address').fill('https://erp.example.com/hooks/billing');
  await page.getByLabel('Delivery to the vendor failed').uncheck();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(page.getByLabel("The endpoint's signing secret")).toHaveValue(/^whsec_/);
  await expect(page.getByText('Billing-Reports-Signature')).toBeVisible();
  const row = page.locator('table.endpoints tbody tr', { hasText: 'https://erp.example.com/hooks/billing' });
  await expect(row).toContainText('Completed by the vendor');
  await expect(row).not.toContainText('Delivery to the vendor failed');
  await expectAccessible(page);
  await screenshot(page, 'webhooks-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'webhooks-phone');
  await page.setViewportSize(VIEWPORTS.desktop);

  // Removing asks first.
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    dialog.accept();
  });
  await row.getByRole('button', { name: /^Remove the endpoint/ }).click();
  await expect(page.getByText('No endpoints yet.')).toBeVisible();
  expect(asked).toContain('https://erp.example.com/hooks/billing');
  console.expectNone();
});

test('a partner user chooses which notices are emailed', async ({ page }) => {
  const console = watchConsole(page);
  await signIn(page, MARIA);
  await page.goto('/notices');
  await waitForHydration(page);
  const panel = page.locator('form.email-choices');
  await expect(panel).toContainText(MARIA);
  await expect(panel).toContainText('This server does not send email yet');
  await panel.getByLabel('Three days before the deadline').uncheck();
  await panel.getByRole('button', { name: 'Save email choices' }).click();
  await expect(panel.getByRole('status')).toHaveText('Your email choices are saved.');
  await page.reload();
  await waitForHydration(page);
  await expect(panel.getByLabel('Three days before the deadline')).not.toBeChecked();
  await expect(panel.getByLabel('One day before the deadline')).toBeChecked();
  await expectAccessible(page);
  await screenshot(page, 'email-choices-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'email-choices-phone');
  console.expectNone();
});
