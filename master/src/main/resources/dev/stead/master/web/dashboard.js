// The dashboard's only script (the page policy allows no inline script).
// Overview: refreshes the counts every 5 s from /api/summary.
// Node page: filters the facts table as the operator types.
// Everywhere: a click on a shortened digest copies its full value, and so does copying a
// selection that covers exactly one digest.
// Accept's answer: the Copy button copies the patch or snippet shown above it.
(function () {
  'use strict';

  if (document.getElementById('count-total')) {
    setInterval(async function () {
      try {
        const r = await fetch('/api/summary', {credentials: 'same-origin'});
        if (!r.ok) return;
        const s = await r.json();
        for (const k in s) {
          const e = document.getElementById(k === 'updated' ? 'updated' : 'count-' + k);
          if (e) e.textContent = s[k];
        }
      } catch (e) {
        // The next tick tries again.
      }
    }, 5000);
  }

  const search = document.getElementById('facts-search');
  if (search) {
    const rows = Array.from(document.querySelectorAll('#facts tbody tr'));
    const count = document.getElementById('facts-count');
    const filter = function () {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const text = row.textContent.toLowerCase();
        const hit = words.every(function (w) { return text.includes(w); });
        row.hidden = !hit;
        if (hit) shown++;
      }
      count.textContent = words.length === 0 ? rows.length + ' facts'
          : shown + ' of ' + rows.length + ' facts';
    };
    search.addEventListener('input', filter);
    filter();
  }

  document.addEventListener('click', async function (event) {
    const button = event.target.closest && event.target.closest('button.copy');
    const source = button && document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = 'Copied';
    } catch (e) {
      // No clipboard permission: the text is selectable, and the download link still works.
    }
  });

  document.addEventListener('click', async function (event) {
    const digest = event.target.closest && event.target.closest('code.digest');
    if (!digest || !navigator.clipboard) return;
    try {
      await navigator.clipboard.writeText(digest.dataset.full);
      digest.classList.add('copied');
      setTimeout(function () { digest.classList.remove('copied'); }, 800);
    } catch (e) {
      // No clipboard permission: the title still shows the full value.
    }
  });

  document.addEventListener('copy', function (event) {
    const selection = document.getSelection();
    const start = selection && selection.anchorNode;
    const digest = start && (start.nodeType === 1 ? start : start.parentElement)
        .closest('code.digest');
    if (digest && selection.toString().trim() === digest.textContent.trim()) {
      event.clipboardData.setData('text/plain', digest.dataset.full);
      event.preventDefault();
    }
  });
})();
