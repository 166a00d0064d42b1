"""The frozen app's entry point: the same `main()` as the `iltdesk` console script."""

from iltdesk.__main__ import main

if __name__ == "__main__":
    main()
