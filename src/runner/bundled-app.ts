/**
 * The application compiled into a packaged app's bundle. ts2deb/ts2rpm
 * generate an entry module that loads the user's tac file and hands its
 * `application` here before calling the tacd CLI; the runner uses it when
 * it is given neither `-y FILE` nor a plugin name. Outside a packaged app
 * nothing is registered and getBundledApplication() returns undefined.
 */

let bundled: unknown;

/** Registers the bundled tac module's `application` (called once by the generated bundle entry). */
export function setBundledApplication(app: unknown): void {
  bundled = app;
}

/** The registered application, or undefined when this is not a packaged app. */
export function getBundledApplication(): unknown {
  return bundled;
}
