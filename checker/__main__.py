"""`python -m checker ...` runs the imr-check command line (e.g. without the console script on PATH)."""
from checker.cli import main as cli_main


def main() -> None:
    cli_main(prog_name="imr-check")


if __name__ == "__main__":
    main()
