"""Benchmark: `pgtool apply` vs `git apply` vs GNU `patch` on real distribution patches for Linux 6.1.

Each patch of the corpus is applied alone to a clean copy of the 6.1 tree (linux-src/, tag
`baseline`) by all three tools, and the results are compared:

  * git apply        `git apply --check`, then `git apply` when the check passes
  * GNU patch        `patch -p1 -N --batch --dry-run`, then the same without --dry-run
  * pgtool apply     `pgtool apply --check`, then `pgtool apply` (default options)

After every real apply the whole tree is snapshotted (`git add -A` + `git write-tree`, into a
private object directory, so linux-src/ is never written to) and reset, so trees are compared
file by file, modes included. Each patch lands in one category:

  same        git and pgtool both apply, identical trees
  refuse      both refuse
  git-only    git applies, pgtool refuses (split: GNU patch applied / refused)
  pgt-only    pgtool applies, git refuses (split: GNU patch applied / refused)
  differ      both apply, trees differ (first differing file listed)
  error       pgtool exit 2 / other exit / traceback / timeout

Corpus (see bench/corpus/README.md), cached under .cache/real_patches/ (never fetched by default):

  debian   debian/patches (the `series` list) of Debian's `linux` 6.1 source package. The tree is
           linux-source-6.1, which has them applied, so forward each should be refused as already
           applied, and in reverse (-R) each should apply, with the same tree as `git apply -R`.
  openwrt  OpenWrt's target/linux/generic/{backport,pending,hack}-6.1 patch folders, at the last
           commit that carried them.

Steps:
  bench/real_patches.py --fetch                     Debian's patches (apt-get, deb-src needed)
  bench/real_patches.py --import-openwrt GITDIR     OpenWrt's patches from a local openwrt clone
  bench/real_patches.py [--jobs 2] [--source debian] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PGTOOL = REPO / ".venv" / "bin" / "pgtool"
TREE = REPO / "linux-src"
BASE = "baseline"
CACHE = REPO / ".cache" / "real_patches"
CORPUS = CACHE / "corpus"
MANIFEST = CACHE / "manifest.json"
RESULTS = CACHE / "results.json"
TIMEOUT = 180

OPENWRT_REPO = "openwrt/openwrt"
# Parent of "generic: drop 6.1 support": the last commit with the 6.1 patch folders (kernel 6.1.109).
OPENWRT_COMMIT = "97e1a223fd2349582ca1c043e55ee1175bd968a9"
OPENWRT_DIRS = ("target/linux/generic/backport-6.1", "target/linux/generic/pending-6.1",
                "target/linux/generic/hack-6.1")


# ---------------------------------------------------------------- corpus

def _load_manifest() -> list[dict]:
    if MANIFEST.exists():
        return json.loads(MANIFEST.read_text())
    return []


def _save_manifest(entries: list[dict], source: str) -> None:
    kept = [e for e in _load_manifest() if e["source"] != source]
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    MANIFEST.write_text(json.dumps(kept + entries, indent=1) + "\n")


def _installed_source_version() -> str | None:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "linux-source-6.1"],
                         capture_output=True, text=True)
    return out.stdout.strip() or None


def _showsrc_versions() -> list[str]:
    out = subprocess.run(["apt-cache", "showsrc", "linux"], capture_output=True, text=True)
    vs = sorted({m.group(1) for m in re.finditer(r"^Version: (6\.1\.\S+)$", out.stdout, re.M)})
    return vs


def _vcmp(a: str, b: str) -> int:
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0 and -1 or (
        0 if a == b else 1)


def fetch_debian() -> int:
    """Download the debian tarball of Debian's `linux` 6.1 source package; keep debian/patches."""
    versions = _showsrc_versions()
    if not versions:
        print("apt-cache showsrc linux lists no 6.1 version: add a deb-src entry (a copy of the "
              "deb entry in /etc/apt/sources.list.d/ with 'Types: deb-src') and run apt-get update",
              file=sys.stderr)
        return 2
    want = _installed_source_version()
    # The installed tree's own version first, then older ones, newest first.
    order = sorted(versions, key=lambda v: [int(x) if x.isdigit() else x
                                            for x in re.split(r"[.\-+~]", v)], reverse=True)
    if want:
        order = [v for v in order if v == want] + [v for v in order if v != want and _vcmp(v, want) < 0]
    dest = CACHE / "download"
    dest.mkdir(parents=True, exist_ok=True)
    for version in order:
        out = subprocess.run(["apt-get", "source", "--print-uris", f"linux={version}"],
                             capture_output=True, text=True)
        uri = [ln.split() for ln in out.stdout.splitlines() if ".debian.tar." in ln and ln.startswith("'")]
        if not uri:
            continue
        url, name, sha = uri[0][0].strip("'"), uri[0][1], uri[0][3]
        path = dest / name
        if not path.exists():
            try:
                with urllib.request.urlopen(url, timeout=120) as r:
                    data = r.read()
            except Exception as exc:  # a version the mirror no longer holds
                print(f"linux={version}: {url}: {exc}", file=sys.stderr)
                continue
            if sha.startswith("SHA256:") and hashlib.sha256(data).hexdigest() != sha[7:]:
                print(f"linux={version}: checksum mismatch", file=sys.stderr)
                continue
            path.write_bytes(data)
        return _unpack_debian(path, version, url)
    print("no Debian linux 6.1 debian tarball could be downloaded", file=sys.stderr)
    return 1


