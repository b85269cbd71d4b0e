// A pure single-page app: everything renders in the browser, where the keys live.
export const ssr = false;
export const prerender = false;
