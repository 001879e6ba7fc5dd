import type { PartialAnchorHTMLAttributes } from "preact";
import { followLink, href } from "../router";

/** A link to a console path (`/history/12`): a real `<a href>`, followed without a reload. */
export function Link({ to, ...rest }: Omit<PartialAnchorHTMLAttributes<HTMLAnchorElement>, "href" | "role"> & { to: string }) {
  return <a {...rest} href={href(to)} onClick={(event) => followLink(event, to)} />;
}
