// The client as a browser page loads it (bundled by client/redirect_browser_test.ts).
export { Client, ClientError } from "../mod.ts";
