import { afterAll, beforeAll, expect, test } from 'vitest';
import { SCREENSHOT_DIR, openBrowser, type BrowserSession } from './support/browser';
import { startServe, type ServeProcess } from './support/serve';

let serve: ServeProcess;
let browser: BrowserSession;

beforeAll(async () => {
  serve = await startServe();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

test('the UI opened without its #token explains which address to open', async () => {
  const { page } = browser;
  await page.goto(serve.origin);
  await page.getByRole('heading', { name: 'Falta la clave de acceso' }).waitFor();
  await expect.poll(() => page.getByText('gsih serve', { exact: true }).isVisible()).toBe(true);
  await expect.poll(() => page.getByText(/incluida la parte #token=/).isVisible()).toBe(true);
  await browser.screenshot('00-sin-token');
});

test('a refused token (from an earlier start) gets the same explanation, and is forgotten', async () => {
  // A new tab: changing only the fragment of the open one would not load the page again.
  const page = await browser.context.newPage();
  await page.goto(`${serve.origin}/#token=not-the-right-one`);
  await page.getByRole('heading', { name: 'La clave de acceso no es válida' }).waitFor();
  await page.getByText(/incluida la parte #token=/).waitFor();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/00-token-no-valido.png` });

  // A reload must not retry the refused token.
  await page.reload();
  await page.getByRole('heading', { name: 'Falta la clave de acceso' }).waitFor();
  await page.close();
});
