import { useState } from "preact/hooks";
import { ApiError, currentSession, signIn, type Session } from "./api";
import { Button } from "./ui/button";
import { TextField } from "./ui/field";
import { Notice } from "./ui/status";

/**
 * Sign-in without Cloudflare Access: an admin token, exchanged for the session cookie
 * (POST /v1/admin/session). The token is sent once and never stored by the console.
 */
export function SignIn({ onSignedIn, ended }: { onSignedIn: (session: Session) => void; ended: boolean }) {
  const [token, setToken] = useState("");
  const [fieldError, setFieldError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFieldError(undefined);
    setFormError(undefined);
    if (token.trim() === "") {
      setFieldError("Enter an admin token.");
      return;
    }
    setBusy(true);
    try {
      await signIn(token.trim());
      const session = await currentSession();
      if (!session) throw new ApiError(401, "unauthorized", "Signed in, but the browser did not keep the session cookie.", undefined);
      onSignedIn(session);
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError(0, "unknown", String(error), undefined);
      if (failure.status === 401) setFieldError("That is not an admin token.");
      else if (failure.status === 403) setFieldError("That key may only read email content: use an admin token.");
      else if (failure.status === 429) setFormError("Too many sign-in attempts from this address: wait a minute, then try again.");
      else setFormError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in" data-page="sign-in">
      <h1>Sign in to Leadflare</h1>
      {ended && <Notice>Your session has ended: sign in again.</Notice>}
      <form onSubmit={submit} noValidate>
        <TextField
          label="Admin token"
          type="password"
          name="token"
          autoComplete="current-password"
          value={token}
          onValue={setToken}
          error={fieldError}
          hint="One of LF_ADMIN_TOKENS (locally, LF_ADMIN_TOKEN in .dev.vars). Behind Cloudflare Access you are signed in already."
        />
        {formError && <Notice kind="error">{formError}</Notice>}
        <Button type="submit" variant="primary" busy={busy}>
          Sign in
        </Button>
      </form>
    </main>
  );
}
