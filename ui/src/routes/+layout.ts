// A static single-page app: the server sends one index.html for every page.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
