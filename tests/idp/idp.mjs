// A real OpenID Connect provider for KI-Register's tests (oidc-provider 9), never for production.
//
// Usage: node idp.mjs <config.json>. The config names the port, the clients, the API resources,
// the signing key (a private JWK, so tests can also mint tokens with it) and the accounts file.
// The accounts file is read again on every lookup, so a test can change claims between logins.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

function loadAccounts() {
  return JSON.parse(readFileSync(config.accounts_file, 'utf8'));
}

function accountBySubject(sub) {
  return Object.values(loadAccounts()).find((account) => account.sub === sub);
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
    + `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

// Claims every account may carry; the scope "groups" releases the group-like ones.
const groupClaims = ['groups', 'roles', 'realm_access', 'resource_access', 'kommune', ...(config.extra_claims || [])];

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [config.signing_key] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    groups: groupClaims,
  },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups', 'api'],
  async findAccount(ctx, sub) {
    const account = accountBySubject(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { password, ...claims } = accountBySubject(sub) || account;
        return claims;
      },
    };
  },
  // Consent is the municipality's business, not the tests': every grant is given at once.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups offline_access');
    for (const resource of config.resources || []) grant.addResourceScope(resource.indicator, resource.scope);
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        // Submits itself: the RP asked for the logout, a second confirmation adds nothing here.
        ctx.body = page('Abmelden', `${form}<p>Sie werden abgemeldet …</p><script>document.forms[0].submit()</script>`)
          .replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
      },
    },
    resourceIndicators: {
      enabled: true,
      defaultResource(ctx, client) {
        // Client-credentials tokens are for the API; a person's login token stays for userinfo.
        if (ctx.oidc.params?.grant_type === 'client_credentials' && config.resources?.length) {
          return config.resources[0].indicator;
        }
        return undefined;
      },
      useGrantedResource: () => true,
      async getResourceServerInfo(ctx, indicator) {
        const resource = (config.resources || []).find((r) => r.indicator === indicator);
        if (!resource) throw new errors.InvalidTarget();
        return {
          scope: resource.scope,
          audience: resource.indicator,
          accessTokenTTL: resource.ttl || 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  pkce: { required: () => true },
  ttl: { AccessToken: 300, AuthorizationCode: 60, IdToken: 300, Session: 3600, Interaction: 600, Grant: 3600 },
  cookies: { keys: ['test-only-not-secret'] },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fehler beim Anmeldedienst', `<pre>${escapeHtml(JSON.stringify(out))}</pre>`);
  },
});

function loginForm(uid, error) {
  return page('Anmeldung bei der Verwaltung (Test-IdP)', `
    ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login">
      <p><label for="username">Benutzername</label><br><input id="username" name="username" autocomplete="username" required></p>
      <p><label for="password">Passwort</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p>
      <button type="submit">Anmelden</button>
    </form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function passwordMatches(account, password) {
  return account.password === undefined || account.password === password;
}

// The interaction endpoints: a login form, or an immediate login for a known `login_hint`.
async function interaction(req, res) {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return false;
  const [, uid, isLogin] = match;
  const details = await provider.interactionDetails(req, res);
  const accounts = loadAccounts();
  if (details.prompt.name === 'login') {
    if (isLogin && req.method === 'POST') {
      const form = await readForm(req);
      const account = accounts[form.get('username')];
      if (!account || !passwordMatches(account, form.get('password'))) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(loginForm(uid, 'Benutzername oder Passwort ist falsch.'));
        return true;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return true;
    }
    const hinted = accounts[details.params.login_hint];
    if (hinted) {
      await provider.interactionFinished(req, res, { login: { accountId: hinted.sub } }, { mergeWithLastSubmission: false });
      return true;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginForm(uid));
    return true;
  }
  // Consent: the grant from loadExistingGrant already covers everything that was asked.
  const grant = await provider.Grant.find(details.grantId)
    || new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope || 'openid');
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  return true;
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  try {
    if (req.url.startsWith('/interaction/') && await interaction(req, res)) return;
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(err));
    return;
  }
  callback(req, res);
});
server.listen(config.port, '127.0.0.1', () => {
  console.log(`IDP READY ${issuer}`);
});
