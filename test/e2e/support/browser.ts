import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.GSIH_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve(__dirname, '../../../test-results/screenshots');

// Styling for the picture only; tests never find elements by class.
const HIDE_NOTIFICATIONS = '.mantine-Notifications-root { display: none !important; }';

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /**
   * Saves a full-page PNG under test-results/screenshots/. Toasts are hidden unless asked for:
   * a fast test piles up several and they would cover what the screenshot is about. `page`
   * captures another tab of the same browser instead of the app's.
   */
  screenshot(name: string, options?: { withNotifications?: boolean; page?: Page }): Promise<void>;
  close(): Promise<void>;
}

/** Debian's Chromium (Playwright cannot download its own here) with a throwaway profile. */
export async function openBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) or point GSIH_E2E_CHROMIUM at one.`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'gsih-e2e-chromium-'));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1360, height: 860 },
    locale: 'es-ES',
    reducedMotion: 'reduce',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  // A page error is a bug in the UI even when the test's assertions still pass.
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // So is anything the Content-Security-Policy had to block.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      pageErrors.push(message.text());
    }
  });

  return {
    context,
    page,
    screenshot: async (name, options = {}) => {
      const target = options.page ?? page;
      // A full-page capture of a scrolled page paints the fixed header where the scroll left it.
      await target.evaluate('window.scrollTo(0, 0)');
      await target.screenshot({
        path: join(SCREENSHOT_DIR, `${name}.png`),
        fullPage: true,
        animations: 'disabled',
        ...(options.withNotifications ? {} : { style: HIDE_NOTIFICATIONS }),
      });
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      if (pageErrors.length > 0) {
        throw new Error(`Errors thrown in the page:\n${pageErrors.join('\n')}`);
      }
    },
  };
}