def _unpack_debian(tarball: Path, version: str, url: str) -> int:
    out = CORPUS / "debian"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with tarfile.open(tarball) as tf:
        members = {m.name: m for m in tf.getmembers() if m.isfile()}
        series = tf.extractfile(members["debian/patches/series"]).read().decode()
        entries = []
        for line in series.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            rel = line.split()[0]
            data = tf.extractfile(members["debian/patches/" + rel]).read()
            name = f"{len(entries) + 1:03d}-" + rel.replace("/", "__")
            (out / name).write_bytes(data)
            entries.append({"source": "debian", "name": rel, "file": f"debian/{name}",
                            "expect": "already-applied",
                            "origin": {"registry": "Debian", "package": f"linux={version}",
                                       "url": url, "path": f"debian/patches/{rel}"}})
    _save_manifest(entries, "debian")
    print(f"debian: {len(entries)} patches from linux={version} (debian/patches/series)")
    return 0


def import_openwrt(gitdir: str) -> int:
    """Copy OpenWrt's generic 6.1 patch folders out of a local clone, at OPENWRT_COMMIT."""
    git = ["git", "--git-dir", gitdir] if not (Path(gitdir) / ".git").exists() else ["git", "-C", gitdir]
    ls = subprocess.run(git + ["ls-tree", "-r", "--name-only", OPENWRT_COMMIT, "--", *OPENWRT_DIRS],
                        capture_output=True, text=True)
    if ls.returncode:
        print(ls.stderr.strip() or "commit not found", file=sys.stderr)
        return 2
    out = CORPUS / "openwrt"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    entries = []
    for path in ls.stdout.split():
        if not path.endswith(".patch"):
            continue
        data = subprocess.run(git + ["show", f"{OPENWRT_COMMIT}:{path}"], capture_output=True).stdout
        folder = path.split("/")[-2]
        name = f"{folder}__{path.rsplit('/', 1)[1]}"
        (out / name).write_bytes(data)
        entries.append({"source": "openwrt", "name": f"{folder}/{path.rsplit('/', 1)[1]}",
                        "file": f"openwrt/{name}", "expect": None,
                        "origin": {"repo": OPENWRT_REPO, "commit": OPENWRT_COMMIT, "path": path}})
    _save_manifest(entries, "openwrt")
    print(f"openwrt: {len(entries)} patches from {OPENWRT_REPO}@{OPENWRT_COMMIT[:12]}")
    return 0


# ---------------------------------------------------------------- running

_W: dict = {}


