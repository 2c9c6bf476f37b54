from pgtool.cli import main

main()
