from clustercert.cli import run

run()
