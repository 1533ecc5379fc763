// How the editors' bundles (the modeller, the DMN editor) talk to Sif's JSON endpoints: the
// answer as {ok, status, body}. A failed answer without a message of its own (a proxy's error
// page, say, which is not JSON) is given `failed`, the page's own text, so the page always has
// something to say in the person's language. A request that never reaches the server throws.
export async function request(url, { method = 'GET', csrf, body, failed }) {
  const options = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' }
  };
  if (csrf) {
    options.headers['X-CSRFToken'] = csrf;
  }
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const parsed = await response.json().catch(() => ({ problems: [] }));
  if (!response.ok && !parsed.message) {
    parsed.message = failed;
  }
  return { ok: response.ok, status: response.status, body: parsed };
}
