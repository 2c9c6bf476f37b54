"""`pgtool boot-check`: build a tree for i386, boot it in QEMU, classify the console.

Stages, one module each: toolchain -> config -> build -> initramfs -> qemu ->
verdict; `check.boot_check()` runs them and returns a `BootResult`.
"""
