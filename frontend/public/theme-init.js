// Applies the remembered theme before first paint (a file, not inline: the CSP forbids inline scripts).
(function () {
  try {
    var t = localStorage.getItem('cloudtally.theme') || 'system';
    if (t === 'system') t = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    document.documentElement.setAttribute('data-bs-theme', t);
  } catch {
    /* storage unavailable: keep light */
  }
})();
