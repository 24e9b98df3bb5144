// The demo rep's session for the benchmarks: `pipewright demo` seeds this login.
export const DEMO_LOGIN = { email: "alex.morgan@northwind.example", password: "pipewright-demo" };

/** Signs in through the form endpoint and returns the session cookie (`name=value`). */
export async function signIn(base, login = DEMO_LOGIN) {
  const response = await fetch(`${base}/api/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(login),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`sign-in as ${login.email} failed: ${response.status}`);
  return cookie;
}
