// Page URLs of the dashboard: every page has a path (/, /devices, /devices/<id>, /charts, …) that
// reloads and bookmarks to the same page; a trailing /lcars (/lcars, /charts/lcars) selects the LCARS
// theme, as the MPP-Solar dashboard's URLs did. Old /#/page links are rewritten to their path.
// The server answers exactly these paths with index.html (WebAPI.pagePaths), so keep the lists alike.
(function () {
  'use strict';

  const PAGES = ['dashboard', 'devices', 'charts', 'battery', 'house', 'commands', 'automation', 'energy'];
  const THEME_SUFFIX = 'lcars';

  // The path's segments without the theme suffix: '/charts/lcars' → ['charts'], '/' → [].
  function segments(pathname) {
    const parts = pathname.split('/').filter(Boolean);
    if (parts[parts.length - 1] === THEME_SUFFIX) parts.pop();
    return parts;
  }

  // A path of ours, or null for anything else (the API, openapi.json, assets, other sites).
  function pagePath(url) {
    if (url.origin !== location.origin) return null;
    const parts = segments(url.pathname);
    if (parts.length === 0) return url.pathname;
    if (!PAGES.includes(parts[0]) || parts.length > (parts[0] === 'devices' ? 2 : 1)) return null;
    return url.pathname;
  }

  // An old hash link (#/charts, #/devices/x) as its path, or null.
  function pathOfHash(hash) {
    const rest = hash.replace(/^#\/?/, '');
    return hash.startsWith('#/') && rest ? '/' + rest : null;
  }

  // Rewrites an old /#/page URL in place (no reload, no extra history entry); true when it did.
  function upgradeHash() {
    const path = pathOfHash(location.hash);
    if (!path) return false;
    history.replaceState(null, '', path + location.search);
    return true;
  }

  const HelioRouter = {
    pages: PAGES,
    // The current page and its argument: ['dashboard'], ['devices', 'inverter1'], ['charts'].
    parts() {
      const parts = segments(location.pathname).map(decodeURIComponent);
      return parts.length ? parts : ['dashboard'];
    },
    // 'lcars' when the path ends in /lcars, else the ?theme= parameter, else null (keep the saved theme).
    theme() {
      if (location.pathname.split('/').filter(Boolean).pop() === THEME_SUFFIX) return 'lcars';
      return new URLSearchParams(location.search).get('theme');
    },
    // The path of a page ('charts', 'devices/inverter1'); '/' for the dashboard.
    href(page) {
      return page === 'dashboard' ? '/' : '/' + page;
    },
    // Leaves a /lcars URL when the theme is switched away from LCARS, so a reload keeps the choice.
    themeChanged(theme) {
      if (theme === THEME_SUFFIX || !location.pathname.endsWith('/' + THEME_SUFFIX)) return;
      const path = '/' + segments(location.pathname).join('/');
      history.replaceState(null, '', path + location.search);
    },
    // Goes to a page path without reloading.
    navigate(path) {
      if (path !== location.pathname + location.search) history.pushState(null, '', path);
      HelioRouter.onRoute();
    },
    onRoute() {},
    // Calls `route` on back/forward, on clicks on page links and on old hash links; rewrites the
    // address first when it is an old /#/page link.
    listen(route) {
      HelioRouter.onRoute = route;
      upgradeHash();
      window.addEventListener('popstate', () => route());
      window.addEventListener('hashchange', () => { if (upgradeHash()) route(); });
      document.addEventListener('click', (event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        const link = event.target.closest && event.target.closest('a[href]');
        if (!link || link.target || link.hasAttribute('download')) return;
        const url = new URL(link.href, location.href);
        // A link into this very address is an anchor (#, #top) or an old page link (#/charts).
        const here = url.origin === location.origin && url.pathname === location.pathname && url.search === location.search && url.hash;
        const path = here ? pathOfHash(url.hash) : pagePath(url) && url.pathname + url.search;
        if (!path) return;
        event.preventDefault();
        HelioRouter.navigate(path);
      });
    },
  };
  upgradeHash(); // before app.js reads the address
  window.HelioRouter = HelioRouter;
})();
