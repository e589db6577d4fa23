"""`python -m sebaya` runs the same command as `sebaya`."""

from sebaya.cli import main

main()
