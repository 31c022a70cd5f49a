import { t } from './i18n.js';
import { setUpLanguage } from './staffLang.js';

const state = await setUpLanguage();
const form = document.getElementById('signin-form');
const error = document.getElementById('signin-error');

/** Only a path on this site under /agent, so the sign-in cannot be used to send staff elsewhere. */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next') ?? '/agent';
  return /^\/agent(?:[/?#]|$)/.test(next) && !next.startsWith('/agent/signin') ? next : '/agent';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  let res;
  try {
    res = await fetch('/staff/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: form.token.value }),
    });
  } catch {
    res = undefined;
  }
  if (res?.ok) {
    location.replace(nextPath());
    return;
  }
  error.textContent = t(state.strings, res?.status === 401 ? 'signin.wrong' : res?.status === 429 ? 'signin.throttled' : 'signin.failed');
  error.hidden = false;
  form.token.select();
});
