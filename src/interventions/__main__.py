from interventions._cli import main

if __name__ == "__main__":  # batch --jobs N: spawned workers import this module again
    raise SystemExit(main())