def _worker_init(queue) -> None:
    _W["tree"] = queue.get()
    _W["env"] = dict(os.environ, GIT_OBJECT_DIRECTORY=str(Path(_W["tree"]).parent / "objects"),
                     GIT_ALTERNATE_OBJECT_DIRECTORIES=str(TREE / ".git" / "objects"),
                     LC_ALL="C")


def _run(cmd: list[str]) -> tuple[int, float, str]:
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=_W["tree"], env=_W["env"], capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return -9, time.perf_counter() - t, "timeout"
    out = (p.stdout + p.stderr).decode(errors="replace")
    return p.returncode, time.perf_counter() - t, out


def _git(*args: str) -> str:
    p = subprocess.run(["git", *args], cwd=_W["tree"], env=_W["env"], capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {p.stderr.strip()[:300]}")
    return p.stdout.strip()


def _snapshot_and_reset() -> str:
    _git("add", "-A")
    tree = _git("write-tree")
    _git("reset", "-q", "--hard", BASE)
    _git("clean", "-fdqx")
    return tree


def _tools(patch: str, reverse: bool) -> dict[str, tuple[list[str], list[str]]]:
    r = ["-R"] if reverse else []
    gp = ["patch", "-p1", "-N", "--batch", "-s", "--no-backup-if-mismatch", *r, "-i", patch]
    pg = [str(PGTOOL), "apply", "--tree", _W["tree"], *r, patch]
    return {
        "git": (["git", "apply", "--check", *r, patch], ["git", "apply", *r, patch]),
        "patch": (gp[:1] + ["--dry-run"] + gp[1:], gp),
        "pgtool": (pg[:2] + ["--check"] + pg[2:], pg),
    }


def _one(entry: dict, reverse: bool) -> dict:
    patch = str(CORPUS / entry["file"])
    res: dict = {"name": entry["name"], "source": entry["source"], "reverse": reverse}
    for tool, (check, real) in _tools(patch, reverse).items():
        rc, dt, out = _run(check)
        r = {"check_rc": rc, "check_s": round(dt, 4), "check_out": out[-600:]}
        if rc == 0:
            rc2, dt2, out2 = _run(real)
            r.update(apply_rc=rc2, apply_s=round(dt2, 4), apply_out=out2[-600:])
            r["tree"] = _snapshot_and_reset()
        else:
            r["apply_rc"] = None
        r["applied"] = r.get("apply_rc") == 0
        res[tool] = r
    g, p = res["git"], res["pgtool"]
    res["category"] = _classify(res)
    if res["category"] == "differ":
        diff = _git("diff-tree", "-r", "--name-status", g["tree"], p["tree"]).splitlines()
        res["first_diff"] = diff[0] if diff else "(modes only)"
        res["n_diff"] = len(diff)
    if not reverse and entry.get("expect") == "already-applied":
        res["already_msg"] = p["check_rc"] == 1 and "already applied" in p["check_out"]
    return res


def _classify(res: dict) -> str:
    g, p, gp = res["git"], res["pgtool"], res["patch"]
    for k in ("check_rc", "apply_rc"):
        rc = p.get(k)
        if rc is not None and (rc not in (0, 1) or "Traceback (most recent call last)" in p.get(
                k.replace("rc", "out"), "")):
            return "error"
    if p["check_rc"] == 0 and p["apply_rc"] != 0:
        return "error"  # --check said yes, the real apply refused
    if g["applied"] and p["applied"]:
        return "same" if g["tree"] == p["tree"] else "differ"
    if not g["applied"] and not p["applied"]:
        return "refuse"
    side = "git-only" if g["applied"] else "pgt-only"
    return f"{side}/patch-{'yes' if gp['applied'] else 'no'}"


def _job(arg: tuple[dict, bool]) -> dict:
    entry, reverse = arg
    try:
        return _one(entry, reverse)
    except Exception as exc:  # keep going; the row says what broke
        try:
            _git("reset", "-q", "--hard", BASE)
            _git("clean", "-fdqx")
        except Exception:
            pass
        return {"name": entry["name"], "source": entry["source"], "reverse": reverse,
                "category": "bench-error", "bench_error": repr(exc)}


def run(args) -> int:
    entries = _load_manifest()
    if args.source:
        entries = [e for e in entries if e["source"] in args.source]
    entries = [e for e in entries if (CORPUS / e["file"]).exists()]
    if not entries:
        print("real_patches: no corpus under .cache/real_patches/ -- skipped. Get it with "
              "`bench/real_patches.py --fetch` (Debian) and `--import-openwrt GITDIR`.")
        return 0
    if args.limit:
        by: dict = {}
        for e in entries:
            by.setdefault(e["source"], []).append(e)
        entries = [e for es in by.values() for e in es[: args.limit]]
    if not (TREE / ".git").exists() or not PGTOOL.exists():
        print("real_patches: needs linux-src/ (a git tree with tag baseline) and .venv/bin/pgtool")
        return 2
    jobs = [(e, False) for e in entries] + [(e, True) for e in entries if e.get("expect") == "already-applied"]
    tmp = Path(tempfile.mkdtemp(prefix="real-patches-"))
    trees = []
    t_setup = time.perf_counter()
    try:
        for i in range(args.jobs):
            w = tmp / f"w{i}" / "tree"
            (w.parent / "objects").mkdir(parents=True)
            subprocess.run(["git", "-C", str(TREE), "worktree", "add", "-q", "--detach", str(w), BASE],
                           check=True)
            trees.append(str(w))
        q = multiprocessing.Manager().Queue()
        for w in trees:
            q.put(w)
        print(f"  {len(trees)} worktrees ready ({time.perf_counter() - t_setup:.0f}s)", file=sys.stderr)
        t0 = time.perf_counter()
        with multiprocessing.Pool(args.jobs, _worker_init, (q,)) as pool:
            results = []
            for n, r in enumerate(pool.imap_unordered(_job, jobs, chunksize=4), 1):
                results.append(r)
                if n % 50 == 0:
                    print(f"  {n}/{len(jobs)} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
        wall = time.perf_counter() - t0
    finally:
        for w in trees:
            subprocess.run(["git", "-C", str(TREE), "worktree", "remove", "--force", w],
                           capture_output=True)
        subprocess.run(["git", "-C", str(TREE), "worktree", "prune"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    origin = {e["name"]: e["origin"] for e in entries}
    for r in results:
        r["origin"] = origin.get(r["name"])
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    report(results, wall, len(entries))
    return 0


def report(results: list[dict], wall: float, n_patches: int) -> None:
    cats = ["same", "refuse", "git-only/patch-yes", "git-only/patch-no", "pgt-only/patch-yes",
            "pgt-only/patch-no", "differ", "error", "bench-error"]
    groups: dict = {}
    for r in results:
        groups.setdefault((r["source"], "reverse" if r["reverse"] else "forward"), []).append(r)
    print(f"\n{n_patches} patches, {len(results)} runs, {wall:.0f}s wall\n")
    head = f"{'source':<9}{'dir':<9}{'n':>5}" + "".join(f"{c.replace('/patch-', '/p'):>14}" for c in cats)
    print(head)
    print("-" * len(head))
    for (src, d), rs in sorted(groups.items()):
        print(f"{src:<9}{d:<9}{len(rs):>5}" + "".join(
            f"{sum(r['category'] == c for r in rs):>14}" for c in cats))
    tot = f"{'all':<18}{len(results):>5}" + "".join(
        f"{sum(r['category'] == c for r in results):>14}" for c in cats)
    print(tot)

    print("\napplied per tool (runs where the tool's real apply succeeded):")
    for (src, d), rs in sorted(groups.items()):
        print(f"  {src:<9}{d:<9}" + "  ".join(
            f"{t} {sum(r.get(t, {}).get('applied', False) for r in rs):>4}" for t in ("git", "patch", "pgtool")))

    deb = [r for r in results if r["source"] == "debian"]
    if deb:
        fwd = [r for r in deb if not r["reverse"]]
        rev = [r for r in deb if r["reverse"]]

        def ok(r, tool, key):
            return r.get(tool, {}).get(key) == 0
        print("\ndebian (already applied in the tree):")
        print(f"  forward: pgtool exit 1 + 'already applied' {sum(bool(r.get('already_msg')) for r in fwd)}/{len(fwd)};"
              f" git apply --check refuses {sum(not ok(r, 'git', 'check_rc') for r in fwd)}/{len(fwd)}")
        print(f"  reverse: git -R applies {sum(r.get('git', {}).get('applied', False) for r in rev)}/{len(rev)};"
              f" pgtool -R applies {sum(r.get('pgtool', {}).get('applied', False) for r in rev)}/{len(rev)};"
              f" pgtool -R tree == git -R tree {sum(r['category'] == 'same' for r in rev)}/{len(rev)}")
        bad = [r for r in fwd if not r.get("already_msg")]
        if bad:
            print("  forward, not reported 'already applied' by pgtool:")
            for r in bad:
                p = r.get("pgtool", {})
                print(f"    {r['name']}: pgtool check rc {p.get('check_rc')}: {_first(p.get('check_out', ''))};"
                      f" git -R check rc {_rev_git(results, r['name'])}")

    print("\ntime per patch, seconds (median / mean):")
    for t in ("git", "patch", "pgtool"):
        c = [r[t]["check_s"] for r in results if t in r]
        a = [r[t]["apply_s"] for r in results if t in r and "apply_s" in r[t]]
        line = f"  {t:<7} check {statistics.median(c):.3f} / {statistics.mean(c):.3f} (n={len(c)})"
        if a:
            line += f"   apply {statistics.median(a):.3f} / {statistics.mean(a):.3f} (n={len(a)})"
        print(line)

    for c in cats[2:]:
        rs = [r for r in results if r["category"] == c]
        if not rs:
            continue
        print(f"\n{c} ({len(rs)}):")
        for r in sorted(rs, key=lambda r: (r["source"], r["name"], r["reverse"])):
            d = "-R " if r["reverse"] else ""
            o = r.get("origin") or {}
            where = f"{o.get('repo', o.get('package', ''))}:{o.get('path', '')}"
            if c == "bench-error":
                print(f"  {d}{r['name']}: {r['bench_error']}")
                continue
            g, p, gp = r["git"], r["pgtool"], r["patch"]
            desc = (f"git {_verdict(g)}; patch {_verdict(gp)}; pgtool {_verdict(p)}")
            if c == "differ":
                desc += f"; {r['n_diff']} file(s) differ, first: {r['first_diff']}"
            print(f"  {d}{r['name']}  [{where}]\n      {desc}")
    print(f"\nfull results: {RESULTS.relative_to(REPO)}")


def _rev_git(results, name):
    for r in results:
        if r["name"] == name and r["reverse"]:
            return r.get("git", {}).get("check_rc")
    return None


def _first(out: str) -> str:
    for ln in out.splitlines():
        if ln.strip():
            return ln.strip()[:160]
    return ""


def _verdict(t: dict) -> str:
    if t.get("applied"):
        return "applied"
    if t.get("check_rc") == 0:
        return f"check ok, apply rc {t.get('apply_rc')}: {_first(t.get('apply_out', ''))}"
    return f"refused (rc {t.get('check_rc')}: {_first(t.get('check_out', ''))})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fetch", action="store_true", help="download Debian's patches (apt-get, deb-src)")
    ap.add_argument("--import-openwrt", metavar="GITDIR", help="copy OpenWrt's 6.1 patches from a clone")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--source", action="append", help="only this source (repeatable)")
    ap.add_argument("--limit", type=int, default=0, help="at most N patches per source")
    args = ap.parse_args()
    if args.fetch or args.import_openwrt:
        rc = 0
        if args.fetch:
            rc |= fetch_debian()
        if args.import_openwrt:
            rc |= import_openwrt(args.import_openwrt)
        return rc
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
