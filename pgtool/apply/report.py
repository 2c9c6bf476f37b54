"""Render an ApplyResult: GNU-patch-like lines, or JSON for tools."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from pgtool.apply.engine import ApplyResult, HunkResult
from pgtool.apply.paths import printable


_WHY = {
    "failed": "its context and removed lines are nowhere in the file",
    "ambiguous": "it matches in more than one place equally well",
    "loose-twice": "it matches only ignoring whitespace, far from its stated line and in more than one place",
    "loose-distant": "it matches only ignoring whitespace, farther from where the hunks before it put it "
                     "than a damaged patch explains (--ignore-whitespace or --fuzz accepts it)",
}


def _hunk_line(h: HunkResult, patch: str, path: str, reverse: bool = False) -> str | None:
    if h.status in _WHY:
        # one line per failed hunk, naming the patch, the file and the hunk as the patch states it
        header = f" ({h.header})" if h.header else ""
        return f"{patch}: {path}: hunk #{h.number}{header} does not apply: {_WHY[h.status]}"
    if h.status == "reversed" and reverse:
        return f"Hunk #{h.number} is not applied (nothing to revert) at {h.stated}."
    if h.status == "reversed":
        return f"Hunk #{h.number} is already applied (applies in reverse) at {h.stated}."
    if h.level == "exact" and not h.offset:
        return None
    extra = []
    if h.level == "whitespace":
        extra.append(" ignoring whitespace")
    if h.fuzz:
        extra.append(f" with fuzz {h.fuzz}")
    off = ""
    if h.offset:
        off = f" (offset {h.offset} line{'s' if abs(h.offset) != 1 else ''})"
    return f"Hunk #{h.number} succeeded at {h.line}{''.join(extra)}{off}."


def text_lines(result: ApplyResult, check: bool) -> list[str]:
    out = []
    if result.recovered:
        out.append(f"pgtool: {result.recovered}")
    for p in result.patches:
        if len(result.patches) > 1 or p.subject:
            out.append(f"Applying: {p.subject or p.source}")
        for f in p.files:
            verb = "checking" if check else "patching"
            label = {"create": f"{verb} file {f.path} (new)", "delete": f"{verb} file {f.path} (deleted)",
                     "rename": f"{verb} file {f.path} (renamed from {f.old_path})",
                     "copy": f"{verb} file {f.path} (copied from {f.old_path})"}.get(f.op, f"{verb} file {f.path}")
            out.append(label)
            if f.all_exact:
                continue  # as GNU patch: nothing said of a hunk applied where it said it would
            for h in f.hunks:
                line = _hunk_line(h, p.source, f.path, result.reverse)
                if line:
                    out.append(line)
            failed = sum(1 for h in f.hunks if h.status != "applied")
            if failed and f.reject_file:
                out.append(f"{failed} out of {len(f.hunks)} hunk{'s' if len(f.hunks) > 1 else ''} FAILED -- "
                           f"saving rejects to file {f.reject_file}")
        for r in p.repairs:
            where = f"hunk #{r.hunk}" if r.hunk else "file"
            out.append(f"repair: line {r.line}: {where}: {r.what}")
        if p.error:
            out.append(f"error: {p.error}")
        if p.status == "already-applied" and result.reverse:
            out.append("The patch is not applied (its changes are not in the tree): nothing to revert. "
                       "Nothing written.")
        elif p.status == "already-applied":
            out.append("Reversed (or previously applied) patch detected: already applied (applies in reverse); "
                       "use -R to revert it. Nothing written.")
        elif p.status == "failed":
            out.append("patch does not apply; nothing written" if not any(f.reject_file for f in p.files)
                       else "patch applied with rejects")
    return [printable(line) for line in out]


def to_json(result: ApplyResult) -> str:
    data = {
        "exit_code": result.exit_code,
        "written": result.written,
        "recovered": result.recovered,
        "patches": [],
    }
    for p in result.patches:
        # by hand, not asdict(): a file's hunk results may still be waiting to be built (FileResult.hunks)
        d = {f.name: getattr(p, f.name) for f in fields(p)}
        d["repairs"] = [asdict(r) for r in p.repairs]
        d["files"] = [{"path": f.path, "old_path": f.old_path, "op": f.op,
                       "hunks": [asdict(h) for h in f.hunks], "reject_file": f.reject_file} for f in p.files]
        data["patches"].append(d)
    return printable(json.dumps(data, indent=2, ensure_ascii=False))
