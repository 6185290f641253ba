// cargo-leptos starts the server and the tests together: wait until it answers.
export default async function globalSetup() {
  const deadline = Date.now() + 120_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch("http://127.0.0.1:3000/api/v1/health");
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server did not become healthy: ${last}`);
}
