"""Lint checks over parsed kernel C: lock balance (issue 4) and page flags (issue 5).

Modules: cfg (control-flow graphs), paths (bounded path walk), findings,
output (text/JSON/SARIF), checks (family registry), scope (diff-aware runs),
locks (the lock-balance family), cli (the click command).
"""
