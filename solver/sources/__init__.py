"""Problem sources: Codeforces pages (pages.py, parsed by cf_html.py) and API (cf_api.py), the problem
store (store.py), imports (companion.py), and the facade the pipeline calls (codeforces.py)."""
