'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { api } from '@/lib/client/api';

/** The access-token form shown when the app is exposed beyond this machine (HOST) and ACCESS_TOKEN is set. */
export default function Login() {
  const router = useRouter();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="main empty">
      <h1>LoRA Bench</h1>
      <p>This workbench is shared on the network: enter its access token.</p>
      <form
        className="row"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api.login(token);
            router.replace('/');
          } catch (err) {
            setError(messageOf(err));
          }
        }}
      >
        <div className="field grow">
          <label htmlFor="token">Access token</label>
          <input id="token" type="password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        </div>
        <button className="primary" type="submit">
          Log in
        </button>
      </form>
      {error && <div className="field-error">{error}</div>}
    </main>
  );
}
