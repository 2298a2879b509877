// A deliberately weakened LoRA Bench, for the companion checks of tests/security/blind-attacks.test.ts only: loaded
// into `next start` with NODE_OPTIONS=--import, before any of the app's code. Nothing in the app can switch it on.
// It brings back two of the flaws the attack suite guards against, so the suite can show each attack succeeding:
// 1. a public order secret: every 32-byte secret drawn with crypto.randomBytes is all zeros, as if the order were
//    seeded with a value anyone can know (as the version before seeded it with the session id and rater name);
// 2. a guard blind to rater links: the `lorabench_rater` cookie is dropped from every request but a rater link's
//    own, so the browser that opened a rater link reaches the owner's routes again.
import crypto from 'node:crypto';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';

const randomBytes = crypto.randomBytes;
crypto.randomBytes = (size, callback) => (size === 32 && !callback ? Buffer.alloc(32) : randomBytes(size, callback));
syncBuiltinESMExports();

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, ...rest) {
  if (event === 'request' && req.headers.cookie && !/^\/(api\/)?rate\//.test(req.url ?? '')) {
    req.headers.cookie = req.headers.cookie
      .split(';')
      .filter((c) => !c.trim().startsWith('lorabench_rater='))
      .join(';');
  }
  return emit.call(this, event, req, ...rest);
};
