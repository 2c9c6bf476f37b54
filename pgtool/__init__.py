"""pgtool: apply, lint and boot-check Linux kernel patches.

One sub-package per pipeline, data flowing one way through each:
  apply/  mail or file -> repaired patch -> matched hunks -> atomic write -> report
  cfront/ C file -> functions -> pycparser ASTs (header-free, GNU C rewritten)
  lint/   functions -> control-flow graphs -> lock/flag states -> findings -> text/JSON/SARIF
  boot/   config -> build -> initramfs -> QEMU -> console log -> verdict
  series/ quilt-compatible patch queue, `check`, the pre-commit hook
"""

__version__ = "0.1.0"
