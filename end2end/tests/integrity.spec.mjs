// Journey: a platform admin checks the history's integrity from the top bar and is told every
// report's chain is intact (the demo's histories are written by the application itself); the
// page passes an accessibility check at desktop and phone widths. A distributor has no way to
// the page and, going there anyway, is told who may use it.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const ADMIN = 'ops@billing-reports.example';
const DANA = 'dana@summit-tech.example';

test('a platform admin checks every history and finds it intact', async ({ page }) => {
  const console = watchConsole(page);
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Integrity' }).click();
  await expect(page.getByRole('heading', { name: 'History integrity' })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Check every history' }).click();
  await expect(page.getByRole('status')).toContainText(/All [\d,]+ history entries of [\d,]+ reports are intact\./);
  const accessible = await new AxeBuilder({ page }).analyze();
  const serious = accessible.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => v.id)).toEqual([]);
  await screenshot(page, 'integrity-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'integrity-phone');
  console.expectNone();
});

test('a distributor has no way to the integrity check', async ({ page }) => {
  await signIn(page, DANA);
  await expect(page.getByRole('link', { name: 'Integrity' })).toHaveCount(0);
  await page.goto('/integrity');
  await expect(page.getByRole('alert')).toHaveText('Only platform admins can check the integrity of the history');
});
