// A platform bridge for the built TV app that signs with a device credential, as OEM firmware
// does (src/core/protocol/signing.ts: HMAC-SHA256 over METHOD, HOST, PATH, TIMESTAMP, NONCE and
// the body's SHA-256, with WebCrypto). Otherwise it behaves like the browser default: storage in
// localStorage under `miitee.`, provisioning logged on the app's test hook.

/** A device id of the browser default's form, and a secret for the service's DEVICE_CREDENTIALS. */
export const SIGNING_DEVICE = { id: `browser-${'5e'.repeat(16)}`, secret: 'e2e-device-secret-0123456789' }

/** The init script that puts the bridge on `window.MiiteePlatformBridge` before the app starts. */
export function signingBridgeScript(device = SIGNING_DEVICE): string {
  return `(function () {
  var ID = ${JSON.stringify(device.id)}, SECRET = ${JSON.stringify(device.secret)}, P = 'miitee.';
  var enc = new TextEncoder();
  function hex(buf) { return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ('0' + b.toString(16)).slice(-2); }).join(''); }
  var kv = {
    get: function (k) { return localStorage.getItem(P + k); },
    set: function (k, v) { localStorage.setItem(P + k, v); },
    remove: function (k) { localStorage.removeItem(P + k); },
    clear: function () { Object.keys(localStorage).filter(function (k) { return k.indexOf(P) === 0; }).forEach(function (k) { localStorage.removeItem(k); }); }
  };
  window.MiiteePlatformBridge = {
    identity: function () {
      if (!kv.get('device-id')) kv.set('device-id', ID);
      return { id: kv.get('device-id'), name: 'Miitee TV', firmwareVersion: 'browser' };
    },
    storage: function () { return kv; },
    provisioningAuthorized: function (scopes, grant) {
      var h = window.__miitee;
      if (h && h.logs) h.logs.push('provisioning authorized: ' + scopes.join(',') + ' for pairing ' + grant.pairingId);
    },
    signRequest: function (req) {
      var ts = String(Math.floor(Date.now() / 1000));
      var nonce = hex(crypto.getRandomValues(new Uint8Array(16)));
      return crypto.subtle.digest('SHA-256', enc.encode(req.body)).then(function (bodyHash) {
        var input = req.method.toUpperCase() + '\\n' + req.host.toLowerCase() + '\\n' + req.path + '\\n' + ts + '\\n' + nonce + '\\n' + hex(bodyHash);
        return crypto.subtle.importKey('raw', enc.encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']).then(function (key) {
          return crypto.subtle.sign('HMAC', key, enc.encode(input));
        });
      }).then(function (sig) {
        return { 'x-miitee-device': ID, 'x-miitee-timestamp': ts, 'x-miitee-nonce': nonce, 'x-miitee-signature': hex(sig) };
      });
    }
  };
})();`
}
