"""Serving the prebuilt dashboard from `chancy_web/static/` (built by `scripts/build_ui.sh`).

- `serve`: the routes. `/_app/...` is the bundle; any other path outside `/api/` gets
  `index.html` (the client-side router shows the page), with the build's base-path
  placeholder replaced by the prefix the app is mounted under, so one bundle works at `/` or
  under any prefix. Unknown `/api/...` paths stay JSON 404s.
- `files`: the built files, cached in memory with ETags, sent compressed when accepted.
- `csp`: the security headers of dashboard responses, including a CSP without inline script
  (the build moves SvelteKit's inline bootstrap into a file; see `ui/scripts/postbuild.js`).
- `preloads`: each page's own files, preloaded from `index.html`.

The API's own security headers are `chancy_web.middleware`'s.
"""
