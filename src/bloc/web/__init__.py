"""The dashboard, the JSON API and the report: everything bloc shows in a browser.

`app` builds the FastAPI application from `page_routes` (server-rendered
pages) and `api_routes` (JSON under /api); `pages` gathers each page's
figures, `charts` draws them, `findings` puts them in words, and `report`
writes one self-contained HTML file. Templates and static files sit beside.
"""

from bloc.web.app import CSP, MAX_BODY, create_app, serve, serving

__all__ = ["CSP", "MAX_BODY", "create_app", "serve", "serving"]
