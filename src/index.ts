import { createApp } from "./app";
import { queue } from "./queue";
import { scheduled } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled,
  queue,
} satisfies ExportedHandler<Cloudflare.Env>;
