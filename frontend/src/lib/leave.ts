/** Sends the browser to another site (a full page load that ends the SPA), e.g. the SSO provider's
 * sign-out page. Its own module so that tests can observe it: jsdom cannot navigate. */
export function leaveTo(url: string): void {
  window.location.assign(url);
}
