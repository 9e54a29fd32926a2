// The shared state lives in the URL fragment, which browsers never send:
//   #code=<base64url, no padding, of deflate-raw(UTF-8 text)>&method=…&profile=…
// plus the request context and parameters the page was given (auth=app, …).
// Works in browsers and node (both have CompressionStream).

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function encodeCode(text) {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream("deflate-raw")));
}

export async function decodeCode(value) {
  const bytes = await pipe(fromBase64Url(value), new DecompressionStream("deflate-raw"));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

// The keys of the fragment besides `code`, in the order they are written.
export const STATE_KEYS = [
  "method",
  "profile",
  "auth",
  "caller",
  "domain",
  "consumer_account",
  "request_id",
  "update_mask",
  "name",
  "parent",
  "use_admin_access",
];

// state: {code, method?, profile?, auth?, …}; empty values are left out.
export async function encodeFragment(state) {
  const parts = [`code=${await encodeCode(state.code)}`];
  for (const key of STATE_KEYS) {
    const v = state[key];
    if (v !== undefined && v !== null && v !== "") parts.push(`${key}=${encodeURIComponent(v)}`);
  }
  return "#" + parts.join("&");
}

// Returns {code?, method?, …, error?}: a broken `code` is an error, never a throw.
export async function decodeFragment(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const state = {};
  for (const key of STATE_KEYS) if (params.get(key)) state[key] = params.get(key);
  const code = params.get("code");
  if (code) {
    try {
      state.code = await decodeCode(code);
    } catch (e) {
      state.error = `the link's code could not be read (${e.message})`;
    }
  }
  return state;
}
