import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError, currentSession, onUnauthorized, signOut, type Session } from "./api";
import { Shell } from "./shell";
import { SignIn } from "./sign-in";
import { Button } from "./ui/button";
import { Notice, StatusProvider, useStatus } from "./ui/status";

/** Cloudflare Access's own sign-out, after the worker's. */
const ACCESS_LOGOUT = "/cdn-cgi/access/logout";

type SessionState = { state: "checking" } | { state: "failed"; error: Error } | { state: "out"; ended: boolean } | { state: "in"; session: Session };

/**
 * Signed in or not: GET /v1/admin/session decides. Behind Cloudflare Access it answers
 * signed in at once (no sign-in page); otherwise the token's sign-in page until a session
 * cookie exists. Any 401 later (the session ended) comes back here.
 */
function Console() {
  const [session, setSession] = useState<SessionState>({ state: "checking" });
  const [signingOut, setSigningOut] = useState(false);
  const notify = useStatus();

  const check = useCallback(() => {
    setSession({ state: "checking" });
    currentSession().then(
      (found) => setSession(found ? { state: "in", session: found } : { state: "out", ended: false }),
      (error: Error) => setSession({ state: "failed", error }),
    );
  }, []);
  useEffect(check, [check]);
  useEffect(() => onUnauthorized(() => setSession({ state: "out", ended: true })), []);

  const leave = async () => {
    if (session.state !== "in") return;
    setSigningOut(true);
    try {
      await signOut();
      if (session.session.via === "access") location.assign(ACCESS_LOGOUT);
      else setSession({ state: "out", ended: false });
      notify("Signed out.", "info");
    } catch (error) {
      // Already ended (expired, or signed out elsewhere): signed out all the same.
      if (error instanceof ApiError && error.status === 401) setSession({ state: "out", ended: false });
      else notify(`Could not sign out: ${(error as Error).message}`, "error");
    } finally {
      setSigningOut(false);
    }
  };

  switch (session.state) {
    case "checking":
      return (
        <main id="main" class="sign-in">
          <p class="loading" role="status">
            Checking whether you are signed in…
          </p>
        </main>
      );
    case "failed":
      return (
        <main id="main" class="sign-in">
          <h1>Leadflare console</h1>
          <Notice kind="error">
            <p>Could not reach the worker: {session.error.message}</p>
            <Button onClick={check}>Retry</Button>
          </Notice>
        </main>
      );
    case "out":
      return <SignIn ended={session.ended} onSignedIn={(found) => setSession({ state: "in", session: found })} />;
    case "in":
      return <Shell session={session.session} onSignOut={leave} signingOut={signingOut} />;
  }
}

export function App() {
  return (
    <StatusProvider>
      <Console />
    </StatusProvider>
  );
}
