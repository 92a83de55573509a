// A real OpenID Connect provider for the tests (panva's oidc-provider, certified by the
// OpenID Foundation), with its development sign-in pages: any login and password sign in,
// and the login is the e-mail address. A login written `unverified:<address>` gets that
// address with `email_verified: false`.
//
//   OIDC_PORT=3190 node end2end/oidc/provider.mjs
//
// Client `wsis-prizes`, secret `wsis-prizes-test-secret`; it accepts any redirect to
// http://127.0.0.1:<port>/signin/oidc/callback (the tests' servers take free ports).
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 3190);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'wsis-prizes',
    client_secret: 'wsis-prizes-test-secret',
    redirect_uris: ['http://127.0.0.1/signin/oidc/callback'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['test-only-cookie-key-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const unverified = id.startsWith('unverified:');
    const email = unverified ? id.slice('unverified:'.length) : id;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: !unverified, name: email.split('@')[0] };
      },
    };
  },
});

// the tests' servers listen on free ports: any 127.0.0.1 port, this one path
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(uri) {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && u.hostname === '127.0.0.1' && u.pathname === '/signin/oidc/callback' && !u.search && !u.hash;
  } catch {
    return false;
  }
};

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
