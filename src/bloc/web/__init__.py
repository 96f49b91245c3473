"""The dashboard, the JSON API and the report: everything bloc shows in a browser.

`app` builds the FastAPI application from `page_routes` (server-rendered
pages), `api_routes` (JSON under /api) and `review_routes` (analysts'
decisions, behind `review_gate`'s token and CSRF checks); `pages` gathers each page's
figures, `charts` draws them, `findings` puts them in words, and `report`
writes one self-contained HTML file. Templates and static files sit beside.
"""

from bloc.web.app import CSP, MAX_BODY, create_app, serve, serving
from bloc.web.review_gate import ReviewGate

__all__ = ["CSP", "MAX_BODY", "ReviewGate", "create_app", "serve", "serving"]
